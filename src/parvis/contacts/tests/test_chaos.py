"""Chaos test of the contact hub's ingestion (issue 13, "Reliability (tests)").

1,000 inbound messages across channels (500 SMS from 100 senders, 300 emails in 100
threads of 3, 50 calls of 4 events), each webhook delivered 2 or 3 times and out of order
through the real door (``/hooks/<uuid>/``), while a real Celery worker is SIGKILLed and
the broker, a Redis server started by the test on its own port without persistence, is
killed and restarted. Recovery comes from the database sweep
(``services.inbound_requeue_stale``), never from the broker. At the end: exactly one raw
row per delivery key, nothing pending or quarantined, one message per distinct message,
and the right threading.

Runs only on PostgreSQL with ``REDIS_URL`` set (and ``redis-server`` installed).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import format_datetime
from pathlib import Path
from typing import IO, Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from kombu import pools as kombu_pools

from parvis.contacts import services
from parvis.contacts.models import (
    Call,
    Conversation,
    Direction,
    InboundRow,
    InboundStatus,
    Message,
    Outcome,
    Status,
)
from parvis.contacts.signatures import HEADER, sign
from parvis.contacts.tests.factories import InboundEndpointFactory, channel
from parvis.core import realtime
from parvis.core.crypto import encrypt_text
from parvis.core.models import WorkerHeartbeat
from parvis.testing.web import database_url

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

# 1,000 messages in the suite; ``make bench`` runs it at ten times the size
# (``benchmarks/contact_hub_chaos.py``, ``PARVIS_CHAOS_SCALE=10``: 10,000 messages).
SCALE = max(1, int(os.environ.get("PARVIS_CHAOS_SCALE", "1")))
SMS_SENDERS, SMS_PER_SENDER = 100 * SCALE, 5
EMAIL_THREADS, EMAIL_PER_THREAD = 100 * SCALE, 3
CALLS, EVENTS_PER_CALL = 50 * SCALE, 4
ORG_NUMBER = "+33140000000"
REQUEUE_SECONDS = 10  # the sweep's delay in this test (60 s in production)
DRAIN_DEADLINE_SECONDS = 180 * SCALE
BASE_TIME = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _requirements() -> str:
    """Why the test cannot run here, or ""."""
    if connection.vendor != "postgresql":
        return "chaos test: needs PostgreSQL (set DATABASE_URL)"
    if not settings.REDIS_URL:
        return "chaos test: needs REDIS_URL (Redis-backed profile)"
    if shutil.which("redis-server") is None:
        return "chaos test: needs the redis-server binary"
    return ""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """A throwaway redis-server on its own port, without persistence."""

    def __init__(self, directory: Path) -> None:
        self.port = _free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.process = None


@dataclass
class Worker:
    name: str
    process: subprocess.Popen[bytes]
    log: Path
    log_file: IO[str]

    def wait(self, timeout: float | None = None) -> None:
        try:
            self.process.wait(timeout=timeout)
        finally:
            if self.process.returncode is not None:
                self.log_file.close()


class Workers:
    """Real Celery worker processes (solo pool) on the test's Redis and database."""

    def __init__(self, directory: Path, broker_url: str) -> None:
        self.directory = directory
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": broker_url,
            "REDIS_URL": broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "PARVIS_TESTING": "false",
            "PARVIS_LANGUAGE_WARM_WORKERS": "false",
            "CONTACTS_MASK_ON_ARRIVAL": "false",  # anonymisation is measured apart
            "EMAIL_URL": "dummymail://",  # acknowledgements go nowhere
            "CHANNEL_LAYER_PREFIX": "parvis-chaos",
        }
        self.running: list[Worker] = []
        self.all: list[Worker] = []

    def start(self, name: str) -> Worker:
        log = self.directory / f"{name}.log"
        log_file = log.open("w")
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
                "-n",
                f"{name}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "WARNING",
            ],
            env=self.env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        worker = Worker(name, process, log, log_file)
        self.running.append(worker)
        self.all.append(worker)
        return worker

    def wait_ready(self, *workers: Worker, timeout: float = 120) -> None:
        """Until each worker is consuming (its ``worker_ready`` heartbeat is written)."""
        deadline = time.monotonic() + timeout
        for worker in workers:
            while not WorkerHeartbeat.objects.filter(
                hostname__startswith=f"{worker.name}@"
            ).exists():
                assert worker.process.poll() is None, f"{worker.name} exited\n{self.tails()}"
                assert time.monotonic() < deadline, f"{worker.name} never ready\n{self.tails()}"
                time.sleep(0.2)

    def sigkill(self, worker: Worker) -> None:
        worker.process.send_signal(signal.SIGKILL)
        worker.wait()
        self.running.remove(worker)

    def stop_all(self) -> None:
        for worker in self.running:
            worker.process.terminate()
        for worker in self.running:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.wait()
        self.running = []

    def tails(self) -> str:
        return "\n".join(
            f"--- {w.name} ---\n" + "\n".join(w.log.read_text().splitlines()[-15:])
            for w in self.all
        )


