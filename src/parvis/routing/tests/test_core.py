"""The pure routing rules of ``routing.core``: priority, capacity, tiers, strategies, the
referent rule and the estimated wait."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parvis.routing import core
from parvis.routing.tests.pure import pure

pytestmark = pure


def agent(agent_id: int = 1, **kwargs: object) -> core.AgentView:
    kwargs.setdefault("levels", {1: 1})
    return core.AgentView(id=agent_id, **kwargs)  # type: ignore[arg-type]


def entry(entry_id: int, at: float, queue_id: int = 1, **kwargs: object) -> core.EntryView:
    return core.EntryView(id=entry_id, queue_id=queue_id, arrived_at=at, **kwargs)  # type: ignore[arg-type]


# --- Priority ------------------------------------------------------------------------------


def test_score_is_weighted_wait_plus_capped_bonus():
    assert core.live_score(100.0, 40.0, 50.0, 2.0, 600.0) == 2.0 * 60.0 + 50.0
    assert core.live_score(100.0, 40.0, 900.0, 1.0, 600.0) == 60.0 + 600.0
    assert core.capped(-5.0, 600.0) == 0.0


def test_sort_key_orders_as_the_score_at_any_time():
    queue = core.QueueRule(id=1, weight=0.5, cap=300.0)
    a, b = entry(1, 0.0, bonus=100.0), entry(2, 150.0, bonus=300.0)
    # b is ahead: 150 − 300/0.5 = −450 < 0 − 100/0.5 = −200.
    assert core.entry_sort_key(b, queue) < core.entry_sort_key(a, queue)
    for now in (150.0, 1_000.0, 1e6):
        assert core.entry_score(now, b, queue) > core.entry_score(now, a, queue)
        assert core.entry_score(now, a, queue) == pytest.approx(
            queue.weight * (now - core.entry_sort_key(a, queue))
        )


def test_a_contact_arriving_cap_over_w_later_never_overtakes():
    queue = core.QueueRule(id=1, weight=2.0, cap=600.0)  # cap / w = 300 s
    first = entry(1, 0.0)
    late = entry(2, 300.001, bonus=10_000.0)
    assert core.entry_sort_key(first, queue) < core.entry_sort_key(late, queue)
    just_inside = entry(3, 299.0, bonus=10_000.0)
    assert core.entry_sort_key(just_inside, queue) < core.entry_sort_key(first, queue)


@settings(max_examples=300, deadline=None)
@given(
    weight=st.floats(min_value=0.01, max_value=100.0),
    cap=st.floats(min_value=0.0, max_value=10_000.0),
    first_at=st.floats(min_value=0.0, max_value=1e6),
    margin=st.floats(min_value=1e-3, max_value=1e5),
    bonuses=st.tuples(
        st.floats(min_value=-100.0, max_value=1e6), st.floats(min_value=-100.0, max_value=1e6)
    ),
    later=st.floats(min_value=0.0, max_value=1e6),
)
def test_property_arriving_more_than_cap_over_w_after_is_never_offered_first(
    weight: float,
    cap: float,
    first_at: float,
    margin: float,
    bonuses: tuple[float, float],
    later: float,
) -> None:
    queue = core.QueueRule(id=1, weight=weight, cap=cap)
    first = entry(1, first_at, bonus=bonuses[0])
    second_at = first_at + cap / weight + margin
    second = entry(2, second_at, bonus=bonuses[1])
    assert core.entry_sort_key(first, queue) < core.entry_sort_key(second, queue)
    now = second_at + later
    # An agent eligible for both, given the queue in sort order, or in any order.
    for heads in ([first, second], [second, first]):
        picked = core.pick_work(agent(), {1: heads}, {1: queue}, now)
        if heads[0] is first:
            assert picked is first
        assert core.best_entry(now, heads, {1: queue}) is first


def test_queue_rule_refuses_nonsense():
    with pytest.raises(ValueError):
        core.QueueRule(id=1, weight=0)
    with pytest.raises(ValueError):
        core.QueueRule(id=1, cap=-1)
    with pytest.raises(ValueError):
        core.QueueRule(id=1, strategy="random")


def test_best_entry_compares_live_scores_across_queues():
    queues = {1: core.QueueRule(id=1, weight=1.0), 2: core.QueueRule(id=2, weight=3.0)}
    slow, fast = entry(1, 0.0, queue_id=1), entry(2, 60.0, queue_id=2)
    assert core.best_entry(100.0, [slow, fast], queues) is fast  # 120 > 100
    assert core.best_entry(70.0, [slow, fast], queues) is slow  # 30 < 70


# --- Capacity ------------------------------------------------------------------------------

UNITS = {"telephone": 100, "chat": 33, "courriel": 12}


def test_capacity_three_chats_at_most():
    someone = agent()
    chats = 0
    while core.fits(someone, core.units_for("chat", UNITS)):
        someone.used += core.units_for("chat", UNITS)
        chats += 1
    assert chats == 3
    assert core.units_for("visio", UNITS) == 100  # unknown channel: a whole agent


def test_a_call_only_for_an_idle_agent():
    queue = core.QueueRule(id=1)
    call = entry(1, 0.0, units=UNITS["telephone"])
    assert core.skip_reason(agent(), call, queue, 0.0) is None
    busy = agent(used=UNITS["courriel"])
    assert core.skip_reason(busy, call, queue, 0.0) == core.SKIP_CAPACITY
    assert core.skip_reason(busy, entry(2, 0.0, units=UNITS["chat"]), queue, 0.0) is None


# --- Eligibility and tiers -----------------------------------------------------------------


def test_skip_reasons_in_order():
    queue = core.QueueRule(id=1)
    contact = entry(1, 0.0, language="en", declined=frozenset({3}))
    assert core.skip_reason(agent(presence="away"), contact, queue, 0.0) == core.SKIP_PRESENCE
    assert core.skip_reason(agent(levels={2: 1}), contact, queue, 0.0) == core.SKIP_MEMBER
    assert core.skip_reason(agent(3), contact, queue, 0.0) == core.SKIP_DECLINED
    assert core.skip_reason(agent(), contact, queue, 0.0) == core.SKIP_LANGUAGE
    speaker = agent(languages=frozenset({"en"}))
    assert core.skip_reason(speaker, contact, queue, 0.0) is None


FRANCE_SERVICES = core.QueueRule(
    id=1,
    tiers=(
        core.TierRule(min_wait=0.0, min_level=1, position=1),
        core.TierRule(min_wait=90.0, min_level=2, organisations=frozenset({7}), position=2),
    ),
)
EXPERT = core.QueueRule(
    id=1,
    tiers=(
        core.TierRule(min_wait=0.0, min_level=2, position=1),
        core.TierRule(min_wait=120.0, min_level=1, position=2),
    ),
)


def test_france_services_partner_referents_after_the_delay_or_on_request():
    referent = agent(levels={1: 2}, organisations=frozenset({7}))
    other_referent = agent(2, levels={1: 2}, organisations=frozenset({8}))
    # Tier 1 admits level ≥ 1: the referents too, from the start.
    assert core.skip_reason(referent, entry(1, 0.0), FRANCE_SERVICES, 0.0) is None
    generalist_only = core.QueueRule(
        id=1,
        tiers=(
            core.TierRule(min_wait=0.0, min_level=1, sites=frozenset({1})),
            FRANCE_SERVICES.tiers[1],
        ),
    )
    contact = entry(1, 0.0)
    assert core.skip_reason(referent, contact, generalist_only, 89.0) == core.SKIP_TIER
    assert core.skip_reason(referent, contact, generalist_only, 90.0) is None
    assert core.skip_reason(other_referent, contact, generalist_only, 500.0) == core.SKIP_TIER
    asked = entry(2, 0.0, escalated=True)
    assert core.skip_reason(referent, asked, generalist_only, 0.0) is None


def test_an_escalation_opens_the_referents_tiers_at_once_and_closes_level_one():
    """« Remonter au niveau 2 »: the adviser asked for a referent, so no adviser of level
    1 takes the contact back, however long it waits; the referents' tier opens at once."""
    adviser = agent(2, levels={1: 1})
    referent = agent(3, levels={1: 2}, organisations=frozenset({7}))
    asked = entry(1, 0.0, escalated=True)
    assert core.skip_reason(referent, asked, FRANCE_SERVICES, 0.0) is None
    assert core.skip_reason(adviser, asked, FRANCE_SERVICES, 0.0) == core.SKIP_TIER
    assert core.skip_reason(adviser, asked, FRANCE_SERVICES, 10_000.0) == core.SKIP_TIER
    assert core.escalation_tiers(FRANCE_SERVICES) == [FRANCE_SERVICES.tiers[1]]
    # A queue without a tier of level ≥ 2: every tier opens.
    plain = core.QueueRule(id=1, tiers=(core.TierRule(min_wait=60.0, min_level=1),))
    assert core.skip_reason(adviser, asked, plain, 0.0) is None
    assert core.describe_tier(FRANCE_SERVICES.tiers[1], escalated=True) == (
        "palier 2 : niveau ≥ 2 sur demande de remontée, 1 organisme"
    )


