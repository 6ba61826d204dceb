"""Public pages of simplification requests: list, permanent page, follow-up, propose, support.

Thin adapters: forms parse input, ``services`` write, ``selectors`` read. Every refusal
(rate limit, honeypot, domain rule) re-renders the form with what the person typed and a
French message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.core.breadcrumb import Breadcrumb, breadcrumb
from parvis.core.pagination import paginate, querystring_without_page
from parvis.core.ratelimit import RateLimit, configured_limit, hit, hit_ip, refusal_message
from parvis.simplification import selectors, services
from parvis.simplification.forms import FilterForm, ProposalForm, SupportForm
from parvis.simplification.models import PUBLIC_STATUSES, SimplificationRequest, Status
from parvis.simplification.services import SimplificationError

SESSION_LAST_REFERENCE = "simplification_last_reference"


def _limit(name: str) -> tuple[int, int]:
    return configured_limit("SIMPLIFICATION_RATE_LIMITS", name)


def throttle_ip(request: HttpRequest, name: str) -> RateLimit:
    limit, window = _limit(f"{name}_ip")
    return hit_ip(request, f"simplification-{name}", limit=limit, window_seconds=window)


def throttle_email(name: str, email: str) -> RateLimit:
    limit, window = _limit(f"{name}_email")
    return hit(f"simplification-{name}:email", email, limit=limit, window_seconds=window)


def _breadcrumb(current: str, *links: tuple[str, str]) -> Breadcrumb:
    """A public trail under Demandes de simplification; ``links`` are (URL, label) pairs."""
    root = ("Demandes de simplification", reverse("simplification:list"))
    return breadcrumb(root, *((label, url) for url, label in links), current=current)


def _apply_domain_error(form: Any, error: SimplificationError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


# --- List, detail, follow-up --------------------------------------------------------------


@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    form = FilterForm(
        request.GET or None,
        organisations=selectors.organisations_with_requests(),
        years=selectors.public_years(),
    )
    status = 200
    filters: dict[str, Any] = {}
    if form.is_bound:
        if form.is_valid():
            filters = form.cleaned_data
        else:
            status = 400
    queryset = selectors.requests_for_public(
        organisation=filters.get("organisation"),
        status=filters.get("statut") or None,
        year=filters.get("annee"),
        theme=filters["theme"].pk if filters.get("theme") else None,
        q=filters.get("q", ""),
    )
    return render(
        request,
        "simplification/request_list.html",
        {
            "title": "Demandes de simplification",
            "form": form,
            "page_obj": paginate(request, queryset),
            "querystring": querystring_without_page(request),
            "has_criteria": bool(filters and any(filters.values())),
        },
        status=status,
    )


@require_GET
def request_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _render_detail(request, _public_request(reference))


def _public_request(reference: str) -> SimplificationRequest:
    try:
        return selectors.request_for_public(reference)
    except SimplificationRequest.DoesNotExist as exc:
        raise Http404("Demande introuvable.") from exc


def _render_detail(
    request: HttpRequest,
    simplification: SimplificationRequest,
    support_form: SupportForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "simplification/request_detail.html",
        {
            "title": f"{simplification.reference} — {simplification.procedure_name}",
            "simplification": simplification,
            "history": simplification.public_history,  # type: ignore[attr-defined]
            "support_form": support_form or SupportForm(),
            "breadcrumb": _breadcrumb(simplification.reference),
        },
        status=status,
    )


@require_GET
def follow_up(request: HttpRequest) -> HttpResponse:
    form = FilterForm(
        request.GET or None,
        organisations=selectors.organisations_with_requests(),
        years=selectors.public_years(),
    )
    del form.fields["statut"], form.fields["q"]
    filters: dict[str, Any] = form.cleaned_data if form.is_bound and form.is_valid() else {}
    rows = selectors.follow_up(
        organisation=filters.get("organisation"),
        year=filters.get("annee"),
        theme=filters["theme"].pk if filters.get("theme") else None,
    )
    return render(
        request,
        "simplification/follow_up.html",
        {
            "title": "Suivi des demandes de simplification par organisme et par année",
            "form": form,
            "rows": rows,
            "statuses": [(s, Status(s).label) for s in PUBLIC_STATUSES],
            "min_n": selectors.MIN_N,
            "breadcrumb": _breadcrumb("Suivi par organisme et par année"),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


# --- Propose ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {
        "title": "Proposer de simplifier une démarche",
        "breadcrumb": _breadcrumb("Proposer une simplification"),
        "is_agent": False,
    }
    if request.user.is_authenticated:
        from parvis.accounts.scoping import roles_of

        context["is_agent"] = bool(roles_of(request.user))
    if request.method != "POST":
        context["form"] = ProposalForm()
        return render(request, "simplification/propose.html", context)

    form = ProposalForm(request.POST)
    context["form"] = form
    # Validate first, as voice's forms do: a request with a typo is corrected, not
    # counted against the address (five typos locked a France Services counter out).
    if not form.is_valid():
        return render(request, "simplification/propose.html", context, status=400)
    throttled = throttle_ip(request, "propose")
    if not throttled.allowed:
        form.add_error(None, refusal_message(throttled, by_address=True))
        return render(request, "simplification/propose.html", context, status=429)
    data = form.cleaned_data
    if data["email"]:
        throttled = throttle_email("propose", data["email"])
        if not throttled.allowed:
            form.add_error(None, refusal_message(throttled, by_address=True))
            return render(request, "simplification/propose.html", context, status=429)
    try:
        created = services.simplification_request_propose(
            organisation=data["organisation"],
            procedure_name=data["procedure_name"],
            cerfa_number=data["cerfa_number"],
            motif=data["motif"],
            theme=data["theme"],
            difficulty=data["difficulty"],
            proposal=data["proposal"],
            proposer_email=data["email"],
            proposer_user=request.user if request.user.is_authenticated else None,
        )
    except SimplificationError as error:
        _apply_domain_error(form, error)
        return render(request, "simplification/propose.html", context, status=400)
    request.session[SESSION_LAST_REFERENCE] = created.reference
    return redirect("simplification:proposed")


@require_GET
def proposed(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "simplification/proposed.html",
        {
            "title": "Demande envoyée",
            "reference": request.session.get(SESSION_LAST_REFERENCE, ""),
            "breadcrumb": _breadcrumb("Demande envoyée"),
        },
    )


# --- Support ------------------------------------------------------------------------------


@require_POST
def support(request: HttpRequest, reference: str) -> HttpResponse:
    simplification = _public_request(reference)
    detail_url = reverse("simplification:detail", args=[reference])
    if not simplification.is_supportable:
        messages.error(
            request,
            "Cette demande ne peut plus être soutenue : elle a déjà reçu une réponse définitive.",
        )
        return redirect(detail_url)
    throttled = throttle_ip(request, "support")
    if request.POST.get("with_account") and request.user.is_authenticated:
        if not throttled.allowed:
            messages.error(request, refusal_message(throttled, by_address=True))
            return redirect(detail_url)
        try:
            counted = services.support_by_account(request=simplification, user=request.user)
        except SimplificationError as error:
            messages.error(request, error.message)
            return redirect(detail_url)
        messages.success(
            request,
            "Merci : votre soutien est compté."
            if counted
            else "Vous soutenez déjà cette demande : votre soutien ne compte qu’une fois.",
        )
        return redirect(detail_url)

    form = SupportForm(request.POST)
    if not throttled.allowed:
        form.is_valid()
        form.add_error(None, refusal_message(throttled, by_address=True))
        return _render_detail(request, simplification, form, status=429)
    if not form.is_valid():
        return _render_detail(request, simplification, form, status=400)
    email = form.cleaned_data["email"]
    throttled = throttle_email("support", email)
    if not throttled.allowed:
        form.add_error(None, refusal_message(throttled, by_address=True))
        return _render_detail(request, simplification, form, status=429)
    try:
        services.support_request_by_email(request=simplification, email=email)
    except SimplificationError as error:
        _apply_domain_error(form, error)
        return _render_detail(request, simplification, form, status=400)
    messages.success(
        request,
        f"Un courriel vient d’être envoyé à {email}. Ouvrez le lien qu’il contient et confirmez : "
        "votre soutien sera alors compté.",
    )
    return redirect(detail_url)


@require_http_methods(["GET", "POST"])
def support_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a confirmation button (mail scanners open links); POST counts the support."""
    context: dict[str, Any] = {"title": "Confirmer votre soutien", "token": token}
    try:
        simplification, _ = services.support_token_read(token)
    except SimplificationError as error:
        context["error"] = error.message
        return render(request, "simplification/support_confirm.html", context, status=400)
    context["simplification"] = simplification
    if request.method == "POST":
        throttled = throttle_ip(request, "support")
        if not throttled.allowed:
            context["error"] = refusal_message(throttled, by_address=True)
            return render(request, "simplification/support_confirm.html", context, status=429)
        try:
            _, counted = services.support_confirm(token=token)
        except SimplificationError as error:
            context["error"] = error.message
            return render(request, "simplification/support_confirm.html", context, status=400)
        messages.success(
            request,
            "Merci : votre soutien est compté."
            if counted
            else "Votre soutien était déjà compté : il ne compte qu’une fois par adresse.",
        )
        return redirect("simplification:detail", simplification.reference)
    return render(request, "simplification/support_confirm.html", context)


# --- A signed-in person's requests ---------------------------------------------------------

MINE_LIMIT = 200


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The requests one proposed with this account and those one supported, each with its
    public status and its public page once published."""
    return render(
        request,
        "simplification/mine.html",
        {
            "title": "Mes demandes de simplification",
            "breadcrumb": breadcrumb(
                ("Mon compte", reverse("accounts:account")),
                current="Mes demandes de simplification",
            ),
            "proposed": selectors.requests_proposed_by(request.user)[:MINE_LIMIT],
            "supported": selectors.requests_supported_by(request.user)[:MINE_LIMIT],
            "public_statuses": PUBLIC_STATUSES,
        },
    )