@pytest.fixture
def chaos_broker(tmp_path: Path) -> Iterator[RedisServer]:
    """The test's own Redis, and this process's Celery app pointed at it (restored after)."""
    reason = _requirements()
    if reason:
        pytest.skip(reason)
    from parvis.celery import app

    redis = RedisServer(tmp_path)
    redis.start()
    keys = ("broker_url", "task_always_eager", "task_publish_retry_policy")
    previous = {key: app.conf.get(key) for key in keys}
    previous_env = os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = redis.url  # Celery's conf reads it first
    app.conf.broker_url = redis.url
    app.conf.task_always_eager = False
    # While Redis is down each refused send is retried briefly, then logged (core.queue).
    app.conf.task_publish_retry_policy = {
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.05,
        "interval_max": 0.05,
    }
    _reset_pools(app)
    try:
        yield redis
    finally:
        if redis.process is not None:
            redis.kill()
        for key, value in previous.items():
            app.conf[key] = value
        if previous_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = previous_env
        _reset_pools(app)


def _reset_pools(app: Any) -> None:
    """Forget the connections and producers made for another broker URL.

    Celery's pool is kombu's process-wide pool for that URL: closing it without
    clearing kombu's registries leaves a closed pool that every later send on the
    same URL (eager sends acquire a producer too) gets back, and fails on.
    """
    kombu_pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


def test_reset_pools_leaves_an_open_pool_for_the_next_test() -> None:
    from parvis.celery import app

    app.pool  # noqa: B018 - make sure a pool exists for the URL in use
    _reset_pools(app)
    assert not app.pool._closed
    assert not app.producer_pool.connections._closed


# --- The deliveries -----------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    endpoint: str  # connector code
    body: bytes
    content_type: str


def _sms_deliveries() -> list[Delivery]:
    items = []
    for n in range(SMS_SENDERS * SMS_PER_SENDER):
        sender, rank = n % SMS_SENDERS, n // SMS_SENDERS
        body = {
            "id": f"sms-{n}",
            "from": f"+3361234{sender:04d}",
            "to": ORG_NUMBER,
            "text": f"Bonjour, message {rank + 1} au sujet de mon dossier de logement.",
            "received_at": (BASE_TIME + dt.timedelta(minutes=rank, seconds=sender)).isoformat(),
        }
        items.append(Delivery("sms", json.dumps(body).encode(), "application/json"))
    return items


def _message_id(thread: int, rank: int) -> str:
    return f"<t{thread}-m{rank}@usagers.example.org>"


def _email_deliveries() -> list[Delivery]:
    items = []
    for thread in range(EMAIL_THREADS):
        for rank in range(EMAIL_PER_THREAD):
            headers = [
                f"From: Usager {thread} <usager{thread}@example.org>",
                "To: accueil@organisme.example.fr",
                f"Subject: {'Re: ' if rank else ''}Dossier {thread}",
                f"Message-ID: {_message_id(thread, rank)}",
                f"Date: {format_datetime(BASE_TIME + dt.timedelta(hours=rank))}",
            ]
            if rank:
                headers.append(f"In-Reply-To: {_message_id(thread, rank - 1)}")
                headers.append(
                    "References: " + " ".join(_message_id(thread, r) for r in range(rank))
                )
            text = f"Bonjour,\n\nmessage {rank + 1} du dossier {thread}.\n\nCordialement"
            raw = "\r\n".join([*headers, "Content-Type: text/plain; charset=utf-8", "", text, ""])
            items.append(Delivery("courriel", raw.encode(), "message/rfc822"))
    return items


CALL_SCENARIOS = {
    "voicemail": ("call_started", "queued", "voicemail", "ended"),
    "abandoned": ("call_started", "queued", "abandoned", "ended"),
}


