"""The web chat end to end in a real browser, through uvicorn (pytest-django's live server
has no WebSocket): a citizen writes from the public widget, the conversation appears in
the agents' list, an agent's reply comes back live; axe-core on every page."""

from __future__ import annotations

import threading
import time

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.urls import reverse
from playwright.sync_api import expect

from parvis.accounts.models import Role
from parvis.accounts.tests.factories import DEFAULT_PASSWORD, MembershipFactory
from parvis.contacts.models import Conversation
from parvis.contacts.services.chat import chat_reply
from parvis.contacts.tests.factories import InboundEndpointFactory, QueueMemberFactory, channel
from parvis.directory.tests.factories import OrganisationFactory
from parvis.testing.browser import axe_serious_violations
from parvis.testing.web import procfile_web

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def _wait_for(predicate, timeout=15.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def test_a_citizen_chats_and_an_agent_answers_live(page, browser, tmp_path):
    channel("chat")
    organisation = OrganisationFactory(slug="caf-33", name="CAF de la Gironde", short_name="CAF 33")
    InboundEndpointFactory(organisation=organisation, connector="chat")
    agent = MembershipFactory(organisation=organisation, role=Role.AGENT).user
    # The server runs with testing off: its hashers are the production ones.
    agent.password = PBKDF2PasswordHasher().encode(DEFAULT_PASSWORD, PBKDF2PasswordHasher().salt())
    agent.save(update_fields=["password"])
    QueueMemberFactory(
        queue=organisation.queues.get(is_triage=True), user=agent
    )  # someone may answer (when the queue is open)
    # The agent's reply is published from this process: the server must listen on the
    # same channel-layer prefix (with Redis; the embedded relay goes through the database).
    layer = settings.CHANNEL_LAYERS["default"].get("CONFIG", {})
    shared = {"CHANNEL_LAYER_PREFIX": layer["prefix"]} if "prefix" in layer else {}
    with procfile_web(tmp_path, **shared) as base_url:
        widget_url = base_url + reverse("contacts:chat", kwargs={"organisation": "caf-33"})
        page.goto(widget_url)
        expect(page.get_by_role("heading", name="Discuter avec CAF 33")).to_be_visible()
        violations = axe_serious_violations(page)
        assert violations == [], violations

        # Keyboard only: focus the labelled field, type, send with the button.
        page.locator("#chat-text").focus()
        page.keyboard.type("Bonjour, où en est mon dossier d’aide au logement ?")
        page.keyboard.press("Tab")
        if page.locator("#chat-email").is_visible():  # closed or nobody available
            page.keyboard.type("usager@example.org")
            page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        conversation = _wait_for(lambda: Conversation.objects.filter(channel_id="chat").first())
        _wait_for(lambda: conversation.messages.count() == 1)
        assert conversation.organisation == organisation

        # A reload resumes the same conversation (signed token kept by the tab).
        page.reload()
        page.locator("#chat-messages li").first.wait_for()
        assert "dossier d’aide au logement" in page.locator("#chat-log").inner_text()

        # The agent's reply comes back live, through the outbound door and the relay.
        conversation.refresh_from_db()

        # In its own thread, as a web request would: Playwright's sync API keeps an event
        # loop running in this one, where the channel layer's async_to_sync cannot run.
        def reply() -> None:
            try:
                chat_reply(
                    principal=agent, conversation=conversation, text="Je regarde votre dossier."
                )
            finally:
                connection.close()  # this thread's own database connection

        replying = threading.Thread(target=reply)
        replying.start()
        replying.join(timeout=30)
        page.locator("#chat-log").get_by_text("Je regarde votre dossier.").wait_for()
        violations = axe_serious_violations(page)
        assert violations == [], violations

        # The agent finds it in the conversations list, then opens it.
        agent_page = browser.new_context(locale="fr-FR").new_page()
        agent_page.goto(base_url + reverse("accounts:login"))
        agent_page.get_by_label("Adresse électronique").fill(agent.email)
        agent_page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
        agent_page.get_by_role("button", name="Se connecter").click()
        agent_page.wait_for_url("**/espace-agents/")
        agent_page.goto(base_url + reverse("contacts_backoffice:conversation_list"))
        row = agent_page.locator(f'tr[data-conversation="{conversation.reference}"]')
        assert "Messagerie instantanée" in row.inner_text()
        violations = axe_serious_violations(agent_page)
        assert violations == [], violations
        row.get_by_role("link", name=conversation.reference).click()
        agent_page.wait_for_url(f"**/{conversation.reference}/")
        assert (
            "Je regarde votre dossier." in agent_page.locator("#conversation-messages").inner_text()
        )
        violations = axe_serious_violations(agent_page)
        assert violations == [], violations
        agent_page.goto(base_url + reverse("contacts_backoffice:queue_list"))
        violations = axe_serious_violations(agent_page)
        assert violations == [], violations
        agent_page.context.close()
