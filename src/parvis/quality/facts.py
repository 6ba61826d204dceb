"""Build the daily facts from the platform's rows (the hub's, voice's and
simplification's selectors): one dict of measures per local day × dimensions.

A contact's day is its local day at the place that handled it (the site, else the
queue's site, département or local service's main département; the metropolitan calendar
for a national queue), and its territory is that place's département. Waits in working
days are counted on that place's calendar (``directory.servicelevels``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from parvis.directory import servicelevels
from parvis.quality import measures
from parvis.territories import calendar

FRANCE_SERVICES = "france-services"
END_TO_END = "answered_end_to_end"
ANSWER_OUTCOMES = ("answered", "answered_end_to_end")


class Key(NamedTuple):
    day: dt.date
    organisation_id: int
    local_service_id: int | None
    site_id: int | None
    departement_id: str | None
    channel_id: str | None
    motif_id: int | None
    queue_id: int | None


Facts = dict[Key, dict[str, float]]


class ThemeKey(NamedTuple):
    day: dt.date
    organisation_id: int
    local_service_id: int | None
    departement_id: str | None
    theme_id: str


TONE_MEASURES = {"positif": "experiences_positive", "negatif": "experiences_negative"}


class ThemeCounts(NamedTuple):
    """A ``ThemeFact``'s measures: published experiences citing the theme, and the
    negative ones among them."""

    experiences: int = 0
    negative: int = 0


@cache
def _zone(departement: str | None) -> ZoneInfo:
    return ZoneInfo(calendar.departement_timezone(departement))


@cache
def _place(departement: str | None) -> servicelevels.Place:
    return (
        servicelevels.place_of_departement(departement)
        if departement
        else servicelevels.METROPOLITAN
    )


def local_day(moment: dt.datetime, departement: str | None) -> dt.date:
    return moment.astimezone(_zone(departement)).date()


def utc_window(first_day: dt.date, last_day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Moments that may fall on a local day in ``[first_day, last_day]`` anywhere in
    France (UTC−10 to UTC+12, with margin): rows are then kept by their own local day."""
    start = dt.datetime.combine(first_day, dt.time(), tzinfo=dt.UTC) - dt.timedelta(hours=14)
    end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    return start, end + dt.timedelta(hours=12)


class _Place(NamedTuple):
    site_id: int | None
    site_kind: str
    local_service_id: int | None
    departement_id: str | None


def _place_of_contact(row: dict[str, Any]) -> _Place:
    return _Place(
        row["site_id"] or row["queue__site_id"],
        row["site__kind"] or row["queue__site__kind"] or "",
        row["queue__local_service_id"]
        or row["site__local_service_id"]
        or row["queue__site__local_service_id"],
        row["site__commune__departement_id"]
        or row["queue__site__commune__departement_id"]
        or row["queue__departement_id"]
        or row["queue__local_service__main_departement_id"],
    )


