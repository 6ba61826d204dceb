"""The chat WebSocket through the project's ASGI application (origin validator, session
middleware, URL router): sessions, resume, refusals, limits, live replies.

Each test runs its async body with ``run_in_fresh_loop`` (its own thread and event
loop), as ``core/tests/test_realtime.py`` does: a browser test in the same worker keeps
Playwright's loop running in the main thread."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core import signing

from parvis.accounts.models import Role
from parvis.accounts.tests.factories import MembershipFactory
from parvis.asgi import application
from parvis.contacts import chat
from parvis.contacts.models import Conversation
from parvis.contacts.services.chat import chat_reply
from parvis.contacts.tests.core_support import install_fake_engine
from parvis.contacts.tests.factories import InboundEndpointFactory, channel
from parvis.testing.loops import WS_TIMEOUT, run_in_fresh_loop

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fast_engine(monkeypatch):  # type: ignore[no-untyped-def]
    """The hub qualifies a new conversation on arrival: a stand-in engine keeps the
    WebSocket timings about the socket, not about loading the language model."""
    install_fake_engine(monkeypatch)


ORIGIN = (b"origin", b"http://127.0.0.1:8000")


@pytest.fixture
def endpoint(settings):
    settings.REALTIME_DB_RELAY = False  # the in-memory layer of this process
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
    channel("chat")
    return InboundEndpointFactory(connector="chat")


def _communicator(slug: str, token: str = "", origin=ORIGIN) -> WebsocketCommunicator:
    path = f"/ws/chat/{slug}/" + (f"?token={token}" if token else "")
    headers = [(b"host", b"127.0.0.1:8000")] + ([origin] if origin else [])
    return WebsocketCommunicator(application, path, headers=headers)


async def _open(slug: str, token: str = "") -> tuple[WebsocketCommunicator, dict]:
    communicator = _communicator(slug, token)
    connected, _ = await communicator.connect(timeout=WS_TIMEOUT)
    assert connected
    session = await communicator.receive_json_from(timeout=WS_TIMEOUT)
    assert session["type"] == "session"
    status = await communicator.receive_json_from(timeout=WS_TIMEOUT)
    assert status["type"] == "status" and status["message"]
    return communicator, session


def test_a_citizen_chats_then_a_reload_resumes_the_conversation(endpoint):
    run_in_fresh_loop(_a_citizen_chats_then_a_reload_resumes_the_conversation, endpoint)


async def _a_citizen_chats_then_a_reload_resumes_the_conversation(endpoint):
    slug = endpoint.organisation.slug
    communicator, session = await _open(slug)
    await communicator.send_json_to({"type": "message", "sequence": 0, "text": "Bonjour"})
    assert await communicator.receive_json_from(timeout=WS_TIMEOUT) == {
        "type": "ack",
        "sequence": 0,
    }
    await communicator.disconnect()

    resumed, again = await _open(slug, session["token"])
    assert again["next_sequence"] == 1
    history = await resumed.receive_json_from(timeout=WS_TIMEOUT)
    assert history == {
        "type": "history",
        "messages": [{"direction": "inbound", "text": "Bonjour"}],
    }
    # A message sent again after a reconnection is stored once.
    await resumed.send_json_to({"type": "message", "sequence": 0, "text": "Bonjour"})
    assert (await resumed.receive_json_from(timeout=WS_TIMEOUT))["type"] == "ack"
    await resumed.disconnect()
    conversation = await database_sync_to_async(Conversation.objects.get)()
    count = await database_sync_to_async(conversation.messages.count)()
    assert count == 1


def test_an_agent_reply_reaches_the_widget_live(endpoint):
    run_in_fresh_loop(_an_agent_reply_reaches_the_widget_live, endpoint)


async def _an_agent_reply_reaches_the_widget_live(endpoint):
    communicator, _ = await _open(endpoint.organisation.slug)
    await communicator.send_json_to({"type": "message", "sequence": 0, "text": "Bonjour"})
    await communicator.receive_json_from(timeout=WS_TIMEOUT)

    def reply() -> None:
        from django.db import transaction

        conversation = Conversation.objects.get()
        agent = MembershipFactory(organisation=endpoint.organisation, role=Role.AGENT).user
        with transaction.atomic():
            chat_reply(principal=agent, conversation=conversation, text="Je regarde.")

    await database_sync_to_async(reply)()
    heard = await communicator.receive_json_from(timeout=5)
    assert heard["type"] == "message" and heard["text"] == "Je regarde."
    await communicator.disconnect()


def test_a_token_of_another_conversation_or_organisation_is_refused(endpoint):
    run_in_fresh_loop(_a_token_of_another_conversation_or_organisation_is_refused, endpoint)


async def _a_token_of_another_conversation_or_organisation_is_refused(endpoint):
    other = await database_sync_to_async(InboundEndpointFactory)(connector="chat")
    foreign = chat.session_new(other.organisation_id).token
    communicator = _communicator(endpoint.organisation.slug, foreign)
    connected, _ = await communicator.connect(timeout=WS_TIMEOUT)
    assert connected
    assert (await communicator.receive_json_from(timeout=WS_TIMEOUT))["code"] == "invalid_token"
    assert (await communicator.receive_output())["code"] == 4403


def test_a_forged_token_cannot_join_an_agents_group(endpoint):
    run_in_fresh_loop(_a_forged_token_cannot_join_an_agents_group, endpoint)


async def _a_forged_token_cannot_join_an_agents_group(endpoint):
    forged = signing.dumps({"s": "user-1", "o": endpoint.organisation_id}, salt="autre")
    communicator = _communicator(endpoint.organisation.slug, forged)
    await communicator.connect(timeout=WS_TIMEOUT)
    assert (await communicator.receive_json_from(timeout=WS_TIMEOUT))["code"] == "invalid_token"
    await communicator.disconnect()


def test_the_agents_event_socket_refuses_anonymous_citizens(endpoint):
    run_in_fresh_loop(_the_agents_event_socket_refuses_anonymous_citizens, endpoint)


async def _the_agents_event_socket_refuses_anonymous_citizens(endpoint):
    communicator = WebsocketCommunicator(
        application, "/ws/events/", headers=[(b"host", b"127.0.0.1:8000"), ORIGIN]
    )
    connected, _code = await communicator.connect(timeout=WS_TIMEOUT)
    assert not connected


@pytest.mark.parametrize("origin", [None, (b"origin", b"https://evil.example")])
def test_another_origin_is_refused(endpoint, origin):
    run_in_fresh_loop(_another_origin_is_refused, endpoint, origin)


async def _another_origin_is_refused(endpoint, origin):
    communicator = _communicator(endpoint.organisation.slug, origin=origin)
    connected, _ = await communicator.connect(timeout=WS_TIMEOUT)
    assert not connected


def test_an_unknown_organisation_has_no_chat(endpoint):
    run_in_fresh_loop(_an_unknown_organisation_has_no_chat, endpoint)


async def _an_unknown_organisation_has_no_chat(endpoint):
    communicator = _communicator("inconnu")
    connected, _ = await communicator.connect(timeout=WS_TIMEOUT)
    assert not connected


def test_messages_and_connections_are_limited_per_address(endpoint, settings):
    settings.CONTACTS_CHAT_RATE_LIMITS = {"connections_ip": (2, 60), "messages_ip": (1, 60)}
    run_in_fresh_loop(_messages_and_connections_are_limited_per_address, endpoint)


async def _messages_and_connections_are_limited_per_address(endpoint):
    slug = endpoint.organisation.slug
    communicator, _ = await _open(slug)
    await communicator.send_json_to({"type": "message", "sequence": 0, "text": "Un"})
    assert (await communicator.receive_json_from(timeout=WS_TIMEOUT))["type"] == "ack"
    await communicator.send_json_to({"type": "message", "sequence": 1, "text": "Deux"})
    refused = await communicator.receive_json_from(timeout=WS_TIMEOUT)
    assert refused["code"] == "rate_limited" and "trop de messages" in refused["message"]
    second, _ = await _open(slug)
    third = _communicator(slug)
    connected, _ = await third.connect(timeout=WS_TIMEOUT)
    assert not connected
    await communicator.disconnect()
    await second.disconnect()


def test_malformed_and_oversized_messages_are_refused(endpoint):
    run_in_fresh_loop(_malformed_and_oversized_messages_are_refused, endpoint)


async def _malformed_and_oversized_messages_are_refused(endpoint):
    communicator, _ = await _open(endpoint.organisation.slug)
    await communicator.send_json_to({"type": "message", "sequence": "x", "text": "a"})
    assert (await communicator.receive_json_from(timeout=WS_TIMEOUT))["code"] == "bad_request"
    await communicator.send_json_to({"type": "message", "sequence": 0, "text": "a" * 2001})
    assert (await communicator.receive_json_from(timeout=WS_TIMEOUT))["code"] == "too_long"
    await communicator.send_json_to(
        {"type": "message", "sequence": 0, "text": "a", "email": "pas-une-adresse"}
    )
    assert (await communicator.receive_json_from(timeout=WS_TIMEOUT))["code"] == "bad_email"
    await communicator.disconnect()
