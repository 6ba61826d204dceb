"""The database adapter of the routing engine: the rules of ``routing.core`` applied to
the rows of ``routing.models``, with the database as the only source of truth.

A decision runs in one transaction: take the trigger, lock the agent's state (``SKIP
LOCKED``: an agent another worker is deciding for is skipped, never waited for), read the
heads of the agent's queues in sort-key order (entries locked with ``SKIP LOCKED`` on
PostgreSQL, so score order holds among unlocked eligible contacts: at most workers − 1
positions of inversion; SQLite serialises the whole transaction, ``IMMEDIATE``), pick the
work with ``core.pick_work``, make the hub's move through ``contacts.services`` (``offer``,
or ``assign`` for a queue that assigns directly), book the units and write the decision.
No contact goes to two agents (the entry's row and the hub's status move once), no agent
beyond capacity (the agent's row is locked while its units change).

Every function takes ``now`` (the injectable clock of the simulator and the tests).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any

import structlog
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from parvis.accounts.models import Membership
from parvis.contacts.models import Conversation, QueueMember
from parvis.contacts.services import lifecycle
from parvis.core.memo import ProcessMemo
from parvis.core.workflow import System
from parvis.routing import core
from parvis.routing.models import (
    AgentSkill,
    AgentState,
    AgentWork,
    Decision,
    Entry,
    EntryState,
    OfferMode,
    Presence,
    QueuePolicy,
    Strategy,
    Tier,
    Trigger,
    TriggerKind,
)

logger = structlog.get_logger(__name__)

ROUTING = System("routing", "routage")
HEAD_SIZE = 5  # entries read per queue: enough, nearly always, for the first eligible one
HEAD_SIZE_FALLBACK = 200
CANDIDATES_LOGGED = 5

_policies = ProcessMemo("routing.policies", ttl=5.0)
_profiles = ProcessMemo("routing.profiles", ttl=5.0)


def forget_caches(**kwargs: Any) -> None:
    _policies.forget()
    _profiles.forget()


def connect_caches() -> None:
    """Clear this process's caches on every change of what they hold (``AppConfig.ready``);
    another process sees the change within the memo's few seconds."""
    _policies.forget_on_change(QueuePolicy, Tier)
    _profiles.forget_on_change(QueuePolicy, Tier, QueueMember, AgentSkill, Membership)


def epoch(moment: dt.datetime) -> float:
    return moment.timestamp()


def units_of(channel: str) -> int:
    return core.units_for(channel, settings.ROUTING_CHANNEL_UNITS)


# --- Policies and agents, as the pure core sees them ----------------------------------------


@dataclass(frozen=True)
class PolicyView:
    rule: core.QueueRule
    offer_mode: str
    offer_seconds: int
    skill_id: int | None
    queue_name: str


def _load_policies() -> dict[int, PolicyView]:
    tiers: dict[int, list[core.TierRule]] = {}
    tier_rows = Tier.objects.prefetch_related("sites", "organisations").order_by(
        "policy_id", "position"
    )
    for tier in tier_rows:
        tiers.setdefault(tier.policy_id, []).append(
            core.TierRule(
                min_wait=float(tier.min_wait_seconds),
                min_level=tier.min_level,
                sites=frozenset(site.pk for site in tier.sites.all()),
                organisations=frozenset(org.pk for org in tier.organisations.all()),
                position=tier.position,
            )
        )
    views: dict[int, PolicyView] = {}
    for policy in QueuePolicy.objects.select_related("queue").filter(queue__is_active=True):
        views[policy.queue_id] = PolicyView(
            rule=core.QueueRule(
                id=policy.queue_id,
                strategy=policy.strategy,
                weight=policy.priority_weight,
                cap=float(policy.bonus_cap),
                tiers=tuple(tiers.get(policy.pk, ())) or core.OPEN_TO_ALL,
                round_robin_last=policy.round_robin_last,
                paused=policy.is_paused,
            ),
            offer_mode=policy.offer_mode,
            offer_seconds=policy.offer_seconds,
            skill_id=policy.skill_id,
            queue_name=policy.queue.name,
        )
    return views


