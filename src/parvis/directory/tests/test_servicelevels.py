"""Service levels at a place: the clock every promise of parvis is counted on."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parvis.accounts import scoping
from parvis.accounts.models import Role
from parvis.accounts.tests.factories import MembershipFactory, UserFactory
from parvis.directory import servicelevels as sl
from parvis.directory.tests.factories import (
    LocalServiceFactory,
    OpeningExceptionFactory,
    OpeningHoursFactory,
    SiteFactory,
)
from parvis.territories.tests.factories import CommuneFactory, DepartementFactory

PARIS = ZoneInfo("Europe/Paris")
GIRONDE = sl.Place("Europe/Paris", "33", label="Gironde")
MOSELLE = sl.Place("Europe/Paris", "57", label="Moselle")
REUNION = sl.Place("Indian/Reunion", "974", label="La Réunion")


def paris(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


# --- Places ------------------------------------------------------------------------------


def test_a_national_service_counts_on_the_metropolitan_calendar_named_as_such():
    assert sl.place_for() is sl.METROPOLITAN
    assert sl.METROPOLITAN.departement_code is None
    assert sl.METROPOLITAN.label == "calendrier métropolitain"
    # 14 July is a holiday everywhere; Saint-Étienne (26 Dec) only in Alsace-Moselle
    assert not sl.is_working_day(dt.date(2026, 7, 14), sl.METROPOLITAN)
    assert sl.is_working_day(dt.date(2025, 12, 26), sl.METROPOLITAN)
    assert not sl.is_working_day(dt.date(2025, 12, 26), MOSELLE)


@pytest.mark.django_db
def test_the_most_precise_place_wins():
    reunion = DepartementFactory(reunion=True)
    site = SiteFactory(commune=CommuneFactory(code="97411", departement=reunion))
    assert sl.place_for(site=site, departement_code="33").site == site
    assert sl.place_for(site=site).timezone == "Indian/Reunion"
    assert sl.place_for(departement_code="57").departement_code == "57"
    service = LocalServiceFactory(main_departement=reunion)
    assert sl.place_for(local_service=service).departement_code == "974"
    assert sl.place_for(local_service=LocalServiceFactory(main_departement=None)) == (
        sl.METROPOLITAN
    )


def test_overseas_places_keep_their_own_date_and_holidays():
    # 20 December: abolition of slavery, a holiday in La Réunion only
    assert not sl.is_working_day(dt.date(2027, 12, 20), REUNION)
    assert sl.is_working_day(dt.date(2027, 12, 20), GIRONDE)
    late_evening_in_paris = paris(2026, 6, 1, 23, 30)
    assert sl.local_date(late_evening_in_paris, REUNION) == dt.date(2026, 6, 2)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        sl.local_date(dt.datetime(2026, 6, 1, 12), GIRONDE)  # noqa: DTZ001 (on purpose)


# --- Working days --------------------------------------------------------------------------


def test_a_deadline_in_working_days_skips_weekends_and_holidays():
    """Thursday 30 April 2026 + 3 working days: 1 May is a holiday, so 4, 5, 6 May; the
    promise holds until the end of 6 May, local time."""
    published = paris(2026, 4, 30, 9)
    due = sl.working_days_deadline(published, 3, GIRONDE)
    assert due == paris(2026, 5, 7, 0, 0)
    assert sl.working_days_elapsed(published, now=paris(2026, 5, 6, 18), place=GIRONDE) == 3
    assert sl.working_days_elapsed(published, now=paris(2026, 5, 7, 8), place=GIRONDE) == 4
    # never negative, whatever the clock says
    assert sl.working_days_elapsed(published, now=paris(2026, 4, 1), place=GIRONDE) == 0


@settings(max_examples=60, deadline=None)
@given(
    start=st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31)),
    days=st.integers(min_value=0, max_value=40),
    place=st.sampled_from([sl.METROPOLITAN, MOSELLE, REUNION]),
)
def test_working_days_elapsed_until_the_due_day_is_the_promise(start, days, place):
    since = dt.datetime.combine(start, dt.time(10), tzinfo=place.tzinfo)
    due = sl.working_days_deadline(since, days, place)
    last_minute = due - dt.timedelta(minutes=1)
    assert sl.working_days_elapsed(since, now=last_minute, place=place) == days
    assert sl.is_working_day(last_minute.date(), place) or days == 0


# --- Business time -------------------------------------------------------------------------


def test_business_time_uses_default_hours_where_a_place_has_none(settings):
    settings.SERVICE_LEVEL_DEFAULT_BUSINESS_HOURS = (("09:00", "12:00"), ("13:30", "17:00"))
    friday_afternoon = paris(2026, 6, 5, 16, 0)
    monday_morning = paris(2026, 6, 8, 10, 0)
    assert sl.business_time_between(friday_afternoon, monday_morning, GIRONDE) == dt.timedelta(
        hours=2
    )
    # 4 hours of work from Friday 16:00: 1 h on Friday, then Monday 09:00-12:00
    assert sl.add_business_time(friday_afternoon, dt.timedelta(hours=4), GIRONDE) == paris(
        2026, 6, 8, 12, 0
    )
    # the lunch break does not count
    assert sl.add_business_time(paris(2026, 6, 8, 11, 0), dt.timedelta(hours=2), GIRONDE) == paris(
        2026, 6, 8, 14, 30
    )
    assert sl.business_time_between(monday_morning, friday_afternoon, GIRONDE) == dt.timedelta()


@pytest.mark.django_db
def test_business_time_at_a_site_follows_its_hours_and_exceptions():
    site = SiteFactory()
    for weekday in range(5):
        OpeningHoursFactory(site=site, weekday=weekday, opens=dt.time(8), closes=dt.time(12))
    OpeningExceptionFactory(site=site, date=dt.date(2026, 6, 9), is_closed=True)
    place = sl.place_of_site(site)
    # Monday 8 June 08:00 + 6 h: 4 h on Monday, Tuesday closed, 2 h on Wednesday
    assert sl.add_business_time(paris(2026, 6, 8, 8), dt.timedelta(hours=6), place) == paris(
        2026, 6, 10, 10
    )
    assert sl.business_time_between(
        paris(2026, 6, 8, 8), paris(2026, 6, 10, 10), place
    ) == dt.timedelta(hours=6)


@pytest.mark.django_db
def test_a_site_that_never_opens_makes_no_promise():
    place = sl.place_of_site(SiteFactory())
    assert sl.add_business_time(paris(2026, 6, 8, 8), dt.timedelta(hours=1), place) is None


@settings(max_examples=40, deadline=None)
@given(
    # Hypothesis takes naive bounds and draws naive values, made aware in the test.
    start=st.datetimes(
        min_value=dt.datetime(2025, 1, 1),  # noqa: DTZ001
        max_value=dt.datetime(2028, 1, 1),  # noqa: DTZ001
    ),
    minutes=st.integers(min_value=1, max_value=60 * 40),
)
def test_adding_business_time_is_undone_by_measuring_it(start, minutes):
    start = start.replace(tzinfo=PARIS)
    duration = dt.timedelta(minutes=minutes)
    end = sl.add_business_time(start, duration, sl.METROPOLITAN)
    assert end is not None
    assert sl.business_time_between(start, end, sl.METROPOLITAN) == duration


# --- Lateness and escalation -----------------------------------------------------------------


def test_lateness_has_a_colour_a_badge_and_a_french_label():
    assert sl.lateness(1, at_risk_from=2, late_from=5) is sl.Lateness.ON_TIME
    assert sl.lateness(2, at_risk_from=2, late_from=5) is sl.Lateness.AT_RISK
    late = sl.lateness(5, at_risk_from=2, late_from=5)
    assert late is sl.Lateness.LATE
    assert (late.colour, late.badge, str(late.label), late.value) == (
        "red",
        "error",
        "en retard",
        "late",
    )


def test_the_sweep_gives_each_item_its_highest_rung_once():
    ladder = [sl.Step("reminder", 3), sl.Step("escalation", 5)]
    since = paris(2026, 6, 1, 9)  # Monday
    items = {"fresh": (since, set()), "reminded": (since, {"reminder"}), "new": (since, set())}

    def sweep(now: dt.datetime, names: list[str]) -> list[tuple[str, str, int]]:
        return [
            (name, step.name, elapsed)
            for name, step, elapsed in sl.escalation_sweep(
                names,
                now=now,
                since=lambda name: items[name][0],
                place=lambda name: GIRONDE,
                ladder=lambda name: ladder,
                done=lambda name: items[name][1],
            )
        ]

    assert sweep(paris(2026, 6, 4, 12), ["fresh"]) == []  # 3 working days: not beyond
    assert sweep(paris(2026, 6, 5, 12), ["fresh", "reminded"]) == [("fresh", "reminder", 4)]
    # a week without sweeps: straight to the highest rung, never the reminder too
    assert sweep(paris(2026, 6, 9, 12), ["new", "reminded"]) == [
        ("new", "escalation", 6),
        ("reminded", "escalation", 6),
    ]


# --- Who holds a role over an object -----------------------------------------------------------


@pytest.mark.django_db
def test_holders_of_a_role_over_an_object_follow_the_scope_downwards():
    site = SiteFactory()
    service = site.local_service
    organisation = site.organisation
    at_org = MembershipFactory(organisation=organisation, role=Role.QUALITY_MANAGER).user
    at_service = MembershipFactory(
        organisation=None, local_service=service, role=Role.QUALITY_MANAGER
    ).user
    at_site = MembershipFactory(organisation=None, site=site, role=Role.QUALITY_MANAGER).user
    other_site = SiteFactory(local_service=service)
    MembershipFactory(organisation=None, site=other_site, role=Role.QUALITY_MANAGER)
    MembershipFactory(organisation=organisation, role=Role.AGENT)
    MembershipFactory(role=Role.QUALITY_MANAGER)  # another organisation
    gone = UserFactory(is_active=False)
    MembershipFactory(user=gone, organisation=organisation, role=Role.QUALITY_MANAGER)

    found = set(scoping.holders(site, roles=[Role.QUALITY_MANAGER]))
    assert found == {at_org, at_service, at_site}
    assert set(scoping.holders(service, roles=[Role.QUALITY_MANAGER])) == {at_org, at_service}
    assert set(scoping.holders(site, roles=[Role.QUALITY_MANAGER], levels=["organisation"])) == {
        at_org
    }


@pytest.mark.django_db
def test_a_sites_business_days_are_kept_and_an_edit_is_seen_at_once(django_assert_num_queries):
    """Deadlines read a site's hours for every contact queued: they are kept a short
    while, and an edit of the hours or an exception saved here is seen by the next one."""
    site = SiteFactory()
    hours = OpeningHoursFactory(site=site, weekday=0, opens=dt.time(8), closes=dt.time(12))
    place = sl.place_of_site(site)
    monday = paris(2026, 6, 8, 8)
    assert sl.business_time_between(monday, paris(2026, 6, 8, 18), place) == dt.timedelta(hours=4)
    with django_assert_num_queries(0):
        sl.business_time_between(monday, paris(2026, 6, 8, 18), place)
    hours.closes = dt.time(17)
    hours.save()
    assert sl.business_time_between(monday, paris(2026, 6, 8, 18), place) == dt.timedelta(hours=9)
    OpeningExceptionFactory(site=site, date=dt.date(2026, 6, 8), is_closed=True)
    assert sl.business_time_between(monday, paris(2026, 6, 8, 18), place) == dt.timedelta()
