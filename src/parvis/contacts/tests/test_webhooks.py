"""The events log and organisations' webhooks: numbering, signed delivery to a real local
HTTP server, retries and dead letter through the outbox, and the guard against private
targets (after DNS resolution, at connect time, on every redirect)."""

from __future__ import annotations

import ipaddress
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.db import IntegrityError

from parvis.contacts import events, webhooks
from parvis.contacts.errors import ContactError
from parvis.contacts.models import WebhookEvent
from parvis.contacts.services import webhooks as services
from parvis.contacts.signatures import HEADER, verify
from parvis.contacts.tests.factories import ConversationFactory
from parvis.messaging.models import Delivery, DeliveryStatus

pytestmark = pytest.mark.django_db


class Recorder:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 200
        self.redirect_to = ""


@pytest.fixture
def server() -> Iterator[tuple[str, Recorder]]:
    """A real HTTP server on 127.0.0.1 recording what it receives."""
    recorder = Recorder()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            recorder.requests.append(
                {"path": self.path, "headers": dict(self.headers), "body": self.rfile.read(length)}
            )
            if recorder.redirect_to and len(recorder.requests) == 1:
                self.send_response(307)
                self.send_header("Location", recorder.redirect_to)
            else:
                self.send_response(recorder.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", recorder
    finally:
        httpd.shutdown()
        httpd.server_close()


def _send(event: Any, conversation_id: int, capture: Any) -> None:
    with capture(execute=True):
        event.send(conversation_id)


def test_each_change_is_one_event_numbered_in_its_conversation():
    conversation = ConversationFactory()
    other = ConversationFactory(queue=conversation.queue)
    events.conversation_created.send(conversation.pk)
    events.conversation_created.send(other.pk)
    events.conversation_assigned.send(conversation.pk)
    events.conversation_resolved.send(conversation.pk)
    events.conversation_changed.send(conversation.pk)  # not a webhook event
    rows = list(WebhookEvent.objects.filter(conversation=conversation))
    assert [(e.kind, e.sequence) for e in rows] == [
        ("conversation_created", 1),
        ("conversation_assigned", 2),
        ("conversation_resolved", 3),
    ]
    assert WebhookEvent.objects.get(conversation=other).sequence == 1
    payload = rows[0].payload
    assert payload["id"] == str(rows[0].event_id) and payload["sequence"] == 1
    assert payload["conversation"]["reference"] == conversation.reference
    assert set(payload["conversation"]) == {
        "id",
        "reference",
        "status",
        "queue",
        "channel",
        "assignee",
    }


@pytest.mark.django_db(transaction=True)
def test_a_sequence_taken_meanwhile_is_retried(monkeypatch):
    """Recorded on its own (outside the changing transaction), a sequence another
    process took is retried; inside it, the conversation's lock rules the race out."""
    conversation = ConversationFactory()
    original = WebhookEvent.save
    calls = {"n": 0}

    def racing_save(self: WebhookEvent, *args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 1:  # another process wrote sequence 1 just before us
            raise IntegrityError("contacts_event_sequence")
        original(self, *args, **kwargs)

    monkeypatch.setattr(WebhookEvent, "save", racing_save)
    event = services.webhook_event_record(
        conversation_id=conversation.pk, kind="conversation_created"
    )
    assert event is not None and event.sequence == 1 and calls["n"] == 2


def test_a_webhook_receives_the_signed_event(server, django_capture_on_commit_callbacks):
    url, recorder = server
    conversation = ConversationFactory()
    webhook, secret = services.webhook_create(
        actor=None, organisation=conversation.organisation, url=f"{url}/parvis"
    )
    services.webhook_create(  # subscribed to another kind only
        actor=None,
        organisation=conversation.organisation,
        url=f"{url}/autre",
        events=["conversation_resolved"],
    )
    _send(events.conversation_created, conversation.pk, django_capture_on_commit_callbacks)

    (request,) = recorder.requests
    event = WebhookEvent.objects.get()
    assert request["path"] == "/parvis"
    assert request["headers"]["X-Parvis-Event-Id"] == str(event.event_id)
    verify(request["headers"][HEADER], request["body"], [secret])
    assert json.loads(request["body"]) == event.payload
    delivery = Delivery.objects.get()
    assert delivery.channel == "webhook" and delivery.status == DeliveryStatus.SENT
    assert delivery.owner == webhook


def test_a_rotated_secret_keeps_the_previous_one_signing(
    server, django_capture_on_commit_callbacks
):
    url, recorder = server
    conversation = ConversationFactory()
    webhook, old = services.webhook_create(
        actor=None, organisation=conversation.organisation, url=url
    )
    new = services.webhook_rotate_secret(actor=None, webhook=webhook)
    _send(events.conversation_created, conversation.pk, django_capture_on_commit_callbacks)
    (request,) = recorder.requests
    header = request["headers"][HEADER]
    assert header.count("v1=") == 2
    verify(header, request["body"], [old])
    verify(header, request["body"], [new])


def test_failures_are_retried_then_dead_lettered(
    server, settings, django_capture_on_commit_callbacks, monkeypatch
):
    from parvis.messaging import tasks

    # Eager tasks that do not propagate: Celery runs each retry in place, as a worker would.
    monkeypatch.setitem(tasks.deliver.app.conf, "task_eager_propagates", False)
    settings.MESSAGING_MAX_ATTEMPTS = 3
    url, recorder = server
    recorder.status = 503
    conversation = ConversationFactory()
    services.webhook_create(actor=None, organisation=conversation.organisation, url=url)
    _send(events.conversation_created, conversation.pk, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    # eager Celery runs the outbox's retries at once; each is one attempt of the row
    assert delivery.status == DeliveryStatus.DEAD_LETTER
    assert delivery.attempts == settings.MESSAGING_MAX_ATTEMPTS
    assert len(recorder.requests) == settings.MESSAGING_MAX_ATTEMPTS
    assert delivery.error_class == "WebhookHTTPError"


def test_a_refusal_by_the_subscriber_is_not_retried(server, django_capture_on_commit_callbacks):
    url, recorder = server
    recorder.status = 410
    conversation = ConversationFactory()
    services.webhook_create(actor=None, organisation=conversation.organisation, url=url)
    _send(events.conversation_created, conversation.pk, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DEAD_LETTER, 1)


# --- The guard --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://10.1.2.3:8080/hook",
        "http://[::1]/",
        "http://localhost/",  # a name resolving to loopback
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]/",
        "http://224.0.0.1/",
        "http://0.0.0.0/",
        "http://100.64.0.1/",
        "ftp://example.org/",
        "http://user:pass@example.org/",
    ],
)
def test_private_targets_are_refused_when_not_allowed(settings, url):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    with pytest.raises(webhooks.TargetRefused):
        webhooks.resolve_target(url)


