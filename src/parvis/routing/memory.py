"""The in-memory adapter of the routing engine: the same rules as the database adapter
(``routing.engine``), built only on ``routing.core``, with the state held in Python
objects. The simulator (``routing.simulation``) and the property tests drive it; a
difference between the two adapters is a bug in one of them.

State: queue rules, agents (``core.AgentView``: presence, capacity and units used,
levels per queue), the waiting entries of each queue kept in ``core.entry_sort_key``
order (the order the database indexes), the offers out (entry → agents) and the work in
progress (entry → agent).

Refusals raise ``routing.errors.RoutingError`` (codes ``not_found``, ``conflict``,
``offer_gone``, ``capacity``, ``clock``).

Every operation takes the current time, first plays what fell due before it (offers that
lapsed, tiers that opened: ``advance``), then routes what its change made possible, and
returns the decisions it took (``Decision``: rule, agents, score, top-5 candidates, skip
reasons counted with ``core.skip_reason``), as the database adapter logs them.

After every operation these hold (the stateful property test checks them):

- an entry is waiting, offered or worked on, never two of these, and an offer reserving
  units goes to one agent only: no contact is given to two agents;
- ``used`` = units of the agent's reserved offers and work, and ``used ≤ capacity``;
- work-conserving: no entry of a queue that is not paused waits while an agent for whom
  ``core.skip_reason`` finds nothing against it (present, member, free units, language,
  an open tier…) exists; a tier not yet open does not count, which is why each waiting
  entry has its next tier opening scheduled;
- inside a queue an agent is offered the first entry, in sort-key order, that is eligible
  for them (``core.pick_work`` on the waiting lists).

Choices of this adapter, documented because the database adapter must make the same:

- an offer is reserved (units taken at once, one agent) except in a ring-all queue, where
  every eligible agent is offered the contact and no units are taken until one accepts;
  an accept that no longer fits is refused, and the agent leaves the other rings that no
  longer fit them;
- an offer not accepted by ``expires_at`` (reached: ``now ≥ expires_at``) returns the
  contact to its place (same sort key) and the agent joins ``declined``; a ring that
  lapses returns the contact without declining anyone (else nobody could ever be offered
  it again) and it rings again at once;
- an agent who finishes work is idle from then (``idle_since = now``), as is an agent who
  becomes available; an agent removed with work simply drops it, their offers return.
"""

from __future__ import annotations

import bisect
import dataclasses
import heapq
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from parvis.routing import core
from parvis.routing.errors import RoutingError

TOP_CANDIDATES = 5

# What started a decision (the database log's ``trigger``).
TRIGGER_CONTACT = "contact"  # a contact arrived, came back or was escalated
TRIGGER_AGENT = "agent"  # an agent freed units or became available
TRIGGER_TIER = "tier"  # a tier delay was reached
TRIGGER_LAPSE = "lapse"  # an offer lapsed

# Rules besides the queue strategies (``core.STRATEGIES``), which name the decisions taken
# for the contact being routed.
RULE_BEST_SCORE = "best_score"  # the agent took the best live score among their queues
RULE_EXPERT_FIRST = "expert_first"  # the same, level-1 work set aside (referent rule)
RULE_LAPSED = "offer_lapsed"  # back to the queue at its place

WAITING = "waiting"
OFFERED = "offered"
ASSIGNED = "assigned"


@dataclass(frozen=True)
class Candidate:
    """One line of a decision's top 5: an agent (ranked by the strategy ``key``) for the
    contact being routed, or an entry (``key`` = its sort key) competing for the agent."""

    agent_id: int
    entry_id: int
    queue_id: int
    score: float
    key: tuple[float, ...]


@dataclass(frozen=True)
class Decision:
    trigger: str
    rule: str
    at: float
    entry_id: int
    queue_id: int
    agent_ids: tuple[int, ...]  # one agent; every ringed agent in ring-all; none: lapsed
    score: float
    wait_seconds: float
    candidates: tuple[Candidate, ...] = ()
    skipped: dict[str, int] = field(default_factory=dict)
    reserved: bool = True  # units taken at the offer (not in ring-all)


@dataclass
class Offer:
    entry: core.EntryView
    agent_ids: set[int]
    made_at: float
    expires_at: float
    ring: bool


