"""The desk's WebSocket through the project's ASGI application: who may connect, which
groups it joins (the page's scoping), events carrying ids only, live on a new message."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from parvis.accounts.models import Role
from parvis.accounts.tests.factories import MembershipFactory
from parvis.asgi import application
from parvis.desk import realtime, services
from parvis.desk.consumers import groups_for
from parvis.desk.tests.factories import desk_story, waiting_conversation
from parvis.testing.loops import WS_TIMEOUT, run_in_fresh_loop

pytestmark = pytest.mark.django_db(transaction=True)
HOST = (b"host", b"127.0.0.1:8000")
ORIGIN = (b"origin", b"http://127.0.0.1:8000")


@pytest.fixture(autouse=True)
def _in_process_layer(settings):  # type: ignore[no-untyped-def]
    settings.REALTIME_DB_RELAY = False
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]


def _cookie(user) -> tuple[bytes, bytes]:  # type: ignore[no-untyped-def]
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return (b"cookie", f"{settings.SESSION_COOKIE_NAME}={session.session_key}".encode())


def _communicator(path: str, cookie=None) -> WebsocketCommunicator:  # type: ignore[no-untyped-def]
    headers = [HOST, ORIGIN] + ([cookie] if cookie is not None else [])
    return WebsocketCommunicator(application, path, headers=headers)


def test_groups_follow_the_pages_scoping():
    desk = desk_story()
    conversation = waiting_conversation(desk.queue)
    assert realtime.queue_group(desk.queue.pk) in groups_for(desk.agent, "")
    assert realtime.queue_group(desk.queue.pk) not in groups_for(desk.outsider, "")
    assert realtime.conversation_group(conversation.pk) in groups_for(
        desk.agent, conversation.reference
    )
    stranger = MembershipFactory(role=Role.AGENT).user
    assert groups_for(stranger, conversation.reference) == 4404
    manager = MembershipFactory(organisation=desk.organisation, role=Role.QUALITY_MANAGER).user
    assert groups_for(manager, "") == 4403


def test_anonymous_is_refused():
    async def body() -> None:
        communicator = _communicator("/ws/desk/")
        connected, code = await communicator.connect(timeout=WS_TIMEOUT)
        assert not connected and code == 4401

    run_in_fresh_loop(body)


def test_a_colleague_taking_a_conversation_reaches_the_open_desk_with_ids_only():
    desk = desk_story()
    conversation = waiting_conversation(desk.queue)
    cookie = _cookie(desk.colleague)

    async def body() -> None:
        communicator = _communicator("/ws/desk/", cookie)
        connected, _ = await communicator.connect(timeout=WS_TIMEOUT)
        assert connected
        assert await communicator.receive_json_from(timeout=WS_TIMEOUT) == {"type": "hello"}
        await database_sync_to_async(services.conversation_take)(
            principal=desk.agent, conversation=conversation
        )
        event = await communicator.receive_json_from(timeout=5)
        assert event == {"type": "desk", "conversation": conversation.pk}
        await communicator.disconnect()

    run_in_fresh_loop(body)


def test_a_conversation_page_hears_a_new_message():
    desk = desk_story()
    conversation = waiting_conversation(desk.queue)
    cookie = _cookie(desk.outsider)

    async def body() -> None:
        communicator = _communicator(f"/ws/desk/?conversation={conversation.reference}", cookie)
        connected, _ = await communicator.connect(timeout=WS_TIMEOUT)
        assert connected
        await communicator.receive_json_from(timeout=WS_TIMEOUT)
        await database_sync_to_async(services.desk_note)(
            principal=desk.agent, conversation=conversation, text="Vu."
        )
        event = await communicator.receive_json_from(timeout=5)
        assert event["conversation"] == conversation.pk and set(event) == {"type", "conversation"}
        await communicator.disconnect()

    run_in_fresh_loop(body)
