"""A discrete-event simulator of a contact centre's day, in accelerated time, against a
routing adapter: to see what a staffing and a set of queue rules give (service level,
waits, abandons, occupancy) before a site lives it, and to check the engine against
Erlang C.

Events sit in a ``heapq`` by time: arrivals (Poisson, stationary or following a day
profile with a morning peak; given their number, Poisson arrival times are independent
draws from the normalised rate, which is how they are made), patience running out
(exponential patience; none in the Erlang comparison), work ending (handling time
exponential or lognormal, then an optional wrap-up). The adapter's own deadlines (offers
lapsing, tiers opening) are played through ``advance`` when they fall due. Offers are
accepted at once by the first agent offered who still has room.

The adapter is a small protocol (``RoutingAdapter``): ``MemoryAdapter`` wraps
``routing.memory``; a database-backed adapter plugs in the same way. Randomness comes
from an injected ``random.Random``, so a seed gives the same day.
"""

from __future__ import annotations

import heapq
import math
import random
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from parvis.core import metrics
from parvis.routing import core, erlang
from parvis.routing.errors import RoutingError
from parvis.routing.memory import WAITING, Decision, MemoryRouter

EXPONENTIAL = "exponential"
LOGNORMAL = "lognormal"

# Hourly weights of a public service desk's day from 8:00 to 18:00: a morning peak, a
# lunch dip, a smaller afternoon rise.
MORNING_PEAK = (6.0, 11.0, 13.0, 11.0, 7.0, 5.0, 7.0, 8.0, 7.0, 5.0)
DAY_START = 8 * 3600.0


# --- The adapter protocol ------------------------------------------------------------------


@dataclass(frozen=True)
class Offered:
    """An offer made by the adapter: a contact and the agents it went to (several in
    ring-all)."""

    entry_id: int
    agent_ids: tuple[int, ...]


class RoutingAdapter(Protocol):
    """What the simulator needs of a routing engine. Every call carries the simulated
    time and returns the offers it made."""

    def setup(
        self, *, queues: Sequence[core.QueueRule], agents: Sequence[core.AgentView], now: float
    ) -> list[Offered]: ...

    def arrive(self, entry: core.EntryView, now: float) -> list[Offered]: ...

    def accept(self, entry_id: int, agent_id: int, now: float) -> tuple[bool, list[Offered]]:
        """``(False, [])`` when the offer is gone or no longer fits the agent."""
        ...

    def finish(self, entry_id: int, agent_id: int, now: float) -> list[Offered]: ...

    def abandon(self, entry_id: int, now: float) -> tuple[bool, list[Offered]]:
        """``(False, [])`` when the contact was no longer waiting (already answered)."""
        ...

    def advance(self, now: float) -> list[Offered]: ...

    def next_due(self) -> float | None: ...


class MemoryAdapter:
    """``RoutingAdapter`` over ``routing.memory.MemoryRouter``."""

    def __init__(self, *, offer_seconds: float = 30.0, keep_candidates: bool = False) -> None:
        self.router = MemoryRouter(offer_seconds=offer_seconds, keep_candidates=keep_candidates)

    @staticmethod
    def _offered(decisions: Sequence[Decision]) -> list[Offered]:
        return [Offered(d.entry_id, d.agent_ids) for d in decisions if d.agent_ids]

    def setup(
        self, *, queues: Sequence[core.QueueRule], agents: Sequence[core.AgentView], now: float
    ) -> list[Offered]:
        for queue in queues:
            self.router.add_queue(queue)
        offers: list[Offered] = []
        for agent in agents:
            offers += self._offered(self.router.add_agent(agent, now))
        return offers

    def arrive(self, entry: core.EntryView, now: float) -> list[Offered]:
        return self._offered(self.router.arrive(entry, now))

    def accept(self, entry_id: int, agent_id: int, now: float) -> tuple[bool, list[Offered]]:
        try:
            return True, self._offered(self.router.accept(entry_id, agent_id, now))
        except RoutingError as error:
            if error.code not in ("offer_gone", "capacity"):
                raise
            return False, []

    def finish(self, entry_id: int, agent_id: int, now: float) -> list[Offered]:
        return self._offered(self.router.finish(entry_id, agent_id, now))

    def abandon(self, entry_id: int, now: float) -> tuple[bool, list[Offered]]:
        if self.router.state_of(entry_id) != WAITING:
            return False, []
        return True, self._offered(self.router.abandon(entry_id, now))

    def advance(self, now: float) -> list[Offered]:
        return self._offered(self.router.advance(now))

    def next_due(self) -> float | None:
        return self.router.next_due()


