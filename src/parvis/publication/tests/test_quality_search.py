"""The search of /resultats/: a visitor finds the results page of a local service or a
France Services site by its name, its commune or its département, whatever the accents
and capitals they type, listed in French order."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from parvis.directory.tests.factories import LocalServiceFactory, OrganisationFactory, SiteFactory
from parvis.territories.tests.factories import CommuneFactory, DepartementFactory

pytestmark = pytest.mark.django_db
INDEX = reverse("publication:quality_index")


@pytest.fixture
def places():
    gironde = DepartementFactory(code="33", name="Gironde")
    rhone = DepartementFactory(code="69", name="Rhône")
    caf = OrganisationFactory(slug="caf", name="Caisse d’allocations familiales")
    for name, slug, departement in [
        ("CAF de la Gironde", "caf-33", gironde),
        ("CAF du Rhône", "caf-69", rhone),
        ("CAF Ermont", "caf-ermont", gironde),
        ("CAF Écully", "caf-ecully", rhone),
    ]:
        LocalServiceFactory(organisation=caf, name=name, slug=slug, main_departement=departement)
    LocalServiceFactory(organisation=caf, name="CAF fermée", slug="caf-x", is_active=False)
    ecully = CommuneFactory(code="69081", name="Écully", departement=rhone)
    SiteFactory(france_services=True, name="Maison du Lyonnais", slug="fs-ecully", commune=ecully)


def _search(client, q: str) -> str:
    response = client.get(INDEX, {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def _found(html: str) -> list[str]:
    section = html.split('id="recherche"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<li><a href="[^"]+">([^<]+)</a>', section)


def test_the_search_is_a_labelled_search_form(client, places):
    html = client.get(INDEX).content.decode()
    assert '<form method="get" action="/resultats/" role="search"' in html
    assert re.search(r'<label for="id_q" class="fr-label">\s*Rechercher un service local', html)
    assert re.search(r'<input type="search" name="q"[^>]*aria-describedby="id_q_helptext"', html)
    assert 'id="recherche"' not in html  # no search yet, no results section


def test_names_match_without_accents_or_capitals_in_french_order(client, places):
    assert _found(_search(client, "caf")) == [
        "CAF de la Gironde",
        "CAF du Rhône",
        "CAF Écully",  # « É » with the E's, before « Ermont »
        "CAF Ermont",
    ]
    # By its name (« CAF du Rhône ») and by the département it names (the Rhône's others).
    assert _found(_search(client, "RHONE")) == ["CAF du Rhône", "CAF Écully", "Maison du Lyonnais"]
    assert _found(_search(client, "caf gironde")) == ["CAF de la Gironde"]


def test_a_departement_number_or_a_commune_finds_its_places(client, places):
    html = _search(client, "69")
    assert _found(html) == ["CAF du Rhône", "CAF Écully", "Maison du Lyonnais"]
    assert "2 services locaux et 1 espace France Services" in html
    html = _search(client, "ecully")
    assert _found(html) == ["CAF Écully", "Maison du Lyonnais"]
    assert 'href="/resultats/caf/service/caf-ecully/"' in html
    assert 'href="/resultats/france-services/fs-ecully/"' in html


def test_nothing_found_says_so_and_what_to_try(client, places):
    html = _search(client, "fermée")
    assert _found(html) == []
    assert "aucun résultat" in html and "Vérifiez l’orthographe" in html


def test_an_overlong_search_is_refused_with_a_message(client, places):
    html = _search(client, "x" * 101)
    assert 'id="recherche"' not in html
    assert "fr-input-group--error" in html
