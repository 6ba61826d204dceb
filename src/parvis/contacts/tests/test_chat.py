"""The web chat's rules and services: resume tokens, origin, availability, a citizen's
message through the normal ingestion, an agent's reply through the outbound door."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing

from parvis.accounts.models import Role
from parvis.accounts.tests.factories import MembershipFactory
from parvis.contacts import chat
from parvis.contacts.errors import ContactError
from parvis.contacts.models import Conversation, Direction, InboundRow, Message
from parvis.contacts.services.chat import chat_message_accept, chat_reply
from parvis.contacts.tests.factories import (
    InboundEndpointFactory,
    QueueFactory,
    QueueMemberFactory,
    channel,
)
from parvis.core.models import RealtimeEvent
from parvis.messaging.models import Delivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint():
    channel("chat")
    return InboundEndpointFactory(connector="chat")


def test_a_resume_token_names_its_session_and_organisation_only(endpoint):
    session = chat.session_new(endpoint.organisation_id)
    resumed = chat.session_resume(session.token, organisation_id=endpoint.organisation_id)
    assert resumed == session
    with pytest.raises(chat.InvalidToken):
        chat.session_resume(session.token, organisation_id=endpoint.organisation_id + 1)
    with pytest.raises(chat.InvalidToken):
        chat.session_resume(session.token[:-2] + "xx", organisation_id=endpoint.organisation_id)


def test_an_expired_token_is_refused(endpoint, settings):
    token = chat.session_new(endpoint.organisation_id).token
    settings.CONTACTS_CHAT_RESUME_MAX_AGE = -1
    with pytest.raises(chat.InvalidToken):
        chat.session_resume(token, organisation_id=endpoint.organisation_id)


def test_a_signed_token_cannot_name_an_agents_group(endpoint):
    """Even correctly signed, a token naming anything but a session id is refused, so the
    consumer can only ever join a chat session's group."""
    forged = signing.dumps({"s": "user-1", "o": endpoint.organisation_id}, salt=chat.TOKEN_SALT)
    with pytest.raises(chat.InvalidToken):
        chat.session_resume(forged, organisation_id=endpoint.organisation_id)
    with pytest.raises(ValueError):
        chat.session_group("user-1")


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("http://127.0.0.1:8000", True),
        ("http://localhost:8123", True),
        ("https://evil.example", False),
        ("", False),
        ("null", False),
        ("file:///etc/passwd", False),
    ],
)
def test_only_parvis_own_pages_may_open_a_chat(origin, allowed, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    assert chat.origin_allowed(origin) is allowed


def test_the_site_url_origin_is_allowed(settings):
    settings.ALLOWED_HOSTS = ["intranet"]
    settings.SITE_URL = "https://parvis.example.fr"
    assert chat.origin_allowed("https://parvis.example.fr")
    assert not chat.origin_allowed("http://parvis.example.fr")


def test_availability_needs_opening_hours_and_a_queue_member(endpoint):
    queue = QueueFactory(organisation=endpoint.organisation)
    endpoint.queue = queue
    endpoint.save()
    tuesday_ten = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)  # 10:00 in Paris
    tuesday_night = dt.datetime(2026, 3, 10, 21, 0, tzinfo=dt.UTC)
    endpoint.queue = None  # the triage queue: national, default business hours
    endpoint.save()
    assert chat.availability(endpoint, now=tuesday_ten).is_open
    assert not chat.availability(endpoint, now=tuesday_night).is_open
    assert not chat.queue_is_open(queue, now=tuesday_night)
    assert not chat.agents_available(queue)
    QueueMemberFactory(queue=queue)
    assert chat.agents_available(queue)
    endpoint.queue = queue
    endpoint.save()
    closed = chat.availability(endpoint, now=tuesday_night)
    assert not closed.live and "fermé" in closed.message


def test_a_chat_message_goes_through_ingestion_once_per_sequence(endpoint):
    row, created = chat_message_accept(
        endpoint=endpoint, session="a" * 32, sequence=0, text="Bonjour, ma carte vitale ?"
    )
    again, created_again = chat_message_accept(
        endpoint=endpoint, session="a" * 32, sequence=0, text="Bonjour, ma carte vitale ?"
    )
    assert created and not created_again and again.pk == row.pk
    chat_message_accept(endpoint=endpoint, session="a" * 32, sequence=1, text="Merci")
    conversation = Conversation.objects.get()
    assert conversation.channel_id == "chat" and conversation.thread_key == "a" * 32
    assert conversation.messages.filter(direction=Direction.INBOUND).count() == 2
    assert InboundRow.objects.filter(external_id="a" * 32 + ":1", channel="chat").exists()


def test_a_left_message_keeps_the_email_to_answer(endpoint):
    chat_message_accept(
        endpoint=endpoint,
        session="b" * 32,
        sequence=0,
        text="Rappelez-moi",
        email="usager@example.org",
        left_message=True,
    )
    conversation = Conversation.objects.get()
    assert conversation.subject.startswith("Message laissé")


def test_an_empty_message_is_refused(endpoint):
    with pytest.raises(ContactError):
        chat_message_accept(endpoint=endpoint, session="c" * 32, sequence=0, text="  \x00 ")


def test_an_agent_reply_is_stored_sent_and_published_to_the_session(
    endpoint, django_capture_on_commit_callbacks, settings
):
    settings.REALTIME_DB_RELAY = True  # the published event is then a row to read
    chat_message_accept(endpoint=endpoint, session="d" * 32, sequence=0, text="Bonjour")
    conversation = Conversation.objects.get()
    agent = MembershipFactory(organisation=endpoint.organisation, role=Role.AGENT).user
    with django_capture_on_commit_callbacks(execute=True):
        reply = chat_reply(principal=agent, conversation=conversation, text="Bonjour, je regarde.")
    reply.refresh_from_db()
    assert reply.direction == Direction.OUTBOUND and reply.delivery is not None
    assert Delivery.objects.get(pk=reply.delivery_id).status == "sent"
    event = RealtimeEvent.objects.get(group=f"chat-session-{'d' * 32}")
    assert event.payload["text"] == "Bonjour, je regarde."
    conversation.refresh_from_db()
    assert conversation.first_answered_at is not None
    # Masked like the citizen's messages: the citizen's history shows only masked text.
    assert reply.body_masked == "Bonjour, je regarde."


def test_an_agent_of_another_organisation_cannot_reply(endpoint):
    chat_message_accept(endpoint=endpoint, session="e" * 32, sequence=0, text="Bonjour")
    stranger = MembershipFactory(role=Role.AGENT).user
    with pytest.raises(ContactError):
        chat_reply(principal=stranger, conversation=Conversation.objects.get(), text="Non")
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()
