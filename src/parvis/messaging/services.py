"""Sending messages, and the moves of their delivery log.

Two ways out, one log:

- ``message_send_now`` renders and sends in the calling process. Use it whenever the
  address or the text must not travel through the task broker or wait in the database:
  messages carrying a credential (activation, password reset, a private follow-up link,
  a confirmation link) and messages sent by a task that already carries only ids and
  rebuilds the message in the worker (voice, simplification, accounts emails).
- ``message_queue`` renders now, keeps the address and text encrypted in the log row,
  and a Celery task (``tasks.deliver``, whose payload is the row id only) sends it,
  retrying with a growing delay. For messages without a credential sent from a web
  request, and the outbox of the contact hub.

Statuses: queued → sending → sent → delivered (a provider with receipts confirms) or
failed (an attempt failed; another is due) → sending …; after
``MESSAGING_MAX_ATTEMPTS`` attempts, a permanent refusal or a negative receipt:
dead_letter. ``sent`` is final for providers without receipts (email).

An idempotency key makes a message go out once: a second call with the same key sends
nothing (unless the first attempt failed and tries remain: then it is the next attempt).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import structlog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from parvis.core.crypto import DecryptionError, decrypt_text, encrypt_text, keyed_digest
from parvis.core.queue import send_on_commit
from parvis.messaging import providers
from parvis.messaging.models import Channel, Delivery, DeliveryStatus
from parvis.messaging.providers import OutboundMessage, Provider
from parvis.messaging.rendering import render_message

logger = structlog.get_logger(__name__)

S = DeliveryStatus
# Stale rows the sweeper hands back to the worker: the broker may have lost the task.
STALE_AFTER = dt.timedelta(minutes=15)


class DeadLetter(Exception):
    """The message with this idempotency key was given up: it will not be sent."""


def recipient_digest(address: str) -> str:
    # Not ``email_digest``: an address may be a phone number or a chat id, and the digests
    # of messages already sent cannot be recomputed (the log keeps no address).
    return keyed_digest(address.strip().lower(), purpose="messaging.recipient")


def retry_delay(attempts: int) -> int:
    """Seconds before attempt ``attempts + 1``: 30 s, 1 min, 2 min … at most an hour."""
    return int(min(30 * 2 ** max(attempts - 1, 0), 3600))


def _open(
    *,
    provider: Provider,
    template: str,
    to: str,
    owner: models.Model | None,
    idempotency_key: str,
    payload_encrypted: str = "",
) -> tuple[Delivery, bool]:
    """The log row for this message: a new one, or the one already holding the key."""
    delivery = Delivery(
        channel=provider.channel,
        provider=provider.name,
        template=template,
        recipient_digest=recipient_digest(to),
        payload_encrypted=payload_encrypted,
    )
    if owner is not None:
        delivery.owner_type = ContentType.objects.get_for_model(owner)
        delivery.owner_id = owner.pk
    if idempotency_key:
        delivery.idempotency_key = idempotency_key
    delivery.full_clean(exclude=["owner_type"], validate_unique=False)
    try:
        with transaction.atomic():
            delivery.save()
    except IntegrityError:
        if not idempotency_key:
            raise
        return Delivery.objects.get(idempotency_key=idempotency_key), False
    return delivery, True


def _claim(delivery: Delivery) -> bool:
    """queued | failed → sending, counting the attempt; ``False`` if another process
    has it, or it needs no attempt any more. A conditional UPDATE, so two workers never
    send the same row."""
    claimed = Delivery.objects.filter(pk=delivery.pk, status__in=(S.QUEUED, S.FAILED)).update(
        status=S.SENDING, attempts=models.F("attempts") + 1, updated_at=timezone.now()
    )
    if claimed:
        delivery.refresh_from_db()
    return bool(claimed)


def _move(delivery: Delivery, *, source: tuple[str, ...], **changes: Any) -> bool:
    changes["updated_at"] = timezone.now()
    moved = Delivery.objects.filter(pk=delivery.pk, status__in=source).update(**changes)
    if moved:
        for field, value in changes.items():
            setattr(delivery, field, value)
    return bool(moved)


def _transmit(delivery: Delivery, message: OutboundMessage) -> Exception | None:
    """One attempt of a claimed row: sending → sent | failed | dead_letter. The error,
    if any, is returned (recorded by class only)."""
    provider = providers.get(delivery.provider)
    try:
        provider_message_id = provider.send(message)
    except Exception as error:  # any transport error: recorded, then retried or given up
        give_up = (
            provider.is_permanent(error) or delivery.attempts >= settings.MESSAGING_MAX_ATTEMPTS
        )
        status = S.DEAD_LETTER if give_up else S.FAILED
        _move(
            delivery,
            source=(S.SENDING,),
            status=status,
            error_class=type(error).__name__,
            **({"payload_encrypted": ""} if give_up else {}),
        )
        logger.warning(
            "message_failed",
            delivery_id=delivery.pk,
            template=delivery.template,
            attempts=delivery.attempts,
            status=status,
            error=type(error).__name__,
        )
        return error
    _move(
        delivery,
        source=(S.SENDING,),
        status=S.SENT,
        sent_at=timezone.now(),
        provider_message_id=provider_message_id[:255],
        error_class="",
        payload_encrypted="",
    )
    logger.info(
        "message_sent", delivery_id=delivery.pk, template=delivery.template, provider=provider.name
    )
    return None


def message_send_now(
    *,
    template: str,
    to: str,
    context: Mapping[str, Any],
    owner: models.Model | None = None,
    idempotency_key: str = "",
    channel: str = Channel.EMAIL,
    headers: Mapping[str, str] | None = None,
) -> Delivery:
    """Render ``template`` and send it to ``to`` in this process; the log row.

    A transport error is recorded then raised (so a calling task's retry policy
    applies); a key already sent returns its row without sending; a key given up
    raises ``DeadLetter``.
    """
    provider = providers.for_channel(channel)
    rendered = render_message(template, context, subject=channel == Channel.EMAIL)
    delivery, _created = _open(
        provider=provider, template=template, to=to, owner=owner, idempotency_key=idempotency_key
    )
    if delivery.status == S.DEAD_LETTER:
        raise DeadLetter(f"message {delivery.pk} was given up")
    if not _claim(delivery):
        logger.info("message_already_sent", delivery_id=delivery.pk, template=template)
        return delivery
    message = OutboundMessage(
        channel=delivery.channel,
        to=to.strip(),
        subject=rendered.subject,
        body=rendered.body,
        reference=delivery.idempotency_key,
        headers=tuple((headers or {}).items()),
    )
    error = _transmit(delivery, message)
    if error is not None:
        raise error
    return delivery


def message_queue(
    *,
    template: str,
    to: str,
    context: Mapping[str, Any],
    owner: models.Model | None = None,
    idempotency_key: str = "",
    channel: str = Channel.EMAIL,
    headers: Mapping[str, str] | None = None,
) -> Delivery:
    """Render ``template`` now and let a worker send it, after the current transaction
    commits. The task carries the row id only; the address and text wait encrypted in
    the row. Never for a message carrying a credential (use ``message_send_now``)."""
    from parvis.messaging import tasks

    provider = providers.for_channel(channel)
    rendered = render_message(template, context, subject=channel == Channel.EMAIL)
    payload = json.dumps(
        {
            "to": to.strip(),
            "subject": rendered.subject,
            "body": rendered.body,
            "headers": dict(headers or {}),
        }
    )
    delivery, created = _open(
        provider=provider,
        template=template,
        to=to,
        owner=owner,
        idempotency_key=idempotency_key,
        payload_encrypted=encrypt_text(payload),
    )
    if created:
        send_on_commit(tasks.deliver, delivery.pk)
    return delivery


def delivery_attempt(*, delivery_id: int) -> Delivery | None:
    """One attempt of a queued (or failed) row, run by ``tasks.deliver``; ``None`` when
    there is nothing to attempt (sent meanwhile, being sent, given up, purged)."""
    delivery = Delivery(pk=delivery_id)
    if not _claim(delivery):
        return None
    try:
        data = json.loads(decrypt_text(delivery.payload_encrypted))
    except (DecryptionError, ValueError) as error:  # a key dropped, or altered: unsendable
        _move(
            delivery,
            source=(S.SENDING,),
            status=S.DEAD_LETTER,
            error_class=type(error).__name__,
            payload_encrypted="",
        )
        logger.warning("message_unreadable", delivery_id=delivery.pk, error=type(error).__name__)
        return delivery
    message = OutboundMessage(
        channel=delivery.channel,
        to=data["to"],
        subject=data["subject"],
        body=data["body"],
        reference=delivery.idempotency_key,
        headers=tuple(data.get("headers", {}).items()),
    )
    _transmit(delivery, message)
    return delivery


def delivery_receipt_record(
    *, provider: str, provider_message_id: str, delivered: bool, error_class: str = ""
) -> Delivery | None:
    """A provider's receipt: sent → delivered, or sent → dead_letter when the transport
    reports it could not deliver (``error_class`` names why, e.g. ``"bounced"``)."""
    delivery = Delivery.objects.filter(
        provider=provider, provider_message_id=provider_message_id
    ).first()
    if delivery is None:
        return None
    if delivered:
        _move(delivery, source=(S.SENT,), status=S.DELIVERED, delivered_at=timezone.now())
    else:
        _move(
            delivery,
            source=(S.SENT,),
            status=S.DEAD_LETTER,
            error_class=(error_class or "undelivered")[:100],
        )
    return delivery


def deliveries_requeue_stale(*, now: dt.datetime | None = None) -> int:
    """Hand back to the worker queued or failed rows left alone too long (a task lost
    while the broker was down); how many."""
    from parvis.messaging import tasks

    cutoff = (now or timezone.now()) - STALE_AFTER
    stale = list(
        Delivery.objects.filter(status__in=(S.QUEUED, S.FAILED), updated_at__lt=cutoff)
        .exclude(payload_encrypted="")
        .values_list("pk", flat=True)[:500]
    )
    for pk in stale:
        send_on_commit(tasks.deliver, pk)
    return len(stale)


def deliveries_purge(*, now: dt.datetime | None = None) -> int:
    """Delete log rows older than ``RETENTION_MESSAGE_DELIVERIES_DAYS``; how many."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.RETENTION_MESSAGE_DELIVERIES_DAYS)
    return int(Delivery.objects.filter(created_at__lt=cutoff).delete()[0])
