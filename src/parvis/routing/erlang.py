"""Erlang C: the waiting figures of an M/M/c queue (Poisson arrivals, exponential
handling, ``c`` identical agents, first come first served, nobody abandons). The simulator
is checked against it, and staffing estimates can use it. Pure, stdlib only.

With ``λ`` arrivals per second, mean handling time ``h`` seconds and ``c`` agents, the
offered traffic is ``A = λ × h`` Erlangs and the occupancy ``ρ = A / c`` (< 1, else the
queue grows without end and every contact waits).

- Erlang B by its recursion, stable for hundreds of agents (the factorial formula
  overflows): ``B(0) = 1``, ``B(k) = A·B(k−1) / (k + A·B(k−1))``;
- probability of waiting: ``C = c·B / (c − A·(1 − B))``;
- service level: ``P(wait ≤ T) = 1 − C·exp(−(c − A)·T / h)``;
- mean wait (all contacts): ``W = C·h / (c − A)``.
"""

from __future__ import annotations

import math


def traffic(*, arrivals_per_hour: float, mean_handling_seconds: float) -> float:
    """Offered traffic in Erlangs: ``A = λ × h``."""
    if arrivals_per_hour < 0 or mean_handling_seconds <= 0:
        raise ValueError("arrivals_per_hour must be >= 0 and mean_handling_seconds > 0")
    return arrivals_per_hour * mean_handling_seconds / 3600.0


def erlang_b(agents: int, traffic: float) -> float:
    """Blocking probability of ``agents`` servers offered ``traffic`` Erlangs."""
    if agents < 0 or traffic < 0:
        raise ValueError("agents and traffic must be >= 0")
    blocking = 1.0
    for k in range(1, agents + 1):
        blocking = traffic * blocking / (k + traffic * blocking)
    return blocking


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that a contact waits (1 when ``traffic ≥ agents``: the queue grows)."""
    if agents <= 0 or traffic >= agents:
        return 1.0
    if traffic <= 0:
        return 0.0
    blocking = erlang_b(agents, traffic)
    return agents * blocking / (agents - traffic * (1.0 - blocking))


def service_level(
    *, agents: int, traffic: float, target_seconds: float, mean_handling_seconds: float
) -> float:
    """Share of contacts answered within ``target_seconds``."""
    if target_seconds < 0 or mean_handling_seconds <= 0:
        raise ValueError("target_seconds must be >= 0 and mean_handling_seconds > 0")
    waits = erlang_c(agents, traffic)
    if traffic >= agents:
        return 0.0
    return 1.0 - waits * math.exp(-(agents - traffic) * target_seconds / mean_handling_seconds)


def mean_wait(*, agents: int, traffic: float, mean_handling_seconds: float) -> float:
    """Mean wait in seconds over all contacts (``inf`` when ``traffic ≥ agents``)."""
    if traffic >= agents:
        return math.inf
    return erlang_c(agents, traffic) * mean_handling_seconds / (agents - traffic)


def agents_for_service_level(
    *, traffic: float, target_seconds: float, mean_handling_seconds: float, share: float
) -> int:
    """The fewest agents that reach ``share`` of contacts answered within the target."""
    if not 0 < share < 1:
        raise ValueError("share must be in (0, 1)")
    agents = max(1, math.floor(traffic) + 1)
    while (
        service_level(
            agents=agents,
            traffic=traffic,
            target_seconds=target_seconds,
            mean_handling_seconds=mean_handling_seconds,
        )
        < share
    ):
        agents += 1
    return agents
