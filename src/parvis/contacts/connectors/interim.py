"""INTEGRATOR: interim stand-ins for part 1's conversation moves and contact points.

The SMS and phone connectors need to reopen, assign and resolve conversations and to find
a contact point; part 1 (hub core) owns those moves (``contacts.workflow``) and the
contact point service. Until its branch is merged these few functions do the minimum,
writing the transition log by hand. At merge: make each one call part 1's move (or
replace the calls), and keep ``contact_point_for``'s digest the same as part 1's, so that
an opt-out recorded here is the one part 1's contact point carries.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from parvis.contacts.models import (
    OUTCOME_TABLE_VERSION,
    ContactKind,
    ContactPoint,
    Conversation,
    ConversationTransition,
    Status,
)
from parvis.core.crypto import encrypt_text, keyed_digest


def contact_point_digest(kind: str, value: str) -> str:
    # The digest part 1's ``contact_point_find_or_create`` computes for a phone number
    # (purpose "contacts.contact_point", the number's digits and "+"), so that both find
    # the same row: an E.164 number is already in that form.
    normalised = "".join(c for c in value.strip() if c.isdigit() or c == "+")
    return keyed_digest(normalised, purpose="contacts.contact_point")


def contact_point_for(*, organisation_id: int, number: str, lock: bool = False) -> ContactPoint:
    """The organisation's contact point for the E.164 ``number`` (created if new),
    locked until the transaction ends when ``lock`` (one sender processed at a time)."""
    digest = contact_point_digest(ContactKind.PHONE, number)
    point, _created = ContactPoint.objects.get_or_create(
        organisation_id=organisation_id,
        kind=ContactKind.PHONE,
        value_digest=digest,
        defaults={"value_encrypted": encrypt_text(number)},
    )
    if lock:
        point = ContactPoint.objects.select_for_update().get(pk=point.pk)
    return point


def find_contact_point(*, organisation_id: int, number: str) -> ContactPoint | None:
    return ContactPoint.objects.filter(
        organisation_id=organisation_id,
        kind=ContactKind.PHONE,
        value_digest=contact_point_digest(ContactKind.PHONE, number),
    ).first()


def _move(
    conversation: Conversation, *, move: str, to: str, at: dt.datetime, **changes: Any
) -> None:
    source = conversation.status
    conversation.status = to
    for name, value in changes.items():
        setattr(conversation, name, value)
    conversation.save(update_fields=["status", *changes])
    ConversationTransition.objects.create(
        conversation=conversation,
        from_status=source,
        to_status=to,
        move=move,
        actor_label="système",
        created_at=at,
    )


def reopen(conversation: Conversation, *, at: dt.datetime | None = None) -> None:
    """resolved | closed → queued (part 1: the ``reopen`` move)."""
    moment = at or timezone.now()
    _move(
        conversation,
        move="reopen",
        to=Status.QUEUED,
        at=moment,
        queued_at=moment,
        resolved_at=None,
        closed_at=None,
        outcome="",
        outcome_version=None,
    )


def assign(conversation: Conversation, *, agent: Any, at: dt.datetime) -> None:
    """queued | offered → assigned to ``agent`` (part 1: the ``assign`` move)."""
    _move(
        conversation,
        move="assign",
        to=Status.ASSIGNED,
        at=at,
        assignee=agent,
        assigned_at=at,
        first_answered_at=conversation.first_answered_at or at,
    )


def resolve(conversation: Conversation, *, outcome: str, at: dt.datetime) -> None:
    """an open status → resolved with ``outcome`` (part 1: the ``resolve`` move)."""
    _move(
        conversation,
        move="resolve",
        to=Status.RESOLVED,
        at=at,
        resolved_at=at,
        outcome=outcome,
        outcome_version=OUTCOME_TABLE_VERSION,
    )
