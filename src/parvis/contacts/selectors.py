"""Reads of the contact hub, scoped to the acting principal (``accounts.scoping``).

A conversation outside the principal's scope does not exist for them (404); texts are
read back decrypted only through ``message_text``.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Min,
    Prefetch,
    Q,
    QuerySet,
)
from django.db.models.functions import Coalesce

from parvis.accounts.scoping import (
    Perm,
    get_visible_or_404,
    grants_for,
    has_permission,
    is_platform_admin,
    organisations_of,
    visible_to,
)
from parvis.contacts.models import (
    OPEN_STATUSES,
    Call,
    CitizenConsent,
    CitizenDistinctPair,
    CitizenExperienceLink,
    CitizenFileNumber,
    CitizenMerge,
    CitizenRecord,
    ContactKind,
    ContactPoint,
    ContactSettings,
    Conversation,
    DataCategory,
    Direction,
    InboundEndpoint,
    InboundRow,
    Message,
    OrganisationWebhook,
    Queue,
    RecordAccess,
    Status,
    WebhookEvent,
)
from parvis.core.crypto import DecryptionError, decrypt_text
from parvis.core.french import NO_BREAK_SPACE, with_unit
from parvis.core.memo import ProcessMemo
from parvis.core.text import search_key
from parvis.directory import servicelevels
from parvis.directory.models import Channel, Motif, Organisation, Site
from parvis.directory.servicelevels import METROPOLITAN, Place
from parvis.messaging.models import Delivery

# What makes a conversation someone's work, beside their scope: the queues they are a
# member of and what is assigned or offered to them (routing's relation). A conversation
# reached only through its citizen's record (the record's organisation, a consent) is
# read in that record's history, never listed among the conversations to take.
WORK_RELATIONS = frozenset({"queue_membership", "assignment"})

# A queued conversation may sit in one of a principal's queues and yet wait for someone
# else: routing keeps a contact an adviser escalated to level 2 for the partners'
# referents. Each rule gives, for a principal, the ids of the conversations kept from
# them; the desk registers routing's (``routing.agent_selectors.escalated_out_of_reach``)
# at start-up, as contacts does not depend on routing.
KeptFrom = Callable[[Any], QuerySet[Any]]
_KEPT_FROM: list[KeptFrom] = []


def register_kept_from(rule: KeptFrom) -> None:
    """Add a rule keeping queued conversations from principals (once per rule)."""
    if rule not in _KEPT_FROM:
        _KEPT_FROM.append(rule)


def conversations_for(
    principal: Any,
    *,
    status: str | None = None,
    queue: Queue | int | None = None,
    channel: str | None = None,
    work_only: bool = False,
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
    return visible_to(principal, conversations, relations=WORK_RELATIONS if work_only else None)


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


def chat_conversation_id(*, organisation_id: int, session: str) -> int | None:
    """The open conversation of a chat session (the widget's waiting room), if any."""
    return (
        Conversation.objects.filter(
            organisation_id=organisation_id,
            channel_id="chat",
            thread_key=session,
            status__in=OPEN_STATUSES,
        )
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )


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
    # The contacts behind a quality figure (a manager's drill-down): the organisation, a
    # place as the results name it (level and key, see ``PLACE_LEVELS``) and the local
    # days, inclusive, of the moment the indicator counts (``on``: entered a queue or
    # resolved).
    organisation: Organisation | None = None
    place: tuple[str, str] | None = None
    days: tuple[dt.date, dt.date] | None = None
    on: str = "queued"
    # What waits for the principal to take it (a dashboard's « en attente d'un agent »):
    # queued, unassigned and not kept for someone else (``register_kept_from``).
    takeable: bool = False


# The place that handled a contact, as ``quality.facts`` reads it: its site, else its
# queue's; the queue's local service, else the site's; the site's département, else the
# queue's, else its local service's main one.
_PLACE = {
    "site": Coalesce("site_id", "queue__site_id"),
    "service": Coalesce(
        "queue__local_service_id", "site__local_service_id", "queue__site__local_service_id"
    ),
    "departement": Coalesce(
        "site__commune__departement_id",
        "queue__site__commune__departement_id",
        "queue__departement_id",
        "queue__local_service__main_departement_id",
    ),
}
PLACE_LEVELS = ("site", "service", "departement", "region")
DAY_MOMENTS = {"queued": "queued_at", "resolved": "resolved_at"}


def _place_filter(queryset: QuerySet[Conversation], level: str, key: str) -> QuerySet[Conversation]:
    from parvis.territories.models import Departement

    if level == "region":
        within = Departement.objects.filter(region_id=key).values("code")
        return queryset.alias(place_departement=_PLACE["departement"]).filter(
            place_departement__in=within
        )
    if level in ("site", "service") and not key.isdigit():
        return queryset.none()
    return queryset.alias(place=_PLACE[level]).filter(place=key)


def _place_timezone(level: str, key: str) -> zoneinfo.ZoneInfo:
    """The time zone of a place's local days (Paris for an organisation as a whole)."""
    from parvis.directory.models import LocalService
    from parvis.territories import calendar
    from parvis.territories.models import Departement

    departement: str | None = None
    if level == "departement":
        departement = key
    elif level == "region":
        departement = (
            Departement.objects.filter(region_id=key).values_list("code", flat=True).first()
        )
    elif level == "site" and key.isdigit():
        departement = (
            Site.objects.filter(pk=key).values_list("commune__departement_id", flat=True).first()
        )
    elif level == "service" and key.isdigit():
        departement = (
            LocalService.objects.filter(pk=key)
            .values_list("main_departement_id", flat=True)
            .first()
        )
    return zoneinfo.ZoneInfo(calendar.departement_timezone(departement))


def filter_organisations_for(principal: Any) -> QuerySet[Organisation]:
    """The organisations the « Conversations » list may be narrowed to: those the principal
    works in, through an organisation grant or the organisation of their local service or
    site (a local service's quality manager drills down on its organisation's figures:
    the organisation itself is out of their territorial scope, its conversations at their
    service are not). The list stays scoped by ``conversations_for``: this only narrows."""
    if is_platform_admin(principal):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=organisations_of(grants_for(principal)))


