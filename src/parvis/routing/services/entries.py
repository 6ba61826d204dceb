"""Routing's mirror of the hub: ``entry_sync`` reconciles routing's rows with what a
conversation is now, inside the transaction that changed it (subscribed in transaction to
``contacts.events``), so a queued contact and its entry commit together.

- queued in a routed queue (one with a ``QueuePolicy``): an entry with its sort key and
  a trigger for the workers, plus one trigger per later tier delay; an entry already
  there keeps its arrival (an offer that lapsed, a callback asked: same place);
- held by an agent (assigned, waiting for the citizen or a partner): no entry, and the
  agent's ``AgentWork`` (the desk's take books units as routing's offers do);
- anything else (new, resolved, closed): no entry, no work; the agent freed gets a
  trigger, or wrap-up first when the queue asks for one.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from parvis.contacts.models import CitizenRecord, Conversation, PreferredLanguage, Status
from parvis.contacts.workflow import HANDLED
from parvis.core.events import sent_instance
from parvis.routing import core, engine
from parvis.routing.models import (
    AgentState,
    AgentWork,
    Entry,
    EntryState,
    QueuePolicy,
    TriggerKind,
)

VULNERABILITY_SOURCES = ("declared", "confirmed")


def bonus_of(conversation: dict[str, Any], *, cap: float) -> tuple[int, list[str]]:
    """The capped sum of a conversation's bonuses and the codes that make it (a
    vulnerability counts only once declared by the citizen or confirmed by an agent)."""
    total, reasons = 0, []
    if conversation["urgency_confirmed"]:
        total += settings.ROUTING_URGENCY_BONUS
        reasons.append("urgency")
    if conversation["vulnerability_source"] in VULNERABILITY_SOURCES:
        total += settings.ROUTING_VULNERABILITY_BONUS
        reasons.append("vulnerability")
    channel_bonus = settings.ROUTING_CHANNEL_BONUS.get(conversation["channel_id"], 0)
    if channel_bonus:
        total += channel_bonus
        reasons.append("channel")
    if conversation["priority_bonus"]:
        total += conversation["priority_bonus"]
        reasons.append("supervisor")
    return int(core.capped(total, cap)), reasons


# What routing reads of a conversation, as the keys of ``_conversation_row``.
FIELDS = (
    "pk",
    "status",
    "queue_id",
    "channel_id",
    "assignee_id",
    "queued_at",
    "urgency_confirmed",
    "vulnerability_source",
    "priority_bonus",
    "callback_requested",
    "citizen__preferred_language",
    "has_entry",
    "has_work",
)


@lru_cache(maxsize=1)
def _conversation_sql() -> str:
    # Table and column names from the models; the one value is a parameter.
    own = FIELDS[1 : FIELDS.index("citizen__preferred_language")]
    columns = [f"c.{Conversation._meta.get_field(name).column}" for name in own]  # type: ignore[union-attr]
    return (
        f"SELECT c.id, {', '.join(columns)}, r.preferred_language, "  # noqa: S608
        f"EXISTS (SELECT 1 FROM {Entry._meta.db_table} e WHERE e.conversation_id = c.id), "
        f"EXISTS (SELECT 1 FROM {AgentWork._meta.db_table} w WHERE w.conversation_id = c.id) "
        f"FROM {Conversation._meta.db_table} c "
        f"LEFT JOIN {CitizenRecord._meta.db_table} r ON r.id = c.citizen_id "
        "WHERE c.id = %s"
    )


def _conversation_row(conversation_id: int) -> dict[str, Any] | None:
    """One plain statement (it runs at every move of every conversation; the ORM spent
    longer building it than the database running it)."""
    rows = engine.fetch_rows(_conversation_sql(), [conversation_id])
    if not rows:
        return None
    row = dict(zip(FIELDS, rows[0], strict=True))
    if row["queued_at"] is not None:
        row["queued_at"] = engine.aware_moment(row["queued_at"])
    for name in ("urgency_confirmed", "callback_requested", "has_entry", "has_work"):
        row[name] = bool(row[name])
    return row


def entry_sync_created(conversation_id: int) -> None:
    """``entry_sync`` of a conversation just created. When its creator passed the
    instance (``contacts.events``) and it waits in a queue routing does not route, there
    is nothing to mirror and nothing to read: no row of routing exists yet for it (the
    hub's most frequent case, once per new contact)."""
    created = sent_instance(Conversation, conversation_id)
    if (
        created is not None
        and created.status == Status.QUEUED
        and engine.policy_of(created.queue_id) is None
    ):
        return
    entry_sync(conversation_id)


def entry_sync(conversation_id: int, *, now: dt.datetime | None = None) -> None:
    """Reconcile routing's rows with the conversation. One statement when routing has
    nothing to do (a new conversation, one queued in a queue without a policy): the hub
    pays for routing only where it routes."""
    if engine.applying.get():
        return  # the engine's own move: it wrote routing's rows itself
    now = now or timezone.now()
    row = _conversation_row(conversation_id)
    if row is None or row["status"] in (Status.NEW, Status.OFFERED):
        return  # nothing to mirror yet; an offer is the engine's own move
    status = row["status"]
    if status == Status.QUEUED:
        if row["has_work"]:
            _unbook_and_free(conversation_id, now=now)
        view = engine.policy_of(row["queue_id"])
        if view is None:
            if row["has_entry"]:
                _drop_entry(conversation_id)
            return
        _enter(row, view, now=now, has_entry=row["has_entry"])
        return
    if row["has_entry"]:
        _drop_entry(conversation_id)
    if status in HANDLED and row["assignee_id"]:
        _book(conversation_id, row, now=now)
        return
    if row["has_work"]:
        _unbook_and_free(conversation_id, now=now, queue_id=row["queue_id"])


def _enter(
    row: dict[str, Any], view: engine.PolicyView, *, now: dt.datetime, has_entry: bool = True
) -> None:
    from parvis.routing.services.callbacks import callback_terms

    # A callback waits for its slot or its next attempt without an entry (the sweep
    # brings it back), then is offered as a phone call: 100 units, an idle agent.
    terms = callback_terms(row["pk"], now=now) if row["callback_requested"] else None
    if terms is not None and not terms.due:
        if has_entry:
            _drop_entry(row["pk"])
        return
    bonus, reasons = bonus_of(row, cap=view.rule.cap)
    language = row["citizen__preferred_language"] or ""
    if language == PreferredLanguage.FRENCH:
        language = ""
    entry = Entry.objects.filter(conversation_id=row["pk"]).first() if has_entry else None
    if entry is not None and entry.queue_id == row["queue_id"]:
        arrived = entry.arrived_at  # back at its place
        entry.state = EntryState.WAITING
    else:
        if has_entry:
            _drop_entry(row["pk"])
        arrived = row["queued_at"] or now
        entry = Entry(conversation_id=row["pk"], queue_id=row["queue_id"], arrived_at=arrived)
    entry.channel = terms.channel if terms is not None else (row["channel_id"] or "")
    entry.units = engine.units_of(entry.channel)
    entry.bonus = bonus
    entry.bonus_reasons = reasons
    entry.language = language
    entry.sort_key = core.sort_key(arrived.timestamp(), bonus, view.rule.weight, view.rule.cap)
    # Shut tiers by the engine's own test (``core.tier_opens_at`` on timestamps); their
    # opening instants in exact datetime arithmetic (whole seconds after arrival).
    shut = [
        tier
        for tier in view.rule.tiers
        if core.tier_opens_at(arrived.timestamp(), tier) > now.timestamp()
    ]
    openings = sorted(arrived + dt.timedelta(seconds=tier.min_wait) for tier in shut)
    entry.next_tier_at = openings[0] if openings else None
    entry.save()
    engine.trigger_add(TriggerKind.CONTACT, entry.pk, due_at=now, now=now)
    for due in openings:
        engine.trigger_add(TriggerKind.CONTACT, entry.pk, due_at=due, now=now)


_DROP_ENTRY = f"DELETE FROM {Entry._meta.db_table} WHERE conversation_id = %s"  # noqa: S608
_WORKER = f"SELECT user_id FROM {AgentWork._meta.db_table} WHERE conversation_id = %s"  # noqa: S608


def _drop_entry(conversation_id: int) -> None:
    """The conversation's entry deleted (nothing refers to an entry: one plain statement,
    as the hub moves a conversation out of its queue at every acceptance)."""
    with connection.cursor() as cursor:
        cursor.execute(_DROP_ENTRY, [conversation_id])


def _book(conversation_id: int, row: dict[str, Any], *, now: dt.datetime) -> None:
    """Held by an agent: their work, once (an offer accepted keeps its booking)."""
    units = engine.units_of(row["channel_id"] or "")
    worker = engine.fetch_rows(_WORKER, [conversation_id])
    if worker and worker[0][0] == row["assignee_id"]:
        return
    if worker:
        engine.unbook(conversation_id, now=now)
        engine.trigger_add(TriggerKind.AGENT, worker[0][0], due_at=now, now=now)
    AgentState.objects.get_or_create(user_id=row["assignee_id"], defaults={"idle_since": now})
    engine.book(user_id=row["assignee_id"], conversation_id=conversation_id, units=units, now=now)


def _unbook_and_free(
    conversation_id: int, *, now: dt.datetime, queue_id: int | None = None
) -> None:
    freed = engine.unbook(conversation_id, now=now)
    if freed is None:
        return
    view = engine.policy_of(queue_id)
    wrap_up: int | None = view.wrap_up_seconds if view is not None else 0
    if view is None and queue_id:  # a queue no longer active keeps its policy's wrap-up
        wrap_up = (
            QueuePolicy.objects.filter(queue_id=queue_id)
            .values_list("wrap_up_seconds", flat=True)
            .first()
        )
    if wrap_up:
        from parvis.routing.services.presence import wrap_up_start

        wrap_up_start(user_id=freed, seconds=wrap_up, now=now)
        return
    engine.trigger_add(TriggerKind.AGENT, freed, due_at=now, now=now)


def queue_entries_rebuild(*, queue_id: int, now: dt.datetime | None = None) -> int:
    """Entries for what already waits in a queue that becomes routed (a policy created
    on it, the demo); how many conversations were looked at."""
    ids = list(
        Conversation.objects.filter(queue_id=queue_id, status=Status.QUEUED).values_list(
            "pk", flat=True
        )
    )
    engine.forget_caches()
    for conversation_id in ids:
        entry_sync(conversation_id, now=now)
    return len(ids)
