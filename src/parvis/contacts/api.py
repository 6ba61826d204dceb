"""Contact hub API: conversations and their messages, and the replay of events.

Read only (the lifecycle moves stay in the agents' desk for now). Every read is scoped
to the principal (an organisation's token, or a signed-in agent's roles) through
``contacts.selectors``; a conversation outside the scope is a 404. A message's text is
decrypted only for a principal holding ``VIEW`` on its conversation. States are
published with their frozen public codes (``contacts.codes``).

``GET /events?since=`` replays the events of the principal's organisations in the order
they were recorded (the ``cursor``), so a subscriber that missed webhooks catches up.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from parvis.accounts.api_auth import principal_of
from parvis.accounts.scoping import Perm, get_visible_or_404, has_permission
from parvis.contacts import selectors
from parvis.contacts.codes import EVENT_KINDS, OUTCOME_PUBLIC_CODES, STATUS_PUBLIC_CODES
from parvis.contacts.errors import ContactError
from parvis.contacts.models import Conversation, Message
from parvis.core.api_schemas import InputSchema, PageParams, page_of, paginate, problems
from parvis.core.crypto import DecryptionError, decrypt_text

router = Router(tags=["contacts"])

PublicStatus = Literal[tuple(public for _code, public in STATUS_PUBLIC_CODES)]  # type: ignore[valid-type]
EventKind = Literal[EVENT_KINDS]  # type: ignore[valid-type]


class NamedRef(Schema):
    id: int
    name: str


class MotifRef(Schema):
    slug: str
    label: str


class ConversationOut(Schema):
    reference: str = Field(..., description="Référence stable de la conversation.")
    organisation: str = Field(..., description="Slug de l’organisme.")
    queue: NamedRef | None
    site: str | None = Field(None, description="Slug du lieu qui a reçu le contact.")
    channel: str = Field(..., description="Slug du canal (guichet, telephone, courriel…).")
    motif: MotifRef | None
    status: str = Field(..., description="nouvelle, en-file, prise-en-charge, resolue…")
    outcome: str | None = Field(None, description="Issue (table fermée et versionnée).")
    outcome_version: int | None
    assignee_id: int | None
    subject: str
    created_at: dt.datetime
    queued_at: dt.datetime | None
    assigned_at: dt.datetime | None
    first_answered_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    first_answer_due_at: dt.datetime | None
    resolution_due_at: dt.datetime | None
    announced_deadline: dt.datetime | None

    @staticmethod
    def resolve_organisation(obj: Conversation) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_queue(obj: Conversation) -> dict[str, Any] | None:
        queue = obj.queue
        return {"id": queue.pk, "name": queue.name} if queue is not None else None

    @staticmethod
    def resolve_site(obj: Conversation) -> str | None:
        return obj.site.slug if obj.site is not None else None

    @staticmethod
    def resolve_channel(obj: Conversation) -> str:
        return str(obj.channel_id)

    @staticmethod
    def resolve_motif(obj: Conversation) -> dict[str, str] | None:
        motif = obj.motif
        return {"slug": motif.slug, "label": motif.label} if motif is not None else None

    @staticmethod
    def resolve_status(obj: Conversation) -> str:
        return STATUS_PUBLIC_CODES.public(obj.status)

    @staticmethod
    def resolve_outcome(obj: Conversation) -> str | None:
        return OUTCOME_PUBLIC_CODES.public(obj.outcome) if obj.outcome else None


class AttachmentOut(Schema):
    filename: str
    content_type: str
    size: int
    status: str = Field(..., description="clean, infected ou refused.")
    refusal_reason: str


class MessageOut(Schema):
    id: int
    direction: str = Field(..., description="inbound, outbound ou note (note interne).")
    channel: str
    author_id: int | None
    subject: str
    text: str | None = Field(
        None, description="Texte déchiffré, pour qui peut voir la conversation ; sinon vide."
    )
    is_automatic: bool
    created_at: dt.datetime
    attachments: list[AttachmentOut]


class ConversationFilters(InputSchema):
    status: PublicStatus | None = Field(None, description="Code public de l’état.")  # type: ignore[valid-type]
    channel: str | None = Field(None, max_length=50, description="Slug du canal.")


class EventsQuery(InputSchema):
    since: str | None = Field(
        None,
        max_length=36,
        # A cursor (up to 18 digits: a log position) or an event id (a UUID); the schema
        # says so, so that a schema-valid value is always one the replay can read.
        pattern=r"^([0-9]{1,18}|[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})?$",
        description="Curseur du dernier événement reçu (`cursor`) ou son identifiant (`id`) ; "
        "vide : depuis le début.",
    )
    limit: int = Field(100, ge=1, le=500, description="Nombre d’événements au plus.")


class EventConversation(Schema):
    id: int
    reference: str
    status: str
    queue: int | None
    channel: str
    assignee: int | None


class EventOut(Schema):
    cursor: int = Field(..., description="Position dans le journal ; à repasser en `since`.")
    id: uuid.UUID = Field(..., description="Identifiant de l’événement (X-Parvis-Event-Id).")
    type: EventKind
    sequence: int = Field(..., description="Numéro de l’événement dans sa conversation.")
    created_at: dt.datetime
    organisation: str
    conversation: EventConversation


class EventsOut(Schema):
    events: list[EventOut]
    next_since: int | None = Field(..., description="Curseur à passer pour la suite.")
    has_more: bool


def _conversation(request: HttpRequest, reference: str) -> Conversation:
    return get_visible_or_404(
        principal_of(request),
        selectors.conversations_for(principal_of(request)),
        reference=reference,
    )


@router.get(
    "/conversations",
    response={200: page_of(ConversationOut), **problems(400, 401, 422)},
    summary="Conversations visibles (organisme du jeton, ou rôles de l’agent)",
)
def conversation_list(
    request: HttpRequest, filters: Query[ConversationFilters], page: Query[PageParams]
) -> dict[str, Any]:
    queryset = selectors.conversations_for(principal_of(request)).select_related(
        "organisation", "site"
    )
    if filters.status:
        queryset = queryset.filter(status=STATUS_PUBLIC_CODES.internal(filters.status))
    if filters.channel:
        queryset = queryset.filter(channel_id=filters.channel)
    return paginate(queryset.order_by("-created_at", "-pk"), page)


@router.get(
    "/conversations/{reference}",
    response={200: ConversationOut, **problems(400, 401, 404, 422)},
    summary="Une conversation",
)
def conversation_detail(request: HttpRequest, reference: str) -> Conversation:
    return _conversation(request, reference)


def _text(message: Message) -> str | None:
    if not message.body_encrypted:
        return ""
    try:
        return decrypt_text(message.body_encrypted)
    except DecryptionError:
        return None


@router.get(
    "/conversations/{reference}/messages",
    response={200: page_of(MessageOut), **problems(400, 401, 404, 422)},
    summary="Messages d’une conversation, du plus ancien au plus récent",
)
def message_list(request: HttpRequest, reference: str, page: Query[PageParams]) -> dict[str, Any]:
    principal = principal_of(request)
    conversation = _conversation(request, reference)
    readable = has_permission(principal, Perm.VIEW, conversation)
    messages = conversation.messages.prefetch_related("attachments").order_by("created_at", "pk")
    result = paginate(messages, page)
    result["results"] = [
        {
            "id": m.pk,
            "direction": m.direction,
            "channel": str(m.channel_id),
            "author_id": m.author_id,
            "subject": m.subject if readable else "",
            "text": _text(m) if readable else None,
            "is_automatic": m.is_automatic,
            "created_at": m.created_at,
            "attachments": list(m.attachments.all()),
        }
        for m in result["results"]
    ]
    return result


def _cursor(events: Any, since: str) -> int | None:
    """The log position ``since`` names: a cursor, or the id of a visible event."""
    if not since:
        return None
    if since.isascii() and since.isdigit():
        if len(since) > 18:
            raise ContactError("events_since_invalid", "Curseur hors limites.", field="since")
        return int(since)
    try:
        event_id = uuid.UUID(since)
    except ValueError as error:
        raise ContactError(
            "events_since_invalid",
            "Curseur invalide : un entier (`cursor`) ou l’identifiant d’un événement.",
            field="since",
        ) from error
    anchor = events.filter(event_id=event_id).values_list("pk", flat=True).first()
    if anchor is None:
        raise ContactError(
            "events_since_unknown",
            "Aucun événement visible ne porte cet identifiant.",
            field="since",
            status=404,
        )
    return int(anchor)


@router.get(
    "/events",
    response={200: EventsOut, **problems(400, 401, 404, 422)},
    summary="Rejouer les événements des conversations depuis un curseur",
)
def event_list(request: HttpRequest, query: Query[EventsQuery]) -> dict[str, Any]:
    principal = principal_of(request)
    events = selectors.contact_events_for(principal)
    after = _cursor(events, (query.since or "").strip())
    if after is not None:
        events = events.filter(pk__gt=after)
    rows = list(events.order_by("pk")[: query.limit + 1])
    has_more = len(rows) > query.limit
    rows = rows[: query.limit]
    return {
        "events": [{"cursor": e.pk, **e.payload} for e in rows],
        "next_since": rows[-1].pk if rows else after,
        "has_more": has_more,
    }
