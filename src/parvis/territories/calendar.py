"""Time zones, public holidays and working days of French territories.

Pure functions keyed by INSEE département code (``"33"``, ``"2A"``, ``"974"``, ``"987"``),
or ``None`` for the metropolitan calendar (national services, named as such: never a
stand-in département). They need no database: ``directory.servicelevels`` builds the
deadlines of every app on them. Holidays come from the ``holidays`` package with French
names; Alsace-Moselle and overseas territories have their own calendars (see
``holiday_subdivision``).
"""

from __future__ import annotations

import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.utils import timezone

DEFAULT_TIMEZONE = "Europe/Paris"

# IANA zone of each département or collectivité that is not on Paris time.
OVERSEAS_TIMEZONES: dict[str, str] = {
    "971": "America/Guadeloupe",
    "972": "America/Martinique",
    "973": "America/Cayenne",
    "974": "Indian/Reunion",
    "975": "America/Miquelon",
    "976": "Indian/Mayotte",
    "977": "America/St_Barthelemy",
    "978": "America/Marigot",
    "984": "Indian/Kerguelen",
    "986": "Pacific/Wallis",
    "987": "Pacific/Tahiti",
    "988": "Pacific/Noumea",
    # Clipperton has no IANA zone of its own; it lies at UTC-8 all year round.
    "989": "Etc/GMT+8",
}

# INSEE code → subdivision of ``holidays.France``. Alsace-Moselle is "57" or "6AE" (the
# older "Alsace-Moselle" name is deprecated and warns); "67" and "68" are not
# subdivisions of their own. Mainland départements take the national calendar (None).
HOLIDAY_SUBDIVISIONS: dict[str, str] = {
    "57": "57",
    "67": "6AE",
    "68": "6AE",
    "971": "971",
    "972": "972",
    "973": "973",
    "974": "974",
    "976": "976",
    "975": "PM",
    "977": "BL",
    "978": "MF",
    "986": "WF",
    "987": "PF",
    "988": "NC",
}

WEEKEND = frozenset({5, 6})  # Saturday, Sunday


def departement_timezone(departement_code: str | None) -> str:
    """IANA time zone of a département: overseas territories are not on Paris time."""
    if departement_code is None:
        return DEFAULT_TIMEZONE
    return OVERSEAS_TIMEZONES.get(departement_code, DEFAULT_TIMEZONE)


def holiday_subdivision(departement_code: str | None) -> str | None:
    """Subdivision of ``holidays.France`` for a département, or None for the national one."""
    if departement_code is None:
        return None
    return HOLIDAY_SUBDIVISIONS.get(departement_code)


# The years of public holidays parvis shows (the page and the API): one range.
FIRST_HOLIDAY_YEAR, LAST_HOLIDAY_YEAR = 1970, 2100


@lru_cache(maxsize=512)
def _holidays(subdivision: str | None, year: int) -> tuple[tuple[datetime.date, str], ...]:
    calendar = holidays.country_holidays("FR", subdiv=subdivision, years=year, language="fr")
    return tuple(sorted(calendar.items()))


def public_holidays(departement_code: str | None, year: int) -> dict[datetime.date, str]:
    """Public holidays of ``year`` in a département, date → French name, in date order."""
    return dict(_holidays(holiday_subdivision(departement_code), year))


def is_public_holiday(day: datetime.date, departement_code: str | None) -> bool:
    return day in public_holidays(departement_code, day.year)


def is_working_day(day: datetime.date, departement_code: str | None) -> bool:
    """Monday to Friday and not a public holiday of the département."""
    return day.weekday() not in WEEKEND and not is_public_holiday(day, departement_code)


def add_working_days(
    start: datetime.date, days: int, departement_code: str | None
) -> datetime.date:
    """The date ``days`` working days after ``start`` (before it when ``days`` < 0).

    ``start`` itself is not counted, so a deadline of one working day from a Friday
    lands on Monday (or Tuesday when Monday is a holiday). ``days == 0`` returns ``start``.
    """
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    day = start
    while remaining:
        day += datetime.timedelta(days=step)
        if is_working_day(day, departement_code):
            remaining -= 1
    return day


def working_days_between(
    start: datetime.date, end: datetime.date, departement_code: str | None
) -> int:
    """Working days in ``(start, end]``, or minus those in ``[end, start)`` when ``end`` is
    before ``start``.

    The inverse of ``add_working_days``: ``working_days_between(d, add_working_days(d, n,
    dep), dep) == n`` for any ``n``.
    """
    step = 1 if end >= start else -1
    count = 0
    day = start
    while day != end:
        if step < 0 and is_working_day(day - datetime.timedelta(days=1), departement_code):
            count -= 1
        day += datetime.timedelta(days=step)
        if step > 0 and is_working_day(day, departement_code):
            count += 1
    return count


def local_now(tz_name: str) -> datetime.datetime:
    """The current time in the given IANA zone (aware)."""
    return timezone.now().astimezone(ZoneInfo(tz_name))


def local_today(tz_name: str) -> datetime.date:
    """Today's date in the given IANA zone (Nouméa is often a day ahead of Paris)."""
    return local_now(tz_name).date()
