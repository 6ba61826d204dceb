"""Pages of the agent desk (espace agents › poste de travail): my conversations, the
queues I take from, a conversation with its actions, and the HTML fragments the page
refetches on each live event. Thin: reads through ``desk.selectors`` (outside scope →
404), writes through ``desk.services`` (refusals → French messages)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from parvis.contacts.backoffice_views import conversation_row
from parvis.contacts.models import Conversation, Status
from parvis.contacts.record_views import deferred_timeline_context
from parvis.contacts.selectors import citizen_record_of, motifs_for_conversation
from parvis.contacts.services.records import record_access_note
from parvis.core.breadcrumb import breadcrumb
from parvis.desk import selectors, services, switches
from parvis.desk.errors import DeskError
from parvis.desk.forms import (
    CallbackForm,
    EscalateForm,
    HandoffForm,
    MotifForm,
    NoteForm,
    PriorityForm,
    ReplyForm,
    ResolveForm,
    TransferForm,
)
from parvis.routing import agent_selectors, selectors_callbacks
from parvis.routing.errors import RoutingError
from parvis.routing.models import EntryState
from parvis.routing.services import offers as offer_services
from parvis.routing.services import presence as presence_services

HOME_TITLE = "Poste de travail"


def _require_desk(request: HttpRequest) -> None:
    if not selectors.has_desk(request.user):
        raise PermissionDenied


def _conversation(request: HttpRequest, reference: str) -> Conversation:
    try:
        return selectors.conversation_for_desk(request.user, reference)
    except DeskError as error:
        raise Http404 from error


def _lists(request: HttpRequest) -> dict[str, Any]:
    now = timezone.now()
    return {
        "offers": [
            {"conversation": c, "entry": e, "expires_at": e.offer_expires_at}
            for c, e in agent_selectors.offers_for(request.user)
        ],
        "escalations": agent_selectors.escalations_for(request.user)
        .filter(state=EntryState.WAITING)
        .count(),
        "presence": agent_selectors.presence_of(request.user),
        "presence_choices": agent_selectors.presence_choices(),
        "presence_reasons": agent_selectors.presence_reason_choices(),
        "mine": [conversation_row(c, now) for c in selectors.my_conversations(request.user)],
        "waiting": [
            conversation_row(c, now) for c in selectors.waiting_conversations(request.user)
        ],
        "queues": list(selectors.takeable_queues(request.user).order_by("name")),
    }


@never_cache
@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    _require_desk(request)
    return render(request, "desk/home.html", {"title": HOME_TITLE, **_lists(request)})


def _list_fragment(template: str) -> Callable[[HttpRequest], HttpResponse]:
    """A list of the desk's home alone (refreshed in place by the page's script)."""

    @never_cache
    @login_required
    @require_GET
    def view(request: HttpRequest) -> HttpResponse:
        _require_desk(request)
        return render(request, template, _lists(request))

    return view


fragment_mine = _list_fragment("desk/_mine.html")
fragment_waiting = _list_fragment("desk/_waiting.html")
fragment_offers = _list_fragment("desk/_offers.html")


@never_cache
@login_required
def take(request: HttpRequest, reference: str) -> HttpResponse:
    conversation = _conversation(request, reference)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.conversation_take(principal=request.user, conversation=conversation)
    except DeskError as error:
        if error.status == 404:
            raise Http404 from error
        messages.error(request, error.message)
        return redirect("desk:home")
    messages.success(request, f"Vous avez pris en charge la conversation {reference}.")
    return redirect("desk:conversation", reference)


@never_cache
@login_required
@require_POST
def presence(request: HttpRequest) -> HttpResponse:
    """The agent's own availability (routing offers contacts to available agents)."""
    _require_desk(request)
    try:
        presence_services.presence_set(
            user=request.user,
            presence=request.POST.get("presence", ""),
            reason=request.POST.get("reason", ""),
        )
    except RoutingError as error:
        messages.error(request, error.message)
        return redirect("desk:home")
    state = agent_selectors.presence_of(request.user)
    label = state.get_presence_display() if state else ""
    messages.success(request, f"Vous êtes maintenant : {label}.")
    return redirect("desk:home")


@never_cache
@login_required
def offer_answer(request: HttpRequest, reference: str) -> HttpResponse:
    """Accept (``decision=accepter``) or let go (``refuser``) a conversation offered."""
    conversation = _conversation(request, reference)
    if request.method != "POST":  # after the scope check: outside it, 404
        return HttpResponseNotAllowed(["POST"])
    decision = request.POST.get("decision")
    try:
        if decision == "accepter":
            offer_services.offer_accept(user=request.user, conversation=conversation)
        elif decision == "refuser":
            offer_services.offer_decline(user=request.user, conversation=conversation)
        else:
            messages.error(request, "Choisissez d’accepter ou de refuser la proposition.")
            return redirect("desk:home")
    except RoutingError as error:
        messages.error(request, error.message)
        return redirect("desk:home")
    if decision == "refuser":
        messages.info(request, f"La conversation {reference} est proposée à un autre agent.")
        return redirect("desk:home")
    messages.success(request, f"Vous avez pris en charge la conversation {reference}.")
    return redirect("desk:conversation", reference)


