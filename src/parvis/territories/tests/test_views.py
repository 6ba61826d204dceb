"""Public pages: the départements and the public holidays of one of them."""

from __future__ import annotations

import pytest
from django.test import Client

from parvis.territories.tests.factories import DepartementFactory

pytestmark = pytest.mark.django_db


def test_departement_list_links_to_each_departement(django_assert_max_num_queries):
    DepartementFactory()
    DepartementFactory(polynesie=True)
    with django_assert_max_num_queries(12):
        response = Client().get("/territoires/")
    assert response.status_code == 200
    assert 'href="/territoires/departements/987/"' in response.text
    assert "Pacific/Tahiti" in response.text


def test_moselle_page_shows_its_own_holidays():
    DepartementFactory(moselle=True)
    response = Client().get("/territoires/departements/57/", {"annee": 2025})
    assert response.status_code == 200
    assert "Vendredi saint" in response.text and "Saint-Étienne" in response.text
    assert 'datetime="2025-12-26"' in response.text
    assert 'href="?annee=2026"' in response.text


def test_mainland_page_has_neither_and_bad_years_fall_back():
    DepartementFactory()
    response = Client().get("/territoires/departements/33/", {"annee": "2025"})
    assert "Vendredi saint" not in response.text and "Fête nationale" in response.text
    for year in ("abc", "99999"):
        assert Client().get("/territoires/departements/33/", {"annee": year}).status_code == 200


@pytest.mark.parametrize("code", ["99", "abc", "9999"])
def test_unknown_departement_is_a_404(code):
    DepartementFactory()
    assert Client().get(f"/territoires/departements/{code}/").status_code == 404
