"""The state machine of a simplification request: every allowed move, in one table.

``services.simplification_request_transition`` is the only code that changes a status; it
reads this table to know whether a move exists, who may make it and what it needs.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from parvis.simplification.models import Status


class Authority(enum.StrEnum):
    # Publication decision: the organisation's quality managers or platform moderators.
    # A person only: an API token never publishes what a partner site sent.
    MODERATION = "moderation"
    # Decision on the substance: the organisation's quality managers, or a write token of
    # the organisation (its own tools keeping parvis in sync).
    ORGANISATION = "organisation"


class Needs(enum.StrEnum):
    NOTHING = "nothing"
    REJECTION_REASON = "rejection_reason"  # coded moderation reason
    DECLINE_REASON = "decline_reason"  # coded reason + public explanation
    COMMENT = "comment"  # a public comment saying what changed


@dataclass(frozen=True)
class Move:
    authority: Authority
    needs: Needs = Needs.NOTHING
    label: str = ""  # the button, in French


S = Status
TRANSITIONS: dict[tuple[str, str], Move] = {
    (S.SUBMITTED, S.RECEIVED): Move(Authority.MODERATION, label="Publier la demande"),
    (S.SUBMITTED, S.REJECTED): Move(Authority.MODERATION, Needs.REJECTION_REASON, "Ne pas publier"),
    (S.RECEIVED, S.UNDER_STUDY): Move(Authority.ORGANISATION, label="Mettre à l’étude"),
    (S.RECEIVED, S.ACCEPTED): Move(Authority.ORGANISATION, label="Accepter"),
    (S.RECEIVED, S.DECLINED): Move(Authority.ORGANISATION, Needs.DECLINE_REASON, "Ne pas retenir"),
    (S.UNDER_STUDY, S.ACCEPTED): Move(Authority.ORGANISATION, label="Accepter"),
    (S.UNDER_STUDY, S.DECLINED): Move(
        Authority.ORGANISATION, Needs.DECLINE_REASON, "Ne pas retenir"
    ),
    (S.ACCEPTED, S.DONE): Move(Authority.ORGANISATION, Needs.COMMENT, "Marquer comme réalisée"),
    # Accepted, then found impossible (e.g. a legal obstacle): said publicly, with a reason.
    (S.ACCEPTED, S.DECLINED): Move(Authority.ORGANISATION, Needs.DECLINE_REASON, "Ne pas retenir"),
}


def move(from_status: str, to_status: str) -> Move | None:
    return TRANSITIONS.get((from_status, to_status))


def next_statuses(from_status: str) -> list[str]:
    return [to for (origin, to) in TRANSITIONS if origin == from_status]