def conversations_for_list(principal: Any, filters: ConversationFilters) -> QuerySet[Conversation]:
    """The « Conversations » list: the principal's work (their scope, their queues, what
    is assigned to them: ``WORK_RELATIONS``), filtered, the newest first. With
    ``filters.takeable``, only what waits for them: the dashboard counts that list."""
    queryset = conversations_for(principal, work_only=True).select_related(
        "queue__site", "organisation"
    )
    if filters.queue is not None:
        queryset = queryset.filter(queue=filters.queue)
    if filters.channel:
        queryset = queryset.filter(channel_id=filters.channel)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.takeable:
        queryset = queryset.filter(status=Status.QUEUED, assignee__isnull=True)
        for rule in _KEPT_FROM:
            queryset = queryset.exclude(pk__in=rule(principal))
    if filters.organisation is not None:
        queryset = queryset.filter(organisation=filters.organisation)
    if filters.place is not None:
        queryset = _place_filter(queryset, *filters.place)
    if filters.days is not None:
        level, key = filters.place or ("", "")
        zone = _place_timezone(level, key)
        first, last = filters.days
        moment = DAY_MOMENTS[filters.on]
        queryset = queryset.filter(
            **{
                f"{moment}__gte": dt.datetime.combine(first, dt.time(), tzinfo=zone),
                f"{moment}__lt": dt.datetime.combine(
                    last + dt.timedelta(days=1), dt.time(), tzinfo=zone
                ),
            }
        )
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


def can_reply(principal: Any, conversation: Conversation) -> bool:
    """Answer the citizen, write a note, resolve: ``Perm.REPLY`` on the conversation, or
    it is assigned to them. Seeing it (``Perm.VIEW``: a quality manager, an agent reaching
    a partner's conversation through the citizen's consent) is not answering it."""
    user_id = principal.pk if getattr(principal, "is_authenticated", False) else None
    if conversation.assignee_id is not None and conversation.assignee_id == user_id:
        return True
    return has_permission(principal, Perm.REPLY, conversation)


