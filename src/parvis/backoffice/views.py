"""Espace agents: the back-office shell, a dashboard per role, members and API tokens.

Every page follows the same order: login required, then the object is looked up through
``accounts.scoping`` (outside the user's scope → 404), then the role is checked
(``require_permission`` → 403), then the method. Writes go through ``accounts.services``,
which audit them, and end with a redirect (POST/redirect/GET).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from parvis.accounts import audit as audit_labels
from parvis.accounts import scoping
from parvis.accounts import services as accounts
from parvis.accounts.models import ApiToken, Membership, Role
from parvis.accounts.scoping import (
    Perm,
    get_visible_or_404,
    require_permission,
    roles_of,
)
from parvis.accounts.selectors import memberships_of
from parvis.accounts.services import AccountsError
from parvis.backoffice import dashboards, shell
from parvis.backoffice.forms import (
    ApiTokenCreateForm,
    MembershipChangeRoleForm,
    MembershipGrantForm,
)
from parvis.backoffice.menu import ORGANISATION_SECTION
from parvis.backoffice.selectors import (
    organisation_api_tokens,
    organisation_audit_events,
    organisation_members,
    organisation_units,
    organisations_administered_by,
)
from parvis.core.menu import section_items
from parvis.core.selectors import worker_heartbeats
from parvis.directory.models import Organisation
from parvis.directory.selectors import sites_visible_to
from parvis.voice import selectors as voice_selectors
from parvis.voice.models import PUBLIC_STATUSES, ExperienceStatus

NEW_TOKEN_SESSION_KEY = "backoffice:new-api-token"  # noqa: S105 - a session key, not a secret
AUDIT_PAGE_SIZE = 50
ROLE_LABELS = dict(Role.choices)


# --- Shell --------------------------------------------------------------------------

SWITCH_REFUSED = (
    "Vous n’avez aucun rôle dans cet organisme : le menu ne peut pas pointer sur lui. "
    "Choisissez un des organismes proposés dans la liste."
)


@login_required
@require_POST
def organisation_switch(request: HttpRequest) -> HttpResponse:
    """The organisation switcher: where the menu and the dashboard point (never a filter)."""
    chosen = shell.choose_organisation(request, request.POST.get("organisation", ""))
    if chosen is None:
        return render(
            request,
            "backoffice/organisation_refused.html",
            {"title": "Organisme non disponible", "message": SWITCH_REFUSED},
            status=403,
        )
    messages.success(request, f"Le menu et le tableau de bord pointent sur « {chosen} ».")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect("backoffice:dashboard")
    return redirect(target)


def _organisation_for(request: HttpRequest, slug: str, permission: Perm) -> Organisation:
    """The organisation named in the URL: 404 outside the scope, 403 without the role."""
    organisation = get_visible_or_404(request.user, Organisation.objects.all(), slug=slug)
    require_permission(request.user, permission, organisation)
    return organisation


def _back_to_members(membership: Membership) -> HttpResponse:
    organisation = membership.owning_organisation
    if organisation is None:
        return redirect("backoffice:dashboard")
    return redirect("backoffice:members", slug=organisation.slug)


def _only_get_or_post(request: HttpRequest) -> HttpResponse | None:
    if request.method not in {"GET", "HEAD", "POST"}:
        return HttpResponseNotAllowed(["GET", "POST"])
    return None


# --- Dashboard ----------------------------------------------------------------------


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user  # an agent: AgentsOnlyMiddleware sends anyone else away
    organisation = shell.current_organisation(request)  # what the switcher points at
    roles = roles_of(user)
    is_platform_admin = scoping.is_platform_admin(user)
    context: dict[str, Any] = {
        "title": "Tableau de bord",
        "organisation": organisation,
        "organisation_links": section_items(shell.viewer(request), ORGANISATION_SECTION),
        "memberships": memberships_of(user).order_by("role", "pk"),
        "panels": dashboards.panels_for(user, organisation),
        "is_agent": Role.AGENT in roles,
        "is_supervisor": Role.SUPERVISOR in roles,
        "is_platform_moderator": scoping.is_platform_moderator(user),
        "is_platform_admin": is_platform_admin,
        "administered": organisations_administered_by(user, Perm.MANAGE_MEMBERS),
    }
    if is_platform_admin:
        context["heartbeats"] = worker_heartbeats()
    return render(request, "backoffice/dashboard.html", context)


RECORDING_STATUSES = {status.value: status.label for status in ExperienceStatus}


@never_cache
@login_required
def recordings(request: HttpRequest) -> HttpResponse:
    """The experiences one recorded at a counter for citizens, and where each stands."""
    status = request.GET.get("statut", "")
    if status not in RECORDING_STATUSES:
        status = ""
    page = Paginator(voice_selectors.counter_recordings(request.user, status=status), 50)
    return render(
        request,
        "backoffice/recordings.html",
        {
            "title": "Vos enregistrements au guichet",
            "page_obj": page.get_page(request.GET.get("page")),
            "status": status,
            "statuses": list(RECORDING_STATUSES.items()),
            "public_statuses": PUBLIC_STATUSES,
            "can_record": sites_visible_to(request.user).filter(is_active=True).exists(),
        },
    )


# --- Members ------------------------------------------------------------------------


@login_required
def members(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation_for(request, slug, Perm.MANAGE_MEMBERS)
    if (refused := _only_get_or_post(request)) is not None:
        return refused
    services, sites = organisation_units(request.user, organisation)
    form = MembershipGrantForm(
        request.POST if request.method == "POST" else None,
        organisation=organisation,
        local_services=services,
        sites=sites,
    )
    if request.method == "POST" and form.is_valid():
        user, email = form.account, form.cleaned_data["email"]
        role, scope = form.cleaned_data["role"], form.scope_kwargs()
        if (
            user is not None
            and organisation_members(request.user, organisation)
            .filter(user=user, role=role, **scope)
            .exists()
        ):
            if accounts.staff_invitation_resend(user=user):
                messages.info(request, f"{email} a déjà ce rôle : l’invitation est renvoyée.")
            else:
                messages.info(request, f"{email} a déjà ce rôle sur ce périmètre.")
            return redirect("backoffice:members", slug=organisation.slug)
        granted = f"Le rôle « {ROLE_LABELS[role]} » a été attribué à {email}"
        try:
            if user is None:
                accounts.staff_invite(
                    actor=request.user,
                    email=email,
                    full_name=form.cleaned_data["full_name"],
                    role=role,
                    **scope,
                )
                granted += ", qui reçoit une invitation à choisir son mot de passe"
            else:
                accounts.membership_grant(actor=request.user, user=user, role=role, **scope)
        except AccountsError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{granted}.")
            return redirect("backoffice:members", slug=organisation.slug)
    return render(
        request,
        "backoffice/members.html",
        {
            "title": f"Membres — {organisation}",
            "organisation": organisation,
            "memberships": organisation_members(request.user, organisation),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


def _membership_for(request: HttpRequest, pk: int) -> Membership:
    membership = get_visible_or_404(
        request.user,
        Membership.objects.select_related(
            "user", "organisation", "local_service__organisation", "site__organisation"
        ),
        pk=pk,
    )
    require_permission(request.user, Perm.MANAGE_MEMBERS, membership)
    return membership


def _refuse_own_membership(request: HttpRequest, membership: Membership) -> HttpResponse | None:
    # An administrator who demotes or removes themselves can lock their organisation out.
    if membership.user_id == request.user.pk:
        messages.error(
            request,
            "Vous ne pouvez pas modifier ni retirer votre propre rôle. Demandez-le à un autre "
            "administrateur de l’organisme.",
        )
        return _back_to_members(membership)
    return None


@login_required
def membership_change(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership_for(request, pk)
    if (refused := _only_get_or_post(request)) is not None:
        return refused
    if request.method == "POST" and (refused := _refuse_own_membership(request, membership)):
        return refused
    form = MembershipChangeRoleForm(
        request.POST if request.method == "POST" else None, initial={"role": membership.role}
    )
    if request.method == "POST" and form.is_valid():
        try:
            accounts.membership_change_role(
                actor=request.user, membership=membership, role=form.cleaned_data["role"]
            )
        except AccountsError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                f"{membership.user.email} a maintenant le rôle « {ROLE_LABELS[membership.role]} ».",
            )
        return _back_to_members(membership)
    return render(
        request,
        "backoffice/membership_change.html",
        {
            "title": "Modifier un rôle",
            "membership": membership,
            "organisation": membership.owning_organisation,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def membership_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership_for(request, pk)
    if (refused := _only_get_or_post(request)) is not None:
        return refused
    if request.method == "POST":
        if (refused := _refuse_own_membership(request, membership)) is not None:
            return refused
        response = _back_to_members(membership)
        label, email = ROLE_LABELS[membership.role], membership.user.email
        accounts.membership_revoke(actor=request.user, membership=membership)
        messages.success(request, f"Le rôle « {label} » de {email} a été retiré.")
        return response
    return render(
        request,
        "backoffice/membership_revoke.html",
        {
            "title": "Retirer un rôle",
            "membership": membership,
            "organisation": membership.owning_organisation,
        },
    )


# --- API tokens ---------------------------------------------------------------------


@never_cache
@login_required
def tokens(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation_for(request, slug, Perm.MANAGE_TOKENS)
    if (refused := _only_get_or_post(request)) is not None:
        return refused
    form = ApiTokenCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = accounts.api_token_create(
                actor=request.user,
                organisation=organisation,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_in_days=form.cleaned_data["expires_in_days"],
            )
        except AccountsError as error:
            messages.error(request, error.message)
        else:
            # Shown once on the next page, then gone: only its digest is stored.
            request.session[NEW_TOKEN_SESSION_KEY] = {"id": token.pk, "secret": secret}
            messages.success(request, f"Le jeton « {token.name} » a été créé.")
            return redirect("backoffice:tokens", slug=organisation.slug)
    new_token = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    token_list = list(organisation_api_tokens(request.user, organisation))
    if new_token and not any(t.pk == new_token["id"] for t in token_list):
        new_token = None
    return render(
        request,
        "backoffice/tokens.html",
        {
            "title": f"Jetons d’API — {organisation}",
            "organisation": organisation,
            "tokens": token_list,
            "new_token": new_token,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_visible_or_404(request.user, ApiToken.objects.select_related("organisation"), pk=pk)
    require_permission(request.user, Perm.MANAGE_TOKENS, token)
    if (refused := _only_get_or_post(request)) is not None:
        return refused
    if request.method == "POST":
        accounts.api_token_revoke(actor=request.user, token=token)
        messages.success(request, f"Le jeton « {token.name} » a été révoqué.")
        return redirect("backoffice:tokens", slug=token.organisation.slug)
    return render(
        request,
        "backoffice/token_revoke.html",
        {
            "title": "Révoquer un jeton d’API",
            "token": token,
            "organisation": token.organisation,
        },
    )


# --- Audit log ----------------------------------------------------------------------


@login_required
def audit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation_for(request, slug, Perm.VIEW_AUDIT)
    paginator = Paginator(organisation_audit_events(request.user, organisation), AUDIT_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    for event in page.object_list:
        event.action_label = audit_labels.action_label(event.action)
        event.actor_name = audit_labels.actor_label(event.actor_label)
        event.details = audit_labels.details(
            event.action, event.data, field_labels=_field_labels(event.target_type)
        )
    return render(
        request,
        "backoffice/audit.html",
        {
            "title": f"Journal d’audit — {organisation}",
            "organisation": organisation,
            "page": page,
        },
    )


def _field_labels(target_type: str) -> dict[str, str]:
    """The French names of the fields of an audit row's target model (``fields`` of an
    update lists them)."""
    try:
        model = apps.get_model(target_type)
    except (LookupError, ValueError):
        return {}
    return {
        field.name: str(getattr(field, "verbose_name", field.name))
        for field in model._meta.get_fields()
    }
