"""The measures of the daily fact table, in one pure module (no Django).

A fact row holds, for one local day and one combination of dimensions, counts, sums for
means (``<name>_n``, ``<name>_sum``, ``<name>_sumsq``) and integer histograms
(``<name>_b00`` …) from which percentiles and thresholds are read at bucket resolution.
The model, the fact builder, the calculators and the benchmark's ``COPY`` all take their
column list from here, so a new measure is one line.

Each measure is placed in a day by its own moment (``DATE_BASIS``): a contact's entry
measures by the day it entered the queue, its resolution measures by the day it was
resolved, a post-contact answer by the day the contact was resolved, an experience by
its publication day (a moderation decision by the day it was taken), a simplification
request by its submission day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

# Units of a wait: phone and chat in seconds; email, SMS and counter follow-ups in
# working days of the queue's calendar (elapsed working days, the house's count).
SECONDS = "seconds"
WORKING_DAYS = "working_days"
WAIT_UNIT_OF_CHANNEL = {
    "telephone": SECONDS,
    "chat": SECONDS,
    "courriel": WORKING_DAYS,
    "sms": WORKING_DAYS,
    "guichet": WORKING_DAYS,
}


@dataclass(frozen=True)
class Histogram:
    name: str
    buckets: int
    width: dict[str, float]  # unit → bucket width

    def columns(self) -> tuple[str, ...]:
        return _bucket_columns(self.name, self.buckets)

    def bucket_of(self, value: float, unit: str) -> int:
        """Index of ``value``'s bucket; the last bucket is open."""
        index = int(max(0.0, value) // self.width[unit])
        return min(index, self.buckets - 1)


@cache
def _bucket_columns(name: str, buckets: int) -> tuple[str, ...]:
    """A histogram's columns, made once (the calculators and the fact builder ask for
    them for every group and every row)."""
    return tuple(f"{name}_b{index:02d}" for index in range(buckets))


# Waits until the first answer: 15-second buckets up to 8 minutes for phone and chat,
# one bucket per working day up to 31 for the others (the last bucket is open).
WAIT = Histogram("wait", 32, {SECONDS: 15.0, WORKING_DAYS: 1.0})
# Waits of abandoned contacts: 5-second buckets up to 30 s, so the short-abandon limit is
# a parameter from 0 to 30 s by steps of 5.
ABANDON = Histogram("abandon", 7, {SECONDS: 5.0, WORKING_DAYS: 1.0})
# Working days from an experience's publication to its public answer.
ANSWER_DELAY = Histogram("answer_delay", 32, {WORKING_DAYS: 1.0})
HISTOGRAMS = (WAIT, ABANDON, ANSWER_DELAY)

# The moderation charter's coded reasons (``core.charter.CharterReason``, a test keeps
# them equal): one count of refused experiences per reason.
REJECTION_REASONS = ("insult", "personal_data", "off_topic", "duplicate", "commercial", "other")
REJECTION_COLUMNS = tuple(f"experiences_rejected_{reason}" for reason in REJECTION_REASONS)

# Measures with a mean: n, Σx and Σx² (a t interval needs nothing else).
MEANS = ("wait", "satisfaction", "effort", "answer_delay")

COUNTS = (
    # Contacts, by the day they entered a queue.
    "entered",  # entered a queue
    "answered",  # got a first answer from an agent (an automatic one does not count)
    "abandoned",  # left without an answer (outcome abandoned, or nothing before closing)
    # Contacts, by the day they were resolved.
    "resolved",
    "with_deadline",  # resolved with an announced deadline
    "within_deadline",  # ... resolved before it
    "answered_outcome",  # outcome answered or answered end to end
    "answered_no_reopen",  # ... and not reopened within the census window
    "fs_resolved",  # resolved at a France Services site
    "fs_end_to_end",  # ... with the outcome « démarche menée de bout en bout »
    # Post-contact questions, by the day the contact was resolved.
    "survey_sent",
    "survey_answered",
    "fcr_n",  # answered « résolu ? »
    "fcr_yes",
    "satisfaction_ge4",
    # Voice of users.
    "experiences",  # published
    "experiences_answered",  # published and answered publicly
    "experiences_positive",  # published, with a positive tone
    "experiences_negative",  # published, with a negative tone
    # Moderation of experiences, by the day of the decision.
    "experiences_moderated",  # published or refused
    "experiences_rejected",  # refused (by reason below)
    *REJECTION_COLUMNS,
    "simplification_received",  # submitted
    "simplification_handled",  # reached a decision (accepted, done, declined)
)

DATE_BASIS = {
    "created": "le jour où le contact est entré dans la file",
    "resolved": "le jour où le contact a été résolu",
    "published": "le jour de publication",
    "moderated": "le jour de la décision de modération",
}


def mean_columns() -> list[str]:
    return [f"{name}_{part}" for name in MEANS for part in ("n", "sum", "sumsq")]


def histogram_columns() -> list[str]:
    return [column for histogram in HISTOGRAMS for column in histogram.columns()]


def integer_columns() -> list[str]:
    """Every integer measure column (counts, mean sizes, histogram buckets)."""
    return [*COUNTS, *(f"{name}_n" for name in MEANS), *histogram_columns()]


def float_columns() -> list[str]:
    return [f"{name}_{part}" for name in MEANS for part in ("sum", "sumsq")]


def all_columns() -> list[str]:
    return [*COUNTS, *mean_columns(), *histogram_columns()]


def empty() -> dict[str, float]:
    return dict.fromkeys(all_columns(), 0)


def add(target: dict[str, float], other: Mapping[str, float]) -> None:
    for column in all_columns():
        target[column] += other.get(column) or 0


def add_value(row: dict[str, float], name: str, value: float) -> None:
    """Count one value of a mean measure."""
    row[f"{name}_n"] += 1
    row[f"{name}_sum"] += value
    row[f"{name}_sumsq"] += value * value


def add_to_histogram(row: dict[str, float], histogram: Histogram, value: float, unit: str) -> None:
    row[histogram.columns()[histogram.bucket_of(value, unit)]] += 1
