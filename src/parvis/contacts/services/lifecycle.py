"""The lifecycle moves of a conversation, one service per move (``contacts.workflow``).

Each service locks the conversation, applies one move of ``workflow.LIFECYCLE`` inside
one transaction, writes the audit row when a person (or an API token) acts, and sends
the event after commit: ``conversation_assigned`` (assign, accept),
``conversation_resolved`` (resolve, a counter visit), ``conversation_changed`` otherwise.
A conversation outside the principal's scope is not found (404), a move the table
refuses is a ``ContactError`` with the kit's code and status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from parvis.accounts.scoping import visible_to
from parvis.accounts.services import audit_record
from parvis.contacts import events, workflow
from parvis.contacts.errors import ContactError
from parvis.contacts.models import Conversation, Status
from parvis.core.workflow import Step, WorkflowError, is_system, person_of, user_of

NOT_FOUND = "Conversation introuvable."


def ensure_visible(principal: Any, conversation: Conversation) -> None:
    """404 (``ContactError``) unless the system acts or the person sees the conversation."""
    if is_system(principal, conversation):
        return
    person = person_of(principal)
    if person is None or not (
        visible_to(person, Conversation.objects.filter(pk=conversation.pk)).exists()
    ):
        raise ContactError("not_found", NOT_FOUND, status=404)


def announce(conversation_id: int, move: str) -> None:
    if move in workflow.ASSIGNING_MOVES:
        events.conversation_assigned.send_on_commit(conversation_id)
    elif move in workflow.RESOLVING_MOVES:
        events.conversation_resolved.send_on_commit(conversation_id)
    else:
        events.conversation_changed.send_on_commit(conversation_id)


def apply_move(
    conversation: Conversation,
    *,
    principal: Any,
    move: str,
    reason: str = "",
    note: str = "",
    inputs: Mapping[str, str] | None = None,
    now: dt.datetime | None = None,
    audit: bool = True,
    announced: bool = True,
) -> Step:
    """Apply ``move`` (inside the caller's transaction), audit it when a person acts,
    and announce it after commit."""
    try:
        step = workflow.LIFECYCLE.apply(
            conversation,
            principal=principal,
            move=move,
            reason=reason[:30],
            note=note,
            inputs=inputs,
            now=now,
        )
    except WorkflowError as error:
        raise ContactError(error.code, error.message, error.field, status=error.status) from error
    person = person_of(principal)
    if audit and person is not None:
        data: dict[str, Any] = {
            "reference": conversation.reference,
            "from": step.source,
            "to": step.target,
        }
        if reason:
            data["reason"] = reason[:30]
        if "outcome" in step.inputs:
            data["outcome"] = step.inputs["outcome"]
        audit_record(
            actor=person,
            action=f"conversation.{move}",
            target=conversation,
            data=data,
            organisation=conversation.organisation,
        )
    if announced:
        announce(conversation.pk, move)
    return step


def open_and_queue(conversation: Conversation, *, now: dt.datetime) -> list[Step]:
    """A new conversation opened and queued by the system as it arrives, unsaved until
    now: one insert of the conversation and one of its two log rows. Not audited (no
    person acts) and not announced (the caller sends ``conversation_created``)."""
    try:
        return workflow.LIFECYCLE.apply_all(
            conversation, principal=workflow.INBOUND, moves=("open", "queue"), now=now
        )
    except WorkflowError as error:
        raise ContactError(error.code, error.message, error.field, status=error.status) from error


def _locked(conversation: Conversation, principal: Any) -> Conversation:
    ensure_visible(principal, conversation)
    return (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("queue", "organisation")
        .get(pk=conversation.pk)
    )


# --- One service per move -------------------------------------------------------------------


@transaction.atomic
def conversation_queue(
    *, conversation: Conversation, principal: Any = workflow.INBOUND
) -> Conversation:
    """new → queued: deadlines are computed now, once, on the queue's calendar."""
    conversation = _locked(conversation, principal)
    apply_move(conversation, principal=principal, move="queue")
    return conversation


@transaction.atomic
def conversation_assign(
    *, conversation: Conversation, principal: Any, agent: Any = None
) -> Conversation:
    """queued → assigned, to ``agent`` (the acting person by default)."""
    conversation = _locked(conversation, principal)
    agent = agent or user_of(principal)
    if agent is None:
        raise ContactError("agent_required", "Choisissez l’agent qui prend en charge.", "agent")
    conversation.assignee = agent
    apply_move(conversation, principal=principal, move="assign")
    return conversation


@transaction.atomic
def conversation_release(
    *, conversation: Conversation, principal: Any, note: str = ""
) -> Conversation:
    """assigned → queued: the agent puts the conversation back in its queue."""
    conversation = _locked(conversation, principal)
    apply_move(conversation, principal=principal, move="release", note=note)
    return conversation


@transaction.atomic
def conversation_wait(
    *, conversation: Conversation, principal: Any, on: str, note: str = ""
) -> Conversation:
    """assigned → waiting for the citizen (``on="citizen"``) or a partner (``"partner"``)."""
    if on not in ("citizen", "partner"):
        raise ContactError("unknown_wait", "Attente inconnue.", "on")
    conversation = _locked(conversation, principal)
    apply_move(conversation, principal=principal, move=f"wait_{on}", note=note)
    return conversation


@transaction.atomic
def conversation_resume(*, conversation: Conversation, principal: Any) -> Conversation:
    """waiting → assigned: the citizen wrote again, or the partner answered."""
    conversation = _locked(conversation, principal)
    apply_move(conversation, principal=principal, move="resume")
    return conversation


@transaction.atomic
def conversation_resolve(
    *, conversation: Conversation, principal: Any, outcome: str, note: str = ""
) -> Conversation:
    """→ resolved, with an outcome of the closed table (its version is stored)."""
    conversation = _locked(conversation, principal)
    apply_move(
        conversation, principal=principal, move="resolve", note=note, inputs={"outcome": outcome}
    )
    return conversation


@transaction.atomic
def conversation_reopen(
    *, conversation: Conversation, principal: Any, reason: str = ""
) -> Conversation:
    """resolved or closed → queued (a new message of the citizen, or an agent). Its
    deadlines stay those computed at the first queueing. ``reason`` is a code of
    ``workflow.REOPEN_REASONS`` (a person: « agent » by default)."""
    if not reason:
        reason = "citizen_message" if is_system(principal, conversation) else "agent"
    if reason not in workflow.REOPEN_REASONS:
        raise ContactError("unknown_reason", "Motif de réouverture inconnu.", "reason")
    conversation = _locked(conversation, principal)
    apply_move(conversation, principal=principal, move="reopen", reason=reason)
    return conversation


@transaction.atomic
def conversation_offer(*, conversation: Conversation, principal: Any) -> Conversation:
    """queued → offered (routing, next issue)."""
    conversation = _locked(conversation, principal)
    apply_move(conversation, principal=principal, move="offer")
    return conversation


@transaction.atomic
def conversation_offer_expire(*, conversation: Conversation, principal: Any) -> Conversation:
    """offered → queued: nobody accepted in time (routing)."""
    conversation = _locked(conversation, principal)
    apply_move(conversation, principal=principal, move="offer_expire")
    return conversation


@transaction.atomic
def conversation_accept(
    *, conversation: Conversation, principal: Any, agent: Any = None
) -> Conversation:
    """offered → assigned: the agent it was offered to takes it (routing)."""
    conversation = _locked(conversation, principal)
    conversation.assignee = agent or user_of(principal)
    apply_move(conversation, principal=principal, move="accept")
    return conversation


def conversations_close_resolved(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Close what was resolved more than ``CONTACTS_CLOSE_AFTER_DAYS`` ago (the beat
    task, idempotent); how many were closed."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.CONTACTS_CLOSE_AFTER_DAYS)
    closed = 0
    while True:
        ids = list(
            Conversation.objects.filter(status=Status.RESOLVED, resolved_at__lt=cutoff)
            .order_by("resolved_at", "pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return closed
        for conversation_id in ids:
            with transaction.atomic():
                conversation = (
                    Conversation.objects.select_for_update()
                    .filter(pk=conversation_id, status=Status.RESOLVED)
                    .first()
                )
                if conversation is None:
                    continue
                apply_move(conversation, principal=workflow.TIMER, move="close", now=now)
                closed += 1
