"""Reliable ingestion: accept → store the raw row → 202, then process in Celery.

The row is the source of truth: a crashed worker, a lost broker message or a restarted
Redis only delay processing, since a sweep re-enqueues rows still pending. Each attempt
is counted in its own transaction before the connector runs, so even a worker killed
mid-processing counts; after ``CONTACTS_INBOUND_MAX_ATTEMPTS`` the row is quarantined
(platform admins see it and may send it back). Errors are kept as their class name only:
an exception's text may quote the citizen's message. Raw rows are purged some days after
processing (``CONTACTS_INBOUND_RETENTION_DAYS``, quarantined ones after
``CONTACTS_INBOUND_QUARANTINE_RETENTION_DAYS``).
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from collections.abc import Iterable, Mapping

import structlog
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from parvis.contacts import connectors
from parvis.contacts.models import InboundEndpoint, InboundRow, InboundStatus
from parvis.core.crypto import decrypt_text, encrypt_text
from parvis.core.queue import send_on_commit

logger = structlog.get_logger(__name__)

# What a row quarantined without an error of its own was stopped by: attempts that never
# finished (a worker killed, a machine restarted).
INTERRUPTED = "Interrupted"


def _enqueue(row_id: int) -> None:
    from parvis.contacts.tasks import process_inbound

    send_on_commit(process_inbound, row_id)


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
    returns the row and whether it is new. Processing is enqueued after commit (a
    refused send is logged: the sweep sends it again)."""
    try:
        with transaction.atomic():
            row = InboundRow.objects.create(
                endpoint=endpoint,
                channel=channel,
                kind=kind[:30],
                external_id=external_id[:300],
                payload_encrypted=encrypt_text(base64.b64encode(payload).decode("ascii")),
                content_type=content_type[:100],
            )
    except IntegrityError:
        row = InboundRow.objects.get(
            endpoint=endpoint, channel=channel, external_id=external_id[:300]
        )
        return row, False
    _enqueue(row.pk)
    return row, True


def inbound_deliver(
    *, endpoint: InboundEndpoint, body: bytes, headers: Mapping[str, str], content_type: str = ""
) -> tuple[int, int]:
    """A signed webhook delivery: the endpoint's connector names its items
    (``Connector.accept``), each stored once. Returns ``(accepted, duplicates)``.
    Raises ``ValueError`` when the connector cannot read the body."""
    connector = connectors.get(endpoint.connector)
    accepted = duplicates = 0
    for kind, external_id, payload in connector.accept(body, headers):
        _, created = inbound_accept(
            endpoint=endpoint,
            channel=endpoint.connector,
            external_id=external_id,
            payload=payload,
            content_type=content_type,
            kind=kind,
        )
        if created:
            accepted += 1
        else:
            duplicates += 1
    return accepted, duplicates


@transaction.atomic
def inbound_endpoint_rotate_secret(*, endpoint: InboundEndpoint) -> str:
    """A new signing secret for ``endpoint``, returned once in clear (to hand to the
    provider); the current one stays valid as the previous secret until the next
    rotation, so deliveries signed during the change are not refused."""
    secret = secrets.token_urlsafe(32)
    endpoint.previous_secret_encrypted = endpoint.secret_encrypted
    endpoint.secret_encrypted = encrypt_text(secret)
    endpoint.save(update_fields=["secret_encrypted", "previous_secret_encrypted"])
    return secret


def payload_of(row: InboundRow) -> bytes:
    return base64.b64decode(decrypt_text(row.payload_encrypted))


def _quarantine(row: InboundRow, *, now: dt.datetime, error_class: str) -> None:
    row.status = InboundStatus.QUARANTINED
    row.error_class = error_class[:100]
    row.processed_at = now
    row.save(update_fields=["status", "error_class", "processed_at"])
    logger.warning(
        "inbound_row_quarantined",
        row_id=row.pk,
        channel=row.channel,
        attempts=row.attempts,
        error_class=row.error_class,
    )


def _count_attempt(row_id: int, *, now: dt.datetime) -> InboundRow | None:
    """Count one attempt, committed before processing starts; ``None`` when the row is
    no longer pending or has just been quarantined (its attempts were spent)."""
    with transaction.atomic():
        row = (
            InboundRow.objects.select_for_update()
            .filter(pk=row_id, status=InboundStatus.PENDING)
            .first()
        )
        if row is None:
            return None
        if row.attempts >= settings.CONTACTS_INBOUND_MAX_ATTEMPTS:
            _quarantine(row, now=now, error_class=row.error_class or INTERRUPTED)
            return None
        row.attempts += 1
        row.save(update_fields=["attempts"])
    return row


