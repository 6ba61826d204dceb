"""Back office of the directory (espace agents › annuaire): sites, their contact details,
weekly hours, exceptions;
an organisation's self-assessment against the Services Publics+ commitments.

Access rules come from ``accounts.scoping``: a site or an organisation outside the user's
scope is a 404 (``get_visible_or_404``); a site in scope without
``Perm.MANAGE_DIRECTORY`` is a 403, an organisation without ``Perm.MANAGE_QUALITY`` too.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from parvis.accounts.scoping import Perm, get_visible_or_404, require_permission
from parvis.core.breadcrumb import Breadcrumb, breadcrumb
from parvis.core.pagination import paginate
from parvis.directory import selectors, services
from parvis.directory.forms import (
    CommitmentAssessmentForm,
    OpeningExceptionForm,
    SiteCreateForm,
    SiteDetailsForm,
    WeeklyHoursForm,
)
from parvis.directory.hours import opening_schedule, weekly_intervals
from parvis.directory.models import Commitment, Organisation, Site
from parvis.directory.services import DirectoryError

UPCOMING_DAYS = 90


def _managed_site(request: HttpRequest, slug: str) -> Site:
    site = get_visible_or_404(
        request.user,
        Site.objects.select_related("commune__departement", "organisation"),
        slug=slug,
    )
    require_permission(request.user, Perm.MANAGE_DIRECTORY, site)
    return site


def _add_domain_errors(form: Any, error: DirectoryError, field_of: dict[str, str]) -> None:
    """Attach a service refusal to the matching form fields (or to the whole form)."""
    if not error.errors:
        form.add_error(None, error.message)
        return
    for key, messages_ in error.errors.items():
        field = field_of.get(key)
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


def _breadcrumb(current: str, site: Site | None = None) -> Breadcrumb:
    parents = [("Annuaire", reverse("directory_backoffice:site_list"))]
    if site is not None:
        parents.append((site.name, reverse("directory_backoffice:site_hours", args=[site.slug])))
    return breadcrumb(*parents, current=current)


@login_required
def site_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.sites_visible_to(request.user))
    manageable = set(
        selectors.sites_visible_to(request.user, Perm.MANAGE_DIRECTORY)
        .filter(pk__in=[site.pk for site in page.object_list])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "directory/backoffice/site_list.html",
        {
            "title": "Annuaire — lieux d’accueil",
            "page_obj": page,
            "manageable": manageable,
            "may_create": any(selectors.structures_managed_by(request.user)),
            "breadcrumb": breadcrumb(current="Annuaire"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def site_create(request: HttpRequest) -> HttpResponse:
    """A new site under an organisation or local service the person manages
    (``services.site_create``: the rules of every site, audited); then its hours."""
    organisations, local_services = selectors.structures_managed_by(request.user)
    if not organisations and not local_services:
        raise PermissionDenied
    if request.method == "POST":
        form = SiteCreateForm(
            request.POST, organisations=organisations, local_services=local_services
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                site = services.site_create(
                    actor=request.user,
                    kind=data["kind"],
                    name=data["name"],
                    commune=data["commune"],
                    organisation=data["organisation"],
                    local_service=data["local_service"],
                    coverage=data["coverage"],
                    covered_departements=data["covered_departements"],
                    address=data["address"],
                    postcode=data["postcode"],
                    phone=data["phone"],
                    email=data["email"],
                    website=data["website"],
                    channels=data["channels"],
                )
            except DirectoryError as error:
                _add_domain_errors(form, error, {field: field for field in form.fields})
            else:
                messages.success(
                    request,
                    f"Le lieu « {site.name} » a été créé. Indiquez maintenant ses horaires "
                    "habituels : sans eux, sa page publique le dit fermé.",
                )
                return redirect("directory_backoffice:site_hours", slug=site.slug)
    else:
        form = SiteCreateForm(organisations=organisations, local_services=local_services)
    return render(
        request,
        "directory/backoffice/site_create.html",
        {
            "title": "Ajouter un lieu d’accueil",
            "form": form,
            "breadcrumb": _breadcrumb("Ajouter un lieu d’accueil"),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def site_details(request: HttpRequest, slug: str) -> HttpResponse:
    """The site's name, address, phone, e-mail, website and channels
    (``services.site_update``: the same rules as the API, audited)."""
    site = _managed_site(request, slug)
    if request.method == "POST":
        form = SiteDetailsForm(request.POST)
        if form.is_valid():
            changes = form.changes(site)
            try:
                if changes:
                    services.site_update(actor=request.user, site=site, data=changes)
            except DirectoryError as error:
                _add_domain_errors(form, error, {field: field for field in form.FIELDS})
            else:
                messages.success(
                    request,
                    "Les coordonnées du lieu ont été enregistrées."
                    if changes
                    else "Aucune modification : les coordonnées sont inchangées.",
                )
                return redirect("directory_backoffice:site_details", slug=site.slug)
    else:
        form = SiteDetailsForm(initial=SiteDetailsForm.initial_from(site))
    return render(
        request,
        "directory/backoffice/site_details.html",
        {
            "title": f"Coordonnées — {site.name}",
            "site": site,
            "form": form,
            "breadcrumb": _breadcrumb("Coordonnées", site),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def site_hours(request: HttpRequest, slug: str) -> HttpResponse:
    site = _managed_site(request, slug)
    if request.method == "POST":
        form = WeeklyHoursForm(request.POST)
        if form.is_valid():
            try:
                services.opening_hours_replace(actor=request.user, site=site, hours=form.hours())
            except DirectoryError as error:
                _add_domain_errors(form, error, {str(day): f"day_{day}" for day in range(7)})
            else:
                messages.success(request, "Les horaires habituels ont été enregistrés.")
                return redirect("directory_backoffice:site_hours", slug=site.slug)
    else:
        form = WeeklyHoursForm(initial=WeeklyHoursForm.initial_from(weekly_intervals(site)))
    return render(
        request,
        "directory/backoffice/site_hours.html",
        {
            "title": f"Horaires — {site.name}",
            "site": site,
            "form": form,
            "breadcrumb": _breadcrumb("Horaires habituels", site),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def site_exceptions(request: HttpRequest, slug: str) -> HttpResponse:
    site = _managed_site(request, slug)
    if request.method == "POST":
        form = OpeningExceptionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.opening_exception_add(
                    actor=request.user,
                    site=site,
                    date=data["date"],
                    is_closed=data["status"] == "closed",
                    opens=data.get("opens"),
                    closes=data.get("closes"),
                    label=data.get("label", ""),
                )
            except DirectoryError as error:
                _add_domain_errors(
                    form,
                    error,
                    {"opens": "opens", "closes": "closes", "date": "date", "label": "label"},
                )
            else:
                messages.success(
                    request, f"L’exception du {data['date']:%d/%m/%Y} est enregistrée."
                )
                return redirect("directory_backoffice:site_exceptions", slug=site.slug)
    else:
        form = OpeningExceptionForm()
    today = timezone.now().astimezone(site.tzinfo).date()
    holidays = [
        day
        for day in opening_schedule(site, today, UPCOMING_DAYS)
        if day.holiday and not day.is_exception
    ]
    return render(
        request,
        "directory/backoffice/site_exceptions.html",
        {
            "title": f"Exceptions — {site.name}",
            "site": site,
            "form": form,
            "exceptions": selectors.site_exceptions(site, since=today),
            "holidays": holidays,
            "upcoming_days": UPCOMING_DAYS,
            "breadcrumb": _breadcrumb("Fermetures et horaires exceptionnels", site),
        },
        status=400 if form.errors else 200,
    )


@login_required
def site_exception_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    # Scope and permission first, so another organisation's site is a 404 for any method.
    site = _managed_site(request, slug)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    exception = get_object_or_404(site.opening_exceptions.all(), pk=pk)
    services.opening_exception_remove(actor=request.user, exception=exception)
    messages.success(request, f"L’exception du {exception.date:%d/%m/%Y} est supprimée.")
    return redirect("directory_backoffice:site_exceptions", slug=site.slug)


# Services Publics+ commitments ------------------------------------------------------------

COMMITMENTS_TITLE = "Engagements Services Publics+"


def _assessing_organisation(request: HttpRequest, slug: str) -> Organisation:
    """The organisation named in the URL: 404 outside the scope, 403 without the quality
    manager's role (organisation admins and platform admins hold it too)."""
    organisation = get_visible_or_404(request.user, Organisation.objects.all(), slug=slug)
    require_permission(request.user, Perm.MANAGE_QUALITY, organisation)
    return organisation