# --- The conversation page -----------------------------------------------------------------


def _conversation_context(
    request: HttpRequest, conversation: Conversation, **forms: Any
) -> dict[str, Any]:
    user = request.user
    can_reply = selectors.can_reply(user, conversation)
    options = switches.reply_options(conversation) if can_reply and conversation.is_open else []
    templates = list(selectors.reply_templates(conversation)) if options else []
    chosen = None
    if request.method == "GET" and request.GET.get("modele", "").isdigit():
        chosen = next((t for t in templates if t.pk == int(request.GET["modele"])), None)
    channels = _written_channels(options)
    callback_possible = any(o.available and o.switch.callback for o in options)
    reply_form = forms.get("reply") or (
        ReplyForm(
            channels=channels,
            initial={
                "channel": conversation.channel_id,
                "text": chosen.body if chosen else "",
                "template": chosen.pk if chosen else None,
            },
        )
        if channels
        else None
    )
    can_transfer_out = conversation.is_open and selectors.can_transfer_out(user, conversation)
    messages_list, hidden = selectors.conversation_messages(conversation)
    timeline = _timeline(request, conversation)
    context_routing = agent_selectors.decision_rows(conversation)
    return {
        "routing_decisions": context_routing,
        # Only a conversation flagged for a call back can have one (no query otherwise).
        "callback_card": selectors_callbacks.desk_card(user, conversation)
        if conversation.callback_requested
        else None,
        "title": f"Conversation {conversation.reference}",
        "breadcrumb": breadcrumb((HOME_TITLE, reverse("desk:home"))),
        "conversation": conversation,
        "row": conversation_row(conversation, timezone.now()),
        "messages_list": messages_list,
        "hidden_messages": hidden,
        "can_reply": can_reply,
        "can_take": conversation.status == Status.QUEUED
        and selectors.takeable_queues(user).filter(pk=conversation.queue_id or 0).exists(),
        "reply_options": options,
        "templates": templates,
        "chosen_template": chosen,
        "reply_form": reply_form,
        "callback_form": forms.get("callback")
        or (
            CallbackForm()
            if callback_possible and not selectors.callback_pending(conversation)
            else None
        ),
        "note_form": forms.get("note") or (NoteForm() if can_reply else None),
        "transfer_form": forms.get("transfer")
        or (
            TransferForm(queues=selectors.transfer_queues(user, conversation))
            if can_reply and conversation.is_open
            else None
        ),
        "handoff_form": forms.get("handoff")
        or (
            HandoffForm(organisations=selectors.handoff_organisations(conversation))
            if can_transfer_out
            else None
        ),
        "escalate_form": forms.get("escalate")
        or (
            EscalateForm()
            if can_reply
            and conversation.is_open
            and agent_selectors.escalation_position(conversation.queue_id) is not None
            else None
        ),
        "resolve_form": forms.get("resolve")
        or (
            ResolveForm(channel=conversation.channel_id)
            if can_reply and conversation.is_open
            else None
        ),
        "motif_form": forms.get("motif")
        or (
            MotifForm(
                motifs=motifs_for_conversation(conversation, principal=user),
                organisation_id=conversation.organisation_id,
                initial={"motif": conversation.motif_id},
            )
            if can_reply and conversation.is_open
            else None
        ),
        "priority_form": forms.get("priority")
        or (
            PriorityForm(
                initial={
                    "urgency": conversation.urgency_confirmed,
                    "vulnerability_reason": conversation.vulnerability_reason
                    if conversation.vulnerability_source
                    else "",
                    "source": conversation.vulnerability_source or "confirmed",
                }
            )
            if can_reply and conversation.is_open
            else None
        ),
        **timeline,
    }


def _written_channels(options: list[switches.ReplyOption]) -> list[tuple[str, str]]:
    """The channels the reply form offers: those that send a text now (a call back has
    its own form)."""
    return [
        (o.switch.channel, o.switch.label) for o in options if o.available and not o.switch.callback
    ]


def _timeline(request: HttpRequest, conversation: Conversation) -> dict[str, Any]:
    """The citizen's timeline beside the conversation, when it has a record the agent
    may see (the consultation joins the record's access log). Its items load just after
    the page, so a long history never slows the conversation down."""
    if conversation.citizen_id is None:
        return {}
    try:
        citizen = citizen_record_of(request.user, conversation.citizen_id)
    except Http404:
        return {}
    record_access_note(agent=request.user, citizen=citizen)
    return deferred_timeline_context(citizen)


