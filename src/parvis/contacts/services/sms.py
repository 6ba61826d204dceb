"""SMS: threading an inbound text, opt-outs (« STOP »), delivery receipts, agents' replies.

Threading is on the pair (organisation's number, sender): ``thread_key`` is
``"<to>|<from>"`` in E.164. A text joins the pair's open conversation; when the pair's last
conversation is resolved or closed, a text received within ``CONTACTS_SMS_REOPEN_DAYS``
of its resolution reopens it, a later one opens a new conversation (linked to the old).
« STOP » (or « STOP SMS »), alone, records an opt-out on the contact point and is no
message of any conversation; nothing is sent to an opted-out number afterwards. Any other
text is the citizen's consent to our SMS on that number (``ContactPoint.sms_consent_at``,
unless they said « STOP » before). A reply
to the post-contact questions (« 5 2 oui », ``services.surveys.survey_sms_reply``) is
stored as answers and is no message either.
Replies leave through ``parvis.messaging`` (its SMS provider and delivery log), never from
here; receipts move the log through ``messaging.services.delivery_receipt_record``,
which never moves a delivery backwards.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from typing import Any

import structlog
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from parvis.contacts.connectors import moves
from parvis.contacts.errors import ContactError
from parvis.contacts.inbound import InboundMessage
from parvis.contacts.models import (
    ContactPoint,
    Conversation,
    Direction,
    InboundEndpoint,
    InboundRow,
    Message,
)
from parvis.contacts.services.conversations import (
    message_mask_after_commit,
    message_receive,
    newest_of_thread,
)
from parvis.contacts.sms import normalise, segments
from parvis.core.crypto import decrypt_text, encrypt_text
from parvis.messaging import providers
from parvis.messaging.models import Channel as MessagingChannel
from parvis.messaging.models import Delivery
from parvis.messaging.services import delivery_receipt_record, message_queue

logger = structlog.get_logger(__name__)

SMS = "sms"  # the directory.Channel slug
REPLY_TEMPLATE = "contacts/sms/reply"
_STOP = re.compile(r"stop(?: sms)?")
# Receipt statuses as gateways name them: final and positive, final and negative; any
# other ("sent", "accepted", "queued", "buffered"…) moves nothing.
DELIVERED_STATUSES = frozenset({"delivered", "delivrd", "received"})
FAILED_STATUSES = frozenset(
    {"failed", "undelivered", "undeliv", "rejected", "expired", "unknown_number", "blocked"}
)


def thread_key(*, to: str, sender: str) -> str:
    return f"{to}|{sender}"


def is_stop(text: str) -> bool:
    """« STOP », « stop », « Stop SMS », « STÓP. »…: the opt-out keyword alone."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    plain = " ".join(plain.split()).strip(" .!")
    return bool(_STOP.fullmatch(plain))


def _attach_contact_point(message: Message, point_id: int) -> None:
    """A conversation threaded into without a contact point (opened by another path)
    gets the sender's; the message has it from ``message_receive`` already."""
    if message.conversation.contact_point_id is None:
        Conversation.objects.filter(pk=message.conversation_id, contact_point__isnull=True).update(
            contact_point_id=point_id
        )


SMS_NO_CONSENT = (
    "Le numéro n’a pas accepté les SMS : l’usager n’a jamais écrit par SMS depuis ce "
    "numéro et aucun accord n’est noté sur sa fiche."
)
SMS_STOPPED = "L’usager a demandé à ne plus recevoir de SMS (« STOP »)."
SMS_WITHDRAWN = "L’usager a retiré son accord pour les SMS (noté sur sa fiche)."


def sms_refusal(point: ContactPoint | None) -> str:
    """The one rule of who may be texted (desk replies and switches, post-contact
    questions): ``""`` when the number accepted SMS and has not withdrawn, else the
    French reason. A number parvis does not know has accepted nothing."""
    if point is not None and point.sms_opt_out_at is not None:
        return SMS_STOPPED if point.sms_opt_out_by_id is None else SMS_WITHDRAWN
    if point is None or not point.sms_allowed:
        return SMS_NO_CONSENT
    return ""


