"""Back office of the contact hub (espace agents › contacts): conversations, queues and
the counter visit. Every read goes through ``contacts.selectors`` (scoped): outside
scope → 404; anonymous → login redirect."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from parvis.accounts.models import Membership, User
from parvis.contacts import selectors
from parvis.contacts.errors import ContactError
from parvis.contacts.forms import ChatReplyForm, ConversationFilterForm, VisitForm
from parvis.contacts.models import OPEN_STATUSES, Conversation, Status
from parvis.contacts.services.chat import chat_reply
from parvis.contacts.services.visits import visit_record
from parvis.core.breadcrumb import breadcrumb
from parvis.core.french import duration
from parvis.core.pagination import paginate
from parvis.directory import servicelevels


def duration_fr(delta: dt.timedelta) -> str:
    """« 3 min », « 2 h 05 », « 4 j 3 h »: a waiting time read at a glance, never broken
    across two lines."""
    return duration(delta.total_seconds(), with_seconds=False)


@dataclass(frozen=True)
class DeadlineStanding:
    """The one deadline a conversation is judged against, what it is for and how it
    stands: the date shown next to a badge is always the date the badge judges."""

    due: dt.datetime
    kind: str  # « première réponse » or « résolution »
    label: str
    badge: str  # DSFR badge modifier: fr-badge--<badge>


def _standing(due: dt.datetime, start: dt.datetime, now: dt.datetime) -> servicelevels.Lateness:
    """Late once ``due`` is past; at risk in the last fifth of the span from ``start``."""
    if now >= due:
        return servicelevels.Lateness.LATE
    span = max((due - start).total_seconds(), 1.0)
    return servicelevels.lateness(
        (now - start).total_seconds(), at_risk_from=0.8 * span, late_from=span
    )


def deadline_standing(conversation: Conversation, now: dt.datetime) -> DeadlineStanding | None:
    """The deadline that matters now for an open conversation: the first answer's while
    none was given, then the resolution's. Without a resolution deadline, an answered
    conversation shows its first answer's deadline as met (« répondu dans les délais ») or
    not (« répondu en retard »)."""
    if conversation.status not in OPEN_STATUSES:
        return None
    # The span runs from arrival: a conversation put back in its queue keeps its deadlines.
    arrived = conversation.created_at
    first_due, answered = conversation.first_answer_due_at, conversation.first_answered_at
    if first_due is not None and answered is None:
        late = _standing(first_due, arrived, now)
        return DeadlineStanding(first_due, "première réponse", str(late.label), late.badge)
    if conversation.resolution_due_at is not None:
        late = _standing(conversation.resolution_due_at, arrived, now)
        return DeadlineStanding(
            conversation.resolution_due_at, "résolution", str(late.label), late.badge
        )
    if first_due is not None and answered is not None:
        met = answered <= first_due
        return DeadlineStanding(
            first_due,
            "première réponse",
            "répondu dans les délais" if met else "répondu en retard",
            "success" if met else "error",
        )
    return None


def conversation_row(conversation: Conversation, now: dt.datetime) -> dict[str, Any]:
    """A conversation as the lists, its page and the desk show it: its wait while queued,
    the deadline that matters now (``deadline``, whose date and badge never disagree)."""
    waiting = None
    if conversation.status == Status.QUEUED and conversation.queued_at:
        waiting = duration_fr(now - conversation.queued_at)
    deadline = deadline_standing(conversation, now)
    return {
        "conversation": conversation,
        "waiting": waiting,
        # The date the acknowledgement promised the citizen (the organisation's or the
        # motif's commitment), beside the queue's own first-answer target, which is
        # stricter: a conversation « late » on the target may still be within the promise.
        "announced": conversation.announced_deadline
        if conversation.status in OPEN_STATUSES
        else None,
        # ``due`` and ``lateness`` come from the same deadline: they never disagree.
        "deadline": deadline,
        "due": deadline.due
        if deadline
        else conversation.resolution_due_at or conversation.first_answer_due_at,
    }


@never_cache
@login_required
def conversation_list(request: HttpRequest) -> HttpResponse:
    queues = selectors.queues_for(request.user).filter(is_active=True)
    form = ConversationFilterForm(
        request.GET or None,
        queues=queues,
        organisations=selectors.filter_organisations_for(request.user),
    )
    filters = selectors.ConversationFilters()
    invalid = form.is_bound and not form.is_valid()
    if form.is_bound and not invalid:
        data = form.cleaned_data
        filters = selectors.ConversationFilters(
            queue=data["file"],
            channel=data["canal"].slug if data["canal"] else "",
            status=data["statut"],
            takeable=data["a_prendre"],
            **form.drill_down(),
        )
    conversations = selectors.conversations_for_list(request.user, filters)
    # Invalid filters list nothing: every conversation under a filter that seems applied
    # would mislead (a drill-down's figure against the whole scope).
    page = paginate(request, conversations.none() if invalid else conversations)
    now = timezone.now()
    return render(
        request,
        "contacts/backoffice/conversation_list.html",
        {
            "title": "Conversations",
            "form": form,
            "page_obj": page,
            "rows": [conversation_row(c, now) for c in page.object_list],
            "has_criteria": form.has_criteria(),
            "invalid": invalid,
            "drill_down": form.drill_down_summary(),
            "takeable": filters.takeable,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def conversation_detail(request: HttpRequest, reference: str) -> HttpResponse:
    conversation = selectors.conversation_for(request.user, reference)
    is_chat = conversation.channel_id == "chat" and bool(conversation.thread_key)
    may_reply = is_chat and conversation.is_open and selectors.can_reply(request.user, conversation)
    reply_form = ChatReplyForm() if may_reply else None
    status = 200
    if request.method == "POST":
        if reply_form is None:
            raise PermissionDenied
        reply_form = ChatReplyForm(request.POST)
        if reply_form.is_valid():
            try:
                chat_reply(
                    principal=request.user,
                    conversation=conversation,
                    text=reply_form.cleaned_data["text"],
                )
            except ContactError as error:
                reply_form.add_error("text", error.message)
            else:
                messages.success(request, "Votre réponse a été envoyée.")
                return redirect("contacts_backoffice:conversation_detail", conversation.reference)
        status = 400
    now = timezone.now()
    return render(
        request,
        "contacts/backoffice/conversation_detail.html",
        {
            "title": f"Conversation {conversation.reference}",
            "breadcrumb": breadcrumb(
                ("Conversations", reverse("contacts_backoffice:conversation_list"))
            ),
            "conversation": conversation,
            "row": conversation_row(conversation, now),
            "messages_list": selectors.conversation_messages(conversation),
            "transitions": conversation.transitions.select_related("actor").order_by(
                "created_at", "id"
            ),
            "reply_form": reply_form,
        },
        status=status,
    )


@never_cache
@login_required
def queue_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    loads = [
        {
            "load": load,
            "oldest": duration_fr(now - load.oldest_wait_since) if load.oldest_wait_since else "—",
        }
        for load in selectors.queue_loads(request.user)
    ]
    return render(
        request,
        "contacts/backoffice/queue_list.html",
        {"title": "Files d’attente", "loads": loads},
    )


def _default_site(request: HttpRequest, sites: Any) -> Any:
    user = cast(User, request.user)
    own = Membership.objects.filter(user=user, site__isnull=False).values("site")
    return sites.filter(pk__in=own).first() or (sites.first() if sites.count() == 1 else None)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def visit_record_view(request: HttpRequest) -> HttpResponse:
    sites = selectors.visit_sites_for(request.user)
    if not sites.exists():
        raise PermissionDenied
    prior = None
    prior_ref = request.GET.get("conversation") or request.POST.get("conversation") or ""
    if prior_ref:
        prior = selectors.conversation_for(request.user, prior_ref)
    # From a citizen record (« Enregistrer une visite » on its page): the visit joins it.
    citizen = None
    citizen_ref = request.GET.get("usager") or request.POST.get("usager") or ""
    if citizen_ref:
        citizen = selectors.citizen_record_of(request.user, citizen_ref)
        sites = sites.filter(organisation_id=citizen.organisation_id)
        if not sites.exists():
            raise PermissionDenied
    default_site = _default_site(request, sites)
    form = VisitForm(
        request.POST or None,
        sites=sites,
        motifs=selectors.visit_motifs_for(sites),
        initial={"site": default_site, "motif": prior.motif if prior else None},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                visit = visit_record(
                    principal=request.user,
                    site=data["site"],
                    motif=data["motif"],
                    outcome=data["outcome"],
                    minutes=data["minutes"],
                    documents=form.document_labels(),
                    conversation=prior,
                    note=data["note"],
                    display_name=data["visitor"],
                    citizen=citizen,
                )
            except ContactError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request, f"La visite est enregistrée sous la référence {visit.reference}."
                )
                return redirect("contacts_backoffice:visit_record")
        status = 400
    return render(
        request,
        "contacts/backoffice/visit_form.html",
        {"title": "Enregistrer une visite", "form": form, "prior": prior, "citizen": citizen},
        status=status,
    )
