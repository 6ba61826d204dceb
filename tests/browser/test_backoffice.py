"""The organisation admin's journey in a real browser, with axe-core on every page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from parvis.accounts.models import AuditEvent, Membership, Role
from parvis.accounts.tests.factories import DEFAULT_PASSWORD, MembershipFactory, UserFactory
from parvis.directory.tests.factories import OrganisationFactory
from parvis.testing.browser import axe_serious_violations

pytestmark = pytest.mark.browser


def _log_in(page, live_server, user):
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Adresse électronique").fill(user.email)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(live_server.url + reverse("backoffice:dashboard"))


@pytest.mark.parametrize("brand", ["state", "neutral"])
def test_organisation_admin_manages_members_and_tokens(page, live_server, settings, brand):
    settings.PARVIS_BRAND = brand
    organisation = OrganisationFactory(
        slug="cpam-33", name="CPAM de la Gironde", short_name="CPAM 33"
    )
    admin = MembershipFactory(organisation=organisation, role=Role.ORGANISATION_ADMIN).user
    newcomer = UserFactory(email="nouvel.agent@cpam.fr")
    _log_in(page, live_server, admin)
    assert axe_serious_violations(page) == []

    # Members: through the side menu, then the grant form.
    sidemenu = page.get_by_role("navigation", name="Espace agents")
    sidemenu.get_by_role("button", name="CPAM 33").click()
    sidemenu.get_by_role("link", name="Membres", exact=True).click()
    page.wait_for_url("**/membres/")
    page.get_by_label("Adresse électronique de l’agent").fill(newcomer.email)
    page.locator("#id_role").select_option(Role.SUPERVISOR)
    page.get_by_role("button", name="Attribuer le rôle").click()
    # An account without any role yet: the form asks to confirm, then grants.
    expect(page.get_by_text("compte sans aucun rôle").first).to_be_visible()
    page.locator("label[for=id_confirm_citizen_account]").click()
    page.get_by_role("button", name="Attribuer le rôle").click()
    expect(page.get_by_text("a été attribué à nouvel.agent@cpam.fr")).to_be_visible()
    assert Membership.objects.filter(user=newcomer, role=Role.SUPERVISOR).exists()
    violations = axe_serious_violations(page)
    assert violations == [], violations

    # API tokens: the secret is shown once.
    page.goto(live_server.url + reverse("backoffice:tokens", kwargs={"slug": organisation.slug}))
    page.get_by_label("Nom du jeton").fill("Portail usagers")
    page.get_by_role("button", name="Créer le jeton").click()
    secret = page.locator("#new-token-secret").inner_text()
    assert secret.startswith("pvs_")
    violations = axe_serious_violations(page)
    assert violations == [], violations
    page.reload()
    assert page.locator("#new-token-secret").count() == 0

    # Audit log lists both actions.
    page.goto(live_server.url + reverse("backoffice:audit", kwargs={"slug": organisation.slug}))
    expect(page.get_by_role("cell", name="Rôle attribué")).to_be_visible()
    expect(page.get_by_role("cell", name="Jeton d’API créé")).to_be_visible()
    assert AuditEvent.objects.filter(organisation=organisation).count() == 2
    violations = axe_serious_violations(page)
    assert violations == [], violations


def test_platform_admin_dashboard_is_accessible(page, live_server):
    _log_in(page, live_server, UserFactory(platform_admin=True))
    expect(page.get_by_role("link", name="Ouvrir l’administration technique")).to_be_visible()
    violations = axe_serious_violations(page)
    assert violations == [], violations


def test_organisation_switcher_by_keyboard(page, live_server):
    caf = OrganisationFactory(slug="caf-33", name="CAF de la Gironde", short_name="CAF 33")
    cpam = OrganisationFactory(slug="cpam-69", name="CPAM du Rhône", short_name="CPAM 69")
    admin = MembershipFactory(organisation=caf, role=Role.ORGANISATION_ADMIN).user
    MembershipFactory(organisation=cpam, role=Role.ORGANISATION_ADMIN, user=admin)
    _log_in(page, live_server, admin)
    expect(
        page.get_by_role("heading", name="Organisme affiché : CAF de la Gironde")
    ).to_be_visible()
    violations = axe_serious_violations(page)
    assert violations == [], violations

    # Choose with the keyboard: the select, then Tab to its button, then Enter.
    switcher = page.get_by_role("combobox", name="Organisme affiché")
    switcher.focus()
    switcher.select_option(label="CPAM du Rhône")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Changer d’organisme"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == live_server.url + reverse("backoffice:dashboard")
    assert page.get_by_text(
        "Le menu et le tableau de bord pointent sur « CPAM du Rhône »"
    ).is_visible()
    expect(page.get_by_role("heading", name="Organisme affiché : CPAM du Rhône")).to_be_visible()
    sidemenu = page.get_by_role("navigation", name="Espace agents")
    sidemenu.get_by_role("button", name="CPAM 69").click()
    sidemenu.get_by_role("link", name="Membres", exact=True).click()
    page.wait_for_url(f"**/organismes/{cpam.slug}/membres/")
    violations = axe_serious_violations(page)
    assert violations == [], violations
