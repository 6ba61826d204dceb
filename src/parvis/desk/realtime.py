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

import threading
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from parvis.contacts import events
from parvis.contacts.models import Conversation, Message
from parvis.core.events import sent_instance
from parvis.core.realtime import publish_batch


def queue_group(queue_id: int) -> str:
    return f"desk-queue-{queue_id}"


def conversation_group(conversation_id: int) -> str:
    return f"desk-conversation-{conversation_id}"


def user_group(user_id: int) -> str:
    return f"desk-user-{user_id}"


def announce(conversation_id: int, *, extra_queue_ids: Iterable[int | None] = ()) -> None:
    """Tell the desks watching this conversation, its queue and its assignee."""
    _announce_all(
        Conversation.objects.filter(pk=conversation_id), {conversation_id: extra_queue_ids}
    )


def _announce_all(
    conversations: QuerySet[Conversation] | None,
    extra_queue_ids: Mapping[int, Iterable[int | None]],
    known: Mapping[int, tuple[int | None, int | None]] | None = None,
) -> None:
    """Publish each conversation to its groups: those of ``known`` (queue, assignee as
    its sender held them) without reading, the others as ``conversations`` reads them."""
    rows = list((known or {}).items())
    if conversations is not None:
        rows += [
            (pk, (queue_id, assignee_id))
            for pk, queue_id, assignee_id in conversations.values_list(
                "pk", "queue_id", "assignee_id"
            )
        ]
    items = []
    for conversation_id, (queue_id, assignee_id) in rows:
        groups = [conversation_group(conversation_id)]
        queues = {queue_id, *extra_queue_ids.get(conversation_id, ())}
        groups += [queue_group(q) for q in sorted(q for q in queues if q)]
        if assignee_id:
            groups.append(user_group(assignee_id))
        items.append((groups, {"type": "desk", "conversation": conversation_id}))
    publish_batch(items)


class _Batch:
    """What one transaction asked to announce, announced once when it commits: a message
    processed sends « conversation created » and « message received », an agent's move
    an event and the desk's own announcement; each conversation is read and published
    once (one statement for the batch, none for a conversation whose sender passed the
    instance: routing's assignments)."""

    def __init__(self) -> None:
        self.conversations: dict[int, set[int | None]] = {}
        # Queue and assignee of conversations whose every event came with the instance.
        self.known: dict[int, tuple[int | None, int | None]] = {}
        self.messages: set[int] = set()
        self.hooks: list[Any] | None = None  # the connection's commit hooks it joined

    def flush(self) -> None:
        self.hooks = None  # what comes next starts a new batch
        if _local.__dict__.get("batch") is self:
            del _local.batch
        if not (self.conversations or self.messages):
            return
        unknown = [pk for pk in self.conversations if pk not in self.known]
        known = {pk: self.known[pk] for pk in self.conversations if pk in self.known}
        if not (unknown or self.messages):
            _announce_all(None, self.conversations, known)
            return
        wanted = Q(pk__in=unknown)
        if self.messages:
            wanted |= Q(
                pk__in=Message.objects.filter(pk__in=list(self.messages)).values("conversation_id")
            )
        # A message's conversation may be known too: announced once, as read.
        reading = Conversation.objects.filter(wanted)
        _announce_all(reading.exclude(pk__in=list(known)), self.conversations, known)


_local = threading.local()


def _batch() -> _Batch | None:
    """This transaction's batch (``None`` outside a transaction: announce at once)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return None
    batch: _Batch | None = _local.__dict__.get("batch")
    # Django replaces its list of commit hooks at each commit and at each rollback (of a
    # savepoint too): a batch registered in another list was flushed, or may have been
    # rolled back. A new one is started then (at worst one extra announcement), without
    # searching the hooks (a seeding transaction may hold thousands).
    if batch is None or batch.hooks is not connection.run_on_commit:
        batch = _local.batch = _Batch()
        transaction.on_commit(batch.flush)
        batch.hooks = connection.run_on_commit
    return batch


def announce_on_commit(conversation_id: int, *, extra_queue_ids: Iterable[int | None] = ()) -> None:
    batch = _batch()
    if batch is None:
        announce(conversation_id, extra_queue_ids=extra_queue_ids)
        return
    held = sent_instance(Conversation, conversation_id)
    first = conversation_id not in batch.conversations
    if held is not None and (first or conversation_id in batch.known):
        batch.known[conversation_id] = (held.queue_id, held.assignee_id)
    else:
        batch.known.pop(conversation_id, None)
    batch.conversations.setdefault(conversation_id, set()).update(extra_queue_ids)


def _message_received(message_id: int) -> None:
    message = sent_instance(Message, message_id)
    if message is not None:  # its conversation is known: no lookup at commit
        announce_on_commit(message.conversation_id)
        return
    batch = _batch()
    if batch is None:
        batch = _Batch()
        batch.messages.add(message_id)
        batch.flush()
        return
    batch.messages.add(message_id)


def connect() -> None:
    """Subscribed inside the sender's transaction, only to gather what to announce: the
    announcements leave after commit, never for a change rolled back."""
    for event in (
        events.conversation_created,
        events.conversation_assigned,
        events.conversation_resolved,
        events.conversation_changed,
    ):
        event.subscribe(announce_on_commit, in_transaction=True)
    events.message_received.subscribe(_message_received, in_transaction=True)