class Builder:
    """Accumulates facts for the local days ``[first_day, last_day]``."""

    def __init__(self, first_day: dt.date, last_day: dt.date) -> None:
        self.first_day, self.last_day = first_day, last_day
        self.facts: Facts = defaultdict(measures.empty)
        # Published experiences per theme they cite (``models.ThemeFact``).
        self.themes: dict[ThemeKey, ThemeCounts] = defaultdict(ThemeCounts)

    def _row(
        self, moment: dt.datetime, place: _Place, row: dict[str, Any]
    ) -> dict[str, float] | None:
        day = local_day(moment, place.departement_id)
        if not self.first_day <= day <= self.last_day:
            return None
        key = Key(
            day,
            row["organisation_id"],
            place.local_service_id,
            place.site_id,
            place.departement_id,
            row.get("channel_id"),
            row.get("motif_id"),
            row.get("queue_id"),
        )
        return self.facts[key]

    def add_entered(self, rows: Iterable[dict[str, Any]]) -> None:
        """Contacts by the day they entered a queue: entered, answered, wait, abandons."""
        for row in rows:
            place = _place_of_contact(row)
            fact = self._row(row["queued_at"], place, row)
            if fact is None:
                continue
            fact["entered"] += 1
            unit = measures.WAIT_UNIT_OF_CHANNEL.get(row["channel_id"], measures.WORKING_DAYS)
            answered_at = row["first_answered_at"]
            if answered_at is not None:
                fact["answered"] += 1
                wait = _elapsed(row["queued_at"], answered_at, unit, place.departement_id)
                measures.add_value(fact, "wait", wait)
                measures.add_to_histogram(fact, measures.WAIT, wait, unit)
            elif row["resolved_at"] is not None and row["outcome"] == "abandoned":
                fact["abandoned"] += 1
                waited = _elapsed(row["queued_at"], row["resolved_at"], unit, place.departement_id)
                measures.add_to_histogram(fact, measures.ABANDON, waited, unit)

    def add_resolved(self, rows: Iterable[dict[str, Any]]) -> None:
        """Contacts by the day they were resolved: deadlines, outcomes, reopenings."""
        for row in rows:
            place = _place_of_contact(row)
            fact = self._row(row["resolved_at"], place, row)
            if fact is None:
                continue
            fact["resolved"] += 1
            if row["announced_deadline"] is not None:
                fact["with_deadline"] += 1
                if row["resolved_at"] <= row["announced_deadline"]:
                    fact["within_deadline"] += 1
            if row["outcome"] in ANSWER_OUTCOMES:
                fact["answered_outcome"] += 1
                if not row["reopened"]:
                    fact["answered_no_reopen"] += 1
            if place.site_kind == FRANCE_SERVICES:
                fact["fs_resolved"] += 1
                if row["outcome"] == END_TO_END:
                    fact["fs_end_to_end"] += 1

    def add_surveys(self, rows: Iterable[dict[str, Any]]) -> None:
        """Post-contact questionnaires by the day their contact was resolved."""
        for row in rows:
            place = _place_of_contact(row)
            fact = self._row(row["resolved_at"], place, row)
            if fact is None:
                continue
            fact["survey_sent"] += 1
            answers = row["answers"]
            if not answers:
                continue
            fact["survey_answered"] += 1
            if "resolved" in answers:
                fact["fcr_n"] += 1
                fact["fcr_yes"] += 1 if answers["resolved"] == 1 else 0
            if "satisfaction" in answers:
                measures.add_value(fact, "satisfaction", answers["satisfaction"])
                fact["satisfaction_ge4"] += 1 if answers["satisfaction"] >= 4 else 0
            if "effort" in answers:
                measures.add_value(fact, "effort", answers["effort"])

    def add_experiences(self, rows: Iterable[dict[str, Any]]) -> None:
        """Published experiences by their publication day: count, tone, answer delay, and
        each theme they cite (with the negative ones apart)."""
        for row in rows:
            place = _place_of_experience(row)
            fact = self._row(row["published_at"], place, {**row, "channel_id": None})
            if fact is None:
                continue
            fact["experiences"] += 1
            if tone := TONE_MEASURES.get(row["tone"]):
                fact[tone] += 1
            if row["answer_delay"] is not None:
                fact["experiences_answered"] += 1
                measures.add_value(fact, "answer_delay", row["answer_delay"])
                measures.add_to_histogram(
                    fact, measures.ANSWER_DELAY, row["answer_delay"], measures.WORKING_DAYS
                )
            day = local_day(row["published_at"], place.departement_id)
            negative = 1 if tone == "experiences_negative" else 0
            for theme in row["theme_ids"]:
                key = ThemeKey(
                    day, row["organisation_id"], place.local_service_id, place.departement_id, theme
                )
                counts = self.themes[key]
                self.themes[key] = ThemeCounts(counts.experiences + 1, counts.negative + negative)

    def add_moderation(self, rows: Iterable[dict[str, Any]]) -> None:
        """Moderation decisions on experiences (published or refused) by the day they were
        taken; a refusal by its charter reason (« other » when none was coded)."""
        for row in rows:
            place = _place_of_experience(row)
            fact = self._row(row["decided_at"], place, {**row, "channel_id": None})
            if fact is None:
                continue
            fact["experiences_moderated"] += 1
            if row["rejected"]:
                reason = row["rejection_reason"]
                if reason not in measures.REJECTION_REASONS:
                    reason = "other"
                fact["experiences_rejected"] += 1
                fact[f"experiences_rejected_{reason}"] += 1

    def add_simplification(self, rows: Iterable[dict[str, Any]]) -> None:
        """Simplification requests by the day they were received (published)."""
        for row in rows:
            place = _Place(None, "", None, None)
            fact = self._row(row["received_at"], place, row)
            if fact is None:
                continue
            fact["simplification_received"] += 1
            if row["decided_at"] is not None:
                fact["simplification_handled"] += 1


def _place_of_experience(row: dict[str, Any]) -> _Place:
    return _Place(row["site_id"], "", row["local_service_id"], row["departement_id"])


def _elapsed(start: dt.datetime, end: dt.datetime, unit: str, departement: str | None) -> float:
    if unit == measures.SECONDS:
        return max(0.0, (end - start).total_seconds())
    return float(servicelevels.working_days_elapsed(start, now=end, place=_place(departement)))
