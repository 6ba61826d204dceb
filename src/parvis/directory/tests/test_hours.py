"""Opening logic: the site's own time zone, public holidays and dated exceptions."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from parvis.directory import services
from parvis.directory.hours import (
    CLOSED_WEEKLY,
    is_open_at,
    next_opening,
    open_status,
    opening_schedule,
)
from parvis.directory.tests.factories import SiteFactory

pytestmark = pytest.mark.django_db
T = dt.time
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
REUNION = zoneinfo.ZoneInfo("Indian/Reunion")
MONDAY = dt.date(2030, 1, 7)
WEEKDAYS_9_TO_12_AND_14_TO_17 = [
    (day, opens, closes) for day in range(5) for opens, closes in ((T(9), T(12)), (T(14), T(17)))
]


def _site(commune, hours=WEEKDAYS_9_TO_12_AND_14_TO_17):
    site = SiteFactory(commune=commune)
    services.opening_hours_replace(actor=None, site=site, hours=hours)
    return site


def test_reunion_site_is_open_at_0830_local_while_paris_is_still_asleep(saint_denis, bordeaux):
    reunion_site = _site(saint_denis, [(0, T(8), T(12))])
    paris_site = _site(bordeaux, [(0, T(8), T(12))])
    moment = dt.datetime.combine(MONDAY, T(8, 30), tzinfo=REUNION)
    assert moment.astimezone(PARIS).time() == T(5, 30)
    assert reunion_site.timezone == "Indian/Reunion"
    assert is_open_at(reunion_site, moment)
    assert not is_open_at(paris_site, moment)
    # The same instant given in UTC answers the same.
    assert is_open_at(reunion_site, moment.astimezone(dt.UTC))


def test_naive_datetimes_are_refused(bordeaux):
    with pytest.raises(ValueError, match="aware"):
        is_open_at(_site(bordeaux), dt.datetime(2030, 1, 7, 10))  # noqa: DTZ001 (on purpose)


def test_interval_end_is_excluded(bordeaux):
    site = _site(bordeaux)
    assert is_open_at(site, dt.datetime.combine(MONDAY, T(9), tzinfo=PARIS))
    assert is_open_at(site, dt.datetime.combine(MONDAY, T(11, 59), tzinfo=PARIS))
    assert not is_open_at(site, dt.datetime.combine(MONDAY, T(12), tzinfo=PARIS))
    assert not is_open_at(
        site, dt.datetime.combine(MONDAY + dt.timedelta(days=5), T(10), tzinfo=PARIS)
    )


def test_public_holiday_closes_the_site_with_its_name(bordeaux):
    site = _site(bordeaux)
    labour_day = dt.date(2030, 5, 1)  # a Wednesday
    assert not is_open_at(site, dt.datetime.combine(labour_day, T(10), tzinfo=PARIS))
    day = opening_schedule(site, labour_day, 1)[0]
    assert (day.is_open, day.closed_reason, day.holiday) == (
        False,
        "Fête du Travail",
        "Fête du Travail",
    )


def test_holidays_follow_the_site_departement(saint_denis, bordeaux):
    abolition = dt.date(2030, 12, 20)  # a Friday, holiday in Réunion only
    reunion_day = opening_schedule(_site(saint_denis), abolition, 1)[0]
    gironde_day = opening_schedule(_site(bordeaux), abolition, 1)[0]
    assert reunion_day.closed_reason == "Abolition de l'esclavage"
    assert gironde_day.is_open and gironde_day.holiday is None


def test_an_exception_reopens_the_site_on_a_holiday(bordeaux):
    site = _site(bordeaux)
    labour_day = dt.date(2030, 5, 1)
    services.opening_exception_add(
        actor=None,
        site=site,
        date=labour_day,
        is_closed=False,
        opens=T(10),
        closes=T(12),
        label="Permanence",
    )
    assert is_open_at(site, dt.datetime.combine(labour_day, T(10, 30), tzinfo=PARIS))
    assert not is_open_at(site, dt.datetime.combine(labour_day, T(15), tzinfo=PARIS))
    day = opening_schedule(site, labour_day, 1)[0]
    assert day.is_open and day.is_exception and day.holiday == "Fête du Travail"


def test_a_closing_exception_closes_an_ordinary_day_with_its_label(bordeaux):
    site = _site(bordeaux)
    services.opening_exception_add(actor=None, site=site, date=MONDAY, label="Inventaire")
    assert not is_open_at(site, dt.datetime.combine(MONDAY, T(10), tzinfo=PARIS))
    assert opening_schedule(site, MONDAY, 1)[0].closed_reason == "Inventaire"


def test_schedule_lists_each_day_with_intervals_and_reasons(bordeaux):
    site = _site(bordeaux)
    week = opening_schedule(site, MONDAY, 7)
    assert [day.date.weekday() for day in week] == list(range(7))
    assert [len(day.intervals) for day in week] == [2, 2, 2, 2, 2, 0, 0]
    assert week[6].closed_reason == CLOSED_WEEKLY
    with pytest.raises(ValueError, match="days"):
        opening_schedule(site, MONDAY, 0)


def test_schedule_spans_years_for_holidays(bordeaux):
    week = opening_schedule(_site(bordeaux), dt.date(2030, 12, 30), 4)
    assert week[2].holiday == "Jour de l'an"


def test_next_opening_skips_weekends_and_holidays_in_the_site_zone(saint_denis):
    site = _site(saint_denis)
    friday_evening = dt.datetime(2030, 4, 19, 18, tzinfo=REUNION)  # Easter Monday follows
    assert next_opening(site, friday_evening) == dt.datetime(2030, 4, 23, 9, tzinfo=REUNION)
    assert next_opening(site, dt.datetime.combine(MONDAY, T(10), tzinfo=REUNION)) == (
        dt.datetime.combine(MONDAY, T(14), tzinfo=REUNION)
    )
    assert next_opening(_site(saint_denis, []), friday_evening) is None


def test_open_status_gives_closing_and_next_opening(bordeaux):
    site = _site(bordeaux)
    status = open_status(site, dt.datetime.combine(MONDAY, T(10), tzinfo=dt.UTC))
    assert status.is_open
    assert status.at.tzinfo == PARIS
    assert status.closes_at == dt.datetime.combine(MONDAY, T(12), tzinfo=PARIS)
    assert status.next_opening == dt.datetime.combine(MONDAY, T(14), tzinfo=PARIS)
    closed = open_status(site, dt.datetime.combine(MONDAY, T(12, 30), tzinfo=PARIS))
    assert (closed.is_open, closed.closes_at) == (False, None)
    assert closed.timezone == "Europe/Paris"


def test_schedule_reads_few_queries(bordeaux, django_assert_max_num_queries):
    site = _site(bordeaux)
    site = (
        type(site)
        .objects.select_related("commune__departement")
        .prefetch_related("opening_hours")
        .get(pk=site.pk)
    )
    with django_assert_max_num_queries(1):
        opening_schedule(site, MONDAY, 60)
