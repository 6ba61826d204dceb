"""Fixtures of the directory tests: a mainland and an overseas département."""

from __future__ import annotations

import pytest

from parvis.territories.tests.factories import CommuneFactory, DepartementFactory, RegionFactory


@pytest.fixture
def gironde():
    return DepartementFactory(code="33", name="Gironde", timezone="Europe/Paris")


@pytest.fixture
def reunion():
    region = RegionFactory(code="04", name="La Réunion")
    return DepartementFactory(
        code="974", name="La Réunion", region=region, timezone="Indian/Reunion", is_overseas=True
    )


@pytest.fixture
def bordeaux(gironde):
    return CommuneFactory(
        code="33063",
        name="Bordeaux",
        sort_key="bordeaux\x01bordeaux",
        departement=gironde,
        postcodes=["33000", "33100", "33200", "33300"],
    )


@pytest.fixture
def saint_denis(reunion):
    return CommuneFactory(
        code="97411",
        name="Saint-Denis",
        sort_key="saint denis\x01saint-denis",
        departement=reunion,
        postcodes=["97400", "97490"],
    )
