"""Events emitted by any process reach the browsers' WebSockets, with or without Redis.

The integration test starts a real Celery worker on the configured broker (a SQLite
file in embedded mode, Redis when REDIS_URL is set) against the test database.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from channels.testing.websocket import WebsocketCommunicator
from django.conf import settings

from parvis.accounts.tests.factories import UserFactory
from parvis.core.consumers import EventsConsumer
from parvis.core.models import WorkerHeartbeat
from parvis.testing.loops import WS_TIMEOUT, run_in_fresh_loop
from parvis.testing.web import database_url


async def _connected(user) -> WebsocketCommunicator:  # type: ignore[no-untyped-def]
    communicator = WebsocketCommunicator(EventsConsumer.as_asgi(), "/ws/events/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect(timeout=WS_TIMEOUT)
    assert connected
    return communicator


@pytest.mark.django_db(transaction=True)
def test_anonymous_websocket_is_refused():
    run_in_fresh_loop(_anonymous_websocket_is_refused)


async def _anonymous_websocket_is_refused():
    from django.contrib.auth.models import AnonymousUser

    communicator = WebsocketCommunicator(EventsConsumer.as_asgi(), "/ws/events/")
    communicator.scope["user"] = AnonymousUser()
    connected, code = await communicator.connect(timeout=WS_TIMEOUT)
    assert not connected and code == 4401


@pytest.mark.django_db(transaction=True)
def test_event_published_in_this_process_reaches_the_user_only():
    run_in_fresh_loop(_event_published_in_this_process_reaches_the_user_only)


async def _event_published_in_this_process_reaches_the_user_only():
    from parvis.core.realtime import publish

    alice = await database_sync_to_async(UserFactory)()
    bob = await database_sync_to_async(UserFactory)()
    alice_ws, bob_ws = await _connected(alice), await _connected(bob)
    await database_sync_to_async(publish)(f"user-{alice.pk}", {"type": "ping", "n": 1})
    assert await alice_ws.receive_json_from(timeout=5) == {"type": "ping", "n": 1}
    assert await bob_ws.receive_nothing(timeout=0.5)
    await alice_ws.disconnect()
    await bob_ws.disconnect()


@pytest.fixture
def celery_worker_process(tmp_path: Path):
    """A real worker process on its own queue, against the test database."""
    from parvis.celery import app

    queue = f"parvis-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PARVIS_TESTING": "false",
        "PARVIS_LANGUAGE_WARM_WORKERS": "false",  # this worker never sees a text
    }
    if settings.REDIS_URL:
        # The worker is not in "testing" mode: give it this process's channel namespace.
        env["CHANNEL_LAYER_PREFIX"] = settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"]
    else:
        env["CELERY_BROKER_URL"] = f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}"
    log_path = tmp_path / "worker.log"
    log_file = log_path.open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "parvis",
            "worker",
            "-P",
            "solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "WARNING",
        ],
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    broker_url = env.get("CELERY_BROKER_URL", settings.CELERY_BROKER_URL)

    def send(task, *args):  # type: ignore[no-untyped-def]
        # An explicit connection: the app's pool may already hold another broker URL.
        with app.connection_for_write(broker_url) as connection:
            task.apply_async(args=args, queue=queue, connection=connection)

    previous_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield send
    finally:
        app.conf.task_always_eager = previous_eager
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log_file.close()
        print(log_path.read_text())  # shown by pytest when the test fails


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_records_its_heartbeat_and_its_events_reach_the_browser(
    celery_worker_process,
):
    run_in_fresh_loop(_worker_events_reach_the_browser, celery_worker_process)


async def _worker_events_reach_the_browser(celery_worker_process):  # type: ignore[no-untyped-def]
    from parvis.core.tasks import publish_event, record_worker_heartbeat

    user = await database_sync_to_async(UserFactory)()
    websocket = await _connected(user)
    send = celery_worker_process
    await database_sync_to_async(send)(record_worker_heartbeat)
    await database_sync_to_async(send)(publish_event, f"user-{user.pk}", {"type": "from-worker"})
    message = await websocket.receive_json_from(timeout=120)  # worker start-up on a busy CI
    assert message == {"type": "from-worker"}
    deadline = time.monotonic() + 30
    while not await database_sync_to_async(WorkerHeartbeat.objects.exists)():
        assert time.monotonic() < deadline, "the worker never recorded its heartbeat"
        await asyncio.sleep(0.2)
    await websocket.disconnect()


def test_a_publish_that_fails_is_logged_and_never_raises(settings, monkeypatch):
    """Redis down: real time is best effort, the caller (a webhook's processing, an
    agent's reply) goes on."""
    from parvis.core import realtime

    class DeadLayer:
        async def group_send(self, group, message):  # type: ignore[no-untyped-def]
            raise ConnectionRefusedError("Redis is down")

    settings.REALTIME_DB_RELAY = False
    monkeypatch.setattr(realtime, "get_channel_layer", lambda: DeadLayer())
    realtime.publish("user-1", {"type": "ping"})  # no exception
