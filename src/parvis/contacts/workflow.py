"""The lifecycle of a conversation: every allowed move, in one table.

``LIFECYCLE`` (a ``core.workflow.Machine`` logging into ``ConversationTransition``)::

    new → queued → assigned → waiting_citizen | waiting_partner → resolved → closed

``reopen`` is a move (resolved or closed → queued), not a state; ``close`` is made by a
sweep some days after ``resolved`` (``CONTACTS_CLOSE_AFTER_DAYS``); a counter visit is
created resolved by one ``record_visit`` move. Routing's ``offered`` state has its three
moves declared here (``offer``, ``offer_expire``, ``accept``), made by the system.

The services of ``contacts.services.lifecycle`` are the only code that applies these
moves; they add the audit row (where a person acts) and the events after commit.
Deadlines are computed by the ``queue`` move only, once, and never recomputed.
"""

from __future__ import annotations

import copy
from typing import Any

from django.db import connection
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import ApiToken
from parvis.accounts.scoping import Perm, has_permission
from parvis.contacts.models import (
    OUTCOME_TABLE_VERSION,
    Conversation,
    ConversationTransition,
    Outcome,
    Status,
)
from parvis.core.workflow import (
    CREATION,
    Machine,
    Move,
    Requirement,
    Step,
    System,
    anyone,
    is_system,
    person_of,
)

S = Status

# Foreign keys are checked by the database: ``full_clean`` would spend one query on each.
_NOT_CLEANED = [
    "organisation",
    "queue",
    "site",
    "channel",
    "motif",
    "citizen",
    "contact_point",
    "assignee",
    "linked_conversation",
]


# The person a lifecycle service found, on the row it locked, to see the conversation.
_SEEN_BY = "_parvis_seen_by"
# The column values of a conversation as a lifecycle service read and locked its row.
_LOADED = "_parvis_loaded"


def _column_values(conversation: Conversation) -> dict[str, Any]:
    values = {}
    for field in conversation._meta.concrete_fields:
        value = getattr(conversation, field.attname)
        # A JSON value may be changed in place: kept as a copy to compare with.
        values[field.attname] = copy.deepcopy(value) if isinstance(value, dict | list) else value
    return values


def remember_loaded(conversation: Conversation) -> None:
    """Record a conversation's values as just read under its lock: its move then writes
    only the columns it changed (``_save``), and validates only those."""
    setattr(conversation, _LOADED, _column_values(conversation))


def remember_seen_by(conversation: Conversation, person: Any) -> None:
    """Record on a conversation just locked and checked that ``person`` sees it, so the
    move's guard does not ask the database the same question again."""
    setattr(conversation, _SEEN_BY, person)


def can_handle(principal: Any, conversation: Conversation) -> bool:
    """The system; an agent who sees the conversation; a write token of its organisation."""
    if is_system(principal, conversation):
        return True
    person = person_of(principal)
    if person is None:
        return False
    permission = Perm.API_WRITE if isinstance(person, ApiToken) else Perm.VIEW
    if conversation.pk is None:  # a visit being recorded: the service checked the site
        return True
    if permission is Perm.VIEW and getattr(conversation, _SEEN_BY, None) is person:
        return True
    return has_permission(person, permission, conversation)


# --- Effects: what a move sets ------------------------------------------------------------


def _queued(conversation: Conversation, step: Step) -> None:
    # Waiting (again) since now; nobody holds a conversation that waits in a queue. An
    # offer nobody accepted returns the contact at its place: its wait goes on.
    if step.move.name != "offer_expire" or conversation.queued_at is None:
        conversation.queued_at = step.now
    conversation.assignee = None


def _deadlines(conversation: Conversation, step: Step) -> None:
    """Computed once, at the first queueing, and stored (never recomputed)."""
    from parvis.contacts.services.queues import deadlines_of

    if conversation.first_answer_due_at is not None or conversation.queue is None:
        return
    deadlines = deadlines_of(
        queue=conversation.queue,
        channel=conversation.channel_id,
        motif=conversation.motif,
        now=step.now,
    )
    conversation.first_answer_due_at = deadlines.first_answer_due_at
    conversation.resolution_due_at = deadlines.resolution_due_at
    conversation.announced_deadline = deadlines.announced_deadline


def _assigned(conversation: Conversation, step: Step) -> None:
    conversation.assigned_at = step.now


def _resolved(conversation: Conversation, step: Step) -> None:
    conversation.outcome = step.inputs["outcome"]
    conversation.outcome_version = OUTCOME_TABLE_VERSION
    conversation.resolved_at = step.now
    conversation.closed_at = None


def _closed(conversation: Conversation, step: Step) -> None:
    conversation.closed_at = step.now


def _reopened(conversation: Conversation, step: Step) -> None:
    conversation.outcome = ""
    conversation.outcome_version = None
    conversation.resolved_at = None
    conversation.closed_at = None