def _scenario(call: int) -> str:
    return "voicemail" if call % 2 else "abandoned"


def _phone_deliveries() -> list[Delivery]:
    items = []
    for call in range(CALLS):
        start = BASE_TIME + dt.timedelta(minutes=call)
        for step, event in enumerate(CALL_SCENARIOS[_scenario(call)]):
            body = {
                "call_id": f"call-{call}",
                "event": event,
                "timestamp": (start + dt.timedelta(seconds=20 * step)).isoformat(),
                "from": f"+3361000{call:04d}",
                "to": ORG_NUMBER,
            }
            items.append(Delivery("telephone", json.dumps(body).encode(), "application/json"))
    return items


def _schedule(items: list[Delivery], rng: random.Random) -> list[Delivery]:
    """Each item 2 or 3 times, all shuffled."""
    copies = [item for item in items for _ in range(rng.choice((2, 3)))]
    rng.shuffle(copies)
    return copies


# --- The test -----------------------------------------------------------------------------


def _while_redis_is_down(redis: RedisServer, settings: Any) -> None:
    """With its broker and channel layer down, a real-time publish is only logged and a
    pending row still processes (the follow-up tasks it sends are logged, not raised)."""
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [redis.url], "prefix": "parvis-chaos"},
        }
    }
    settings.REALTIME_DB_RELAY = False
    realtime.publish("chaos-desk", {"type": "ping"})  # must not raise
    row = (
        InboundRow.objects.filter(status=InboundStatus.PENDING, channel="sms")
        .order_by("pk")
        .first()
    )
    assert row is not None, "no pending SMS row while Redis is down"
    processed = services.inbound_process(row_id=row.pk)
    assert processed is not None and processed.status == InboundStatus.PROCESSED


def _status_counts() -> dict[str, int]:
    return dict(Counter(InboundRow.objects.values_list("status", flat=True)))


