"""The vendored INSEE reference, loaded once for this module (≈1.5 s)."""

from __future__ import annotations

import gzip
import json

import pytest

from parvis.territories import selectors
from parvis.territories.models import (
    Commune,
    CommuneAlias,
    Departement,
    ReferenceVintage,
    Region,
)
from parvis.territories.services import REFERENCE_FILE, reference_data, territories_load


def _wipe() -> None:
    CommuneAlias.objects.all().delete()
    Commune.objects.all().delete()
    Departement.objects.all().delete()
    Region.objects.all().delete()
    ReferenceVintage.objects.all().delete()


@pytest.fixture(scope="module")
def reference(django_db_setup, django_db_blocker):
    """The real reference, committed outside the tests' transactions, wiped afterwards."""
    with django_db_blocker.unblock():
        _wipe()
        counts = territories_load()
        yield counts
        _wipe()


def test_vendored_file_is_small_and_records_its_vintage():
    assert REFERENCE_FILE.stat().st_size < 3 * 1024 * 1024
    data = json.loads(gzip.decompress(REFERENCE_FILE.read_bytes()))
    assert data["source"] == "@etalab/decoupage-administratif"
    assert data["version"].startswith("6.")
    assert data["cog_year"] >= 2026
    codes = [row[0] for row in data["communes"]]
    assert len(codes) == len(set(codes)) > 34_000


@pytest.mark.django_db
def test_load_counts_and_vintage(reference):
    data = reference_data()
    assert reference == {
        "regions": 18,
        "departements": len(data["departements"]),
        "communes": len(data["communes"]),
        "aliases": len(data["aliases"]),
    }
    vintage = ReferenceVintage.objects.get(dataset="insee-cog")
    assert vintage.version == data["version"]
    assert vintage.details["cog_year"] == data["cog_year"]


@pytest.mark.django_db
def test_loading_again_is_idempotent(reference, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):  # the vintage matches: skipped
        assert territories_load() == reference
    assert territories_load(force=True) == reference  # full rewrite, same rows
    assert Commune.objects.values("code").distinct().count() == reference["communes"]
    assert not Commune.objects.filter(search_key="").exists()
    bordeaux = Commune.objects.get(code="33063")
    assert bordeaux.name == "Bordeaux"
    assert bordeaux.sort_key.startswith("bordeaux")
    assert "33000" in bordeaux.postcodes
    assert bordeaux.population > 200_000


@pytest.mark.django_db
def test_delegated_and_former_codes_resolve_to_the_current_commune(reference):
    delegated = (
        CommuneAlias.objects.filter(kind=CommuneAlias.Kind.DELEGATED)
        .exclude(code__in=Commune.objects.values("code"))
        .first()
    )
    commune, alias = selectors.resolve_commune(delegated.code)
    assert alias == delegated
    assert commune == delegated.commune

    former = CommuneAlias.objects.filter(kind=CommuneAlias.Kind.FORMER).first()
    commune, alias = selectors.resolve_commune(former.code)
    assert alias.kind == CommuneAlias.Kind.FORMER and commune == former.commune

    # Annecy absorbed Annecy-le-Vieux (74010) in 2017.
    commune, alias = selectors.resolve_commune("74010")
    assert commune.code == "74010" or (commune.name == "Annecy" and alias is not None)

    paris, arrondissement = selectors.resolve_commune("75115")
    assert paris.code == "75056"
    assert arrondissement.kind == CommuneAlias.Kind.MUNICIPAL_ARRONDISSEMENT

    assert selectors.resolve_commune("99999") is None


@pytest.mark.django_db
def test_overseas_flags_and_time_zones(reference):
    gironde = Departement.objects.get(code="33")
    assert (gironde.timezone, gironde.is_overseas) == ("Europe/Paris", False)
    assert gironde.region_id == "75"
    assert Departement.objects.get(code="2A").timezone == "Europe/Paris"
    assert Departement.objects.get(code="57").holiday_subdivision == "57"
    assert Departement.objects.get(code="67").holiday_subdivision == "6AE"
    for code, zone in {
        "971": "America/Guadeloupe",
        "972": "America/Martinique",
        "973": "America/Cayenne",
        "974": "Indian/Reunion",
        "976": "Indian/Mayotte",
    }.items():
        drom = Departement.objects.get(code=code)
        assert drom.timezone == zone
        assert drom.is_overseas and not drom.is_collectivity
        assert drom.region.is_overseas
        assert drom.holiday_subdivision == code
    for code, zone in {
        "975": "America/Miquelon",
        "977": "America/St_Barthelemy",
        "978": "America/Marigot",
        "986": "Pacific/Wallis",
        "987": "Pacific/Tahiti",
        "988": "Pacific/Noumea",
    }.items():
        com = Departement.objects.get(code=code)
        assert com.timezone == zone
        assert com.is_collectivity and com.is_overseas and com.region is None
    assert Commune.objects.get(code="98735").departement.timezone == "Pacific/Tahiti"
    # Collectivités are out of région aggregates.
    assert sum(r.departement_count for r in selectors.regions_list()) == 101
    assert not Region.objects.filter(code__in=["975", "987"]).exists()


@pytest.mark.django_db
def test_search_the_real_reference(reference):
    names = [c.name for c in selectors.communes_search(q="saint etienne")[:5]]
    assert names[0] == "Saint-Étienne"
    assert "Saint-Étienne-au-Mont" in [c.name for c in selectors.communes_search(q="st etienne")]
    assert selectors.communes_search(q="bordeaux")[0].code == "33063"
    assert "33063" in [c.code for c in selectors.communes_search(q="33000")]
    assert [c.code for c in selectors.communes_search(q="2a004")] == ["2A004"]
    ecully = [c.name for c in selectors.communes_search(q="ecu", departement="69")]
    assert ecully == ["Écully"]