def policies() -> dict[int, PolicyView]:
    """Routed queues (those with a policy) by queue id, cached a few seconds."""
    return _policies.get("all", _load_policies)


def policy_of(queue_id: int | None, *, fresh: bool = False) -> PolicyView | None:
    if queue_id is None:
        return None
    if fresh:
        _policies.forget()
    return policies().get(queue_id)


@dataclass(frozen=True)
class Profile:
    """What does not change between two decisions for an agent: levels per routed queue,
    languages, sites and organisations."""

    levels: dict[int, int]
    languages: frozenset[str]
    sites: frozenset[int]
    organisations: frozenset[int]


def _load_profiles(user_ids: list[Any]) -> dict[Any, Profile]:
    """Profiles of many agents in three statements (a contact ranks every member)."""
    routed = policies()
    queues: dict[int, list[int]] = defaultdict(list)
    for user_id, queue_id in QueueMember.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "queue_id"
    ):
        if queue_id in routed:
            queues[user_id].append(queue_id)
    held: dict[int, dict[int, int]] = defaultdict(dict)
    languages: dict[int, set[str]] = defaultdict(set)
    for user_id, skill_id, level, language in AgentSkill.objects.filter(
        user_id__in=user_ids
    ).values_list("user_id", "skill_id", "level", "skill__language"):
        held[user_id][skill_id] = level
        if language:
            languages[user_id].add(language)
    sites: dict[int, set[int]] = defaultdict(set)
    organisations: dict[int, set[int]] = defaultdict(set)
    for user_id, org, service_org, site, site_org in Membership.objects.filter(
        user_id__in=user_ids
    ).values_list(
        "user_id",
        "organisation_id",
        "local_service__organisation_id",
        "site_id",
        "site__organisation_id",
    ):
        organisations[user_id].update(o for o in (org, service_org, site_org) if o)
        if site:
            sites[user_id].add(site)
    profiles = {}
    for user_id in user_ids:
        levels: dict[int, int] = {}
        for queue_id in queues[user_id]:
            required = routed[queue_id].skill_id
            levels[queue_id] = held[user_id].get(required, 1) if required is not None else 1
        profiles[user_id] = Profile(
            levels,
            frozenset(languages[user_id]),
            frozenset(sites[user_id]),
            frozenset(organisations[user_id]),
        )
    return profiles


def profiles_of(user_ids: list[int]) -> dict[int, Profile]:
    return _profiles.get_many(list(user_ids), _load_profiles)  # type: ignore[return-value]


def profile_of(user_id: int) -> Profile:
    return profiles_of([user_id])[user_id]


def agent_view(state: AgentState) -> core.AgentView:
    profile = profile_of(state.user_id)
    return core.AgentView(
        id=state.user_id,
        presence=state.presence,
        capacity=state.capacity,
        used=state.used_units,
        idle_since=epoch(state.idle_since),
        levels=profile.levels,
        languages=profile.languages,
        sites=profile.sites,
        organisations=profile.organisations,
    )


def entry_view(entry: Entry) -> core.EntryView:
    return core.EntryView(
        id=entry.pk,
        queue_id=entry.queue_id,
        arrived_at=epoch(entry.arrived_at),
        bonus=float(entry.bonus),
        units=entry.units,
        language=entry.language,
        escalated=entry.escalated,
        declined=frozenset(entry.declined_by),
    )


# --- Triggers ------------------------------------------------------------------------------


def trigger_add(kind: str, object_id: int, *, due_at: dt.datetime, now: dt.datetime) -> None:
    """Work for the workers (inside the caller's transaction); they are woken after commit."""
    Trigger.objects.create(kind=kind, object_id=object_id, due_at=due_at, created_at=now)
    if due_at <= now:
        transaction.on_commit(wake)


def wake() -> None:
    from parvis.routing import worker

    worker.wake()


