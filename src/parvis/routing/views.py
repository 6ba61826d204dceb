"""Pages of the supervision wallboard (espace agents › supervision): every routed queue
the supervisor sees with its live state and figures, a queue's agents (presence and
current work, no ranking) and waiting contacts, and the supervisors' actions.

Thin: reads through ``routing.selectors`` (a queue outside the scope → 404; in scope
without ``Perm.SUPERVISE`` → 403), writes through ``routing.services.supervision``
(refusals → French messages, then back to the page). A queue's « Réglages » (its policy
and tiers) and « Compétences des agents » pages read ``routing.selectors_settings`` and
write through ``routing.services.configuration``: a bad input is a 400 with the page's
error summary naming the fields. The live part of each page is an
HTML fragment the page refetches on each WebSocket event (``ws/routage/supervision/``).
"""

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
from django.views.decorators.http import require_GET

from parvis.accounts.scoping import Perm, has_permission, visible_to
from parvis.contacts.models import Queue
from parvis.core import french
from parvis.core.breadcrumb import breadcrumb
from parvis.routing import agent_selectors, selectors, selectors_settings
from parvis.routing.errors import RoutingError
from parvis.routing.forms import (
    REMOVE,
    AgentChoiceForm,
    MoveForm,
    PolicyForm,
    PresenceForm,
    PriorityForm,
    SkillLevelForm,
    TierForm,
    TierMoveForm,
)
from parvis.routing.models import Presence
from parvis.routing.services import configuration, supervision

TITLE = "Supervision"
# The presences shown as columns, in the order a supervisor reads them.
# (presence, one, several): « 1 absent », « 2 absents ».
PRESENCE_COLUMNS = (
    (Presence.AVAILABLE, "disponible", "disponibles"),
    (Presence.BUSY, "occupé", "occupés"),
    (Presence.WRAP_UP, "en après-contact", "en après-contact"),
    (Presence.BREAK, "en pause", "en pause"),
    (Presence.AWAY, "absent", "absents"),
    (Presence.OFFLINE, "hors ligne", "hors ligne"),
)


# --- Display -------------------------------------------------------------------------------


def percent(value: float | None) -> str:
    """« 83 % » (French spacing), « — » without data."""
    return "—" if value is None else french.percent(value, 0)


def seconds_fr(value: float | None) -> str:
    """« 45 s », « 3 min 05 », « 1 h 12 », « 12 j 6 h » (on one line); « — » without data."""
    return "—" if value is None else french.duration(value)


def target_fr(policy: Any) -> str:
    share = percent(policy.service_level_share)
    if policy.service_level_working_days is not None:
        return f"{share} en {french.working_days(policy.service_level_working_days)}"
    return f"{share} en {french.with_unit(str(policy.service_level_seconds or 0), 's')}"


def _period(period: selectors.Period) -> dict[str, Any]:
    return {
        "service_level": percent(period.service_level),
        "abandon_rate": percent(period.abandon_rate),
        "handling": seconds_fr(period.handling_seconds),
        "entered": period.entered,
        "answered": period.answered,
        "short_abandons": period.short_abandons,
        # The ratio's terms, so a level reads with its base (« 0 % » of one late email
        # answered today, in a queue nobody entered today).
        "within": period.answered_within,
        "counted": period.answered + period.abandoned_after_threshold,
    }


def board_row(board: selectors.QueueBoard) -> dict[str, Any]:
    return {
        "board": board,
        "queue": board.queue,
        "target": target_fr(board.policy),
        "longest_wait": seconds_fr(board.longest_wait_seconds),
        "presence": [
            (one if board.presence.get(value, 0) == 1 else several, board.presence.get(value, 0))
            for value, one, several in PRESENCE_COLUMNS
        ],
        "day": _period(board.day),
        "recent": _period(board.recent),
        "alerts": board.alert_labels,
        "breaks_target": any(
            code.startswith("service_level") or code == "waiting_past_target"
            for code in board.alerts
        ),
    }


# --- Access --------------------------------------------------------------------------------