@login_required
@require_http_methods(["GET"])
def commitment_list(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _assessing_organisation(request, slug)
    return render(
        request,
        "directory/backoffice/commitment_list.html",
        {
            "title": f"{COMMITMENTS_TITLE} — {organisation.name}",
            "organisation": organisation,
            "rows": selectors.commitments_for_backoffice(request.user, organisation),
            "is_public": selectors.organisations_for_public().filter(pk=organisation.pk).exists(),
            "breadcrumb": breadcrumb(current=COMMITMENTS_TITLE),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def commitment_edit(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    organisation = _assessing_organisation(request, slug)
    commitment = get_object_or_404(Commitment.objects.all(), number=number)
    assessment = (
        selectors.commitment_assessments_visible_to(request.user, organisation)
        .filter(commitment=commitment)
        .first()
    )
    if request.method == "POST":
        form = CommitmentAssessmentForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.commitment_assessment_save(
                    actor=request.user,
                    organisation=organisation,
                    commitment=commitment,
                    level=data["level"],
                    text=data["text"],
                    evidence=data["evidence"],
                )
            except DirectoryError as error:
                _add_domain_errors(form, error, form.error_fields)
            else:
                messages.success(
                    request, f"L’autoévaluation « {commitment.heading} » est enregistrée."
                )
                return redirect("directory_backoffice:commitment_list", slug=organisation.slug)
    else:
        form = CommitmentAssessmentForm(initial=CommitmentAssessmentForm.initial_of(assessment))
    list_url = reverse("directory_backoffice:commitment_list", args=[organisation.slug])
    return render(
        request,
        "directory/backoffice/commitment_edit.html",
        {
            "title": f"{commitment.heading} — {organisation.name}",
            "organisation": organisation,
            "commitment": commitment,
            "assessment": assessment,
            "form": form,
            "breadcrumb": breadcrumb((COMMITMENTS_TITLE, list_url), current=commitment.heading),
        },
        status=400 if request.method == "POST" else 200,
    )