def take_trigger(now: dt.datetime) -> Trigger | None:
    """The oldest due trigger, removed in one statement (inside the caller's
    transaction: a decision that fails puts it back). ``SKIP LOCKED`` lets several
    workers take at once on PostgreSQL; SQLite serialises them."""
    table = Trigger._meta.db_table
    lock = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE id = (SELECT id FROM {table} WHERE due_at <= %s "  # noqa: S608 — table name from the model
            f"ORDER BY due_at, id LIMIT 1{lock}) RETURNING id, kind, object_id, due_at",
            [now],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return Trigger(pk=row[0], kind=row[1], object_id=row[2], due_at=row[3], created_at=now)


# --- Decisions -----------------------------------------------------------------------------

# Set while the engine makes the hub's move, so routing's own follower of the hub's
# events (``services.entries.entry_sync``) does not redo what the engine writes itself.
applying: ContextVar[bool] = ContextVar("routing_applying", default=False)


@contextmanager
def _applying() -> Any:
    token = applying.set(True)
    try:
        yield
    finally:
        applying.reset(token)


@dataclass
class Outcome:
    """What a decision did (the decision row is ``decision``)."""

    decision: Decision
    entry_id: int
    agent_id: int | None
    ring_all: tuple[int, ...] = ()


def _locked_state(user_id: int) -> AgentState | None:
    rows = AgentState.objects.filter(user_id=user_id).select_related("user")
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True, of=("self",))
    return rows.first()


def _heads(
    agent: core.AgentView, routed: dict[int, PolicyView], now: dt.datetime
) -> tuple[dict[int, list[core.EntryView]], dict[int, Entry]]:
    """Per queue of the agent, its first waiting entries in sort order that may be
    theirs (locked, ``SKIP LOCKED``), and the rows read by id."""
    heads: dict[int, list[core.EntryView]] = {}
    rows_read: dict[int, Entry] = {}
    lock = connection.features.has_select_for_update_skip_locked
    for queue_id in agent.levels:
        view = routed.get(queue_id)
        if view is None or view.rule.paused:
            continue
        threshold = core.wait_threshold(agent, view.rule)
        if threshold is None:
            continue
        rows = Entry.objects.filter(
            queue_id=queue_id,
            state=EntryState.WAITING,
            units__lte=agent.free,
            language__in=["", *agent.languages],
        ).filter(Q(arrived_at__lte=now - dt.timedelta(seconds=threshold)) | Q(escalated=True))
        if lock:
            rows = rows.select_for_update(skip_locked=True)
        rows = rows.order_by("sort_key", "pk")
        found = list(rows[:HEAD_SIZE])
        if len(found) == HEAD_SIZE and not any(
            core.skip_reason(agent, entry_view(e), view.rule, now.timestamp()) is None
            for e in found
        ):
            # The first ones were let go by this agent, or wait for a tier not open to
            # them: read further, so no eligible contact hides behind them.
            found = list(rows[:HEAD_SIZE_FALLBACK])
        for row in found:
            rows_read[row.pk] = row
        if found:
            heads[queue_id] = [entry_view(e) for e in found]
    return heads, rows_read


@dataclass(frozen=True)
class ContactContext:
    """When a contact triggered the decision: its entry and the agents ranked for it,
    logged as the candidates if this agent takes it."""

    entry_id: int
    candidates: list[dict[str, Any]]
    skipped: dict[str, int]


