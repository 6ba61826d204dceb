"""The public chat page (``/contact/<organisation>/chat/``) outside the opening hours:
it says so before the citizen writes, with when it opens and its hours, and never shows a
queue position; its title names the organisation with its article."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from parvis.contacts import chat
from parvis.contacts.tests.factories import InboundEndpointFactory, QueueMemberFactory, channel

pytestmark = pytest.mark.django_db

TUESDAY_NIGHT = dt.datetime(2026, 3, 10, 21, 0, tzinfo=dt.UTC)  # 22 h in Paris
TUESDAY_TEN = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
FRIDAY_NIGHT = dt.datetime(2026, 3, 13, 21, 0, tzinfo=dt.UTC)
STATIC = Path(chat.__file__).parent / "static" / "contacts"


@pytest.fixture
def endpoint():
    channel("chat")
    endpoint = InboundEndpointFactory(
        connector="chat",
        organisation__short_name="CAF",
        organisation__article="la",
    )
    QueueMemberFactory(queue=chat.chat_queue(endpoint))
    return endpoint


def _page(endpoint, now):
    with mock.patch("parvis.contacts.views.timezone.now", return_value=now):
        response = Client().get(
            reverse("contacts:chat", kwargs={"organisation": endpoint.organisation.slug})
        )
    assert response.status_code == 200
    return response.content.decode()


def test_a_closed_chat_says_when_it_opens(endpoint):
    closed = chat.availability(endpoint, now=TUESDAY_NIGHT)
    assert not closed.is_open
    assert "Le chat est fermé en ce moment. Il ouvre demain à 9\xa0h." in closed.message
    assert "lu à l’ouverture" in closed.message
    weekend = chat.availability(endpoint, now=FRIDAY_NIGHT)
    assert "Il ouvre lundi 16 mars à 9\xa0h." in weekend.message
    assert chat.availability(endpoint, now=TUESDAY_TEN).reopens == ""


def test_the_closed_page_shows_the_hours_and_no_queue_position(endpoint):
    html = _page(endpoint, TUESDAY_NIGHT)
    assert "<h1>Discuter avec la CAF</h1>" in html
    assert 'data-open="false"' in html
    assert "Il ouvre demain à 9\xa0h." in html
    assert "Horaires d’ouverture du chat" in html
    assert "Aujourd’hui\xa0: 9\xa0h à 12\xa0h et 13\xa0h\xa030 à 17\xa0h" in html
    assert "Samedi 14 mars\xa0: Fermé" in html
    assert "Être rappelé à l’ouverture" in html
    assert "attendent avant vous" not in html


def test_the_open_page_has_no_hours_block(endpoint):
    html = _page(endpoint, TUESDAY_TEN)
    assert 'data-open="true"' in html
    assert "Horaires d’ouverture du chat" not in html
    assert "Être rappelé plutôt qu’attendre" in html


def test_the_widget_hides_what_it_hides_and_no_position_when_closed():
    # DSFR's display rules beat the hidden attribute (« Aucun message pour l’instant »
    # stayed next to the first message): the widget's stylesheet restores it.
    assert (
        ".parvis-chat [hidden] { display: none !important; }" in (STATIC / "chat.css").read_text()
    )
    script = (STATIC / "chat.js").read_text()
    assert 'root.dataset.open !== "false"' in script
    assert "il sera lu dès l’ouverture" in script
