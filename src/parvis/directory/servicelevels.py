"""Service levels at a place: working days, business time, deadlines, lateness, escalation.

Every promise parvis keeps or measures (answer an experience within 10 working days,
moderate within 2, answer an email within 2 working days, a call within 20 seconds of
opening hours) is counted on the clock of a *place*: its time zone, its public holidays
and, for a site, its opening hours and dated exceptions. Voice, the contact hub, routing
and the quality indicators call these functions instead of counting days themselves.

Rules kept here, once:

* every function takes an explicit ``now`` (or explicit dates): no hidden clock, so the
  same inputs give the same answer in tests, sweeps and reports;
* a place with no département of its own (a national service) uses the metropolitan
  calendar, named ``METROPOLITAN``; there is no stand-in département;
* a day counts from the day after the start (``calendar.add_working_days``): a deadline
  of one working day from a Friday falls on Monday.
"""

from __future__ import annotations

import datetime as dt
import enum
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from parvis.core.memo import ProcessMemo
from parvis.directory.hours import Interval, opening_schedule
from parvis.directory.models import LocalService, Site
from parvis.territories import calendar

T = TypeVar("T")


@dataclass(frozen=True)
class Place:
    """Where a delay is counted.

    ``departement_code`` selects the holiday zone (``None``: the metropolitan calendar);
    ``site``, when given, brings its opening hours and exceptions to business-time counts.
    """

    timezone: str
    departement_code: str | None
    site: Site | None = None
    label: str = ""

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


METROPOLITAN = Place(
    timezone=calendar.DEFAULT_TIMEZONE, departement_code=None, label="calendrier métropolitain"
)


def place_of_site(site: Site) -> Place:
    code = str(site.commune.departement_id)
    return Place(calendar.departement_timezone(code), code, site, str(site))


def place_of_departement(code: str) -> Place:
    return Place(calendar.departement_timezone(code), code, None, code)


def place_for(
    *,
    site: Site | None = None,
    departement_code: str | None = None,
    local_service: LocalService | None = None,
) -> Place:
    """The most precise place known: a site (with its hours), a département, the main
    département of a local service, else the metropolitan calendar."""
    if site is not None:
        return place_of_site(site)
    if departement_code:
        return place_of_departement(departement_code)
    if local_service is not None and local_service.main_departement_id:
        return place_of_departement(str(local_service.main_departement_id))
    return METROPOLITAN


# --- Working days ------------------------------------------------------------------------


def _require_aware(moment: dt.datetime) -> None:
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        raise ValueError("An aware datetime is required (the place's time zone is applied).")


def local_date(moment: dt.datetime, place: Place) -> dt.date:
    """The calendar date of ``moment`` at ``place`` (Nouméa is often a day ahead)."""
    _require_aware(moment)
    return moment.astimezone(place.tzinfo).date()


def is_working_day(day: dt.date, place: Place) -> bool:
    return calendar.is_working_day(day, place.departement_code)


def add_working_days(start: dt.date, days: int, place: Place) -> dt.date:
    return calendar.add_working_days(start, days, place.departement_code)


def working_days_between(start: dt.date, end: dt.date, place: Place) -> int:
    return calendar.working_days_between(start, end, place.departement_code)


def working_days_elapsed(since: dt.datetime, *, now: dt.datetime, place: Place) -> int:
    """Working days from the local date of ``since`` to that of ``now`` (never negative)."""
    return max(0, working_days_between(local_date(since, place), local_date(now, place), place))


def working_days_deadline(since: dt.datetime, days: int, place: Place) -> dt.datetime:
    """End of the ``days``-th working day after ``since``, at the place (aware, exclusive).

    A promise of 10 working days from a Monday-morning publication is kept until the end
    of the second Friday, local time; from then on the item is late.
    """
    due_day = add_working_days(local_date(since, place), days, place)
    return dt.datetime.combine(due_day + dt.timedelta(days=1), dt.time(), tzinfo=place.tzinfo)


# --- Business time -----------------------------------------------------------------------


def default_business_hours() -> tuple[Interval, ...]:
    """Opening intervals of a working day at a place with no opening hours of its own."""
    return tuple(
        Interval(dt.time.fromisoformat(opens), dt.time.fromisoformat(closes))
        for opens, closes in settings.SERVICE_LEVEL_DEFAULT_BUSINESS_HOURS
    )


# A site's business days as deadlines and business time read them: every contact that
# arrives computes three deadlines on its queue's calendar, and the hours behind them
# change a few times a year. Saving hours, exceptions or a site in this process clears it
# (``DirectoryConfig.ready``); other processes follow within ``ttl``.
site_business_days_memo = ProcessMemo("site-business-days", ttl=30.0)


