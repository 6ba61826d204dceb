"""Citizen records in a real browser: a counter visit at a France Services site appears in
the CAF agent's timeline only after the citizen's consent, and leaves it at once when
the consent is withdrawn (axe-core on each page)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from parvis.accounts.models import Role
from parvis.accounts.tests.factories import DEFAULT_PASSWORD, MembershipFactory
from parvis.contacts.services import visit_record
from parvis.contacts.tests.factories import CitizenRecordFactory, QueueFactory, channel
from parvis.directory.tests.factories import OrganisationFactory, SiteFactory
from parvis.testing.browser import DEFAULT_TIMEOUT_MS, axe_serious_violations

pytestmark = pytest.mark.browser


def _log_in(page, live_server, user):  # type: ignore[no-untyped-def]
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Adresse électronique").fill(user.email)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(live_server.url + reverse("backoffice:dashboard"))


def _second_page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return context, context.new_page()


def test_france_services_visit_reaches_the_caf_timeline_only_with_consent(
    page, browser, live_server
):
    channel("guichet")
    channel("courriel")
    caf = OrganisationFactory(slug="caf", name="Caisse d’allocations familiales", short_name="CAF")
    caf_site = SiteFactory(organisation=caf, name="Accueil CAF de la Gironde")
    QueueFactory(site=caf_site, organisation=caf)
    caf_agent = MembershipFactory(organisation=None, site=caf_site, role=Role.AGENT).user
    operator = OrganisationFactory(slug="commune-x", name="Commune de Xaintrailles", short_name="")
    fs_site = SiteFactory(organisation=operator, france_services=True, name="France Services X")
    fs_agent = MembershipFactory(organisation=None, site=fs_site, role=Role.AGENT).user
    birth = dt.date(1988, 3, 14)
    caf_record = CitizenRecordFactory(
        organisation=caf, first_name="Léa", last_name="Martin", birth_date=birth
    )
    fs_record = CitizenRecordFactory(
        organisation=operator, first_name="Léa", last_name="Martin", birth_date=birth
    )
    visit_record(
        principal=fs_agent,
        site=fs_site,
        motif=None,
        outcome="answered_end_to_end",
        minutes=20,
        citizen=fs_record,
    )
    visit_label = "Visite au guichet – France Services X"

    # The CAF agent finds Léa Martin's record through the menu and the search: no visit.
    _log_in(page, live_server, caf_agent)
    sidemenu = page.get_by_role("navigation", name="Espace agents")
    sidemenu.get_by_role("button", name="Contacts des usagers").click()
    sidemenu.get_by_role("link", name="Fiches usagers").click()
    page.get_by_label("Rechercher une fiche").fill("martin")
    page.get_by_role("button", name="Rechercher", exact=True).click()
    page.get_by_role("link", name="Léa Martin").click()
    page.wait_for_url(f"**/usagers/{caf_record.pk}/")
    assert page.get_by_text(visit_label).count() == 0
    violations = axe_serious_violations(page)
    assert violations == [], violations

    # At the France Services counter, the adviser records Léa's consent.
    context, fs_page = _second_page(browser)
    try:
        _log_in(fs_page, live_server, fs_agent)
        fs_page.goto(
            live_server.url + reverse("contacts_backoffice:citizen_detail", args=[fs_record.pk])
        )
        fs_page.get_by_role("link", name="Recueillir un consentement").click()
        fs_page.get_by_label("Finalité").select_option("procedure_help")
        fs_page.get_by_label("Caisse d’allocations familiales").check(force=True)
        fs_page.get_by_label("Historique des contacts").check(force=True)
        fs_page.get_by_label("Recueilli par le canal").select_option("guichet")
        fs_page.get_by_label("L’usager a donné son accord").check(force=True)
        violations = axe_serious_violations(fs_page)
        assert violations == [], violations
        fs_page.get_by_role("button", name="Enregistrer le consentement").click()
        fs_page.wait_for_url(f"**/usagers/{fs_record.pk}/#consentements")
        expect(fs_page.get_by_text("le partage commence")).to_be_visible()

        # The CAF agent's timeline now shows the visit, with the operator's name.
        page.reload()
        item = page.locator('[data-kind="conversation visit"]', has_text=visit_label)
        assert item.count() == 1
        assert "Commune de Xaintrailles" in (item.text_content() or "")
        violations = axe_serious_violations(page)
        assert violations == [], violations

        # Withdrawn at the counter: gone from the CAF's timeline at once.
        fs_page.get_by_role("button", name="Retirer le consentement").click()
        fs_page.wait_for_url(f"**/usagers/{fs_record.pk}/#consentements")
        page.reload()
        assert page.get_by_text(visit_label).count() == 0
    finally:
        context.close()
