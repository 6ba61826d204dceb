"""Reads of the contact hub, scoped to the acting principal (``accounts.scoping``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from parvis.accounts.scoping import visible_to
from parvis.contacts.models import Conversation, InboundEndpoint, Queue


def conversations_for(principal: Any) -> QuerySet[Conversation]:
    return visible_to(principal, Conversation.objects.select_related("queue", "channel", "motif"))


def queues_for(principal: Any) -> QuerySet[Queue]:
    return visible_to(principal, Queue.objects.all())


def inbound_endpoint_for_hook(endpoint_uuid: Any) -> InboundEndpoint | None:
    """The active endpoint a signed webhook names (``/hooks/<uuid>/``): the signature,
    checked next, is its authentication (ingestion part)."""
    return InboundEndpoint.objects.filter(uuid=endpoint_uuid, is_active=True).first()
