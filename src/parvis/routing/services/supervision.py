"""Supervisors' actions on the wallboard, and the overflow sweep.

Each action checks that the supervisor holds ``Perm.SUPERVISE`` over the queue (through
``routing.selectors``: outside the scope the queue is not found), makes the change
(routing's own ``QueuePolicy`` here; the hub's rows through
``contacts.services.supervision`` and ``handoff.conversation_queue_change``), writes the
audit row with routing's codes (``routing/audit.py``) and tells the wallboards after
commit (ids only). A queue's settings, tiers and agents' skills are
``services.configuration``'s.

``sweep_overflow`` (the ``parvis route`` workers' sweep) moves the contacts waiting in a
queue with an overflow queue to it: all of them while the queue is closed on its
calendar, and while open those beyond ``overflow_waiting`` waiting or that waited more
than ``overflow_wait_seconds``. A contact overflows once (no ping-pong between two
queues), keeps its arrival (its wait goes on) and the move is written as a routing
``Decision``, so a supervisor can tell why it left.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import structlog
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.accounts.services import audit_record
from parvis.contacts.errors import ContactError
from parvis.contacts.models import Conversation, Queue, QueueMember, Status
from parvis.contacts.selectors import place_of_queue
from parvis.contacts.services import handoff
from parvis.contacts.services import supervision as hub
from parvis.core.realtime import publish_many
from parvis.core.workflow import System
from parvis.directory import servicelevels
from parvis.routing import engine, selectors
from parvis.routing.errors import RoutingError
from parvis.routing.models import (
    AgentState,
    Decision,
    Entry,
    EntryState,
    Presence,
    QueuePolicy,
    TriggerKind,
)
from parvis.routing.realtime import WALLBOARD_GROUP
from parvis.routing.services import presence as presence_services

logger = structlog.get_logger(__name__)

OVERFLOW = System("overflow", "débordement")
OVERFLOW_TRIGGER = "overflow"

# Why a supervisor raises a contact's priority: a code, never a free text (the audit row
# holds codes only).
PRIORITY_REASONS = {
    "urgent_need": _("urgence signalée"),
    "fragile_situation": _("situation de fragilité"),
    "promised_callback": _("rappel promis à l’usager"),
    "repeated_contact": _("contact répété"),
    "complaint": _("réclamation"),
    "other": _("autre motif"),
}
# What a supervisor may set an agent to (the engine sets busy and wrap-up itself).
FORCEABLE = (Presence.OFFLINE, Presence.AWAY, Presence.BREAK)


def _error(error: ContactError) -> RoutingError:
    return RoutingError(error.code, error.message, error.field, status=error.status)


def announce(queue_ids: list[int]) -> None:
    """After commit: the wallboards refetch (ids only)."""
    from parvis.desk.realtime import queue_group

    def send() -> None:
        groups = [WALLBOARD_GROUP, *(queue_group(q) for q in queue_ids)]
        for queue_id in queue_ids:
            publish_many(groups, {"type": "wallboard", "queue": queue_id})

    transaction.on_commit(send)


def locked_policy(queue: Queue) -> QueuePolicy:
    """The queue's policy, locked until the transaction ends (every change of it)."""
    return QueuePolicy.objects.select_for_update().get(queue=queue)


# --- Queues: pause ----------------------------------------------------------------------------


@transaction.atomic
def queue_pause(*, principal: Any, queue_id: int, now: dt.datetime | None = None) -> QueuePolicy:
    """No contact of the queue is offered until it resumes; they keep their place."""
    return _set_paused(principal=principal, queue_id=queue_id, paused=True, now=now)


@transaction.atomic
def queue_resume(*, principal: Any, queue_id: int, now: dt.datetime | None = None) -> QueuePolicy:
    """Resume: each available member gets a trigger, so waiting contacts go at once."""
    return _set_paused(principal=principal, queue_id=queue_id, paused=False, now=now)


def _set_paused(
    *, principal: Any, queue_id: int, paused: bool, now: dt.datetime | None
) -> QueuePolicy:
    now = now or timezone.now()
    queue = selectors.queue_for_supervisor(principal, queue_id)
    policy = locked_policy(queue)
    if policy.is_paused == paused:
        message = "Cette file est déjà en pause." if paused else "Cette file n’est pas en pause."
        raise RoutingError("unchanged", message, "is_paused", status=409)
    policy.is_paused = paused
    policy.updated_at = now
    policy.full_clean()
    policy.save(update_fields=["is_paused", "updated_at"])
    engine.forget_caches()
    if not paused:
        available = AgentState.objects.filter(
            presence=Presence.AVAILABLE, user__queue_memberships__queue=queue
        ).values_list("user_id", flat=True)
        for user_id in available:
            engine.trigger_add(TriggerKind.AGENT, user_id, due_at=now, now=now)
    audit_record(
        actor=principal,
        action="routing.queue_paused" if paused else "routing.queue_resumed",
        target=queue,
        data={"queue": queue.pk},
        organisation=queue.organisation,
    )
    announce([queue.pk])
    return policy


