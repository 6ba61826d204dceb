"""Conversations: contact points, threading, a new conversation qualified and queued.

``message_receive`` is the one entry point of every connector once it has parsed a
message. In one transaction it:

1. finds or creates the ``ContactPoint`` of the sender (per organisation, found by its
   keyed digest, the value stored encrypted);
2. threads the message (one channel thread at a time: an advisory lock on PostgreSQL):
   the channel's ``thread_key``, or email's Message-ID chain
   (``In-Reply-To``, ``References``) within the endpoint's organisation. A message into a
   resolved or closed conversation reopens it (``conversation_reopen``), unless the
   channel has a reopening window (``REOPEN_WINDOW_DAYS``) and it has passed: then a new
   conversation starts; a message into a conversation waiting for the citizen resumes it;
   an automatic message (an out-of-office reply) is kept but moves nothing;
3. otherwise qualifies the text (the first message with a text only, see
   ``services.qualification``),
   chooses the queue (``queue_choose``) and creates the conversation: ``open`` then
   ``queue`` (deadlines computed and stored then);
4. stores the message, always **inbound** whatever its sender claims to be (a mail
   "from" an agent's address never becomes an agent reply), and announces it.

The masked text is computed after commit by ``contacts.mask_message`` (the benchmark
counts anonymisation apart). Nothing is loaded per message: queues, motifs and
organisations are kept in the process for a minute (``services.queues.queue_memo``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from parvis.contacts import events, workflow
from parvis.contacts.html import sanitise_html
from parvis.contacts.inbound import InboundMessage
from parvis.contacts.models import (
    ContactKind,
    ContactPoint,
    Conversation,
    Direction,
    InboundEndpoint,
    InboundRow,
    Message,
    Queue,
    Status,
)
from parvis.contacts.services.attachments import attachments_store
from parvis.contacts.services.lifecycle import apply_move, open_and_queue
from parvis.contacts.services.qualification import Qualification, qualify_text
from parvis.contacts.services.queues import queue_by_id, queue_for_motif, triage_queue_of
from parvis.core.crypto import encrypt_text, keyed_digest
from parvis.core.queue import send_on_commit
from parvis.core.services import next_reference
from parvis.language.engine import low_confidence_threshold

CONTACT_POINT_PURPOSE = "contacts.contact_point"

# Channel slug → days after its resolution during which a new message reopens a
# conversation; past them a new conversation starts. A channel without an entry always
# reopens. Connectors register theirs (the SMS connector: 7 days, its own setting).
REOPEN_WINDOW_DAYS: dict[str, int] = {}


# --- Contact points -------------------------------------------------------------------------


def normalise_contact_value(kind: str, value: str) -> str:
    value = value.strip()
    if kind == ContactKind.EMAIL:
        return value.lower()
    if kind == ContactKind.PHONE:
        return "".join(c for c in value if c.isdigit() or c == "+")
    return value


def contact_point_digest(kind: str, value: str) -> str:
    return keyed_digest(normalise_contact_value(kind, value), purpose=CONTACT_POINT_PURPOSE)


def contact_point_find_or_create(
    *,
    organisation_id: int,
    kind: str,
    value: str,
    lock: bool = False,
    defaults: Mapping[str, Any] | None = None,
) -> ContactPoint:
    """The organisation's contact point for ``value`` (created on first contact), locked
    until the transaction ends when ``lock`` (one sender processed at a time: a point
    just inserted is the transaction's own until it commits, so others wait for it).

    The insertion skips a conflict instead of catching it in a savepoint: a point created
    meanwhile by another worker is then read (after its commit) like any other.
    ``defaults``: fields of a point created here (an SMS sender's consent), saving the
    update that would follow."""
    normalised = normalise_contact_value(kind, value)
    digest = keyed_digest(normalised, purpose=CONTACT_POINT_PURPOSE)
    points = ContactPoint.objects.filter(
        organisation_id=organisation_id, kind=kind, value_digest=digest
    )
    if lock:
        points = points.select_for_update()
    found = points.first()
    if found is not None:
        return found
    point = ContactPoint(
        organisation_id=organisation_id,
        kind=kind,
        value_digest=digest,
        value_encrypted=encrypt_text(normalised),
        **(defaults or {}),
    )
    if _insert_unless_taken(point):
        return point  # this transaction's own row: nobody else sees it before commit
    return points.get()


def _insert_unless_taken(point: ContactPoint) -> bool:
    """``INSERT … ON CONFLICT DO NOTHING RETURNING id`` (PostgreSQL, SQLite ≥ 3.35):
    whether the point was inserted, its id set. One round trip for a new sender where
    Django's ``bulk_create(ignore_conflicts=True)`` returns no id and needs a re-read."""
    fields = [f for f in ContactPoint._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    values = [f.get_db_prep_save(f.pre_save(point, add=True), connection) for f in fields]
    # Only the model's own table and column names and placeholders: no value in the text.
    sql = (
        f"INSERT INTO {quote(ContactPoint._meta.db_table)} "  # noqa: S608
        f"({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT DO NOTHING RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    point.pk = row[0]
    point._state.adding = False
    point._state.db = connection.alias
    return True


# --- Threading ------------------------------------------------------------------------------


def newest_of_thread(
    *, organisation_id: int, channel: str, key: str, lock: bool = False
) -> Conversation | None:
    """The newest conversation of a channel's thread, locked until the transaction ends
    when ``lock``. Written in SQL on the threading index (``contacts_conv_thread``): it
    runs once per inbound SMS, chat line and call event, and building the ORM's
    statement for a model of fifty columns cost more than running it."""
    table = connection.ops.quote_name(Conversation._meta.db_table)
    # Only the model's own table name and placeholders: no value in the text.
    sql = (
        f"SELECT * FROM {table} WHERE organisation_id = %s AND channel_id = %s "  # noqa: S608
        "AND thread_key = %s ORDER BY created_at DESC, id DESC LIMIT 1"
    )
    if lock and connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    found = list(Conversation.objects.raw(sql, [organisation_id, channel, key]))
    return found[0] if found else None


def _thread(endpoint: InboundEndpoint, inbound: InboundMessage) -> Conversation | None:
    conversations = Conversation.objects.filter(organisation_id=endpoint.organisation_id)
    if inbound.thread_key:
        return newest_of_thread(
            organisation_id=endpoint.organisation_id,
            channel=inbound.channel,
            key=inbound.thread_key,
        )
    ids = [i for i in (inbound.in_reply_to, *inbound.references) if i]
    if ids:
        message = (
            Message.objects.filter(conversation__in=conversations, external_id__in=ids)
            .select_related("conversation")
            .order_by("-created_at", "-pk")
            .first()
        )
        if message is not None:
            return message.conversation
    # Messages processed out of order: a reply may have opened the thread before the
    # message it answers, under the thread's root (see ``thread_root``).
    keys = [k for k in (inbound.external_id, *ids) if k]
    if keys:
        return (
            conversations.filter(thread_key__in=[k[:200] for k in keys], channel_id=inbound.channel)
            .order_by("created_at", "pk")
            .first()
        )
    return None


def thread_root(inbound: InboundMessage) -> str:
    """The first message of an email thread, whatever message of it arrives first: the
    first of ``References`` (root first, RFC 5322), else ``In-Reply-To``, else the message
    itself. A conversation opened by an email is keyed by it, so that the original
    processed after its reply joins the reply's conversation."""
    if inbound.thread_key:
        return inbound.thread_key
    return (
        (inbound.references[0] if inbound.references else "")
        or inbound.in_reply_to
        or (inbound.external_id)
    )


def _lock_thread(organisation_id: int, channel: str, thread_key: str) -> None:
    """Serialise the messages of one channel thread until commit (PostgreSQL), so that
    two first messages processed at once open one conversation, not two. SQLite writes
    one transaction at a time already."""
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(
        f"{organisation_id}|{channel}|{thread_key}".encode(), digest_size=8
    ).digest()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)]
        )


def _reopens(conversation: Conversation, channel: str, now: dt.datetime) -> bool:
    """Whether a message into this ended conversation reopens it (else a new one)."""
    window = REOPEN_WINDOW_DAYS.get(channel)
    if window is None:
        return True
    ended = conversation.resolved_at or conversation.closed_at
    return ended is None or now - ended <= dt.timedelta(days=window)


# --- Queue choice ---------------------------------------------------------------------------


def queue_choose(
    *, endpoint: InboundEndpoint, channel: str, qualification: Qualification
) -> tuple[Queue, bool]:
    """``(queue, needs_triage)`` for a new conversation.

    Low confidence (below the engine's threshold, or no motif of the organisation) →
    the triage queue, to be sorted. Otherwise the endpoint's queue when it names one,
    else an active queue of the organisation serving the motif (and the channel), else
    the triage queue. A message with no text to qualify (a call, an empty chat) goes to
    the endpoint's queue, else to triage.
    """
    organisation_id = endpoint.organisation_id
    if qualification.details.get("skipped"):
        if endpoint.queue_id:
            return queue_by_id(endpoint.queue_id), False
        return triage_queue_of(organisation_id), True
    confident = (
        not qualification.low_confidence
        and qualification.motif is not None
        and (qualification.confidence or 0.0) >= low_confidence_threshold()
    )
    if not confident:
        return triage_queue_of(organisation_id), True
    if endpoint.queue_id:
        return queue_by_id(endpoint.queue_id), False
    assert qualification.motif is not None
    queue = queue_for_motif(
        organisation_id=organisation_id, motif_id=qualification.motif.pk, channel=channel
    )
    if queue is not None:
        return queue, False
    return triage_queue_of(organisation_id), False


# --- Receiving ------------------------------------------------------------------------------


def _qualify_late(
    conversation: Conversation, *, endpoint: InboundEndpoint, inbound: InboundMessage
) -> None:
    """The first message with a text, when the conversation began without one (a call's
    first event, an empty chat): qualified now. A conversation still waiting in triage
    moves to the motif's queue when the engine is confident; deadlines stay as stored."""
    if not (conversation.qualification or {}).get("skipped") or conversation.motif_id:
        return
    qualification = qualify_text(
        organisation_id=endpoint.organisation_id, text=inbound.text, register=inbound.register
    )
    conversation.qualification = qualification.details
    conversation.qualification_confidence = qualification.confidence
    conversation.motif = qualification.motif
    conversation.urgency_proposed = qualification.urgency
    conversation.vulnerability_proposed = qualification.vulnerability
    fields = [
        "qualification",
        "qualification_confidence",
        "motif",
        "urgency_proposed",
        "vulnerability_proposed",
    ]
    if conversation.queue_id == triage_queue_of(endpoint.organisation_id).pk:
        queue, needs_triage = queue_choose(
            endpoint=endpoint, channel=inbound.channel, qualification=qualification
        )
        if conversation.status == Status.QUEUED:
            conversation.queue = queue
            fields.append("queue")
        conversation.needs_triage = needs_triage
        fields.append("needs_triage")
    conversation.save(update_fields=fields)


def _new_conversation(
    *,
    endpoint: InboundEndpoint,
    inbound: InboundMessage,
    contact_point: ContactPoint | None,
    now: dt.datetime,
) -> Conversation:
    qualification = qualify_text(
        organisation_id=endpoint.organisation_id, text=inbound.text, register=inbound.register
    )
    queue, needs_triage = queue_choose(
        endpoint=endpoint, channel=inbound.channel, qualification=qualification
    )
    conversation = Conversation(
        organisation_id=endpoint.organisation_id,
        queue=queue,
        channel_id=inbound.channel,
        motif=qualification.motif,
        contact_point=contact_point,
        citizen_id=contact_point.citizen_id if contact_point else None,
        subject=inbound.subject[:300],
        thread_key=thread_root(inbound)[:200],
        qualification=qualification.details,
        qualification_confidence=qualification.confidence,
        needs_triage=needs_triage,
        urgency_proposed=qualification.urgency,
        vulnerability_proposed=qualification.vulnerability,
        created_at=now,
        last_message_at=now,
    )
    # The reference counter is locked until commit: taken last, once the engine is done.
    conversation.reference = next_reference("CONV", timezone.localdate(now).year)
    open_and_queue(conversation, now=now)
    events.conversation_created.send_on_commit(conversation.pk, instance=conversation)
    return conversation


# ``message_receive(thread=...)`` left out: the message is threaded there.
NOT_THREADED: Any = object()


# Nested in the caller's transaction without a savepoint of its own (two round trips
# saved per message): a failure here fails the caller's whole transaction anyway.
@transaction.atomic(savepoint=False)
def message_receive(
    *,
    endpoint: InboundEndpoint,
    inbound: InboundMessage,
    row: InboundRow | None = None,
    contact_point: ContactPoint | None = None,
    thread: Conversation | None = NOT_THREADED,
) -> Message:
    """Store ``inbound`` in its conversation (a new one, qualified and queued, when it
    threads nowhere).

    A connector that has already done part of the work passes it on: ``contact_point``,
    the sender's (found, possibly locked); ``thread``, the conversation it threaded the
    message into, locked, with its thread serialised by the caller (``None``: a new
    conversation)."""
    now = inbound.received_at or timezone.now()
    if contact_point is None and inbound.sender and inbound.sender_kind in ContactKind.values:
        contact_point = contact_point_find_or_create(
            organisation_id=endpoint.organisation_id,
            kind=inbound.sender_kind,
            value=inbound.sender,
        )
    if thread is NOT_THREADED:
        if root := thread_root(inbound):
            _lock_thread(endpoint.organisation_id, inbound.channel, root)
        conversation = _thread(endpoint, inbound)
    else:
        conversation = thread
    if inbound.is_automatic and conversation is not None:
        pass  # an auto-reply (out of office...) is kept, and moves nothing
    elif (
        conversation is not None
        and thread is NOT_THREADED
        and (not conversation.is_open or conversation.status == Status.WAITING_CITIZEN)
    ):
        # A move to make: on the row as committed, locked (two messages at once move it once).
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation is not None and inbound.is_automatic:
        pass
    elif conversation is not None and not conversation.is_open:
        if _reopens(conversation, inbound.channel, now):
            conversation_reopen_by_message(conversation, now=now)
        else:
            conversation = None
    elif conversation is not None and conversation.status == Status.WAITING_CITIZEN:
        apply_move(conversation, principal=workflow.INBOUND, move="resume", now=now)
    if conversation is not None and inbound.text.strip():
        _qualify_late(conversation, endpoint=endpoint, inbound=inbound)
    created = conversation is None
    if conversation is None:
        conversation = _new_conversation(
            endpoint=endpoint, inbound=inbound, contact_point=contact_point, now=now
        )
    message = Message.objects.create(
        conversation=conversation,
        direction=Direction.INBOUND,  # whatever its From: never an agent's reply
        channel_id=inbound.channel,
        contact_point=contact_point,
        subject=inbound.subject[:300],
        body_encrypted=encrypt_text(inbound.text) if inbound.text else "",
        html_encrypted=encrypt_text(sanitise_html(inbound.html)) if inbound.html else "",
        external_id=inbound.external_id[:300],
        in_reply_to=inbound.in_reply_to[:300],
        references=" ".join(inbound.references),
        is_automatic=inbound.is_automatic,
        inbound_row=row,
        created_at=now,
    )
    if inbound.attachments or inbound.refused_files:
        attachments_store(message=message, files=inbound.attachments, refused=inbound.refused_files)
    if not created:  # a new conversation was saved with it
        # Messages may be processed out of order: the latest one wins.
        Conversation.objects.filter(
            Q(last_message_at__isnull=True) | Q(last_message_at__lt=now), pk=conversation.pk
        ).update(last_message_at=now)
    events.message_received.send_on_commit(message.pk, instance=message)
    if inbound.text.strip():
        message_mask_after_commit(message)
    return message


def message_mask_after_commit(message: Message) -> None:
    """Mask the message's text once its transaction commits (``contacts.mask_message``):
    a citizen's message and what the service wrote alike, since the citizen's history
    shows only masked text (outbound messages were never masked and read « texte en
    cours de masquage » there for ever)."""
    if not settings.CONTACTS_MASK_ON_ARRIVAL:
        return
    from parvis.contacts.tasks import mask_message

    send_on_commit(mask_message, message.pk)


def conversation_reopen_by_message(conversation: Conversation, *, now: dt.datetime) -> None:
    apply_move(
        conversation, principal=workflow.INBOUND, move="reopen", reason="citizen_message", now=now
    )
