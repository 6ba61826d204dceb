"""A report's main pain points: the themes of the negative experiences published in the
period, read from the quality facts (the figures engine of the indicators), for an
organisation, all organisations, a month and a year."""

from __future__ import annotations

import datetime as dt

import pytest

from parvis.quality.models import DailyFact, ThemeFact
from parvis.quality.services import facts_refresh
from parvis.reports.content import PainPoint, PainPoints, pain_points, period_of
from parvis.reports.models import PeriodKind
from parvis.reports.tests.conftest import MONTH

pytestmark = pytest.mark.django_db

OCTOBER = period_of(PeriodKind.MONTHLY, MONTH)


def test_an_organisations_pain_points_against_the_month_before(world):
    # October: three negative experiences on waiting, one on documents and a positive
    # one on documents (published, never a pain point); September: one on waiting.
    assert pain_points(world.caf, OCTOBER) == PainPoints(
        experiences=5,
        negative=4,
        themes=[
            PainPoint("Temps d’attente", 3, 1),
            PainPoint("Pièces justificatives", 1, 0),
        ],
    )


def test_all_organisations_pain_points_add_up_every_organisation(world):
    # The CPAM's negative experience on documents counts nationally only.
    assert pain_points(world.cpam, OCTOBER) == PainPoints(
        1, 1, [PainPoint("Pièces justificatives", 1, 0)]
    )
    assert pain_points(None, OCTOBER) == PainPoints(
        experiences=6,
        negative=5,
        themes=[
            PainPoint("Temps d’attente", 3, 1),
            PainPoint("Pièces justificatives", 2, 0),
        ],
    )


def test_a_year_reads_its_twelve_months_against_the_year_before(world):
    year = period_of(PeriodKind.YEARLY, MONTH)
    assert pain_points(world.caf, year) == PainPoints(
        experiences=6,
        negative=5,
        themes=[
            PainPoint("Temps d’attente", 4, 0),
            PainPoint("Pièces justificatives", 1, 0),
        ],
    )


def test_the_pain_points_are_the_facts_not_the_published_rows(world):
    # Facts rebuilt without the experiences' days: published rows alone show nothing.
    ThemeFact.objects.all().delete()
    DailyFact.objects.filter(channel=None).delete()
    assert pain_points(world.caf, OCTOBER) == PainPoints(0, 0, [])
    # Rebuilt, they are back.
    facts_refresh(first_day=dt.date(2026, 10, 1), last_day=dt.date(2026, 10, 31))
    assert pain_points(world.caf, OCTOBER).negative == 4
