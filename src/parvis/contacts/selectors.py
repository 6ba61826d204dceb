"""Reads of the contact hub, scoped to the acting principal (``accounts.scoping``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from parvis.accounts.scoping import visible_to
from parvis.contacts.models import Conversation, Queue


def conversations_for(principal: Any) -> QuerySet[Conversation]:
    return visible_to(principal, Conversation.objects.select_related("queue", "channel", "motif"))


def queues_for(principal: Any) -> QuerySet[Queue]:
    return visible_to(principal, Queue.objects.all())
