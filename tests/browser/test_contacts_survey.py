"""After the contact: the citizen opens the signed link of their SMS or email and answers
the three questions with the keyboard only; the page is axe clean before and after. In the
chat widget (through uvicorn: pytest-django's live server has no WebSocket), the questions
appear once the agent resolves the conversation and are answered there."""

from __future__ import annotations

import threading
import time

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse
from playwright.sync_api import expect

from parvis.accounts.models import Role
from parvis.accounts.tests.factories import MembershipFactory
from parvis.contacts import services, surveys
from parvis.contacts.models import Conversation, Outcome, SurveyInvitation, SurveyStatus
from parvis.contacts.tests.factories import InboundEndpointFactory, QueueMemberFactory, channel
from parvis.contacts.tests.survey_factories import SurveyInvitationFactory
from parvis.directory.tests.factories import OrganisationFactory
from parvis.testing.browser import axe_serious_violations
from parvis.testing.web import procfile_web

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
    expect(page.locator("h1")).to_have_count(1)
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


def _wait_for(predicate, timeout=15.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


@pytest.mark.integration
def test_the_chat_widget_asks_the_questions_when_the_agent_resolves(  # type: ignore[no-untyped-def]
    page, tmp_path, settings
):
    settings.CONTACTS_SURVEY_SAMPLE_RATE = 1.0
    channel("chat")
    organisation = OrganisationFactory(slug="caf-33", name="CAF de la Gironde", short_name="CAF 33")
    InboundEndpointFactory(organisation=organisation, connector="chat")
    agent = MembershipFactory(organisation=organisation, role=Role.AGENT).user
    QueueMemberFactory(queue=organisation.queues.get(is_triage=True), user=agent)
    layer = django_settings.CHANNEL_LAYERS["default"].get("CONFIG", {})
    shared = {"CHANNEL_LAYER_PREFIX": layer["prefix"]} if "prefix" in layer else {}
    with procfile_web(tmp_path, **shared) as base_url:
        page.goto(base_url + reverse("contacts:chat", kwargs={"organisation": "caf-33"}))
        page.locator("#chat-text").focus()
        page.keyboard.type("Bonjour, une question sur mon dossier.")
        page.keyboard.press("Tab")
        if page.locator("#chat-email").is_visible():  # closed or nobody available
            page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        conversation = _wait_for(lambda: Conversation.objects.filter(channel_id="chat").first())

        # The agent resolves, in its own thread as a web request would (Playwright's loop
        # runs in this one); the task asks the widget through the channel layer.
        def resolve() -> None:
            try:
                services.conversation_resolve(
                    conversation=conversation, principal=agent, outcome=Outcome.ANSWERED
                )
            finally:
                connection.close()

        resolving = threading.Thread(target=resolve)
        resolving.start()
        resolving.join(timeout=30)
        page.locator("#chat-survey-form fieldset").first.wait_for()
        assert "Trois questions vous attendent" in page.locator("#chat-log").inner_text()
        assert axe_serious_violations(page) == []

        _tab_to(page, "satisfaction")
        page.keyboard.press("Space")
        page.keyboard.press("ArrowRight")
        _tab_to(page, "effort")
        page.keyboard.press("Space")
        _tab_to(page, "resolved")
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
        assert _focused(page)["text"] == "Envoyer mes réponses"
        page.keyboard.press("Enter")
        page.get_by_text("Merci, vos réponses sont enregistrées").wait_for()
        assert axe_serious_violations(page) == []
    invitation = SurveyInvitation.objects.get()
    assert invitation.via == "chat" and invitation.status == SurveyStatus.ANSWERED
    assert dict(invitation.answers.values_list("question", "value")) == {
        "satisfaction": 2,
        "effort": 1,
        "resolved": 1,
    }
