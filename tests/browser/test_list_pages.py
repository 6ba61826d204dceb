"""Public list pages on a phone (375 px): the filters fold behind a « Filtrer » button so
the first result shows without scrolling, they stay open on a desktop, and the pages
(with the filter panel closed and open, and their pagination's disabled links) have no
serious axe-core violation."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from parvis.directory.tests.factories import LocalServiceFactory, OrganisationFactory, SiteFactory
from parvis.publication.services import publication_sync
from parvis.simplification.tests.factories import SimplificationRequestFactory
from parvis.testing.browser import axe_serious_violations
from parvis.voice.tests.factories import ExperienceFactory

pytestmark = pytest.mark.browser

# A 375 × 812 phone (iPhone X to 13 mini): the DSFR header alone takes 140 to 190 px.
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
# More than one page of 20: the pagination shows, with « Première page » and « Page
# précédente » disabled on the first page.
COUNT = 21

# URL name → (id of the filter panel, a field inside it, the first result).
LIST_PAGES = {
    "publication:experience_list": ("experience-filters", "#id_organisation", "main .fr-card"),
    "simplification:list": ("request-filters", "#id_statut", "main .fr-card"),
    "directory:search": ("site-filters", "#id_kind", "main .fr-raw-list > li"),
}


@pytest.fixture
def listed():
    """More than a page of experiences, simplification requests and sites."""
    organisation = OrganisationFactory(slug="caf", name="Caisse d’allocations familiales")
    service = LocalServiceFactory(organisation=organisation, name="CAF de la Gironde")
    for index in range(COUNT):
        experience = ExperienceFactory(
            complaint=True,
            published=True,
            local_service=service,
            masked_title=f"Délai de traitement {index}",
            masked_text="Mon dossier a attendu huit semaines avant d’être traité.",
        )
        publication_sync(experience_id=experience.pk)
        SimplificationRequestFactory(received=True, organisation=organisation)
        SiteFactory(local_service=service, name=f"Accueil CAF {index:02d}")


def _in_viewport(page, selector: str) -> bool:
    """The element's first 48 px (a card's badges or title) are on screen."""
    page.evaluate("document.fonts.ready.then(() => true)")  # the layout the reader sees
    box = page.locator(selector).first.bounding_box()
    viewport = page.viewport_size
    return box is not None and viewport is not None and 0 <= box["y"] + 48 <= viewport["height"]


@pytest.mark.parametrize("name", list(LIST_PAGES))
def test_on_a_phone_the_first_result_shows_and_filters_fold(page, live_server, listed, name):
    panel, field, first_result = LIST_PAGES[name]
    page.set_viewport_size(PHONE)
    response = page.goto(live_server.url + reverse(name))
    assert response is not None and response.status == 200

    assert _in_viewport(page, first_result)
    toggle = page.locator(f"button[aria-controls='{panel}']")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    expect(page.locator(field)).not_to_be_visible()
    # The disabled links of the first page are marked as such, without href.
    for label in ("Première page", "Page précédente"):
        link = page.locator(".fr-pagination__link", has_text=label)
        assert link.get_attribute("aria-disabled") == "true"
        assert link.get_attribute("href") is None
    assert axe_serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    toggle.click()
    page.locator(field).wait_for(state="visible")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert axe_serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    toggle.click()
    page.locator(field).wait_for(state="hidden")


@pytest.mark.parametrize("name", list(LIST_PAGES))
def test_on_a_desktop_the_filters_stay_open(page, live_server, listed, name):
    panel, field, _ = LIST_PAGES[name]
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + reverse(name))
    expect(page.locator(field)).to_be_visible()
    expect(page.locator(f"button[aria-controls='{panel}']")).not_to_be_visible()
    assert axe_serious_violations(page) == []


def test_the_last_page_disables_its_next_links(page, live_server, listed):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + reverse("publication:experience_list") + "?page=2")
    for label in ("Page suivante", "Dernière page"):
        link = page.locator(".fr-pagination__link", has_text=label)
        assert link.get_attribute("aria-disabled") == "true"
    previous = page.locator(".fr-pagination__link", has_text="Page précédente")
    assert previous.get_attribute("aria-disabled") is None
    assert previous.get_attribute("href") is not None
    assert axe_serious_violations(page) == []


def test_a_filter_in_error_opens_the_panel_on_a_phone(page, live_server, listed):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + reverse("publication:experience_list") + "?published_from=hier")
    expect(page.locator("#id_published_from")).to_be_visible()
    assert (
        page.locator("button[aria-controls='experience-filters']").get_attribute("aria-expanded")
        == "true"
    )


@pytest.mark.parametrize("name", list(LIST_PAGES))
def test_without_javascript_the_filters_stay_open_on_a_phone(browser, live_server, listed, name):
    panel, field, _ = LIST_PAGES[name]
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(live_server.url + reverse(name))
        expect(page.locator(field)).to_be_visible()
        expect(page.locator(f"button[aria-controls='{panel}']")).not_to_be_visible()
    finally:
        context.close()
