"""A bounded run of the real engine through the simulator's database adapter (issue 15,
« Correctness »): contacts arriving on four queues (a call queue, ring-all chats, an
expert queue widening after a delay, emails), agents of unequal capacity, offers accepted
after a delay or let lapse (agents then go away and come back), callers hanging up. After
every step, SQL and ``core.skip_reason`` on views built from the rows check that:

- no contact is given to two agents (one assignment per conversation, the work held by
  its assignee or the one it is offered to; several agents at once only in ring-all);
- no agent is beyond capacity, and their units in use are the units of their work;
- no contact waits while an agent eligible for it is free (work-conserving);
- inside a queue, an agent is offered the first contact, in sort-key order, eligible for
  them.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db.models import Count

from parvis.contacts.models import Conversation, ConversationTransition, QueueMember, Status
from parvis.routing import core, engine
from parvis.routing.models import AgentSkill, AgentState, AgentWork, Entry, EntryState, Presence
from parvis.routing.simulation import Offered
from parvis.routing.simulation_db import DatabaseAdapter
from parvis.routing.tests.pure import once

PHONE, CHAT, EXPERT, EMAIL = 1, 2, 3, 4
UNITS = {PHONE: 100, CHAT: 33, EXPERT: 100, EMAIL: 12}
QUEUES = (
    core.QueueRule(id=PHONE, strategy=core.LONGEST_IDLE),
    core.QueueRule(id=CHAT, strategy=core.RING_ALL),
    core.QueueRule(
        id=EXPERT,
        strategy=core.BEST_SKILL,
        tiers=(
            core.TierRule(min_wait=0.0, min_level=2, position=1),
            core.TierRule(min_wait=60.0, min_level=1, position=2),
        ),
    ),
    core.QueueRule(id=EMAIL, strategy=core.LEAST_OCCUPIED, weight=0.05),
)
RULES = {rule.id: rule for rule in QUEUES}
AGENTS = (
    # Two referents of the expert queue, a generalist who takes no expert work, one
    # agent of two chats at most (66 units).
    core.AgentView(id=1, levels={PHONE: 1, CHAT: 1, EXPERT: 2, EMAIL: 1}),
    core.AgentView(id=2, levels={PHONE: 1, EXPERT: 2, EMAIL: 1}),
    core.AgentView(id=3, levels={PHONE: 1, CHAT: 1, EXPERT: 1, EMAIL: 1}),
    core.AgentView(id=4, levels={PHONE: 1, CHAT: 1, EXPERT: 1}),
    core.AgentView(id=5, capacity=66, levels={CHAT: 1, EMAIL: 1}),
    core.AgentView(id=6, levels={PHONE: 1, CHAT: 1, EMAIL: 1}),
)
CONTACTS = 80
OFFER_SECONDS = 30.0
ACCEPT_SHARE = 0.85  # the others let the offer lapse
BACK_AFTER = 45.0  # an agent sent away by lapsed offers comes back

ARRIVE, ACCEPT, FINISH, ABANDON, BACK = "arrive", "accept", "finish", "abandon", "back"


@dataclass
class Day:
    """The run's own bookkeeping: events to play and what happened."""

    adapter: DatabaseAdapter
    rng: random.Random
    events: list[tuple[float, int, str, int, int]] = field(default_factory=list)
    handling: dict[int, float] = field(default_factory=dict)
    seq: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    coming_back: set[int] = field(default_factory=set)

    def push(self, at: float, kind: str, entry_id: int = 0, agent_id: int = 0) -> None:
        self.seq += 1
        heapq.heappush(self.events, (at, self.seq, kind, entry_id, agent_id))

    def offered(self, offers: list[Offered], now: float) -> None:
        """Each agent offered a contact accepts after a delay, or lets it lapse."""
        for offer in offers:
            self.counts["offers"] += 1
            for agent_id in offer.agent_ids:
                if self.rng.random() < ACCEPT_SHARE:
                    self.push(now + self.rng.uniform(0, 20), ACCEPT, offer.entry_id, agent_id)


