"""The ``courriel`` connector: raw MIME in (IMAP polling or webhook), email replies out.

Inbound: ``accept`` names a webhook delivery of raw MIME by its Message-ID (else the
SHA-256 of the bytes); IMAP rows are named ``<mailbox pk>:<UIDVALIDITY>:<UID>`` by
``contacts.imap``. ``process`` parses the stored bytes (``contacts.mime``):

- a bounce or delivery status notification updates the outbox (``contacts.bounces``) and
  opens nothing;
- any other mail becomes an inbound message through ``services.message_receive``,
  threaded by Message-ID / In-Reply-To / References within the endpoint's organisation
  only. Whatever its From (even an agent's address), it stays inbound: only
  ``email_reply_send`` writes outbound messages. A mail already stored in the organisation
  under the same Message-ID (received by two of its mailboxes, or by IMAP and webhook)
  is not stored twice;
- the request that opens a conversation gets its acknowledgement of receipt
  (``contacts.acknowledgements``).

Outbound: ``email_reply_send`` stores the agent's reply and queues it through the
outbound door with ``Message-ID``, ``In-Reply-To`` and ``References``, so the citizen's
client threads it and the citizen's answer threads back here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from email import message_from_bytes, policy
from typing import TYPE_CHECKING

import structlog
from django.db import transaction
from django.utils import timezone

from parvis.contacts import mime
from parvis.contacts.acknowledgements import acknowledgement_send
from parvis.contacts.bounces import delivery_report_record
from parvis.contacts.connectors.base import Connector, register
from parvis.contacts.errors import ContactError
from parvis.contacts.models import (
    ContactKind,
    Conversation,
    Direction,
    InboundEndpoint,
    InboundRow,
    Message,
)
from parvis.contacts.services import message_receive
from parvis.contacts.services.conversations import message_mask_after_commit
from parvis.contacts.services.ingestion import payload_of
from parvis.core.crypto import decrypt_text, encrypt_text
from parvis.messaging.providers import make_message_id
from parvis.messaging.rendering import render_message
from parvis.messaging.services import message_queue

if TYPE_CHECKING:
    from parvis.accounts.models import User

logger = structlog.get_logger(__name__)

REPLY_TEMPLATE = "contacts/emails/reply"
_HEADER_END = re.compile(rb"\r?\n\r?\n")


def _webhook_external_id(body: bytes) -> str:
    """The Message-ID of a raw mail, read from its header block only (before the 202)."""
    head = _HEADER_END.split(body, maxsplit=1)[0]
    if len(head) > 256 * 1024:
        head = head[: 256 * 1024]
    headers = message_from_bytes(head + b"\r\n\r\n", policy=policy.default)
    return mime.message_id_of(headers)


@register
class EmailConnector(Connector):
    code = "courriel"
    label = "Courriel"

    def accept(self, body: bytes, headers: Mapping[str, str]) -> list[tuple[str, str, bytes]]:
        """A webhook delivery of one raw mail (``message/rfc822``): one row, named by its
        Message-ID, else by the SHA-256 of its bytes."""
        if not body.strip():
            raise ValueError("empty mail")
        message_id = _webhook_external_id(body)
        external_id = message_id or "sha256:" + mime.raw_digest(body)
        return [("message", external_id[:300], body)]

    def process(self, row: InboundRow) -> None:
        if Message.objects.filter(inbound_row=row).exists():
            return  # processed already (a crash after commit, a requeue)
        raw = payload_of(row)
        parsed = mime.parse(raw)
        if parsed.report is not None:
            delivery_report_record(parsed.report)
            return
        endpoint = row.endpoint
        inbound = parsed.inbound
        inbound.received_at = row.received_at
        duplicate = Message.objects.filter(
            conversation__organisation_id=endpoint.organisation_id,
            direction=Direction.INBOUND,
            channel_id=self.code,
            external_id=inbound.external_id,
        ).exists()
        if duplicate:
            logger.info("email_duplicate_ignored", row=row.pk)
            return
        message = message_receive(endpoint=endpoint, inbound=inbound, row=row)
        acknowledgement_send(message=message, parsed=parsed, endpoint=endpoint)


# --- Outbound ---------------------------------------------------------------------------------


def citizen_address(conversation: Conversation) -> str:
    """Where a reply goes: the conversation's email contact point, else the sender of its
    latest inbound mail still held raw."""
    point = conversation.contact_point
    if point is not None and point.kind == ContactKind.EMAIL:
        return decrypt_text(point.value_encrypted)
    latest = (
        Message.objects.filter(
            conversation=conversation, direction=Direction.INBOUND, inbound_row__isnull=False
        )
        .select_related("inbound_row")
        .order_by("-created_at", "-pk")
        .first()
    )
    if latest is not None and latest.inbound_row is not None:
        return mime.parse(payload_of(latest.inbound_row)).inbound.sender
    return ""


def _thread_headers(conversation: Conversation) -> tuple[str, list[str]]:
    """In-Reply-To (the latest mail of the conversation carrying a Message-ID) and the
    References chain (its references, then it)."""
    latest = (
        Message.objects.filter(conversation=conversation, channel_id="courriel")
        .exclude(direction=Direction.NOTE)
        .exclude(external_id="")
        .order_by("-created_at", "-pk")
        .first()
    )
    if latest is None:
        return "", []
    references = [ref for ref in latest.references.split() if ref]
    return latest.external_id, [*references, latest.external_id][-20:]


@transaction.atomic
def email_reply_send(*, conversation: Conversation, author: User | None, text: str) -> Message:
    """Store an agent's reply in ``conversation`` and queue it by email (the outbound
    door); the outbound message. Raises ``ContactError`` when no address is known."""
    to = citizen_address(conversation)
    if not to:
        raise ContactError(
            "no_email_address", "Aucune adresse électronique connue pour cette conversation."
        )
    endpoint = (
        InboundEndpoint.objects.filter(
            organisation_id=conversation.organisation_id, connector="courriel", is_active=True
        )
        .exclude(address="")
        .order_by("pk")
        .first()
    )
    reply_to = endpoint.address if endpoint is not None and "@" in endpoint.address else ""
    in_reply_to, references = _thread_headers(conversation)
    message_id = make_message_id(reply_to.rpartition("@")[2])
    context = {
        "text": text,
        "subject": conversation.subject,
        "reference": conversation.reference,
        "service": conversation.organisation.name,
        "can_reply": bool(reply_to),
    }
    rendered = render_message(REPLY_TEMPLATE, context)
    now = timezone.now()
    message = Message.objects.create(
        conversation=conversation,
        direction=Direction.OUTBOUND,
        channel_id="courriel",
        author=author,
        subject=rendered.subject[:300],
        body_encrypted=encrypt_text(text),
        external_id=message_id,
        in_reply_to=in_reply_to,
        references=" ".join(references),
        created_at=now,
    )
    message_mask_after_commit(message)
    headers = {"Message-ID": message_id}
    if in_reply_to:
        headers["In-Reply-To"] = in_reply_to
        headers["References"] = " ".join(references)
    if reply_to:
        headers["Reply-To"] = reply_to
    delivery = message_queue(
        template=REPLY_TEMPLATE,
        to=to,
        context=context,
        owner=message,
        idempotency_key=f"contacts-reply:{message.pk}",
        headers=headers,
    )
    message.delivery = delivery
    message.save(update_fields=["delivery"])
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now)
    # The first agent reply answers the contact (quality indicators, supervision), as a
    # reply by SMS or chat does; an automatic acknowledgement never comes through here.
    Conversation.objects.filter(pk=conversation.pk, first_answered_at__isnull=True).update(
        first_answered_at=now
    )
    return message
