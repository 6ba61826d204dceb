"""The in-memory adapter: stories of the rules, then a stateful property test that drives
it at random (arrivals, agents coming and going, offers lapsing or accepted, time passing,
tiers opening) and checks the engine's invariants after every step."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from parvis.routing import core
from parvis.routing.errors import RoutingError
from parvis.routing.memory import (
    ASSIGNED,
    OFFERED,
    RULE_BEST_SCORE,
    RULE_EXPERT_FIRST,
    RULE_LAPSED,
    WAITING,
    MemoryRouter,
)
from parvis.routing.tests.pure import pure

pytestmark = pure


def agent(agent_id: int, **kwargs: object) -> core.AgentView:
    kwargs.setdefault("levels", {1: 1})
    return core.AgentView(id=agent_id, **kwargs)  # type: ignore[arg-type]


def entry(entry_id: int, at: float, queue_id: int = 1, **kwargs: object) -> core.EntryView:
    return core.EntryView(id=entry_id, queue_id=queue_id, arrived_at=at, **kwargs)  # type: ignore[arg-type]


# --- Stories -------------------------------------------------------------------------------


def test_a_contact_goes_to_the_longest_idle_agent_and_becomes_work_on_accept():
    router = MemoryRouter(queues=[core.QueueRule(id=1)])
    router.add_agent(agent(1, idle_since=5.0), 10.0)
    router.add_agent(agent(2, idle_since=1.0), 10.0)
    router.set_presence(1, core.AVAILABLE, 10.0)

    (decision,) = router.arrive(entry(7, 10.0), 10.0)

    assert decision.agent_ids == (2,)
    assert decision.rule == core.LONGEST_IDLE
    assert [c.agent_id for c in decision.candidates] == [2, 1]
    assert router.agents[2].used == 100  # reserved at the offer
    router.accept(7, 2, 12.0)
    assert router.state_of(7) == ASSIGNED
    router.finish(7, 2, 100.0)
    assert router.state_of(7) is None
    assert router.agents[2].used == 0
    assert router.agents[2].idle_since == 100.0


def test_contacts_wait_in_sort_key_order_and_a_freed_agent_takes_the_first():
    router = MemoryRouter(queues=[core.QueueRule(id=1, cap=100.0)])
    router.arrive(entry(1, 0.0), 0.0)
    router.arrive(entry(2, 10.0, bonus=50.0), 10.0)  # sort key −40: ahead of entry 1
    router.arrive(entry(3, 20.0), 20.0)
    assert [e.id for e in router.waiting[1]] == [2, 1, 3]

    (decision,) = router.add_agent(agent(1), 30.0)

    assert (decision.entry_id, decision.rule) == (2, RULE_BEST_SCORE)
    assert decision.score == pytest.approx(20.0 + 50.0)


def test_capacity_three_chats_at_most_and_a_call_only_for_an_idle_agent():
    router = MemoryRouter(queues=[core.QueueRule(id=1)])
    router.add_agent(agent(1), 0.0)
    for entry_id in range(1, 5):
        router.arrive(entry(entry_id, 0.0, units=33), 0.0)
    assert router.agents[1].used == 99
    assert router.state_of(4) == WAITING  # a fourth chat does not fit
    router.arrive(entry(5, 1.0, units=12), 1.0)
    assert router.state_of(5) == WAITING  # 1 unit left: not even an email
    router.arrive(entry(6, 2.0, units=100), 2.0)
    for entry_id in (1, 2, 3):
        router.accept(entry_id, 1, 3.0)
    router.finish(1, 1, 4.0)
    # 34 units free: the chat (first in order) fits, then the email; the call waits.
    assert router.state_of(4) == OFFERED
    assert router.state_of(6) == WAITING


def test_an_offer_that_lapses_returns_at_its_place_and_goes_to_someone_else():
    router = MemoryRouter(queues=[core.QueueRule(id=1)], offer_seconds=10.0)
    router.add_agent(agent(1, idle_since=0.0), 0.0)
    router.arrive(entry(1, 0.0), 0.0)
    router.arrive(entry(2, 1.0), 1.0)
    router.add_agent(agent(2, idle_since=2.0, presence="away"), 2.0)

    decisions = router.set_presence(2, core.AVAILABLE, 5.0)  # agent 2 takes entry 2
    assert [(d.entry_id, d.agent_ids) for d in decisions] == [(2, (2,))]
    router.accept(2, 2, 6.0)
    router.finish(2, 2, 8.0)  # agent 2 free again; entry 1 still offered to agent 1

    decisions = router.advance(10.0)

    assert decisions[0].rule == RULE_LAPSED
    assert router.entry(1).declined == frozenset({1})
    assert router.offers[1].agent_ids == {2}
    assert router.entry(1).arrived_at == 0.0  # its place: same arrival, same sort key
    assert router.agents[1].used == 0


def test_ring_all_rings_every_eligible_agent_and_the_first_to_accept_wins():
    router = MemoryRouter(queues=[core.QueueRule(id=1, strategy=core.RING_ALL)])
    for agent_id in (1, 2, 3):
        router.add_agent(agent(agent_id), 0.0)
    router.set_presence(3, "break", 0.0)

    (decision,) = router.arrive(entry(1, 0.0, units=33), 0.0)

    assert set(decision.agent_ids) == {1, 2}
    assert not decision.reserved
    assert all(a.used == 0 for a in router.agents.values())
    router.accept(1, 2, 1.0)
    assert router.agents[2].used == 33
    with pytest.raises(RoutingError) as refused:
        router.accept(1, 1, 1.5)
    assert refused.value.code == "offer_gone"


def test_a_ring_accepted_leaves_the_rings_that_no_longer_fit():
    router = MemoryRouter(queues=[core.QueueRule(id=1, strategy=core.RING_ALL)])
    router.add_agent(agent(1), 0.0)
    router.arrive(entry(1, 0.0), 0.0)
    router.arrive(entry(2, 0.0), 0.0)
    assert router.offers[2].agent_ids == {1}

    router.accept(1, 1, 1.0)

    assert router.state_of(2) == WAITING  # nobody left to ring
    router.add_agent(agent(2), 2.0)
    assert router.offers[2].agent_ids == {2}


def test_france_services_escalation_level_two_first_then_level_one_after_the_delay():
    queue = core.QueueRule(
        id=1,
        tiers=(core.TierRule(min_wait=0.0, min_level=2), core.TierRule(min_wait=60.0, position=2)),
    )
    router = MemoryRouter(queues=[queue])
    router.add_agent(agent(1, levels={1: 1}), 0.0)
    router.add_agent(agent(2, levels={1: 2}), 0.0)
    router.arrive(entry(1, 0.0), 0.0)  # to the referent
    router.accept(1, 2, 1.0)

    decisions = router.arrive(entry(2, 3.0), 3.0)

    assert decisions == []
    assert router.next_tier_times() == {2: 63.0}
    assert router.next_due() == 63.0
    (decision,) = router.advance(63.0)
    assert (decision.entry_id, decision.agent_ids, decision.trigger) == (2, (1,), "tier")


def test_an_escalated_contact_opens_the_referents_tier_at_once_and_only_it():
    queue = core.QueueRule(
        id=1,
        tiers=(core.TierRule(min_wait=0.0), core.TierRule(min_wait=600.0, min_level=2)),
    )
    router = MemoryRouter(queues=[queue])
    router.arrive(entry(1, 0.0), 0.0)

    assert router.escalate(1, 5.0) == []
    assert router.next_tier_times() == {}
    assert router.add_agent(agent(1, levels={1: 1}), 6.0) == []  # an adviser: not for them
    assert router.advance(1_000.0) == []
    (decision,) = router.add_agent(agent(2, levels={1: 2}), 1_001.0)
    assert (decision.entry_id, decision.agent_ids) == (1, (2,))


def test_a_referent_takes_expert_work_before_level_one_work():
    router = MemoryRouter(queues=[core.QueueRule(id=1), core.QueueRule(id=2)])
    router.arrive(entry(1, 0.0, queue_id=1), 0.0)  # level-1 work, waiting longer
    router.arrive(entry(2, 50.0, queue_id=2), 50.0)

    (first,) = router.add_agent(agent(9, levels={1: 1, 2: 2}), 60.0)

    assert (first.entry_id, first.rule) == (2, RULE_EXPERT_FIRST)
    assert first.skipped == {core.SKIP_REFERENT: 1}


def test_a_referent_without_expert_work_takes_level_one_work():
    router = MemoryRouter(queues=[core.QueueRule(id=1), core.QueueRule(id=2)])
    router.arrive(entry(1, 0.0, queue_id=1), 0.0)

    (decision,) = router.add_agent(agent(9, levels={1: 1, 2: 2}), 60.0)

    assert decision.entry_id == 1


def test_route_contact_lets_an_agent_take_a_better_contact_of_another_queue():
    router = MemoryRouter(queues=[core.QueueRule(id=1), core.QueueRule(id=2)])
    router.add_agent(agent(1, levels={1: 1, 2: 1}, presence="away"), 0.0)
    router.arrive(entry(1, 0.0, queue_id=2), 0.0)
    router.set_presence(1, core.AVAILABLE, 100.0)  # takes entry 1 at once
    router.arrive(entry(2, 110.0, queue_id=2), 110.0)
    router.accept(1, 1, 120.0)
    router.finish(1, 1, 200.0)  # takes entry 2
    assert router.state_of(2) == OFFERED


def test_decisions_count_skip_reasons_and_show_five_candidates():
    router = MemoryRouter(queues=[core.QueueRule(id=1)])
    for agent_id in range(1, 8):
        router.add_agent(
            agent(agent_id, idle_since=float(agent_id), languages=frozenset({"en"})), 0.0
        )
    router.add_agent(agent(8, presence="away"), 0.0)
    router.add_agent(agent(9, levels={2: 1}), 0.0)
    router.add_agent(agent(10, languages=frozenset({"fr"})), 0.0)

    (decision,) = router.arrive(entry(1, 0.0, language="en"), 0.0)

    assert decision.agent_ids == (1,)
    assert len(decision.candidates) == 5
    assert decision.skipped == {core.SKIP_PRESENCE: 1, core.SKIP_MEMBER: 1, core.SKIP_LANGUAGE: 1}


def test_round_robin_goes_around():
    router = MemoryRouter(queues=[core.QueueRule(id=1, strategy=core.ROUND_ROBIN)])
    for agent_id in (3, 1, 2):
        router.add_agent(agent(agent_id), 0.0)
    taken = []
    for entry_id in range(1, 5):
        (decision,) = router.arrive(entry(entry_id, float(entry_id)), float(entry_id))
        taken.append(decision.agent_ids[0])
        router.accept(entry_id, decision.agent_ids[0], float(entry_id))
        router.finish(entry_id, decision.agent_ids[0], float(entry_id))
    assert taken == [1, 2, 3, 1]


def test_a_paused_queue_keeps_its_contacts_until_it_resumes():
    queue = core.QueueRule(id=1)
    router = MemoryRouter(queues=[dataclasses.replace(queue, paused=True)])
    router.add_agent(agent(1), 0.0)
    assert router.arrive(entry(1, 0.0), 0.0) == []

    (decision,) = router.set_queue(queue, 5.0)

    assert decision.entry_id == 1


def test_abandon_of_an_offered_contact_frees_the_agent_for_the_next():
    router = MemoryRouter(queues=[core.QueueRule(id=1)])
    router.add_agent(agent(1), 0.0)
    router.arrive(entry(1, 0.0), 0.0)
    router.arrive(entry(2, 1.0), 1.0)

    (decision,) = router.abandon(1, 2.0)

    assert decision.entry_id == 2
    with pytest.raises(RoutingError) as refused:
        router.abandon(1, 3.0)
    assert refused.value.code == "offer_gone"


def test_time_never_goes_back():
    router = MemoryRouter(queues=[core.QueueRule(id=1)], now=10.0)
    with pytest.raises(RoutingError) as refused:
        router.advance(9.0)
    assert refused.value.code == "clock"


def test_a_tier_opens_at_the_instant_it_is_scheduled_for_despite_rounding():
    # 65.1 − 35.1 < 30 in floating point: the scheduled instant and the opening test must
    # use one expression, or an entry waits with an eligible agent free (found by the
    # state machine: arrival at 30 + 5 + 0.1 s, a 30 s tier, a tick of 30 s).
    for arrived, wait in [(30.0 + 5.0 + 0.1, 30.0), (0.1, 0.2), (12345.678, 0.1)]:
        queue = core.QueueRule(id=1, tiers=(core.TierRule(min_wait=wait, min_level=1),))
        contact = core.EntryView(id=1, queue_id=1, arrived_at=arrived)
        at = core.next_tier_opening(queue, arrived, arrived)
        assert at is not None
        assert core.open_tiers(queue, contact, at)
        assert core.next_tier_opening(queue, arrived, at) is None


def test_an_entry_is_offered_when_its_level_tier_opens_after_a_fractional_arrival():
    queue = core.QueueRule(
        id=2,
        tiers=(
            core.TierRule(min_wait=0.0, min_level=2),
            core.TierRule(min_wait=30.0, min_level=1, position=2),
        ),
    )
    router = MemoryRouter(queues=[queue], offer_seconds=5.0)
    router.add_agent(core.AgentView(id=2, levels={1: 1, 2: 1}), 0.0)
    router.advance(35.1)
    router.arrive(core.EntryView(id=3, queue_id=2, arrived_at=35.1), 35.1)
    decisions = router.advance(35.1 + 30.0)
    assert [d.entry_id for d in decisions] == [3]


# --- Stateful property test ----------------------------------------------------------------

LANGUAGES = ("", "", "", "en", "ar")
PRESENCES = (core.AVAILABLE, core.AVAILABLE, core.AVAILABLE, "break", "away", "wrap_up")
UNITS = (100, 33, 12)


class CheckedRouter(MemoryRouter):
    """Checks, at the instant of each offer, that no entry ahead in the queue was eligible
    for the agents offered (the order invariant needs the state before the offer)."""

    violations: list[str]

    def _offer(self, entry, queue, agent, now, *args):  # type: ignore[no-untyped-def]
        ahead = [e for e in self.waiting[queue.id] if e is not entry]
        before = {a.id: a.used for a in self.agents.values()}
        key = self._sort_tuple(entry)
        decision = super()._offer(entry, queue, agent, now, *args)
        for agent_id in decision.agent_ids:
            offered = dataclasses.replace(self.agents[agent_id], used=before[agent_id])
            for other in ahead:
                if self._sort_tuple(other) < key and (
                    core.skip_reason(offered, other, queue, now) is None
                ):
                    self.violations.append(
                        f"{entry.id} offered to {agent_id} before {other.id} at {now}"
                    )
        return decision


class RouterMachine(RuleBasedStateMachine):
    @initialize(
        strategies=st.lists(
            st.sampled_from(
                [core.LONGEST_IDLE, core.LEAST_OCCUPIED, core.BEST_SKILL, core.ROUND_ROBIN]
            ),
            min_size=3,
            max_size=3,
        ),
        offer_seconds=st.sampled_from([5.0, 15.0, 30.0, 60.0]),
        team=st.lists(
            st.tuples(
                st.dictionaries(
                    st.integers(min_value=1, max_value=4), st.sampled_from([1, 1, 2, 3]), min_size=1
                ),
                st.sampled_from([frozenset(), frozenset({"en"}), frozenset({"en", "ar"})]),
                st.sampled_from([1, 2]),
            ),
            min_size=1,
            max_size=4,
        ),
    )
    def setup(
        self,
        strategies: list[str],
        offer_seconds: float,
        team: list[tuple[dict[int, int], frozenset[str], int]],
    ) -> None:
        queues = [
            core.QueueRule(id=1, strategy=strategies[0]),
            # France Services: level 2 at once, level 1 after 30 s.
            core.QueueRule(
                id=2,
                strategy=strategies[1],
                cap=300.0,
                tiers=(
                    core.TierRule(min_wait=0.0, min_level=2),
                    core.TierRule(min_wait=30.0, min_level=1, position=2),
                ),
            ),
            core.QueueRule(id=3, strategy=core.RING_ALL, weight=2.0, cap=60.0),
            # A site's own agents first, everyone after 20.5 s.
            core.QueueRule(
                id=4,
                strategy=strategies[2],
                weight=0.5,
                tiers=(
                    core.TierRule(min_wait=0.0, sites=frozenset({1})),
                    core.TierRule(min_wait=20.5, position=2),
                ),
            ),
        ]
        self.router = CheckedRouter(queues=queues, offer_seconds=offer_seconds)
        self.router.violations = []
        self.now = 0.0
        self.next_id = 1
        self.decisions: list = []
        # A team from the start, so that offers come early in each run.
        for levels, languages, site in team:
            self.next_id += 1
            view = core.AgentView(
                id=self.next_id, levels=levels, languages=languages, sites=frozenset({site})
            )
            self._record(self.router.add_agent(view, self.now))

    def _record(self, decisions: list) -> None:
        self.decisions = decisions

    # Agents

    @rule(
        levels=st.dictionaries(
            st.integers(min_value=1, max_value=4), st.sampled_from([1, 1, 2, 3]), min_size=1
        ),
        languages=st.frozensets(st.sampled_from(["en", "ar"])),
        presence=st.sampled_from(PRESENCES),
        site=st.sampled_from([1, 2]),
        capacity=st.sampled_from([100, 100, 66]),
    )
    def add_agent(
        self,
        levels: dict[int, int],
        languages: frozenset[str],
        presence: str,
        site: int,
        capacity: int,
    ) -> None:
        self.next_id += 1
        view = core.AgentView(
            id=self.next_id,
            presence=presence,
            capacity=capacity,
            idle_since=self.now,
            levels=levels,
            languages=languages,
            sites=frozenset({site}),
        )
        self._record(self.router.add_agent(view, self.now))

    @precondition(lambda self: self.router.agents)
    @rule(data=st.data(), change=st.sampled_from([*PRESENCES, "leave"]))
    def agent_changes(self, data: st.DataObject, change: str) -> None:
        agent_id = data.draw(st.sampled_from(sorted(self.router.agents)))
        if change == "leave":
            self._record(self.router.remove_agent(agent_id, self.now))
        else:
            self._record(self.router.set_presence(agent_id, change, self.now))

    # Contacts

    @rule(
        queue_id=st.integers(min_value=1, max_value=4),
        bonus=st.sampled_from([0.0, 0.0, 30.0, 120.0, 300.0, 1000.0]),
        units=st.sampled_from(UNITS),
        language=st.sampled_from(LANGUAGES),
        earlier=st.sampled_from([0.0, 0.0, 0.0, 7.0]),  # a callback keeping its place
    )
    def arrive(
        self, queue_id: int, bonus: float, units: int, language: str, earlier: float
    ) -> None:
        self.next_id += 1
        view = core.EntryView(
            id=self.next_id,
            queue_id=queue_id,
            arrived_at=max(0.0, self.now - earlier),
            bonus=bonus,
            units=units,
            language=language,
        )
        self._record(self.router.arrive(view, self.now))

    @precondition(lambda self: self.router.offers or any(self.router.waiting.values()))
    @rule(
        data=st.data(),
        action=st.sampled_from(["abandon", "abandon", "escalate", "bonus", "bonus", "pause"]),
    )
    def contact_or_supervisor(self, data: st.DataObject, action: str) -> None:
        waiting = sorted(e.id for entries in self.router.waiting.values() for e in entries)
        if action == "abandon":
            entry_id = data.draw(st.sampled_from(waiting + sorted(self.router.offers)))
            self._record(self.router.abandon(entry_id, self.now))
        elif action == "pause":
            queue = self.router.queues[data.draw(st.integers(min_value=1, max_value=4))]
            changed = dataclasses.replace(queue, paused=not queue.paused)
            self._record(self.router.set_queue(changed, self.now))
        elif waiting:
            entry_id = data.draw(st.sampled_from(waiting))
            if action == "escalate":
                self._record(self.router.escalate(entry_id, self.now))
            else:
                bonus = data.draw(st.sampled_from([0.0, 200.0, 2000.0]))
                self._record(self.router.set_bonus(entry_id, bonus, self.now))

    # Offers and work

    @precondition(lambda self: self.router.offers)
    @rule(data=st.data())
    def accept(self, data: st.DataObject) -> None:
        entry_id = data.draw(st.sampled_from(sorted(self.router.offers)))
        offer = self.router.offers[entry_id]
        agent_id = data.draw(st.sampled_from(sorted(offer.agent_ids)))
        if offer.ring and not core.fits(self.router.agents[agent_id], offer.entry.units):
            with pytest.raises(RoutingError) as refused:
                self.router.accept(entry_id, agent_id, self.now)
            assert refused.value.code == "capacity"
            return
        self._record(self.router.accept(entry_id, agent_id, self.now))
        assert self.router.state_of(entry_id) == ASSIGNED

    @precondition(lambda self: self.router.work)
    @rule(data=st.data())
    def finish(self, data: st.DataObject) -> None:
        entry_id = data.draw(st.sampled_from(sorted(self.router.work)))
        agent_id = self.router.work[entry_id][0]
        self._record(self.router.finish(entry_id, agent_id, self.now))

    @rule(seconds=st.sampled_from([0.0, 0.1, 1.0, 2.5, 4.9, 5.0, 10.0, 20.5, 30.0]))
    def tick(self, seconds: float) -> None:
        self.now += seconds
        self._record(self.router.advance(self.now))

    # Invariants

    @invariant()
    def each_contact_is_in_one_place(self) -> None:
        router = self.router
        waiting = [e.id for entries in router.waiting.values() for e in entries]
        assert len(waiting) == len(set(waiting))
        places = Counter([*waiting, *router.offers, *router.work])
        assert all(count == 1 for count in places.values()), places
        for offer in router.offers.values():
            assert offer.agent_ids, "an offer to nobody"
            assert offer.ring or len(offer.agent_ids) == 1, "a reserved offer to two agents"
            assert offer.expires_at > router.now, "an offer kept past its expiry"
        for entry_id in waiting:
            assert router.state_of(entry_id) == WAITING

    @invariant()
    def no_agent_beyond_capacity(self) -> None:
        router = self.router
        for agent_id, view in router.agents.items():
            reserved = sum(
                o.entry.units
                for o in router.offers.values()
                if not o.ring and agent_id in o.agent_ids
            )
            working = sum(e.units for a, e in router.work.values() if a == agent_id)
            assert view.used == reserved + working
            assert 0 <= view.used <= view.capacity

    @invariant()
    def waiting_lists_in_sort_key_order(self) -> None:
        for queue_id, entries in self.router.waiting.items():
            queue = self.router.queues[queue_id]
            keys = [(core.entry_sort_key(e, queue), e.arrived_at, e.id) for e in entries]
            assert keys == sorted(keys)

    @invariant()
    def work_conserving(self) -> None:
        router = self.router
        for queue_id, entries in router.waiting.items():
            queue = router.queues[queue_id]
            if queue.paused:
                continue
            for waiting in entries:
                for view in router.agents.values():
                    reason = core.skip_reason(view, waiting, queue, router.now)
                    assert reason is not None, (
                        f"entry {waiting.id} waits while agent {view.id} is free for it"
                    )

    @invariant()
    def tiers_yet_to_open_are_scheduled(self) -> None:
        router = self.router
        due = router.next_tier_times()
        for queue_id, entries in router.waiting.items():
            queue = router.queues[queue_id]
            for waiting in entries:
                later = core.next_tier_opening(queue, waiting.arrived_at, router.now)
                if waiting.escalated or later is None:
                    assert waiting.id not in due
                else:
                    assert due[waiting.id] == later

    @invariant()
    def offers_follow_sort_key_order(self) -> None:
        assert self.router.violations == []

    @invariant()
    def decisions_name_their_rule(self) -> None:
        for decision in self.decisions:
            assert decision.rule in (
                *core.STRATEGIES,
                RULE_BEST_SCORE,
                RULE_EXPERT_FIRST,
                RULE_LAPSED,
            )
            assert len(decision.candidates) <= 5


RouterMachine.TestCase.settings = settings(
    max_examples=200,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestRouterMachine = RouterMachine.TestCase