@pytest.fixture
def routing_settings(settings: Any) -> Iterator[None]:
    settings.ROUTING_INLINE = False
    yield
    engine.forget_caches()  # this run's rows roll back; the memos must not outlive them


def arrivals(rng: random.Random) -> list[tuple[float, core.EntryView, float | None]]:
    streams = ((PHONE, 0.4, 90.0), (CHAT, 0.3, 150.0), (EXPERT, 0.15, 120.0), (EMAIL, 0.15, None))
    now, day = 8 * 3600.0, []
    for index in range(1, CONTACTS + 1):
        now += rng.expovariate(1 / 20.0)
        queue_id, _, patience = rng.choices(streams, weights=[s[1] for s in streams])[0]
        bonus = 300.0 if rng.random() < 0.05 else 0.0
        entry = core.EntryView(
            id=index, queue_id=queue_id, arrived_at=now, bonus=bonus, units=UNITS[queue_id]
        )
        waits = rng.expovariate(1 / patience) if patience and rng.random() < 0.5 else None
        day.append((now, entry, waits))
    return day


@pytest.mark.django_db
@once  # CI: in the PostgreSQL pass (a plain ``make test`` runs it on SQLite)
def test_a_bounded_day_on_the_database_keeps_the_routing_invariants(routing_settings):
    rng = random.Random(15)
    adapter = DatabaseAdapter(offer_seconds=OFFER_SECONDS)
    day = Day(adapter=adapter, rng=rng)
    start = 8 * 3600.0
    adapter.setup(queues=QUEUES, agents=AGENTS, now=start)
    profiles = _profiles(adapter)
    plan = arrivals(rng)
    entries = {entry.id: entry for _, entry, _ in plan}
    for at, entry, patience in plan:
        day.handling[entry.id] = rng.expovariate(1 / 150.0)
        day.push(at, ARRIVE, entry.id)
        if patience is not None:
            day.push(at + patience, ABANDON, entry.id)

    steps = 0
    while True:
        next_event = day.events[0][0] if day.events else None
        due = adapter.next_due()
        if due is not None and (next_event is None or due <= next_event):
            now, offers = due, adapter.advance(due)
            day.counts["advances"] += 1
        elif next_event is None:
            break
        else:
            now, _, kind, entry_id, agent_id = heapq.heappop(day.events)
            offers = _play(day, kind, entry_id, agent_id, now, entries)
        day.offered(offers, now)
        _check(adapter, profiles, offers, now)
        _bring_back_the_away(day, now)
        steps += 1

    statuses = Counter(
        Conversation.objects.filter(pk__in=adapter.conversation_ids.values()).values_list(
            "status", flat=True
        )
    )
    # The run went through what it is meant to: lapses, agents away and back, hang-ups.
    assert day.counts["lapsed"] > 0 or day.counts["gone"] > 0
    assert day.counts["back"] > 0
    assert day.counts["abandoned"] > 0
    assert statuses[Status.RESOLVED] >= CONTACTS * 0.9
    assert statuses[Status.OFFERED] == 0
    assert steps > CONTACTS * 3


def _play(
    day: Day,
    kind: str,
    entry_id: int,
    agent_id: int,
    now: float,
    entries: dict[int, core.EntryView],
) -> list[Offered]:
    adapter = day.adapter
    if kind == ARRIVE:
        return adapter.arrive(entries[entry_id], now)
    if kind == ACCEPT:
        accepted, offers = adapter.accept(entry_id, agent_id, now)
        if accepted:
            day.push(now + day.handling[entry_id], FINISH, entry_id, agent_id)
        else:
            day.counts["gone"] += 1
        return offers
    if kind == FINISH:
        return adapter.finish(entry_id, agent_id, now)
    if kind == ABANDON:
        left, offers = adapter.abandon(entry_id, now)
        day.counts["abandoned"] += left
        return offers
    day.coming_back.discard(agent_id)
    day.counts["back"] += 1
    return adapter.presence(agent_id, Presence.AVAILABLE, now)