class MemoryRouter:
    """The routing state of one site, in memory. Times are seconds (floats) of one
    clock, never going back."""

    def __init__(
        self,
        *,
        queues: Iterable[core.QueueRule] = (),
        offer_seconds: float = 30.0,
        now: float = 0.0,
        keep_candidates: bool = True,
    ) -> None:
        self.now = now
        self.offer_seconds = offer_seconds
        # Top-5 lists and skip counts cost time the simulator does not need.
        self.keep_candidates = keep_candidates
        self.queues: dict[int, core.QueueRule] = {}
        self.agents: dict[int, core.AgentView] = {}
        self.waiting: dict[int, list[core.EntryView]] = {}
        self._keys: dict[int, list[tuple[float, float, int]]] = {}
        self._where: dict[int, str] = {}  # entry id → waiting / offered / assigned
        self._entries: dict[int, core.EntryView] = {}
        self.offers: dict[int, Offer] = {}
        self.work: dict[int, tuple[int, core.EntryView]] = {}  # entry id → (agent, entry)
        self._expiries: list[tuple[float, int, int]] = []  # (expires_at, seq, entry id)
        self._tiers: list[tuple[float, int, int]] = []  # (opens at, seq, entry id)
        self._tier_due: dict[int, float] = {}
        self._seq = 0
        for queue in queues:
            self.add_queue(queue)

    # --- Reading -----------------------------------------------------------------------

    def state_of(self, entry_id: int) -> str | None:
        """``waiting``, ``offered``, ``assigned`` or ``None`` (unknown, gone)."""
        return self._where.get(entry_id)

    def entry(self, entry_id: int) -> core.EntryView:
        try:
            return self._entries[entry_id]
        except KeyError:
            raise RoutingError("not_found", f"Contact {entry_id} inconnu.") from None

    def work_of(self, agent_id: int) -> list[core.EntryView]:
        return [entry for agent, entry in self.work.values() if agent == agent_id]

    def offers_to(self, agent_id: int) -> list[Offer]:
        return [offer for offer in self.offers.values() if agent_id in offer.agent_ids]

    def next_tier_times(self) -> dict[int, float]:
        """Entry id → when its next tier opens, for the waiting entries that have one."""
        return dict(self._tier_due)

    def next_due(self) -> float | None:
        """When ``advance`` next has something to do (an offer lapsing, a tier opening)."""
        self._drop_stale()
        times = [heap[0][0] for heap in (self._expiries, self._tiers) if heap]
        return min(times) if times else None

    # --- Queues and agents -------------------------------------------------------------

    def add_queue(self, queue: core.QueueRule) -> None:
        if queue.id in self.queues:
            raise RoutingError("conflict", f"La file {queue.id} existe déjà.")
        self.queues[queue.id] = queue
        self.waiting[queue.id] = []
        self._keys[queue.id] = []

    def set_queue(self, queue: core.QueueRule, now: float) -> list[Decision]:
        """Replace a queue's rule (pause, strategy, tiers…). The sort keys stay those of
        arrival; a new weight or cap applies to contacts arriving from now."""
        decisions = self.advance(now)
        if queue.id not in self.queues:
            raise RoutingError("not_found", f"File {queue.id} inconnue.")
        self.queues[queue.id] = queue
        for entry in list(self.waiting[queue.id]):
            self._schedule_tier(entry)
            if self._where.get(entry.id) == WAITING:
                decisions += self.route_contact(entry.id, now)
        return decisions

    def add_agent(self, agent: core.AgentView, now: float) -> list[Decision]:
        decisions = self.advance(now)
        if agent.id in self.agents:
            raise RoutingError("conflict", f"L’agent {agent.id} existe déjà.")
        self.agents[agent.id] = dataclasses.replace(agent, used=0)
        return decisions + self._fill(agent.id, now)

    def remove_agent(self, agent_id: int, now: float) -> list[Decision]:
        """The agent leaves: their work is dropped, their offers return to the queues."""
        decisions = self.advance(now)
        self._agent(agent_id)
        for entry_id, (holder, _entry) in list(self.work.items()):
            if holder == agent_id:
                del self.work[entry_id]
                self._forget(entry_id)
        returned = []
        for offer in self.offers_to(agent_id):
            offer.agent_ids.discard(agent_id)
            if not offer.agent_ids:
                returned.append(self._return_offer(offer))
        del self.agents[agent_id]
        for entry in returned:
            decisions += self.route_contact(entry.id, now)
        return decisions

    def set_presence(self, agent_id: int, presence: str, now: float) -> list[Decision]:
        """Offers already made stay (they lapse or are accepted); becoming available
        starts an idle period and routes work to the agent."""
        decisions = self.advance(now)
        agent = self._agent(agent_id)
        if presence == agent.presence:
            return decisions
        agent.presence = presence
        if presence != core.AVAILABLE:
            return decisions
        agent.idle_since = now
        return decisions + self._fill(agent_id, now)

    # --- Contacts ----------------------------------------------------------------------

    def arrive(self, entry: core.EntryView, now: float) -> list[Decision]:
        """A contact enters its queue (``entry.arrived_at`` may precede ``now``, e.g. a
        callback keeping its place) and is routed."""
        decisions = self.advance(now)
        if entry.queue_id not in self.queues:
            raise RoutingError("not_found", f"File {entry.queue_id} inconnue.")
        if entry.id in self._where:
            raise RoutingError("conflict", f"Le contact {entry.id} existe déjà.")
        entry = dataclasses.replace(entry)  # ours: the caller's object may change
        self._entries[entry.id] = entry
        self._enqueue(entry)
        return decisions + self.route_contact(entry.id, now)

    def abandon(self, entry_id: int, now: float) -> list[Decision]:
        """The contact leaves (hung up, closed the chat) while waiting or offered; an
        offer withdrawn frees its units."""
        decisions = self.advance(now)
        where = self._where.get(entry_id)
        if where == WAITING:
            self._dequeue(self._entries[entry_id])
            self._forget(entry_id)
            return decisions
        if where == OFFERED:
            offer = self.offers.pop(entry_id)
            self._forget(entry_id)
            if not offer.ring:
                (agent_id,) = offer.agent_ids
                if agent_id in self.agents:
                    self.agents[agent_id].used -= offer.entry.units
                    decisions += self._fill(agent_id, now)
            return decisions
        raise RoutingError("offer_gone", f"Le contact {entry_id} n’attend plus.")

    def escalate(self, entry_id: int, now: float) -> list[Decision]:
        """The referents' tiers open for this contact at once, and only them
        (``core.escalation_tiers``: an adviser asked for a referent)."""
        decisions = self.advance(now)
        entry = self.entry(entry_id)
        entry.escalated = True
        self._tier_due.pop(entry_id, None)
        if self._where.get(entry_id) == WAITING:
            decisions += self.route_contact(entry_id, now)
        return decisions

    def set_bonus(self, entry_id: int, bonus: float, now: float) -> list[Decision]:
        """A supervisor's priority change: the contact moves to its new place."""
        decisions = self.advance(now)
        entry = self.entry(entry_id)
        if self._where.get(entry_id) != WAITING:
            entry.bonus = bonus
            return decisions
        self._dequeue(entry)
        entry.bonus = bonus
        self._enqueue(entry)
        return decisions + self.route_contact(entry_id, now)

    # --- Offers and work ---------------------------------------------------------------

    def accept(self, entry_id: int, agent_id: int, now: float) -> list[Decision]:
        """The offer becomes work. A ring-all offer takes the agent's units now, if they
        still fit, and leaves the other rings."""
        decisions = self.advance(now)
        offer = self.offers.get(entry_id)
        if offer is None or agent_id not in offer.agent_ids:
            raise RoutingError(
                "offer_gone", f"Aucune proposition du contact {entry_id} à l’agent {agent_id}."
            )
        agent = self._agent(agent_id)
        if offer.ring:
            if not core.fits(agent, offer.entry.units):
                raise RoutingError(
                    "capacity", f"L’agent {agent_id} n’a plus la place pour le contact {entry_id}."
                )
            agent.used += offer.entry.units
        del self.offers[entry_id]
        self.work[entry_id] = (agent_id, offer.entry)
        self._where[entry_id] = ASSIGNED
        if offer.ring:
            decisions += self._leave_rings_that_no_longer_fit(agent, now)
        return decisions

    def finish(self, entry_id: int, agent_id: int, now: float) -> list[Decision]:
        """The agent ends this work (wrap-up included): units back, idle from now."""
        decisions = self.advance(now)
        holder = self.work.get(entry_id)
        if holder is None or holder[0] != agent_id:
            raise RoutingError(
                "not_found", f"L’agent {agent_id} ne traite pas le contact {entry_id}."
            )
        del self.work[entry_id]
        self._forget(entry_id)
        agent = self._agent(agent_id)
        agent.used -= holder[1].units
        agent.idle_since = now
        return decisions + self._fill(agent_id, now)

    def advance(self, now: float) -> list[Decision]:
        """Play, in time order, the offers lapsing and the tiers opening up to ``now``."""
        if now < self.now:
            raise RoutingError("clock", f"Le temps ne recule pas ({now} < {self.now}).")
        decisions: list[Decision] = []
        while True:
            self._drop_stale()
            expiry = self._expiries[0][0] if self._expiries else math.inf
            tier = self._tiers[0][0] if self._tiers else math.inf
            at = min(expiry, tier)
            if at > now:
                break
            self.now = max(self.now, at)
            if expiry <= tier:
                _, _, entry_id = heapq.heappop(self._expiries)
                decisions += self._lapse(self.offers[entry_id], self.now)
            else:
                _, _, entry_id = heapq.heappop(self._tiers)
                del self._tier_due[entry_id]
                self._schedule_tier(self._entries[entry_id])
                decisions += self.route_contact(entry_id, self.now, trigger=TRIGGER_TIER)
        self.now = now
        return decisions

    # --- Routing -----------------------------------------------------------------------

    def route_contact(
        self, entry_id: int, now: float, *, trigger: str = TRIGGER_CONTACT
    ) -> list[Decision]:
        """Offer a waiting contact: its queue's eligible agents, in the strategy's order,
        each take their best work (``offer_best_to``) until this contact is placed. An
        agent may take another, better, contact instead: that is the rule."""
        self.now = max(self.now, now)
        entry = self.entry(entry_id)
        queue = self.queues[entry.queue_id]
        if self._where.get(entry_id) != WAITING or queue.paused:
            return []
        eligible, skipped = self._eligible_agents(entry, queue, now)
        ranked = core.rank_agents(eligible, queue)
        decisions: list[Decision] = []
        for agent, _key in ranked:
            while self._where.get(entry_id) == WAITING:
                decision = self.offer_best_to(
                    agent.id, now, trigger=trigger, routed=(entry, ranked, skipped)
                )
                if decision is None:
                    break
                decisions.append(decision)
            if self._where.get(entry_id) != WAITING:
                break
        return decisions

    def offer_best_to(
        self,
        agent_id: int,
        now: float,
        *,
        trigger: str = TRIGGER_AGENT,
        routed: tuple[core.EntryView, list[tuple[core.AgentView, tuple[float, ...]]], Counter[str]]
        | None = None,
    ) -> Decision | None:
        """Offer ``agent`` the work ``core.pick_work`` chooses for them now, if any.

        ``routed``: the contact being routed, with its ranked agents and skip counts, so
        that the decision shows the agents when this contact is the one offered."""
        self.now = max(self.now, now)
        agent = self._agent(agent_id)
        if agent.presence != core.AVAILABLE:
            return None
        heads, skipped = self._heads(agent, now)
        if not heads:
            return None
        entry = core.pick_work(agent, heads, self.queues, now)
        if entry is None:
            return None
        queue = self.queues[entry.queue_id]
        expert = core.expert_queue_ids(agent)
        set_aside = (
            [head[-1] for qid, head in heads.items() if qid not in expert]
            if entry.queue_id in expert
            else []
        )
        if set_aside:
            skipped[core.SKIP_REFERENT] += len(set_aside)
        if routed is not None and routed[0].id == entry.id:
            rule = queue.strategy
            candidates = tuple(
                Candidate(a.id, entry.id, queue.id, core.entry_score(now, entry, queue), key)
                for a, key in routed[1][:TOP_CANDIDATES]
            )
            skipped = routed[2]
        else:
            rule = RULE_EXPERT_FIRST if set_aside else RULE_BEST_SCORE
            candidates = self._entry_candidates(agent, heads, now)
        return self._offer(entry, queue, agent, now, trigger, rule, candidates, skipped)

    # --- Inside ------------------------------------------------------------------------

    def _agent(self, agent_id: int) -> core.AgentView:
        try:
            return self.agents[agent_id]
        except KeyError:
            raise RoutingError("not_found", f"Agent {agent_id} inconnu.") from None

    def _sort_tuple(self, entry: core.EntryView) -> tuple[float, float, int]:
        # Ties as ``core.best_entry`` breaks them: earliest arrival, then smallest id.
        return (core.entry_sort_key(entry, self.queues[entry.queue_id]), entry.arrived_at, entry.id)

    def _enqueue(self, entry: core.EntryView) -> None:
        key = self._sort_tuple(entry)
        keys = self._keys[entry.queue_id]
        index = bisect.bisect_left(keys, key)
        keys.insert(index, key)
        self.waiting[entry.queue_id].insert(index, entry)
        self._where[entry.id] = WAITING
        self._schedule_tier(entry)

    def _dequeue(self, entry: core.EntryView) -> None:
        keys = self._keys[entry.queue_id]
        index = bisect.bisect_left(keys, self._sort_tuple(entry))
        assert self.waiting[entry.queue_id][index] is entry
        del keys[index]
        del self.waiting[entry.queue_id][index]
        self._tier_due.pop(entry.id, None)

    def _forget(self, entry_id: int) -> None:
        del self._where[entry_id]
        del self._entries[entry_id]
        self._tier_due.pop(entry_id, None)

    def _schedule_tier(self, entry: core.EntryView) -> None:
        """Remember when the next tier opens for a waiting entry (``advance`` plays it)."""
        if entry.escalated or self._where.get(entry.id) != WAITING:
            self._tier_due.pop(entry.id, None)
            return
        queue = self.queues[entry.queue_id]
        at = core.next_tier_opening(queue, entry.arrived_at, self.now)
        if at is None:
            self._tier_due.pop(entry.id, None)
            return
        if self._tier_due.get(entry.id) == at:
            return
        self._tier_due[entry.id] = at
        self._seq += 1
        heapq.heappush(self._tiers, (at, self._seq, entry.id))

    def _drop_stale(self) -> None:
        """Heap items whose offer or tier opening no longer stands (lazy deletion)."""
        while self._expiries:
            at, _, entry_id = self._expiries[0]
            offer = self.offers.get(entry_id)
            if offer is not None and offer.expires_at == at:
                break
            heapq.heappop(self._expiries)
        while self._tiers:
            at, _, entry_id = self._tiers[0]
            if self._tier_due.get(entry_id) == at:
                break
            heapq.heappop(self._tiers)

    def _heads(
        self, agent: core.AgentView, now: float
    ) -> tuple[dict[int, list[core.EntryView]], Counter[str]]:
        """Per queue of the agent, its waiting entries up to the first eligible one (the
        prefix ``core.pick_work`` needs), and why the ones before it were skipped."""
        heads: dict[int, list[core.EntryView]] = {}
        skipped: Counter[str] = Counter()
        for queue_id in agent.levels:
            queue = self.queues.get(queue_id)
            entries = self.waiting.get(queue_id)
            if queue is None or queue.paused or not entries:
                continue
            for index, entry in enumerate(entries):
                reason = core.skip_reason(agent, entry, queue, now)
                if reason is None:
                    heads[queue_id] = entries[: index + 1]
                    break
                if self.keep_candidates:
                    skipped[reason] += 1
        return heads, skipped

    def _entry_candidates(
        self, agent: core.AgentView, heads: dict[int, list[core.EntryView]], now: float
    ) -> tuple[Candidate, ...]:
        if not self.keep_candidates:
            return ()
        firsts = []
        for queue_id, head in heads.items():
            queue = self.queues[queue_id]
            entry = head[-1]
            score = core.entry_score(now, entry, queue)
            firsts.append(
                Candidate(agent.id, entry.id, queue_id, score, (core.entry_sort_key(entry, queue),))
            )
        firsts.sort(key=lambda c: (-c.score, c.entry_id))
        return tuple(firsts[:TOP_CANDIDATES])

    def _eligible_agents(
        self, entry: core.EntryView, queue: core.QueueRule, now: float
    ) -> tuple[list[core.AgentView], Counter[str]]:
        eligible = []
        skipped: Counter[str] = Counter()
        for agent in self.agents.values():
            reason = core.skip_reason(agent, entry, queue, now)
            if reason is None:
                eligible.append(agent)
            elif self.keep_candidates:
                skipped[reason] += 1
        return eligible, skipped

    def _has_expert_work(self, agent: core.AgentView, now: float) -> bool:
        for queue_id in core.expert_queue_ids(agent):
            queue = self.queues.get(queue_id)
            if queue is None or queue.paused:
                continue
            if any(core.skip_reason(agent, e, queue, now) is None for e in self.waiting[queue_id]):
                return True
        return False

    def _offer(
        self,
        entry: core.EntryView,
        queue: core.QueueRule,
        agent: core.AgentView,
        now: float,
        trigger: str,
        rule: str,
        candidates: tuple[Candidate, ...],
        skipped: Counter[str],
    ) -> Decision:
        self._dequeue(entry)
        ring = queue.strategy == core.RING_ALL
        if ring:
            eligible, _ = self._eligible_agents(entry, queue, now)
            ringed = [
                a
                for a, _key in core.rank_agents(eligible, queue)
                # The referent rule, for the agents rung besides the one who took it.
                if a.id == agent.id
                or not core.is_level_one_work(a, queue.id)
                or not self._has_expert_work(a, now)
            ]
            agent_ids = tuple(a.id for a in ringed)
        else:
            agent.used += entry.units
            agent_ids = (agent.id,)
            if queue.strategy == core.ROUND_ROBIN:
                self.queues[queue.id] = dataclasses.replace(queue, round_robin_last=agent.id)
        expires_at = now + self.offer_seconds
        self.offers[entry.id] = Offer(entry, set(agent_ids), now, expires_at, ring)
        self._where[entry.id] = OFFERED
        self._seq += 1
        heapq.heappush(self._expiries, (expires_at, self._seq, entry.id))
        return Decision(
            trigger=trigger,
            rule=core.RING_ALL if ring else rule,
            at=now,
            entry_id=entry.id,
            queue_id=queue.id,
            agent_ids=agent_ids,
            score=core.entry_score(now, entry, queue),
            wait_seconds=now - entry.arrived_at,
            candidates=candidates,
            skipped=dict(skipped),
            reserved=not ring,
        )

    def _return_offer(self, offer: Offer) -> core.EntryView:
        """Back to the queue at its place (its sort key has not changed)."""
        del self.offers[offer.entry.id]
        self._enqueue(offer.entry)
        return offer.entry

    def _lapse(self, offer: Offer, now: float) -> list[Decision]:
        entry = offer.entry
        agents = sorted(offer.agent_ids)
        if not offer.ring:
            entry.declined = entry.declined | offer.agent_ids
            for agent_id in agents:
                self.agents[agent_id].used -= entry.units
        self._return_offer(offer)
        queue = self.queues[entry.queue_id]
        decisions = [
            Decision(
                trigger=TRIGGER_LAPSE,
                rule=RULE_LAPSED,
                at=now,
                entry_id=entry.id,
                queue_id=entry.queue_id,
                agent_ids=(),
                score=core.entry_score(now, entry, queue),
                wait_seconds=now - entry.arrived_at,
                skipped={core.SKIP_DECLINED: len(agents)} if not offer.ring else {},
            )
        ]
        decisions += self.route_contact(entry.id, now, trigger=TRIGGER_LAPSE)
        if not offer.ring:
            for agent_id in agents:
                decisions += self._fill(agent_id, now)
        return decisions

    def _leave_rings_that_no_longer_fit(self, agent: core.AgentView, now: float) -> list[Decision]:
        returned = []
        for offer in self.offers_to(agent.id):
            if offer.ring and not core.fits(agent, offer.entry.units):
                offer.agent_ids.discard(agent.id)
                if not offer.agent_ids:
                    returned.append(self._return_offer(offer))
        decisions: list[Decision] = []
        for entry in returned:
            decisions += self.route_contact(entry.id, now)
        return decisions

    def _fill(self, agent_id: int, now: float) -> list[Decision]:
        """Give the agent work until nothing more is eligible for them, then join the
        rings in progress they are eligible for."""
        decisions: list[Decision] = []
        while (decision := self.offer_best_to(agent_id, now)) is not None:
            decisions.append(decision)
        agent = self.agents[agent_id]
        if agent.presence == core.AVAILABLE:
            for offer in self.offers.values():
                if offer.ring and agent_id not in offer.agent_ids:
                    queue = self.queues[offer.entry.queue_id]
                    if core.skip_reason(agent, offer.entry, queue, now) is None:
                        offer.agent_ids.add(agent_id)
        return decisions