def test_expert_queue_widens_to_level_one_after_its_delay():
    generalist = agent(levels={1: 1})
    contact = entry(1, 0.0)
    assert core.skip_reason(generalist, contact, EXPERT, 119.9) == core.SKIP_TIER
    assert core.skip_reason(generalist, contact, EXPERT, 120.0) is None
    assert core.wait_threshold(generalist, EXPERT) == 120.0
    assert core.wait_threshold(agent(levels={1: 3}), EXPERT) == 0.0
    assert core.wait_threshold(agent(levels={2: 3}), EXPERT) is None
    assert core.next_tier_opening(EXPERT, 1000.0, 1010.0) == 1120.0
    assert core.next_tier_opening(EXPERT, 1000.0, 1120.0) is None


def test_describe_tier_in_french():
    text = core.describe_tier(FRANCE_SERVICES.tiers[1])
    assert text == "palier 2 : niveau ≥ 2 après 90\xa0s, 1 organisme"


# --- Strategies ----------------------------------------------------------------------------


def ranked_ids(strategy: str, agents: list[core.AgentView], **kwargs: object) -> list[int]:
    queue = core.QueueRule(id=1, strategy=strategy, **kwargs)  # type: ignore[arg-type]
    return [a.id for a, _key in core.rank_agents(agents, queue)]


