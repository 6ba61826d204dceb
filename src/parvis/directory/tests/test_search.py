"""A directory that never dead-ends: communes however typed, a commune inside the name
field, contact centres found by their coverage, competent services and nearest sites."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parvis.directory import selectors, services
from parvis.directory.models import Site
from parvis.directory.tests.factories import (
    LocalServiceFactory,
    OrganisationFactory,
    SiteFactory,
)
from parvis.territories.models import CommuneAlias
from parvis.territories.tests.factories import (
    CommuneAliasFactory,
    CommuneFactory,
    DepartementFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def auvergne_rhone_alpes():
    return RegionFactory(code="84", name="Auvergne-Rhône-Alpes")


@pytest.fixture
def loire(auvergne_rhone_alpes):
    return DepartementFactory(code="42", name="Loire", region=auvergne_rhone_alpes)


@pytest.fixture
def rhone(auvergne_rhone_alpes):
    return DepartementFactory(code="69", name="Rhône", region=auvergne_rhone_alpes)


@pytest.fixture
def saint_etienne(loire):
    CommuneFactory(
        code="76575",
        name="Saint-Étienne-du-Rouvray",
        departement=DepartementFactory(code="76", name="Seine-Maritime"),
        population=28000,
    )
    CommuneFactory(code="42279", name="Saint-Chamond", departement=loire, population=35000)
    return CommuneFactory(
        code="42218",
        name="Saint-Étienne",
        departement=loire,
        postcodes=["42000", "42100"],
        population=173136,
    )


@pytest.fixture
def lyon(rhone):
    return CommuneFactory(code="69123", name="Lyon", departement=rhone, population=519127)


@pytest.fixture
def evry():
    """The COG of 2026: Évry merged into Évry-Courcouronnes (91228, the code of the former
    Évry); the small Évry of the Yonne and Évry-Grégy-sur-Yerre keep their names."""
    essonne = DepartementFactory(
        code="91", name="Essonne", region=RegionFactory(code="11", name="Île-de-France")
    )
    merged = CommuneFactory(
        code="91228",
        name="Évry-Courcouronnes",
        departement=essonne,
        postcodes=["91000", "91080"],
        population=66919,
    )
    CommuneAliasFactory(code="91182", name="", kind=CommuneAlias.Kind.FORMER, commune=merged)
    CommuneFactory(
        code="89162",
        name="Évry",
        departement=DepartementFactory(code="89", name="Yonne"),
        population=402,
    )
    CommuneFactory(
        code="77175",
        name="Évry-Grégy-sur-Yerre",
        departement=DepartementFactory(code="77", name="Seine-et-Marne"),
        population=3321,
    )
    return merged


@pytest.fixture
def caf():
    return OrganisationFactory(
        slug="caf", name="Caisse d'allocations familiales (CAF)", short_name="CAF"
    )


def _contact_centre(name, commune, organisation, *, coverage, departements=()):
    return services.site_create(
        actor=None,
        kind=Site.Kind.CONTACT_CENTRE,
        name=name,
        commune=commune,
        organisation=organisation,
        coverage=coverage,
        covered_departements=departements,
        phone="32 30",
    )


# --- Communes, however typed -------------------------------------------------------------


@pytest.mark.parametrize("typed", ["saint etienne", "St-Étienne", "ST ETIENNE", "Saint-Étienne"])
def test_saint_etienne_is_found_however_typed(saint_etienne, typed):
    assert list(selectors.communes_matching(typed)) == [saint_etienne]


def test_a_longer_name_counts_only_when_it_is_the_bigger_town(saint_etienne, evry):
    # « saint etienne » does not bring Saint-Étienne-du-Rouvray (smaller than Saint-Étienne)…
    assert "76575" not in selectors.communes_matching("saint etienne").values_list(
        "code", flat=True
    )
    # …but « evry » brings Évry-Courcouronnes, far bigger than the Évry of the Yonne.
    found = selectors.communes_matching("evry").order_by("-population")
    assert [c.name for c in found] == ["Évry-Courcouronnes", "Évry-Grégy-sur-Yerre", "Évry"]
    assert list(selectors.communes_matching("Évry-Courcouronnes")) == [evry]
    assert list(selectors.communes_matching("91000")) == [evry]
    assert list(selectors.communes_matching("91182")) == [evry]  # former code of Courcouronnes


def test_words_that_begin_many_names_designate_no_commune(saint_etienne):
    assert not selectors.communes_matching("saint").exists()
    assert not selectors.communes_matching("st").exists()


def test_a_delegated_commune_name_leads_to_its_commune(saint_etienne):
    CommuneAliasFactory(
        code="42190", name="Rochetaillée", kind=CommuneAlias.Kind.ASSOCIATED, commune=saint_etienne
    )
    assert list(selectors.communes_matching("rochetaillee")) == [saint_etienne]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("caf bordeaux", ("caf", "bordeaux")),
        ("Bordeaux CAF", ("CAF", "Bordeaux")),
        ("bordeaux", ("", "bordeaux")),
        ("caf st etienne", ("caf", "st etienne")),  # the longest name, not « etienne »
        ("accueil caf", None),
        ("", None),
    ],
)
def test_a_commune_is_found_inside_the_name_field(bordeaux, saint_etienne, typed, expected):
    CommuneFactory(code="33999", name="Étienne")  # a decoy that a short match would take
    assert selectors.split_commune(typed) == expected


def test_organisations_are_recognised_by_the_words_of_their_names(caf):
    OrganisationFactory(slug="cpam", name="Assurance Maladie (CPAM)", short_name="CPAM")
    assert selectors.organisation_named("caf") == caf
    assert selectors.organisation_named("Allocations familiales") == caf
    assert selectors.organisation_named("assurance maladie").slug == "cpam"
    assert selectors.organisation_named("accueil") is None
    assert selectors.organisation_named("") is None


# --- Contact centres are found by their coverage, not by their commune ---------------------


def test_contact_centres_are_found_by_coverage(bordeaux, saint_etienne, lyon, loire, caf):
    national = _contact_centre("Centre national", bordeaux, caf, coverage=Site.Coverage.NATIONAL)
    regional = _contact_centre(
        "Plateforme Rhône-Alpes",
        lyon,
        caf,
        coverage=Site.Coverage.DEPARTEMENTS,
        departements=[loire, lyon.departement],
    )
    in_bordeaux = SiteFactory(commune=bordeaux, name="Accueil Bastide")

    assert set(selectors.sites_search(commune="saint etienne")) == {national, regional}
    assert set(selectors.sites_search(commune="bordeaux")) == {national, in_bordeaux}
    assert list(selectors.sites_search(commune="bordeaux", local_only=True)) == [in_bordeaux]
    assert set(selectors.sites_search(departement=loire)) == {national, regional}
    assert set(selectors.sites_serving(loire)) == {national, regional}
    assert list(selectors.sites_serving(bordeaux.departement)) == [national]
    assert not selectors.sites_search(commune="introuvable").exists()


# --- The search of the public page ---------------------------------------------------------


@pytest.mark.parametrize("typed", ["saint etienne", "St-Étienne", "ST ETIENNE"])
def test_a_commune_without_site_gets_competent_services_and_the_nearest_sites(
    saint_etienne, lyon, loire, bordeaux, caf, typed
):
    caf_loire = LocalServiceFactory(
        organisation=caf, name="CAF de la Loire", main_departement=loire
    )
    national = _contact_centre("Centre national", bordeaux, caf, coverage=Site.Coverage.NATIONAL)
    in_lyon = SiteFactory(commune=lyon, name="Accueil CAF du Rhône")
    SiteFactory(commune=bordeaux, name="Accueil de Bordeaux")  # another région

    found = selectors.directory_search(commune=typed)

    assert found.commune == saint_etienne and not found.unknown_commune
    assert list(found.local_services) == [caf_loire]
    assert list(found.serving_sites) == [national]
    assert not found.sites.exists()
    assert found.nearest.scope == "region"
    assert found.nearest.area == "Auvergne-Rhône-Alpes"
    assert found.nearest.sites == [in_lyon]


def test_nearest_sites_are_those_of_the_departement_first(saint_etienne, lyon, loire):
    SiteFactory(commune=lyon, name="Accueil de Lyon")
    chamond = CommuneFactory(code="42279")  # Saint-Chamond, Loire
    in_loire = SiteFactory(commune=chamond, name="Accueil de Saint-Chamond")
    nearest = selectors.nearest_sites(saint_etienne)
    assert (nearest.scope, nearest.area, nearest.sites) == ("departement", "Loire", [in_loire])


def test_no_site_in_the_region_either_is_said_not_invented(evry, bordeaux):
    SiteFactory(commune=bordeaux)
    found = selectors.directory_search(commune="evry")
    assert found.commune == evry
    assert [c.name for c in found.other_communes] == ["Évry-Grégy-sur-Yerre", "Évry"]
    assert found.nearest is None


def test_caf_bordeaux_splits_into_an_organisation_and_a_commune(bordeaux, gironde, caf):
    caf_gironde = LocalServiceFactory(
        organisation=caf, name="CAF de la Gironde", main_departement=gironde
    )
    LocalServiceFactory(name="CPAM de la Gironde", main_departement=gironde)
    counter = SiteFactory(local_service=caf_gironde, commune=bordeaux, name="Accueil Bastide")
    SiteFactory(commune=bordeaux, name="Accueil CPAM")
    partner = SiteFactory(france_services=True, commune=bordeaux, name="France Services Bastide")
    partner.partners.add(caf)
    national = _contact_centre("Centre national", bordeaux, caf, coverage=Site.Coverage.NATIONAL)

    found = selectors.directory_search(q="caf bordeaux")

    assert (found.commune, found.organisation) == (bordeaux, caf)
    assert found.commune_in_name and found.organisation_in_name and found.words == ""
    assert set(found.sites) == {counter, partner}
    assert list(found.local_services) == [caf_gironde]
    assert list(found.serving_sites) == [national]
    assert found.nearest is None


def test_a_site_named_after_a_commune_is_still_found_by_its_name(bordeaux, saint_etienne):
    site = SiteFactory(commune=bordeaux, name="France Services Saint-Étienne-de-Baïgorry")
    found = selectors.directory_search(q="baigorry saint etienne")
    assert found.commune == saint_etienne
    assert list(found.sites) == [site]


def test_an_unknown_commune_is_reported_as_such(bordeaux):
    found = selectors.directory_search(commune="Bordeau")
    assert found.unknown_commune and found.commune is None
    assert not found.sites.exists() and found.nearest is None


# --- The public page -------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["saint etienne", "St-Étienne", "ST ETIENNE"])
def test_the_page_answers_for_saint_etienne_without_a_site_there(
    client, saint_etienne, lyon, bordeaux, caf, typed
):
    _contact_centre("Centre national de la CAF", bordeaux, caf, coverage=Site.Coverage.NATIONAL)
    SiteFactory(commune=lyon, name="Accueil CAF du Rhône")
    response = client.get(reverse("directory:search"), {"commune": typed})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Saint-Étienne" in html and "(Loire, 42)" in html
    assert "Services compétents pour Saint-Étienne" in html
    assert "Centre national de la CAF" in html and "Répond à distance pour toute la France" in html
    assert "Aucun lieu d’accueil référencé dans la commune" in html
    assert "Lieux d’accueil de la même région (Auvergne-Rhône-Alpes)" in html
    assert "ne connaît pas les distances entre communes" in html
    assert "Accueil CAF du Rhône" in html
    assert "Vérifiez l’orthographe" not in html


@pytest.mark.parametrize("typed", ["evry", "Évry-Courcouronnes", "EVRY COURCOURONNES"])
def test_the_page_answers_for_evry(client, evry, bordeaux, caf, typed):
    _contact_centre("Centre national de la CAF", bordeaux, caf, coverage=Site.Coverage.NATIONAL)
    html = client.get(reverse("directory:search"), {"commune": typed}).content.decode()
    assert "Évry-Courcouronnes" in html and "(Essonne, 91)" in html
    assert "Services compétents pour Évry-Courcouronnes" in html
    assert "Centre national de la CAF" in html
    assert "Vérifiez l’orthographe" not in html
    if typed == "evry":  # the other Évry are one click away
        assert "commune=89162" in html and "Évry (Yonne, 89)" in html


def test_the_name_field_finds_a_town(client, bordeaux, gironde, caf):
    caf_gironde = LocalServiceFactory(
        organisation=caf, name="CAF de la Gironde", main_departement=gironde
    )
    SiteFactory(local_service=caf_gironde, commune=bordeaux, name="Accueil Bastide")
    response = client.get(reverse("directory:search"), {"q": "caf bordeaux"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Commune reconnue dans le nom saisi" in html
    assert "CAF de la Gironde" in html and "Accueil Bastide" in html
    assert "1 lieu d’accueil dans la commune" in html


def test_an_unknown_commune_offers_the_communes_that_start_so(client, bordeaux):
    html = client.get(reverse("directory:search"), {"commune": "Bordeau"}).content.decode()
    assert "Aucune commune ne s’appelle « Bordeau »" in html
    assert "commune=33063" in html
    html = client.get(reverse("directory:search"), {"commune": "Xyzzy"}).content.decode()
    assert "Vérifiez l’orthographe de la commune" in html


def test_the_second_page_keeps_only_the_sites(client, bordeaux, caf):
    _contact_centre("Centre national de la CAF", bordeaux, caf, coverage=Site.Coverage.NATIONAL)
    for index in range(25):
        SiteFactory(commune=bordeaux, name=f"Lieu {index:02d}")
    html = client.get(
        reverse("directory:search"), {"commune": "bordeaux", "page": "2"}
    ).content.decode()
    assert "Lieu 24" in html and "Services compétents" not in html
