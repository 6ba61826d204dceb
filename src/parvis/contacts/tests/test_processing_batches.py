"""Processing several rows a task, and what an SMS costs the database (issue 13's
performance work): attempts counted once per batch, each row in its own transaction, the
SMS contact point found once, the events log subscribed in every process."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

from parvis.contacts.connectors import base
from parvis.contacts.models import (
    ContactPoint,
    Conversation,
    InboundRow,
    InboundStatus,
    Message,
    WebhookEvent,
)
from parvis.contacts.services import ingestion
from parvis.contacts.tests.factories import InboundEndpointFactory, channel
from parvis.contacts.tests.ingestion_kit import FailingConnector, RecordingConnector

pytestmark = pytest.mark.django_db
ORG_NUMBER = "+33140000000"


@pytest.fixture
def endpoint():  # type: ignore[no-untyped-def]
    channel("sms")
    return InboundEndpointFactory(connector="sms", address=ORG_NUMBER)


def _store(endpoint, *payloads):  # type: ignore[no-untyped-def]
    items = [
        ingestion.RawItem(
            endpoint_id=endpoint.pk,
            channel="sms",
            kind="message",
            external_id=str(payload["id"]),
            payload=json.dumps(payload).encode(),
        )
        for payload in payloads
    ]
    return ingestion.inbound_store_many(items=items)


def _text(ident: str, sender: str = "+33612345678", text: str = "Bonjour, mon dossier ?"):  # type: ignore[no-untyped-def]
    return {"id": ident, "from": sender, "to": ORG_NUMBER, "text": text}


def test_rows_stored_together_are_each_stored_once(endpoint):  # type: ignore[no-untyped-def]
    answers = _store(endpoint, _text("a"), _text("b"), _text("a"))
    assert answers == [True, True, False]
    assert _store(endpoint, _text("b")) == [False]
    assert sorted(InboundRow.objects.values_list("external_id", flat=True)) == ["a", "b"]


def test_a_batch_counts_one_attempt_a_row_and_a_failure_leaves_the_others(endpoint, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(ingestion, "send_on_commit", lambda task, *args: None)
    _store(endpoint, _text("a"), _text("b"))
    ids = list(InboundRow.objects.order_by("pk").values_list("pk", flat=True))
    monkeypatch.setitem(base._REGISTRY, "sms", FailingConnector())
    ingestion.inbound_process_many(row_ids=[ids[0]])
    monkeypatch.setitem(base._REGISTRY, "sms", RecordingConnector())
    RecordingConnector.processed = []
    done = ingestion.inbound_process_many(row_ids=[*ids, ids[1]])  # an id twice: once
    assert [row.pk for row in done] == ids
    assert RecordingConnector.processed == ids
    rows = {row.pk: row for row in InboundRow.objects.all()}
    assert [rows[i].attempts for i in ids] == [2, 1]
    assert {row.status for row in rows.values()} == {InboundStatus.PROCESSED}
    assert ingestion.inbound_process_many(row_ids=ids) == []  # nothing left to do


def test_a_batch_skips_spent_rows_into_quarantine(endpoint, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(ingestion, "send_on_commit", lambda task, *args: None)
    _store(endpoint, _text("a"), _text("b"))
    spent, fresh = InboundRow.objects.order_by("pk")
    InboundRow.objects.filter(pk=spent.pk).update(attempts=5)
    monkeypatch.setitem(base._REGISTRY, "sms", RecordingConnector())
    RecordingConnector.processed = []
    ingestion.inbound_process_many(row_ids=[spent.pk, fresh.pk])
    spent.refresh_from_db()
    assert spent.status == InboundStatus.QUARANTINED
    assert spent.error_class == ingestion.INTERRUPTED
    assert RecordingConnector.processed == [fresh.pk]


def test_an_sms_threads_with_one_contact_point_and_a_bounded_number_of_queries(  # type: ignore[no-untyped-def]
    endpoint, monkeypatch, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(ingestion, "send_on_commit", lambda task, *args: None)
    _store(endpoint, _text("a"), _text("b", text="Et aussi ma carte"))
    first, second = InboundRow.objects.order_by("pk")
    ingestion.inbound_process_many(row_ids=[first.pk])  # warms the process's memos
    # The second text of the sender, into their conversation: claim (4 statements), then
    # the row, the sender's point locked, the thread, the message and the row's state.
    with django_assert_max_num_queries(16):
        ingestion.inbound_process_many(row_ids=[second.pk])
    assert ContactPoint.objects.count() == 1
    conversation = Conversation.objects.get()
    assert conversation.contact_point_id == ContactPoint.objects.get().pk
    messages = Message.objects.filter(conversation=conversation)
    assert messages.count() == 2
    assert set(messages.values_list("contact_point_id", flat=True)) == {
        conversation.contact_point_id
    }
    assert conversation.last_message_at is not None


def test_a_new_sender_opens_a_conversation_in_a_bounded_number_of_queries(  # type: ignore[no-untyped-def]
    endpoint, monkeypatch, django_assert_max_num_queries
):
    """A new conversation is the hub's most frequent work: its point inserted without a
    re-read, opened and queued in one write, its creation event numbered from the
    instance (no lock, no count), the desk's announcement gathered for after commit."""
    monkeypatch.setattr(ingestion, "send_on_commit", lambda task, *args: None)
    _store(endpoint, _text("a"), _text("b", sender="+33698765432"))
    first, second = InboundRow.objects.order_by("pk")
    ingestion.inbound_process_many(row_ids=[first.pk])  # warms the process's memos
    # Claim (4), then the row, the point looked up and inserted, the thread, the
    # reference, the conversation and its two log rows, the event and the webhooks, the
    # message and the row's state (routing reads nothing: the queue has no policy). On
    # PostgreSQL both transactions also relax their commit (``SET LOCAL``).
    relaxed = 2 if connection.vendor == "postgresql" else 0
    with django_assert_max_num_queries(17 + relaxed):
        ingestion.inbound_process_many(row_ids=[second.pk])
    conversation = Conversation.objects.order_by("pk").last()
    assert conversation is not None
    event = WebhookEvent.objects.get(conversation=conversation)
    assert (event.kind, event.sequence) == ("conversation_created", 1)
    assert event.payload["organisation"] == endpoint.organisation.slug
    assert event.payload["conversation"]["reference"] == conversation.reference
    assert list(conversation.transitions.values_list("move", flat=True).order_by("pk")) == [
        "open",
        "queue",
    ]