def _require_supervisor(request: HttpRequest) -> None:
    if not has_permission(request.user, Perm.SUPERVISE):
        raise PermissionDenied


def _queue(request: HttpRequest, queue_id: int) -> Queue:
    """A supervised queue; a queue the person sees without supervising it: 403; any
    other: 404."""
    try:
        return selectors.queue_for_supervisor(request.user, queue_id)
    except RoutingError as error:
        seen = visible_to(request.user, Queue.objects.filter(pk=queue_id, policy__isnull=False))
        if seen.exists():
            raise PermissionDenied from error
        raise Http404 from error


# --- Pages ---------------------------------------------------------------------------------


def _wallboard_context(request: HttpRequest) -> dict[str, Any]:
    boards = selectors.wallboard(request.user)
    return {
        "rows": [board_row(board) for board in boards],
        "presence_columns": [several for _, _one, several in PRESENCE_COLUMNS],
        "now": timezone.now(),
    }


@never_cache
@login_required
@require_GET
def wallboard(request: HttpRequest) -> HttpResponse:
    _require_supervisor(request)
    context = {"title": TITLE, **_wallboard_context(request)}
    return render(request, "routing/wallboard.html", context)


@never_cache
@login_required
@require_GET
def fragment_wallboard(request: HttpRequest) -> HttpResponse:
    _require_supervisor(request)
    return render(request, "routing/_wallboard.html", _wallboard_context(request))


def _queue_context(request: HttpRequest, queue: Queue) -> dict[str, Any]:
    boards = selectors.wallboard(request.user, queue_id=queue.pk)
    agents = selectors.queue_agents(queue)
    return {
        "queue": queue,
        "policy": queue.policy,
        "row": board_row(boards[0]) if boards else None,
        "presence_columns": [several for _, _one, several in PRESENCE_COLUMNS],
        "agents": agents,
        "entries": selectors.waiting_entries(queue),
        "other_queues": list(
            selectors.supervised_queues(request.user).exclude(pk=queue.pk).order_by("name")
        ),
        "forceable": [(value, Presence(value).label) for value in supervision.FORCEABLE],
        "reasons": list(supervision.PRIORITY_REASONS.items()),
        "now": timezone.now(),
    }


@never_cache
@login_required
@require_GET
def queue_detail(request: HttpRequest, queue_id: int) -> HttpResponse:
    queue = _queue(request, queue_id)
    context = {
        "title": f"Supervision : {queue.name}",
        "candidates": list(selectors.member_candidates(request.user, queue)[:200]),
        "tiers": selectors.queue_tiers(queue),
        "escalation": agent_selectors.escalation_position(queue.pk) is not None,
        **_queue_context(request, queue),
    }
    return render(request, "routing/queue.html", context)


@never_cache
@login_required
@require_GET
def fragment_queue(request: HttpRequest, queue_id: int) -> HttpResponse:
    queue = _queue(request, queue_id)
    return render(request, "routing/_queue_live.html", _queue_context(request, queue))


# --- Actions -------------------------------------------------------------------------------


def _act(
    request: HttpRequest,
    queue_id: int,
    action: Callable[[Queue], str],
    *,
    back_to: str = "routing:queue",
) -> HttpResponse:
    """Scope (404), then role (403), then method (405); the action's refusal becomes a
    French message and the supervisor goes back to ``back_to`` (the queue's page, or its
    settings for a tier's move or removal)."""
    queue = _post_only(request, queue_id)
    if isinstance(queue, HttpResponse):
        return queue
    try:
        done = action(queue)
    except RoutingError as error:
        _raise_out_of_scope(error)
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(back_to, queue.pk)


def _raise_out_of_scope(error: RoutingError) -> None:
    """A refusal for scope (404) or role (403) is that status, as the pages' reads give;
    any other is the caller's to show."""
    if error.status == 404:
        raise Http404 from error
    if error.status == 403:
        raise PermissionDenied from error