def offer_best_to(
    user_id: int,
    *,
    now: dt.datetime,
    trigger: str,
    contact: ContactContext | None = None,
    state: AgentState | None = None,
) -> Outcome | None:
    """Give ``user_id`` the work they should get now, if any (inside the caller's
    transaction)."""
    state = state or _locked_state(user_id)
    if state is None or state.presence != Presence.AVAILABLE:
        return None
    agent = agent_view(state)
    routed = policies()
    heads, rows_read = _heads(agent, routed, now)
    if not heads:
        return None
    rules = {queue_id: routed[queue_id].rule for queue_id in heads}
    chosen = core.pick_work(agent, heads, rules, now.timestamp())
    if chosen is None:
        return None
    if contact is not None and contact.entry_id == chosen.id:
        candidates, skipped = contact.candidates, contact.skipped
    else:
        alternatives = sorted(
            (e for entries in heads.values() for e in entries),
            key=lambda e: -core.entry_score(now.timestamp(), e, rules[e.queue_id]),
        )[:CANDIDATES_LOGGED]
        candidates = [
            {
                "entry": e.id,
                "conversation": rows_read[e.id].conversation_id,
                "queue": e.queue_id,
                "score": round(core.entry_score(now.timestamp(), e, rules[e.queue_id]), 1),
                "chosen": e.id == chosen.id,
            }
            for e in alternatives
        ]
        skipped = _skips_for_entries(agent, heads, rules, now)
    return _apply(
        state=state,
        agent=agent,
        entry=rows_read[chosen.id],
        view=routed[chosen.queue_id],
        now=now,
        trigger=trigger,
        candidates=candidates,
        skipped=skipped,
    )


def _skips_for_entries(
    agent: core.AgentView,
    heads: dict[int, list[core.EntryView]],
    rules: dict[int, core.QueueRule],
    now: dt.datetime,
) -> dict[str, int]:
    skipped: dict[str, int] = {}
    for queue_id, entries in heads.items():
        for entry in entries:
            reason = core.skip_reason(agent, entry, rules[queue_id], now.timestamp())
            if reason:
                skipped[reason] = skipped.get(reason, 0) + 1
    return skipped


def _tier_rule(
    agent: core.AgentView, entry: core.EntryView, rule: core.QueueRule, now: float
) -> str:
    for tier in core.open_tiers(rule, entry, now):
        if core.tier_admits(tier, agent, rule.id):
            return core.describe_tier(tier)
    return ""


def _apply(
    *,
    state: AgentState,
    agent: core.AgentView,
    entry: Entry,
    view: PolicyView,
    now: dt.datetime,
    trigger: str,
    candidates: list[dict[str, Any]],
    skipped: dict[str, int],
    ring_all_agents: Iterable[core.AgentView] = (),
) -> Outcome:
    rule = view.rule
    ev = entry_view(entry)
    score = core.entry_score(now.timestamp(), ev, rule)
    strategy = rule.strategy
    label = f"{Strategy(strategy).label} · {_tier_rule(agent, ev, rule, now.timestamp())}"
    conversation = Conversation(pk=entry.conversation_id)
    entry_id = entry.pk
    ring = strategy == core.RING_ALL and view.offer_mode == OfferMode.OFFER
    offered_all = [agent.id, *(a.id for a in ring_all_agents if a.id != agent.id)] if ring else []
    with _applying():
        if view.offer_mode == OfferMode.ASSIGN:
            Entry.objects.filter(pk=entry.pk).delete()
            _book(state, entry.conversation_id, entry.units, now)
            lifecycle.conversation_assign(
                conversation=conversation, principal=ROUTING, agent=state.user
            )
        else:
            Entry.objects.filter(pk=entry.pk).update(
                state=EntryState.OFFERED,
                offered_to_id=None if ring else agent.id,
                offered_to_all=offered_all,
                offered_at=now,
                offer_expires_at=now + dt.timedelta(seconds=view.offer_seconds),
            )
            if not ring:
                _book(state, entry.conversation_id, entry.units, now)
            lifecycle.conversation_offer(conversation=conversation, principal=ROUTING)
    if strategy == core.ROUND_ROBIN:
        QueuePolicy.objects.filter(queue_id=rule.id).update(round_robin_last=agent.id)
    decision = Decision.objects.create(
        conversation_id=entry.conversation_id,
        queue_id=rule.id,
        at=now,
        trigger=trigger,
        rule=label[:200],
        agent_id=agent.id,
        score=round(score, 3),
        wait_seconds=round((now - entry.arrived_at).total_seconds(), 3),
        candidates=candidates,
        skipped=skipped,
    )
    _announce_offer(entry.conversation_id, offered_all or [agent.id])
    return Outcome(decision, entry_id, agent.id, tuple(offered_all))


