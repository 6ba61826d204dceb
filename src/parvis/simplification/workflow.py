"""The lifecycle of a simplification request: every allowed move, in one table.

``LIFECYCLE`` (a ``core.workflow.Machine``) declares the moves, who may make them (guards),
what they need (coded reasons, public texts) and what they set (dates, the purge of the
proposer's words). ``services.simplification_request_transition`` is the only code that
changes a status; it applies a move of this table and adds the audit row, the events and
the notification to the proposer.
"""

from __future__ import annotations

from typing import Any

from parvis.accounts import scoping
from parvis.accounts.models import ApiToken
from parvis.accounts.scoping import Perm, has_permission
from parvis.core.charter import CharterReason
from parvis.core.workflow import CREATION, Machine, Move, Requirement, Step, anyone
from parvis.simplification.models import (
    DeclineReason,
    SimplificationRequest,
    Status,
    StatusChange,
)

S = Status


def can_moderate(actor: Any, request: SimplificationRequest) -> bool:
    """Publication decision: platform moderators and admins, and the organisation's
    quality managers (``scoping.can_moderate``). A person only: an API token never
    publishes what a partner site sent."""
    return scoping.can_moderate(actor, request)


def can_decide(actor: Any, request: SimplificationRequest) -> bool:
    """Decision on the substance: the organisation's quality managers, or a write token
    of the organisation (its own tools keeping parvis in sync)."""
    if isinstance(actor, ApiToken):
        return has_permission(actor, Perm.API_WRITE, request)
    return has_permission(actor, Perm.MANAGE_QUALITY, request)


def mask(text: str) -> tuple[str, bool]:
    """``text`` with its personal data masked (language engine), and whether it changed."""
    from parvis.language.engine import anonymise

    if not text.strip():
        return text, False
    masked, entities = anonymise(text)
    return masked, bool(entities)


# --- Effects: what reaching a state sets --------------------------------------------------


def _received(request: SimplificationRequest, step: Step) -> None:
    request.received_at = step.now


def _decided(request: SimplificationRequest, step: Step) -> None:
    if request.decided_at is None:
        request.decided_at = step.now


def _done(request: SimplificationRequest, step: Step) -> None:
    request.done_at = step.now


def _rejected(request: SimplificationRequest, step: Step) -> None:
    request.rejection_reason = step.reason


def _declined(request: SimplificationRequest, step: Step) -> None:
    request.decline_reason = step.reason
    request.decline_explanation = mask(step.inputs.get("explanation", "").strip())[0]


def _ended(request: SimplificationRequest, step: Step) -> None:
    # The proposer's original words are no longer needed once the story ends.
    request.original_texts_encrypted = ""


def _save(request: SimplificationRequest, step: Step) -> None:
    request.status_changed_at = step.now
    request.full_clean()
    request.save()


# --- The table ------------------------------------------------------------------------------

REJECTION_REASON = Requirement(
    "reason",
    "reason_required",
    "Choisissez le motif de non-publication.",
    choices=frozenset(CharterReason.values),
)
DECLINE_REASON = Requirement(
    "reason",
    "reason_required",
    "Choisissez la raison pour laquelle la demande n’est pas retenue.",
    choices=frozenset(DeclineReason.values),
)
EXPLANATION = Requirement(
    "explanation",
    "explanation_required",
    "Expliquez publiquement pourquoi la demande n’est pas retenue.",
)
COMMENT = Requirement("comment", "comment_required", "Dites publiquement ce qui a été simplifié.")

LIFECYCLE = Machine(
    name="simplification_request",
    states=dict(S.choices),
    log_model=StatusChange,
    log_object_field="request",
    save=_save,
    messages={
        "transition_not_allowed": "Une demande « {source} » ne peut pas passer au statut "
        "« {target} »."
    },
    not_allowed_field="status",
    on_enter={
        S.RECEIVED: (_received,),
        S.ACCEPTED: (_decided,),
        S.DECLINED: (_decided, _declined, _ended),
        S.DONE: (_done, _ended),
        S.REJECTED: (_rejected, _ended),
    },
    moves=[
        # By a citizen, an agent or a partner site's token; masked, then moderated.
        Move("propose", {CREATION}, S.SUBMITTED, "Proposer", guard=anyone),
        Move("publish", {S.SUBMITTED}, S.RECEIVED, "Publier la demande", guard=can_moderate),
        Move(
            "reject",
            {S.SUBMITTED},
            S.REJECTED,
            "Ne pas publier",
            guard=can_moderate,
            requires=(REJECTION_REASON,),
        ),
        Move("study", {S.RECEIVED}, S.UNDER_STUDY, "Mettre à l’étude", guard=can_decide),
        Move("accept", {S.RECEIVED, S.UNDER_STUDY}, S.ACCEPTED, "Accepter", guard=can_decide),
        Move(
            "complete",
            {S.ACCEPTED},
            S.DONE,
            "Marquer comme réalisée",
            guard=can_decide,
            requires=(COMMENT,),
        ),
        # Also once accepted, then found impossible (e.g. a legal obstacle): said publicly.
        Move(
            "decline",
            {S.RECEIVED, S.UNDER_STUDY, S.ACCEPTED},
            S.DECLINED,
            "Ne pas retenir",
            guard=can_decide,
            requires=(DECLINE_REASON, EXPLANATION),
        ),
    ],
)
# The publication decision, made by moderators (the others decide on the substance).
MODERATION_MOVES = frozenset({"publish", "reject"})

# (from, to) → move, for the back office and the tests (the creation is left out).
TRANSITIONS: dict[tuple[str, str], Move] = {
    (source, move.target): move
    for move in LIFECYCLE
    for source in sorted(move.sources)
    if source != CREATION
}


def move(from_status: str, to_status: str) -> Move | None:
    return TRANSITIONS.get((from_status, to_status))


def next_statuses(from_status: str) -> list[str]:
    return [move.target for move in LIFECYCLE.moves_from(from_status)]
