"""Web chat: a citizen's message in (through the normal ingestion), an agent's reply out
(through the outbound door, published live to the citizen's session).

A chat message is an inbound row like any other (``inbound_accept``, channel ``chat``,
external id = session + the widget's message sequence, so a message sent twice after a
reconnection is stored once), processed at once by the web process since a chat is
interactive; the task that ``inbound_accept`` enqueues then finds it done, and the sweep
catches it if the inline processing failed.
"""

from __future__ import annotations

import json
from typing import Any

import structlog
from django.db import transaction
from django.utils import timezone

from parvis.accounts.scoping import Perm, has_permission
from parvis.contacts.errors import ContactError
from parvis.contacts.models import Conversation, Direction, InboundEndpoint, InboundRow, Message
from parvis.contacts.services.conversations import message_mask_after_commit
from parvis.contacts.services.ingestion import inbound_accept, inbound_process
from parvis.core.crypto import encrypt_text
from parvis.core.text import clean_text
from parvis.messaging.models import Channel as MessagingChannel
from parvis.messaging.models import Delivery
from parvis.messaging.services import message_send_now

logger = structlog.get_logger(__name__)

CHAT = "chat"
REPLY_TEMPLATE = "contacts/chat/reply"


def chat_message_accept(
    *,
    endpoint: InboundEndpoint,
    session: str,
    sequence: int,
    text: str,
    email: str = "",
    left_message: bool = False,
) -> tuple[InboundRow, bool]:
    """Store one chat message of ``session`` as an inbound row and process it now.
    ``left_message``: written while the queue was closed or nobody was available (the
    citizen may give ``email`` to be answered); it becomes an asynchronous conversation."""
    text = clean_text(text)
    if not text:
        raise ContactError("empty_message", "Le message est vide.", "text")
    payload = {"session": session, "sequence": sequence, "text": text}
    if email:
        payload["email"] = email.strip()
    if left_message:
        payload["left_message"] = True
    row, created = inbound_accept(
        endpoint=endpoint,
        channel=CHAT,
        external_id=f"{session}:{sequence}",
        payload=json.dumps(payload, ensure_ascii=False).encode(),
        content_type="application/json",
    )
    if created:
        try:
            inbound_process(row_id=row.pk)
        except Exception:  # left pending: the task or the requeue sweep processes it
            logger.warning("chat_inline_processing_failed", row_id=row.pk)
    return row, created


def _send_reply(message_id: int, session: str) -> None:
    """Publish a stored reply to the citizen's session. Runs after the reply committed:
    a transport that fails (the session gone, the channel layer down) leaves the reply
    stored with its failed delivery, which the agent's pages show, instead of an error
    page for a message that was kept (and would be sent twice if the agent tried again)."""
    message = Message.objects.get(pk=message_id)
    from parvis.core.crypto import decrypt_text

    key = f"contacts-chat-reply-{message.pk}"
    try:
        delivery = message_send_now(
            template=REPLY_TEMPLATE,
            to=session,
            context={"text": decrypt_text(message.body_encrypted), "message_id": message.pk},
            owner=message,
            idempotency_key=key,
            channel=MessagingChannel.CHAT,
        )
    except Exception as error:  # recorded on the delivery row by the messaging service
        logger.warning(
            "chat_reply_not_delivered", message_id=message.pk, error=type(error).__name__
        )
        delivery = Delivery.objects.filter(idempotency_key=key).first()  # type: ignore[assignment]
        if delivery is None:
            return
    Message.objects.filter(pk=message.pk).update(delivery=delivery)


@transaction.atomic
def chat_reply(*, principal: Any, conversation: Conversation, text: str) -> Message:
    """An agent's answer in a chat conversation: stored as an outbound message, then sent
    through the outbound door (the chat provider publishes it to the session) once the
    transaction commits. Answering takes ``Perm.REPLY`` or the assignment: seeing the
    conversation is not enough."""
    from parvis.contacts.selectors import can_reply

    if not can_reply(principal, conversation):
        # which refusal: out of scope altogether, or seen without the right to answer
        if not has_permission(principal, Perm.VIEW, conversation):
            raise ContactError("out_of_scope", "Cette conversation n’est pas de votre ressort.")
        raise ContactError(
            "not_allowed",
            "Votre rôle vous permet de consulter cette conversation, pas d’y répondre.",
        )
    if conversation.channel_id != CHAT or not conversation.thread_key:
        raise ContactError("not_a_chat", "Cette conversation n’est pas une conversation de chat.")
    text = clean_text(text)
    if not text:
        raise ContactError("empty_message", "Le message est vide.", "text")
    now = timezone.now()
    message = Message.objects.create(
        conversation=conversation,
        direction=Direction.OUTBOUND,
        channel_id=CHAT,
        author=principal,
        body_encrypted=encrypt_text(text),
        created_at=now,
    )
    message_mask_after_commit(message)
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now)
    Conversation.objects.filter(pk=conversation.pk, first_answered_at__isnull=True).update(
        first_answered_at=now
    )
    session = conversation.thread_key
    transaction.on_commit(lambda: _send_reply(message.pk, session))
    return message