TEAM = [
    agent(1, idle_since=30.0, used=0, levels={1: 1}),
    agent(2, idle_since=10.0, used=66, levels={1: 2}),
    agent(3, idle_since=20.0, used=33, levels={1: 3}),
    agent(4, idle_since=10.0, used=0, levels={1: 1}),
]


def test_longest_idle_first_ties_by_id():
    assert ranked_ids(core.LONGEST_IDLE, TEAM) == [2, 4, 3, 1]


def test_least_occupied_first():
    assert ranked_ids(core.LEAST_OCCUPIED, TEAM) == [4, 1, 3, 2]


def test_best_skill_first():
    assert ranked_ids(core.BEST_SKILL, TEAM) == [3, 2, 4, 1]


def test_round_robin_after_the_last_agent_then_wraps():
    assert ranked_ids(core.ROUND_ROBIN, TEAM, round_robin_last=2) == [3, 4, 1, 2]
    assert ranked_ids(core.ROUND_ROBIN, TEAM) == [1, 2, 3, 4]


def test_ring_all_lists_every_agent_longest_idle_first():
    assert ranked_ids(core.RING_ALL, TEAM) == [2, 4, 3, 1]


# --- Referent rule -------------------------------------------------------------------------

QUEUES = {1: core.QueueRule(id=1), 2: core.QueueRule(id=2), 3: core.QueueRule(id=3)}


def test_a_referent_takes_level_one_work_only_without_expert_work():
    referent = agent(levels={1: 1, 2: 2})
    level_one = entry(1, 0.0, queue_id=1)  # waited far longer
    expert = entry(2, 500.0, queue_id=2)
    assert core.pick_work(referent, {1: [level_one], 2: [expert]}, QUEUES, 600.0) is expert
    assert core.pick_work(referent, {1: [level_one], 2: []}, QUEUES, 600.0) is level_one


def test_expert_work_the_referent_cannot_take_does_not_hold_them_back():
    referent = agent(levels={1: 1, 2: 2})
    level_one = entry(1, 0.0, queue_id=1)
    in_english = entry(2, 500.0, queue_id=2, language="en")
    assert core.pick_work(referent, {1: [level_one], 2: [in_english]}, QUEUES, 600.0) is level_one


def test_pick_work_takes_the_first_eligible_of_each_queue_and_skips_paused_queues():
    someone = agent(levels={1: 1, 3: 1})
    queues = {**QUEUES, 3: core.QueueRule(id=3, paused=True)}
    call, chat = entry(1, 0.0, units=100), entry(2, 10.0, units=33)
    busy = agent(levels={1: 1}, used=50)
    assert core.pick_work(busy, {1: [call, chat]}, queues, 20.0) is chat
    assert core.pick_work(someone, {3: [entry(3, 0.0, queue_id=3)]}, queues, 20.0) is None


# --- Estimated wait ------------------------------------------------------------------------


def test_estimated_wait_position_times_mean_handling_over_staffed_agents():
    assert core.estimated_wait(
        position=3, handling_seconds=[200.0] * 10, staffed_agents=2, cap_seconds=1200.0
    ) == (300.0, False)


def test_estimated_wait_uses_300_s_below_ten_calls():
    assert core.estimated_wait(
        position=2, handling_seconds=[10.0] * 9, staffed_agents=4, cap_seconds=1200.0
    ) == (150.0, False)


def test_estimated_wait_is_capped_and_says_so():
    assert core.estimated_wait(
        position=50, handling_seconds=[], staffed_agents=1, cap_seconds=1200.0
    ) == (1200.0, True)
    assert core.estimated_wait(
        position=1, handling_seconds=[], staffed_agents=0, cap_seconds=1200.0
    ) == (1200.0, True)
    assert core.estimated_wait(
        position=4, handling_seconds=[], staffed_agents=1, cap_seconds=1200.0
    ) == (1200.0, True)  # exactly the cap: « plus de 20 minutes »
