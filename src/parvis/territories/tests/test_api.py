"""Public territories API: lists, search, one commune by current or former code."""

from __future__ import annotations

import pytest
from django.test import Client

from parvis.territories.models import CommuneAlias
from parvis.territories.tests.factories import (
    CommuneAliasFactory,
    CommuneFactory,
    DepartementFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/territoires"
PROBLEM = "application/problem+json"


@pytest.fixture
def client() -> Client:
    return Client()


@pytest.fixture
def territory():
    gironde = DepartementFactory()
    bordeaux = CommuneFactory(
        code="33063",
        name="Bordeaux",
        departement=gironde,
        postcodes=["33000", "33100", "33200", "33300", "33800"],
        population=261_804,
    )
    CommuneFactory(code="33069", name="Le Bouscat", departement=gironde, postcodes=["33110"])
    loire = DepartementFactory(
        code="42", name="Loire", region=RegionFactory(code="84", name="Auvergne-Rhône-Alpes")
    )
    CommuneFactory(
        code="42218", name="Saint-Étienne", departement=loire, postcodes=["42000", "42100"]
    )
    CommuneFactory(code="42207", name="Saint-Chamond", departement=loire, postcodes=["42400"])
    CommuneFactory(code="42005", name="Andrézieux-Bouthéon", departement=loire, postcodes=["42160"])
    DepartementFactory(polynesie=True)
    DepartementFactory(reunion=True)
    annecy = CommuneFactory(
        code="74010",
        name="Annecy",
        departement=DepartementFactory(
            code="74", name="Haute-Savoie", region=RegionFactory(code="84")
        ),
        postcodes=["74000"],
    )
    CommuneAliasFactory(code="74011", name="Annecy-le-Vieux", commune=annecy)
    CommuneAliasFactory(code="74268", name="", kind=CommuneAlias.Kind.FORMER, commune=annecy)
    return {"bordeaux": bordeaux, "annecy": annecy}


def test_regions_and_departements(client, territory):
    regions = client.get(f"{API}/regions").json()
    assert [r["code"] for r in regions] == ["84", "04", "75"]  # French order of names
    assert {r["code"]: r["departement_count"] for r in regions} == {"84": 2, "04": 1, "75": 1}

    departements = client.get(f"{API}/departements").json()
    assert [d["code"] for d in departements] == ["33", "42", "74", "974", "987"]
    polynesie = departements[-1]
    assert polynesie["region"] is None and polynesie["is_collectivity"]
    assert polynesie["timezone"] == "Pacific/Tahiti"
    assert polynesie["holiday_subdivision"] == "PF"

    in_region = client.get(f"{API}/departements", {"region": "84"}).json()
    assert [d["code"] for d in in_region] == ["42", "74"]
    response = client.get(f"{API}/departements", {"region": "x"})
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM


def test_one_departement_and_its_holidays(client, territory):
    reunion = client.get(f"{API}/departements/974").json()
    assert reunion["timezone"] == "Indian/Reunion" and reunion["is_overseas"]
    assert reunion["holiday_subdivision"] == "974"
    holidays = client.get(f"{API}/departements/974/jours-feries", {"annee": 2025}).json()
    assert {"date": "2025-12-20", "name": "Abolition de l'esclavage"} in holidays["holidays"]
    assert holidays["year"] == 2025

    assert client.get(f"{API}/departements/2a").status_code == 404  # valid, absent here
    missing = client.get(f"{API}/departements/99")
    assert missing.status_code == 404 and missing["Content-Type"] == PROBLEM
    assert missing.json()["code"] == "not_found"
    malformed = client.get(f"{API}/departements/abc")
    assert malformed.status_code == 422 and malformed["Content-Type"] == PROBLEM
    assert malformed.json()["code"] == "validation_error"
    assert malformed.json()["errors"][0]["field"] == "path.code"
    assert client.get(f"{API}/departements/33/jours-feries", {"annee": 1}).status_code == 422


def test_commune_search_is_accent_insensitive_and_paginated(client, territory):
    body = client.get(f"{API}/communes", {"q": "saint etienne"}).json()
    assert [c["name"] for c in body["results"]] == ["Saint-Étienne"]
    body = client.get(f"{API}/communes", {"q": "SAINT"}).json()
    assert [c["name"] for c in body["results"]] == ["Saint-Chamond", "Saint-Étienne"]
    body = client.get(f"{API}/communes", {"q": "andre"}).json()
    assert [c["code"] for c in body["results"]] == ["42005"]
    body = client.get(f"{API}/communes", {"q": "annecy-le"}).json()  # a déléguée's name
    assert [c["code"] for c in body["results"]] == ["74010"]
    body = client.get(f"{API}/communes", {"q": "33110"}).json()
    assert [c["name"] for c in body["results"]] == ["Le Bouscat"]
    body = client.get(f"{API}/communes", {"postcode": "33800"}).json()
    assert [c["name"] for c in body["results"]] == ["Bordeaux"]
    body = client.get(f"{API}/communes", {"departement": "42", "page_size": 2, "page": 2}).json()
    assert (body["count"], body["pages"], body["page"]) == (3, 2, 2)
    assert [c["name"] for c in body["results"]] == ["Saint-Étienne"]
    assert body["results"][0]["timezone"] == "Europe/Paris"
    response = client.get(f"{API}/communes", {"page_size": 100_000})
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM


def test_commune_by_current_code(client, territory):
    response = client.get(f"{API}/communes/33063")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Bordeaux" and body["departement"] == "33"
    assert body["requested_code"] == "33063" and body["resolved_from"] is None


def test_commune_by_delegated_or_former_code_says_so(client, territory):
    body = client.get(f"{API}/communes/74011").json()
    assert body["code"] == "74010" and body["requested_code"] == "74011"
    assert body["resolved_from"] == {
        "code": "74011",
        "name": "Annecy-le-Vieux",
        "kind": "deleguee",
        "kind_label": "commune déléguée",
    }
    assert client.get(f"{API}/communes/74268").json()["resolved_from"]["kind"] == "ancienne"


def test_commune_errors_are_problem_details(client, territory):
    missing = client.get(f"{API}/communes/33999")
    assert missing.status_code == 404 and missing["Content-Type"] == PROBLEM
    assert missing.json()["code"] == "not_found"
    assert "33999" in missing.json()["detail"]
    for malformed in ("3306", "abcde", "330633"):
        response = client.get(f"{API}/communes/{malformed}")
        assert response.status_code == 422, malformed
        assert response["Content-Type"] == PROBLEM
        assert response.json()["code"] == "validation_error"
        assert response.json()["errors"][0]["field"] == "path.code"


def test_operations_are_public_and_document_their_errors():
    from parvis.api.root import api

    paths = api.get_openapi_schema()["paths"]
    territory_paths = {p: item for p, item in paths.items() if p.startswith(API)}
    assert len(territory_paths) == 6
    for path, item in territory_paths.items():
        operation = item["get"]
        assert "security" not in operation or operation["security"] == [], path
    responses = {str(status) for status in paths[f"{API}/communes/{{code}}"]["get"]["responses"]}
    assert {"404", "422"} <= responses