def test_a_public_address_passes_the_guard(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    target = webhooks.resolve_target("https://93.184.215.14/hook?x=1")
    assert (target.address, target.port, target.path) == ("93.184.215.14", 443, "/hook?x=1")


def test_creating_a_webhook_on_a_private_address_is_refused(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    conversation = ConversationFactory()
    with pytest.raises(ContactError) as error:
        services.webhook_create(
            actor=None, organisation=conversation.organisation, url="http://127.0.0.1:9/"
        )
    assert error.value.code == "webhook_target_refused"


def _only_public(monkeypatch: Any, allowed: str = "127.0.0.1") -> None:
    """Let the test server's address count as public, and nothing else local."""
    monkeypatch.setattr(webhooks, "_is_public", lambda a: a == ipaddress.ip_address(allowed))


def test_a_redirect_to_a_private_address_is_refused(server, settings, monkeypatch):
    url, recorder = server
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    _only_public(monkeypatch)
    port = url.rsplit(":", 1)[1]
    recorder.redirect_to = f"http://127.0.0.2:{port}/interne"
    with pytest.raises(webhooks.TargetRefused):
        webhooks.post(url, b"{}", {})
    assert len(recorder.requests) == 1  # the redirect was never followed
    recorder.requests.clear()
    recorder.redirect_to = f"http://[::1]:{port}/interne"
    with pytest.raises(webhooks.TargetRefused):
        webhooks.post(url, b"{}", {})


def test_an_allowed_redirect_is_followed_with_the_body(server, settings, monkeypatch):
    url, recorder = server
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    _only_public(monkeypatch)
    recorder.redirect_to = "/ailleurs"
    assert webhooks.post(url, b'{"a":1}', {}) == 200
    assert [r["path"] for r in recorder.requests] == ["/", "/ailleurs"]
    assert recorder.requests[1]["body"] == b'{"a":1}'


def test_the_connection_is_pinned_to_the_checked_address(server, settings, monkeypatch):
    """DNS rebinding: the name resolves to the checked address once, then elsewhere; the
    connection still goes to the checked one."""
    url, recorder = server
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    _only_public(monkeypatch)
    port = int(url.rsplit(":", 1)[1])
    real = socket.getaddrinfo
    answers = iter(["127.0.0.1"])

    def rebinding(host: str, *args: Any, **kwargs: Any) -> Any:
        if host == "hooks.example":
            address = next(answers, "10.0.0.1")
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    assert webhooks.post(f"http://hooks.example:{port}/", b"{}", {}) == 200
    assert recorder.requests[0]["headers"]["Host"] == f"hooks.example:{port}"


@pytest.mark.django_db(transaction=True)
def test_concurrent_events_of_one_conversation_get_distinct_sequences():
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises writers anyway)")
    conversation = ConversationFactory()
    errors: list[BaseException] = []

    def record() -> None:
        try:
            for _ in range(5):
                services.webhook_event_record(
                    conversation_id=conversation.pk, kind="conversation_assigned"
                )
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=record) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    sequences = sorted(
        WebhookEvent.objects.filter(conversation=conversation).values_list("sequence", flat=True)
    )
    assert sequences == list(range(1, 21))