def book(*, user_id: int, conversation_id: int, units: int, now: dt.datetime) -> None:
    """Book a conversation's units on an agent (``unbook``'s twin): a plain insert, the
    caller knows no work is booked for it, and the agent's total in the same
    transaction."""
    AgentWork.objects.create(
        conversation_id=conversation_id, user_id=user_id, units=units, since=now
    )
    AgentState.objects.filter(user_id=user_id).update(used_units=F("used_units") + units)


def _book(state: AgentState, conversation_id: int, units: int, now: dt.datetime) -> None:
    book(user_id=state.user_id, conversation_id=conversation_id, units=units, now=now)
    state.used_units += units


def _announce_offer(conversation_id: int, user_ids: list[int]) -> None:
    from parvis.routing import realtime

    transaction.on_commit(lambda: realtime.offer_made(conversation_id, user_ids))


def _round_robin_last(queue_id: int) -> int | None:
    """Read at decision time: the cached policy's cursor is stale by design."""
    return (
        QueuePolicy.objects.filter(queue_id=queue_id)
        .values_list("round_robin_last", flat=True)
        .first()
    )


def route_contact(entry_id: int, *, now: dt.datetime, trigger: str) -> Outcome | None:
    """A contact arrived (or a tier opened): rank the agents eligible for it by the
    queue's strategy and let each, in that order, take their best work, until this
    contact is placed (an agent may take another contact first: its score was higher)."""
    entry = Entry.objects.filter(pk=entry_id, state=EntryState.WAITING).first()
    if entry is None:
        return None
    view = policies().get(entry.queue_id)
    if view is None or view.rule.paused:
        return None
    rule = view.rule
    if rule.strategy == core.ROUND_ROBIN:
        rule = replace(rule, round_robin_last=_round_robin_last(rule.id))
    ev = entry_view(entry)
    states = list(
        AgentState.objects.filter(
            presence=Presence.AVAILABLE,
            used_units__lte=F("capacity") - entry.units,
            user__queue_memberships__queue_id=entry.queue_id,
        ).select_related("user")
    )
    profiles_of([state.user_id for state in states])
    agents = [agent_view(state) for state in states]
    eligible = [a for a in agents if core.skip_reason(a, ev, rule, now.timestamp()) is None]
    if not eligible:
        return None
    ranked = core.rank_agents(eligible, rule)
    context = ContactContext(
        entry.pk, _agent_candidates(ranked), _skips_for_agents(agents, ev, rule, now)
    )
    if rule.strategy == core.RING_ALL and view.offer_mode == OfferMode.OFFER:
        state = _locked_state(ranked[0][0].id)
        if state is None:
            return None
        return _apply(
            state=state,
            agent=ranked[0][0],
            entry=entry,
            view=view,
            now=now,
            trigger=trigger,
            candidates=context.candidates,
            skipped=context.skipped,
            ring_all_agents=[a for a, _ in ranked],
        )
    for agent, _key in ranked[:CANDIDATES_LOGGED]:
        outcome = offer_best_to(agent.id, now=now, trigger=trigger, contact=context)
        if outcome is not None and outcome.entry_id == entry.pk:
            return outcome
        if outcome is not None:
            # The agent took a better contact; with room left they may take this one
            # (or another) next: their own trigger, one decision at a time.
            trigger_add(TriggerKind.AGENT, agent.id, due_at=now, now=now)
    return None


def _agent_candidates(
    ranked: list[tuple[core.AgentView, tuple[float, ...]]],
) -> list[dict[str, Any]]:
    return [
        {"agent": agent.id, "key": [round(k, 3) for k in key], "chosen": index == 0}
        for index, (agent, key) in enumerate(ranked[:CANDIDATES_LOGGED])
    ]