# --- Scenario ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stream:
    """One kind of contact: its queue, share of the arrivals, units, handling and
    patience (``None``: nobody abandons)."""

    queue_id: int
    share: float = 1.0
    units: int = 100
    mean_handling_seconds: float = 300.0
    mean_patience_seconds: float | None = None
    bonus: float = 0.0
    bonus_share: float = 0.0  # share of these contacts that get ``bonus`` (e.g. urgent)


@dataclass(frozen=True)
class Scenario:
    queues: tuple[core.QueueRule, ...]
    agents: tuple[core.AgentView, ...]
    streams: tuple[Stream, ...]
    contacts: int = 5000
    # Stationary Poisson at ``arrivals_per_hour``, or ``profile``: hourly weights from
    # ``day_start`` (the day's ``contacts`` spread along them).
    arrivals_per_hour: float = 500.0
    profile: tuple[float, ...] | None = None
    day_start: float = DAY_START
    handling: str = EXPONENTIAL
    lognormal_sigma: float = 0.8
    wrap_up_seconds: float = 0.0
    target_seconds: float = 20.0
    # Queue id → its own service-level target (e.g. emails: days, not seconds).
    targets: dict[int, float] = field(default_factory=dict)
    warmup_share: float = 0.0  # first arrivals left out of the figures (empty start)
    offer_seconds: float = 30.0

    def __post_init__(self) -> None:
        if self.handling not in (EXPONENTIAL, LOGNORMAL):
            raise ValueError(f"unknown handling distribution {self.handling!r}")
        if not self.streams or self.contacts < 0:
            raise ValueError("a scenario needs streams and contacts >= 0")


@dataclass(frozen=True)
class Report:
    arrivals: int  # counted (after the warm-up)
    answered: int
    abandoned: int  # all abandons, short ones included
    short_abandons: int  # under metrics.SHORT_ABANDON_SECONDS, apart from the service level
    abandon_rate: float | None  # abandoned after the short limit ÷ arrivals
    service_level: float | None
    mean_wait: float | None  # answered contacts
    p90_wait: float | None
    max_wait: float | None
    occupancy: float  # units worked (wrap-up included) ÷ units staffed over the day
    simulated_seconds: float
    target_seconds: float
    per_queue: dict[int, float | None] = field(default_factory=dict)  # service level


@dataclass
class _Contact:
    entry: core.EntryView
    handling: float
    patience: float | None
    counted: bool
    answered_at: float | None = None
    abandoned_at: float | None = None


def arrival_times(scenario: Scenario, rng: random.Random) -> list[float]:
    """The day's arrival times, sorted."""
    if scenario.profile is None:
        rate = scenario.arrivals_per_hour / 3600.0
        times, now = [], 0.0
        for _ in range(scenario.contacts):
            now += rng.expovariate(rate)
            times.append(now)
        return times
    hours = rng.choices(range(len(scenario.profile)), weights=scenario.profile, k=scenario.contacts)
    return sorted(scenario.day_start + (hour + rng.random()) * 3600.0 for hour in hours)


def _draw_handling(scenario: Scenario, mean: float, rng: random.Random) -> float:
    if scenario.handling == LOGNORMAL:
        sigma = scenario.lognormal_sigma
        return rng.lognormvariate(math.log(mean) - sigma * sigma / 2, sigma)
    return rng.expovariate(1.0 / mean)