def _save(conversation: Conversation, step: Step) -> None:
    """Validate and save the conversation. One read under its lock (``remember_loaded``)
    writes only the columns the move changed: a move is a few columns, and cleaning and
    writing the forty others cost as much as the rest of the move; a concurrent edit of
    another column (made before the lock was taken, or without it) is not overwritten."""
    loaded = getattr(conversation, _LOADED, None)
    if loaded is None or conversation.pk is None:
        conversation.full_clean(
            exclude=_NOT_CLEANED, validate_unique=False, validate_constraints=False
        )
        conversation.save()
        return
    changed = {name for name, value in loaded.items() if getattr(conversation, name) != value}
    if not changed:
        return
    fields = conversation._meta.concrete_fields
    conversation.full_clean(
        exclude=[f.name for f in fields if f.attname not in changed or f.name in _NOT_CLEANED],
        validate_unique=False,
        validate_constraints=False,
    )
    _update_columns(conversation, [f for f in fields if f.attname in changed])
    remember_loaded(conversation)


def _update_columns(conversation: Conversation, fields: list[Any]) -> None:
    """``save(update_fields=...)`` as one plain statement: the ORM compiled the same
    update anew at every move. ``Conversation`` has no ``save`` of its own and no
    ``pre_save`` / ``post_save`` receiver (a test checks it), so nothing is skipped."""
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    values = [
        field.get_db_prep_save(field.pre_save(conversation, False), connection) for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(Conversation._meta.db_table)} SET {assignments} "  # noqa: S608
            f"WHERE {quote(Conversation._meta.pk.column)} = %s",
            [*values, conversation.pk],
        )


# --- The table ------------------------------------------------------------------------------

OUTCOME = Requirement(
    "outcome",
    "outcome_required",
    "Choisissez l’issue de la conversation.",
    choices=frozenset(Outcome.values),
)
WAITING = {S.WAITING_CITIZEN, S.WAITING_PARTNER}
HANDLED = {S.ASSIGNED, *WAITING}

LIFECYCLE = Machine(
    name="conversation",
    states=dict(S.choices),
    log_model=ConversationTransition,
    log_object_field="conversation",
    save=_save,
    messages={
        "transition_not_allowed": "Une conversation « {source} » ne peut pas passer à l’état "
        "« {target} »."
    },
    not_allowed_field="status",
    creation_label="création",
    on_enter={
        S.QUEUED: (_queued,),
        S.ASSIGNED: (_assigned,),
        S.RESOLVED: (_resolved,),
        S.CLOSED: (_closed,),
    },
    moves=[
        # An inbound message, an agent's outgoing contact, an API client.
        Move("open", {CREATION}, S.NEW, "Ouvrir", guard=can_handle),
        Move("queue", {S.NEW}, S.QUEUED, "Mettre en file", guard=can_handle, effects=(_deadlines,)),
        Move("assign", {S.QUEUED}, S.ASSIGNED, "Prendre en charge", guard=can_handle),
        Move("release", {S.ASSIGNED}, S.QUEUED, "Remettre en file", guard=can_handle),
        Move(
            "wait_citizen",
            {S.ASSIGNED, S.WAITING_PARTNER},
            S.WAITING_CITIZEN,
            "Mettre en attente de l’usager",
            guard=can_handle,
        ),
        Move(
            "wait_partner",
            {S.ASSIGNED, S.WAITING_CITIZEN},
            S.WAITING_PARTNER,
            "Mettre en attente d’un partenaire",
            guard=can_handle,
        ),
        # The citizen wrote again, or the partner answered.
        Move("resume", WAITING, S.ASSIGNED, "Reprendre", guard=can_handle),
        # A spam or a duplicate is resolved straight from the queue.
        Move(
            "resolve",
            {S.QUEUED, *HANDLED},
            S.RESOLVED,
            "Résoudre",
            guard=can_handle,
            requires=(OUTCOME,),
        ),
        Move("close", {S.RESOLVED}, S.CLOSED, "Clore", guard=is_system),
        Move(
            "reopen",
            {S.RESOLVED, S.CLOSED},
            S.QUEUED,
            "Rouvrir",
            guard=can_handle,
            effects=(_reopened,),
        ),
        # A counter visit, recorded once done.
        Move(
            "record_visit",
            {CREATION},
            S.RESOLVED,
            "Enregistrer une visite au guichet",
            guard=anyone,
            requires=(OUTCOME,),
        ),
        # Routing (next issue): a conversation offered to one agent for a while.
        Move("offer", {S.QUEUED}, S.OFFERED, "Proposer à un agent", guard=is_system),
        Move("offer_expire", {S.OFFERED}, S.QUEUED, "Fin de la proposition", guard=is_system),
        Move("accept", {S.OFFERED}, S.ASSIGNED, "Accepter", guard=can_handle),
    ],
)

# Why a conversation was reopened (the log's and the audit row's ``reason``).
REOPEN_REASONS = {
    "citizen_message": _("nouveau message de l’usager"),
    "agent": _("décision de l’agent"),
    "citizen_request": _("demande de l’usager"),
}

INBOUND = System("inbound_message")
TIMER = System("timer")

# The event each move announces (``contacts.events``); any other: ``conversation_changed``.
ASSIGNING_MOVES = frozenset({"assign", "accept"})
RESOLVING_MOVES = frozenset({"resolve", "record_visit"})
