"""Migration 0004: simplification's per-year counters are copied into
``core.ReferenceCounter`` (prefix "SIMP"), so that numbering goes on where it stopped.
The copy runs against today's core model and a stand-in for the dropped model."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps

from parvis.core.models import ReferenceCounter

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "parvis.simplification.migrations.0005_reference_counter_to_core"
)


class _Apps:
    """The historical registry: simplification's counter still holds 2025 and 2026."""

    rows = [(2025, 41), (2026, 7)]

    def get_model(self, app_label: str, name: str):
        if app_label == "simplification":
            return SimpleNamespace(objects=SimpleNamespace(values_list=lambda *f: self.rows))
        return apps.get_model(app_label, name)


def test_counters_are_copied_and_numbering_goes_on():
    ReferenceCounter.objects.create(prefix="SIMP", year=2026, last=9)  # already ahead
    migration.copy_to_core(_Apps(), None)
    migration.copy_to_core(_Apps(), None)  # rerun: nothing more
    counters = dict(ReferenceCounter.objects.filter(prefix="SIMP").values_list("year", "last"))
    assert counters == {2025: 41, 2026: 9}