def _bring_back_the_away(day: Day, now: float) -> None:
    away = AgentState.objects.filter(
        user__in=day.adapter.users.values(), presence=Presence.AWAY
    ).values_list("user_id", flat=True)
    for user_id in away:
        agent_id = day.adapter.agent_of(user_id)
        if agent_id not in day.coming_back:
            day.coming_back.add(agent_id)
            day.counts["lapsed"] += 1
            day.push(now + BACK_AFTER, BACK, 0, agent_id)


# --- The checks --------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    levels: dict[int, int]  # queue id (database) → level


def _profiles(adapter: DatabaseAdapter) -> dict[int, Profile]:
    """Levels per queue read from the rows (membership and skill), not from the engine."""
    skill_level: defaultdict[int, dict[int, int]] = defaultdict(dict)
    for user_id, skill_id, level in AgentSkill.objects.values_list("user_id", "skill_id", "level"):
        skill_level[user_id][skill_id] = level
    skill_of = dict(
        engine.QueuePolicy.objects.filter(queue__in=adapter.queue_ids.values()).values_list(
            "queue_id", "skill_id"
        )
    )
    levels: dict[int, dict[int, int]] = defaultdict(dict)
    for user_id, queue_id in QueueMember.objects.filter(
        user__in=adapter.users.values()
    ).values_list("user_id", "queue_id"):
        levels[user_id][queue_id] = skill_level[user_id].get(skill_of[queue_id], 1)
    return {user_id: Profile(dict(levels[user_id])) for user_id in levels}


def _agent_views(profiles: dict[int, Profile]) -> dict[int, core.AgentView]:
    return {
        state.user_id: core.AgentView(
            id=state.user_id,
            presence=state.presence,
            capacity=state.capacity,
            used=state.used_units,
            idle_since=state.idle_since.timestamp(),
            levels=profiles[state.user_id].levels,
        )
        for state in AgentState.objects.filter(user__in=profiles)
    }


def _entry_view(entry: Entry) -> core.EntryView:
    return core.EntryView(
        id=entry.pk,
        queue_id=entry.queue_id,
        arrived_at=entry.arrived_at.timestamp(),
        bonus=float(entry.bonus),
        units=entry.units,
        escalated=entry.escalated,
        declined=frozenset(entry.declined_by),
    )


def _rules(adapter: DatabaseAdapter) -> dict[int, core.QueueRule]:
    """The scenario's rules under the database's queue ids."""
    return {
        adapter.queue_ids[rule.id]: core.QueueRule(
            id=adapter.queue_ids[rule.id],
            strategy=rule.strategy,
            weight=rule.weight,
            cap=rule.cap,
            tiers=rule.tiers,
        )
        for rule in QUEUES
    }


