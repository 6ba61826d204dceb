"""The moves the SMS and phone connectors make on their own (no person acts): a reply
that reopens, a call answered or ended. Each goes through the lifecycle
(``services.lifecycle.apply_move``, principal ``workflow.INBOUND``), and contact points
through ``services.conversations``, so that the digest of a number is the one of every
other channel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from parvis.contacts import workflow
from parvis.contacts.models import ContactKind, ContactPoint, Conversation, Status
from parvis.contacts.services.conversations import (
    contact_point_digest,
    contact_point_find_or_create,
    conversation_reopen_by_message,
)
from parvis.contacts.services.lifecycle import apply_move


def contact_point_for(
    *,
    organisation_id: int,
    number: str,
    lock: bool = False,
    defaults: Mapping[str, Any] | None = None,
) -> ContactPoint:
    """The organisation's contact point for the E.164 ``number`` (created if new, with
    ``defaults``), locked until the transaction ends when ``lock`` (one sender processed
    at a time)."""
    return contact_point_find_or_create(
        organisation_id=organisation_id,
        kind=ContactKind.PHONE,
        value=number,
        lock=lock,
        defaults=defaults,
    )


def find_contact_point(*, organisation_id: int, number: str) -> ContactPoint | None:
    return ContactPoint.objects.filter(
        organisation_id=organisation_id,
        kind=ContactKind.PHONE,
        value_digest=contact_point_digest(ContactKind.PHONE, number),
    ).first()


def reopen(conversation: Conversation, *, at: dt.datetime) -> None:
    """resolved | closed → queued: the citizen came back."""
    conversation_reopen_by_message(conversation, now=at)


def assign(conversation: Conversation, *, agent: Any, at: dt.datetime) -> None:
    """queued | offered → assigned to ``agent`` (the telephony says who answered)."""
    conversation.assignee = agent
    move = "accept" if conversation.status == Status.OFFERED else "assign"
    apply_move(conversation, principal=workflow.INBOUND, move=move, now=at)
    if conversation.first_answered_at is None:
        conversation.first_answered_at = at
        conversation.save(update_fields=["first_answered_at"])


def resolve(conversation: Conversation, *, outcome: str, at: dt.datetime) -> None:
    """an open status → resolved with ``outcome`` (voicemail, abandoned...)."""
    apply_move(
        conversation,
        principal=workflow.INBOUND,
        move="resolve",
        inputs={"outcome": outcome},
        now=at,
    )
