"""A frame a WebSocket cannot read (not JSON, binary) is answered ``bad_request`` and the
connection stays open, on every consumer (``core.consumers.JsonConsumer``): channels'
own decoding raised, which dropped the socket without a close frame and logged a
traceback."""

from __future__ import annotations

import pytest
from channels.testing import WebsocketCommunicator

from parvis.asgi import application
from parvis.contacts.tests.core_support import install_fake_engine
from parvis.contacts.tests.factories import InboundEndpointFactory, channel
from parvis.core.consumers import BAD_FRAME, JsonConsumer
from parvis.desk.tests.factories import desk_story
from parvis.desk.tests.test_consumers import _communicator as desk_communicator
from parvis.desk.tests.test_consumers import _cookie
from parvis.testing.loops import WS_TIMEOUT, run_in_fresh_loop
from parvis.websocket_urls import websocket_urlpatterns

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = (b"origin", b"http://127.0.0.1:8000")
# A truncated object, a bare word, a frame nested past the parser's recursion limit.
NOT_JSON = ['{"type": "message", "sequence": 0,', "bonjour", "[" * 100_000]


@pytest.fixture(autouse=True)
def _in_process_layer(settings):  # type: ignore[no-untyped-def]
    settings.REALTIME_DB_RELAY = False
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]


def test_every_websocket_consumer_reads_its_frames_through_the_json_base():
    consumers = [pattern.callback.consumer_class for pattern in websocket_urlpatterns]
    assert consumers
    assert all(issubclass(consumer, JsonConsumer) for consumer in consumers), consumers


async def _bad_frames_are_answered(communicator: WebsocketCommunicator) -> None:
    for frame in NOT_JSON:
        await communicator.send_to(text_data=frame)
        assert await communicator.receive_json_from(timeout=WS_TIMEOUT) == BAD_FRAME
    await communicator.send_to(bytes_data=b"\x00\x01")
    assert await communicator.receive_json_from(timeout=WS_TIMEOUT) == BAD_FRAME


def test_the_desk_answers_a_malformed_frame_and_stays_open():
    desk = desk_story()
    cookie = _cookie(desk.agent)

    async def body() -> None:
        communicator = desk_communicator("/ws/desk/", cookie)
        connected, _ = await communicator.connect(timeout=WS_TIMEOUT)
        assert connected
        assert await communicator.receive_json_from(timeout=WS_TIMEOUT) == {"type": "hello"}
        await _bad_frames_are_answered(communicator)
        # Still open: a well-formed frame is read as before (the desk ignores it).
        await communicator.send_json_to({"type": "ping"})
        assert await communicator.receive_nothing(timeout=0.2)
        await communicator.disconnect()

    run_in_fresh_loop(body)


def test_the_chat_answers_a_malformed_frame_and_the_next_message_goes_through(monkeypatch):
    install_fake_engine(monkeypatch)
    channel("chat")
    endpoint = InboundEndpointFactory(connector="chat")

    async def body() -> None:
        communicator = WebsocketCommunicator(
            application,
            f"/ws/chat/{endpoint.organisation.slug}/",
            headers=[(b"host", b"127.0.0.1:8000"), ORIGIN],
        )
        connected, _ = await communicator.connect(timeout=WS_TIMEOUT)
        assert connected
        assert (await communicator.receive_json_from(timeout=WS_TIMEOUT))["type"] == "session"
        assert (await communicator.receive_json_from(timeout=WS_TIMEOUT))["type"] == "status"
        await _bad_frames_are_answered(communicator)
        await communicator.send_json_to({"type": "message", "sequence": 0, "text": "Bonjour"})
        assert await communicator.receive_json_from(timeout=WS_TIMEOUT) == {
            "type": "ack",
            "sequence": 0,
        }
        await communicator.disconnect()

    run_in_fresh_loop(body)