def conversation_messages(conversation: Conversation) -> list[tuple[Message, str]]:
    """The messages of a conversation with their text decrypted (for its agents)."""
    messages = (
        conversation.messages.select_related("author", "channel", "delivery")
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
    """Where an agent may record a counter visit: the active sites of their scope where
    they serve citizens (``Perm.REPLY``: not a quality manager, whose figures the visits
    feed), their own site-level membership first."""
    from parvis.directory.selectors import sites_visible_to

    return sites_visible_to(principal, Perm.REPLY).filter(is_active=True)


def visit_organisations_of(sites: QuerySet[Site]) -> QuerySet[Organisation]:
    """The organisations a counter visit at one of ``sites`` may be about: each site's own,
    and at a France Services site its active partners (the adviser helps the citizen with
    the CAF, the CPAM, the DGFiP…: the visit's motif is then the partner's)."""
    return Organisation.objects.filter(
        Q(sites__in=sites)
        | Q(
            partner_sites__in=sites.filter(kind=Site.Kind.FRANCE_SERVICES),
            is_active=True,
        )
    ).distinct()


# Motifs listed by organisation (an ``optgroup`` each in ``contacts.forms.motif_choices``).
MOTIFS_BY_ORGANISATION = ("organisation__sort_key", "organisation__slug", "position", "label")


def visit_motifs_for(sites: QuerySet[Site]) -> QuerySet[Motif]:
    """The active motifs of ``visit_organisations_of(sites)``, by organisation."""
    return (
        Motif.objects.filter(organisation__in=visit_organisations_of(sites), is_active=True)
        .select_related("organisation")
        .order_by(*MOTIFS_BY_ORGANISATION)
    )


def motifs_for_conversation(
    conversation: Conversation, *, principal: Any | None = None
) -> QuerySet[Motif]:
    """The motifs an agent may set on ``conversation``: its organisation's, and when it
    is handled at a France Services site (its own site, or its queue's) the active
    partners' too, as for a counter visit there (``visit_organisations_of``): the partner's
    referent who takes an escalated chat corrects it to the CAF's or the CPAM's motif.
    With ``principal``, the motifs of the organisations they work in come first (the
    CAF's referent finds the CAF's before the other partners')."""
    sites = Site.objects.filter(
        Q(pk__in=[conversation.site_id] if conversation.site_id else [])
        | Q(pk__in=Queue.objects.filter(conversations=conversation).values("site_id"))
    )
    where = Q(organisation_id=conversation.organisation_id) | Q(
        organisation__in=visit_organisations_of(sites)
    )
    motifs = Motif.objects.filter(where, is_active=True).select_related("organisation")
    if principal is None:
        return motifs.order_by(*MOTIFS_BY_ORGANISATION)
    own = Q(organisation__in=organisations_of(grants_for(principal)))
    return motifs.annotate(not_own=ExpressionWrapper(~own, output_field=BooleanField())).order_by(
        "not_own", *MOTIFS_BY_ORGANISATION
    )


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


# =============================================================================================
# Citizen records (issue 14): search, detail, shared categories, timeline (360°), duplicate
# proposals, access log and the right-of-access export. Every read is scoped through
# ``accounts.scoping`` (territorial scope + the relations of ``contacts.relations``).
# =============================================================================================


def citizen_records_for(
    principal: Any, *, query: str = "", organisation: Organisation | None = None
) -> QuerySet[CitizenRecord]:
    """Records the principal may see (merged ones left out), searched by name (words,
    accents and case ignored), email or phone (their keyed digest), file number (exact)
    never by NIR (see ``citizen_records_by_nir``: a NIR typed here finds nothing)."""
    from parvis.contacts.identity import (
        contact_digest,
        nir_is_valid,
        normalise_nir,
        normalise_phone,
    )

    records = visible_to(
        principal,
        CitizenRecord.objects.filter(merged_into__isnull=True).select_related(
            "organisation", "preferred_channel"
        ),
    )
    if organisation is not None:
        records = records.filter(organisation=organisation)
    typed = (query or "").strip()[:200]
    query = search_key(typed)
    raw = re.sub(r"[\s.\-]", "", typed)
    if not typed:
        return records.order_by("-last_contact_at", "-pk")
    if not query and not raw:
        return records.none()  # « 😀 », « ??? »: nothing to look for, nothing found
    if "@" in typed:
        digest = contact_digest(ContactKind.EMAIL, typed)
        return records.filter(contact_points__value_digest=digest).distinct()
    if nir_is_valid(normalise_nir(raw)):
        return records.none()  # a NIR is looked up only by ``citizen_records_by_nir``
    condition = Q(file_numbers__value=raw.upper())
    if re.fullmatch(r"\+?[\d]{6,15}", raw):
        digests = {
            contact_digest(ContactKind.PHONE, normalise_phone(raw)),
            contact_digest(ContactKind.PHONE, raw),
        }
        condition |= Q(contact_points__value_digest__in=digests)
    words = query.split()[:5]
    if words:
        condition |= Q(*[Q(name_key__contains=word) for word in words])
    return records.filter(condition).distinct().order_by("-last_contact_at", "-pk")


def citizen_records_by_nir(principal: Any, nir: str) -> QuerySet[CitizenRecord]:
    """Records of the organisations the principal works in whose setting allows the NIR,
    whose NIR is exactly ``nir`` (its keyed digest; a partial or invalid NIR finds
    nothing). Consent never shares a NIR."""
    from parvis.contacts.identity import nir_digest, nir_is_valid, normalise_nir

    value = normalise_nir(nir)
    if not nir_is_valid(value):
        return CitizenRecord.objects.none()
    return visible_to(
        principal,
        CitizenRecord.objects.filter(
            merged_into__isnull=True,
            nir_digest=nir_digest(value),
            organisation__in=organisations_of(grants_for(principal)),
            organisation__contact_settings__nir_allowed=True,
        ).select_related("organisation"),
    )


def nir_search_allowed(principal: Any) -> bool:
    """Whether one of the principal's organisations allows the NIR (the search form)."""
    return ContactSettings.objects.filter(
        organisation__in=organisations_of(grants_for(principal)), nir_allowed=True
    ).exists()


def citizen_record_of(principal: Any, pk: Any) -> CitizenRecord:
    """One record the principal may see (its own organisation or a consent), else 404."""
    return get_visible_or_404(
        principal,
        CitizenRecord.objects.select_related("organisation", "preferred_channel", "merged_into"),
        pk=pk,
    )


def shared_categories(principal: Any, citizen: CitizenRecord) -> frozenset[str]:
    """What the principal may read of the record: everything in its organisation;
    elsewhere the categories of the active consents covering one of their organisations
    (« identity » included in every consent the capture form makes)."""
    from parvis.contacts.identity import works_in

    if works_in(principal, citizen.organisation_id):
        return frozenset(DataCategory.values)
    consents = CitizenConsent.objects.active().filter(
        citizen=citizen, organisations__in=organisations_of(grants_for(principal))
    )
    return frozenset(code for consent in consents for code in consent.categories)


def citizen_contact_points(
    principal: Any, citizen: CitizenRecord
) -> list[tuple[ContactPoint, str]]:
    """The record's contact points the principal may see, with their values decrypted
    (and who noted a phone number's SMS consent or withdrawal)."""
    points = (
        visible_to(principal, ContactPoint.objects.filter(citizen=citizen))
        .select_related("sms_consent_channel", "sms_consent_by", "sms_opt_out_by")
        .order_by("kind", "pk")
    )
    return [(p, _decrypted(p.value_encrypted)) for p in points]


def citizen_file_numbers(principal: Any, citizen: CitizenRecord) -> QuerySet[CitizenFileNumber]:
    return visible_to(principal, CitizenFileNumber.objects.filter(citizen=citizen)).order_by(
        "kind", "value"
    )


def citizen_consents(principal: Any, citizen: CitizenRecord) -> QuerySet[CitizenConsent]:
    """The record's consents (all of them for its organisation; the active ones covering
    them for another organisation)."""
    return (
        visible_to(principal, CitizenConsent.objects.filter(citizen=citizen))
        .select_related("captured_channel", "captured_by", "withdrawn_by")
        .prefetch_related("organisations")
        .order_by("-captured_at", "-pk")
    )


def citizen_nir_masked(principal: Any, citizen: CitizenRecord) -> str:
    """The NIR masked but for its last 3 characters, for principals of the record's
    organisation only ("" otherwise or when none is stored)."""
    from parvis.contacts.identity import mask_nir, works_in

    if not citizen.nir_encrypted or not works_in(principal, citizen.organisation_id):
        return ""
    return mask_nir(_decrypted(citizen.nir_encrypted))


def contact_settings_of(organisation_id: int) -> ContactSettings:
    """The organisation's settings (an unsaved row of defaults when none)."""
    return ContactSettings.objects.filter(organisation_id=organisation_id).first() or (
        ContactSettings(organisation_id=organisation_id)
    )


def linked_records(principal: Any, citizen: CitizenRecord) -> list[CitizenRecord]:
    """The same person's records in other organisations whose timeline a consent shares
    with one of the principal's organisations: same names and birth date, same NIR or a
    contact point with the same digest. One query."""
    grants = grants_for(principal)
    if not grants and not is_platform_admin(principal):
        return []
    match = Q(
        contact_points__value_digest__in=ContactPoint.objects.filter(citizen=citizen).values(
            "value_digest"
        )
    )
    if citizen.identity_digest:
        match |= Q(identity_digest=citizen.identity_digest)
    if citizen.nir_digest:
        match |= Q(nir_digest=citizen.nir_digest)
    shared = CitizenConsent.objects.active().filter(
        organisations__in=organisations_of(grants), shares_timeline=True
    )
    return list(
        CitizenRecord.objects.filter(match, pk__in=shared.values("citizen"), merged_into=None)
        .exclude(organisation_id=citizen.organisation_id)
        .select_related("organisation")
        .distinct()
    )


# --- Timeline (360°) ----------------------------------------------------------------------

TIMELINE_PAGE = 50
# Ties on the same instant sort by kind, then id (the cursor's order).
KIND_RANK = {"experience": 3, "call": 2, "message": 1, "conversation": 0}


@dataclass(frozen=True)
class TimelineItem:
    """One line of the timeline. ``kind``: conversation (``visit`` is a counter
    conversation), message, call or experience; ``at`` its time; ``channel`` and
    ``motif`` labels; ``text`` a masked excerpt (never an original); ``conversation``
    the conversation it belongs to (a link when the principal may open it);
    ``organisation`` the owner of the record it comes from (another one when shared by
    consent)."""

    kind: str
    pk: int
    at: dt.datetime
    label: str
    channel: str
    motif: str
    text: str
    conversation: Conversation | None
    organisation: Organisation | None
    direction: str = ""

    @property
    def cursor(self) -> str:
        return f"{self.at.isoformat()}~{KIND_RANK[self.kind]}~{self.pk}"

    @property
    def is_visit(self) -> bool:
        return self.conversation is not None and self.conversation.channel_id == "guichet"


@dataclass(frozen=True)
class TimelinePage:
    items: list[TimelineItem]
    next_cursor: str  # "" at the end


def parse_timeline_cursor(value: str | None) -> tuple[dt.datetime, int, int] | None:
    """``"<ISO time>~<kind rank>~<id>"`` → its parts; ``None`` for an absent or unreadable
    cursor (the first page)."""
    if not value:
        return None
    try:
        at, rank, pk = value.split("~")
        moment = dt.datetime.fromisoformat(at)
        if moment.tzinfo is None:
            return None
        return moment, int(rank), int(pk)
    except ValueError:
        return None


def _before(time_field: str, rank: int, cursor: tuple[dt.datetime, int, int] | None) -> Q:
    if cursor is None:
        return Q()
    at, cursor_rank, pk = cursor
    condition = Q(**{f"{time_field}__lt": at})
    if rank < cursor_rank:
        condition |= Q(**{time_field: at})
    elif rank == cursor_rank:
        condition |= Q(**{time_field: at, "pk__lt": pk})
    return condition


def _excerpt(text: str, length: int = 280) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _call_duration(seconds: int) -> str:
    """« Durée : 3 min 05 s »."""
    return f"Durée : {with_unit(str(seconds // 60), 'min')}{NO_BREAK_SPACE}" + with_unit(
        f"{seconds % 60:02d}", "s"
    )


def citizen_timeline(
    principal: Any,
    citizen: CitizenRecord,
    *,
    channel: str | None = None,
    motif: str | None = None,
    before: str | None = None,
    limit: int = TIMELINE_PAGE,
) -> TimelinePage:
    """The citizen's 360° history as the principal may see it, newest first.

    Every conversation (a counter visit is a ``guichet`` conversation), message (masked
    text) and call of the record — and of the same person's records in other
    organisations that share their timeline with the principal by consent
    (``linked_records``) — that ``visible_to`` lets through, plus, for principals of the
    record's organisation only, the public experiences the citizen joined to the record
    (published masked text only, from the publication read model). ``channel`` (a
    channel slug) and ``motif`` (a motif slug) filter; ``before`` is the ``next_cursor``
    of the previous page. A bounded number of queries whatever the history's length (the
    visible conversations' ids, one per kind, plus the scoping's: 8 for 500
    interactions). The desk renders it with
    ``contacts/_timeline.html`` (context: ``record_views.timeline_context``).
    """
    from parvis.contacts.identity import works_in

    limit = max(1, min(limit, 200))
    cursor = parse_timeline_cursor(before)
    records = [citizen.pk] + [r.pk for r in linked_records(principal, citizen)]
    own = works_in(principal, citizen.organisation_id)
    if not own and DataCategory.TIMELINE not in shared_categories(principal, citizen):
        records = records[1:]  # the record's own history is not shared with them
        if not records:
            return TimelinePage([], "")
    take = limit + 1
    # The conversations the principal may see are the permission check of the whole
    # timeline: messages and calls are scoped exactly as their conversation (same paths and
    # relations), so they are read by conversation id, without repeating the scoping joins.
    visible_ids = list(
        visible_to(principal, Conversation.objects.filter(citizen__in=records)).values_list(
            "pk", flat=True
        )
    )
    conversations = Conversation.objects.filter(pk__in=visible_ids)
    messages = Message.objects.filter(conversation_id__in=visible_ids).exclude(
        direction=Direction.NOTE
    )
    calls = Call.objects.filter(conversation_id__in=visible_ids, started_at__isnull=False)
    if channel:
        conversations = conversations.filter(channel_id=channel)
        messages = messages.filter(channel_id=channel)
        calls = calls if channel == "telephone" else calls.none()
    if motif:
        conversations = conversations.filter(motif__slug=motif)
        messages = messages.filter(conversation__motif__slug=motif)
        calls = calls.filter(conversation__motif__slug=motif)
    labels = _channel_labels()
    items: list[TimelineItem] = []
    shown = {
        c.pk: c
        for c in conversations.filter(_before("created_at", 0, cursor))
        .select_related(*_TIMELINE_CONVERSATION_RELATED)
        .order_by("-created_at", "-pk")[:take]
    }
    for conversation in shown.values():
        items.append(
            TimelineItem(
                kind="conversation",
                pk=conversation.pk,
                at=conversation.created_at,
                label=_conversation_label(conversation),
                channel=labels.get(conversation.channel_id, ""),
                motif=conversation.motif.label if conversation.motif else "",
                text=conversation.get_outcome_display() if conversation.outcome else "",
                conversation=conversation,
                organisation=conversation.organisation,
            )
        )
    # Messages and calls are read narrow (no joins, no encrypted body): the conversations
    # they belong to come from the page above, the few others in one more query.
    message_rows = list(
        messages.filter(_before("created_at", 1, cursor))
        .only(
            "pk",
            "conversation_id",
            "direction",
            "channel_id",
            "created_at",
            "body_masked",
            "subject",
        )
        .annotate(has_text=ExpressionWrapper(~Q(body_encrypted=""), output_field=BooleanField()))
        .order_by("-created_at", "-pk")[:take]
    )
    call_rows = list(
        calls.filter(_before("started_at", 2, cursor))
        .only("pk", "conversation_id", "started_at", "answered_at", "ended_at")
        .order_by("-started_at", "-pk")[:take]
    )
    owners = {m.conversation_id for m in message_rows} | {c.conversation_id for c in call_rows}
    missing = owners - shown.keys()
    if missing:
        shown.update(
            (c.pk, c)
            for c in Conversation.objects.filter(pk__in=missing).select_related(
                *_TIMELINE_CONVERSATION_RELATED
            )
        )
    for message in message_rows:
        owner = shown[message.conversation_id]
        items.append(
            TimelineItem(
                kind="message",
                pk=message.pk,
                at=message.created_at,
                label=str(message.get_direction_display()),
                channel=labels.get(message.channel_id, ""),
                motif=owner.motif.label if owner.motif else "",
                text=_excerpt(message.body_masked)
                or ("(texte en cours de masquage)" if message.has_text else message.subject),
                conversation=owner,
                organisation=owner.organisation,
                direction=message.direction,
            )
        )
    for call in call_rows:
        assert call.started_at is not None and call.conversation_id is not None
        owner = shown[call.conversation_id]
        seconds = (
            int((call.ended_at - call.answered_at).total_seconds())
            if call.ended_at and call.answered_at
            else None
        )
        items.append(
            TimelineItem(
                kind="call",
                pk=call.pk,
                at=call.started_at,
                label="Appel décroché" if call.answered_at else "Appel sans réponse",
                channel="Téléphone",
                motif=owner.motif.label if owner.motif else "",
                text=_call_duration(seconds) if seconds else "",
                conversation=owner,
                organisation=owner.organisation,
            )
        )
    if own:  # the citizen joined it to this organisation's record: a consent never carries it
        items.extend(_linked_experiences(citizen, channel, motif, cursor, take))
    items.sort(key=lambda i: (i.at, KIND_RANK[i.kind], i.pk), reverse=True)
    page = items[:limit]
    return TimelinePage(page, page[-1].cursor if len(items) > limit else "")


_TIMELINE_CONVERSATION_RELATED = ("motif", "organisation", "site")

# Channels are reference data (five rows, relabelled by an admin at most): kept a minute.
channel_labels_memo = ProcessMemo("channel-labels", ttl=60.0)


def _channel_labels() -> dict[str, str]:
    return channel_labels_memo.get(
        "labels", lambda: dict(Channel.objects.values_list("slug", "label"))
    )


def _conversation_label(conversation: Conversation) -> str:
    if conversation.channel_id == "guichet":
        where = f" – {conversation.site.name}" if conversation.site else ""
        return f"Visite au guichet{where}"
    return f"Conversation {conversation.reference} ({conversation.get_status_display()})"


def _linked_experiences(
    citizen: CitizenRecord,
    channel: str | None,
    motif: str | None,
    cursor: tuple[dt.datetime, int, int] | None,
    take: int,
) -> list[TimelineItem]:
    """Published experiences the citizen linked to this record (their masked public text;
    an unpublished or withdrawn one is no longer in the read model, so it disappears)."""
    from parvis.publication.models import PublicExperience

    uuids = CitizenExperienceLink.objects.filter(citizen=citizen).values("experience_uuid")
    experiences = PublicExperience.objects.filter(uuid__in=uuids)
    if channel:
        experiences = experiences.filter(channel_id=channel)
    if motif:
        experiences = experiences.filter(motif__slug=motif)
    rows = (
        experiences.filter(_before("published_at", 3, cursor))
        .select_related("channel", "motif", "organisation")
        .order_by("-published_at", "-pk")[:take]
    )
    return [
        TimelineItem(
            kind="experience",
            pk=e.pk,
            at=e.published_at,
            label=f"Expérience publiée : {e.title}" if e.title else "Expérience publiée",
            channel=e.channel.label if e.channel else "",
            motif=e.motif.label if e.motif else "",
            text=_excerpt(e.text),
            conversation=None,
            organisation=e.organisation,
        )
        for e in rows
    ]


def timeline_filter_choices(citizen: CitizenRecord) -> tuple[list[Channel], list[tuple[str, str]]]:
    """Channels and motifs (slug, label) offered by the timeline's filters."""
    channels = list(Channel.objects.order_by("position", "slug"))
    motifs = list(
        Motif.objects.filter(organisation_id=citizen.organisation_id, is_active=True)
        .order_by("position", "label")
        .values_list("slug", "label")
    )
    return channels, motifs


# --- Duplicates, merges, access log, export -------------------------------------------------


DUPLICATE_GROUP_MAX = 20  # records of one group compared pairwise (20 → 190 pairs)


@dataclass(frozen=True)
class DuplicateProposal:
    first: CitizenRecord
    second: CitizenRecord
    reasons: tuple[str, ...]


def duplicate_proposals(
    principal: Any, *, organisation: Organisation | None = None, limit: int = 100
) -> list[DuplicateProposal]:
    """Pairs of records of one organisation that look like the same person: same names
    and birth date (identity digest), same NIR, or a conversation of one coming from a
    contact point (email, phone) of the other. Only organisations the principal works in
    (a merge is theirs to make); pairs an agent declared distinct are left out."""
    own = CitizenRecord.objects.filter(
        organisation__in=organisations_of(grants_for(principal)), merged_into=None
    )
    if is_platform_admin(principal):
        own = CitizenRecord.objects.filter(merged_into=None)
    if organisation is not None:
        own = own.filter(organisation=organisation)
    pairs: dict[tuple[int, int], set[str]] = {}

    def add(a: int, b: int, reason: str) -> None:
        if a != b:
            pairs.setdefault((min(a, b), max(a, b)), set()).add(reason)

    for field, reason in (
        ("identity_digest", "Mêmes nom, prénom et date de naissance"),
        ("nir_digest", "Même NIR"),
    ):
        groups: dict[tuple[int, str], list[int]] = {}
        for pk, org_id, value in (
            own.exclude(**{field: ""})
            .order_by(field, "pk")
            .values_list("pk", "organisation_id", field)
        ):
            groups.setdefault((org_id, value), []).append(pk)
        # Every pair of a group (not only its first record against the others): a pair
        # declared distinct must not hide the other pairs of the same group.
        for ids in groups.values():
            ids = ids[:DUPLICATE_GROUP_MAX]
            for index, one in enumerate(ids):
                for other in ids[index + 1 :]:
                    add(one, other, reason)
    crossing = (
        Conversation.objects.filter(citizen__in=own, contact_point__citizen__in=own)
        .exclude(citizen=F("contact_point__citizen"))
        .values_list("citizen_id", "contact_point__citizen_id", "contact_point__kind")
        .distinct()[:1000]
    )
    for a, b, kind in crossing:
        add(a, b, "Même courriel" if kind == ContactKind.EMAIL else "Même numéro de téléphone")
    distinct = set(
        CitizenDistinctPair.objects.filter(first__in=own, second__in=own).values_list(
            "first_id", "second_id"
        )
    )
    keys = sorted(set(pairs) - distinct)[:limit]
    records = CitizenRecord.objects.in_bulk({pk for key in keys for pk in key})
    return [
        DuplicateProposal(records[a], records[b], tuple(sorted(pairs[(a, b)])))
        for a, b in keys
        if a in records and b in records
    ]


def distinct_pairs_for(principal: Any, *, limit: int = 100) -> QuerySet[CitizenDistinctPair]:
    """The pairs declared distinct the principal may undo (organisations they work in),
    newest first."""
    return (
        visible_to(
            principal,
            CitizenDistinctPair.objects.filter(
                organisation__in=organisations_of(grants_for(principal))
            ),
        )
        .select_related("first", "second", "dismissed_by")
        .order_by("-dismissed_at", "-pk")[:limit]
    )


def distinct_pair_of(principal: Any, pk: Any) -> CitizenDistinctPair:
    return get_visible_or_404(
        principal, CitizenDistinctPair.objects.select_related("first", "second"), pk=pk
    )


def citizen_merges(principal: Any, citizen: CitizenRecord) -> QuerySet[CitizenMerge]:
    return (
        visible_to(principal, CitizenMerge.objects.filter(Q(survivor=citizen) | Q(merged=citizen)))
        .select_related("survivor", "merged", "merged_by", "undone_by")
        .order_by("-merged_at", "-pk")
    )


def record_accesses(principal: Any, citizen: CitizenRecord) -> QuerySet[RecordAccess]:
    """Who consulted the record, newest first: for the organisation's admins
    (``VIEW_AUDIT``) only."""
    return (
        visible_to(principal, RecordAccess.objects.filter(citizen=citizen), Perm.VIEW_AUDIT)
        .select_related("agent")
        .order_by("-window_start", "-pk")
    )


def citizen_record_export(principal: Any, citizen: CitizenRecord) -> dict[str, Any]:
    """The whole record for a citizen's right-of-access request (record, contact points,
    file numbers, timeline, consents, access log), for the organisation's admins. The
    NIR is never exported (only whether one is stored)."""
    timeline: list[TimelineItem] = []
    cursor = ""
    while True:
        page = citizen_timeline(principal, citizen, before=cursor or None, limit=200)
        timeline.extend(page.items)
        cursor = page.next_cursor
        if not cursor:
            break
    return {
        "fiche": {
            "numero": citizen.pk,
            "organisme": citizen.organisation.name,
            "prenom": citizen.first_name,
            "nom": citizen.last_name,
            "nom_affiche": citizen.display_name,
            "date_de_naissance": citizen.birth_date.isoformat() if citizen.birth_date else None,
            "canal_prefere": citizen.preferred_channel.label if citizen.preferred_channel else None,
            "langue_preferee": citizen.get_preferred_language_display(),
            "besoins_accessibilite": citizen.accessibility_labels(),
            # The NIR itself is never exported: only whether one is stored.
            "nir_enregistre": bool(citizen.nir_digest),
            "creee_le": citizen.created_at.isoformat(),
            "dernier_contact": citizen.last_contact_at.isoformat()
            if citizen.last_contact_at
            else None,
        },
        "coordonnees": [
            {"type": p.get_kind_display(), "valeur": value}
            for p, value in citizen_contact_points(principal, citizen)
        ],
        "numeros_de_dossier": [
            {"type": n.get_kind_display(), "numero": n.value}
            for n in citizen_file_numbers(principal, citizen)
        ],
        "historique": [
            {
                "date": item.at.isoformat(),
                "nature": item.label,
                "canal": item.channel,
                "motif": item.motif,
                "texte": item.text,
                "organisme": item.organisation.name if item.organisation else "",
            }
            for item in timeline
        ],
        "consentements": [
            {
                "finalite": c.get_purpose_display(),
                "organismes": [o.name for o in c.organisations.all()],
                "donnees": c.category_labels(),
                "recueilli_le": c.captured_at.isoformat(),
                "canal": c.captured_channel.label,
                "recueilli_par": c.captured_by.get_full_name() if c.captured_by else None,
                "expire_le": c.expires_at.isoformat(),
                "retire_le": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in citizen_consents(principal, citizen)
        ],
        "consultations": [
            {
                "agent": a.agent.get_full_name(),
                "fenetre": a.window_start.isoformat(),
                "derniere": a.last_seen_at.isoformat(),
            }
            for a in record_accesses(principal, citizen)
        ],
    }


# --- The citizen's own side: joining a published experience to their record --------------
#
# A signed-in citizen is not an agent: ``visible_to`` gives them no record. What they may
# act on is found by their proven address instead (``accounts.selectors.verified_email``),
# through the contact points' keyed digest (nothing is decrypted).


def citizen_records_of_account(user: Any, *, organisation_id: int) -> QuerySet[CitizenRecord]:
    """The organisation's records (merged ones left out) holding an email contact point
    equal to the account's proven address; none when the address is not proven."""
    from parvis.accounts.selectors import verified_email
    from parvis.contacts.identity import contact_digest

    email = verified_email(user)
    if not email:
        return CitizenRecord.objects.none()
    points = ContactPoint.objects.filter(
        organisation_id=organisation_id,
        kind=ContactKind.EMAIL,
        value_digest=contact_digest(ContactKind.EMAIL, email),
        citizen__isnull=False,
    )
    return CitizenRecord.objects.filter(
        organisation_id=organisation_id,
        merged_into__isnull=True,
        pk__in=points.values("citizen_id"),
    ).order_by("pk")


def experience_links_of(experience_uuid: Any) -> QuerySet[CitizenExperienceLink]:
    """Where the experience is joined (oldest first): the caller has proven that the
    experience is the acting citizen's own (``voice.selectors.experience_of_author``)."""
    return CitizenExperienceLink.objects.filter(experience_uuid=experience_uuid).order_by(
        "linked_at", "pk"
    )


# --- Queues' calendars (read by the hub's deadlines and routing's wallboard) ----------------

# Deadlines in business time for these channels, in working days for the others.
BUSINESS_TIME_CHANNELS = frozenset({"telephone", "chat"})


# Every contact queued reads its queue's calendar (two rows: the site and its commune).
# Kept by the ids that decide it; saving a site in this process clears it
# (``ContactsConfig.ready``).
queue_place_memo = ProcessMemo("queue-places", ttl=60.0)


def place_of_queue(queue: Queue) -> Place:
    """The queue's site (owner) or the site whose calendar it names, else its
    département, else the metropolitan calendar (the national triage queue)."""
    return queue_place_memo.get(
        (queue.site_id, queue.calendar_site_id, queue.departement_id),
        lambda: _place_of_queue(queue),
    )


def _place_of_queue(queue: Queue) -> Place:
    site = queue.site or queue.calendar_site
    if site is not None:
        return servicelevels.place_of_site(site)
    if queue.departement_id:
        return servicelevels.place_of_departement(str(queue.departement_id))
    return METROPOLITAN


# ``place_of_queue``'s département as one SQL expression (a commune always has one), for
# reads of many queues that need their calendar (time zone, public holidays) and not
# their sites' opening hours: annotate it rather than load two sites per queue.
QUEUE_CALENDAR_DEPARTEMENT = Coalesce(
    "site__commune__departement_id",
    "calendar_site__commune__departement_id",
    "departement_id",
)


def calendar_of_queue(departement_code: str | None) -> Place:
    """The place of a queue whose ``QUEUE_CALENDAR_DEPARTEMENT`` is ``departement_code``:
    the time zone and holidays of ``place_of_queue(queue)``, without the site's hours."""
    if departement_code:
        return servicelevels.place_of_departement(str(departement_code))
    return METROPOLITAN
