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
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from parvis.accounts.scoping import Perm, has_permission, visible_to
from parvis.accounts.services import audit_record
from parvis.contacts import events, workflow
from parvis.contacts.errors import ContactError
from parvis.contacts.models import Conversation, ConversationTransition, Status
from parvis.core.prepared import CompiledGet, prepared_cursor
from parvis.core.workflow import (
    Step,
    System,
    WorkflowError,
    is_system,
    label_of,
    person_of,
    user_of,
)

NOT_FOUND = "Conversation introuvable."


def ensure_visible(principal: Any, conversation: Conversation, *, fresh: bool = False) -> None:
    """404 (``ContactError``) unless the system acts or the person sees the conversation.

    ``fresh``: the conversation was just read (locked) and not changed, so its scope can
    be read off the instance (``scoping.has_permission``); the person is then remembered
    on it as one who sees it, for the move's guard (``workflow.can_handle``)."""
    if is_system(principal, conversation):
        return
    person = person_of(principal)
    if person is None:
        raise ContactError("not_found", NOT_FOUND, status=404)
    if fresh:
        visible = has_permission(person, Perm.VIEW, conversation, fresh=True)
    else:
        visible = visible_to(person, Conversation.objects.filter(pk=conversation.pk)).exists()
    if not visible:
        raise ContactError("not_found", NOT_FOUND, status=404)
    if fresh:
        workflow.remember_seen_by(conversation, person)


def announce(conversation: Conversation, move: str) -> None:
    """The move's event, with the conversation as saved: this transaction changed its
    row and holds its lock, so the in-transaction followers (the events log, routing,
    the desks) read the instance instead of the row (``core.events.sent_instance``)."""
    if move in workflow.ASSIGNING_MOVES:
        event = events.conversation_assigned
    elif move in workflow.RESOLVING_MOVES:
        event = events.conversation_resolved
    else:
        event = events.conversation_changed
    event.send_on_commit(conversation.pk, instance=conversation)


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
        announce(conversation, move)
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


# Every move's first statement, compiled once (``core.prepared.CompiledGet``).
_LOCK = CompiledGet(
    lambda pk: (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("queue", "organisation")
        .filter(pk=pk)
    )
)


def _locked(conversation: Conversation, principal: Any) -> Conversation:
    """The conversation read again and locked, then checked against the principal: the
    row the move starts from is the one the scope is checked on."""
    locked = _LOCK.get(conversation.pk)
    if locked is None:
        raise ContactError("not_found", NOT_FOUND, status=404)
    ensure_visible(principal, locked, fresh=True)
    workflow.remember_loaded(locked)
    return locked


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


# What the system's assignment and offer change (``workflow.LIFECYCLE``'s ``assign`` and
# ``offer`` moves and the effects of entering their targets), written by
# ``conversations_assign_by_system`` and ``conversations_offer_by_system`` as one
# statement; ``LEAN_EFFECTS`` says which effects that statement reproduces.
LEAN_EFFECTS: dict[str, tuple[Any, ...]] = {"assign": (workflow._assigned,), "offer": ()}


def _lean_move_matches_the_table(move: str) -> bool:
    rule = workflow.LIFECYCLE.moves[move]
    effects = (*rule.effects, *workflow.LIFECYCLE.on_enter.get(rule.target, ()))
    return Status.QUEUED in rule.sources and effects == LEAN_EFFECTS[move]


def conversations_assign_by_system(
    assignments: Sequence[tuple[int, int]], *, principal: System, now: dt.datetime
) -> list[int]:
    """queued → assigned for several conversations at once, each to its agent, by the
    system (routing's decisions of one transaction): one update of the conversations,
    one insert of their log rows, ``conversation_assigned`` sent for all at once. The
    same move as ``conversation_assign`` (the table is checked: it falls back to it if
    the move or its effects change), without loading, cleaning and saving every field of
    each conversation: the decision's hot path. A conversation no longer queued is a
    ``ContactError`` (the caller's transaction rolls back). Inside the caller's
    transaction; returns the ids moved."""
    if not assignments:
        return []
    _system_only(principal)
    if not _lean_move_matches_the_table("assign"):
        for conversation_id, agent_id in assignments:
            conversation_assign(
                conversation=Conversation(pk=conversation_id),
                principal=principal,
                agent=_user(agent_id),
            )
        return [conversation_id for conversation_id, _ in assignments]
    instances = _system_rows(
        "assign", assignments, target=Status.ASSIGNED, label=label_of(principal), now=now
    )
    ids = [conversation_id for conversation_id, _ in assignments]
    events.conversation_assigned.send_many_on_commit(ids, instances=instances)
    return ids