def business_intervals(place: Place, start: dt.date, days: int) -> list[tuple[dt.date, tuple]]:
    """(local date, opening intervals) for ``days`` days from ``start``: a site's own
    hours and exceptions, else the default business hours on working days."""
    site = place.site
    if site is not None:
        kept = site_business_days_memo.get(
            (site.pk, start, days),
            lambda: [(day.date, day.intervals) for day in opening_schedule(site, start, days)],
        )
        return list(kept)  # the caller's own list: the kept one stays as loaded
    hours = default_business_hours()
    result = []
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        result.append((day, hours if is_working_day(day, place) else ()))
    return result


def _spans(place: Place, start: dt.date, days: int) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    tz = place.tzinfo
    for day, intervals in business_intervals(place, start, days):
        for interval in intervals:
            yield (
                dt.datetime.combine(day, interval.opens, tzinfo=tz),
                dt.datetime.combine(day, interval.closes, tzinfo=tz),
            )


def business_time_between(start: dt.datetime, end: dt.datetime, place: Place) -> dt.timedelta:
    """Opening time of ``place`` elapsed between two moments (zero if ``end`` ≤ ``start``)."""
    _require_aware(start)
    _require_aware(end)
    if end <= start:
        return dt.timedelta()
    first, last = local_date(start, place), local_date(end, place)
    total = dt.timedelta()
    for opens, closes in _spans(place, first, (last - first).days + 1):
        overlap = min(closes, end) - max(opens, start)
        if overlap > dt.timedelta():
            total += overlap
    return total


def add_business_time(
    start: dt.datetime, duration: dt.timedelta, place: Place, *, horizon_days: int = 366
) -> dt.datetime | None:
    """The moment when ``duration`` of opening time has elapsed after ``start``.

    None when the place does not open enough within ``horizon_days`` (a site closed for
    good): callers treat it as "no promise can be made", never as "due now".
    """
    _require_aware(start)
    remaining = duration
    if remaining <= dt.timedelta():
        return start
    for opens, closes in _spans(place, local_date(start, place), horizon_days):
        begin = max(opens, start)
        if closes <= begin:
            continue
        available = closes - begin
        if remaining <= available:
            return begin + remaining
        remaining -= available
    return None


# --- Lateness and escalation -------------------------------------------------------------


class Lateness(enum.StrEnum):
    """How late an item is against its thresholds; ``colour`` and ``badge`` for display."""

    ON_TIME = "on_time", _("dans les délais"), "green", "success"
    AT_RISK = "at_risk", _("bientôt en retard"), "orange", "warning"
    LATE = "late", _("en retard"), "red", "error"

    label: str
    colour: str
    badge: str  # DSFR badge modifier: fr-badge--<badge>

    def __new__(cls, value: str, label: str, colour: str, badge: str) -> Lateness:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.colour = colour
        member.badge = badge
        return member


def lateness(elapsed: float, *, at_risk_from: float, late_from: float) -> Lateness:
    """``elapsed`` (working days, seconds...) against two thresholds of the same unit."""
    if elapsed >= late_from:
        return Lateness.LATE
    if elapsed >= at_risk_from:
        return Lateness.AT_RISK
    return Lateness.ON_TIME


@dataclass(frozen=True)
class Step:
    """One rung of an escalation ladder: reached once more than ``after`` working days
    have elapsed (a reminder after the target, an alert some days later)."""

    name: str
    after: int


def escalation_sweep(
    items: Iterable[T],
    *,
    now: dt.datetime,
    since: Callable[[T], dt.datetime],
    place: Callable[[T], Place],
    ladder: Callable[[T], Sequence[Step]],
    done: Callable[[T], Iterable[str]],
) -> Iterator[tuple[T, Step, int]]:
    """For each item, the highest rung it has reached and not yet been through.

    Yields ``(item, step, working days elapsed)``; the caller acts (notifies, marks the
    step done) so that the next sweep skips it. A rung already passed is never repeated,
    and an item that jumped several rungs at once (the sweep did not run for a week) gets
    only the highest.
    """
    for item in items:
        elapsed = working_days_elapsed(since(item), now=now, place=place(item))
        reached = [step for step in ladder(item) if elapsed > step.after]
        if not reached:
            continue
        highest = max(reached, key=lambda step: step.after)
        if highest.name not in set(done(item)):
            yield item, highest, elapsed
