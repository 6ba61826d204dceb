"""Writes of the events log and of organisations' webhooks (owner: API and webhooks).

``webhook_event_record`` is the one writer of ``WebhookEvent``: called after commit by
the hub's events (``contacts.webhooks.connect``), it numbers the event in its
conversation (the conversation row locked, and the unique constraint with a retry where
the database cannot lock, SQLite), then queues one delivery per active webhook of the
organisation subscribed to the kind, through the outbound door.

A webhook's secret is shown once, at creation or rotation; a rotation keeps the previous
secret signing too, so a subscriber can switch without missing an event.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Iterable
from typing import Any

import structlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, Field, Max, OuterRef
from django.utils import timezone

from parvis.accounts.services import audit_record
from parvis.contacts.codes import EVENT_KINDS, STATUS_PUBLIC_CODES
from parvis.contacts.errors import ContactError
from parvis.contacts.models import Conversation, OrganisationWebhook, WebhookEvent
from parvis.core.crypto import encrypt_text
from parvis.core.events import sent_instance
from parvis.core.prepared import prepared_cursor
from parvis.directory.models import Organisation
from parvis.messaging.models import Channel
from parvis.messaging.services import message_queue

logger = structlog.get_logger(__name__)

EVENT_TEMPLATE = "contacts/webhooks/event"
SEQUENCE_ATTEMPTS = 5


def _payload(event: WebhookEvent, conversation: dict[str, Any]) -> dict[str, Any]:
    """What subscribers receive and the replay returns: identifiers only, never a text
    or an address (a subscriber reads the rest through the API with its token).
    ``conversation``: its ``_EVENT_FIELDS``."""
    return {
        "id": str(event.event_id),
        "type": event.kind,
        "sequence": event.sequence,
        "created_at": event.created_at.isoformat(),
        "organisation": conversation["organisation__slug"],
        "conversation": {
            "id": conversation["pk"],
            "reference": conversation["reference"],
            "status": STATUS_PUBLIC_CODES.public(conversation["status"]),
            "queue": conversation["queue_id"],
            "channel": conversation["channel_id"],
            "assignee": conversation["assignee_id"],
        },
    }


# What an event carries of its conversation, read with the lock (see ``_next_event``).
_EVENT_FIELDS = (
    "pk",
    "organisation_id",
    "organisation__slug",
    "reference",
    "status",
    "queue_id",
    "channel_id",
    "assignee_id",
)


def _next_event(
    conversation_id: int, kind: str, *, nested: bool
) -> tuple[WebhookEvent, bool] | None:
    """The event, saved, and whether its organisation may have an active webhook (the
    caller then reads them).

    ``nested``: inside the changing transaction (the usual case: the events log
    subscribes in transaction), whose lock on the conversation already serialises the
    numbering (on SQLite the write lock too): no savepoint, and no conflict to retry.
    The lock's statement also reads what the event needs and whether any webhook
    listens (an event per message processed: each round trip counts). The last number
    is read by a statement of its own, after the lock: on PostgreSQL a subquery of the
    locking statement would see the snapshot taken before the wait."""
    created = sent_instance(Conversation, conversation_id) if nested else None
    if created is not None and kind == "conversation_created":
        return _first_event(created), _listening(created.organisation_id)
    listening = OrganisationWebhook.objects.filter(
        organisation_id=OuterRef("organisation_id"), is_active=True
    )
    for attempt in range(SEQUENCE_ATTEMPTS):
        try:
            with transaction.atomic(savepoint=not nested):
                # ``of=("self",)``: the organisation is read, not locked (locking it
                # serialised every move of an organisation and deadlocked two
                # routing workers).
                conversation = (
                    Conversation.objects.select_for_update(of=("self",))
                    .filter(pk=conversation_id)
                    .annotate(listening=Exists(listening))
                    .values(*_EVENT_FIELDS, "listening")
                    .first()
                )
                if conversation is None:
                    return None
                last = WebhookEvent.objects.filter(conversation_id=conversation_id).aggregate(
                    last=Max("sequence")
                )["last"]
                event = WebhookEvent(
                    organisation_id=conversation["organisation_id"],
                    conversation_id=conversation_id,
                    kind=kind,
                    sequence=(last or 0) + 1,
                )
                event.payload = _payload(event, conversation)
                event.save()
                return event, bool(conversation["listening"])
        except IntegrityError:
            # Another process numbered an event of this conversation meanwhile.
            if nested or attempt == SEQUENCE_ATTEMPTS - 1:
                raise
    return None


def _held_event(conversation: Conversation, kind: str, *, sequence: int) -> WebhookEvent:
    """An event of a conversation its sender holds (unsaved): its payload from the
    instance, nothing read but the organisation's slug (kept by the process)."""
    from parvis.contacts.services.qualification import organisation_slug

    event = WebhookEvent(
        organisation_id=conversation.organisation_id,
        conversation_id=conversation.pk,
        kind=kind,
        sequence=sequence,
    )
    event.payload = _payload(
        event,
        {
            "pk": conversation.pk,
            "organisation__slug": organisation_slug(conversation.organisation_id),
            "reference": conversation.reference,
            "status": conversation.status,
            "queue_id": conversation.queue_id,
            "channel_id": conversation.channel_id,
            "assignee_id": conversation.assignee_id,
        },
    )
    return event