def _check(
    adapter: DatabaseAdapter, profiles: dict[int, Profile], offers: list[Offered], now: float
) -> None:
    moment = adapter.moment(now)
    clock = moment.timestamp()  # the core's time: epoch seconds, as the rows give them
    rules = _rules(adapter)
    ring_queue = adapter.queue_ids[CHAT]
    agents = _agent_views(profiles)
    work = list(AgentWork.objects.values_list("conversation_id", "user_id", "units", "since"))
    held = {conversation_id: user_id for conversation_id, user_id, _, _ in work}
    entries = list(Entry.objects.all())
    status = dict(
        Conversation.objects.filter(pk__in=adapter.conversation_ids.values()).values_list(
            "pk", "status"
        )
    )
    assignees = dict(
        Conversation.objects.filter(status=Status.ASSIGNED).values_list("pk", "assignee_id")
    )

    # No contact given to two agents.
    assert (
        not ConversationTransition.objects.filter(to_status=Status.ASSIGNED)
        .values("conversation")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .exists()
    ), "a conversation assigned twice"
    for conversation_id, user_id in assignees.items():
        assert held.get(conversation_id) == user_id, "assigned without its assignee's work"
    for entry in entries:
        state = status[entry.conversation_id]
        if entry.state == EntryState.WAITING:
            assert state == Status.QUEUED
            assert entry.conversation_id not in held, "a waiting contact held by an agent"
            continue
        assert state == Status.OFFERED
        if entry.offered_to_all:
            assert entry.queue_id == ring_queue, "offered to several agents outside ring-all"
            assert entry.conversation_id not in held
        else:
            assert held.get(entry.conversation_id) == entry.offered_to_id
    for conversation_id in held:
        assert status.get(conversation_id) in (Status.OFFERED, Status.ASSIGNED)

    # No agent beyond capacity; units in use are the units of their work.
    units = Counter[int]()
    for _, user_id, taken, _ in work:
        units[user_id] += taken
    for agent in agents.values():
        assert agent.used <= agent.capacity, f"agent {agent.id} beyond capacity"
        assert agent.used == units[agent.id], f"agent {agent.id}: units in use ≠ work"

    # Work-conserving: nobody eligible is free while a contact waits.
    waiting = [e for e in entries if e.state == EntryState.WAITING]
    for entry in waiting:
        view = _entry_view(entry)
        for agent in agents.values():
            reason = core.skip_reason(agent, view, rules[entry.queue_id], clock)
            assert reason is not None, (
                f"contact {adapter.contact_of(entry.conversation_id)} waits at {now:.1f} "
                f"while agent {adapter.agent_of(agent.id)} is free for it"
            )

    # Score order inside a queue: no contact ahead (smaller sort key) of the one offered
    # was eligible for the agent, with the units this step booked given back.
    booked_now = Counter[int]()
    for _, user_id, taken, since in work:
        if since == moment:
            booked_now[user_id] += taken
    by_conversation = {e.conversation_id: e for e in entries}
    for offer in offers:
        offered = by_conversation.get(adapter.conversation_ids[offer.entry_id])
        if offered is None:
            continue  # accepted or gone in the same step
        for agent_id in offer.agent_ids:
            user_id = adapter.users[agent_id].pk
            before = agents[user_id]
            before = core.AgentView(
                id=before.id,
                presence=Presence.AVAILABLE,
                capacity=before.capacity,
                used=before.used - booked_now[user_id],
                idle_since=before.idle_since,
                levels=before.levels,
            )
            for ahead in waiting:
                if ahead.queue_id != offered.queue_id or ahead.sort_key >= offered.sort_key:
                    continue
                reason = core.skip_reason(before, _entry_view(ahead), rules[ahead.queue_id], clock)
                assert reason is not None, (
                    f"agent {agent_id} offered contact {offer.entry_id} before contact "
                    f"{adapter.contact_of(ahead.conversation_id)}, ahead of it in its queue"
                )


@pytest.mark.django_db
def test_a_contact_arrives_at_the_simulated_time_and_is_offered_by_scenario_ids(
    routing_settings,
):
    adapter = DatabaseAdapter(offer_seconds=OFFER_SECONDS)
    adapter.setup(queues=QUEUES, agents=AGENTS, now=8 * 3600.0)
    chat = core.EntryView(id=7, queue_id=CHAT, arrived_at=8 * 3600.0 + 12.5, units=33)

    offers = adapter.arrive(chat, 8 * 3600.0 + 12.5)

    entry = Entry.objects.get(conversation_id=adapter.conversation_ids[7])
    assert entry.arrived_at == adapter.epoch + dt.timedelta(hours=8, seconds=12.5)
    assert entry.channel == "chat"
    assert entry.units == 33
    # Ring-all: every present chat agent at once, under the scenario's ids.
    assert offers == [Offered(7, (1, 3, 4, 5, 6))]
    accepted, _ = adapter.accept(7, 5, 8 * 3600.0 + 20)
    assert accepted
    assert adapter.accept(7, 1, 8 * 3600.0 + 21) == (False, [])
    assert adapter.abandon(7, 8 * 3600.0 + 30) == (False, [])  # being answered
    assert adapter.next_due() is None
