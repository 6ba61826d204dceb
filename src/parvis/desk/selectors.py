"""Reads of the agent desk, scoped to the acting principal.

What an agent sees at the desk is what ``accounts.scoping`` lets them see, routing's
``assignment`` relation included (a partner's referent has no role in the organisation
and reaches the desk through what is offered or assigned to them, while it is). Which queues an
agent may take from is ``Perm.TAKE`` on the queue *and* a ``QueueMember`` row.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet

from parvis.accounts.scoping import Perm, has_permission, visible_to
from parvis.contacts import selectors as contacts_selectors
from parvis.contacts.models import (
    CitizenConsent,
    Conversation,
    Message,
    Outcome,
    Queue,
    Status,
)
from parvis.core.crypto import DecryptionError, decrypt_text
from parvis.desk.errors import DeskError
from parvis.directory.models import Organisation
from parvis.voice.models import AnswerTemplate
from parvis.voice.selectors import answer_templates_for

HELD = (Status.ASSIGNED, Status.WAITING_CITIZEN, Status.WAITING_PARTNER)
# The messages a conversation page shows at once (the newest; the rest on demand).
MESSAGES_SHOWN = 40
NOT_FOUND = "Conversation introuvable."


def _user_id(principal: Any) -> int | None:
    return principal.pk if getattr(principal, "is_authenticated", False) else None


def has_assigned_conversations(user: Any) -> bool:
    """Whether an open conversation is assigned to ``user`` (the referent's way in)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Conversation.objects.filter(assignee=user, status__in=HELD).exists()


def has_desk(principal: Any) -> bool:
    """Whether the desk is for ``principal``: a role that takes or answers, or an
    assignment."""
    return has_permission(principal, Perm.TAKE) or has_assigned_conversations(principal)


def desk_conversations(principal: Any) -> QuerySet[Conversation]:
    """The conversations ``principal`` may open at the desk: what scoping lets them see,
    routing's ``assignment`` relation included (a referent reaches what is offered or
    assigned to them while it is)."""
    return visible_to(principal, Conversation.objects.all())


def takeable_queues(principal: Any) -> QuerySet[Queue]:
    """Active queues ``principal`` may take from: ``Perm.TAKE`` in scope and a member."""
    queues = visible_to(principal, Queue.objects.filter(is_active=True), Perm.TAKE)
    user_id = _user_id(principal)
    if user_id is None:
        return queues.none()
    return queues.filter(members__user_id=user_id)


def my_conversations(principal: Any) -> QuerySet[Conversation]:
    """Open conversations held by ``principal``: the ones waiting for them first, then by
    deadline."""
    user_id = _user_id(principal)
    return (
        Conversation.objects.filter(assignee_id=user_id, status__in=HELD)
        .select_related("channel", "motif", "queue", "organisation")
        .order_by(
            F("status").asc(),
            F("first_answer_due_at").asc(nulls_last=True),
            "assigned_at",
            "pk",
        )
    )


def escalations_kept_from(principal: Any) -> QuerySet[Any]:
    """Ids of the conversations an adviser escalated to level 2 that ``principal`` may not
    take (``routing.agent_selectors.escalated_out_of_reach``): kept out of the desk's
    waiting list and, registered with ``contacts.selectors.register_kept_from``, out of
    the count of conversations waiting for them."""
    from parvis.routing.agent_selectors import escalated_out_of_reach

    return escalated_out_of_reach(principal).values("conversation_id")


def waiting_conversations(principal: Any, *, limit: int = 50) -> list[Conversation]:
    """Conversations waiting in the queues ``principal`` takes from, by priority inputs
    (urgency confirmed, vulnerability, priority bonus, urgency proposed), then deadline,
    then the longest wait. Routing computes the real score; this is the desk's order.
    A contact an adviser escalated shows to the referents only (``escalated`` marks it)."""
    from parvis.routing.models import Entry

    return list(
        Conversation.objects.filter(
            status=Status.QUEUED,
            assignee__isnull=True,
            queue__in=takeable_queues(principal).values("pk"),
        )
        .exclude(pk__in=escalations_kept_from(principal))
        .annotate(
            escalated=Exists(Entry.objects.filter(conversation=OuterRef("pk"), escalated=True))
        )
        .select_related("channel", "motif", "queue", "organisation")
        .order_by(
            F("urgency_confirmed").desc(),
            F("vulnerability_source").desc(),
            F("priority_bonus").desc(),
            F("urgency_proposed").desc(),
            F("first_answer_due_at").asc(nulls_last=True),
            F("queued_at").asc(nulls_last=True),
            "pk",
        )[:limit]
    )


def conversation_for_desk(principal: Any, reference: str) -> Conversation:
    """One conversation ``principal`` may open at the desk (``DeskError`` 404 otherwise)."""
    # Few joins on purpose: PostgreSQL's planner cost grows steeply with each one here
    # (measured planning time: 5 joins 1.5 ms, 7 joins 15-25 ms, 10 joins 20-50 ms; the
    # query runs in under 1 ms). The contact point, the linked conversation, the site and
    # the citizen load on use, by primary key, and only when set. ``reference`` is
    # unique: no ORDER BY.
    found = list(
        desk_conversations(principal)
        .select_related("queue", "channel", "motif", "organisation", "assignee")
        .filter(reference=reference)
        .order_by()[:1]
    )
    conversation = found[0] if found else None
    if conversation is None:
        raise DeskError("not_found", NOT_FOUND)
    return conversation


def conversation_id_for_desk(principal: Any, reference: str) -> int | None:
    """The id of a conversation ``principal`` may open, or ``None`` (the consumer)."""
    return (
        desk_conversations(principal)
        .filter(reference=reference)
        .values_list("pk", flat=True)
        .first()
    )


# The hub's rule, one for both: the desk answers through the hub's services.
can_reply = contacts_selectors.can_reply


def can_transfer_out(principal: Any, conversation: Conversation) -> bool:
    return has_permission(principal, Perm.TRANSFER_OUT, conversation)


def callback_pending(conversation: Conversation) -> bool:
    """A call back is already asked for: routing's open callback on a routed queue, the
    hub's flag elsewhere (no query unless the conversation is flagged)."""
    if not conversation.callback_requested:
        return False
    from parvis.routing.engine import policy_of

    if policy_of(conversation.queue_id) is None:
        return True
    from parvis.routing.selectors_callbacks import OPEN_STATUSES, callback_of

    callback = callback_of(conversation)
    return callback is not None and callback.status in OPEN_STATUSES


def _text(message: Message) -> str:
    if not message.body_encrypted:
        return ""
    try:
        return decrypt_text(message.body_encrypted)
    except DecryptionError:
        return "(message illisible : clé de chiffrement retirée)"


def conversation_messages(
    conversation: Conversation, *, limit: int = MESSAGES_SHOWN
) -> tuple[list[tuple[Message, str]], int]:
    """The newest ``limit`` messages (oldest first) with their text decrypted, and how
    many older ones are not shown. Two queries, whatever the conversation's size."""
    queryset = conversation.messages.select_related(
        "author", "channel", "delivery"
    ).prefetch_related(Prefetch("attachments"))
    newest = list(queryset.order_by("-created_at", "-pk")[: limit + 1])
    hidden = 0
    if len(newest) > limit:
        newest = newest[:limit]
        hidden = conversation.messages.count() - limit
    newest.reverse()
    return [(m, _text(m)) for m in newest], hidden


def reply_templates(conversation: Conversation) -> QuerySet[AnswerTemplate]:
    """Templates of the one store offered for this conversation (its organisation's and
    its queue's local service's)."""
    return answer_templates_for(
        organisation=conversation.organisation_id,
        local_service=conversation.queue.local_service_id if conversation.queue else None,
    )


def transfer_queues(principal: Any, conversation: Conversation) -> QuerySet[Queue]:
    """Other active queues of the conversation's organisation the principal sees."""
    return (
        visible_to(principal, Queue.objects.filter(is_active=True))
        .filter(organisation_id=conversation.organisation_id)
        .exclude(pk=conversation.queue_id or 0)
        .order_by("-is_triage", "name")
    )


def handoff_organisations(conversation: Conversation) -> QuerySet[Organisation]:
    """Organisations a conversation may be handed over to: other active administrations
    and France Services operators; it lands in their triage queue."""
    return (
        Organisation.objects.filter(is_active=True, queues__is_triage=True)
        .exclude(pk=conversation.organisation_id)
        .order_by("sort_key")
        .distinct()
    )


def shared_categories(conversation: Conversation, organisation: Organisation) -> frozenset[str]:
    """What the citizen agreed to share with ``organisation``: the data categories of
    their active consents covering it (none without a record or a consent)."""
    if conversation.citizen_id is None:
        return frozenset()
    consents = CitizenConsent.objects.active().filter(
        citizen_id=conversation.citizen_id, organisations=organisation
    )
    return frozenset(code for consent in consents for code in consent.categories)


def outcome_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Outcome.choices]
