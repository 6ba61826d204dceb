"""Routing's API (mounted at /api/v1/routage): the supervision wallboard as JSON.

The same figures as the page (``routing.selectors.wallboard``), for the same people: a
signed-in supervisor (``Perm.SUPERVISE``) sees the routed queues of their scope; anyone
else gets 403, an API token too (supervision is a person's work). Ratios are shares in
[0, 1] or ``null`` when no contact counts (never 0).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router
from pydantic import BaseModel

from parvis.accounts.api_auth import principal_of
from parvis.accounts.models import ApiToken
from parvis.accounts.scoping import Perm, has_permission
from parvis.core.api_schemas import problems
from parvis.routing import selectors

router = Router(tags=["routage"])


# The output schemas are plain pydantic models, not ninja ``Schema``s: the view builds
# dicts, and a ``Schema`` wraps each nested dict in ninja's attribute getter before
# validating it (about 9 ms for 200 queues, against well under 1 ms natively).


class TargetOut(BaseModel):
    share: float = Field(..., description="Part visée, entre 0 et 1.")
    seconds: int | None = Field(None, description="Délai en secondes (téléphone, chat).")
    working_days: int | None = Field(
        None, description="Délai en jours ouvrés (courriel, SMS), au calendrier de la file."
    )


class PeriodOut(BaseModel):
    entered: int = Field(..., description="Contacts entrés dans la file sur la période.")
    answered: int
    answered_within: int = Field(..., description="Répondus dans le délai visé.")
    abandoned: int = Field(..., description="Abandons après 5 secondes.")
    abandoned_after_threshold: int = Field(..., description="Abandons après le délai visé.")
    short_abandons: int = Field(..., description="Abandons de moins de 5 secondes, à part.")
    service_level: float | None = Field(
        ..., description="Répondus dans le délai ÷ (répondus + abandons après le délai)."
    )
    abandon_rate: float | None = Field(
        ..., description="Abandons après 5 secondes ÷ contacts entrés dans la file."
    )
    handling_seconds: float | None = Field(
        ..., description="Durée moyenne de traitement : communication + attente + après-contact."
    )


class QueueOut(BaseModel):
    id: int
    name: str
    organisation: str = Field(..., description="Slug de l’organisme.")
    paused: bool
    target: TargetOut
    waiting: int = Field(..., description="Contacts en attente d’une proposition.")
    offered: int = Field(..., description="Contacts proposés à un agent, pas encore acceptés.")
    longest_wait_seconds: float | None
    past_target: int = Field(
        ...,
        description="Contacts en attente ou proposés depuis plus longtemps que le délai visé "
        "(en jours ouvrés sur le calendrier de la file pour une cible en jours).",
    )
    agents: dict[str, int] = Field(
        ..., description="Membres de la file par présence (available, busy, wrap_up…)."
    )
    day: PeriodOut
    last_30_minutes: PeriodOut
    alerts: list[str] = Field(
        ...,
        description="Codes : service_level_day, service_level_recent, nobody_staffed, paused.",
    )


class WallboardOut(BaseModel):
    generated_at: dt.datetime
    queues: list[QueueOut]


def _period(period: selectors.Period) -> dict[str, Any]:
    return {
        "entered": period.entered,
        "answered": period.answered,
        "answered_within": period.answered_within,
        "abandoned": period.abandoned,
        "abandoned_after_threshold": period.abandoned_after_threshold,
        "short_abandons": period.short_abandons,
        "service_level": period.service_level,
        "abandon_rate": period.abandon_rate,
        "handling_seconds": period.handling_seconds,
    }


def board_json(board: selectors.QueueBoard) -> dict[str, Any]:
    policy = board.policy
    return {
        "id": board.queue.pk,
        "name": board.queue.name,
        "organisation": board.queue.organisation.slug,
        "paused": policy.is_paused,
        "target": {
            "share": policy.service_level_share,
            "seconds": policy.service_level_seconds,
            "working_days": policy.service_level_working_days,
        },
        "waiting": board.waiting,
        "offered": board.offered,
        "longest_wait_seconds": board.longest_wait_seconds,
        "past_target": board.past_target,
        "agents": board.presence,
        "day": _period(board.day),
        "last_30_minutes": _period(board.recent),
        "alerts": list(board.alerts),
    }


@router.get(
    "/wallboard",
    response={200: WallboardOut, **problems(400, 401, 403)},
    summary="Mur de supervision : files routées du superviseur et leurs indicateurs",
)
def wallboard(request: HttpRequest) -> dict[str, Any]:
    principal = principal_of(request)
    if isinstance(principal, ApiToken) or not has_permission(principal, Perm.SUPERVISE):
        raise PermissionDenied
    boards = selectors.wallboard(principal)
    return {"generated_at": timezone.now(), "queues": [board_json(board) for board in boards]}
