"""Acknowledgement of receipt of an email request, with RFC 3834 loop guards.

The code des relations entre le public et l'administration (art. L. 112-3, R. 112-5)
requires an acknowledgement for every request sent to an administration electronically,
stating the date of receipt, the service in charge with its contact details, and the
deadline when one applies. parvis sends it for the message that opens a conversation (a
follow-up in the same conversation is not a new request), through the outbound door
(template ``contacts/emails/acknowledgement``), and stores it in the conversation as an
outbound automatic message.

Never to an automatic mail (RFC 3834 §2: ``Auto-Submitted`` other than ``no``,
``Precedence: bulk|junk|list``, ``List-Id``, a mailer daemon or a no-reply sender), and at
most one per address, organisation and day: the delivery log is asked (recipient digest,
template, date) and the day's idempotency key makes two concurrent workers send one.
The acknowledgement carries ``Auto-Submitted: auto-replied``, so a well-behaved
auto-responder does not answer it.
"""

from __future__ import annotations

import datetime as dt

import structlog
from django.db import transaction
from django.utils import formats, timezone
from django.utils.text import capfirst

from parvis.contacts.mime import ParsedMail, is_machine_sender
from parvis.contacts.models import Direction, InboundEndpoint, Message
from parvis.contacts.services.conversations import message_mask_after_commit
from parvis.core import french
from parvis.core.crypto import encrypt_text
from parvis.messaging.models import Delivery
from parvis.messaging.providers import make_message_id
from parvis.messaging.rendering import render_message
from parvis.messaging.services import message_queue, recipient_digest

logger = structlog.get_logger(__name__)

ACKNOWLEDGEMENT_TEMPLATE = "contacts/emails/acknowledgement"


class _AlreadyAcknowledged(Exception):
    pass


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _day_key(organisation_id: int, digest: str, day: dt.date) -> str:
    return f"contacts-ack:{organisation_id}:{digest}:{day.isoformat()}"


def already_acknowledged_today(*, organisation_id: int, address: str, day: dt.date) -> bool:
    digest = recipient_digest(address)
    return Delivery.objects.filter(
        template=ACKNOWLEDGEMENT_TEMPLATE,
        recipient_digest=digest,
        created_at__gte=_day_start(day),
        created_at__lt=_day_start(day + dt.timedelta(days=1)),
        idempotency_key__startswith=f"contacts-ack:{organisation_id}:",
    ).exists()


def _context(message: Message, endpoint: InboundEndpoint) -> dict[str, object]:
    conversation = message.conversation
    queue = conversation.queue
    organisation = conversation.organisation
    service = organisation.name
    # Who received it, as a sentence opens with it: « La CAF de la Gironde a bien reçu ».
    receiver: object = organisation
    phone = address = ""
    email = endpoint.address if "@" in endpoint.address else ""
    if queue is not None and queue.local_service is not None:
        service = queue.local_service.name
        receiver = queue.local_service
        phone = queue.local_service.phone
        email = email or queue.local_service.email
    if queue is not None and queue.site is not None:
        site = queue.site
        if queue.local_service is None:
            service = receiver = site.name
        phone = phone or site.phone
        email = email or site.email
        address = ", ".join(
            part for part in (site.address, f"{site.postcode} {site.commune.name}".strip()) if part
        )
    received = timezone.localtime(message.created_at)
    deadline_days: int | None = None
    if conversation.motif is not None and conversation.motif.commitment_working_days:
        deadline_days = conversation.motif.commitment_working_days
    elif queue is not None:
        deadline_days = queue.commitment_working_days
    deadline = conversation.announced_deadline
    return {
        "organisation": organisation.name,
        "service": service,
        "receiver": capfirst(french.with_article(receiver)),
        "reference": conversation.reference,
        "subject": message.subject,
        "received_on": french.date(received, "j F Y"),
        "received_at_time": formats.time_format(received, "H\\hi"),
        "deadline_date": (french.date(timezone.localtime(deadline), "j F Y") if deadline else ""),
        "deadline_days": deadline_days or "",
        "contact_email": email,
        "contact_phone": phone,
        "contact_address": address,
        "can_reply": "@" in endpoint.address,  # Reply-To: the endpoint's mailbox
    }


def acknowledgement_send(
    *, message: Message, parsed: ParsedMail, endpoint: InboundEndpoint
) -> Message | None:
    """Queue the acknowledgement of ``message`` (just received) when it is owed; the
    stored outbound automatic message, or ``None`` (not owed, or already sent today)."""
    address = parsed.inbound.sender
    if parsed.auto_submitted or not address or is_machine_sender(address):
        return None
    if InboundEndpoint.objects.filter(address__iexact=address).exists():
        return None  # one of parvis's own mailboxes: never answer a machine with a machine
    conversation = message.conversation
    if (
        Message.objects.filter(conversation=conversation, direction=Direction.INBOUND)
        .exclude(pk=message.pk)
        .exists()
    ):
        return None  # a follow-up: the request was acknowledged when it arrived
    day = timezone.localdate()
    organisation_id = conversation.organisation_id
    if already_acknowledged_today(organisation_id=organisation_id, address=address, day=day):
        logger.info("acknowledgement_skipped", reason="one_a_day", conversation=conversation.pk)
        return None
    context = _context(message, endpoint)
    rendered = render_message(ACKNOWLEDGEMENT_TEMPLATE, context)
    message_id = make_message_id(endpoint.address.rpartition("@")[2])
    references = [*parsed.inbound.references, message.external_id]
    headers = {
        "Message-ID": message_id,
        "In-Reply-To": message.external_id,
        "References": " ".join(references),
        "Auto-Submitted": "auto-replied",
        "X-Auto-Response-Suppress": "All",
    }
    if "@" in endpoint.address:
        headers["Reply-To"] = endpoint.address
    try:
        with transaction.atomic():
            acknowledgement = Message.objects.create(
                conversation=conversation,
                direction=Direction.OUTBOUND,
                channel_id="courriel",
                subject=rendered.subject[:300],
                body_encrypted=encrypt_text(rendered.body),
                is_automatic=True,
                external_id=message_id,
                in_reply_to=message.external_id,
                references=" ".join(references),
            )
            delivery = message_queue(
                template=ACKNOWLEDGEMENT_TEMPLATE,
                to=address,
                context=context,
                owner=acknowledgement,
                idempotency_key=_day_key(organisation_id, recipient_digest(address), day),
                headers=headers,
            )
            if delivery.owner_id != acknowledgement.pk:
                raise _AlreadyAcknowledged  # another worker acknowledged this address today
            acknowledgement.delivery = delivery
            acknowledgement.save(update_fields=["delivery"])
            message_mask_after_commit(acknowledgement)
    except _AlreadyAcknowledged:
        return None
    logger.info("acknowledgement_queued", conversation=conversation.pk, delivery=delivery.pk)
    return acknowledgement
