"""Back office of simplification requests (espace agents › simplification).

Quality managers (``Perm.MANAGE_QUALITY``: quality managers and organisation admins) of
the request's organisation moderate, study and decide; platform moderators moderate
every organisation's requests. Outside scope → 404; in scope without the role → 403.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from parvis.accounts.models import User
from parvis.accounts.scoping import Perm, can_moderate, get_visible_or_404, require_permission
from parvis.core.breadcrumb import Breadcrumb, breadcrumb
from parvis.core.crypto import DecryptionError
from parvis.core.pagination import paginate
from parvis.simplification import selectors, services, workflow
from parvis.simplification.forms import MaskingForm, TransitionForm
from parvis.simplification.models import STATUS_PUBLIC_CODES, SimplificationRequest, Status
from parvis.simplification.services import SimplificationError


def _breadcrumb(current: str, *, with_queue: bool = True) -> Breadcrumb:
    if not with_queue:
        return breadcrumb(current=current)
    queue_url = reverse("simplification_backoffice:queue")
    return breadcrumb(("Demandes de simplification", queue_url), current=current)


def _managed_request(request: HttpRequest, reference: str) -> SimplificationRequest:
    queryset = SimplificationRequest.objects.select_related(
        "organisation", "theme", "motif", "proposer_user"
    )
    if can_moderate(request.user):  # platform moderators and admins: every organisation
        found = queryset.filter(reference=reference).first()
        if found is not None:
            return found
    found = get_visible_or_404(request.user, queryset, reference=reference)
    require_permission(request.user, Perm.MANAGE_QUALITY, found)
    return found


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    if not selectors.may_use_backoffice(request.user):
        raise PermissionDenied
    # The URL speaks the public codes (``?statut=recue``), as the public list does.
    status = STATUS_PUBLIC_CODES.internal(request.GET.get("statut", "")) or ""
    queryset = selectors.requests_for_backoffice(
        request.user, status=status or None, open_only=not status
    )
    counts = selectors.counts_by_status(selectors.requests_for_backoffice(request.user))
    filters = [("", "À traiter", None, not status)] + [
        (STATUS_PUBLIC_CODES.public(code), label, counts.get(code, 0), code == status)
        for code, label in Status.choices
    ]
    return render(
        request,
        "simplification/backoffice/queue.html",
        {
            "title": "Demandes de simplification à traiter",
            "page_obj": paginate(request, queryset),
            "filters": filters,
            "breadcrumb": _breadcrumb("Demandes de simplification", with_queue=False),
        },
    )


def _transition_form(
    simplification: SimplificationRequest, user: Any, data: Any = None
) -> TransitionForm | None:
    choices = []
    moderation = False
    for step in workflow.LIFECYCLE.moves_from(simplification.status):
        moderation = moderation or step.name in workflow.MODERATION_MOVES
        if step.guard(user, simplification):
            choices.append((step.target, f"{Status(step.target).label} — {step.label}"))
    if not choices:
        return None
    return TransitionForm(
        data, statuses=choices, moderation=moderation, initial={"status": choices[0][0]}
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, reference: str) -> HttpResponse:
    simplification = _managed_request(request, reference)
    user = cast(User, request.user)  # login_required
    transition_form = _transition_form(simplification, user)
    may_moderate = services.can_moderate(user, simplification)
    masking_form = None
    if may_moderate and simplification.masked_at is not None:
        masking_form = MaskingForm(
            initial={
                "procedure_name": simplification.procedure_name,
                "difficulty": simplification.difficulty,
                "proposal": simplification.proposal,
            }
        )
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "transition" and transition_form is not None:
                transition_form = _transition_form(simplification, user, request.POST)
                assert transition_form is not None
                if transition_form.is_valid():
                    data = transition_form.cleaned_data
                    to_status = data["status"]
                    services.simplification_request_transition(
                        request=simplification,
                        to_status=to_status,
                        actor=user,
                        comment=data.get("comment", ""),
                        reason=data.get("decline_reason") or data.get("rejection_reason") or "",
                        explanation=data.get("explanation", ""),
                    )
                    messages.success(
                        request,
                        f"La demande {simplification.reference} est "
                        f"désormais « {Status(to_status).label} ».",
                    )
                    return redirect("simplification_backoffice:detail", simplification.reference)
                status = 400
            elif action == "masking" and masking_form is not None:
                masking_form = MaskingForm(request.POST)
                if masking_form.is_valid():
                    services.simplification_request_correct_masking(
                        request=simplification,
                        actor=user,
                        **masking_form.cleaned_data,
                    )
                    messages.success(request, "Les textes publiés ont été corrigés.")
                    return redirect("simplification_backoffice:detail", simplification.reference)
                status = 400
            else:
                raise PermissionDenied
        except SimplificationError as error:
            form = transition_form if action == "transition" else masking_form
            if form is not None:
                field = error.field if error.field in form.fields else None
                if error.field == "reason" and "decline_reason" in form.fields:
                    field = "decline_reason"
                elif error.field == "reason" and "rejection_reason" in form.fields:
                    field = "rejection_reason"
                form.add_error(field, error.message)
            status = 400
    try:
        originals = services.original_texts(simplification) if may_moderate else {}
    except DecryptionError:
        originals = {}
    return render(
        request,
        "simplification/backoffice/detail.html",
        {
            "title": f"Demande {simplification.reference}",
            "simplification": simplification,
            "originals": originals,
            "history": simplification.history.select_related("actor").order_by("created_at", "id"),
            "transition_form": transition_form,
            "masking_form": masking_form,
            "breadcrumb": _breadcrumb(simplification.reference),
        },
        status=status,
    )
