"""Routing follows the hub through its events (``contacts.events``), inside the
transaction that moved the conversation, and registers the assignment as a scoping
relation."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from parvis.accounts.models import ApiToken
from parvis.accounts.scoping import Grant, Relation, relate


def _sync(conversation_id: int) -> None:
    from parvis.routing.services.entries import entry_sync

    entry_sync(conversation_id)


def _sync_created(conversation_id: int) -> None:
    from parvis.routing.services.entries import entry_sync_created

    entry_sync_created(conversation_id)


def assignment_relation(prefix: str) -> Relation:
    """What is assigned to the principal (or offered to them) while it is: the
    conversation and what hangs from it, across sites and organisations."""

    from parvis.contacts.models import Status
    from parvis.contacts.workflow import HANDLED

    held = sorted({Status.OFFERED, *HANDLED})

    def condition(principal: Any, grants: list[Grant]) -> Q | None:
        if isinstance(principal, ApiToken) or getattr(principal, "pk", None) is None:
            return None
        return Q(**{f"{prefix}assignee": principal, f"{prefix}status__in": held}) | Q(
            **{f"{prefix}routing_entry__offered_to": principal}
        )

    return Relation("assignment", condition)


def connect() -> None:
    from parvis.contacts import events
    from parvis.contacts import models as contacts_models
    from parvis.routing import engine

    events.conversation_created.subscribe(_sync_created, in_transaction=True)
    for event in (
        events.conversation_assigned,
        events.conversation_resolved,
        events.conversation_changed,
    ):
        event.subscribe(_sync, in_transaction=True)
    relate(contacts_models.Conversation, assignment_relation(""))
    relate(contacts_models.Message, assignment_relation("conversation__"))
    engine.connect_caches()
