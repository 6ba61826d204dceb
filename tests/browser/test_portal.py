"""What a person does in a real browser: log in, scan pages with axe-core, use the keyboard.

Run against pytest-django's live server with Debian chromium (see parvis.testing.browser).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from parvis.accounts.models import Role
from parvis.accounts.tests.factories import DEFAULT_PASSWORD, MembershipFactory
from parvis.directory.tests.factories import LocalServiceFactory, OrganisationFactory
from parvis.testing.browser import axe_serious_violations

pytestmark = pytest.mark.browser

SCANNED_PAGES = [
    "portal:home",
    "directory:organisation_list",
    "accounts:login",
    "footer-accessibility-status",
    "footer-legal-notice",
    "footer-personal-data",
    "footer-cookie-management",
    "footer-sitemap",
    "portal:charter",
]
BRANDS = ["state", "neutral"]


@pytest.fixture
def directory_data():
    """A few organisations so the directory list is not empty."""
    for slug, name in [
        ("caf", "Caisse d’allocations familiales"),
        ("cpam", "Caisse primaire d’assurance maladie"),
        ("dgfip", "Direction générale des Finances publiques"),
    ]:
        organisation = OrganisationFactory(slug=slug, name=name, sort_key=name.lower())
        LocalServiceFactory(organisation=organisation, name=f"{name} de la Gironde")


@pytest.mark.parametrize("brand", BRANDS)
@pytest.mark.parametrize("name", SCANNED_PAGES)
def test_public_page_has_no_serious_accessibility_violation(
    page, live_server, settings, directory_data, brand, name
):
    settings.PARVIS_BRAND = brand
    response = page.goto(live_server.url + reverse(name))
    assert response is not None and response.status == 200
    assert page.locator("html").get_attribute("lang") == "fr"
    expect(page.locator("h1")).to_have_count(1)
    violations = axe_serious_violations(page)
    assert violations == [], violations


@pytest.mark.parametrize("brand", BRANDS)
def test_neutral_brand_loads_no_marianne_font(page, live_server, settings, brand):
    settings.PARVIS_BRAND = brand
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server.url + reverse("portal:home"))
    page.wait_for_load_state("networkidle")
    font_family = page.evaluate("getComputedStyle(document.body).fontFamily")
    marianne_files = [url for url in requested if "Marianne" in url]
    if brand == "neutral":
        assert marianne_files == []
        assert "Marianne" not in font_family
        assert "République" not in page.content()
    else:
        assert font_family.startswith("Marianne")
        assert marianne_files


def test_agent_logs_in_and_reaches_the_espace_agents(page, live_server):
    organisation = OrganisationFactory(slug="caf-33", name="CAF de la Gironde")
    agent = MembershipFactory(
        organisation=organisation, role=Role.AGENT, user__email="agent@caf.fr"
    ).user
    page.goto(live_server.url + reverse("portal:home"))
    page.get_by_role("link", name="Espace agents").first.click()
    page.get_by_label("Adresse électronique").fill(agent.email)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(live_server.url + reverse("backoffice:dashboard"))
    assert page.get_by_role("heading", level=1).inner_text() == "Tableau de bord"
    expect(page.get_by_role("cell", name="Organisme : CAF de la Gironde")).to_be_visible()
    violations = axe_serious_violations(page)
    assert violations == [], violations


def test_wrong_password_keeps_the_agent_on_the_login_page(page, live_server):
    agent = MembershipFactory(role=Role.AGENT).user
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Adresse électronique").fill(agent.email)
    page.get_by_label("Mot de passe").fill("pas le bon mot de passe")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Adresse électronique ou mot de passe incorrect")).to_be_visible()
    assert page.url.startswith(live_server.url + reverse("accounts:login"))


@pytest.mark.parametrize("brand", BRANDS)
def test_skip_link_takes_the_keyboard_to_the_main_content(page, live_server, settings, brand):
    settings.PARVIS_BRAND = brand
    page.goto(live_server.url + reverse("footer-legal-notice"))
    page.keyboard.press("Tab")
    skip_link = page.evaluate("document.activeElement.textContent.trim()")
    assert skip_link == "Contenu"
    expect(page.locator(":focus")).to_be_visible()  # shown when focused, hidden otherwise
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    page.keyboard.press("Tab")
    inside_main = page.evaluate("document.querySelector('main').contains(document.activeElement)")
    assert inside_main