def assign_by_system_ctes() -> str | None:
    """``conversations_assign_by_system``'s writes as the first common table expressions
    of a caller's statement (PostgreSQL; their parameters: ``assign_by_system_params``):
    the conversations moved are ``lean_u`` (id, organisation, reference, queue, channel),
    which the caller returns and hands to ``conversations_assigned_by_system``. Routing
    writes its decisions and the hub's assignment in one statement, one round trip fewer
    per decision. ``None`` when the table's move no longer matches the lean one (the
    caller then calls ``conversations_assign_by_system``)."""
    if connection.vendor != "postgresql" or not _lean_move_matches_the_table("assign"):
        return None
    return _lean_ctes("assign")


def assign_by_system_params(
    assignments: Sequence[tuple[int, int]], *, principal: System, now: dt.datetime
) -> list[Any]:
    _system_only(principal)
    return _lean_params(
        "assign", assignments, target=Status.ASSIGNED, label=label_of(principal), now=now
    )


def conversations_assigned_by_system(
    assignments: Sequence[tuple[int, int]],
    moved: Sequence[tuple[Any, ...]],
    *,
    principal: System,
    now: dt.datetime,
) -> list[int]:
    """The end of ``conversations_assign_by_system`` once a caller's statement made its
    writes (``assign_by_system_ctes``; ``moved``: the rows of ``lean_u``): a
    conversation no longer queued is a ``ContactError``, ``conversation_assigned`` is
    sent for all at once."""
    if not assignments:
        return []
    _system_only(principal)
    instances = _moved_instances("assign", assignments, moved, target=Status.ASSIGNED, now=now)
    ids = [conversation_id for conversation_id, _ in assignments]
    events.conversation_assigned.send_many_on_commit(ids, instances=instances)
    return ids


def conversations_offer_by_system(
    conversation_ids: Sequence[int], *, principal: System, now: dt.datetime
) -> list[int]:
    """queued → offered for several conversations at once (routing's offers of one
    transaction): ``conversations_assign_by_system``'s twin for the ``offer`` move, one
    update and one insert of log rows instead of a lock, a save and a log row each;
    ``conversation_changed`` sent for all at once, as ``conversation_offer`` sends it."""
    if not conversation_ids:
        return []
    _system_only(principal)
    if not _lean_move_matches_the_table("offer"):
        for conversation_id in conversation_ids:
            conversation_offer(conversation=Conversation(pk=conversation_id), principal=principal)
        return list(conversation_ids)
    instances = _system_rows(
        "offer",
        [(pk, None) for pk in conversation_ids],
        target=Status.OFFERED,
        label=label_of(principal),
        now=now,
    )
    ids = list(conversation_ids)
    events.conversation_changed.send_many_on_commit(ids, instances=instances)
    return ids


def _system_only(principal: Any) -> None:
    if not is_system(principal, None):
        raise ContactError("forbidden", "Action réservée au système.", status=403)


def _system_rows(
    move: str,
    rows: Sequence[tuple[int, int | None]],
    *,
    target: str,
    label: str,
    now: dt.datetime,
) -> dict[int, Conversation]:
    """The update of a lean move by the system and its log rows (``_move_rows``), each
    conversation as moved (what the events' followers read), or ``ContactError`` when
    one is no longer queued."""
    moved = _move_rows(move, rows, target=target, label=label, now=now)
    return _moved_instances(move, rows, moved, target=target, now=now)