def _first_event(conversation: Conversation) -> WebhookEvent:
    """The creation event of a conversation created by this transaction, from the
    instance its creator holds: nothing to lock (no other transaction sees the row yet)
    and no number to read (it is the conversation's first event)."""
    event = _held_event(conversation, "conversation_created", sequence=1)
    _insert_events([event])
    return event


def _listening(organisation_id: int) -> bool:
    """Whether the organisation has an active webhook (one plain statement: asked for
    every new conversation, and most organisations have none)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {OrganisationWebhook._meta.db_table} "  # noqa: S608
            "WHERE organisation_id = %s AND is_active",
            [organisation_id],
        )
        return cursor.fetchone() is not None


def webhook_event_record(*, conversation_id: int, kind: str) -> WebhookEvent | None:
    """Log one change of a conversation and queue it to the organisation's webhooks."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    nested = transaction.get_connection().in_atomic_block
    if (
        nested
        and kind != "conversation_created"
        and sent_instance(Conversation, conversation_id) is not None
    ):
        # A move whose sender holds the conversation it changed (a lifecycle service):
        # its row is locked by this transaction, so the held-instance path numbers it.
        recorded = webhook_events_record_many(conversation_ids=[conversation_id], kind=kind)
        return recorded[0] if recorded else None
    with transaction.atomic(savepoint=False):
        return _record_event(conversation_id, kind, nested=nested)


def _record_event(conversation_id: int, kind: str, *, nested: bool) -> WebhookEvent | None:
    numbered = _next_event(conversation_id, kind, nested=nested)
    if numbered is None:
        return None
    event, listening = numbered
    if listening:
        _queue_deliveries(event, kind)
    logger.info(
        "contact_event_recorded", event_id=str(event.event_id), kind=kind, sequence=event.sequence
    )
    return event


def _queue_deliveries(event: WebhookEvent, kind: str) -> None:
    """One delivery per active webhook of the event's organisation subscribed to its kind."""
    from parvis.contacts.webhooks import delivery_reference

    body = json.dumps(event.payload, ensure_ascii=False, separators=(",", ":"))
    webhooks = OrganisationWebhook.objects.filter(
        organisation_id=event.organisation_id, is_active=True
    ).order_by("pk")
    for webhook in webhooks:
        if kind not in (webhook.events or EVENT_KINDS):
            continue
        message_queue(
            template=EVENT_TEMPLATE,
            to=webhook.url,
            context={"body": body},
            owner=webhook,
            idempotency_key=delivery_reference(webhook.pk, str(event.event_id)),
            channel=Channel.WEBHOOK,
        )


_EVENT_COLUMNS = (
    "event_id",
    "organisation_id",
    "conversation_id",
    "kind",
    "sequence",
    "payload",
    "created_at",
)


