"""After the contact: the citizen opens the signed link of their SMS or email and answers
the three questions with the keyboard only; the page is axe clean before and after."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parvis.contacts import surveys
from parvis.contacts.models import SurveyInvitation, SurveyStatus
from parvis.contacts.tests.survey_factories import SurveyInvitationFactory
from parvis.testing.browser import axe_serious_violations

pytestmark = pytest.mark.browser


def _focused(page) -> dict:  # type: ignore[no-untyped-def]
    return page.evaluate(
        "({name: document.activeElement.name || '', value: document.activeElement.value || '',"
        " tag: document.activeElement.tagName, text: document.activeElement.textContent.trim()})"
    )


def _tab_to(page, name: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(60):
        page.keyboard.press("Tab")
        if _focused(page)["name"] == name:
            return
    raise AssertionError(f"the keyboard never reaches {name}")


def test_a_citizen_answers_the_questions_by_keyboard_only(page, live_server) -> None:  # type: ignore[no-untyped-def]
    invitation = SurveyInvitationFactory()
    url = live_server.url + reverse(
        "contacts:survey", kwargs={"token": surveys.link_token(invitation.pk)}
    )
    response = page.goto(url)
    assert response is not None and response.status == 200
    assert page.locator("h1").count() == 1
    assert axe_serious_violations(page) == []

    # Submitting nothing: the errors are listed, in French, and the page stays axe clean.
    _tab_to(page, "satisfaction")
    for _ in range(60):
        page.keyboard.press("Tab")
        if _focused(page)["text"] == "Envoyer mes réponses":
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Il manque des réponses" in page.content()
    assert axe_serious_violations(page) == []

    # Satisfaction 4 (arrows move the choice in a radio group), effort 2, resolved « Non ».
    page.locator("h1").focus()
    _tab_to(page, "satisfaction")
    page.keyboard.press("Space")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert _focused(page)["value"] == "4"
    _tab_to(page, "effort")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    assert _focused(page)["value"] == "2"
    _tab_to(page, "resolved")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    assert _focused(page)["value"] == "0"
    page.keyboard.press("Tab")
    assert _focused(page)["text"] == "Envoyer mes réponses"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Merci, vos réponses sont enregistrées" in page.content()
    assert axe_serious_violations(page) == []

    invitation = SurveyInvitation.objects.get(pk=invitation.pk)
    assert invitation.status == SurveyStatus.ANSWERED
    assert dict(invitation.answers.values_list("question", "value")) == {
        "satisfaction": 4,
        "effort": 2,
        "resolved": 0,
    }


def test_an_altered_link_is_a_french_page_axe_clean(page, live_server) -> None:  # type: ignore[no-untyped-def]
    response = page.goto(live_server.url + reverse("contacts:survey", kwargs={"token": "abc"}))
    assert response is not None and response.status == 400
    assert "Ce lien n’est pas valide" in page.content()
    assert axe_serious_violations(page) == []