_CONSENT_BY_TEXT = {"sms_consent_channel_id": SMS, "sms_consent_by": None}


def _consent_from_text(point: ContactPoint, received_at: dt.datetime) -> None:
    """A citizen who texts us accepts our SMS on that number (implicit consent, the
    channel ``sms``, no agent). Never over a « STOP »: only a consent the citizen gives
    an agent lifts it (``records.sms_consent_record``)."""
    if point.sms_consent_at == received_at and point.sms_consent_by_id is None:
        # Created with it by this text (``sms_receive``).
        logger.info(
            "sms_consent_from_text", organisation_id=point.organisation_id, point_id=point.pk
        )
        return
    if point.sms_consent_at is not None or point.sms_opt_out_at is not None:
        return
    point.sms_consent_at = received_at
    point.sms_consent_channel_id = SMS
    point.sms_consent_by = None
    point.save(update_fields=["sms_consent_at", "sms_consent_channel", "sms_consent_by"])
    logger.info("sms_consent_from_text", organisation_id=point.organisation_id, point_id=point.pk)


# Nested in the processing transaction without a savepoint (see ``message_receive``).
@transaction.atomic(savepoint=False)
def sms_receive(
    *,
    endpoint: InboundEndpoint,
    external_id: str,
    sender: str,
    to: str,
    text: str,
    received_at: dt.datetime,
    row: InboundRow | None = None,
) -> Message | None:
    """Thread one inbound SMS (numbers already in E.164); ``None`` for an opt-out."""
    organisation_id = endpoint.organisation_id
    # Locking the sender's contact point serialises their texts: two texts processed at
    # once cannot open two conversations.
    stop = is_stop(text)
    # A new sender's point is created with the consent its text gives (one write less).
    point = moves.contact_point_for(
        organisation_id=organisation_id,
        number=sender,
        lock=True,
        defaults=None if stop else _CONSENT_BY_TEXT | {"sms_consent_at": received_at},
    )
    if stop:
        if point.sms_opt_out_at is None:
            point.sms_opt_out_at = received_at
            point.save(update_fields=["sms_opt_out_at"])
        logger.info("sms_opt_out_recorded", organisation_id=organisation_id, point_id=point.pk)
        return None
    _consent_from_text(point, received_at)
    # After the contact (issue 14, part 5): « 5 2 oui » answering the post-contact
    # questions sent to this number is stored as answers, no message of any conversation.
    from parvis.contacts.services.surveys import survey_sms_reply

    if survey_sms_reply(
        organisation_id=organisation_id, number=sender, text=text, received_at=received_at
    ):
        return None
    key = thread_key(to=to, sender=sender)
    inbound = InboundMessage(
        channel=SMS,
        text=text,
        sender=sender,
        sender_kind="phone",
        external_id=external_id,
        thread_key=key,
        received_at=received_at,
        register="sms",
    )
    last = newest_of_thread(organisation_id=organisation_id, channel=SMS, key=key, lock=True)
    if last is not None and not last.is_open:
        ended = last.resolved_at or last.closed_at
        window = dt.timedelta(days=settings.CONTACTS_SMS_REOPEN_DAYS)
        if ended is not None and received_at - ended <= window:
            moves.reopen(last, at=received_at)
        else:
            # Too late to reopen: a new conversation. ``message_receive`` threads on the
            # newest conversation of a key, so it is created without the key, then given
            # it (INTEGRATOR: pass the key if part 1 threads only into open conversations).
            message = message_receive(
                endpoint=endpoint,
                inbound=dataclasses.replace(inbound, thread_key=""),
                row=row,
                contact_point=point,
                thread=None,
            )
            Conversation.objects.filter(pk=message.conversation_id).update(
                thread_key=key, linked_conversation=last
            )
            _attach_contact_point(message, point.pk)
            return message
    # The sender's point, locked above, serialises their texts: ``last`` is the thread.
    message = message_receive(
        endpoint=endpoint, inbound=inbound, row=row, contact_point=point, thread=last
    )
    _attach_contact_point(message, point.pk)
    return message


