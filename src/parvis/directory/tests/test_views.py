"""Public pages of the directory: content, accessibility markers, bad input, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from parvis.directory import services
from parvis.directory.models import Site
from parvis.directory.tests.factories import (
    ChannelFactory,
    LocalServiceFactory,
    MotifFactory,
    OrganisationFactory,
    SiteFactory,
)

pytestmark = pytest.mark.django_db
T = dt.time


@pytest.fixture
def caf():
    return OrganisationFactory(slug="caf", name="Caisse d’allocations familiales", short_name="CAF")


@pytest.fixture
def france_services(saint_denis, caf):
    site = services.site_create(
        actor=None,
        kind=Site.Kind.FRANCE_SERVICES,
        name="France Services du Barachois",
        commune=saint_denis,
        address="1 rue de Paris",
        postcode="97400",
        organisation=services.france_services_operator(actor=None, name="Commune de Saint-Denis"),
        partners=[caf],
        channels=[ChannelFactory(slug="guichet", label="Accueil physique")],
    )
    services.opening_hours_replace(
        actor=None, site=site, hours=[(day, T(8), T(12)) for day in range(5)]
    )
    return site


def test_organisation_list_in_french_order(client, django_assert_max_num_queries):
    for name in ("Foix", "Écully", "Eaubonne"):
        services_org = OrganisationFactory(name=name, slug=name.lower().replace("é", "e"))
        LocalServiceFactory(organisation=services_org)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("directory:organisation_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Eaubonne") < html.index("Écully") < html.index("Foix")
    assert "1 service local" in html


def test_organisation_detail_lists_motifs_and_local_services(
    client, caf, gironde, django_assert_max_num_queries
):
    MotifFactory(organisation=caf, label="Prime d’activité")
    for index in range(5):
        LocalServiceFactory(organisation=caf, name=f"CAF {index}", main_departement=gironde)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("directory:organisation_detail", args=["caf"]))
    assert response.status_code == 200
    assert "Prime d’activité" in response.content.decode()
    assert "CAF 4" in response.content.decode()
    assert "Gironde (33)" in response.content.decode()


def test_local_service_detail_shows_territory_and_sites(
    client, gironde, bordeaux, django_assert_max_num_queries
):
    local_service = LocalServiceFactory(name="CAF de la Gironde", main_departement=gironde)
    for index in range(4):
        SiteFactory(local_service=local_service, commune=bordeaux, name=f"Accueil {index}")
    with django_assert_max_num_queries(7):
        response = client.get(reverse("directory:local_service_detail", args=[local_service.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Territoire couvert" in html and "Gironde (33)" in html
    assert "Accueil 3" in html and "Bordeaux" in html


def test_site_detail_shows_hours_partners_and_status_in_local_time(
    client, france_services, django_assert_max_num_queries, monkeypatch
):
    # Monday 08:30 in Réunion is 05:30 in Paris: the page says open.
    monday = dt.datetime(2030, 1, 7, 4, 30, tzinfo=dt.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: monday)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("directory:site_detail", args=[france_services.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ouvert en ce moment" in html
    assert "Ouvert jusqu’à 12\xa0h" in html
    assert "il est 8\xa0h\xa030 sur place" in html
    assert "Indian/Reunion" in html
    assert "<caption>Horaires habituels" in html
    assert "8\xa0h à 12\xa0h" in html
    assert "Organismes partenaires" in html and "Caisse d’allocations familiales" in html
    assert "Accueil physique" in html


def test_site_detail_lists_upcoming_holidays_and_exceptions(client, france_services, monkeypatch):
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: dt.datetime(2030, 4, 15, 8, tzinfo=dt.UTC)
    )
    services.opening_exception_add(
        actor=None,
        site=france_services,
        date=dt.date(2030, 5, 1),
        is_closed=False,
        opens=T(9),
        closes=T(11),
        label="Permanence",
    )
    services.opening_exception_add(
        actor=None, site=france_services, date=dt.date(2030, 4, 17), label="Formation de l’équipe"
    )
    url = reverse("directory:site_detail", args=[france_services.slug])
    html = client.get(url).content.decode()
    assert "Lundi 22 avril 2030</strong> (Lundi de Pâques)\xa0:\n              fermé" in html
    assert "Mercredi 1er mai 2030</strong> (Fête du Travail)" in html
    assert "ouvert 9\xa0h à 11\xa0h — Permanence" in html
    assert "fermé — Formation de l’équipe" in html


def test_search_by_postcode_and_accentless_name(client, france_services, bordeaux):
    SiteFactory(name="Accueil de Bègles", commune=bordeaux)
    response = client.get(reverse("directory:search"), {"commune": "97400"})
    assert response.status_code == 200
    assert "France Services du Barachois" in response.content.decode()
    assert "Bègles" not in response.content.decode()
    response = client.get(reverse("directory:search"), {"q": "BEGLES"})
    assert "Accueil de Bègles" in response.content.decode()
    assert "1 lieu d’accueil trouvé" in response.content.decode()


def test_search_filters_by_organisation_partner_and_kind(client, france_services, caf):
    response = client.get(
        reverse("directory:search"), {"organisation": "caf", "kind": "france-services"}
    )
    assert response.status_code == 200
    assert "France Services du Barachois" in response.content.decode()


def test_search_empty_state_is_explicit(client, france_services):
    response = client.get(reverse("directory:search"), {"q": "introuvable"})
    assert response.status_code == 200
    assert "Aucun lieu d’accueil trouvé" in response.content.decode()
    assert "Aucun lieu ne porte ce nom." in response.content.decode()
    assert "caf bordeaux" in response.content.decode()  # how to search by commune


@pytest.mark.parametrize(
    "params", [{"organisation": "inconnu"}, {"kind": "chateau"}, {"q": "x" * 500}]
)
def test_search_with_a_malformed_filter_is_a_400_with_french_message(client, params):
    response = client.get(reverse("directory:search"), params)
    assert response.status_code == 400
    assert "La recherche n’a pas pu être lancée" in response.content.decode()


def test_search_paginates_with_query_count_independent_of_results(
    client, bordeaux, django_assert_max_num_queries
):
    for index in range(45):
        site = SiteFactory(commune=bordeaux, name=f"Lieu {index:02d}")
        site.channels.add(ChannelFactory(slug="guichet", label="Accueil physique"))
    # commune (2: the largest exact name, the candidates), count, site config,
    # organisations of the form, sites and their channels, partners, covered départements
    with django_assert_max_num_queries(9):
        response = client.get(reverse("directory:search"), {"commune": "Bordeaux", "page": "3"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Page 3 sur 3" in html and "Lieu 44" in html and "Lieu 00" not in html
    assert 'aria-label="Pagination"' in html or "fr-pagination" in html


@pytest.mark.parametrize("page", ["0", "abc", "-1"])
def test_an_unreadable_page_number_shows_the_first_page(client, page):
    SiteFactory()
    response = client.get(reverse("directory:search"), {"page": page})
    assert response.status_code == 200 and response.context["page_obj"].number == 1


def test_a_page_past_the_last_is_a_404(client):
    SiteFactory()
    response = client.get(reverse("directory:search"), {"page": "99"})
    assert response.status_code == 404
    assert "n’existe pas" in response.content.decode()


@pytest.mark.parametrize("url_name", ["organisation_detail", "local_service_detail", "site_detail"])
def test_unknown_slug_is_a_french_404(client, url_name):
    response = client.get(reverse(f"directory:{url_name}", args=["inconnu"]))
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_inactive_site_is_not_public(client):
    site = SiteFactory(is_active=False)
    assert client.get(reverse("directory:site_detail", args=[site.slug])).status_code == 404


def test_search_form_fields_have_labels(client):
    html = client.get(reverse("directory:search")).content.decode()
    for field in ("q", "commune", "organisation", "kind"):
        assert f'for="id_{field}"' in html


def test_site_page_shows_each_channel_with_its_detail(client, bordeaux, caf):
    site = services.site_create(
        actor=None,
        kind=Site.Kind.COUNTER,
        name="Accueil de la CAF",
        commune=bordeaux,
        organisation=caf,
        address="12 rue du Palais",
        postcode="33000",
        phone="05 56 00 00 00",
        website="https://www.caf.fr/contact",
        channels=[
            ChannelFactory(slug="guichet", label="Accueil physique"),
            ChannelFactory(slug="telephone", label="Téléphone"),
            ChannelFactory(slug="courriel", label="Courriel / formulaire"),
        ],
    )
    html = client.get(reverse("directory:site_detail", args=[site.slug])).content.decode()
    assert "<strong>Accueil physique</strong>\xa0: 12 rue du Palais, 33000 Bordeaux" in html
    assert '<strong>Téléphone</strong>\xa0: <a href="tel:0556000000">05 56 00 00 00</a>' in html
    assert (
        '<strong>Courriel / formulaire</strong>\xa0: <a href="https://www.caf.fr/contact"' in html
    )


def test_a_channel_entered_before_the_rule_says_its_detail_is_missing(client, bordeaux):
    site = SiteFactory(commune=bordeaux)
    site.channels.add(ChannelFactory(slug="telephone", label="Téléphone"))
    html = client.get(reverse("directory:site_detail", args=[site.slug])).content.decode()
    assert "<strong>Téléphone</strong>\xa0: coordonnées non renseignées" in html


def test_site_and_service_pages_link_to_share_and_to_their_experiences(client, bordeaux, caf):
    local_service = LocalServiceFactory(organisation=caf, slug="caf-33", name="CAF de la Gironde")
    site = SiteFactory(local_service=local_service, commune=bordeaux, slug="accueil-caf-33")
    html = client.get(reverse("directory:site_detail", args=[site.slug])).content.decode()
    assert f'href="{reverse("voice:share")}?lieu=accueil-caf-33"' in html
    experiences = reverse("publication:experience_list")
    assert f'href="{experiences}?organisation=caf&amp;service=caf-33"' in html
    html = client.get(reverse("directory:local_service_detail", args=["caf-33"])).content.decode()
    assert f'href="{reverse("voice:share")}?service=caf-33"' in html
    assert f'href="{experiences}?organisation=caf&amp;service=caf-33"' in html
    html = client.get(reverse("directory:organisation_detail", args=["caf"])).content.decode()
    assert f'href="{reverse("voice:share")}?organisation=caf"' in html
    assert f'href="{experiences}?organisation=caf"' in html
    # the list these links open is filtered on that service
    response = client.get(experiences, {"organisation": "caf", "service": "caf-33"})
    assert response.status_code == 200


def test_a_france_services_site_without_organisation_links_to_share_only(client, france_services):
    html = client.get(
        reverse("directory:site_detail", args=[france_services.slug])
    ).content.decode()
    assert f"?lieu={france_services.slug}" in html
    assert reverse("publication:experience_list") + "?" not in html


def test_the_share_form_preselects_the_site_or_service_of_the_link(client, bordeaux, caf):
    local_service = LocalServiceFactory(organisation=caf, slug="caf-33", name="CAF de la Gironde")
    site = SiteFactory(local_service=local_service, commune=bordeaux, slug="accueil-caf-33")
    html = client.get(reverse("voice:share"), {"lieu": "accueil-caf-33"}).content.decode()
    assert f'value="site:{site.pk}" checked' in html
    html = client.get(reverse("voice:share"), {"service": "caf-33"}).content.decode()
    assert f'value="service:{local_service.pk}" checked' in html
    response = client.get(reverse("voice:share"), {"lieu": "inconnu", "service": "inconnu"})
    assert response.status_code == 200 and 'name="choice"' not in response.content.decode()
    # the preselected choice goes on to step 2
    response = client.post(reverse("voice:share"), {"choice": f"site:{site.pk}"})
    assert response.status_code == 302 and response["Location"] == reverse("voice:share_story")


def test_a_national_contact_centre_page_says_whom_it_serves(client, bordeaux, caf):
    site = services.site_create(
        actor=None,
        kind=Site.Kind.CONTACT_CENTRE,
        name="Centre de contact national – CAF",
        commune=bordeaux,
        organisation=caf,
        coverage=Site.Coverage.NATIONAL,
        phone="32 30",
        channels=[ChannelFactory(slug="telephone", label="Téléphone")],
    )
    html = client.get(reverse("directory:site_detail", args=[site.slug])).content.decode()
    assert "répond à distance pour toute la France" in html
    assert "rattaché à Bordeaux pour ses horaires" in html


def test_the_experience_box_names_the_service_with_its_article(client):
    caf = OrganisationFactory(
        name="Caisse d’allocations familiales (CAF)", short_name="CAF", article="la"
    )
    gironde = LocalServiceFactory(organisation=caf, name="CAF de la Gironde")
    html = client.get(reverse("directory:local_service_detail", args=[gironde.slug])).content
    assert "Votre expérience avec la CAF de la Gironde" in html.decode()
    html = client.get(reverse("directory:organisation_detail", args=[caf.slug])).content
    assert "Votre expérience avec la CAF" in html.decode()
