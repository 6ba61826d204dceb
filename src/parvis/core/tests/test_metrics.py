"""Metric formulas (``core.metrics``): known values, and properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parvis.core import metrics


def test_service_level_counts_short_abandons_apart():
    level = metrics.service_level(
        answered_waits=[5, 20, 20, 21, 90],  # 3 within 20 s (20 included)
        abandoned_waits=[1, 4.9, 5, 15, 20, 25, 60],  # 2 short; 25 and 60 after 20 s
        threshold_seconds=20,
    )
    assert (level.answered_within, level.answered) == (3, 5)
    assert (level.abandoned_after_threshold, level.short_abandons) == (2, 2)
    assert level.value == pytest.approx(3 / 7)
    assert metrics.service_level_ratio(
        answered_within=3, answered=5, abandoned_after_threshold=2
    ) == pytest.approx(3 / 7)


def test_ratios_over_nothing_are_none():
    assert (
        metrics.service_level(answered_waits=[], abandoned_waits=[2], threshold_seconds=20).value
        is None
    )
    assert metrics.abandon_rate(abandoned_waits=[], entered_queue=0) is None
    assert metrics.wilson_interval(0, 0) is None
    assert metrics.t_interval([3.0]) is None
    assert metrics.bucket_percentile([0, 0], 0.9, bucket_width=10) is None


def test_abandon_rate_ignores_abandons_under_five_seconds():
    rate = metrics.abandon_rate(abandoned_waits=[2, 4.99, 5, 30, 120], entered_queue=30)
    assert rate == pytest.approx(3 / 30)
    with pytest.raises(ValueError):
        metrics.abandon_rate(abandoned_waits=[10, 20], entered_queue=1)


def test_handling_time_is_talk_hold_and_wrap_up():
    assert metrics.handling_time(talk=300, hold=45, wrap_up=60) == 405
    with pytest.raises(ValueError):
        metrics.handling_time(talk=-1)


def test_bucket_percentile_gives_the_bucket_and_its_width_as_tolerance():
    counts = [10, 20, 30, 40]  # 100 values, 10-second buckets
    p50 = metrics.bucket_percentile(counts, 0.5, bucket_width=10)
    assert p50 is not None
    assert (p50.low, p50.high, p50.value, p50.tolerance) == (20, 30, 30, 10)
    p10 = metrics.bucket_percentile(counts, 0.10, bucket_width=10)
    assert p10 is not None and (p10.low, p10.high) == (0, 10)
    p11 = metrics.bucket_percentile(counts, 0.11, bucket_width=10)
    assert p11 is not None and (p11.low, p11.high) == (10, 20)
    top = metrics.bucket_percentile(counts, 0.95, bucket_width=10, open_last=True)
    assert top is not None and top.low == 30 and top.high == math.inf


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(min_value=0, max_value=3600, allow_nan=False), min_size=1, max_size=200),
    st.floats(min_value=0.01, max_value=1),
)
def test_bucket_percentile_is_within_one_bucket_of_the_exact_one(values, q):
    width = 15.0
    counts = [0] * (int(3600 // width) + 1)
    for value in values:
        counts[int(value // width)] += 1
    exact = sorted(values)[math.ceil(q * len(values)) - 1]  # nearest rank
    found = metrics.bucket_percentile(counts, q, bucket_width=width)
    assert found is not None
    assert found.low <= exact < found.high
    assert found.value - exact <= found.tolerance


def test_wilson_interval_known_values():
    # Wilson (1927) / Newcombe (1998), 95 %: 81 of 263 → 0.2553–0.3662.
    low, high = metrics.wilson_interval(81, 263)  # type: ignore[misc]
    assert low == pytest.approx(0.2553, abs=5e-4)
    assert high == pytest.approx(0.3662, abs=5e-4)
    low, high = metrics.wilson_interval(0, 10)  # type: ignore[misc]
    assert low == 0.0 and high == pytest.approx(0.2775, abs=5e-4)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=10_000), st.data())
def test_wilson_interval_holds_the_share(n, data):
    successes = data.draw(st.integers(min_value=0, max_value=n))
    low, high = metrics.wilson_interval(successes, n)  # type: ignore[misc]
    assert 0 <= low <= successes / n <= high <= 1


@pytest.mark.parametrize(
    ("p", "df", "expected"),
    [
        (0.975, 1, 12.706204736),
        (0.975, 2, 4.302652730),
        (0.975, 10, 2.228138852),
        (0.975, 30, 2.042272456),
        (0.95, 5, 2.015048373),
        (0.995, 20, 2.845339710),
        (0.9, 1000, 1.282399),
        (0.025, 10, -2.228138852),
    ],
)
def test_t_quantile_matches_the_tables(p, df, expected):
    assert metrics.t_quantile(p, df) == pytest.approx(expected, rel=1e-6)


def test_t_quantile_agrees_with_scipy():
    stats = pytest.importorskip("scipy.stats")
    for df in (1, 2, 3, 7, 19, 60, 250):
        for p in (0.6, 0.9, 0.95, 0.975, 0.999):
            assert metrics.t_quantile(p, df) == pytest.approx(stats.t.ppf(p, df), rel=1e-7)


def test_t_interval_of_a_mean():
    values = [300.0, 320.0, 280.0, 310.0, 290.0]  # mean 300, sd 15.81
    low, high = metrics.t_interval(values)  # type: ignore[misc]
    margin = 2.776445105 * math.sqrt(250 / 5)
    assert low == pytest.approx(300 - margin) and high == pytest.approx(300 + margin)
