"""The simplification demo's history: dozens of requests over fourteen months, moved on
their own days, so the follow-up page publishes its figures; the same on every run."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from parvis.accounts.tests.factories import UserFactory
from parvis.demo import simplification_demo as demo
from parvis.directory.tests.factories import OrganisationFactory
from parvis.simplification.models import SimplificationRequest, StatusChange
from parvis.simplification.selectors import MIN_N, follow_up

TODAY = dt.datetime(2026, 12, 6, 6, tzinfo=dt.UTC)


def test_the_history_is_spread_over_fourteen_months_and_the_same_every_time():
    plan = demo.history_plan(TODAY)
    assert plan == demo.history_plan(TODAY)
    assert len(plan) >= 48
    filed = [item["filed"] for item in plan]
    assert (TODAY - min(filed)).days > 365 and len({f.date() for f in filed}) > 40
    assert len({item["topic"][0] for item in plan}) >= 5  # several domains
    for item in plan:
        moments = [item["filed"], *(at for _, at in item["moves"])]
        assert moments == sorted(moments) and moments[-1] < TODAY
    decided = Counter(
        item["organisation"]
        for item in plan
        if item["filed"].year == 2026
        and any(status in ("accepted", "declined") for status, _ in item["moves"])
    )
    assert decided["caf"] >= MIN_N


@pytest.mark.django_db
def test_the_seeded_history_makes_the_follow_up_publish_its_rates():
    for slug in demo.HISTORY_COUNTS:
        OrganisationFactory(slug=slug)
    UserFactory(email="moderation@demo.parvis.fr", platform_moderator=True)
    UserFactory(email="admin@demo.parvis.fr", platform_admin=True)
    created = demo.demo_simplification_history_seed(today=TODAY)
    assert created == sum(demo.HISTORY_COUNTS.values())
    assert demo.demo_simplification_history_seed(today=TODAY) == 0  # idempotent
    # Filed and moved on their own days, not all in the second of the seeding.
    assert SimplificationRequest.objects.dates("submitted_at", "month").count() >= 12
    changes = StatusChange.objects.values_list("created_at", flat=True)
    assert len({moment.date() for moment in changes}) > 40
    caf = next(row for row in follow_up(organisation="caf", year=2026))
    assert caf.done_rate is not None and caf.median_days_to_decision is not None


@pytest.mark.django_db
def test_each_reference_carries_its_filing_year_numbered_in_filing_order():
    """A request filed in 2025 reads SIMP-2025-…, not the year of the seeding; within a
    year the numbers follow the filing days (the history is filed before today's
    showcase, so a request filed in January is not numbered after one filed today)."""
    for slug in demo.HISTORY_COUNTS:
        OrganisationFactory(slug=slug)
    UserFactory(email="moderation@demo.parvis.fr", platform_moderator=True)
    UserFactory(email="admin@demo.parvis.fr", platform_admin=True)
    assert demo.demo_simplification_seed() > sum(demo.HISTORY_COUNTS.values())
    requests = list(SimplificationRequest.objects.order_by("submitted_at", "pk"))
    references = [request.reference for request in requests]
    assert len(set(references)) == len(references)
    by_year: dict[int, list[int]] = {}
    for request in requests:
        prefix, year, number = request.reference.split("-")
        filed = timezone.localtime(request.submitted_at).year
        assert (prefix, int(year), request.year) == ("SIMP", filed, filed), request.reference
        by_year.setdefault(filed, []).append(int(number))
    assert len(by_year) >= 2  # fourteen months span two years
    for numbers in by_year.values():
        assert numbers == list(range(1, len(numbers) + 1))