def _first_error(form: Any) -> str:
    """The first error with its field's label (« Motif : ce champ est obligatoire. »): the
    message shows at the top of the page, away from the field."""
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        if field is None or not field.label:
            return f"{errors[0]}"
        message = str(errors[0])
        return f"{field.label} : {message[:1].lower()}{message[1:]}"
    return "Le formulaire est invalide."


class _Invalid(RoutingError):
    pass


def _valid(form: Any) -> dict[str, Any]:
    if not form.is_valid():
        raise _Invalid("invalid", _first_error(form))
    return dict(form.cleaned_data)


@never_cache
@login_required
def queue_pause(request: HttpRequest, queue_id: int) -> HttpResponse:
    def action(queue: Queue) -> str:
        supervision.queue_pause(principal=request.user, queue_id=queue.pk)
        return f"La file « {queue.name} » est en pause : ses contacts gardent leur place."

    return _act(request, queue_id, action)


@never_cache
@login_required
def queue_resume(request: HttpRequest, queue_id: int) -> HttpResponse:
    def action(queue: Queue) -> str:
        supervision.queue_resume(principal=request.user, queue_id=queue.pk)
        return f"La file « {queue.name} » reprend."

    return _act(request, queue_id, action)


@never_cache
@login_required
def member_add(request: HttpRequest, queue_id: int) -> HttpResponse:
    def action(queue: Queue) -> str:
        data = _valid(AgentChoiceForm(request.POST))
        supervision.member_add(principal=request.user, queue_id=queue.pk, user_id=data["user"])
        return "L’agent est ajouté à la file."

    return _act(request, queue_id, action)


@never_cache
@login_required
def member_remove(request: HttpRequest, queue_id: int, user_id: int) -> HttpResponse:
    def action(queue: Queue) -> str:
        supervision.member_remove(principal=request.user, queue_id=queue.pk, user_id=user_id)
        return "L’agent est retiré de la file."

    return _act(request, queue_id, action)


@never_cache
@login_required
def member_move(request: HttpRequest, queue_id: int, user_id: int) -> HttpResponse:
    def action(queue: Queue) -> str:
        data = _valid(MoveForm(request.POST))
        supervision.member_move(
            principal=request.user,
            from_queue_id=queue.pk,
            to_queue_id=data["queue"],
            user_id=user_id,
        )
        return "L’agent est déplacé vers l’autre file."

    return _act(request, queue_id, action)


@never_cache
@login_required
def agent_presence(request: HttpRequest, queue_id: int, user_id: int) -> HttpResponse:
    def action(queue: Queue) -> str:
        data = _valid(PresenceForm(request.POST))
        if not queue.members.filter(user_id=user_id).exists():
            raise RoutingError("not_found", "Agent introuvable.", status=404)
        state = supervision.agent_force_presence(
            principal=request.user, user_id=user_id, presence=data["presence"]
        )
        return f"La présence de l’agent est maintenant « {state.get_presence_display()} »."

    return _act(request, queue_id, action)


@never_cache
@login_required
def priority(request: HttpRequest, queue_id: int, reference: str) -> HttpResponse:
    def action(queue: Queue) -> str:
        data = _valid(PriorityForm(request.POST))
        supervision.priority_change(
            principal=request.user,
            queue_id=queue.pk,
            reference=reference,
            bonus=data["bonus"],
            reason=data["reason"],
        )
        return f"La priorité du contact {reference} est modifiée."

    return _act(request, queue_id, action)


# --- A queue's settings, tiers and agents' skills ----------------------------------------------


def _show_refusal(
    form: Any, error: RoutingError, field_of: Callable[[str], Any] | None = None
) -> None:
    """A service's refusal next to the fields it names (or on the whole form); out of
    scope, the status the other pages give."""
    _raise_out_of_scope(error)
    pairs = error.field_errors or (("", error.message),)
    for field, message in pairs:
        name = field_of(field) if field_of is not None else field
        form.add_error(name if name in form.fields else None, message)


def _queue_crumbs(queue: Queue) -> list[tuple[str, str]]:
    return [
        (TITLE, reverse("routing:wallboard")),
        (queue.name, reverse("routing:queue", args=[queue.pk])),
    ]