@never_cache
@login_required
@require_GET
def conversation(request: HttpRequest, reference: str) -> HttpResponse:
    found = _conversation(request, reference)
    return render(request, "desk/conversation.html", _conversation_context(request, found))


@never_cache
@login_required
@require_GET
def fragment_conversation(request: HttpRequest, reference: str) -> HttpResponse:
    found = _conversation(request, reference)
    messages_list, hidden = selectors.conversation_messages(found)
    return render(
        request,
        "desk/_live.html",
        {
            "conversation": found,
            "row": conversation_row(found, timezone.now()),
            "messages_list": messages_list,
            "hidden_messages": hidden,
        },
    )


def _refused(
    request: HttpRequest, conversation: Conversation, error: DeskError, form: Any, key: str
) -> HttpResponse:
    if error.status == 404:
        raise Http404 from error
    if error.status == 403:
        raise PermissionDenied from error
    if error.field and error.field in form.fields:
        form.add_error(error.field, error.message)
    else:
        form.add_error(None, error.message)
    return render(
        request,
        "desk/conversation.html",
        _conversation_context(request, conversation, **{key: form}),
        status=409 if error.status == 409 else 400,
    )


def _invalid(request: HttpRequest, conversation: Conversation, form: Any, key: str) -> HttpResponse:
    return render(
        request,
        "desk/conversation.html",
        _conversation_context(request, conversation, **{key: form}),
        status=400,
    )