def inbound_process(*, row_id: int, now: dt.datetime | None = None) -> InboundRow | None:
    """Process one pending row through its connector (idempotent: a row processed or
    quarantined meanwhile is left alone). A failure keeps the row pending for the sweep,
    or quarantines it once its attempts are spent; the error is recorded by class name
    only. Returns the row, or ``None`` when there was nothing to do."""
    now = now or timezone.now()
    if _count_attempt(row_id, now=now) is None:
        return None
    try:
        with transaction.atomic():
            row = (
                InboundRow.objects.select_for_update()
                .select_related("endpoint")
                .filter(pk=row_id, status=InboundStatus.PENDING)
                .first()
            )
            if row is None:  # another worker finished it while this one waited
                return None
            connectors.get(row.channel).process(row)
            if row.status == InboundStatus.PENDING:  # a connector may mark it ignored
                row.status = InboundStatus.PROCESSED
            row.error_class = ""
            row.processed_at = timezone.now()
            row.save(update_fields=["status", "error_class", "processed_at"])
        return row
    except Exception as error:  # any failure of a connector: counted, kept, retried
        return _record_failure(row_id, error_class=type(error).__name__, now=now)


def _record_failure(row_id: int, *, error_class: str, now: dt.datetime) -> InboundRow | None:
    with transaction.atomic():
        row = (
            InboundRow.objects.select_for_update()
            .filter(pk=row_id, status=InboundStatus.PENDING)
            .first()
        )
        if row is None:
            return None
        if row.attempts >= settings.CONTACTS_INBOUND_MAX_ATTEMPTS:
            _quarantine(row, now=now, error_class=error_class)
        else:
            row.error_class = error_class[:100]
            row.save(update_fields=["error_class"])
            logger.info(
                "inbound_row_failed",
                row_id=row.pk,
                channel=row.channel,
                attempts=row.attempts,
                error_class=row.error_class,
            )
    return row


def inbound_requeue_stale(*, now: dt.datetime | None = None, limit: int = 1000) -> int:
    """Send rows still pending ``CONTACTS_INBOUND_REQUEUE_SECONDS`` after their last
    enqueueing back to the worker (a task lost with the broker, a worker killed, a
    failure waiting for its next attempt), oldest first; how many. Rows whose attempts
    are spent are quarantined here without another run."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.CONTACTS_INBOUND_REQUEUE_SECONDS)
    stale = InboundRow.objects.filter(status=InboundStatus.PENDING, enqueued_at__lt=cutoff)
    spent = list(
        stale.filter(attempts__gte=settings.CONTACTS_INBOUND_MAX_ATTEMPTS).values_list(
            "pk", flat=True
        )[:limit]
    )
    for row_id in spent:
        _count_attempt(row_id, now=now)  # quarantines it
    ids = list(
        stale.filter(attempts__lt=settings.CONTACTS_INBOUND_MAX_ATTEMPTS)
        .order_by("enqueued_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    if ids:
        with transaction.atomic():
            InboundRow.objects.filter(pk__in=ids, status=InboundStatus.PENDING).update(
                enqueued_at=now
            )
            for row_id in ids:
                _enqueue(row_id)
        logger.info("inbound_rows_requeued", count=len(ids))
    return len(ids)


@transaction.atomic
def inbound_retry(*, rows: Iterable[InboundRow], now: dt.datetime | None = None) -> int:
    """Send quarantined rows back to processing with a fresh count of attempts (a
    platform admin, once the cause is fixed); how many."""
    now = now or timezone.now()
    ids = [row.pk for row in rows if row.status == InboundStatus.QUARANTINED]
    count = InboundRow.objects.filter(pk__in=ids, status=InboundStatus.QUARANTINED).update(
        status=InboundStatus.PENDING,
        attempts=0,
        error_class="",
        processed_at=None,
        enqueued_at=now,
    )
    for row_id in ids:
        _enqueue(row_id)
    return int(count)


def inbound_purge(*, now: dt.datetime | None = None) -> int:
    """Delete raw rows ``CONTACTS_INBOUND_RETENTION_DAYS`` after processing (processed
    or ignored) and quarantined ones after ``CONTACTS_INBOUND_QUARANTINE_RETENTION_DAYS``;
    how many. The messages made from them stay (their link to the row is cleared)."""
    now = now or timezone.now()
    done = now - dt.timedelta(days=settings.CONTACTS_INBOUND_RETENTION_DAYS)
    quarantined = now - dt.timedelta(days=settings.CONTACTS_INBOUND_QUARANTINE_RETENTION_DAYS)
    expired = Q(
        status__in=(InboundStatus.PROCESSED, InboundStatus.IGNORED), processed_at__lt=done
    ) | Q(status=InboundStatus.QUARANTINED, processed_at__lt=quarantined)
    deleted = 0
    while True:  # in batches: a month of rows may be large
        ids = list(InboundRow.objects.filter(expired).values_list("pk", flat=True)[:2000])
        if not ids:
            return deleted
        _, by_model = InboundRow.objects.filter(pk__in=ids).delete()
        deleted += by_model.get(InboundRow._meta.label, 0)
