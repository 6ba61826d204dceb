"""Short references ``<prefix>-<year>-<n>``: numbered in sequence per prefix and year,
padded, given back by a rollback, and safe when another transaction creates the year's
counter first."""

from __future__ import annotations

import pytest
from django.db import transaction

from parvis.core.models import ReferenceCounter
from parvis.core.services import next_reference

pytestmark = pytest.mark.django_db


def test_numbers_follow_each_other():
    assert [next_reference("SIMP", 2026) for _ in range(3)] == [
        "SIMP-2026-00001",
        "SIMP-2026-00002",
        "SIMP-2026-00003",
    ]
    assert ReferenceCounter.objects.get(prefix="SIMP", year=2026).last == 3


def test_each_prefix_and_each_year_count_apart():
    next_reference("SIMP", 2026)
    next_reference("SIMP", 2026)
    assert next_reference("EXP", 2026) == "EXP-2026-00001"
    assert next_reference("SIMP", 2027) == "SIMP-2027-00001"
    assert next_reference("SIMP", 2026) == "SIMP-2026-00003"


def test_numbers_are_padded_to_five_digits_and_may_grow_beyond():
    ReferenceCounter.objects.create(prefix="EXP", year=2026, last=41)
    assert next_reference("EXP", 2026) == "EXP-2026-00042"
    ReferenceCounter.objects.filter(prefix="EXP").update(last=99_999)
    assert next_reference("EXP", 2026) == "EXP-2026-100000"


def test_a_rollback_gives_the_number_back():
    next_reference("EXP", 2026)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_reference("EXP", 2026) == "EXP-2026-00002"
        raise RuntimeError("the caller's save failed")
    assert next_reference("EXP", 2026) == "EXP-2026-00002"


def test_a_counter_created_meanwhile_by_another_transaction_is_incremented(monkeypatch):
    # The first UPDATE finds no row (the other transaction had not committed), the insert
    # then meets that transaction's row: the number follows its own.
    ReferenceCounter.objects.create(prefix="EXP", year=2026, last=4)
    from parvis.core import services as core_services

    real_increment = core_services._increment
    missed: list[bool] = []

    def first_update_misses(prefix, year):
        if not missed:
            missed.append(True)
            return None
        return real_increment(prefix, year)

    monkeypatch.setattr(core_services, "_increment", first_update_misses)
    with transaction.atomic():
        assert next_reference("EXP", 2026) == "EXP-2026-00005"
    assert missed and ReferenceCounter.objects.filter(prefix="EXP").count() == 1
