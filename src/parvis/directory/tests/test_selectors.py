"""Public search: French order, accent-insensitive names, communes by name, postcode, code."""

from __future__ import annotations

import pytest

from parvis.directory import selectors, services
from parvis.directory.models import Site
from parvis.directory.tests.factories import LocalServiceFactory, OrganisationFactory, SiteFactory
from parvis.territories.models import CommuneAlias
from parvis.territories.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def _site(name, commune, **kwargs):
    kwargs.setdefault("local_service", LocalServiceFactory())
    return services.site_create(
        actor=None, kind=kwargs.pop("kind", Site.Kind.COUNTER), name=name, commune=commune, **kwargs
    )


def test_sites_sort_in_french_order(bordeaux):
    for name in ("Foix", "Écully", "Eaubonne", "eysines", "Ecouen", "Abbeville"):
        _site(name, bordeaux)
    names = [site.name for site in selectors.sites_search()]
    assert names == ["Abbeville", "Eaubonne", "Ecouen", "Écully", "eysines", "Foix"]
    assert names.index("Eaubonne") < names.index("Écully") < names.index("Foix")


def test_local_services_sort_in_french_order(gironde):
    organisation = OrganisationFactory()
    for name in ("Foix", "Écully", "Eaubonne"):
        services.local_service_create(
            actor=None, organisation=organisation, name=name, departements=[gironde]
        )
    assert [s.name for s in selectors.local_services_search()] == ["Eaubonne", "Écully", "Foix"]


def test_name_search_ignores_accents_case_and_word_order(bordeaux):
    _site("Maison France Services de Saint-Étienne-de-Baïgorry", bordeaux)
    _site("Accueil de Mérignac", bordeaux)
    assert [s.name for s in selectors.sites_search(q="merignac")] == ["Accueil de Mérignac"]
    assert [s.name for s in selectors.sites_search(q="MÉRIGNAC")] == ["Accueil de Mérignac"]
    assert selectors.sites_search(q="baigorry saint etienne").count() == 1
    assert selectors.sites_search(q="lyon").count() == 0


def test_search_by_commune_postcode_insee_code_former_code_and_name(bordeaux, saint_denis):
    in_bordeaux = _site("Accueil Bastide", bordeaux, postcode="33100")
    in_saint_denis = _site("Accueil du Barachois", saint_denis)
    CommuneAlias.objects.create(
        code="33999", name="Ancienne commune", kind="ancienne", commune=bordeaux
    )
    assert list(selectors.sites_search(commune="33200")) == [in_bordeaux]  # commune's postcode
    assert list(selectors.sites_search(commune="33063")) == [in_bordeaux]  # INSEE code
    assert list(selectors.sites_search(commune="33999")) == [in_bordeaux]  # former code
    assert list(selectors.sites_search(commune="97400")) == [in_saint_denis]
    assert list(selectors.sites_search(commune="saint denis")) == [in_saint_denis]
    assert list(selectors.sites_search(commune="Saint-Dénis")) == [in_saint_denis]
    assert list(selectors.sites_search(commune="Saint")) == []  # whole names only
    assert list(selectors.sites_search(commune="75001")) == []


def test_a_site_postcode_matches_even_if_the_commune_lacks_it(gironde):
    commune = CommuneFactory(code="33318", name="Pessac", departement=gironde, postcodes=[])
    site = _site("Accueil de Pessac", commune, postcode="33600")
    assert list(selectors.sites_search(commune="33600")) == [site]


def test_sites_filter_by_organisation_including_partner_sites_departement_and_kind(
    bordeaux, saint_denis, reunion
):
    caf = OrganisationFactory(slug="caf")
    caf_counter = _site(
        "Accueil CAF", bordeaux, local_service=LocalServiceFactory(organisation=caf)
    )
    france_services = _site(
        "France Services Le Port",
        saint_denis,
        kind=Site.Kind.FRANCE_SERVICES,
        local_service=None,
        organisation=OrganisationFactory(operator=True),
        partners=[caf],
    )
    _site("Accueil CPAM", bordeaux)
    assert list(selectors.sites_search(organisation=caf)) == [caf_counter, france_services]
    assert list(selectors.sites_search(departement=reunion)) == [france_services]
    assert list(selectors.sites_search(kind=Site.Kind.FRANCE_SERVICES)) == [france_services]
    assert list(selectors.sites_search(organisation=caf, kind=Site.Kind.COUNTER)) == [caf_counter]


def test_inactive_rows_are_not_public(bordeaux):
    SiteFactory(
        commune=bordeaux, is_active=False, local_service=LocalServiceFactory(is_active=False)
    )
    assert not selectors.sites_search().exists()
    assert not selectors.local_services_search().exists()


def test_local_services_by_departement_and_commune(gironde, reunion, saint_denis):
    organisation = OrganisationFactory()
    caf33 = services.local_service_create(
        actor=None, organisation=organisation, name="CAF de la Gironde", departements=[gironde]
    )
    caf974 = services.local_service_create(
        actor=None, organisation=organisation, name="CAF de La Réunion", departements=[reunion]
    )
    assert list(selectors.local_services_search(departement=reunion)) == [caf974]
    assert list(selectors.local_services_search(commune="97411")) == [caf974]
    assert list(selectors.local_services_search(q="gironde")) == [caf33]
    assert list(selectors.local_services_search(q="reunion", organisation=organisation)) == [caf974]


def test_site_search_has_no_n_plus_one(bordeaux, django_assert_num_queries):
    for index in range(5):
        site = SiteFactory(
            commune=bordeaux,
            france_services=True,
            name=f"France Services {index}",
        )
        site.partners.add(OrganisationFactory())
    with django_assert_num_queries(4):  # sites, channels, partners, covered départements
        for site in selectors.sites_search():
            _ = (
                site.commune.departement.timezone,
                list(site.partners.all()),
                list(site.channels.all()),
                site.organisation,
            )
