"""Writes a supervisor makes on the hub's rows through routing's wallboard: who is a
member of a queue, and a conversation's priority bonus (owner: routing's supervision).

Like ``services.handoff`` they check nothing about who acts: ``routing.services.
supervision`` checks the supervisor's scope, writes the audit row with routing's action
codes (``routing.member_added``, ``routing.priority_changed``…) and calls these inside its
own transaction. A change of queue (overflow) is ``handoff.conversation_queue_change``.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from parvis.contacts import events
from parvis.contacts.errors import ContactError
from parvis.contacts.models import OPEN_STATUSES, Conversation, Queue, QueueMember


@transaction.atomic
def queue_member_add(*, queue: Queue, user: Any) -> QueueMember:
    """Make ``user`` a member of ``queue`` (they may take or be offered its contacts)."""
    if QueueMember.objects.filter(queue=queue, user=user).exists():
        raise ContactError(
            "already_member", "Cet agent est déjà membre de cette file.", "user", status=409
        )
    member = QueueMember(queue=queue, user=user)
    member.full_clean(validate_unique=False)
    member.save()  # a model save: routing's caches of agents' queues follow the signal
    return member


@transaction.atomic
def queue_member_remove(*, queue: Queue, user: Any) -> None:
    member = QueueMember.objects.filter(queue=queue, user=user).first()
    if member is None:
        raise ContactError(
            "not_member", "Cet agent n’est pas membre de cette file.", "user", status=409
        )
    member.delete()


@transaction.atomic
def conversation_priority_set(*, conversation: Conversation, bonus: int) -> Conversation:
    """Set the supervisor's priority bonus of an open conversation (points; routing caps
    it and recomputes the waiting contact's place when the change is announced)."""
    conversation = Conversation.objects.select_for_update(of=("self",)).get(pk=conversation.pk)
    if conversation.status not in OPEN_STATUSES:
        raise ContactError(
            "transition_not_allowed", "Cette conversation est terminée.", "status", status=409
        )
    if bonus < 0:
        raise ContactError("invalid_bonus", "Le bonus de priorité ne peut être négatif.", "bonus")
    conversation.priority_bonus = bonus
    conversation.full_clean(
        exclude=[
            "organisation",
            "queue",
            "site",
            "channel",
            "motif",
            "citizen",
            "contact_point",
            "assignee",
            "linked_conversation",
        ],
        validate_unique=False,
        validate_constraints=False,
    )
    conversation.save(update_fields=["priority_bonus"])
    events.conversation_changed.send_on_commit(conversation.pk)
    return conversation
