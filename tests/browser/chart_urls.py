"""A page showing every chart include, for the browser tests only.

Used as ``ROOT_URLCONF`` by ``test_charts.py`` (pytest-django's ``settings`` fixture): the
project's routes plus ``/essai-graphiques/``, so that no demonstration page exists in
production. The page extends ``parvis/base.html`` like a real public page (DSFR, CSP
nonces, header and footer).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import engines
from django.urls import path

from parvis.urls import urlpatterns as project_urlpatterns

MONTHS = [f"2025-{month:02d}" for month in range(4, 13)] + [f"2026-{m:02d}" for m in (1, 2, 3)]

SERIES: list[dict[str, Any]] = [
    {
        "label": "Accueil",
        "points": [
            {"month": month, "value": None if month == "2025-08" else 70.0 + index, "n": 40 + index}
            for index, month in enumerate(MONTHS)
        ],
    },
    {
        "label": "Téléphone",
        "points": [
            {"month": month, "value": 60.5 + index / 2, "n": 120 + index}
            for index, month in enumerate(MONTHS)
        ],
    },
]


def _ranked(
    label: str, value: float | None, n: int, group: int | None, ci: tuple[float | None, ...]
) -> dict[str, Any]:
    return {
        "label": label,
        "value": value,
        "n": n,
        "group": group,
        "ci_low": ci[0],
        "ci_high": ci[1],
    }


RANKING: list[dict[str, Any]] = [
    _ranked("CAF de la Gironde", 84.2, 412, 1, (80.4, 87.4)),
    _ranked("CAF du Nord", 81.0, 655, 1, (77.8, 83.8)),
    _ranked("CAF des Bouches-du-Rhône", 72.5, 530, 2, (68.5, 76.2)),
    _ranked("CAF de la Lozère", None, 6, None, (None, None)),
]

DEPARTEMENTS: list[dict[str, Any]] = [
    {"code": "13", "label": "Bouches-du-Rhône", "value": 55.0, "n": 530},
    {"code": "2A", "label": "Corse-du-Sud", "value": None, "n": 7},
    {"code": "33", "label": "Gironde", "value": 72.4, "n": 134},
    {"code": "75", "label": "Paris", "value": 91.2, "n": 1210},
    {"code": "971", "label": "Guadeloupe", "value": 88.0, "n": 61},
    {"code": "975", "label": "Saint-Pierre-et-Miquelon", "value": None, "n": 2},
    {"code": "987", "label": "Polynésie française", "value": 64.0, "n": 45},
]

LEGEND: list[dict[str, Any]] = [
    {"label": "Moins de 60 %", "below": 60},
    {"label": "De 60 à moins de 80 %", "below": 80},
    {"label": "80 % et plus", "below": None},
]

# Django tags stay on one line each: the includes' longer arguments come from {% with %}.
PAGE = """{% extends "parvis/base.html" %}
{% block extra_css %}{% include "publication/charts/_css.html" %}{% endblock extra_css %}
{% block content %}
<h1>Graphiques</h1>
<h2>Évolution</h2>
{% with caption="Satisfaction par canal, par mois" unit_label="%" %}
{% include "publication/charts/_line_chart.html" with chart_id="evolution" %}
{% include "publication/charts/_downloads.html" with csv_size=2048 %}
{% endwith %}
<h2>Classement</h2>
{% with caption="Satisfaction par caisse" unit_label="%" %}
{% include "publication/charts/_bar_chart.html" with chart_id="classement" rows=ranking %}
{% endwith %}
<h2>Carte</h2>
{% with caption="Satisfaction par département" value_label="Satisfaction" unit_label="%" %}
{% include "publication/charts/_map.html" with chart_id="carte" rows=departements %}
{% endwith %}
{% endblock content %}
{% block extra_js %}{% include "publication/charts/_js.html" %}{% endblock extra_js %}
"""


def charts_page(request: HttpRequest) -> HttpResponse:
    template = engines["django"].from_string(PAGE)
    context = {
        "series": SERIES,
        "ranking": RANKING,
        "departements": DEPARTEMENTS,
        "legend": LEGEND,
        "national": 78.3,
        "updated": "1er avril 2026",
        "csv_url": "/essai-graphiques/donnees.csv",
        "json_url": "/essai-graphiques/donnees.json",
    }
    return HttpResponse(template.render(context, request))


def charts_csv(request: HttpRequest) -> HttpResponse:
    lines = ["serie;mois;valeur;n"] + [
        f"{serie['label']};{point['month']};{point['value'] or ''};{point['n']}"
        for serie in SERIES
        for point in serie["points"]
    ]
    return HttpResponse("\n".join(lines), content_type="text/csv; charset=utf-8")


def charts_json(request: HttpRequest) -> HttpResponse:
    return JsonResponse(SERIES, safe=False)


urlpatterns = [
    path("essai-graphiques/", charts_page, name="charts_demo"),
    path("essai-graphiques/donnees.csv", charts_csv),
    path("essai-graphiques/donnees.json", charts_json),
    *project_urlpatterns,
]
