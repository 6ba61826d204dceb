"""Directory pages in a real browser: axe-core, a 360 px wide phone, no JavaScript needed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from parvis.accounts.models import Role
from parvis.accounts.tests.factories import DEFAULT_PASSWORD, MembershipFactory
from parvis.directory import services
from parvis.directory.models import Site
from parvis.directory.tests.factories import (
    ChannelFactory,
    CommitmentFactory,
    LocalServiceFactory,
    MotifFactory,
    OrganisationFactory,
)
from parvis.territories.tests.factories import CommuneFactory
from parvis.testing.browser import axe_serious_violations

pytestmark = pytest.mark.browser
T = dt.time


@pytest.fixture
def directory(saint_denis, bordeaux, reunion):
    caf = OrganisationFactory(slug="caf", name="Caisse d’allocations familiales", short_name="CAF")
    MotifFactory(organisation=caf, label="Prime d’activité")
    for number in range(9):
        CommitmentFactory(number=number)
    services.commitment_assessment_save(
        actor=None,
        organisation=caf,
        commitment=CommitmentFactory(number=4),
        level="en-cours",
        text="Le délai de traitement de chaque démarche est affiché dans l’espace personnel.",
        evidence=[
            (
                "Résultats de qualité de service publiés sur Services Publics+",
                "https://www.plus.transformation.gouv.fr/resultats/organismes/caisse-allocations",
            )
        ],
    )
    service = LocalServiceFactory(
        organisation=caf, slug="caf-974", name="CAF de La Réunion", main_departement=reunion
    )
    counter = services.site_create(
        actor=None,
        kind=Site.Kind.COUNTER,
        name="Accueil CAF Saint-Denis",
        commune=saint_denis,
        local_service=service,
        address="4 rue de la Source",
        postcode="97400",
    )
    france_services = services.site_create(
        actor=None,
        kind=Site.Kind.FRANCE_SERVICES,
        name="France Services de Bordeaux Bastide",
        commune=bordeaux,
        partners=[caf],
        organisation=services.france_services_operator(actor=None, name="Commune de Bordeaux"),
    )
    for site in (counter, france_services):
        services.opening_hours_replace(
            actor=None,
            site=site,
            hours=[
                (day, opens, closes)
                for day in range(5)
                for opens, closes in ((T(8, 30), T(12)), (T(13, 30), T(16, 30)))
            ],
        )
    services.opening_exception_add(
        actor=None,
        site=counter,
        date=timezone.localdate() + dt.timedelta(days=3),
        label="Formation de l’équipe",
    )
    # A commune without site, and a national contact centre: the search still answers.
    CommuneFactory(code="97407", name="Le Port", departement=reunion, population=32000)
    centre = services.site_create(
        actor=None,
        kind=Site.Kind.CONTACT_CENTRE,
        name="Centre de contact national – CAF",
        commune=bordeaux,
        organisation=caf,
        coverage=Site.Coverage.NATIONAL,
        phone="32 30",
        website="https://www.caf.fr",
        channels=[ChannelFactory(slug="telephone", label="Téléphone")],
    )
    return {
        "caf": caf,
        "service": service,
        "counter": counter,
        "fs": france_services,
        "centre": centre,
    }


def _pages(data):
    return [
        reverse("directory:organisation_list"),
        reverse("directory:search") + "?q=accueil&commune=97400",
        reverse("directory:search") + "?q=introuvable",
        reverse("directory:search") + "?organisation=inconnu",
        reverse("directory:search") + "?commune=le+port",
        reverse("directory:search") + "?q=caf+saint-denis",
        reverse("directory:search") + "?commune=saint+de",
        reverse("directory:site_detail", args=[data["centre"].slug]),
        reverse("directory:organisation_detail", args=["caf"]),
        reverse("directory:organisation_commitments", args=["caf"]),
        reverse("directory:local_service_detail", args=["caf-974"]),
        reverse("directory:site_detail", args=[data["counter"].slug]),
        reverse("directory:site_detail", args=[data["fs"].slug]),
    ]


@pytest.mark.parametrize("brand", ["state", "neutral"])
def test_public_pages_pass_axe_and_fit_a_360px_phone(page, live_server, settings, directory, brand):
    settings.PARVIS_BRAND = brand
    page.set_viewport_size({"width": 360, "height": 740})
    for path in _pages(directory):
        page.goto(live_server.url + path)
        assert page.locator("h1").count() == 1, path
        assert axe_serious_violations(page) == [], path
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= 360, (path, overflow)


def test_search_works_without_javascript(browser, live_server, directory):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + reverse("directory:search"))
        page.get_by_label("Commune").fill("97400")
        page.get_by_role("button", name="Rechercher").click()
        expect(page.get_by_role("link", name="Accueil CAF Saint-Denis")).to_be_visible()
        page.get_by_role("link", name="Accueil CAF Saint-Denis").click()
        assert (
            page.get_by_role("table")
            .locator("caption")
            .inner_text()
            .startswith("Horaires habituels")
        )
    finally:
        context.close()


def _log_in(page, live_server, user):
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Adresse électronique").fill(user.email)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_admin_edits_hours_in_the_back_office(page, live_server, directory):
    admin = MembershipFactory(organisation=directory["caf"], role=Role.ORGANISATION_ADMIN).user
    _log_in(page, live_server, admin)
    page.goto(live_server.url + reverse("directory_backoffice:site_list"))
    assert axe_serious_violations(page) == []
    page.get_by_role("link", name="Horaires d’Accueil CAF Saint-Denis").click()
    page.get_by_label("Samedi").fill("09:00-12:00, 11:00-13:00")
    page.get_by_role("button", name="Enregistrer les horaires").click()
    expect(page.get_by_text("les plages horaires se chevauchent")).to_be_visible()
    assert axe_serious_violations(page) == []
    page.get_by_label("Samedi").fill("09:00-12:00")
    page.get_by_role("button", name="Enregistrer les horaires").click()
    expect(page.get_by_text("Les horaires habituels ont été enregistrés.")).to_be_visible()
    page.get_by_role("link", name="Fermetures et horaires exceptionnels").click()
    expect(page.get_by_role("cell", name="Formation de l’équipe")).to_be_visible()
    assert axe_serious_violations(page) == []
    page.get_by_role("link", name="Coordonnées", exact=True).click()
    page.get_by_label("Code postal").fill("974")
    page.get_by_role("button", name="Enregistrer les coordonnées").click()
    expect(page.get_by_text("Le code postal doit comporter 5 chiffres.").first).to_be_visible()
    assert axe_serious_violations(page) == []
    page.get_by_label("Code postal").fill("97400")
    page.locator("input[name=phone]").fill("02 62 00 00 00")
    page.get_by_role("button", name="Enregistrer les coordonnées").click()
    expect(page.get_by_text("Les coordonnées du lieu ont été enregistrées.")).to_be_visible()


def test_admin_opens_a_new_site_then_sets_its_hours(page, live_server, directory):
    admin = MembershipFactory(organisation=directory["caf"], role=Role.ORGANISATION_ADMIN).user
    _log_in(page, live_server, admin)
    page.goto(live_server.url + reverse("directory_backoffice:site_list"))
    page.get_by_role("link", name="Ajouter un lieu d’accueil").click()
    assert axe_serious_violations(page) == []
    page.get_by_label("Structure qui gère le lieu").select_option(label="CAF de La Réunion")
    page.get_by_label("Nom du lieu").fill("Accueil CAF Saint-Denis Centre")
    page.locator("input[name=commune]").fill("Saint Denis")
    page.locator("input[name=postcode]").fill("974")
    page.get_by_role("button", name="Créer le lieu").click()
    expect(page.get_by_text("Le code postal doit comporter 5 chiffres.").first).to_be_visible()
    assert axe_serious_violations(page) == []
    page.locator("input[name=postcode]").fill("97400")
    page.get_by_role("button", name="Créer le lieu").click()
    expect(page.get_by_text("Indiquez maintenant ses horaires habituels")).to_be_visible()
    assert Site.objects.get(name="Accueil CAF Saint-Denis Centre").commune.code == "97411"
