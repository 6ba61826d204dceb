"""Erlang C against an independent computation: the textbook formula with factorials
(exact fractions), which the recursion must match while staying finite where the
factorials overflow."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from parvis.routing import erlang
from parvis.routing.tests.pure import pure

pytestmark = pure


def erlang_c_by_factorials(agents: int, traffic: int) -> float:
    """``C = (A^c / c!) · c/(c − A) / (Σ_{k<c} A^k / k! + (A^c / c!) · c/(c − A))``."""
    a = Fraction(traffic)
    top = a**agents / math.factorial(agents) * Fraction(agents, agents - traffic)
    bottom = sum(a**k / math.factorial(k) for k in range(agents)) + top
    return float(top / bottom)


@pytest.mark.parametrize(("agents", "traffic"), [(12, 10), (2, 1), (11, 10), (30, 25), (1, 0)])
def test_erlang_c_matches_the_factorial_formula(agents, traffic):
    assert erlang.erlang_c(agents, traffic) == pytest.approx(
        erlang_c_by_factorials(agents, traffic), rel=1e-12
    )


def test_known_values():
    # One agent: an M/M/1 contact waits with probability ρ.
    assert erlang.erlang_c(1, 0.7) == pytest.approx(0.7)
    # A = 10 Erlangs, 12 agents: C ≈ 0.4494 (tables); service level at 20 s with 180 s handling.
    assert erlang.erlang_c(12, 10.0) == pytest.approx(0.449388, abs=1e-6)
    level = erlang.service_level(
        agents=12, traffic=10.0, target_seconds=20.0, mean_handling_seconds=180.0
    )
    assert level == pytest.approx(1 - 0.449388 * math.exp(-2 * 20 / 180), abs=1e-6)
    assert erlang.mean_wait(agents=12, traffic=10.0, mean_handling_seconds=180.0) == (
        pytest.approx(0.449388 * 180 / 2, abs=1e-4)
    )


def test_erlang_b_recursion():
    assert erlang.erlang_b(0, 5.0) == 1.0
    assert erlang.erlang_b(1, 1.0) == pytest.approx(0.5)
    assert erlang.erlang_b(2, 1.0) == pytest.approx(0.2)  # (1/2) / (1 + 1 + 1/2)


def test_stable_for_hundreds_of_agents():
    # 400! overflows a float; the recursion does not.
    value = erlang.erlang_c(400, 380.0)
    assert 0.0 < value < 1.0
    assert erlang.erlang_c(400, 380) == pytest.approx(erlang_c_by_factorials(400, 380), rel=1e-9)
    level = erlang.service_level(
        agents=400, traffic=380.0, target_seconds=20.0, mean_handling_seconds=300.0
    )
    assert 0.0 < level < 1.0


def test_overload_every_contact_waits():
    assert erlang.erlang_c(10, 10.0) == 1.0
    assert (
        erlang.service_level(
            agents=10, traffic=12.0, target_seconds=20.0, mean_handling_seconds=300.0
        )
        == 0.0
    )
    assert erlang.mean_wait(agents=10, traffic=10.0, mean_handling_seconds=300.0) == math.inf


def test_traffic_and_staffing():
    assert erlang.traffic(arrivals_per_hour=120, mean_handling_seconds=300) == 10.0
    agents = erlang.agents_for_service_level(
        traffic=10.0, target_seconds=20.0, mean_handling_seconds=180.0, share=0.8
    )
    assert agents == 14
    assert (
        erlang.service_level(
            agents=agents - 1, traffic=10.0, target_seconds=20.0, mean_handling_seconds=180.0
        )
        < 0.8
    )
    with pytest.raises(ValueError):
        erlang.traffic(arrivals_per_hour=10, mean_handling_seconds=0)
