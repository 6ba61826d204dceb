"""The data step of migration 0003: ``move`` backfilled from (from, to), run on today's
model (the function only uses ORM calls the historical model shares with it)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from parvis.simplification import workflow
from parvis.simplification.models import Status, StatusChange
from parvis.simplification.tests.factories import SimplificationRequestFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("parvis.simplification.migrations.0003_lifecycle_kit")


def test_the_frozen_mapping_is_the_table_s_one_move_per_pair():
    assert {
        (str(source), str(target)): name
        for (source, target), name in workflow.LIFECYCLE.pairs().items()
    } == migration.REQUEST_MOVES


def test_move_is_backfilled_from_from_and_to():
    request = SimplificationRequestFactory(declined=True)  # history written by the factory
    StatusChange.objects.update(move="")
    odd = StatusChange.objects.create(
        request=request, from_status=Status.DONE, to_status=Status.RECEIVED
    )
    migration.backfill_moves(apps, None)
    moves = dict(request.history.exclude(pk=odd.pk).values_list("to_status", "move"))
    assert moves == {
        Status.SUBMITTED: "propose",
        Status.RECEIVED: "publish",
        Status.DECLINED: "decline",
    }
    assert StatusChange.objects.get(pk=odd.pk).move == ""  # no move ever did that
