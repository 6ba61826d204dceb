"""The desk's live updates: groups, and what is published to them (ids only).

Groups: ``desk-queue-<id>`` (a queue's waiting list changed), ``desk-conversation-<id>``
(a message, a note or a move in that conversation), ``desk-user-<id>`` (the agent's own
list changed). A payload is ``{"type": "desk", "conversation": <id>}``: no text, no
name. The page refetches its fragments through scoped HTTP on each event and on every
(re)connection, so a stale subscription leaks nothing and a reconnection misses nothing.

``connect()`` (from ``DeskConfig.ready``) subscribes to the contact hub's events, sent
after commit from whatever process made the change (web, worker): a message received, a
conversation created, assigned, resolved or changed.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from parvis.contacts import events
from parvis.contacts.models import Conversation, Message
from parvis.core.realtime import publish_many


def queue_group(queue_id: int) -> str:
    return f"desk-queue-{queue_id}"


def conversation_group(conversation_id: int) -> str:
    return f"desk-conversation-{conversation_id}"


def user_group(user_id: int) -> str:
    return f"desk-user-{user_id}"


def announce(conversation_id: int, *, extra_queue_ids: Iterable[int | None] = ()) -> None:
    """Tell the desks watching this conversation, its queue and its assignee."""
    row = (
        Conversation.objects.filter(pk=conversation_id)
        .values_list("queue_id", "assignee_id")
        .first()
    )
    if row is None:
        return
    queue_id, assignee_id = row
    payload = {"type": "desk", "conversation": conversation_id}
    groups = [conversation_group(conversation_id)]
    groups += [queue_group(q) for q in {queue_id, *extra_queue_ids} if q]
    if assignee_id:
        groups.append(user_group(assignee_id))
    publish_many(groups, payload)


def announce_on_commit(conversation_id: int, *, extra_queue_ids: Iterable[int | None] = ()) -> None:
    extra = list(extra_queue_ids)
    transaction.on_commit(lambda: announce(conversation_id, extra_queue_ids=extra))


def _message_received(message_id: int) -> None:
    conversation_id = (
        Message.objects.filter(pk=message_id).values_list("conversation_id", flat=True).first()
    )
    if conversation_id is not None:
        announce(conversation_id)


def connect() -> None:
    for event in (
        events.conversation_created,
        events.conversation_assigned,
        events.conversation_resolved,
        events.conversation_changed,
    ):
        event.subscribe(announce)
    events.message_received.subscribe(_message_received)