def test_a_new_sms_conversation_is_announced_in_the_events_log(  # type: ignore[no-untyped-def]
    endpoint, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(ingestion, "send_on_commit", lambda task, *args: None)
    _store(endpoint, _text("a"))
    with django_capture_on_commit_callbacks(execute=True):
        ingestion.inbound_process_many(row_ids=[InboundRow.objects.get().pk])
    assert WebhookEvent.objects.filter(kind="conversation_created").count() == 1


def test_the_event_commits_with_the_conversation_not_after_it(  # type: ignore[no-untyped-def]
    endpoint, monkeypatch, django_capture_on_commit_callbacks
):
    """A worker dying between the processing commit and its after-commit hooks used to
    lose the event for good: the events log is written inside the processing
    transaction, so it exists although no after-commit hook ran."""
    monkeypatch.setattr(ingestion, "send_on_commit", lambda task, *args: None)
    _store(endpoint, _text("a"))
    with django_capture_on_commit_callbacks(execute=False):
        ingestion.inbound_process_many(row_ids=[InboundRow.objects.get().pk])
    event = WebhookEvent.objects.get(kind="conversation_created")
    assert event.sequence == 1
    assert event.payload["conversation"]["status"] == "en-file"


def test_the_events_log_is_subscribed_in_a_process_that_creates_no_organisation() -> None:
    """It was subscribed only once an organisation had been created in the process: a
    worker never recorded an event."""
    code = (
        "import django; django.setup()\n"
        "from parvis.contacts import events, webhooks\n"
        "print(events.conversation_created.is_subscribed(webhooks.on_conversation_created))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "parvis.settings"},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert result.stdout.strip().splitlines()[-1] == "True"