def _done(request: HttpRequest, conversation: Conversation, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("desk:conversation", conversation.reference)


@never_cache
@login_required
def reply(request: HttpRequest, reference: str) -> HttpResponse:
    found = _conversation(request, reference)
    if request.method != "POST":  # after the scope check: outside it, 404
        return HttpResponseNotAllowed(["POST"])
    options = switches.reply_options(found)
    form = ReplyForm(
        request.POST,
        channels=_written_channels(options) or [(found.channel_id, found.channel.label)],
    )
    if not form.is_valid():
        return _invalid(request, found, form, "reply")
    data = form.cleaned_data
    template = None
    if data["template"]:
        template = selectors.reply_templates(found).filter(pk=data["template"]).first()
    try:
        services.desk_reply(
            principal=request.user,
            conversation=found,
            channel=data["channel"],
            text=data["text"],
            template=template,
        )
    except DeskError as error:
        return _refused(request, found, error, form, "reply")
    return _done(request, found, "Votre réponse est envoyée.")


@never_cache
@login_required
def callback(request: HttpRequest, reference: str) -> HttpResponse:
    """« Demander un rappel »: the deliberate action that puts the conversation back in
    its queue for a call (nothing is sent to the citizen)."""
    found = _conversation(request, reference)
    if request.method != "POST":  # after the scope check: outside it, 404
        return HttpResponseNotAllowed(["POST"])
    form = CallbackForm(request.POST)
    if not form.is_valid():
        return _invalid(request, found, form, "callback")
    try:
        services.desk_callback_request(
            principal=request.user, conversation=found, note=form.cleaned_data["callback_note"]
        )
    except DeskError as error:
        return _refused(request, found, error, form, "callback")
    messages.success(
        request,
        f"Le rappel de la conversation {found.reference} est demandé : elle est remise dans "
        "sa file, où un agent rappellera l’usager.",
    )
    return redirect("desk:home")


@never_cache
@login_required
def note(request: HttpRequest, reference: str) -> HttpResponse:
    found = _conversation(request, reference)
    if request.method != "POST":  # after the scope check: outside it, 404
        return HttpResponseNotAllowed(["POST"])
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _invalid(request, found, form, "note")
    try:
        services.desk_note(
            principal=request.user, conversation=found, text=form.cleaned_data["note"]
        )
    except DeskError as error:
        return _refused(request, found, error, form, "note")
    return _done(request, found, "La note interne est enregistrée.")


@never_cache
@login_required
def transfer(request: HttpRequest, reference: str) -> HttpResponse:
    found = _conversation(request, reference)
    if request.method != "POST":  # after the scope check: outside it, 404
        return HttpResponseNotAllowed(["POST"])
    form = TransferForm(request.POST, queues=selectors.transfer_queues(request.user, found))
    if not form.is_valid():
        return _invalid(request, found, form, "transfer")
    try:
        services.desk_transfer_queue(
            principal=request.user,
            conversation=found,
            queue=form.cleaned_data["queue"],
            note=form.cleaned_data["transfer_note"],
        )
    except DeskError as error:
        return _refused(request, found, error, form, "transfer")
    messages.success(
        request, f"La conversation est transférée vers « {form.cleaned_data['queue'].name} »."
    )
    return redirect("desk:home")


@never_cache
@login_required
def handoff(request: HttpRequest, reference: str) -> HttpResponse:
    found = _conversation(request, reference)
    if request.method != "POST":  # after the scope check: outside it, 404
        return HttpResponseNotAllowed(["POST"])
    if not selectors.can_transfer_out(request.user, found):
        raise PermissionDenied
    form = HandoffForm(request.POST, organisations=selectors.handoff_organisations(found))
    if not form.is_valid():
        return _invalid(request, found, form, "handoff")
    try:
        linked = services.desk_transfer_out(
            principal=request.user,
            conversation=found,
            organisation=form.cleaned_data["organisation"],
            note=form.cleaned_data["handoff_note"],
        )
    except DeskError as error:
        return _refused(request, found, error, form, "handoff")
    return _done(
        request,
        found,
        f"La conversation est transmise à {form.cleaned_data['organisation'].name} "
        f"(référence {linked.reference}).",
    )


@never_cache
@login_required
def escalate(request: HttpRequest, reference: str) -> HttpResponse:
    """Ask the queue's level-2 referents at once (the France Services escalation)."""
    found = _conversation(request, reference)
    if request.method != "POST":  # after the scope check: outside it, 404
        return HttpResponseNotAllowed(["POST"])
    form = EscalateForm(request.POST)
    if not form.is_valid():
        return _invalid(request, found, form, "escalate")
    try:
        services.desk_escalate(
            principal=request.user,
            conversation=found,
            reason=form.cleaned_data["escalation_reason"],
        )
    except DeskError as error:
        return _refused(request, found, error, form, "escalate")
    messages.success(
        request,
        f"La conversation {found.reference} est remontée au niveau 2 : elle est proposée "
        "aux référents des partenaires.",
    )
    return redirect("desk:home")


@never_cache
@login_required
def resolve(request: HttpRequest, reference: str) -> HttpResponse:
    found = _conversation(request, reference)
    if request.method != "POST":  # after the scope check: outside it, 404
        return HttpResponseNotAllowed(["POST"])
    form = ResolveForm(request.POST, channel=found.channel_id)
    if not form.is_valid():
        return _invalid(request, found, form, "resolve")
    try:
        services.desk_resolve(
            principal=request.user, conversation=found, outcome=form.cleaned_data["outcome"]
        )
    except DeskError as error:
        return _refused(request, found, error, form, "resolve")
    messages.success(request, f"La conversation {found.reference} est résolue.")
    return redirect("desk:home")


@never_cache
@login_required
def release(request: HttpRequest, reference: str) -> HttpResponse:
    found = _conversation(request, reference)
    if request.method != "POST":  # after the scope check: outside it, 404
        return HttpResponseNotAllowed(["POST"])
    try:
        services.conversation_release_to_queue(principal=request.user, conversation=found)
    except DeskError as error:
        if error.status == 404:
            raise Http404 from error
        if error.status == 403:
            raise PermissionDenied from error
        messages.error(request, error.message)
        return redirect("desk:conversation", found.reference)
    messages.success(request, f"La conversation {found.reference} est remise en file.")
    return redirect("desk:home")


@never_cache
@login_required
def priority(request: HttpRequest, reference: str) -> HttpResponse:
    found = _conversation(request, reference)
    if request.method != "POST":  # after the scope check: outside it, 404
        return HttpResponseNotAllowed(["POST"])
    form = PriorityForm(request.POST)
    if not form.is_valid():
        return _invalid(request, found, form, "priority")
    try:
        services.desk_priority_inputs(
            principal=request.user,
            conversation=found,
            urgency=form.cleaned_data["urgency"],
            vulnerability_reason=form.cleaned_data["vulnerability_reason"],
            source=form.cleaned_data["source"],
        )
    except DeskError as error:
        return _refused(request, found, error, form, "priority")
    return _done(request, found, "L’urgence et la situation de fragilité sont enregistrées.")


@never_cache
@login_required
def motif(request: HttpRequest, reference: str) -> HttpResponse:
    found = _conversation(request, reference)
    if request.method != "POST":  # after the scope check: outside it, 404
        return HttpResponseNotAllowed(["POST"])
    form = MotifForm(
        request.POST,
        motifs=motifs_for_conversation(found, principal=request.user),
        organisation_id=found.organisation_id,
    )
    if not form.is_valid():
        return _invalid(request, found, form, "motif")
    try:
        services.desk_requalify(
            principal=request.user, conversation=found, motif=form.cleaned_data["motif"]
        )
    except DeskError as error:
        return _refused(request, found, error, form, "motif")
    return _done(request, found, "Le motif est corrigé.")
