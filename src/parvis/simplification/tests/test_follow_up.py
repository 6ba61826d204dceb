"""Follow-up per organisation and year: counts, median delay, done rate, the n ≥ 10 rule."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from parvis.directory.tests.factories import OrganisationFactory
from parvis.simplification.models import Status
from parvis.simplification.selectors import MIN_N, follow_up
from parvis.simplification.tests.factories import SimplificationRequestFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
JAN_2025 = dt.datetime(2025, 1, 10, 10, 0, tzinfo=PARIS)


def _decided(organisation, days: int, **traits):
    request = SimplificationRequestFactory(
        organisation=organisation, submitted_at=JAN_2025, **traits
    )
    request.decided_at = JAN_2025 + dt.timedelta(days=days)
    request.save(update_fields=["decided_at"])
    return request


@pytest.fixture
def caf():
    return OrganisationFactory(slug="caf", name="CAF")


def test_rates_are_hidden_below_ten_and_show_their_n(caf):
    for days in (2, 4, 6):
        _decided(caf, days, done=True)
    SimplificationRequestFactory(organisation=caf, submitted_at=JAN_2025, received=True)
    SimplificationRequestFactory(organisation=caf, submitted_at=JAN_2025)  # not public
    SimplificationRequestFactory(organisation=caf, submitted_at=JAN_2025, rejected=True)
    [row] = follow_up()
    assert (row.organisation, row.year, row.total) == (caf, 2025, 4)
    assert row.count(Status.DONE) == 3 and row.count(Status.RECEIVED) == 1
    assert row.decided_n == 3 and row.median_days_to_decision is None
    assert row.done_rate is None
    assert row.as_dict()["counts"] == {
        "recue": 1,
        "a-l-etude": 0,
        "acceptee": 0,
        "realisee": 3,
        "refusee": 0,
    }


def test_rates_from_ten_requests(caf):
    for days in range(1, 7):  # 6 done, decided after 1..6 days
        _decided(caf, days, done=True)
    for days in (10, 20):  # 2 declined
        _decided(caf, days, declined=True)
    for _ in range(2):  # 2 still under study
        SimplificationRequestFactory(organisation=caf, submitted_at=JAN_2025, under_study=True)
    [row] = follow_up(organisation="caf", year=2025)
    assert row.total == MIN_N == 10
    assert row.decided_n == 8
    assert row.median_days_to_decision is None  # 8 decisions < 10
    assert row.done_rate == 60.0
    for days in (30, 40):
        _decided(caf, days, accepted=True)
    [row] = follow_up(organisation="caf", year=2025)
    assert row.decided_n == 10
    assert row.median_days_to_decision == 5.5  # median of 1..6, 10, 20, 30, 40


def test_one_row_per_organisation_and_year(caf):
    other = OrganisationFactory(slug="cpam", name="CPAM")
    SimplificationRequestFactory(organisation=caf, submitted_at=JAN_2025, received=True)
    SimplificationRequestFactory(
        organisation=caf,
        received=True,
        submitted_at=dt.datetime(2026, 3, 1, tzinfo=PARIS),
    )
    SimplificationRequestFactory(organisation=other, submitted_at=JAN_2025, received=True)
    rows = [(r.organisation.slug, r.year) for r in follow_up()]
    assert rows == [("caf", 2026), ("caf", 2025), ("cpam", 2025)]
    assert [(r.organisation.slug, r.year) for r in follow_up(year=2025)] == [
        ("caf", 2025),
        ("cpam", 2025),
    ]


def test_follow_up_page_and_api(client, caf, django_assert_max_num_queries):
    for days in range(1, 11):
        _decided(caf, days, done=True)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("simplification:follow_up"), {"annee": 2025})
    body = response.content.decode()
    assert response.status_code == 200
    assert "100\u202f%" in body
    assert "(n = 10)" in body
    data = client.get("/api/v1/simplifications/suivi", {"organisation": "caf"}).json()
    assert data == [
        {
            "organisation": "caf",
            "organisation_name": "CAF",
            "year": 2025,
            "total": 10,
            "counts": {"recue": 0, "a-l-etude": 0, "acceptee": 0, "realisee": 10, "refusee": 0},
            "decided_n": 10,
            "median_days_to_decision": 5.5,
            "done_n": 10,
            "done_rate": 100.0,
        }
    ]


def test_follow_up_page_says_why_a_rate_is_missing(client, caf):
    _decided(caf, 3, done=True)
    body = client.get(reverse("simplification:follow_up")).content.decode()
    assert "non publié (n = 1 &lt; 10)" in body
