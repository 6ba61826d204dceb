"""A world for the reports' tests: the CAF de la Gironde's results for October 2026 (with
September and October 2025 to compare), its départements, the national figures, a second
organisation, published experiences with themes (negative ones, a positive one, one of
September to compare) and the quality facts built from them, and decided simplification
requests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from parvis.directory.models import Organisation
from parvis.directory.tests.factories import OrganisationFactory, ThemeFactory
from parvis.publication.services import publication_sync
from parvis.quality.models import Level
from parvis.quality.services import facts_refresh
from parvis.reports.tests.factories import result
from parvis.simplification.tests.factories import SimplificationRequestFactory
from parvis.voice.tests.factories import ExperienceFactory

UTC = dt.UTC
MONTH = dt.date(2026, 10, 1)
# The report is made on the 16th of the next month, after the M+15 freeze.
GENERATED = dt.datetime(2026, 11, 16, 5, 0, tzinfo=UTC)
AUTHOR_EMAIL = "lucie.martin@exemple.fr"


@dataclass
class World:
    caf: Organisation
    cpam: Organisation
    themes: list[Any]


def _experience(
    organisation: Organisation, theme: Any, day: int, *, month: int = 10, negative: bool = True
) -> None:
    experience = ExperienceFactory(
        organisation=organisation,
        complaint=negative,
        published=True,
        published_at=dt.datetime(2026, month, day, 10, 0, tzinfo=UTC),
        themes=[theme],
        email=AUTHOR_EMAIL,
    )
    publication_sync(experience_id=experience.pk)


@pytest.fixture
def world(db: None) -> World:
    caf = OrganisationFactory(slug="caf-gironde", name="CAF de la Gironde")
    cpam = OrganisationFactory(slug="cpam-gironde", name="CPAM de la Gironde")
    rate = "taux-appels-decroches"
    # The organisation's national figures: this month, the previous one, a year before.
    result(rate, organisation=caf, month=MONTH, value=0.874, n=500, ci=(0.842, 0.901))
    result(rate, organisation=caf, month=dt.date(2026, 9, 1), value=0.85, n=500)
    result(rate, organisation=caf, month=dt.date(2025, 10, 1), value=0.80, n=500)
    result(rate, organisation=cpam, month=MONTH, value=0.70, n=800, ci=(0.667, 0.731))
    result(rate, level=Level.NATIONAL, month=MONTH, value=0.81, n=2000, label="Tous organismes")
    # Its départements: two ranked apart, one in between, one too small to be shown.
    for code, name, value, n, ci in (
        ("33", "Gironde (33)", 0.95, 400, (0.925, 0.967)),
        ("24", "Dordogne (24)", 0.70, 300, (0.646, 0.749)),
        ("47", "Lot-et-Garonne (47)", 0.85, 200, (0.795, 0.892)),
        ("40", "Landes (40)", 0.60, 5, None),
    ):
        result(
            rate,
            level=Level.DEPARTEMENT,
            organisation=caf,
            key=code,
            label=name,
            month=MONTH,
            value=value,
            n=n,
            ci=ci,
        )
    # A census mean, and a satisfaction score below its publication minimum (100).
    result(
        "attente-moyenne-telephone",
        organisation=caf,
        month=MONTH,
        value=42.0,
        n=437,
        numerator=42.0 * 437,
        denominator=437,
    )
    result(
        "attente-moyenne-telephone",
        organisation=caf,
        month=dt.date(2026, 9, 1),
        value=50.0,
        n=425,
        numerator=50.0 * 425,
        denominator=425,
    )
    result("satisfaction-moyenne", organisation=caf, month=MONTH, value=4.9, n=40)

    waiting, documents = (
        ThemeFactory(slug="attente", label="Temps d’attente"),
        ThemeFactory(slug="pieces", label="Pièces justificatives"),
    )
    for day in (3, 7, 12):
        _experience(caf, waiting, day)
    _experience(caf, documents, 20)
    _experience(caf, documents, 21, negative=False)
    _experience(caf, waiting, 15, month=9)
    _experience(cpam, documents, 22)
    # The reports read the experiences through the quality facts, as published.
    facts_refresh(first_day=dt.date(2026, 9, 1), last_day=dt.date(2026, 10, 31))

    start = dt.datetime(2026, 9, 25, 9, 0, tzinfo=UTC)
    SimplificationRequestFactory(
        organisation=caf,
        accepted=True,
        submitted_at=start,
        procedure_name="Déclaration trimestrielle de ressources",
    )  # decided 10 days later: 5 October
    SimplificationRequestFactory(
        organisation=caf,
        declined=True,
        submitted_at=start + dt.timedelta(days=10),
        procedure_name="Attestation de paiement",
    )  # decided 5 days later: 10 October
    SimplificationRequestFactory(organisation=caf, received=True, submitted_at=start)
    return World(caf, cpam, [waiting, documents])
