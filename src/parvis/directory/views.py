"""Public pages of the directory (« Annuaire des services »): thin adapters over selectors."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from parvis.core.breadcrumb import Breadcrumb, breadcrumb
from parvis.core.pagination import paginate
from parvis.directory import selectors
from parvis.directory.forms import SiteSearchForm
from parvis.directory.hours import open_status, opening_schedule, weekly_intervals
from parvis.directory.models import LocalService, Organisation, Site
from parvis.directory.services import WEEKDAY_LABELS
from parvis.territories.selectors import communes_search

UPCOMING_DAYS = 60


def _voice_links(
    *,
    organisation: Organisation | None,
    local_service: LocalService | None = None,
    site: Site | None = None,
) -> dict[str, str]:
    """Where a citizen shares an experience about this organisation / service / site (the
    share form preselects it) and reads the published ones (the public list, filtered).
    A France Services operator is no administration experiences are about: the site's
    page links to sharing only."""
    if organisation is not None and organisation.kind != Organisation.Kind.ADMINISTRATION:
        organisation = None
    if site is not None:
        share = {"lieu": site.slug}
    elif local_service is not None:
        share = {"service": local_service.slug}
    else:
        share = {"organisation": organisation.slug if organisation else ""}
    read = {
        "organisation": organisation.slug if organisation else "",
        "service": local_service.slug if local_service else "",
    }
    return {
        "share_url": f"{reverse('voice:share')}?{urlencode(share)}",
        "experiences_url": (
            f"{reverse('publication:experience_list')}?"
            f"{urlencode({k: v for k, v in read.items() if v})}"
            if organisation
            else ""
        ),
    }


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
            **_voice_links(organisation=organisation),
        },
    )


@require_GET
def organisation_commitments(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's self-assessment against each Services Publics+ commitment, with
    its evidence links and the quality indicators attached to the commitment."""
    try:
        organisation = selectors.organisations_for_public().get(slug=slug)
    except Organisation.DoesNotExist as exc:
        raise Http404("Organisme introuvable.") from exc
    title = "Engagements Services Publics+"
    return render(
        request,
        "directory/organisation_commitments.html",
        {
            "title": f"{title} — {organisation.name}",
            "organisation": organisation,
            "rows": selectors.commitments_for_public(organisation),
            "breadcrumb": _breadcrumb(
                title,
                (
                    reverse("directory:organisation_detail", args=[organisation.slug]),
                    organisation.name,
                ),
            ),
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
            **_voice_links(organisation=organisation, local_service=local_service),
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
    if site.organisation.kind == Organisation.Kind.ADMINISTRATION:
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
            **_voice_links(
                organisation=site.organisation, local_service=site.local_service, site=site
            ),
            "breadcrumb": _breadcrumb(site.name, *links),
        },
    )


def _search_url(**params: str) -> str:
    query = urlencode({name: value for name, value in params.items() if value})
    return f"{reverse('directory:search')}?{query}"


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Search of sites by name, commune, organisation and kind (GET form, no JavaScript).

    A known commune always gets an answer: the services competent for it, its sites,
    or the nearest ones (``selectors.directory_search``).
    """
    form = SiteSearchForm(request.GET or None)
    context: dict[str, Any] = {
        "title": "Rechercher un lieu d’accueil",
        "form": form,
        "breadcrumb": _breadcrumb("Rechercher un lieu"),
        "found": None,
        "has_criteria": False,
        "local_services": None,
        "serving_sites": None,
        "nearest": None,
        "other_communes": [],
        "suggestions": [],
    }
    if form.is_bound and not form.is_valid():
        return render(request, "directory/search.html", context, status=400)
    if not form.has_criteria():
        context["page_obj"] = paginate(request, selectors.sites_search())
        return render(request, "directory/search.html", context)
    filters = form.cleaned_data
    organisation, kind = filters.get("organisation"), filters.get("kind", "")
    found = selectors.directory_search(
        q=filters.get("q", ""),
        commune=filters.get("commune", ""),
        organisation=organisation,
        kind=kind,
    )
    page = paginate(request, found.sites)
    context |= {"found": found, "page_obj": page, "has_criteria": True}
    if found.commune is not None:
        context["title"] = f"Services publics pour {found.commune.name}"
        slug = found.organisation.slug if found.organisation else ""
        context["other_communes"] = [
            (other, _search_url(q=found.words, commune=other.code, organisation=slug, kind=kind))
            for other in found.other_communes
        ]
    elif found.unknown_commune:
        context["suggestions"] = [
            (
                suggestion,
                _search_url(
                    q=found.words,
                    commune=suggestion.code,
                    organisation=organisation.slug if organisation else "",
                    kind=kind,
                ),
            )
            for suggestion in communes_search(q=found.commune_text)[:5]
        ]
    if page.number == 1:
        # Competent services and nearest sites belong to the first page only.
        context["local_services"] = (
            found.local_services[:20] if found.local_services is not None else None
        )
        context["serving_sites"] = found.serving_sites
        context["nearest"] = found.nearest
    return render(request, "directory/search.html", context)
