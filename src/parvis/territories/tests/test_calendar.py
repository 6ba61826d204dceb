"""Holidays, time zones and working days by département."""

from __future__ import annotations

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from parvis.territories import calendar

D = datetime.date


def test_alsace_moselle_has_good_friday_and_saint_stephen():
    moselle = calendar.public_holidays("57", 2025)
    assert moselle[D(2025, 4, 18)] == "Vendredi saint"
    assert moselle[D(2025, 12, 26)] == "Saint-Étienne"
    assert calendar.is_public_holiday(D(2025, 12, 26), "67")
    assert calendar.is_public_holiday(D(2025, 4, 18), "68")


def test_reunion_celebrates_abolition_of_slavery_on_20_december():
    assert calendar.public_holidays("974", 2025)[D(2025, 12, 20)] == "Abolition de l'esclavage"
    assert not calendar.is_public_holiday(D(2025, 12, 20), "971")  # 27 May there


def test_mainland_has_neither_alsace_nor_overseas_holidays():
    gironde = calendar.public_holidays("33", 2025)
    assert D(2025, 4, 18) not in gironde
    assert D(2025, 12, 26) not in gironde
    assert D(2025, 12, 20) not in gironde
    assert gironde[D(2025, 7, 14)] == "Fête nationale"
    assert list(gironde) == sorted(gironde)


def test_public_holidays_returns_a_copy_of_the_cached_calendar():
    calendar.public_holidays("33", 2025).clear()
    assert calendar.public_holidays("33", 2025)


def test_holiday_subdivisions_follow_the_insee_mapping():
    expected = {
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
        "33": None,
        "2A": None,
        "75": None,
    }
    assert {code: calendar.holiday_subdivision(code) for code in expected} == expected
    for code in expected:  # every subdivision is accepted by holidays without warning
        assert calendar.public_holidays(code, 2024)


def test_overseas_territories_are_not_on_paris_time():
    assert calendar.departement_timezone("33") == "Europe/Paris"
    assert calendar.departement_timezone("2B") == "Europe/Paris"
    assert calendar.departement_timezone("974") == "Indian/Reunion"
    assert calendar.departement_timezone("988") == "Pacific/Noumea"
    now = calendar.local_now("Pacific/Noumea")
    assert now.utcoffset() == datetime.timedelta(hours=11)


def test_working_days_skip_weekends_and_holidays():
    # Thursday 24 December 2025 + 1 working day: Friday 25 is Christmas → Monday 29,
    # and in Moselle Friday 26 is also off.
    assert calendar.add_working_days(D(2025, 12, 24), 1, "33") == D(2025, 12, 26)
    assert calendar.add_working_days(D(2025, 12, 24), 1, "57") == D(2025, 12, 29)
    assert calendar.add_working_days(D(2025, 12, 24), 2, "33") == D(2025, 12, 29)
    assert calendar.add_working_days(D(2025, 12, 29), -1, "57") == D(2025, 12, 24)
    assert calendar.add_working_days(D(2025, 12, 27), 0, "33") == D(2025, 12, 27)
    assert calendar.working_days_between(D(2025, 12, 24), D(2025, 12, 31), "33") == 4
    assert calendar.working_days_between(D(2025, 12, 24), D(2025, 12, 31), "57") == 3
    assert calendar.working_days_between(D(2025, 12, 31), D(2025, 12, 24), "57") == -3
    assert not calendar.is_working_day(D(2025, 12, 27), "33")  # Saturday
    assert calendar.is_working_day(D(2025, 12, 26), "33")
    assert not calendar.is_working_day(D(2025, 12, 26), "57")


@settings(max_examples=100, deadline=None)
@given(
    start=st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31)),
    days=st.integers(min_value=-60, max_value=60),
    departement=st.sampled_from(["33", "57", "974", "987"]),
)
def test_working_days_between_inverts_add_working_days(start, days, departement):
    end = calendar.add_working_days(start, days, departement)
    assert calendar.working_days_between(start, end, departement) == days
    if days:
        assert calendar.is_working_day(end, departement)