def sms_receipt_record(
    *, provider_message_id: str, status: str, error: str = ""
) -> Delivery | None:
    """A gateway's delivery receipt for one of our SMS. A receipt never moves a delivery
    backwards (``delivery_receipt_record`` moves only from ``sent``): a late "sent" after
    "delivered" changes nothing. A final receipt for a message the log does not know yet
    (it arrived before the send was recorded) raises ``ContactError``, so that the row is
    processed again later rather than lost."""
    status = status.strip().lower()
    if status in DELIVERED_STATUSES:
        delivered = True
    elif status in FAILED_STATUSES:
        delivered = False
    else:
        return None
    provider = providers.for_channel(MessagingChannel.SMS)
    delivery = delivery_receipt_record(
        provider=provider.name,
        provider_message_id=provider_message_id,
        delivered=delivered,
        error_class=(error or status)[:100],
    )
    if delivery is None:
        raise ContactError(
            "receipt_unknown_message", "Accusé de réception d’un SMS inconnu.", status=409
        )
    return delivery


def recipient_of(conversation: Conversation) -> str:
    """The citizen's number of an SMS conversation (the sender half of its key)."""
    _to, _, sender = conversation.thread_key.partition("|")
    if sender:
        return sender
    if conversation.contact_point is not None:
        return decrypt_text(conversation.contact_point.value_encrypted)
    raise ContactError("sms_no_recipient", "Cette conversation n’a pas de numéro d’usager.")


@transaction.atomic
def sms_send(*, conversation: Conversation, author: Any, text: str, to: str = "") -> Message:
    """An agent's SMS reply: stored as an outbound message of ``conversation`` and handed
    to the outbox of ``parvis.messaging`` (sent by a worker after commit, once, under the
    message's idempotency key). Its typography is normalised first, so that what is
    stored is what is sent and counted. Refused to a number without SMS consent or that
    withdrew it (``sms_refusal``). ``to``: a number
    of the citizen when the desk switches a conversation of another channel to SMS."""
    if conversation.channel_id != SMS and not to:
        raise ContactError("not_sms", "Cette conversation n’est pas une conversation SMS.")
    body = normalise(text).strip()
    if not body:
        raise ContactError("empty_message", "Le message est vide.", "text")
    number = to or recipient_of(conversation)
    point = moves.find_contact_point(organisation_id=conversation.organisation_id, number=number)
    refusal = sms_refusal(point)
    if refusal:
        opted_out = point is not None and point.sms_opt_out_at is not None
        raise ContactError(
            "sms_opted_out" if opted_out else "sms_no_consent",
            f"{refusal} Envoi refusé.",
            status=409,
        )
    now = timezone.now()
    message = Message.objects.create(
        conversation=conversation,
        direction=Direction.OUTBOUND,
        channel_id=SMS,
        author=author,
        contact_point=point,
        body_encrypted=encrypt_text(body),
        created_at=now,
    )
    message_mask_after_commit(message)
    delivery = message_queue(
        template=REPLY_TEMPLATE,
        to=number,
        context={"text": body},
        owner=message,
        idempotency_key=f"contacts.sms.{message.pk}",
        channel=MessagingChannel.SMS,
    )
    Message.objects.filter(pk=message.pk).update(delivery=delivery)
    message.delivery = delivery
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now)
    Conversation.objects.filter(pk=conversation.pk, first_answered_at__isnull=True).update(
        first_answered_at=now
    )
    counted = segments(body, normalised=False)
    logger.info(
        "sms_reply_queued",
        conversation_id=conversation.pk,
        delivery_id=delivery.pk,
        encoding=counted.encoding,
        segments=counted.segments,
    )
    return message
