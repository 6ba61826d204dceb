"""Reliable ingestion: accept → store the raw row → 202, then process in Celery.

The row is the source of truth: a crashed worker, a lost broker message or a restarted
Redis only delay processing, since a sweep re-enqueues rows still pending.
"""

from __future__ import annotations

import base64

from django.db import IntegrityError, transaction
from django.utils import timezone

from parvis.contacts import connectors
from parvis.contacts.models import InboundEndpoint, InboundRow, InboundStatus
from parvis.core.crypto import decrypt_text, encrypt_text


def inbound_accept(
    *,
    endpoint: InboundEndpoint,
    channel: str,
    external_id: str,
    payload: bytes,
    content_type: str = "",
    kind: str = "message",
) -> tuple[InboundRow, bool]:
    """Store a raw inbound payload once per ``(endpoint, channel, external_id)``;
    returns the row and whether it is new. Processing is enqueued after commit."""
    try:
        with transaction.atomic():
            row = InboundRow.objects.create(
                endpoint=endpoint,
                channel=channel,
                kind=kind,
                external_id=external_id[:300],
                payload_encrypted=encrypt_text(base64.b64encode(payload).decode("ascii")),
                content_type=content_type[:100],
            )
    except IntegrityError:
        row = InboundRow.objects.get(
            endpoint=endpoint, channel=channel, external_id=external_id[:300]
        )
        return row, False
    from parvis.contacts.tasks import process_inbound

    transaction.on_commit(lambda: process_inbound.delay(row.pk))
    return row, True


def payload_of(row: InboundRow) -> bytes:
    return base64.b64decode(decrypt_text(row.payload_encrypted))


def inbound_process(*, row_id: int) -> InboundRow | None:
    """Process one pending row through its connector (idempotent)."""
    with transaction.atomic():
        row = (
            InboundRow.objects.select_for_update()
            .select_related("endpoint")
            .filter(pk=row_id, status=InboundStatus.PENDING)
            .first()
        )
        if row is None:
            return None
        row.attempts += 1
        connectors.get(row.channel).process(row)
        row.status = InboundStatus.PROCESSED
        row.processed_at = timezone.now()
        row.save(update_fields=["attempts", "status", "processed_at"])
    return row
