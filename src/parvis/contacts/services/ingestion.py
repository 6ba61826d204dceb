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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
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


@dataclass(frozen=True)
class RawItem:
    """One item of a delivery to store: what ``Connector.accept`` named, for one
    endpoint, with the moment it arrived."""

    endpoint_id: int
    channel: str
    kind: str
    external_id: str
    payload: bytes
    content_type: str = ""
    received_at: dt.datetime | None = None

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.endpoint_id, self.channel, self.external_id[:300])


_COLUMNS = (
    "endpoint_id",
    "channel",
    "kind",
    "external_id",
    "payload_encrypted",
    "content_type",
    "status",
    "attempts",
    "error_class",
    "received_at",
    "enqueued_at",
)
# Items a statement inserts at most (SQLite allows 32,766 parameters a statement).
STORE_CHUNK = 500


def _insert_new(items: Sequence[RawItem], now: dt.datetime) -> dict[tuple[int, str, str], int]:
    """``INSERT … ON CONFLICT DO NOTHING RETURNING``: the ids of the rows this statement
    created, by key (an existing key, or a key repeated in ``items``, is created once)."""
    table = connection.ops.quote_name(InboundRow._meta.db_table)
    created: dict[tuple[int, str, str], int] = {}
    for start in range(0, len(items), STORE_CHUNK):
        chunk = items[start : start + STORE_CHUNK]
        params: list[Any] = []
        for item in chunk:
            params += [
                item.endpoint_id,
                item.channel[:20],
                item.kind[:30],
                item.external_id[:300],
                encrypt_text(base64.b64encode(item.payload).decode("ascii")),
                item.content_type[:100],
                InboundStatus.PENDING,
                0,
                "",
                item.received_at or now,
                now,
            ]
        values = ", ".join(["(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"] * len(chunk))
        # Only the model's own table and column names and placeholders: no value in the text.
        sql = (
            f"INSERT INTO {table} ({', '.join(_COLUMNS)}) VALUES {values} "  # noqa: S608
            "ON CONFLICT (endpoint_id, channel, external_id) DO NOTHING "
            "RETURNING id, endpoint_id, channel, external_id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for row_id, endpoint_id, channel, external_id in cursor.fetchall():
                created[(endpoint_id, channel, external_id)] = row_id
    return created


def inbound_store_many(*, items: Sequence[RawItem], now: dt.datetime | None = None) -> list[bool]:
    """Store raw items, each once per ``(endpoint, channel, external_id)``, in one
    transaction (one durable commit for all: the webhook door gathers the items of the
    requests in flight), then hand the new rows to the worker in one task. Returns, for
    each item, whether it is new (``False``: a duplicate, stored before or earlier in
    ``items``). A refused send is logged only: the rows are committed, and the sweep
    sends them again."""
    now = now or timezone.now()
    with transaction.atomic():
        created = _insert_new(items, now)
        if created:
            from parvis.contacts.tasks import process_inbound_batch

            send_on_commit(process_inbound_batch, sorted(created.values()))
    fresh = set(created)
    answers = []
    for item in items:
        answers.append(item.key in fresh)
        fresh.discard(item.key)  # a key repeated in ``items`` is a duplicate after its first
    return answers


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


def delivery_items(
    *,
    endpoint_id: int,
    connector: str,
    body: bytes,
    headers: Mapping[str, str],
    content_type: str = "",
    received_at: dt.datetime | None = None,
) -> list[RawItem]:
    """The items of a signed webhook delivery, as the endpoint's connector names them
    (``Connector.accept``). Raises ``LookupError`` (no connector) or ``ValueError`` (a
    body the connector cannot read)."""
    return [
        RawItem(
            endpoint_id=endpoint_id,
            channel=connector,
            kind=kind,
            external_id=external_id,
            payload=payload,
            content_type=content_type,
            received_at=received_at,
        )
        for kind, external_id, payload in connectors.get(connector).accept(body, headers)
    ]


def inbound_deliver(
    *, endpoint: InboundEndpoint, body: bytes, headers: Mapping[str, str], content_type: str = ""
) -> tuple[int, int]:
    """A signed webhook delivery: the endpoint's connector names its items
    (``Connector.accept``), each stored once. Returns ``(accepted, duplicates)``.
    Raises ``ValueError`` when the connector cannot read the body."""
    items = delivery_items(
        endpoint_id=endpoint.pk,
        connector=endpoint.connector,
        body=body,
        headers=headers,
        content_type=content_type,
    )
    answers = inbound_store_many(items=items) if items else []
    accepted = sum(answers)
    return accepted, len(answers) - accepted


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
    """Count one attempt of one row (the sweep quarantining spent rows); ``None`` when
    the row is no longer pending or has just been quarantined."""
    claimed = _claim([row_id], now=now)
    return claimed[0] if claimed else None


def _claim(row_ids: Sequence[int], *, now: dt.datetime) -> list[InboundRow]:
    """Count one attempt for each pending row of ``row_ids``, in one transaction
    committed before any connector runs (a worker killed mid-batch still counts); rows
    whose attempts are spent are quarantined instead. Rows another worker holds locked
    (it is processing them) are skipped: that worker finishes them, or the sweep sends
    them back. Returns the rows to process, in the order given."""
    with transaction.atomic():
        _relaxed_commit()
        rows = list(
            InboundRow.objects.select_for_update(skip_locked=True)
            .filter(pk__in=row_ids, status=InboundStatus.PENDING)
            .only("pk", "channel", "attempts", "error_class")
        )
        ready = []
        for row in rows:
            if row.attempts >= settings.CONTACTS_INBOUND_MAX_ATTEMPTS:
                _quarantine(row, now=now, error_class=row.error_class or INTERRUPTED)
            else:
                row.attempts += 1
                ready.append(row)
        if ready:
            InboundRow.objects.filter(pk__in=[row.pk for row in ready]).update(
                attempts=F("attempts") + 1
            )
    order = {row_id: index for index, row_id in enumerate(row_ids)}
    return sorted(ready, key=lambda row: order[row.pk])


def _relaxed_commit() -> None:
    """Let PostgreSQL answer this transaction's COMMIT before its WAL reaches the disk.

    Only for processing and its claim: everything they write can be made again from the
    raw row, whose own insertion was committed durably before the 202. Were PostgreSQL
    to crash within the last fraction of a second, the transaction would be lost whole
    (the row pending again, with its conversation and message, or its attempt not
    counted), and the sweep would process it again: nothing is lost and nothing is
    doubled. A worker killed does not lose it: the server commits. A later durable
    commit (any other write) flushes it anyway, the WAL being sequential."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _process_claimed(row_id: int, *, now: dt.datetime) -> InboundRow | None:
    try:
        with transaction.atomic():
            _relaxed_commit()
            row = (
                InboundRow.objects.select_for_update(of=("self",))
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


def inbound_process_many(
    *, row_ids: Sequence[int], now: dt.datetime | None = None
) -> list[InboundRow]:
    """Process pending rows through their connectors, each in its own transaction (one
    failing leaves the others alone); attempts are counted for all of them at once
    first (``_claim``). Idempotent: a row processed or quarantined meanwhile is left
    alone. A failure keeps its row pending for the sweep, or quarantines it once its
    attempts are spent; the error is recorded by class name only. Returns the rows
    processed or failed."""
    now = now or timezone.now()
    done = []
    for claimed in _claim(list(dict.fromkeys(row_ids)), now=now):
        row = _process_claimed(claimed.pk, now=now)
        if row is not None:
            done.append(row)
    return done


def inbound_process(*, row_id: int, now: dt.datetime | None = None) -> InboundRow | None:
    """Process one pending row (``inbound_process_many`` of one); the row, or ``None``
    when there was nothing to do."""
    done = inbound_process_many(row_ids=[row_id], now=now)
    return done[0] if done else None


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