# --- Agents: membership, presence -------------------------------------------------------------


def _candidate(principal: Any, queue: Queue, user_id: int) -> Any:
    user = selectors.member_candidates(principal, queue).filter(pk=user_id).first()
    if user is None:
        raise RoutingError(
            "agent_not_allowed",
            "Choisissez un agent de votre périmètre qui n’est pas déjà dans cette file.",
            "user",
        )
    return user


def _add(principal: Any, queue: Queue, user: Any, now: dt.datetime) -> None:
    try:
        hub.queue_member_add(queue=queue, user=user)
    except ContactError as error:
        raise _error(error) from error
    engine.forget_caches()
    if AgentState.objects.filter(user=user, presence=Presence.AVAILABLE).exists():
        engine.trigger_add(TriggerKind.AGENT, user.pk, due_at=now, now=now)
    audit_record(
        actor=principal,
        action="routing.member_added",
        target=queue,
        data={"queue": queue.pk, "agent": user.pk},
        organisation=queue.organisation,
    )


def _remove(principal: Any, queue: Queue, user: Any) -> None:
    try:
        hub.queue_member_remove(queue=queue, user=user)
    except ContactError as error:
        raise _error(error) from error
    engine.forget_caches()
    audit_record(
        actor=principal,
        action="routing.member_removed",
        target=queue,
        data={"queue": queue.pk, "agent": user.pk},
        organisation=queue.organisation,
    )


@transaction.atomic
def member_add(
    *, principal: Any, queue_id: int, user_id: int, now: dt.datetime | None = None
) -> None:
    """Add an agent of the supervisor's scope to a supervised queue."""
    queue = selectors.queue_for_supervisor(principal, queue_id)
    _add(principal, queue, _candidate(principal, queue, user_id), now or timezone.now())
    announce([queue.pk])


@transaction.atomic
def member_remove(*, principal: Any, queue_id: int, user_id: int) -> None:
    """Take an agent out of a supervised queue (what they hold stays theirs)."""
    queue = selectors.queue_for_supervisor(principal, queue_id)
    user = selectors.supervised_agent(principal, user_id)
    _remove(principal, queue, user)
    announce([queue.pk])


@transaction.atomic
def member_move(
    *,
    principal: Any,
    from_queue_id: int,
    to_queue_id: int,
    user_id: int,
    now: dt.datetime | None = None,
) -> None:
    """Move an agent from one supervised queue to another (two audit rows)."""
    source = selectors.queue_for_supervisor(principal, from_queue_id)
    target = selectors.queue_for_supervisor(principal, to_queue_id)
    if source.pk == target.pk:
        raise RoutingError("same_queue", "Choisissez une autre file.", "queue")
    user = selectors.supervised_agent(principal, user_id)
    if QueueMember.objects.filter(queue=target, user=user).exists():
        raise RoutingError(
            "already_member", "Cet agent est déjà membre de cette file.", "queue", status=409
        )
    _remove(principal, source, user)
    _add(principal, target, user, now or timezone.now())
    announce([source.pk, target.pk])


@transaction.atomic
def agent_force_presence(
    *,
    principal: Any,
    user_id: int,
    presence: str = Presence.OFFLINE,
    now: dt.datetime | None = None,
) -> AgentState:
    """Set an agent of a supervised queue offline (or away, on break); audited by
    ``presence_force``."""
    if presence not in FORCEABLE:
        raise RoutingError(
            "presence_not_allowed", "Cette présence ne peut être imposée.", "presence"
        )
    user = selectors.supervised_agent(principal, user_id)
    return presence_services.presence_force(
        principal=principal, user=user, presence=presence, now=now
    )


# --- Contacts: priority ----------------------------------------------------------------------


@transaction.atomic
def priority_change(
    *, principal: Any, queue_id: int, reference: str, bonus: int, reason: str
) -> Conversation:
    """Set a waiting contact's supervisor bonus within [0, the queue's cap], with a reason
    code; routing recomputes its place when the hub announces the change."""
    queue = selectors.queue_for_supervisor(principal, queue_id)
    conversation = selectors.waiting_conversation(principal, queue, reference)
    if reason not in PRIORITY_REASONS:
        raise RoutingError("reason_required", "Choisissez le motif du changement.", "reason")
    cap = queue.policy.bonus_cap
    if not 0 <= bonus <= cap:
        raise RoutingError(
            "bonus_out_of_range",
            f"Le bonus doit être compris entre 0 et {cap} points.",
            "bonus",
        )
    previous = conversation.priority_bonus
    try:
        changed = hub.conversation_priority_set(conversation=conversation, bonus=bonus)
    except ContactError as error:
        raise _error(error) from error
    audit_record(
        actor=principal,
        action="routing.priority_changed",
        target=changed,
        data={"reference": changed.reference, "from": previous, "to": bonus, "reason": reason},
        organisation=queue.organisation,
    )
    announce([queue.pk])
    return changed


