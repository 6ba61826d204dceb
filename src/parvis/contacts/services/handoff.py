"""Writes the agent desk (``parvis.desk``) makes on conversations besides the lifecycle
moves: internal notes, a change of queue, a callback request and the linked conversation
that hands a contact over to another organisation (owner: desk).

They check nothing about who acts: ``desk.services`` checks the scoping permissions,
writes the audit row and publishes the real-time events, then calls these inside its
own transaction. The lifecycle moves themselves stay in ``services.lifecycle``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from parvis.contacts import events
from parvis.contacts.errors import ContactError
from parvis.contacts.models import (
    ContactKind,
    ContactPoint,
    Conversation,
    Direction,
    Message,
    Queue,
    Status,
)
from parvis.contacts.services.lifecycle import apply_move
from parvis.core.crypto import encrypt_text
from parvis.core.services import next_reference
from parvis.core.text import clean_text
from parvis.core.workflow import System

# The new conversation of a hand-over is opened and queued by the system on behalf of
# the sending agent: the receiving organisation is outside that agent's scope.
HANDOFF = System("handoff", "transmission d’un autre organisme")

# What a hand-over may carry, by data category of the citizen's consent.
CARRIED_CATEGORIES = ("contact_points", "timeline")


@transaction.atomic
def conversation_note_add(*, conversation: Conversation, author: Any, text: str) -> Message:
    """An internal note: stored encrypted, shown to agents only, never sent."""
    text = clean_text(text)
    if not text:
        raise ContactError("empty_note", "La note est vide.", "text")
    return Message.objects.create(
        conversation=conversation,
        direction=Direction.NOTE,
        channel_id=conversation.channel_id,
        author=author,
        body_encrypted=encrypt_text(text),
        created_at=timezone.now(),
    )


@transaction.atomic
def conversation_queue_change(
    *, conversation: Conversation, principal: Any, queue: Queue
) -> Conversation:
    """Move an open conversation to ``queue`` of its organisation; one held by an agent
    goes back to waiting (move ``release``). Its deadlines stay those of its first queue."""
    conversation = Conversation.objects.select_for_update(of=("self",)).get(pk=conversation.pk)
    if queue.organisation_id != conversation.organisation_id:
        raise ContactError("queue_mismatch", "Cette file n’appartient pas à l’organisme.", "queue")
    if not conversation.is_open:
        raise ContactError(
            "transition_not_allowed", "Cette conversation est terminée.", "status", status=409
        )
    conversation.queue = queue
    conversation.needs_triage = False
    if conversation.status == Status.ASSIGNED:
        apply_move(conversation, principal=principal, move="release")
    else:
        conversation.save(update_fields=["queue", "needs_triage"])
        events.conversation_changed.send_on_commit(conversation.pk)
    return conversation


@transaction.atomic
def conversation_callback_request(
    *, conversation: Conversation, principal: Any, number: str = "", sms_consent: bool = False
) -> Conversation:
    """Flag the conversation for a call back and put it back in its queue (routing
    schedules the call): assigned → queued, or left queued. ``number``: the E.164 number
    the citizen gave (the chat widget, the API), which becomes the conversation's contact
    point when it has none; ``sms_consent``, ticked with it, is their consent to SMS on
    that number (never over an earlier « STOP »)."""
    conversation = Conversation.objects.select_for_update(of=("self",)).get(pk=conversation.pk)
    if conversation.status not in (Status.ASSIGNED, Status.QUEUED):
        raise ContactError(
            "callback_not_possible",
            "Seule une conversation prise en charge ou en file peut être rappelée.",
            "channel",
            status=409,
        )
    conversation.callback_requested = True
    changed = ["callback_requested"]
    if number:
        point = _callback_point(conversation, number, sms_consent=sms_consent)
        if conversation.contact_point_id is None:
            conversation.contact_point = point
            changed.append("contact_point")
    if conversation.status == Status.ASSIGNED:
        conversation.save(update_fields=changed)
        apply_move(conversation, principal=principal, move="release")
    else:
        conversation.save(update_fields=changed)
        events.conversation_changed.send_on_commit(conversation.pk)
    return conversation


def _callback_point(conversation: Conversation, number: str, *, sms_consent: bool) -> ContactPoint:
    from parvis.contacts.services.conversations import contact_point_find_or_create

    point = contact_point_find_or_create(
        organisation_id=conversation.organisation_id, kind=ContactKind.PHONE, value=number
    )
    current = conversation.contact_point
    if current is not None and current.pk != point.pk and current.kind == ContactKind.PHONE:
        # One number per conversation: the call back goes to the one it already has.
        raise ContactError(
            "callback_number_mismatch",
            "Cette conversation a déjà un numéro de téléphone : le rappel se fera à ce numéro.",
            "number",
            status=409,
        )
    if current is not None and current.kind != ContactKind.PHONE:
        raise ContactError(
            "callback_number_not_attachable",
            "Ce numéro ne peut pas être rattaché à cette conversation : notez-le sur la fiche "
            "de l’usager.",
            "number",
            status=409,
        )
    if sms_consent and point.sms_consent_at is None and point.sms_opt_out_at is None:
        ContactPoint.objects.filter(pk=point.pk).update(
            sms_consent_at=timezone.now(), sms_consent_channel_id=conversation.channel_id
        )
        point.refresh_from_db()
    return point


@transaction.atomic
def conversation_handoff_create(
    *,
    conversation: Conversation,
    author: Any,
    queue: Queue,
    note: str,
    categories: Iterable[str] = (),
) -> Conversation:
    """Open, in ``queue`` of another organisation, a conversation linked to
    ``conversation`` carrying the hand-over ``note`` and only the data ``categories`` the
    citizen agreed to share with that organisation (``CARRIED_CATEGORIES``): a copy of
    their phone or email contact point (``contact_points``), the conversation's messages
    (``timeline``; internal notes never). Nothing else crosses: no citizen record, no
    qualification."""
    categories = frozenset(categories) & frozenset(CARRIED_CATEGORIES)
    note = clean_text(note)
    if not note:
        raise ContactError("empty_note", "Rédigez la note de transmission.", "note")
    if queue.organisation_id == conversation.organisation_id:
        raise ContactError(
            "same_organisation", "Choisissez une file d’un autre organisme.", "queue"
        )
    now = timezone.now()
    point = None
    source_point = conversation.contact_point
    if "contact_points" in categories and source_point is not None:
        point, _ = ContactPoint.objects.get_or_create(
            organisation_id=queue.organisation_id,
            kind=source_point.kind,
            value_digest=source_point.value_digest,
            defaults={
                "value_encrypted": source_point.value_encrypted,
                "sms_opt_out_at": source_point.sms_opt_out_at,
            },
        )
    linked = Conversation(
        organisation_id=queue.organisation_id,
        queue=queue,
        channel_id=conversation.channel_id,
        contact_point=point,
        subject=conversation.subject,
        reference=next_reference("CONV", timezone.localdate(now).year),
        linked_conversation=conversation,
        created_at=now,
        last_message_at=now,
    )
    apply_move(linked, principal=HANDOFF, move="open", now=now, announced=False)
    apply_move(linked, principal=HANDOFF, move="queue", now=now, announced=False)
    if "timeline" in categories:
        Message.objects.bulk_create(
            Message(
                conversation=linked,
                direction=message.direction,
                channel_id=message.channel_id,
                subject=message.subject,
                body_encrypted=message.body_encrypted,
                body_masked=message.body_masked,
                is_automatic=message.is_automatic,
                created_at=message.created_at,
            )
            for message in conversation.messages.exclude(direction=Direction.NOTE).order_by(
                "created_at", "pk"
            )
        )
    Message.objects.create(
        conversation=linked,
        direction=Direction.NOTE,
        channel_id=conversation.channel_id,
        author=author,
        body_encrypted=encrypt_text(note),
        created_at=now,
    )
    events.conversation_created.send_on_commit(linked.pk)
    return linked
