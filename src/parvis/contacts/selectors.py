"""Reads of the contact hub, scoped to the acting principal (``accounts.scoping``)."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from parvis.accounts.scoping import Perm, visible_to
from parvis.contacts.models import Conversation, OrganisationWebhook, Queue, WebhookEvent
from parvis.messaging.models import Delivery


def conversations_for(principal: Any) -> QuerySet[Conversation]:
    return visible_to(principal, Conversation.objects.select_related("queue", "channel", "motif"))


def queues_for(principal: Any) -> QuerySet[Queue]:
    return visible_to(principal, Queue.objects.all())


# --- Events log and webhooks (part 6) ---------------------------------------------------------


def contact_events_for(principal: Any) -> QuerySet[WebhookEvent]:
    """The events of the principal's organisations, in log order (the replay)."""
    return visible_to(principal, WebhookEvent.objects.all()).order_by("pk")


def webhooks_managed_by(principal: Any) -> QuerySet[OrganisationWebhook]:
    """The webhooks the principal administers (``MANAGE_TOKENS``: organisation admins)."""
    return (
        visible_to(principal, OrganisationWebhook.objects.all(), Perm.MANAGE_TOKENS)
        .select_related("organisation")
        .order_by("organisation__sort_key", "pk")
    )


def webhook_deliveries(webhook: OrganisationWebhook, *, limit: int = 20) -> QuerySet[Delivery]:
    """The last deliveries of one webhook (the outbox's log rows it owns)."""
    return Delivery.objects.filter(
        owner_type=ContentType.objects.get_for_model(OrganisationWebhook), owner_id=webhook.pk
    ).order_by("-created_at", "-pk")[:limit]
