"""Processing of raw inbound rows: attempts, quarantine, requeue sweep, purge, retry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from parvis.accounts.services import purge_expired_data
from parvis.accounts.tests.factories import UserFactory
from parvis.contacts.connectors import base
from parvis.contacts.models import InboundRow, InboundStatus, Message
from parvis.contacts.services import (
    inbound_accept,
    inbound_process,
    inbound_purge,
    inbound_requeue_stale,
    inbound_retry,
)
from parvis.contacts.tests.factories import InboundEndpointFactory, channel
from parvis.contacts.tests.ingestion_kit import (
    Crash,
    CrashingConnector,
    FailingConnector,
    RecordingConnector,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def endpoint():  # type: ignore[no-untyped-def]
    channel("sms")
    RecordingConnector.processed = []
    return InboundEndpointFactory(connector="sms")


def _use(monkeypatch, connector):  # type: ignore[no-untyped-def]
    monkeypatch.setitem(base._REGISTRY, "sms", connector)


def _row(endpoint, external_id="m-1", **fields):  # type: ignore[no-untyped-def]
    row, created = inbound_accept(
        endpoint=endpoint, channel="sms", external_id=external_id, payload=b"Bonjour"
    )
    assert created
    if fields:
        InboundRow.objects.filter(pk=row.pk).update(**fields)
        row.refresh_from_db()
    return row


def test_a_row_is_processed_once_whatever_the_number_of_runs(endpoint, monkeypatch):
    _use(monkeypatch, RecordingConnector())
    row = _row(endpoint)
    assert inbound_process(row_id=row.pk).status == InboundStatus.PROCESSED
    assert inbound_process(row_id=row.pk) is None
    assert RecordingConnector.processed == [row.pk]
    assert Message.objects.count() == 1


def test_a_poison_row_is_quarantined_after_five_failures_keeping_the_class_only(
    endpoint, monkeypatch
):
    _use(monkeypatch, FailingConnector())
    row = _row(endpoint)
    for attempt in range(1, 5):
        inbound_process(row_id=row.pk, now=NOW)
        row.refresh_from_db()
        assert (row.status, row.attempts) == (InboundStatus.PENDING, attempt)
        assert row.error_class == "RuntimeError"
    inbound_process(row_id=row.pk, now=NOW)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.processed_at) == (InboundStatus.QUARANTINED, 5, NOW)
    assert row.error_class == "RuntimeError"
    assert inbound_process(row_id=row.pk) is None  # quarantined rows are left alone
    assert not Message.objects.exists()


def test_an_attempt_counts_even_when_the_worker_dies_mid_processing(endpoint, monkeypatch):
    _use(monkeypatch, CrashingConnector())
    row = _row(endpoint)
    with pytest.raises(Crash):
        inbound_process(row_id=row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (InboundStatus.PENDING, 1)


def test_a_row_whose_attempts_are_spent_is_quarantined_without_another_run(endpoint, monkeypatch):
    _use(monkeypatch, RecordingConnector())
    row = _row(endpoint, attempts=5)
    assert inbound_process(row_id=row.pk, now=NOW) is None
    row.refresh_from_db()
    assert row.status == InboundStatus.QUARANTINED and row.error_class == "Interrupted"
    assert RecordingConnector.processed == []


def test_the_sweep_sends_back_rows_pending_for_a_minute_and_quarantines_spent_ones(
    endpoint, monkeypatch, django_capture_on_commit_callbacks
):
    _use(monkeypatch, RecordingConnector())
    stale = _row(endpoint, "stale", enqueued_at=NOW - dt.timedelta(seconds=61))
    fresh = _row(endpoint, "fresh", enqueued_at=NOW - dt.timedelta(seconds=30))
    spent = _row(endpoint, "spent", enqueued_at=NOW - dt.timedelta(hours=1), attempts=5)
    done = _row(endpoint, "done", enqueued_at=NOW - dt.timedelta(hours=1))
    InboundRow.objects.filter(pk=done.pk).update(status=InboundStatus.PROCESSED)

    with django_capture_on_commit_callbacks(execute=True):
        assert inbound_requeue_stale(now=NOW) == 1
    assert RecordingConnector.processed == [stale.pk]
    statuses = dict(InboundRow.objects.values_list("external_id", "status"))
    assert statuses == {
        "stale": InboundStatus.PROCESSED,
        "fresh": InboundStatus.PENDING,
        "spent": InboundStatus.QUARANTINED,
        "done": InboundStatus.PROCESSED,
    }
    assert InboundRow.objects.get(pk=stale.pk).enqueued_at == NOW
    assert InboundRow.objects.get(pk=fresh.pk).attempts == 0
    assert InboundRow.objects.get(pk=spent.pk).attempts == 5


def test_a_requeued_row_waits_another_minute_before_the_next_sweep_sends_it(endpoint):
    row = _row(endpoint, enqueued_at=NOW - dt.timedelta(minutes=5))
    # no connector runs here: the sweep only hands the row back (the enqueue is after commit)
    assert inbound_requeue_stale(now=NOW) == 1
    assert inbound_requeue_stale(now=NOW + dt.timedelta(seconds=30)) == 0
    assert inbound_requeue_stale(now=NOW + dt.timedelta(seconds=61)) == 1
    row.refresh_from_db()
    assert row.status == InboundStatus.PENDING


def test_raw_rows_are_purged_30_days_after_processing_and_90_after_quarantine(endpoint):
    def row(external_id, status, days):  # type: ignore[no-untyped-def]
        return _row(
            endpoint, external_id, status=status, processed_at=NOW - dt.timedelta(days=days)
        )

    row("processed-31", InboundStatus.PROCESSED, 31)
    row("processed-29", InboundStatus.PROCESSED, 29)
    row("ignored-31", InboundStatus.IGNORED, 31)
    row("quarantined-31", InboundStatus.QUARANTINED, 31)
    row("quarantined-91", InboundStatus.QUARANTINED, 91)
    _row(endpoint, "pending-old", received_at=NOW - dt.timedelta(days=200))

    assert inbound_purge(now=NOW) == 3
    assert sorted(InboundRow.objects.values_list("external_id", flat=True)) == [
        "pending-old",
        "processed-29",
        "quarantined-31",
    ]


def test_the_daily_purge_runs_the_inbound_purge(endpoint):
    _row(endpoint, status=InboundStatus.PROCESSED, processed_at=NOW - dt.timedelta(days=40))
    counts = purge_expired_data(now=NOW)
    assert counts["contacts_inbound_rows"] == 1
    assert not InboundRow.objects.exists()


def test_a_purged_row_leaves_its_message(endpoint, monkeypatch):
    _use(monkeypatch, RecordingConnector())
    row = _row(endpoint)
    inbound_process(row_id=row.pk)
    InboundRow.objects.filter(pk=row.pk).update(processed_at=NOW - dt.timedelta(days=31))
    assert inbound_purge(now=NOW) == 1
    assert Message.objects.get().inbound_row is None


def test_retry_sends_quarantined_rows_back_with_fresh_attempts(
    endpoint, monkeypatch, django_capture_on_commit_callbacks
):
    _use(monkeypatch, RecordingConnector())
    quarantined = _row(
        endpoint, "q", status=InboundStatus.QUARANTINED, attempts=5, error_class="KeyError"
    )
    processed = _row(endpoint, "p", status=InboundStatus.PROCESSED)
    with django_capture_on_commit_callbacks(execute=True):
        assert inbound_retry(rows=[quarantined, processed]) == 1
    quarantined.refresh_from_db()
    assert quarantined.status == InboundStatus.PROCESSED and quarantined.attempts == 1
    assert quarantined.error_class == ""


def test_platform_admins_find_quarantined_rows_and_retry_them(endpoint, monkeypatch):
    _use(monkeypatch, FailingConnector())
    row = _row(endpoint, "q", status=InboundStatus.QUARANTINED, attempts=5)
    _row(endpoint, "p", status=InboundStatus.PROCESSED)
    client = Client()
    client.force_login(UserFactory(platform_admin=True))
    url = "/admin/contacts/inboundrow/"
    listing = client.get(url, {"status__exact": "quarantined"})
    assert listing.status_code == 200
    assert "En quarantaine" in listing.content.decode()
    assert listing.context["cl"].result_count == 1
    response = client.post(url, {"action": "retry", "_selected_action": [row.pk]}, follow=True)
    assert response.status_code == 200
    assert "1 entrée renvoyée au traitement." in response.content.decode()
    row.refresh_from_db()
    assert row.status == InboundStatus.PENDING and row.attempts <= 1
    assert client.get(f"{url}{row.pk}/change/").status_code == 200
