"""Pages of the supervision wallboard (espace agents › supervision): every routed queue
the supervisor sees with its live state and figures, a queue's agents (presence and
current work, no ranking) and waiting contacts, and the supervisors' actions.

Thin: reads through ``routing.selectors`` (a queue outside the scope → 404; in scope
without ``Perm.SUPERVISE`` → 403), writes through ``routing.services.supervision``
(refusals → French messages, then back to the page). The live part of each page is an
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
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from parvis.accounts.scoping import Perm, has_permission, visible_to
from parvis.contacts.models import Queue
from parvis.core import french
from parvis.routing import agent_selectors, selectors
from parvis.routing.errors import RoutingError
from parvis.routing.forms import (
    AgentChoiceForm,
    MoveForm,
    PresenceForm,
    PriorityForm,
    SettingsForm,
)
from parvis.routing.models import Presence
from parvis.routing.services import supervision

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
    policy = queue.policy
    settings_form = SettingsForm(
        queues=selectors.overflow_targets(request.user, queue),
        initial={
            "overflow_queue": policy.overflow_queue_id,
            "overflow_waiting": policy.overflow_waiting,
            "overflow_wait_seconds": policy.overflow_wait_seconds,
            "wrap_up_code_required": policy.wrap_up_code_required,
        },
    )
    context = {
        "title": f"Supervision : {queue.name}",
        "settings_form": settings_form,
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
) -> HttpResponse:
    """Scope (404), then role (403), then method (405); the action's refusal becomes a
    French message and the supervisor goes back to the queue's page."""
    queue = _queue(request, queue_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        done = action(queue)
    except RoutingError as error:
        if error.status == 404:
            raise Http404 from error
        if error.status == 403:
            raise PermissionDenied from error
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("routing:queue", queue.pk)


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
        return f"La file « {queue.name} » est en pause : ses contacts gardent leur place."

    return _act(request, queue_id, action)


@never_cache
@login_required
def queue_resume(request: HttpRequest, queue_id: int) -> HttpResponse:
    def action(queue: Queue) -> str:
        supervision.queue_resume(principal=request.user, queue_id=queue.pk)
        return f"La file « {queue.name} » reprend."

    return _act(request, queue_id, action)


@never_cache
@login_required
def queue_settings(request: HttpRequest, queue_id: int) -> HttpResponse:
    def action(queue: Queue) -> str:
        data = _valid(
            SettingsForm(request.POST, queues=selectors.overflow_targets(request.user, queue))
        )
        supervision.policy_update(principal=request.user, queue_id=queue.pk, **data)
        return "Les réglages de la file sont enregistrés."

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
        return f"La présence de l’agent est maintenant « {state.get_presence_display()} »."

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
