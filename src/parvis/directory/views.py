"""Public pages of the directory (« Annuaire des services »): thin adapters over selectors."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from parvis.core.breadcrumb import Breadcrumb, breadcrumb
from parvis.core.pagination import paginate
from parvis.directory import selectors
from parvis.directory.forms import SiteSearchForm
from parvis.directory.hours import open_status, opening_schedule, weekly_intervals
from parvis.directory.models import LocalService, Organisation, Site
from parvis.directory.services import WEEKDAY_LABELS

UPCOMING_DAYS = 60


def _breadcrumb(current: str, *links: tuple[str, str]) -> Breadcrumb:
    """A public trail under Annuaire; ``links`` are (URL, label) pairs."""
    root = ("Annuaire", reverse("directory:organisation_list"))
    return breadcrumb(root, *((label, url) for url, label in links), current=current)


@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "directory/organisation_list.html",
        {
            "title": "Annuaire des services",
            "organisations": selectors.organisations_for_public(),
            "search_form": SiteSearchForm(),
        },
    )


@require_GET
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        organisation = selectors.organisations_for_public().get(slug=slug)
    except Organisation.DoesNotExist as exc:
        raise Http404("Organisme introuvable.") from exc
    return render(
        request,
        "directory/organisation_detail.html",
        {
            "title": organisation.name,
            "organisation": organisation,
            "local_services": selectors.local_services_search(organisation=organisation),
            "breadcrumb": _breadcrumb(organisation.name),
        },
    )


@require_GET
def local_service_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        local_service = selectors.local_service_for_public(slug)
    except LocalService.DoesNotExist as exc:
        raise Http404("Service local introuvable.") from exc
    organisation = local_service.organisation
    return render(
        request,
        "directory/local_service_detail.html",
        {
            "title": local_service.name,
            "local_service": local_service,
            "breadcrumb": _breadcrumb(
                local_service.name,
                (
                    reverse("directory:organisation_detail", args=[organisation.slug]),
                    organisation.name,
                ),
            ),
        },
    )


@require_GET
def site_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        site = selectors.site_for_public(slug)
    except Site.DoesNotExist as exc:
        raise Http404("Lieu introuvable.") from exc
    now = timezone.now()
    status = open_status(site, now)
    weekly = weekly_intervals(site)
    special_days = [
        day for day in opening_schedule(site, status.at.date(), UPCOMING_DAYS) if day.is_special
    ]
    links = []
    if site.organisation:
        links.append(
            (
                reverse("directory:organisation_detail", args=[site.organisation.slug]),
                site.organisation.name,
            )
        )
    return render(
        request,
        "directory/site_detail.html",
        {
            "title": site.name,
            "site": site,
            "status": status,
            "weekly": [(WEEKDAY_LABELS[day].capitalize(), weekly[day]) for day in range(7)],
            "special_days": special_days,
            "upcoming_days": UPCOMING_DAYS,
            "breadcrumb": _breadcrumb(site.name, *links),
        },
    )


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Search of sites by name, commune, organisation and kind (GET form, no JavaScript)."""
    form = SiteSearchForm(request.GET or None)
    context: dict[str, Any] = {
        "title": "Rechercher un lieu d’accueil",
        "form": form,
        "breadcrumb": _breadcrumb("Rechercher un lieu"),
    }
    if form.is_bound and not form.is_valid():
        return render(request, "directory/search.html", context, status=400)
    filters = form.cleaned_data if form.is_bound else {}
    sites = selectors.sites_search(
        q=filters.get("q", ""),
        commune=filters.get("commune", ""),
        organisation=filters.get("organisation"),
        kind=filters.get("kind", ""),
    )
    context["page_obj"] = paginate(request, sites)
    context["has_criteria"] = form.has_criteria()
    if context["has_criteria"] and not filters.get("kind") and context["page_obj"].number == 1:
        context["local_services"] = selectors.local_services_search(
            q=filters.get("q", ""),
            commune=filters.get("commune", ""),
            organisation=filters.get("organisation"),
        )[:10]
    return render(request, "directory/search.html", context)
