"""Metric formulas of the contact side, in one pure module (no Django; Student's t from
scipy's special functions).

The wallboard, the quality indicators and the benchmarks read the same numbers through
these functions, so a figure means the same thing wherever it is shown:

- **service level**: contacts answered within the threshold ÷ (answered + abandoned
  after the threshold); abandons in the first seconds (``SHORT_ABANDON_SECONDS``, a
  wrong number, a caller hanging up at the announcement) are counted apart and enter
  neither side;
- **abandon rate**: contacts abandoned after the short-abandon limit ÷ contacts that
  entered the queue;
- **handling time**: talk + hold + wrap-up;
- **bucket percentiles**: a percentile read from integer counts per fixed-width bucket
  (how waits are stored), with the bucket width as its tolerance;
- **Wilson interval** for a share (e.g. the service level over few contacts) and
  **Student t interval** for a mean (e.g. a handling time over a sample).

A ratio over nothing is ``None`` (never 0 nor 100 %): the page says « pas de données ».
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import NormalDist

from scipy import special

SHORT_ABANDON_SECONDS = 5.0


# --- Queue figures -------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceLevel:
    answered_within: int
    answered: int
    abandoned_after_threshold: int
    short_abandons: int

    @property
    def value(self) -> float | None:
        """Share in [0, 1], or ``None`` when no contact counts."""
        denominator = self.answered + self.abandoned_after_threshold
        return self.answered_within / denominator if denominator else None


def service_level(
    *,
    answered_waits: Iterable[float],
    abandoned_waits: Iterable[float],
    threshold_seconds: float,
    short_abandon_seconds: float = SHORT_ABANDON_SECONDS,
) -> ServiceLevel:
    """Service level from the waits (seconds) of answered and abandoned contacts.

    An answer exactly at the threshold is within it; an abandon exactly at the threshold
    is not after it. Abandons under ``short_abandon_seconds`` are counted apart.
    """
    if threshold_seconds < 0:
        raise ValueError("threshold_seconds must be >= 0")
    answered = within = 0
    for wait in answered_waits:
        answered += 1
        within += wait <= threshold_seconds
    after = short = 0
    for wait in abandoned_waits:
        if wait < short_abandon_seconds:
            short += 1
        elif wait > threshold_seconds:
            after += 1
    return ServiceLevel(within, answered, after, short)


def service_level_ratio(
    *, answered_within: int, answered: int, abandoned_after_threshold: int
) -> float | None:
    """The same ratio from counts already made (e.g. summed per hour)."""
    if not 0 <= answered_within <= answered or abandoned_after_threshold < 0:
        raise ValueError("counts must satisfy 0 <= answered_within <= answered")
    denominator = answered + abandoned_after_threshold
    return answered_within / denominator if denominator else None


def abandon_rate(
    *,
    abandoned_waits: Iterable[float],
    entered_queue: int,
    short_abandon_seconds: float = SHORT_ABANDON_SECONDS,
) -> float | None:
    """Abandons after ``short_abandon_seconds`` ÷ contacts that entered the queue."""
    abandoned = sum(1 for wait in abandoned_waits if wait >= short_abandon_seconds)
    if abandoned > entered_queue:
        raise ValueError("more abandons than contacts entered the queue")
    return abandoned / entered_queue if entered_queue else None


def abandon_rate_ratio(*, abandoned_after_short: int, entered_queue: int) -> float | None:
    """The same rate from counts already made (e.g. by SQL, per queue): abandons after
    the short-abandon limit ÷ contacts that entered the queue."""
    if abandoned_after_short < 0 or entered_queue < 0:
        raise ValueError("counts must be >= 0")
    if abandoned_after_short > entered_queue:
        raise ValueError("more abandons than contacts entered the queue")
    return abandoned_after_short / entered_queue if entered_queue else None


def handling_time(*, talk: float, hold: float = 0.0, wrap_up: float = 0.0) -> float:
    """Handling time of one contact (seconds): talk + hold + wrap-up."""
    if min(talk, hold, wrap_up) < 0:
        raise ValueError("durations must be >= 0")
    return talk + hold + wrap_up


# --- Percentiles from buckets ---------------------------------------------------------------


@dataclass(frozen=True)
class BucketPercentile:
    """The percentile lies in ``[low, high]``; ``value`` is ``high`` (a promise kept
    rather than flattered), ``tolerance`` the bucket width. ``high`` is ``math.inf``
    when it falls in the open last bucket."""

    low: float
    high: float

    @property
    def value(self) -> float:
        return self.high

    @property
    def tolerance(self) -> float:
        return self.high - self.low


def bucket_percentile(
    counts: Sequence[int], q: float, *, bucket_width: float, open_last: bool = False
) -> BucketPercentile | None:
    """The ``q`` percentile (0 < q ≤ 1) of values counted per bucket: ``counts[i]`` holds
    the values in ``[i × width, (i + 1) × width)``; with ``open_last`` the last bucket
    holds everything beyond. ``None`` without any value."""
    if not 0 < q <= 1:
        raise ValueError("q must be in (0, 1]")
    if bucket_width <= 0:
        raise ValueError("bucket_width must be > 0")
    if any(c < 0 for c in counts):
        raise ValueError("counts must be >= 0")
    total = sum(counts)
    if not total:
        return None
    rank = math.ceil(q * total)  # the rank-th smallest value (nearest-rank definition)
    seen = 0
    for index, count in enumerate(counts):
        seen += count
        if seen >= rank:
            low = index * bucket_width
            last = index == len(counts) - 1
            high = math.inf if open_last and last else (index + 1) * bucket_width
            return BucketPercentile(low, high)
    raise AssertionError("unreachable: rank <= total")


# --- Intervals ------------------------------------------------------------------------------


@functools.cache
def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError("confidence must be in (0, 1)")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson_interval(
    successes: int, n: int, *, confidence: float = 0.95
) -> tuple[float, float] | None:
    """Wilson score interval of a share ``successes / n``; ``None`` when ``n`` is 0."""
    if not 0 <= successes <= n:
        raise ValueError("0 <= successes <= n")
    if n == 0:
        return None
    z = _z(confidence)
    share = successes / n
    centre = share + z * z / (2 * n)
    margin = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    denominator = 1 + z * z / n
    # Rounding must not push a bound past the share itself (0 of n, n of n).
    low = min(share, max(0.0, (centre - margin) / denominator))
    high = max(share, min(1.0, (centre + margin) / denominator))
    return low, high


def t_cdf(t: float, df: float) -> float:
    """Student's t cumulative distribution function (``scipy.special.stdtr``)."""
    if df <= 0:
        raise ValueError("df must be > 0")
    return float(special.stdtr(df, t))