def _skips_for_agents(
    agents: list[core.AgentView], entry: core.EntryView, rule: core.QueueRule, now: dt.datetime
) -> dict[str, int]:
    skipped: dict[str, int] = {}
    for agent in agents:
        reason = core.skip_reason(agent, entry, rule, now.timestamp())
        if reason:
            skipped[reason] = skipped.get(reason, 0) + 1
    return skipped


# An agent freed takes work until full or nothing fits (three chats after a call).
AGENT_DECISIONS_PER_TRIGGER = 10


def process(trigger: Trigger, *, now: dt.datetime) -> Outcome | None:
    if trigger.kind == TriggerKind.AGENT:
        first: Outcome | None = None
        for _ in range(AGENT_DECISIONS_PER_TRIGGER):
            outcome = offer_best_to(int(trigger.object_id), now=now, trigger="agent_freed")
            if outcome is None:
                break
            first = first or outcome
        return first
    outcome = route_contact(int(trigger.object_id), now=now, trigger="contact")
    if outcome is not None and outcome.agent_id is not None and not outcome.ring_all:
        # Room left (a chat among three): the agent may take what else waits for them.
        left = AgentState.objects.filter(
            user_id=outcome.agent_id, used_units__lt=F("capacity")
        ).exists()
        if left:
            trigger_add(TriggerKind.AGENT, outcome.agent_id, due_at=now, now=now)
    return outcome


def process_next(*, now: dt.datetime | None = None) -> tuple[bool, Outcome | None]:
    """Take one due trigger and decide, in one transaction: (whether one was due, what
    was decided)."""
    now = now or timezone.now()
    with transaction.atomic():
        trigger = take_trigger(now)
        if trigger is None:
            return False, None
        return True, process(trigger, now=now)


def process_due(*, now: dt.datetime | None = None, limit: int = 10_000) -> int:
    """Every due trigger (tests, the inline mode, the simulator); how many were taken."""
    taken = 0
    while taken < limit:
        found, _ = process_next(now=now)
        if not found:
            break
        taken += 1
    return taken


# --- Offers --------------------------------------------------------------------------------


def offered_to(entry: Entry, user_id: int) -> bool:
    return entry.offered_to_id == user_id or user_id in (entry.offered_to_all or [])


def release_entry_offer(entry: Entry, *, now: dt.datetime, declined_by: int | None) -> None:
    """An offer lapsed or was declined: the contact returns to its queue at its place
    (``arrived_at`` and ``sort_key`` kept), the units come back."""
    holder = entry.offered_to_id
    declined = list(entry.declined_by)
    # A ring-all offer that lapsed declines nobody (else nobody could be rung again).
    lapsed: list[int | None] = [holder]
    for user_id in [declined_by] if declined_by else lapsed:
        if user_id and user_id not in declined:
            declined.append(user_id)
    entry.state = EntryState.WAITING
    entry.offered_to = None
    entry.offered_to_all = []
    entry.offered_at = None
    entry.offer_expires_at = None
    entry.declined_by = declined
    entry.save(
        update_fields=[
            "state",
            "offered_to",
            "offered_to_all",
            "offered_at",
            "offer_expires_at",
            "declined_by",
        ]
    )
    unbook(entry.conversation_id, now=now)
    with _applying():
        lifecycle.conversation_offer_expire(
            conversation=Conversation(pk=entry.conversation_id), principal=ROUTING
        )
    trigger_add(TriggerKind.CONTACT, entry.pk, due_at=now, now=now)


def unbook(conversation_id: int, *, now: dt.datetime) -> int | None:
    """Give back the units of a conversation's work; the agent freed (``None``: none)."""
    work = AgentWork.objects.filter(conversation_id=conversation_id).first()
    if work is None:
        return None
    work.delete()
    AgentState.objects.filter(user_id=work.user_id).update(used_units=F("used_units") - work.units)
    AgentState.objects.filter(user_id=work.user_id, used_units=0).update(idle_since=now)
    return work.user_id
