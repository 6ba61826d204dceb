"""Migrations 0006–0007: France Services operators become organisations, then every site
has one and the operator's name is its organisation's.

The migrations run on a scratch database of their own, migrated from empty to directory
0005 (seven migrations) and then to 0007: going back to 0005 on the test database would
unapply every migration of other apps that depends on a later one (most of the project's
127) and apply them again, minutes of a CI worker's time for a two-step data migration.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db

BEFORE = [("directory", "0005_motif_commitment_working_days")]
AFTER = [("directory", "0007_site_organisation_required")]
SCRATCH = "operators_migration"


class _ToTheScratchDatabase:
    """Sends the migrations' reads and writes (``Model.objects`` in their RunPython, which
    name no database) and this test's to the scratch database."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        return SCRATCH

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return SCRATCH

    def allow_relation(self, *objects: Any, **hints: Any) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == SCRATCH


@pytest.fixture
def scratch(settings: Any, tmp_path: Any) -> Iterator[BaseDatabaseWrapper]:
    """An empty database beside the test database (PostgreSQL: created and dropped;
    SQLite: a file of the test's), reachable as ``SCRATCH`` while the test runs."""
    scratch_settings = copy.deepcopy(connection.settings_dict)
    postgres = connection.vendor == "postgresql"
    if postgres:
        name = f"{connection.settings_dict['NAME']}_ops_{uuid.uuid4().hex[:8]}"
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    else:
        name = str(tmp_path / "operators.sqlite3")
    scratch_settings["NAME"] = name
    connections.settings[SCRATCH] = scratch_settings
    settings.DATABASE_ROUTERS = [_ToTheScratchDatabase()]
    database = connections[SCRATCH]
    # Opened here: the test case forbids connecting to a database it was not told of
    # (``ensure_connection``), and this one did not exist when it was set up.
    database.connect()
    try:
        yield database
    finally:
        connections[SCRATCH].close()
        del connections[SCRATCH]
        del connections.settings[SCRATCH]
        if postgres:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _migrate(database: BaseDatabaseWrapper, targets):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(database)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_each_operator_name_becomes_one_organisation_and_la_poste_is_reused(scratch):
    old = _migrate(scratch, BEFORE)
    Org = old.get_model("directory", "Organisation")
    OldSite = old.get_model("directory", "Site")
    Region = old.get_model("territories", "Region")
    Departement = old.get_model("territories", "Departement")
    Commune = old.get_model("territories", "Commune")
    region = Region.objects.create(code="75", name="Nouvelle-Aquitaine")
    departement = Departement.objects.create(code="33", name="Gironde", region=region)
    commune = Commune.objects.create(code="33063", name="Bordeaux", departement=departement)
    la_poste = Org.objects.create(slug="la-poste", name="La Poste", sort_key="la poste")
    caf = Org.objects.create(slug="caf", name="CAF", sort_key="caf")

    def site(slug, **fields):  # type: ignore[no-untyped-def]
        return OldSite.objects.create(slug=slug, name=slug, commune=commune, **fields)

    site("fs-1", kind="france-services", operator_name="Commune de Bordeaux")
    site("fs-2", kind="france-services", operator_name="Commune  de Bordeaux")
    site("fs-3", kind="france-services", operator_name="La Poste")
    site("fs-4", kind="france-services", operator_name="")
    site("counter", kind="guichet", organisation=caf)

    new = _migrate(scratch, AFTER)
    Organisation = new.get_model("directory", "Organisation")
    Site = new.get_model("directory", "Site")
    assert Site.objects.using(SCRATCH).count() == 5
    owners = dict(Site.objects.values_list("slug", "organisation__slug"))
    assert owners["fs-1"] == owners["fs-2"] == "commune-de-bordeaux"
    assert owners["fs-3"] == "la-poste"
    assert owners["counter"] == "caf"
    assert Organisation.objects.get(pk=la_poste.pk).kind == "administration"
    commune_org = Organisation.objects.get(slug="commune-de-bordeaux")
    assert commune_org.kind == "operateur-france-services"
    assert Site.objects.get(slug="fs-1").organisation.name == "Commune de Bordeaux"
    assert Site.objects.get(slug="fs-4").organisation.name == "Structure porteuse – fs-4"
    assert set(
        Organisation.objects.filter(kind="administration").values_list("slug", flat=True)
    ) == {"la-poste", "caf"}
    # The test database was not touched: it keeps the latest schema for the next tests.
    assert not MigrationExecutor(connection).migration_plan(
        MigrationExecutor(connection).loader.graph.leaf_nodes()
    )
