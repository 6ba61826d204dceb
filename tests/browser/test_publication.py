"""Public experiences in a real browser: the listing (filters without JavaScript) and
the permanent page, scanned with axe-core, also at 360 px."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from parvis.directory.tests.factories import LocalServiceFactory, OrganisationFactory
from parvis.publication.services import publication_sync
from parvis.testing.browser import axe_serious_violations
from parvis.voice.models import ExperienceStatus
from parvis.voice.tests.factories import ExperienceFactory, PublicAnswerFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def published():
    organisation = OrganisationFactory(slug="caf", name="Caisse d’allocations familiales")
    service = LocalServiceFactory(organisation=organisation, name="CAF de la Gironde")
    for index in range(3):
        experience = ExperienceFactory(
            complaint=True,
            published=True,
            local_service=service,
            masked_title=f"Délai de traitement {index}",
            masked_text="Mon dossier a attendu huit semaines avant d’être traité.",
        )
        publication_sync(experience_id=experience.pk)
    answer = PublicAnswerFactory(
        published=True,
        experience__complaint=True,
        experience__local_service=service,
        experience__status=ExperienceStatus.ANSWERED,
        experience__masked_title="Accueil chaleureux",
        masked_text="Merci pour votre message, nous le transmettons à l’équipe.",
    )
    return publication_sync(experience_id=answer.experience_id)


@pytest.mark.parametrize("width", [1280, 360])
def test_listing_filters_and_is_accessible(page, live_server, published, width):
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(live_server.url + reverse("publication:experience_list"))
    assert response is not None and response.status == 200
    expect(page.locator("h1")).to_have_count(1)
    assert axe_serious_violations(page) == []

    if width < 768:  # below the md breakpoint the form is folded behind a button
        page.get_by_role("button", name="Rechercher et filtrer").click()
    page.locator("#id_q").fill("delai")
    page.locator("#id_organisation").select_option("caf")
    page.get_by_role("button", name="Rechercher", exact=True).click()

    assert "4 expériences trouvées" not in page.content()
    expect(page.get_by_role("heading", name="3 expériences trouvées")).to_be_visible()
    assert axe_serious_violations(page) == []
    # Nothing overflows horizontally on a small phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_permanent_page_is_accessible(page, live_server, published):
    response = page.goto(
        live_server.url + reverse("publication:experience_detail", args=[published.uuid])
    )
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", name="Accueil chaleureux")).to_be_visible()
    expect(page.get_by_text("nous le transmettons à l’équipe")).to_be_visible()
    assert axe_serious_violations(page) == []
    page.set_viewport_size({"width": 360, "height": 800})
    assert axe_serious_violations(page) == []


@pytest.mark.parametrize("name", ["figures", "service_figures", "opendata"])
def test_figures_and_data_pages_are_accessible(
    page, live_server, published, settings, tmp_path, name
):
    from parvis.publication.services import opendata_export
    from parvis.quality.services import voice_refresh

    settings.MEDIA_ROOT = tmp_path
    voice_refresh()
    opendata_export()
    args = [published.local_service.slug] if name == "service_figures" else []
    response = page.goto(live_server.url + reverse(f"publication:{name}", args=args))
    assert response is not None and response.status == 200
    expect(page.locator("h1")).to_have_count(1)
    assert axe_serious_violations(page) == []
