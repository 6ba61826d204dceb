"""Opening logic of sites: weekly hours, dated exceptions and public holidays.

Everything is computed in the site's own time zone (``site.timezone``, from its
département: a Réunion counter opens at 08:00 Réunion time, not Paris time). The rules of
one day, in order:

1. a dated exception (``OpeningException``) wins: closed, or open with its special hours;
2. otherwise a public holiday of the site's département closes the site;
3. otherwise the weekly hours of that weekday apply (no interval: closed).

Callers that show many sites should ``select_related("commune__departement")`` and
``prefetch_related("opening_hours")``; exceptions are read with one query per call.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from parvis.directory.models import OpeningException, OpeningHours, Site
from parvis.territories.calendar import public_holidays

MAX_SCHEDULE_DAYS = 366
NEXT_OPENING_HORIZON_DAYS = 62

CLOSED_WEEKLY = "Fermé"
CLOSED_EXCEPTION = "Fermeture exceptionnelle"


@dataclass(frozen=True)
class Interval:
    """An opening interval, wall-clock times in the site's time zone; ``closes`` excluded."""

    opens: dt.time
    closes: dt.time

    def contains(self, moment: dt.time) -> bool:
        return self.opens <= moment < self.closes


@dataclass(frozen=True)
class DaySchedule:
    """What a site does on one local date."""

    date: dt.date
    intervals: tuple[Interval, ...] = ()
    # Why the site is closed all day (holiday name, exception label, « Fermé »); None if open.
    closed_reason: str | None = None
    holiday: str | None = None  # name of the public holiday, if this date is one
    exception: OpeningException | None = field(default=None, compare=False)

    @property
    def is_open(self) -> bool:
        return bool(self.intervals)

    @property
    def is_exception(self) -> bool:
        return self.exception is not None

    @property
    def is_special(self) -> bool:
        """A day that differs from the weekly hours (holiday or dated exception)."""
        return self.holiday is not None or self.exception is not None


@dataclass(frozen=True)
class OpenStatus:
    """Open-or-closed answer for one moment, with the times that matter next."""

    is_open: bool
    at: dt.datetime  # the moment asked, in the site's time zone
    closes_at: dt.datetime | None  # end of the current interval when open
    next_opening: dt.datetime | None  # start of the next interval after ``at``
    timezone: str


def _require_aware(moment: dt.datetime) -> None:
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        raise ValueError("An aware datetime is required (the site's time zone is applied).")


def weekly_intervals(site: Site) -> dict[int, tuple[Interval, ...]]:
    """Weekday (0 = Monday) → sorted intervals; uses ``opening_hours`` if prefetched."""
    by_day: dict[int, list[Interval]] = {day: [] for day in range(7)}
    rows: list[OpeningHours] = list(site.opening_hours.all())
    for row in sorted(rows, key=lambda r: (r.weekday, r.opens)):
        by_day[row.weekday].append(Interval(row.opens, row.closes))
    return {day: tuple(intervals) for day, intervals in by_day.items()}


def _holidays_between(departement_code: str, start: dt.date, end: dt.date) -> dict[dt.date, str]:
    found: dict[dt.date, str] = {}
    for year in range(start.year, end.year + 1):
        found.update(public_holidays(departement_code, year))
    return {day: name for day, name in found.items() if start <= day <= end}


def opening_schedule(site: Site, start_date: dt.date, days: int) -> list[DaySchedule]:
    """One ``DaySchedule`` per local date from ``start_date``, for ``days`` days."""
    if not 1 <= days <= MAX_SCHEDULE_DAYS:
        raise ValueError(f"days must be between 1 and {MAX_SCHEDULE_DAYS}.")
    days = min(days, (dt.date.max - start_date).days + 1)  # the calendar ends in 9999
    end_date = start_date + dt.timedelta(days=days - 1)
    weekly = weekly_intervals(site)
    exceptions = {
        exception.date: exception
        for exception in OpeningException.objects.filter(
            site=site, date__range=(start_date, end_date)
        )
    }
    holidays = _holidays_between(site.commune.departement_id, start_date, end_date)
    schedule = []
    for offset in range(days):
        day = start_date + dt.timedelta(days=offset)
        holiday = holidays.get(day)
        exception = exceptions.get(day)
        if exception is not None:
            if exception.is_closed:
                schedule.append(
                    DaySchedule(
                        day, (), exception.label or holiday or CLOSED_EXCEPTION, holiday, exception
                    )
                )
            else:
                assert exception.opens and exception.closes
                schedule.append(
                    DaySchedule(
                        day,
                        (Interval(exception.opens, exception.closes),),
                        None,
                        holiday,
                        exception,
                    )
                )
        elif holiday is not None:
            schedule.append(DaySchedule(day, (), holiday, holiday))
        elif weekly[day.weekday()]:
            schedule.append(DaySchedule(day, weekly[day.weekday()]))
        else:
            schedule.append(DaySchedule(day, (), CLOSED_WEEKLY))
    return schedule


def _local(site: Site, moment: dt.datetime) -> tuple[zoneinfo.ZoneInfo, dt.datetime]:
    _require_aware(moment)
    tz = site.tzinfo
    return tz, moment.astimezone(tz)


def _at(day: dt.date, moment: dt.time, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, moment, tzinfo=tz)


def is_open_at(site: Site, moment: dt.datetime) -> bool:
    """Whether ``site`` is open at the aware datetime ``moment`` (any time zone)."""
    _tz, local = _local(site, moment)
    day = opening_schedule(site, local.date(), 1)[0]
    return any(interval.contains(local.time()) for interval in day.intervals)


def next_opening(
    site: Site, moment: dt.datetime, *, horizon_days: int = NEXT_OPENING_HORIZON_DAYS
) -> dt.datetime | None:
    """Start of the first opening interval strictly after ``moment``, in the site's zone.

    None when the site does not open within ``horizon_days``.
    """
    tz, local = _local(site, moment)
    for day in opening_schedule(site, local.date(), horizon_days):
        for interval in day.intervals:
            start = _at(day.date, interval.opens, tz)
            if start > local:
                return start
    return None


def open_status(
    site: Site, moment: dt.datetime, *, horizon_days: int = NEXT_OPENING_HORIZON_DAYS
) -> OpenStatus:
    """Open now?, when it closes, and when it next opens: one schedule read."""
    tz, local = _local(site, moment)
    closes_at = next_start = None
    for day in opening_schedule(site, local.date(), horizon_days):
        for interval in day.intervals:
            start, end = _at(day.date, interval.opens, tz), _at(day.date, interval.closes, tz)
            if start <= local < end:
                closes_at = end
            elif start > local and next_start is None:
                next_start = start
        if next_start is not None:
            break
    return OpenStatus(closes_at is not None, local, closes_at, next_start, site.timezone)
