"""Migrations 0006–0007: France Services operators become organisations, then every site
has one and the operator's name is its organisation's."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from parvis.directory.models import Organisation, Site
from parvis.testing.ci import once

# a data migration's Python, slow to migrate back and forth: once in CI
pytestmark = [pytest.mark.django_db(transaction=True), once]

BEFORE = [("directory", "0005_motif_commitment_working_days")]
AFTER = [("directory", "0007_site_organisation_required")]


def _migrate_to_the_latest_schema() -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture(autouse=True)
def _back_to_the_latest_schema():  # type: ignore[no-untyped-def]
    """Going back to directory 0005 also unapplies every migration of other apps that
    depends on a later one (contacts' from 0003 on); going forward to directory 0007
    alone would leave them out for the next tests of this worker: end at every leaf."""
    yield
    _migrate_to_the_latest_schema()


def _migrate(targets):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_each_operator_name_becomes_one_organisation_and_la_poste_is_reused():
    old = _migrate(BEFORE)
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

    _migrate(AFTER)
    _migrate_to_the_latest_schema()  # which the models below read (later fields included)

    owners = dict(Site.objects.values_list("slug", "organisation__slug"))
    assert owners["fs-1"] == owners["fs-2"] == "commune-de-bordeaux"
    assert owners["fs-3"] == "la-poste"
    assert owners["counter"] == "caf"
    assert Organisation.objects.get(pk=la_poste.pk).kind == Organisation.Kind.ADMINISTRATION
    commune_org = Organisation.objects.get(slug="commune-de-bordeaux")
    assert commune_org.kind == Organisation.Kind.FRANCE_SERVICES_OPERATOR
    assert Site.objects.get(slug="fs-1").operator_name == "Commune de Bordeaux"
    assert Site.objects.get(slug="fs-4").organisation.name == "Structure porteuse – fs-4"
    assert set(Organisation.objects.administrations().values_list("slug", flat=True)) == {
        "la-poste",
        "caf",
    }