def resolution_refusal(conversation: Conversation) -> RoutingError | None:
    """The refusal to give when resolving without the wrap-up code the queue requires."""
    if not selectors.wrap_up_code_missing(conversation):
        return None
    return RoutingError(
        "wrap_up_code_required",
        "Cette file exige un code d’après-contact : indiquez le motif de la demande avant "
        "de résoudre.",
        "motif",
    )


# --- Overflow ------------------------------------------------------------------------------


def is_open(queue: Queue, now: dt.datetime) -> bool:
    """Whether ``now`` falls in the opening hours of the queue's calendar."""
    place = place_of_queue(queue)
    day = servicelevels.local_date(now, place)
    tz = place.tzinfo
    for _day, intervals in servicelevels.business_intervals(place, day, 1):
        for interval in intervals:
            opens = dt.datetime.combine(day, interval.opens, tzinfo=tz)
            closes = dt.datetime.combine(day, interval.closes, tzinfo=tz)
            if opens <= now < closes:
                return True
    return False


def _overflowing(policy: QueuePolicy, now: dt.datetime) -> tuple[list[int], str]:
    """The conversations to move out of ``policy``'s queue now, and why (a code)."""
    waiting = Entry.objects.filter(queue_id=policy.queue_id, state=EntryState.WAITING)
    if not is_open(policy.queue, now):
        return list(waiting.values_list("conversation_id", flat=True)), "closed"
    ids: list[int] = []
    if policy.overflow_wait_seconds:
        since = now - dt.timedelta(seconds=policy.overflow_wait_seconds)
        ids += waiting.filter(arrived_at__lte=since).values_list("conversation_id", flat=True)
    if policy.overflow_waiting is not None:
        # The last in the queue's order go: those ahead keep their turn.
        excess = waiting.count() - policy.overflow_waiting
        if excess > 0:
            ids += waiting.order_by("-sort_key", "-pk").values_list("conversation_id", flat=True)[
                :excess
            ]
    return list(dict.fromkeys(ids)), "threshold"


REASONS = {
    "closed": "file fermée",
    "threshold": "seuil de débordement atteint",
}


def _overflow_one(conversation_id: int, policy: QueuePolicy, why: str, now: dt.datetime) -> bool:
    entry = (
        Entry.objects.select_for_update()
        .filter(conversation_id=conversation_id, queue_id=policy.queue_id, state=EntryState.WAITING)
        .first()
    )
    if entry is None:
        return False  # offered or taken meanwhile
    conversation = Conversation.objects.filter(pk=conversation_id, status=Status.QUEUED).first()
    if conversation is None:
        return False
    target = policy.overflow_queue
    assert target is not None
    handoff.conversation_queue_change(conversation=conversation, principal=OVERFLOW, queue=target)
    Decision.objects.create(
        conversation_id=conversation_id,
        queue_id=policy.queue_id,
        at=now,
        trigger=OVERFLOW_TRIGGER,
        rule=f"débordement vers « {target.name} » : {REASONS[why]}"[:200],
        wait_seconds=round((now - entry.arrived_at).total_seconds(), 3),
        skipped={"overflow": 1},
    )
    return True


def sweep_overflow(*, now: dt.datetime) -> int:
    """Move the waiting contacts that exceed their queue's overflow rules; how many moved.
    Every second in each worker: a queue with an overflow is looked for first, alone (the
    read with its sites and calendars is planned again each time)."""
    if not QueuePolicy.objects.filter(overflow_queue__isnull=False).exists():
        return 0
    policies = QueuePolicy.objects.filter(
        overflow_queue__isnull=False, queue__is_active=True, overflow_queue__is_active=True
    ).select_related(
        "queue__site__commune",
        "queue__calendar_site__commune",
        "overflow_queue__site__commune",
        "overflow_queue__calendar_site__commune",
    )
    moved = 0
    for policy in policies:
        ids, why = _overflowing(policy, now)
        if not ids or policy.overflow_queue is None or not is_open(policy.overflow_queue, now):
            continue
        already = set(
            Decision.objects.filter(conversation_id__in=ids, trigger=OVERFLOW_TRIGGER).values_list(
                "conversation_id", flat=True
            )
        )
        count = 0
        for conversation_id in ids:
            if conversation_id in already:
                continue
            with transaction.atomic():
                count += _overflow_one(conversation_id, policy, why, now)
        if count:
            moved += count
            logger.info(
                "routing_overflow",
                queue=policy.queue_id,
                overflow_queue=policy.overflow_queue_id,
                moved=count,
                reason=why,
            )
            with transaction.atomic():
                announce([policy.queue_id, policy.overflow_queue.pk])
    return moved
