"""Reads of the contact hub, scoped to the acting principal (``accounts.scoping``).

A conversation outside the principal's scope does not exist for them (404); texts are
read back decrypted only through ``message_text``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Min, Prefetch, Q, QuerySet

from parvis.accounts.scoping import Perm, get_visible_or_404, visible_to
from parvis.contacts.models import (
    OPEN_STATUSES,
    Conversation,
    Direction,
    InboundEndpoint,
    InboundRow,
    Message,
    OrganisationWebhook,
    Queue,
    Status,
    WebhookEvent,
)
from parvis.core.crypto import DecryptionError, decrypt_text
from parvis.directory.models import Motif, Organisation, Site
from parvis.messaging.models import Delivery


def conversations_for(
    principal: Any,
    *,
    status: str | None = None,
    queue: Queue | int | None = None,
    channel: str | None = None,
) -> QuerySet[Conversation]:
    conversations = Conversation.objects.select_related(
        "queue", "channel", "motif", "organisation", "assignee", "site"
    )
    if status:
        conversations = conversations.filter(status=status)
    if queue is not None:
        conversations = conversations.filter(queue=queue)
    if channel:
        conversations = conversations.filter(channel_id=channel)
    return visible_to(principal, conversations)


def queues_for(principal: Any, *, active: bool | None = None) -> QuerySet[Queue]:
    queues = Queue.objects.select_related("organisation", "site", "calendar_site")
    if active is not None:
        queues = queues.filter(is_active=active)
    return visible_to(principal, queues)


def conversation_detail(
    principal: Any, *, pk: int | None = None, reference: str = ""
) -> Conversation:
    """One conversation with its messages (and their attachments) and its transitions;
    404 outside the principal's scope."""
    lookup: dict[str, Any] = {"pk": pk} if pk is not None else {"reference": reference}
    queryset = Conversation.objects.select_related(
        "queue", "channel", "motif", "organisation", "assignee", "site", "contact_point"
    ).prefetch_related(
        Prefetch(
            "messages",
            queryset=Message.objects.select_related("author").prefetch_related("attachments"),
        ),
        "transitions",
    )
    return get_visible_or_404(principal, queryset, **lookup)


def inbound_endpoint_for_hook(endpoint_uuid: Any) -> InboundEndpoint | None:
    """The active endpoint a signed webhook names (``/hooks/<uuid>/``): the signature,
    checked next, is its authentication (ingestion part)."""
    return InboundEndpoint.objects.filter(uuid=endpoint_uuid, is_active=True).first()


# --- Web chat and back-office pages (part 5) ---------------------------------------------


def chat_endpoint_of(organisation_slug: str) -> InboundEndpoint | None:
    """The active chat endpoint of an active organisation (public: the chat widget)."""
    return (
        InboundEndpoint.objects.select_related("organisation", "queue")
        .filter(
            connector="chat",
            is_active=True,
            organisation__slug=organisation_slug,
            organisation__is_active=True,
        )
        .order_by("pk")
        .first()
    )


def chat_transcript(*, organisation_id: int, session: str) -> list[dict[str, str]]:
    """What a chat session said and heard, oldest first (the widget shows it again after
    a reload). Internal notes never leave the back office."""
    messages = Message.objects.filter(
        conversation__organisation_id=organisation_id,
        conversation__channel_id="chat",
        conversation__thread_key=session,
        direction__in=[Direction.INBOUND, Direction.OUTBOUND],
    ).order_by("created_at", "pk")
    return [
        {"direction": m.direction, "text": _decrypted(m.body_encrypted)} for m in messages[:200]
    ]


def chat_next_sequence(*, endpoint: InboundEndpoint, session: str) -> int:
    """The sequence the widget's next message takes (after those already received)."""
    ids = InboundRow.objects.filter(
        endpoint=endpoint, channel="chat", external_id__startswith=f"{session}:"
    ).values_list("external_id", flat=True)
    sequences = [int(tail) for i in ids if (tail := i.rpartition(":")[2]).isdigit()]
    return max(sequences, default=-1) + 1


def _decrypted(token: str) -> str:
    if not token:
        return ""
    try:
        return decrypt_text(token)
    except DecryptionError:
        return "(message illisible : clé de chiffrement retirée)"


@dataclass(frozen=True)
class ConversationFilters:
    queue: Queue | None = None
    channel: str = ""
    status: str = ""


def conversations_for_list(principal: Any, filters: ConversationFilters) -> QuerySet[Conversation]:
    """The « Conversations » list: scoped, filtered, open ones first then the newest."""
    queryset = conversations_for(principal).select_related("queue__site", "organisation")
    if filters.queue is not None:
        queryset = queryset.filter(queue=filters.queue)
    if filters.channel:
        queryset = queryset.filter(channel_id=filters.channel)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    return queryset.order_by("-created_at", "-pk")


def conversation_for(principal: Any, reference: str) -> Conversation:
    """One conversation the principal may see (404 otherwise)."""
    return get_visible_or_404(
        principal,
        Conversation.objects.select_related(
            "queue", "channel", "motif", "organisation", "site", "assignee"
        ),
        reference=reference,
    )


def conversation_messages(conversation: Conversation) -> list[tuple[Message, str]]:
    """The messages of a conversation with their text decrypted (for its agents)."""
    messages = (
        conversation.messages.select_related("author", "channel")
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )
    return [(m, _decrypted(m.body_encrypted)) for m in messages]


@dataclass(frozen=True)
class QueueLoad:
    queue: Queue
    waiting: int
    open: int
    oldest_wait_since: dt.datetime | None


def queue_loads(principal: Any) -> list[QueueLoad]:
    """Each visible active queue with its waiting count, its open count and the start of
    its oldest wait (one aggregate query)."""
    waiting = Q(conversations__status=Status.QUEUED)
    queues = (
        queues_for(principal)
        .filter(is_active=True)
        .select_related("organisation", "site")
        .annotate(
            waiting_count=Count("conversations", filter=waiting),
            open_count=Count("conversations", filter=Q(conversations__status__in=OPEN_STATUSES)),
            oldest=Min("conversations__queued_at", filter=waiting),
        )
        .order_by("organisation__slug", "-is_triage", "name")
    )
    return [QueueLoad(q, q.waiting_count, q.open_count, q.oldest) for q in queues]


def visit_sites_for(principal: Any) -> QuerySet[Site]:
    """Where an agent may record a counter visit: the active sites of their scope, their
    own site-level membership first."""
    from parvis.directory.selectors import sites_visible_to

    return sites_visible_to(principal).filter(is_active=True)


def organisation_of_site(site: Site) -> Organisation | None:
    if site.organisation_id:
        return site.organisation
    if site.local_service_id:
        return site.local_service.organisation  # type: ignore[union-attr]
    return None


def motifs_of(organisation: Organisation | None) -> QuerySet[Motif]:
    if organisation is None:
        return Motif.objects.none()
    return Motif.objects.filter(organisation=organisation, is_active=True).order_by(
        "position", "label"
    )


def has_contact_queues(principal: Any, organisation: Organisation | None = None) -> bool:
    """Whether the principal's scope holds queues (the menu shows the hub's pages then)."""
    queues = queues_for(principal)
    if organisation is not None:
        queues = queues.filter(organisation=organisation)
    return queues.exists()


def message_text(message: Message) -> str:
    """The message's text, decrypted (for the agents who see its conversation)."""
    return _decrypted(message.body_encrypted)


# --- Events log and webhooks ------------------------------------------------------------------


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
