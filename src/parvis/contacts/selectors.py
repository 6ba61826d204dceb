"""Reads of the contact hub, scoped to the acting principal (``accounts.scoping``).

A conversation outside the principal's scope does not exist for them (404); texts are
read back decrypted only through ``message_text``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from parvis.accounts.scoping import get_visible_or_404, visible_to
from parvis.contacts.models import Conversation, Message, Queue
from parvis.core.crypto import decrypt_text


def conversations_for(
    principal: Any,
    *,
    status: str | None = None,
    queue: Queue | int | None = None,
    channel: str | None = None,
) -> QuerySet[Conversation]:
    conversations = Conversation.objects.select_related(
        "queue", "channel", "motif", "organisation", "assignee", "site"
    )
    if status:
        conversations = conversations.filter(status=status)
    if queue is not None:
        conversations = conversations.filter(queue=queue)
    if channel:
        conversations = conversations.filter(channel_id=channel)
    return visible_to(principal, conversations)


def queues_for(principal: Any, *, active: bool | None = None) -> QuerySet[Queue]:
    queues = Queue.objects.select_related("organisation", "site", "calendar_site")
    if active is not None:
        queues = queues.filter(is_active=active)
    return visible_to(principal, queues)


def conversation_detail(
    principal: Any, *, pk: int | None = None, reference: str = ""
) -> Conversation:
    """One conversation with its messages (and their attachments) and its transitions;
    404 outside the principal's scope."""
    lookup: dict[str, Any] = {"pk": pk} if pk is not None else {"reference": reference}
    queryset = Conversation.objects.select_related(
        "queue", "channel", "motif", "organisation", "assignee", "site", "contact_point"
    ).prefetch_related(
        Prefetch(
            "messages",
            queryset=Message.objects.select_related("author").prefetch_related("attachments"),
        ),
        "transitions",
    )
    return get_visible_or_404(principal, queryset, **lookup)


def message_text(message: Message) -> str:
    """The message's text, decrypted (for the agents who see its conversation)."""
    return decrypt_text(message.body_encrypted) if message.body_encrypted else ""
