"""Callbacks in the API (mounted at /api/v1/rappels).

``POST /rappels``: an organisation's tool (its write token) asks that the citizen of a
queued conversation be called back instead of waiting, keeping their place, at their
turn or at a slot inside the queue's opening hours. ``GET /rappels/{reference}``: where
the callback stands, with the position and estimated wait while it waits. Conversations
are found through the hub's scoped selector: another organisation's reference is a 404.
Refusals are problem+json with a stable ``code`` (``callbacks_disabled``,
``callback_exists``, ``not_waiting``, ``slot_outside_hours``, ``number_required``…).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja import Status as HttpStatus

from parvis.accounts.api_auth import principal_of, token_auth, write_token_of
from parvis.accounts.scoping import get_visible_or_404
from parvis.contacts import selectors as contact_selectors
from parvis.core.api_schemas import InputSchema, IsoDateTime, problems
from parvis.routing import selectors_callbacks
from parvis.routing.models import Callback, CallbackStatus
from parvis.routing.services import callbacks

router = Router(tags=["rappels"])

PUBLIC_STATUS = {
    CallbackStatus.WAITING: "en-attente",
    CallbackStatus.SCHEDULED: "programme",
    CallbackStatus.DIALLING: "appel-en-cours",
    CallbackStatus.DONE: "rappele",
    CallbackStatus.FAILED: "sans-reponse",
    CallbackStatus.CANCELLED: "annule",
}


class CallbackIn(InputSchema):
    reference: str = Field(..., max_length=30, description="Référence de la conversation.")
    number: str | None = Field(
        None,
        max_length=40,
        description="Numéro à rappeler (sinon celui que la conversation connaît).",
    )
    slot_at: IsoDateTime | None = Field(
        None,
        description="Créneau souhaité, avec son décalage horaire, dans les horaires "
        "d’ouverture de la file et les 14 prochains jours (sinon : à son tour).",
    )
    sms_consent: bool = Field(
        False, description="L’usager accepte un SMS de confirmation sur ce numéro."
    )


class CallbackOut(Schema):
    reference: str
    status: str = Field(..., description="en-attente, programme, appel-en-cours, rappele…")
    status_label: str
    requested_at: dt.datetime
    slot_at: dt.datetime | None
    next_attempt_at: dt.datetime | None
    attempts: int
    announced_by_sms: bool
    ended_at: dt.datetime | None
    waiting_ahead: int | None = Field(None, description="Contacts attendant avant celui-ci.")
    estimated_wait_seconds: int | None
    estimated_wait: str | None = Field(None, description="« environ 4 minutes »…")


def _out(callback: Callback) -> dict[str, Any]:
    estimate = None
    if callback.status == CallbackStatus.WAITING and callback.next_attempt_at is None:
        estimate = selectors_callbacks.estimate_for(callback.conversation_id, now=timezone.now())
    return {
        "reference": callback.conversation.reference,
        "status": PUBLIC_STATUS[CallbackStatus(callback.status)],
        "status_label": callback.get_status_display(),
        "requested_at": callback.requested_at,
        "slot_at": callback.slot_at,
        "next_attempt_at": callback.next_attempt_at,
        "attempts": callback.attempts,
        "announced_by_sms": callback.announced_at is not None,
        "ended_at": callback.ended_at,
        "waiting_ahead": estimate.ahead if estimate else None,
        "estimated_wait_seconds": round(estimate.seconds) if estimate else None,
        "estimated_wait": estimate.wording if estimate else None,
    }


@router.post(
    "",
    auth=[token_auth],
    response={201: CallbackOut, **problems(401, 403, 404, 409, 413, 422)},
    summary="Demander le rappel d’un usager en attente (il garde sa place)",
)
def callback_create(request: HttpRequest, payload: CallbackIn) -> HttpStatus:
    token = write_token_of(request)
    conversation = get_visible_or_404(
        token, contact_selectors.conversations_for(token), reference=payload.reference
    )
    callback = callbacks.callback_request(
        principal=token,
        conversation=conversation,
        number=payload.number or "",
        slot_at=payload.slot_at,
        sms_consent=payload.sms_consent,
    )
    return HttpStatus(201, _out(callback))


@router.get(
    "/{reference}",
    response={200: CallbackOut, **problems(401, 404, 422)},
    summary="Où en est le rappel d’une conversation",
)
def callback_detail(request: HttpRequest, reference: str) -> dict[str, Any]:
    callback = (
        selectors_callbacks.callbacks_for(principal_of(request))
        .filter(conversation__reference=reference)
        .first()
    )
    if callback is None:
        raise Http404
    return _out(callback)
