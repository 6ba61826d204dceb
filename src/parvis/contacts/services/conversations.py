"""Conversations: threading, lifecycle moves, qualification on arrival.

``message_receive`` is the one entry point of every connector once it has parsed a
message: it finds or creates the contact point, threads the message into a conversation
(the channel's ``thread_key``, or email's Message-ID chain), creates and queues a new
conversation when none matches, stores the message and announces it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from parvis.contacts import events
from parvis.contacts.inbound import InboundMessage
from parvis.contacts.models import (
    Conversation,
    InboundEndpoint,
    InboundRow,
    Message,
    Queue,
    Status,
)
from parvis.core.crypto import encrypt_text
from parvis.core.services import next_reference


def _thread(endpoint: InboundEndpoint, inbound: InboundMessage) -> Conversation | None:
    conversations = Conversation.objects.filter(organisation_id=endpoint.organisation_id)
    if inbound.thread_key:
        return (
            conversations.filter(thread_key=inbound.thread_key, channel_id=inbound.channel)
            .order_by("-created_at", "-pk")
            .first()
        )
    ids = [i for i in (inbound.in_reply_to, *inbound.references) if i]
    if ids:
        message = (
            Message.objects.filter(conversation__in=conversations, external_id__in=ids)
            .order_by("-created_at", "-pk")
            .first()
        )
        return message.conversation if message else None
    return None


@transaction.atomic
def message_receive(
    *, endpoint: InboundEndpoint, inbound: InboundMessage, row: InboundRow | None = None
) -> Message:
    """Store ``inbound`` in its conversation (a new one when it threads nowhere)."""
    now = inbound.received_at or timezone.now()
    conversation = _thread(endpoint, inbound)
    if conversation is None:
        queue = endpoint.queue or Queue.objects.get(
            organisation_id=endpoint.organisation_id, is_triage=True
        )
        conversation = Conversation.objects.create(
            organisation_id=endpoint.organisation_id,
            queue=queue,
            channel_id=inbound.channel,
            reference=next_reference("CONV", timezone.localdate(now).year),
            subject=inbound.subject[:300],
            thread_key=inbound.thread_key,
            status=Status.QUEUED,
            created_at=now,
            queued_at=now,
        )
        events.conversation_created.send_on_commit(conversation.pk)
    message = Message.objects.create(
        conversation=conversation,
        direction="inbound",
        channel_id=inbound.channel,
        subject=inbound.subject[:300],
        body_encrypted=encrypt_text(inbound.text),
        external_id=inbound.external_id[:300],
        in_reply_to=inbound.in_reply_to[:300],
        references=" ".join(inbound.references),
        is_automatic=inbound.is_automatic,
        inbound_row=row,
        created_at=now,
    )
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now)
    events.message_received.send_on_commit(message.pk)
    return message