def _percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile of sorted ``values``."""
    if not values:
        return None
    return values[max(0, math.ceil(q * len(values)) - 1)]


_ARRIVE, _ABANDON, _END = 0, 1, 2


def simulate(scenario: Scenario, adapter: RoutingAdapter, rng: random.Random) -> Report:
    """Play one day of ``scenario`` against ``adapter`` and report its figures."""
    times = arrival_times(scenario, rng)
    shares = [stream.share for stream in scenario.streams]
    warmup = math.floor(scenario.warmup_share * len(times))
    contacts: dict[int, _Contact] = {}
    events: list[tuple[float, int, int, int, int]] = []  # (time, seq, kind, entry, agent)
    for index, at in enumerate(times, start=1):
        stream = rng.choices(scenario.streams, weights=shares)[0]
        bonus = stream.bonus if stream.bonus_share and rng.random() < stream.bonus_share else 0.0
        patience = (
            rng.expovariate(1.0 / stream.mean_patience_seconds)
            if stream.mean_patience_seconds
            else None
        )
        contacts[index] = _Contact(
            entry=core.EntryView(
                id=index, queue_id=stream.queue_id, arrived_at=at, bonus=bonus, units=stream.units
            ),
            handling=_draw_handling(scenario, stream.mean_handling_seconds, rng),
            patience=patience,
            counted=index > warmup,
        )
        events.append((at, index, _ARRIVE, index, 0))
    heapq.heapify(events)
    seq = len(times)
    start = times[0] if times else 0.0
    busy_unit_seconds = 0.0
    last = start

    def take(offers: list[Offered], now: float) -> None:
        nonlocal seq, busy_unit_seconds
        pending = list(offers)
        while pending:
            offer = pending.pop(0)
            for agent_id in offer.agent_ids:
                accepted, more = adapter.accept(offer.entry_id, agent_id, now)
                pending += more
                if accepted:
                    contact = contacts[offer.entry_id]
                    contact.answered_at = now
                    busy = contact.handling + scenario.wrap_up_seconds
                    busy_unit_seconds += busy * contact.entry.units
                    seq += 1
                    heapq.heappush(events, (now + busy, seq, _END, offer.entry_id, agent_id))
                    break

    take(adapter.setup(queues=scenario.queues, agents=scenario.agents, now=start), start)
    while True:
        next_event = events[0][0] if events else math.inf
        due = adapter.next_due()
        if due is not None and due <= next_event:
            take(adapter.advance(due), due)
            continue
        if not events:
            break
        now, _, kind, entry_id, agent_id = heapq.heappop(events)
        last = now
        contact = contacts[entry_id]
        if kind == _ARRIVE:
            if contact.patience is not None:
                seq += 1
                heapq.heappush(events, (now + contact.patience, seq, _ABANDON, entry_id, 0))
            take(adapter.arrive(contact.entry, now), now)
        elif kind == _ABANDON:
            left, offers = adapter.abandon(entry_id, now)
            if left:
                contact.abandoned_at = now
            take(offers, now)
        else:
            take(adapter.finish(entry_id, agent_id, now), now)
    capacity = sum(agent.capacity for agent in scenario.agents)
    span = last - start
    return _report(scenario, contacts, busy_unit_seconds / (capacity * span) if span else 0.0, span)


def _report(
    scenario: Scenario, contacts: dict[int, _Contact], occupancy: float, span: float
) -> Report:
    counted = [c for c in contacts.values() if c.counted]
    answered = sorted(
        c.answered_at - c.entry.arrived_at for c in counted if c.answered_at is not None
    )
    abandoned = [c.abandoned_at - c.entry.arrived_at for c in counted if c.abandoned_at is not None]
    # Each contact is judged against its own queue's target; the site's figure sums them.
    levels = {}
    for queue in scenario.queues:
        mine = [c for c in counted if c.entry.queue_id == queue.id]
        levels[queue.id] = metrics.service_level(
            answered_waits=[
                c.answered_at - c.entry.arrived_at for c in mine if c.answered_at is not None
            ],
            abandoned_waits=[
                c.abandoned_at - c.entry.arrived_at for c in mine if c.abandoned_at is not None
            ],
            threshold_seconds=scenario.targets.get(queue.id, scenario.target_seconds),
        )
    site = metrics.service_level_ratio(
        answered_within=sum(level.answered_within for level in levels.values()),
        answered=sum(level.answered for level in levels.values()),
        abandoned_after_threshold=sum(level.abandoned_after_threshold for level in levels.values()),
    )
    return Report(
        arrivals=len(counted),
        answered=len(answered),
        abandoned=len(abandoned),
        short_abandons=sum(level.short_abandons for level in levels.values()),
        abandon_rate=metrics.abandon_rate(abandoned_waits=abandoned, entered_queue=len(counted)),
        service_level=site,
        mean_wait=statistics.fmean(answered) if answered else None,
        p90_wait=_percentile(answered, 0.9),
        max_wait=answered[-1] if answered else None,
        occupancy=occupancy,
        simulated_seconds=span,
        target_seconds=scenario.target_seconds,
        per_queue={queue_id: level.value for queue_id, level in levels.items()},
    )


# --- Ready-made scenarios ------------------------------------------------------------------


def erlang_scenario(
    *,
    arrivals_per_hour: float,
    mean_handling_seconds: float,
    agents: int,
    target_seconds: float,
    contacts: int = 5000,
    warmup_share: float = 0.05,
) -> Scenario:
    """The M/M/c day that Erlang C describes: one first-come-first-served queue without
    bonuses, identical agents taking one contact each (100 units of 100), exponential
    handling, nobody abandons, no wrap-up."""
    if (
        erlang.traffic(
            arrivals_per_hour=arrivals_per_hour, mean_handling_seconds=mean_handling_seconds
        )
        >= agents
    ):
        raise ValueError("the load must stay below one per agent")
    return Scenario(
        queues=(core.QueueRule(id=1),),
        agents=tuple(core.AgentView(id=i, levels={1: 1}) for i in range(1, agents + 1)),
        streams=(Stream(queue_id=1, mean_handling_seconds=mean_handling_seconds),),
        contacts=contacts,
        arrivals_per_hour=arrivals_per_hour,
        handling=EXPONENTIAL,
        target_seconds=target_seconds,
        warmup_share=warmup_share,
    )


# Queue ids of the site day.
PHONE, CHAT, EXPERT, EMAIL = 1, 2, 3, 4
QUEUE_LABELS = {
    PHONE: "accueil téléphonique",
    CHAT: "chat",
    EXPERT: "expertise (niveau 2, élargie au niveau 1 après 2 min)",
    EMAIL: "courriels",
}


def site_day_scenario(
    *, contacts: int = 5000, agents: int = 45, target_seconds: float = 20.0
) -> Scenario:
    """A France Services-sized day: calls, chats (ring-all, three at a time), an expert
    queue for level-2 referents that widens to level 1 after two minutes, emails; a
    morning peak, lognormal handling, callers who hang up, one referent in five."""
    referents = max(1, agents // 5)
    team = tuple(
        core.AgentView(
            id=i,
            levels={PHONE: 1, CHAT: 1, EXPERT: 2 if i <= referents else 1, EMAIL: 1},
        )
        for i in range(1, agents + 1)
    )
    return Scenario(
        queues=(
            core.QueueRule(id=PHONE, strategy=core.LONGEST_IDLE),
            core.QueueRule(id=CHAT, strategy=core.RING_ALL),
            core.QueueRule(
                id=EXPERT,
                strategy=core.BEST_SKILL,
                tiers=(
                    core.TierRule(min_wait=0.0, min_level=2, position=1),
                    core.TierRule(min_wait=120.0, min_level=1, position=2),
                ),
            ),
            core.QueueRule(id=EMAIL, strategy=core.LEAST_OCCUPIED, weight=0.05),
        ),
        agents=team,
        streams=(
            Stream(PHONE, 0.55, 100, 240.0, 180.0, bonus=300.0, bonus_share=0.03),
            Stream(CHAT, 0.25, 33, 420.0, 300.0),
            Stream(EXPERT, 0.10, 100, 480.0, 300.0),
            Stream(EMAIL, 0.10, 12, 600.0, None),
        ),
        contacts=contacts,
        profile=MORNING_PEAK,
        handling=LOGNORMAL,
        target_seconds=target_seconds,
        targets={EMAIL: 2 * 24 * 3600.0},
    )


@dataclass(frozen=True)
class ErlangComparison:
    arrivals_per_hour: float
    mean_handling_seconds: float
    agents: int
    target_seconds: float
    contacts: int
    replications: int
    service_levels: tuple[float, ...]
    service_level: float  # the mean over replications
    erlang_c_service_level: float
    mean_wait: float  # mean over replications
    erlang_c_mean_wait: float
    occupancy: float
    wall_seconds: float


def compare_with_erlang(
    *,
    arrivals_per_hour: float,
    mean_handling_seconds: float,
    agents: int,
    target_seconds: float,
    contacts: int = 5000,
    replications: int = 20,
    seed: int = 0,
) -> ErlangComparison:
    """The issue's protocol: the mean service level of ``replications`` seeded M/M/c days
    on the in-memory adapter (first 5 % left out), beside Erlang C. One day varies too
    much to compare with the formula; the mean of twenty does not."""
    started = time.perf_counter()
    scenario = erlang_scenario(
        arrivals_per_hour=arrivals_per_hour,
        mean_handling_seconds=mean_handling_seconds,
        agents=agents,
        target_seconds=target_seconds,
        contacts=contacts,
    )
    reports = [
        simulate(scenario, MemoryAdapter(), random.Random(f"erlang-{seed}-{day}"))
        for day in range(replications)
    ]
    offered = erlang.traffic(
        arrivals_per_hour=arrivals_per_hour, mean_handling_seconds=mean_handling_seconds
    )
    levels = tuple(r.service_level for r in reports if r.service_level is not None)
    return ErlangComparison(
        arrivals_per_hour=arrivals_per_hour,
        mean_handling_seconds=mean_handling_seconds,
        agents=agents,
        target_seconds=target_seconds,
        contacts=contacts,
        replications=replications,
        service_levels=levels,
        service_level=statistics.fmean(levels),
        erlang_c_service_level=erlang.service_level(
            agents=agents,
            traffic=offered,
            target_seconds=target_seconds,
            mean_handling_seconds=mean_handling_seconds,
        ),
        # Erlang C's mean wait is over every contact, answered or not: all are answered here.
        mean_wait=statistics.fmean(r.mean_wait or 0.0 for r in reports),
        erlang_c_mean_wait=erlang.mean_wait(
            agents=agents, traffic=offered, mean_handling_seconds=mean_handling_seconds
        ),
        occupancy=statistics.fmean(r.occupancy for r in reports),
        wall_seconds=time.perf_counter() - started,
    )