def _policy_form(request: HttpRequest, queue: Queue, data: Any = None) -> PolicyForm:
    return PolicyForm(
        data,
        queues=selectors.overflow_targets(request.user, queue),
        skills=selectors_settings.skill_choices(),
        policy=queue.policy,
        initial=PolicyForm.initial_of(queue.policy),
    )


def _tier_form(
    queue: Queue, principal: Any, *, prefix: str, data: Any = None, tier: Any = None
) -> TierForm:
    return TierForm(
        data,
        prefix=prefix,
        sites=selectors_settings.tier_site_choices(queue, principal),
        organisations=selectors_settings.tier_organisation_choices(queue),
        initial=TierForm.initial_of(tier) if tier is not None else {"min_level": 1},
    )


def _render_settings(
    request: HttpRequest,
    queue: Queue,
    *,
    form: PolicyForm | None = None,
    bound_tier: tuple[int | None, TierForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The settings page; ``form`` or ``bound_tier`` (a tier's id, ``None`` for a new
    one, and its form) as posted when refused."""
    tiers = []
    for tier in selectors_settings.tiers_of(queue):
        if bound_tier is not None and bound_tier[0] == tier.pk:
            tier_form = bound_tier[1]
        else:
            tier_form = _tier_form(queue, request.user, prefix=f"tier-{tier.pk}", tier=tier)
        tiers.append((tier, tier_form))
    new_tier = (
        bound_tier[1]
        if bound_tier is not None and bound_tier[0] is None
        else _tier_form(queue, request.user, prefix="new-tier")
    )
    context = {
        "title": f"Réglages de la file : {queue.name}",
        "breadcrumb": breadcrumb(*_queue_crumbs(queue), current="Réglages de la file"),
        "queue": queue,
        "policy": queue.policy,
        "form": form or _policy_form(request, queue),
        "tiers": tiers,
        "new_tier": new_tier,
        "unit": selectors_settings.service_level_unit(queue),
    }
    return render(request, "routing/queue_settings.html", context, status=status)


@never_cache
@login_required
def queue_settings(request: HttpRequest, queue_id: int) -> HttpResponse:
    """« Réglages de la file »: the policy's settings, and its tiers below."""
    queue = _queue(request, queue_id)
    if request.method == "GET":
        return _render_settings(request, queue)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    form = _policy_form(request, queue, request.POST)
    if form.is_valid():
        try:
            configuration.policy_update(
                principal=request.user, queue_id=queue.pk, changes=form.changes()
            )
        except RoutingError as error:
            _show_refusal(form, error, form.field_of)
        else:
            messages.success(request, "Les réglages de la file sont enregistrés.")
            return redirect("routing:queue_settings", queue.pk)
    return _render_settings(request, queue, form=form, status=400)


def _post_only(request: HttpRequest, queue_id: int) -> Queue | HttpResponse:
    """Scope (404), then role (403), then method (405): the queue, or the 405."""
    queue = _queue(request, queue_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return queue


def _tier_data(form: TierForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "min_wait_seconds": data["min_wait_seconds"],
        "min_level": data["min_level"],
        "sites": list(data["sites"]),
        "organisations": list(data["organisations"]),
    }


@never_cache
@login_required
def tier_add(request: HttpRequest, queue_id: int) -> HttpResponse:
    queue = _post_only(request, queue_id)
    if isinstance(queue, HttpResponse):
        return queue
    form = _tier_form(queue, request.user, prefix="new-tier", data=request.POST)
    if form.is_valid():
        try:
            tier = configuration.tier_add(
                principal=request.user, queue_id=queue.pk, **_tier_data(form)
            )
        except RoutingError as error:
            _show_refusal(form, error)
        else:
            messages.success(request, f"Le palier {tier.position} est ajouté.")
            return redirect("routing:queue_settings", queue.pk)
    return _render_settings(request, queue, bound_tier=(None, form), status=400)


@never_cache
@login_required
def tier_update(request: HttpRequest, queue_id: int, tier_id: int) -> HttpResponse:
    queue = _post_only(request, queue_id)
    if isinstance(queue, HttpResponse):
        return queue
    tier = _in_scope(lambda: selectors_settings.tier_of(queue, tier_id))
    form = _tier_form(queue, request.user, prefix=f"tier-{tier.pk}", data=request.POST, tier=tier)
    if form.is_valid():
        try:
            configuration.tier_update(
                principal=request.user, queue_id=queue.pk, tier_id=tier.pk, **_tier_data(form)
            )
        except RoutingError as error:
            _show_refusal(form, error)
        else:
            messages.success(request, f"Le palier {tier.position} est enregistré.")
            return redirect("routing:queue_settings", queue.pk)
    return _render_settings(request, queue, bound_tier=(tier.pk, form), status=400)


def _in_scope(read: Callable[[], Any]) -> Any:
    try:
        return read()
    except RoutingError as error:
        if error.status == 404:
            raise Http404 from error
        raise


def _tier_act(request: HttpRequest, queue_id: int, action: Callable[[Queue], str]) -> HttpResponse:
    """A tier's move or removal: a refusal (already first) is a message on the page."""
    return _act(request, queue_id, action, back_to="routing:queue_settings")


@never_cache
@login_required
def tier_move(request: HttpRequest, queue_id: int, tier_id: int) -> HttpResponse:
    def action(queue: Queue) -> str:
        data = _valid(TierMoveForm(request.POST))
        tier = configuration.tier_move(
            principal=request.user,
            queue_id=queue.pk,
            tier_id=tier_id,
            up=data["direction"] == "up",
        )
        return f"Le palier est maintenant le palier {tier.position}."

    return _tier_act(request, queue_id, action)


@never_cache
@login_required
def tier_delete(request: HttpRequest, queue_id: int, tier_id: int) -> HttpResponse:
    def action(queue: Queue) -> str:
        configuration.tier_delete(principal=request.user, queue_id=queue.pk, tier_id=tier_id)
        return "Le palier est supprimé ; les suivants remontent d’un rang."

    return _tier_act(request, queue_id, action)


def _skill_form(request: HttpRequest, queue: Queue, data: Any = None) -> SkillLevelForm:
    members = queue.members.values("user_id")
    return SkillLevelForm(
        data,
        agents=selectors_settings.skill_agents(request.user)
        .filter(pk__in=members)
        .order_by("full_name", "email"),
        skills=selectors_settings.skill_choices(),
    )


@never_cache
@login_required
def queue_skills(request: HttpRequest, queue_id: int) -> HttpResponse:
    """« Compétences des agents »: the queue's members with their skills and levels;
    the supervisor sets, changes or removes those of the agents of their scope."""
    queue = _queue(request, queue_id)
    status = 200
    if request.method == "POST":
        form = _skill_form(request, queue, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            level = data["level"]
            try:
                configuration.agent_skill_set(
                    principal=request.user,
                    user_id=data["user"].pk,
                    skill_id=data["skill"].pk,
                    level=None if level == REMOVE else level,
                )
            except RoutingError as error:
                _show_refusal(form, error)
            else:
                name = data["user"].get_full_name() or data["user"].email
                skill = selectors_settings.skill_label(data["skill"])
                messages.success(
                    request,
                    f"{name} n’a plus la compétence « {skill} »."
                    if level == REMOVE
                    else f"{name} a maintenant la compétence « {skill} » au niveau {level}.",
                )
                return redirect("routing:queue_skills", queue.pk)
        status = 400
    elif request.method == "GET":
        form = _skill_form(request, queue)
    else:
        return HttpResponseNotAllowed(["GET", "POST"])
    context = {
        "title": f"Compétences des agents : {queue.name}",
        "breadcrumb": breadcrumb(*_queue_crumbs(queue), current="Compétences des agents"),
        "queue": queue,
        "policy": queue.policy,
        "form": form,
        "rows": selectors_settings.queue_skill_rows(request.user, queue),
        "remove": REMOVE,
    }
    return render(request, "routing/queue_skills.html", context, status=status)