def test_routings_assignments_in_bulk_reach_the_webhooks(
    server, django_capture_on_commit_callbacks
):
    """The events log's batch path (``webhook_events_record_many``): numbered after the
    events already there, delivered to a subscribed webhook, not to an organisation
    without one."""
    import datetime as dt

    from parvis.accounts.tests.factories import UserFactory
    from parvis.contacts.models import Status
    from parvis.contacts.services import lifecycle
    from parvis.core.workflow import System

    url, recorder = server
    heard = ConversationFactory(status=Status.QUEUED)
    unheard = ConversationFactory(status=Status.QUEUED)
    services.webhook_create(actor=None, organisation=heard.organisation, url=f"{url}/parvis")
    _send(events.conversation_created, heard.pk, django_capture_on_commit_callbacks)
    agent = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.conversations_assign_by_system(
            [(heard.pk, agent.pk), (unheard.pk, agent.pk)],
            principal=System("routing", "routage"),
            now=dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC),
        )
    assigned = WebhookEvent.objects.get(conversation=heard, kind="conversation_assigned")
    assert assigned.sequence == 2 and assigned.payload["conversation"]["assignee"] == agent.pk
    assert WebhookEvent.objects.get(conversation=unheard).sequence == 1
    assert [json.loads(r["body"])["type"] for r in recorder.requests] == [
        "conversation_created",
        "conversation_assigned",
    ]
    assert json.loads(recorder.requests[1]["body"]) == assigned.payload


def test_a_lifecycle_move_is_logged_from_the_conversation_it_holds():
    """A lifecycle service changed (and locked) the row it sends: the events log numbers
    the event after the existing ones and writes its payload from the instance, without
    reading the conversation again."""
    from parvis.accounts.models import Role
    from parvis.accounts.tests.factories import MembershipFactory
    from parvis.contacts import services as hub
    from parvis.contacts.models import Conversation, Status

    conversation = ConversationFactory(status=Status.QUEUED)
    agent = MembershipFactory(organisation=conversation.organisation, role=Role.AGENT).user
    events.conversation_created.send(conversation.pk)
    reads: list[str] = []

    def count_reads(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        if 'AS "listening"' in sql:  # the events log's own locking read of the row
            reads.append(sql)
        return execute(sql, params, many, context)

    from django.db import connection

    with connection.execute_wrapper(count_reads):
        hub.conversation_assign(conversation=conversation, principal=agent)
    assert reads == []
    event = WebhookEvent.objects.filter(conversation=conversation).latest("sequence")
    assert (event.kind, event.sequence) == ("conversation_assigned", 2)
    assert event.payload["sequence"] == 2
    assert event.payload["conversation"]["status"] == "prise-en-charge"
    assert event.payload["conversation"]["assignee"] == agent.pk
    assert Conversation.objects.get(pk=conversation.pk).assignee_id == agent.pk
