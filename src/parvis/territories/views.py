"""Public pages of the territories: départements, their time zone and public holidays."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from parvis.core.breadcrumb import breadcrumb
from parvis.territories import calendar, selectors

MIN_YEAR, MAX_YEAR = calendar.FIRST_HOLIDAY_YEAR, calendar.LAST_HOLIDAY_YEAR


@require_GET
def departement_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "territories/departement_list.html",
        {
            "title": "Départements et collectivités",
            "departements": selectors.departements_list(),
            "breadcrumb": breadcrumb(current="Départements"),
        },
    )


@require_GET
def departement_detail(request: HttpRequest, code: str) -> HttpResponse:
    departement = selectors.departement_get(code) if selectors.is_departement_code(code) else None
    if departement is None:
        raise Http404("Département introuvable.")
    this_year = calendar.local_today(departement.timezone).year
    try:
        year = int(request.GET.get("annee", this_year))
    except ValueError:
        year = this_year
    if not MIN_YEAR <= year <= MAX_YEAR:
        year = this_year
    return render(
        request,
        "territories/departement_detail.html",
        {
            "title": f"{departement.name} ({departement.code})",
            "departement": departement,
            "local_now": calendar.local_now(departement.timezone),
            "year": year,
            "previous_year": year - 1 if year > MIN_YEAR else None,
            "next_year": year + 1 if year < MAX_YEAR else None,
            "holidays": list(calendar.public_holidays(departement.code, year).items()),
            "breadcrumb": breadcrumb(("Départements", reverse("territories:departement_list"))),
        },
    )
