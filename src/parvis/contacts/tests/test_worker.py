"""A raw inbound row crosses a real broker to a real Celery worker, which counts the
attempt and keeps the error's class only."""

from __future__ import annotations

import time

import pytest

from parvis.contacts import tasks
from parvis.contacts.models import InboundRow, InboundStatus
from parvis.contacts.services import ingestion
from parvis.contacts.tests.factories import InboundEndpointFactory
from parvis.core.tests.test_realtime import celery_worker_process  # noqa: F401 (fixture)


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_counts_the_attempt_and_keeps_the_class_of_the_error(
    celery_worker_process,  # noqa: F811 (fixture)
    monkeypatch,
):
    # Postal mail has no connector (docs/contact-hub.md): processing fails, for sure.
    endpoint = InboundEndpointFactory(connector="courrier")
    monkeypatch.setattr(ingestion, "_enqueue", lambda row_id: None)  # sent below instead
    row, created = ingestion.inbound_accept(
        endpoint=endpoint, channel="courrier", external_id="lettre-1", payload=b"Madame,"
    )
    assert created
    celery_worker_process(tasks.process_inbound, row.pk)
    deadline = time.monotonic() + 120  # worker start-up on a busy machine
    while not InboundRow.objects.filter(pk=row.pk, error_class__gt="").exists():
        assert time.monotonic() < deadline, "the worker never processed the row"
        time.sleep(0.2)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.error_class) == (InboundStatus.PENDING, 1, "LookupError")