def _moved_instances(
    move: str,
    rows: Sequence[tuple[int, int | None]],
    moved: Sequence[tuple[Any, ...]],
    *,
    target: str,
    now: dt.datetime,
) -> dict[int, Conversation]:
    if len(moved) != len(rows):
        raise ContactError(
            "transition_not_allowed", "Une conversation n’est plus en file.", "status"
        )
    agents = dict(rows)
    assigning = move == "assign"
    return {
        pk: Conversation(
            pk=pk,
            organisation_id=organisation_id,
            reference=reference,
            queue_id=queue_id,
            channel_id=channel_id,
            status=target,
            assignee_id=agents[pk] if assigning else None,
            assigned_at=now if assigning else None,
        )
        for pk, organisation_id, reference, queue_id, channel_id in moved
    }


def _move_rows(
    move: str,
    rows: Sequence[tuple[int, int | None]],
    *,
    target: str,
    label: str,
    now: dt.datetime,
) -> list[tuple[Any, ...]]:
    """queued → ``target`` by ``move`` for (conversation, agent) pairs: the update and its
    log rows, one statement on PostgreSQL (a data-modifying ``WITH``), an update and a
    bulk insert on SQLite; the rows moved (id, organisation, reference, queue,
    channel). ``assign`` also sets the assignee and ``assigned_at``."""
    if connection.vendor == "postgresql":
        with prepared_cursor() as cursor:
            cursor.execute(
                f"WITH {_lean_ctes(move)} SELECT * FROM lean_u",  # noqa: S608
                _lean_params(move, rows, target=target, label=label, now=now),
            )
            return cursor.fetchall()
    moment = connection.ops.adapt_datetimefield_value(now)
    values = ", ".join(["(CAST(%s AS bigint), CAST(%s AS bigint))"] * len(rows))
    pairs = [value for pair in rows for value in pair]
    with prepared_cursor() as cursor:
        cursor.execute(
            f"WITH lean_v(id, agent) AS (VALUES {values}) {_lean_update(move)}",
            [*pairs, *_lean_update_params(move, target=target, moment=moment)],
        )
        moved = cursor.fetchall()
    ConversationTransition.objects.bulk_create(
        ConversationTransition(
            conversation_id=conversation_id,
            from_status=Status.QUEUED,
            to_status=target,
            move=move,
            actor_label=label,
            created_at=now,
        )
        for conversation_id, *_ in moved
    )
    return moved


def _lean_update(move: str) -> str:
    """The conversations' update of a lean move, from the pairs ``lean_v`` (id, agent);
    it returns what ``_moved_instances`` reads."""
    table = Conversation._meta.db_table
    sets = "status = %s"
    if move == "assign":
        sets = "status = %s, assignee_id = lean_v.agent, assigned_at = %s"
    return (
        f"UPDATE {table} SET {sets} "  # noqa: S608
        f"FROM lean_v WHERE {table}.id = lean_v.id AND status = %s "
        f"RETURNING {table}.id, organisation_id, reference, queue_id, channel_id"
    )


def _lean_update_params(move: str, *, target: str, moment: Any) -> list[Any]:
    if move == "assign":
        return [target, moment, Status.QUEUED]
    return [target, Status.QUEUED]


def _lean_ctes(move: str) -> str:
    """A lean move on PostgreSQL, as common table expressions: the pairs ``lean_v`` from
    arrays (one text whatever the number of conversations, converted and planned once
    per connection), the update ``lean_u`` and its log rows ``lean_t``."""
    log = ConversationTransition._meta.db_table
    return (
        "lean_v(id, agent) AS (SELECT * FROM unnest(%s::bigint[], %s::bigint[])), "  # noqa: S608
        f"lean_u AS ({_lean_update(move)}), "
        f"lean_t AS (INSERT INTO {log} (conversation_id, from_status, to_status, move, "
        "actor_id, actor_label, reason_code, note, created_at) "
        "SELECT lean_u.id, %s, %s, %s, NULL, %s, '', '', %s FROM lean_u)"
    )


def _lean_params(
    move: str,
    rows: Sequence[tuple[int, int | None]],
    *,
    target: str,
    label: str,
    now: dt.datetime,
) -> list[Any]:
    moment = connection.ops.adapt_datetimefield_value(now)
    return [
        [pk for pk, _ in rows],
        [agent for _, agent in rows],
        *_lean_update_params(move, target=target, moment=moment),
        Status.QUEUED,
        target,
        move,
        label,
        moment,
    ]


def _user(user_id: int) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model()(pk=user_id)


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