@functools.lru_cache(maxsize=65536)
def t_quantile(p: float, df: float) -> float:
    """Quantile of Student's t (``scipy.special.stdtrit``, the inverse of ``stdtr``).
    Remembered per (p, df): the quality results ask for the same few thousand degrees of
    freedom again and again."""
    if not 0 < p < 1:
        raise ValueError("p must be in (0, 1)")
    if df <= 0:
        raise ValueError("df must be > 0")
    return float(special.stdtrit(df, p))


def t_interval(values: Sequence[float], *, confidence: float = 0.95) -> tuple[float, float] | None:
    """Student t interval of the mean of ``values``; ``None`` with fewer than two."""
    n = len(values)
    if n < 2:
        return None
    if not 0 < confidence < 1:
        raise ValueError("confidence must be in (0, 1)")
    mean = math.fsum(values) / n
    variance = math.fsum((v - mean) ** 2 for v in values) / (n - 1)
    margin = t_quantile(0.5 + confidence / 2, n - 1) * math.sqrt(variance / n)
    return mean - margin, mean + margin


def t_interval_from_sums(
    n: int, total: float, total_of_squares: float, *, confidence: float = 0.95
) -> tuple[float, float] | None:
    """Student t interval of a mean known only by its count, Σx and Σx² (how the quality
    facts store a mean measure); ``None`` with fewer than two values."""
    if n < 2:
        return None
    if not 0 < confidence < 1:
        raise ValueError("confidence must be in (0, 1)")
    mean = total / n
    # Σ(x − mean)² = Σx² − n·mean², clamped at 0 against rounding.
    variance = max(0.0, total_of_squares - n * mean * mean) / (n - 1)
    margin = t_quantile(0.5 + confidence / 2, n - 1) * math.sqrt(variance / n)
    return mean - margin, mean + margin