def test_chaos_every_delivery_once_nothing_stuck_threads_right(
    chaos_broker: RedisServer, tmp_path: Path, settings: Any
) -> None:
    settings.CONTACTS_INBOUND_REQUEUE_SECONDS = REQUEUE_SECONDS
    redis = chaos_broker
    secret = "chaos-secret"
    sms = InboundEndpointFactory(
        connector="sms", address=ORG_NUMBER, secret_encrypted=encrypt_text(secret)
    )
    organisation = sms.organisation
    endpoints = {
        "sms": sms,
        "courriel": InboundEndpointFactory(
            organisation=organisation,
            connector="courriel",
            address="accueil@organisme.example.fr",
            secret_encrypted=encrypt_text(secret),
        ),
        "telephone": InboundEndpointFactory(
            organisation=organisation,
            connector="telephone",
            address=ORG_NUMBER,
            secret_encrypted=encrypt_text(secret),
        ),
    }
    for slug in endpoints:
        channel(slug)

    rng = random.Random(13)
    distinct = _sms_deliveries() + _email_deliveries() + _phone_deliveries()
    deliveries = _schedule(distinct, rng)
    total = len(deliveries)
    kill_worker_at, replace_worker_at = total // 3, total * 5 // 12
    kill_redis_at, restart_redis_at = total // 2, total * 2 // 3

    workers = Workers(tmp_path, redis.url)
    first = workers.start("chaos-a")
    second = workers.start("chaos-b")
    workers.wait_ready(first, second)
    client = Client()
    started = time.monotonic()
    refused: list[tuple[int, int]] = []
    try:
        for index, delivery in enumerate(deliveries):
            if index == kill_worker_at:
                workers.sigkill(first)
            elif index == replace_worker_at:
                workers.start("chaos-c")
            elif index == kill_redis_at:
                redis.kill()
            elif index == restart_redis_at:
                _while_redis_is_down(redis, settings)
                redis.start()
            endpoint = endpoints[delivery.endpoint]
            response = client.post(
                f"/hooks/{endpoint.uuid}/",
                data=delivery.body,
                content_type=delivery.content_type,
                headers={HEADER: sign(delivery.body, [secret])},
            )
            if response.status_code != 202:
                refused.append((index, response.status_code))
        delivered_in = time.monotonic() - started
        assert not refused, f"the door refused deliveries: {refused[:10]}"

        # Recovery: the database sweep sends pending rows again until none is left.
        deadline = time.monotonic() + DRAIN_DEADLINE_SECONDS
        while InboundRow.objects.filter(status=InboundStatus.PENDING).exists():
            if time.monotonic() > deadline:
                pending = InboundRow.objects.filter(status=InboundStatus.PENDING)
                errors = Counter(pending.values_list("channel", "attempts", "error_class"))
                pytest.fail(
                    f"rows still pending after {DRAIN_DEADLINE_SECONDS} s: {_status_counts()}; "
                    f"(channel, attempts, error) of pending rows: {errors.most_common(10)}\n"
                    + workers.tails()
                )
            services.inbound_requeue_stale()
            time.sleep(2)
        drained_in = time.monotonic() - started - delivered_in
    finally:
        workers.stop_all()
    print(
        f"\nchaos: {total} deliveries of {len(distinct)} items in {delivered_in:.1f} s, "
        f"drained {drained_in:.1f} s later; rows {_status_counts()}; attempts "
        f"{dict(sorted(Counter(InboundRow.objects.values_list('attempts', flat=True)).items()))}"
    )

    # Exactly one raw row per delivery key, and nothing stuck.
    assert InboundRow.objects.count() == len(distinct)
    by_status = _status_counts()
    assert by_status.get(InboundStatus.QUARANTINED, 0) == 0, workers.tails()
    assert set(by_status) == {InboundStatus.PROCESSED}, by_status

    # One stored message per distinct message.
    inbound = Message.objects.filter(direction=Direction.INBOUND)
    sms_messages = inbound.filter(channel_id="sms")
    email_messages = inbound.filter(channel_id="courriel")
    assert sms_messages.count() == SMS_SENDERS * SMS_PER_SENDER
    assert sms_messages.values("external_id").distinct().count() == SMS_SENDERS * SMS_PER_SENDER
    assert email_messages.count() == EMAIL_THREADS * EMAIL_PER_THREAD
    assert (
        email_messages.values("external_id").distinct().count() == EMAIL_THREADS * EMAIL_PER_THREAD
    )

    # Threading: one conversation per SMS sender (to|from), holding that sender's texts.
    sms_conversations = Conversation.objects.filter(channel_id="sms")
    assert sms_conversations.count() == SMS_SENDERS
    assert set(sms_conversations.values_list("thread_key", flat=True)) == {
        f"{ORG_NUMBER}|+3361234{sender:04d}" for sender in range(SMS_SENDERS)
    }
    senders_of: dict[int, set[int]] = {}
    for conversation_id, external_id in sms_messages.values_list("conversation_id", "external_id"):
        senders_of.setdefault(conversation_id, set()).add(int(external_id[4:]) % SMS_SENDERS)
    assert all(len(s) == 1 for s in senders_of.values()), "an SMS conversation mixes senders"
    assert (
        Counter(sms_messages.values_list("conversation_id", flat=True)).most_common()[-1][1]
        == SMS_PER_SENDER
    )

    # One conversation per email thread, holding its three mails.
    email_conversations = Conversation.objects.filter(channel_id="courriel")
    assert email_conversations.count() == EMAIL_THREADS
    threads_of: dict[int, set[str]] = {}
    for conversation_id, external_id in email_messages.values_list(
        "conversation_id", "external_id"
    ):
        found = re.search(r"t(\d+)-m\d+@", external_id)
        assert found, external_id
        threads_of.setdefault(conversation_id, set()).add(found.group(1))
    assert len(threads_of) == EMAIL_THREADS
    assert all(len(t) == 1 for t in threads_of.values()), "an email conversation mixes threads"
    assert set(Counter(email_messages.values_list("conversation_id", flat=True)).values()) == {
        EMAIL_PER_THREAD
    }

    # Calls are not messages: one Call per call id, folded to its end, one conversation each.
    calls = Call.objects.filter(endpoint=endpoints["telephone"]).select_related("conversation")
    assert calls.count() == CALLS
    assert Conversation.objects.filter(channel_id="telephone").count() == CALLS
    for call in calls:
        assert call.state == "ended", (call.call_id, call.state)
        assert len(call.events) == EVENTS_PER_CALL, (call.call_id, call.events)
        assert call.conversation is not None and call.conversation.thread_key == call.call_id
        expected = (
            Outcome.VOICEMAIL
            if _scenario(int(call.call_id[5:])) == "voicemail"
            else (Outcome.ABANDONED)
        )
        assert (call.conversation.status, call.conversation.outcome) == (
            Status.RESOLVED,
            expected,
        ), call.call_id
