"""Public pages of publication: listing, permanent page, figures, open data.

Thin adapters over ``selectors``; every page works without JavaScript (GET forms).
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from parvis.core.breadcrumb import Breadcrumb, breadcrumb
from parvis.core.pagination import paginate
from parvis.directory.models import LocalService
from parvis.publication import opendata, selectors
from parvis.publication.forms import ExperienceSearchForm, FiguresForm, month_label
from parvis.publication.models import LAST_12_MONTHS, FigureScope, OpenDataFile
from parvis.quality.services import MIN_N_FLOOR

PAGE_SIZE = 20
# Optional fragment the voice app may provide: the « did this help? » vote form.


def _breadcrumb(current: str, *links: tuple[str, str]) -> Breadcrumb:
    """A public trail under Expériences; ``links`` are (URL, label) pairs."""
    root = ("Expériences", reverse("publication:experience_list"))
    return breadcrumb(root, *((label, url) for url, label in links), current=current)


@require_GET
def experience_list(request: HttpRequest) -> HttpResponse:
    form = ExperienceSearchForm(request.GET or None)
    context: dict[str, Any] = {"title": "Expériences des usagers", "form": form}
    if form.is_bound and not form.is_valid():
        return render(request, "publication/experience_list.html", context, status=400)
    filters = form.filters()
    try:
        need = max(1, int(request.GET.get("page", "1"))) * PAGE_SIZE
    except ValueError:
        need = PAGE_SIZE
    count, capped, queryset = selectors.experiences_listing(
        filters=filters,
        need=min(need, selectors.COUNT_CAP + PAGE_SIZE),
        relations=selectors.CARD_RELATIONS,
    )
    page_count = count
    if filters.effective_sort == selectors.Sort.RELEVANCE:
        page_count = min(count, selectors.search.RELEVANCE_CANDIDATES)
    context.update(
        page_obj=paginate(request, queryset, per_page=PAGE_SIZE, count=page_count),
        count=count,
        capped=capped,
        sort=filters.effective_sort,
        relevance_limited=filters.effective_sort == selectors.Sort.RELEVANCE
        and count > selectors.search.RELEVANCE_CANDIDATES,
        relevance_candidates=selectors.search.RELEVANCE_CANDIDATES,
        has_criteria=form.has_criteria(),
    )
    return render(request, "publication/experience_list.html", context)


@require_GET
def experience_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    try:
        experience = selectors.experience_for_public(uuid)
    except selectors.PublicExperience.DoesNotExist as exc:
        raise Http404("Cette expérience n’existe pas ou n’est plus publiée.") from exc
    links = []
    if experience.local_service:
        links.append(
            (
                reverse("publication:service_figures", args=[experience.local_service.slug]),
                experience.local_service.name,
            )
        )
    return render(
        request,
        "publication/experience_detail.html",
        {
            "title": experience.title or "Expérience d’un usager",
            "experience": experience,
            "wait": selectors.answer_wait(experience, now=timezone.now()),
            "breadcrumb": _breadcrumb(experience.title or "Expérience", *links),
        },
    )


def _min_count(indicators: dict[str, Any]) -> int:
    """The publication minimum the pages state: the experiences' shares' one (the
    catalogue's floor when an admin unpublished it)."""
    answered = indicators.get("answered")
    return answered.min_n_publish if answered else MIN_N_FLOOR


@require_GET
def service_figures(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        service = (
            LocalService.objects.filter(is_active=True, organisation__is_active=True)
            .select_related("organisation")
            .get(slug=slug)
        )
    except LocalService.DoesNotExist as exc:
        raise Http404("Service local introuvable.") from exc
    filters = selectors.ExperienceFilters(service=service.slug)
    key = str(service.pk)  # the quality results key a local service by its id
    summary = selectors.figures_for(
        scope=FigureScope.SERVICE, organisation_id=service.organisation_id, key=key
    )
    return render(
        request,
        "publication/service_figures.html",
        {
            "title": f"{service.name} : expériences et chiffres",
            "service": service,
            "summary": summary,
            "themes": selectors.figure_themes(summary) if summary else [],
            "rejections": selectors.figure_rejections(summary) if summary else [],
            "months": selectors.figures_by_month(
                level=FigureScope.SERVICE, organisation_id=service.organisation_id, key=key
            ),
            "latest": list(
                selectors.experiences_for_public(
                    filters=filters, relations=selectors.CARD_RELATIONS
                )[:5]
            ),
            "min_count": _min_count(selectors.figure_indicators()),
            "breadcrumb": _breadcrumb(service.name),
        },
    )


# Columns of the ranking after the number of experiences: (column, French title).
RANKING_COLUMNS = (
    ("positive", "Positives"),
    ("negative", "Négatives"),
    ("answered", "Taux de réponse"),
    ("delay_median", "Délai médian"),
    ("delay_p90", "9<sup>e</sup> décile"),
)


@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    periods = selectors.figures_periods()
    form = FiguresForm(request.GET or None, periods=periods)
    indicators = selectors.figure_indicators()
    context: dict[str, Any] = {
        "title": "Les chiffres des expériences",
        "form": form,
        "min_count": _min_count(indicators),
        "breadcrumb": _breadcrumb("Chiffres"),
    }
    if form.is_bound and not form.is_valid():
        return render(request, "publication/figures.html", context, status=400)
    data = form.cleaned_data if form.is_bound else {}
    scope = data.get("scope") or FigureScope.ORGANISATION
    period = data.get("period") or LAST_12_MONTHS
    national = selectors.figures_for(scope=FigureScope.NATIONAL, period=period)
    context.update(
        scope=scope,
        scope_label=dict(
            cast(list[tuple[str, str]], cast(forms.ChoiceField, form.fields["scope"]).choices)
        )[scope],
        period=period,
        period_label=month_label(period),
        national=national,
        national_themes=selectors.figure_themes(national) if national else [],
        national_rejections=selectors.figure_rejections(national) if national else [],
        ranking=selectors.figures_ranking(
            scope=scope,
            period=period,
            organisation=data.get("organisation"),
            sort=data.get("sort") or selectors.FigureSort.ANSWER_RATE,
        ),
        ranking_columns=[(indicators[column], title) for column, title in RANKING_COLUMNS],
        months=selectors.figures_by_month(level=FigureScope.NATIONAL),
    )
    return render(request, "publication/figures.html", context)


@require_GET
def opendata_index(request: HttpRequest) -> HttpResponse:
    files = list(selectors.opendata_files())
    # One section per dataset; the datasets of a group (the directory) share one section.
    sections: dict[str, dict[str, Any]] = {}
    for name, dataset in opendata.DATASETS.items():
        key = dataset.group or name
        if key not in sections:
            title, description = opendata.GROUPS.get(
                dataset.group, (dataset.title, dataset.description)
            )
            sections[key] = {
                "name": key,
                "title": title,
                "description": description,
                "grouped": bool(dataset.group),
                "datasets": [],
            }
        sections[key]["datasets"].append(
            {
                "name": name,
                "title": dataset.title,
                "description": dataset.description,
                "files": [f for f in files if f.dataset == name],
            }
        )
    return render(
        request,
        "publication/opendata.html",
        {
            "title": "Données ouvertes",
            "sections": list(sections.values()),
            "catalogue": next((f for f in files if f.format == "datapackage"), None),
            "licence": opendata.LICENCE,
            "breadcrumb": breadcrumb(current="Données ouvertes"),
        },
    )


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "schema": "application/json",
    "datapackage": "application/json",
}


@require_GET
def opendata_download(request: HttpRequest, name: str) -> FileResponse:
    try:
        record: OpenDataFile = selectors.opendata_file(name)
    except OpenDataFile.DoesNotExist as exc:
        raise Http404("Ce fichier n’existe pas.") from exc
    # Only names recorded by the export are served, from the export folder only.
    path = opendata.opendata_root() / record.name
    if not path.is_file():
        raise Http404("Ce fichier n’est pas disponible pour le moment.")
    response = FileResponse(
        path.open("rb"),
        content_type=CONTENT_TYPES.get(record.format),
        as_attachment=record.format in {"csv", "json"},
        filename=record.name,
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response