def _numbers_and_listeners(conversation_ids: list[int]) -> tuple[dict[int, int], set[int]]:
    """In one statement (SQLite; PostgreSQL numbers in the insert,
    ``_NUMBER_AND_INSERT_EVENTS``): the last event number of each conversation and
    those whose organisation has an active webhook. A statement of its own, after the change that
    locked the conversations (a subquery of that change would read the snapshot taken
    before its wait)."""
    table = Conversation._meta.db_table
    marks = ", ".join(["%s"] * len(conversation_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.id, (SELECT MAX(e.sequence) FROM {WebhookEvent._meta.db_table} e "  # noqa: S608
            "WHERE e.conversation_id = c.id), EXISTS (SELECT 1 FROM "
            f"{OrganisationWebhook._meta.db_table} w WHERE w.organisation_id = "
            f"c.organisation_id AND w.is_active) FROM {table} c WHERE c.id IN ({marks})",
            conversation_ids,
        )
        rows = cursor.fetchall()
    return {pk: last for pk, last, _ in rows if last}, {pk for pk, _, heard in rows if heard}


def _concrete(name: str) -> Field[Any, Any]:
    found = WebhookEvent._meta.get_field(name)
    assert isinstance(found, Field)
    return found


def _insert_events(events: list[WebhookEvent]) -> None:
    """One insert of several events, their values prepared by their fields (the uuid and
    the JSON as each database stores them)."""
    fields = [_concrete(name) for name in _EVENT_COLUMNS]
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with prepared_cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {WebhookEvent._meta.db_table} ({', '.join(_EVENT_COLUMNS)}) "  # noqa: S608
            f"VALUES {', '.join([row] * len(events))}",
            [
                f.get_db_prep_save(getattr(event, f.attname), connection)
                for event in events
                for f in fields
            ],
        )


_NUMBER_AND_INSERT_EVENTS = (
    # Each conversation's next number and whether its organisation listens, read in the
    # statement that inserts the events: its snapshot is taken after the change that
    # locked the conversations (the previous statement), so it sees every number
    # committed before. Arrays and one JSON list of payloads: one text whatever the
    # number of events (converted and planned once per connection; psycopg would escape
    # a text array's elements one by one).
    "WITH v AS (SELECT v.e, v.c, v.t, j.payload FROM unnest(%s::uuid[], %s::bigint[], "  # noqa: S608
    "%s::timestamptz[]) WITH ORDINALITY AS v(e, c, t, n) JOIN jsonb_array_elements(%s::jsonb) "
    "WITH ORDINALITY AS j(payload, n) ON j.n = v.n), "
    "c AS (SELECT c.id, c.organisation_id, COALESCE((SELECT MAX(e.sequence) "
    f"FROM {WebhookEvent._meta.db_table} e WHERE e.conversation_id = c.id), 0) + 1 AS seq, "
    f"EXISTS (SELECT 1 FROM {OrganisationWebhook._meta.db_table} w "
    "WHERE w.organisation_id = c.organisation_id AND w.is_active) AS heard "
    f"FROM {Conversation._meta.db_table} c WHERE c.id = ANY(%s::bigint[])), "
    f"i AS (INSERT INTO {WebhookEvent._meta.db_table} ({', '.join(_EVENT_COLUMNS)}) "
    "SELECT v.e, c.organisation_id, v.c, %s, c.seq, "
    "v.payload || jsonb_build_object('sequence', c.seq), v.t FROM v JOIN c ON c.id = v.c "
    "RETURNING conversation_id, sequence) "
    "SELECT i.conversation_id, i.sequence, c.heard FROM i JOIN c ON c.id = i.conversation_id"
)


def _number_and_insert(events: list[WebhookEvent]) -> set[int]:
    """PostgreSQL: number and insert events of one kind in one statement
    (``_NUMBER_AND_INSERT_EVENTS``), their ``sequence`` (and the payload's) set from it;
    the conversations whose organisation listens."""
    (kind,) = {event.kind for event in events}
    with prepared_cursor() as cursor:
        cursor.execute(
            _NUMBER_AND_INSERT_EVENTS,
            [
                [event.event_id for event in events],
                [event.conversation_id for event in events],
                [event.created_at for event in events],
                json.dumps([event.payload for event in events]),
                [event.conversation_id for event in events],
                kind,
            ],
        )
        rows = cursor.fetchall()
    numbers = {conversation_id: sequence for conversation_id, sequence, _ in rows}
    for event in events:
        event.sequence = numbers[event.conversation_id]
        event.payload["sequence"] = event.sequence
    return {conversation_id for conversation_id, _, heard in rows if heard}


def webhook_events_record_many(*, conversation_ids: list[int], kind: str) -> list[WebhookEvent]:
    """``webhook_event_record`` for conversations one transaction moved the same way
    (routing's assignments): on PostgreSQL one statement numbers and inserts the events
    and tells whether their organisations listen (elsewhere one reads, one inserts).
    Only for conversations whose sender passed the instance (``sent_instance``): it
    changed their rows, so this transaction holds their locks and the numbering is
    serialised; any other is recorded one by one."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    held = {pk: sent_instance(Conversation, pk) for pk in conversation_ids}
    recorded = [
        event
        for pk, conversation in held.items()
        if conversation is None
        for event in [webhook_event_record(conversation_id=pk, kind=kind)]
        if event is not None
    ]
    batch = {pk: conversation for pk, conversation in held.items() if conversation is not None}
    if not batch:
        return recorded
    if connection.vendor == "postgresql":
        events = [_held_event(c, kind, sequence=0) for c in batch.values()]  # numbered next
        listening = _number_and_insert(events)
    else:
        last, listening = _numbers_and_listeners(list(batch))
        events = [
            _held_event(conversation, kind, sequence=(last.get(pk) or 0) + 1)
            for pk, conversation in batch.items()
        ]
        _insert_events(events)
    for event in events:
        if event.conversation_id in listening:
            _queue_deliveries(event, kind)
    logger.info("contact_events_recorded", kind=kind, count=len(events))
    return [*recorded, *events]


# --- Webhooks ---------------------------------------------------------------------------------


def _new_secret() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


def _check_events(kinds: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(kinds))
    unknown = [k for k in chosen if k not in EVENT_KINDS]
    if unknown or not chosen:
        message = "Choisissez au moins un événement parmi : création, prise en charge, résolution."
        raise ContactError("webhook_events_invalid", message, field="events")
    return chosen


def _check_url(url: str) -> str:
    from parvis.contacts.webhooks import TargetRefused, resolve_target

    url = url.strip()
    webhook = OrganisationWebhook(url=url)
    try:
        webhook.clean_fields(
            exclude=[f.name for f in OrganisationWebhook._meta.fields if f.name != "url"]
        )
    except ValidationError as error:
        raise ContactError("webhook_url_invalid", "Adresse invalide.", field="url") from error
    try:
        resolve_target(url)
    except TargetRefused as error:
        raise ContactError(
            "webhook_target_refused",
            "Cette adresse est refusée : elle doit être une adresse http(s) publique, "
            "jamais un réseau privé, local ou réservé.",
            field="url",
        ) from error
    return url


@transaction.atomic
def webhook_create(
    *, actor: Any, organisation: Organisation, url: str, events: Iterable[str] = EVENT_KINDS
) -> tuple[OrganisationWebhook, str]:
    """A new webhook and its secret, in clear this once."""
    secret = _new_secret()
    webhook = OrganisationWebhook(
        organisation=organisation,
        url=_check_url(url),
        events=_check_events(events),
        secret_encrypted=encrypt_text(secret),
    )
    webhook.full_clean()
    webhook.save()
    audit_record(
        actor=actor, action="webhook.created", target=webhook, data={"events": webhook.events}
    )
    return webhook, secret


@transaction.atomic
def webhook_update(
    *,
    actor: Any,
    webhook: OrganisationWebhook,
    url: str | None = None,
    events: Iterable[str] | None = None,
    is_active: bool | None = None,
) -> OrganisationWebhook:
    if url is not None:
        webhook.url = _check_url(url)
    if events is not None:
        webhook.events = _check_events(events)
    if is_active is not None:
        webhook.is_active = is_active
    webhook.full_clean()
    webhook.save()
    audit_record(
        actor=actor,
        action="webhook.updated",
        target=webhook,
        data={"events": webhook.events, "is_active": webhook.is_active},
    )
    return webhook


@transaction.atomic
def webhook_rotate_secret(*, actor: Any, webhook: OrganisationWebhook) -> str:
    """A new secret (returned in clear this once); the current one becomes the previous
    and keeps signing until the next rotation."""
    secret = _new_secret()
    webhook.previous_secret_encrypted = webhook.secret_encrypted
    webhook.secret_encrypted = encrypt_text(secret)
    webhook.save(update_fields=["secret_encrypted", "previous_secret_encrypted"])
    audit_record(actor=actor, action="webhook.secret_rotated", target=webhook, data={})
    return secret


@transaction.atomic
def webhook_delete(*, actor: Any, webhook: OrganisationWebhook) -> None:
    audit_record(actor=actor, action="webhook.deleted", target=webhook, data={})
    webhook.delete()


def webhook_events_purge(*, now: dt.datetime | None = None) -> int:
    """Events older than ``CONTACTS_EVENTS_RETENTION_DAYS`` leave the replay log (a
    client that stayed away longer resynchronises through the conversations' API)."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.CONTACTS_EVENTS_RETENTION_DAYS)
    return WebhookEvent.objects.filter(created_at__lt=cutoff).delete()[0]
