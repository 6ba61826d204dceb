"""The data steps of migration 0004 (``move`` backfilled from (from, to), a first log row
for each existing answer), run on today's models: the functions only use the ORM calls
that the historical models share with them."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from parvis.voice.models import AnswerStatus as A
from parvis.voice.models import AnswerTransition, ExperienceTransition
from parvis.voice.models import ExperienceStatus as S
from parvis.voice.services import EXPERIENCE_LIFECYCLE
from parvis.voice.tests.factories import ExperienceFactory, PublicAnswerFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("parvis.voice.migrations.0004_lifecycle_kit")


def test_the_frozen_mapping_is_the_table_s_one_move_per_pair():
    assert {
        (str(source), str(target)): name
        for (source, target), name in EXPERIENCE_LIFECYCLE.pairs().items()
    } == migration.EXPERIENCE_MOVES


def test_move_is_backfilled_from_from_and_to():
    experience = ExperienceFactory()
    rows = {
        (source, target): ExperienceTransition.objects.create(
            experience=experience, from_status=source, to_status=target
        )
        for source, target in [
            ("", S.SUBMITTED),
            (S.IN_MODERATION, S.SUBMITTED),
            (S.IN_MODERATION, S.REJECTED),
            (S.ANSWERED, S.ARCHIVED),
            (S.REJECTED, S.WITHDRAWN),
            (S.ARCHIVED, S.PUBLISHED),  # no move ever did this: stays blank
        ]
    }
    kept = ExperienceTransition.objects.create(
        experience=experience, from_status=S.SUBMITTED, to_status=S.SUBMITTED, move="keep"
    )
    migration.backfill_experience_moves(apps, None)
    moves = {pair: ExperienceTransition.objects.get(pk=row.pk).move for pair, row in rows.items()}
    assert moves == {
        ("", S.SUBMITTED): "submit",
        (S.IN_MODERATION, S.SUBMITTED): "correct",
        (S.IN_MODERATION, S.REJECTED): "reject",
        (S.ANSWERED, S.ARCHIVED): "archive",
        (S.REJECTED, S.WITHDRAWN): "withdraw",
        (S.ARCHIVED, S.PUBLISHED): "",
    }
    assert ExperienceTransition.objects.get(pk=kept.pk).move == "keep"


def test_each_existing_answer_gets_a_first_log_row_once():
    published = PublicAnswerFactory(status=A.PUBLISHED)
    draft = PublicAnswerFactory(status=A.DRAFT)
    migration.open_answer_logs(apps, None)
    migration.open_answer_logs(apps, None)  # rerun: nothing more
    first = AnswerTransition.objects.get(answer=published)
    assert (first.from_status, first.to_status, first.move) == ("", A.PUBLISHED, "")
    assert (first.reason_code, first.actor_label) == ("backfill", "système")
    assert first.created_at == published.published_at
    assert AnswerTransition.objects.get(answer=draft).to_status == A.DRAFT
