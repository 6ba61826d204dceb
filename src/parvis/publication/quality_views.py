"""Public pages of the quality results, under /resultats/ (issue 16).

The organisations and the published indicators; the indicators of an organisation, of a
local service and of a France Services site (as a whole or for one partner) as cards for
one month; an indicator's département map and rankings; the methodology; and the
downloads (CSV, JSON) of every chart's figures. Thin adapters over
``parvis.quality.selectors``: every figure goes through ``selectors.shown``, so a figure
below the indicator's ``min_n_publish`` is never shown, its reason is. A bad parameter
(month, organisation, level, partner) gets a 400 with a French message; an unknown
organisation, service, site or indicator a 404.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from parvis.core.breadcrumb import Breadcrumb, breadcrumb
from parvis.core.french import de, number, percent, with_unit
from parvis.directory import selectors as directory_selectors
from parvis.directory.models import LocalService, Organisation, Site
from parvis.publication.forms import ResultsSearchForm
from parvis.quality import selectors
from parvis.quality.models import DateBasis, Direction, Indicator, Level, Unit
from parvis.quality.periods import FREEZE_DAYS, is_frozen, month_of

# Months offered by the month selectors, newest first.
MONTHS_OFFERED = 24
MONTH_FORMAT = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")
FORMATS = ("csv", "json")
ROOT_LABEL = "Résultats de qualité"
# Levels of the indicator page's ranking; « organisation » for harmonised indicators only.
RANKING_LEVELS: dict[str, str] = {
    Level.DEPARTEMENT: "département",
    Level.REGION: "région",
    Level.ORGANISATION: "organisme",
}
UNIT_LABELS: dict[str, str] = {
    Unit.SHARE: "part",
    Unit.SECONDS: "secondes",
    Unit.WORKING_DAYS: "jours_ouvres",
    Unit.SCORE: "note_sur_5",
}
NON_RESPONSE = (
    "Seules les personnes qui ont répondu au questionnaire après leur contact sont "
    "comptées : leurs avis peuvent différer de ceux des personnes qui n’ont pas répondu."
)


class Refused(Exception):
    """Bad input from the visitor: answered 400 with this French message."""


def _public(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """GET only; a ``Refused`` parameter becomes a 400 page with its French message."""

    @require_GET
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Refused as refusal:
            return render(
                request,
                "core/error.html",
                {"status": 400, "message": str(refusal), "skiplinks": []},
                status=400,
            )

    return wrapper


def _root() -> tuple[str, str]:
    return ROOT_LABEL, reverse("publication:quality_index")


# --- Months ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthChoice:
    code: str
    label: str  # with its state: « décembre 2026 (en cours) », « novembre 2026 (provisoire) »
    selected: bool


def _month_state(month: dt.date, today: dt.date) -> str:
    """« en cours » for the current month, « provisoire » for a month not yet frozen
    (``FREEZE_DAYS`` after its end its results are final), else ""."""
    if month >= month_of(today):
        return "en cours"
    return "" if is_frozen(month, today) else "provisoire"


def _default_month(offered: list[dt.date], today: dt.date) -> dt.date:
    """The latest complete month with results: the current month, a few days in, holds
    too few cases to publish most figures. The current month when it is the only one."""
    current = month_of(today)
    return next((m for m in offered if m < current), offered[0])


def _month_note(month: dt.date | None) -> str:
    """What the page says of the month shown when its results may still change."""
    if month is None:
        return ""
    state = _month_state(month, timezone.localdate())
    if state == "en cours":
        return (
            "Mois en cours : les chiffres ne portent que sur les jours déjà écoulés et "
            "changeront d’ici la fin du mois."
        )
    if state == "provisoire":
        return (
            f"Résultats provisoires : ils peuvent encore changer jusqu’à {FREEZE_DAYS} jours "
            "après la fin du mois."
        )
    return ""


def _offered(bounds: tuple[dt.date, dt.date]) -> list[dt.date]:
    """The months a selector offers within ``bounds`` (first, last), newest first."""
    first, last = bounds
    return [
        m for m in (selectors.add_months(last, -i) for i in range(MONTHS_OFFERED)) if m >= first
    ]


def _month(
    request: HttpRequest, bounds: tuple[dt.date, dt.date] | None
) -> tuple[dt.date | None, list[MonthChoice]]:
    """The month asked in ``?mois=AAAA-MM`` (by default the latest complete month with
    results, ``_default_month``) and the months offered, newest first."""
    asked = request.GET.get("mois", "").strip()
    if bounds is None:
        if asked:
            raise Refused("Aucun résultat n’est encore publié ici : aucun mois n’est disponible.")
        return None, []
    offered = _offered(bounds)
    today = timezone.localdate()
    month = _default_month(offered, today)
    if asked:
        match = MONTH_FORMAT.fullmatch(asked)
        if not match or int(match[1]) < 1:
            raise Refused(
                "Le mois demandé n’est pas valide : indiquez-le sous la forme AAAA-MM, "
                "par exemple 2026-03."
            )
        month = dt.date(int(match[1]), int(match[2]), 1)
        if month not in offered:
            raise Refused(
                "Aucun résultat n’est publié ici pour ce mois : choisissez un mois "
                f"{_of_month(offered[-1])} à {selectors.month_label(offered[0])}."
            )
    choices = []
    for m in offered:
        state = _month_state(m, today)
        label = selectors.month_label(m) + (f" ({state})" if state else "")
        choices.append(MonthChoice(m.strftime("%Y-%m"), label, m == month))
    return month, choices


def _of_month(month: dt.date) -> str:
    """« d’octobre 2026 », « de mars 2026 »."""
    return de(selectors.month_label(month))


# --- Figures as the pages show them --------------------------------------------------------------


def _display(indicator: Indicator, value: float | None) -> float | None:
    """A value in the unit the charts show: a share in percent, seconds whole."""
    if value is None:
        return None
    if indicator.unit == Unit.SHARE:
        return round(value * 100, 1)
    if indicator.unit == Unit.SECONDS:
        return float(round(value))
    return round(value, 1)


@dataclass(frozen=True)
class Figure:
    """One ``selectors.Shown`` in French words."""

    shown: selectors.Shown
    text: str  # « 87,4 % », or the reason it is not shown
    interval: str  # « de 85,1 % à 89,2 % » for a sample indicator, else ""
    response_rate: str

    @property
    def published(self) -> bool:
        return self.shown.value is not None


def _figure(indicator: Indicator, shown: selectors.Shown) -> Figure:
    if shown.value is None:
        return Figure(shown, shown.reason.capitalize(), "", "")
    interval = ""
    if shown.ci_low is not None and shown.ci_high is not None:
        low = selectors.formatted(indicator, shown.ci_low)
        interval = f"de {low} à {selectors.formatted(indicator, shown.ci_high)}"
    rate = ""
    if shown.response_rate is not None:
        rate = percent(shown.response_rate)
    return Figure(shown, selectors.formatted(indicator, shown.value), interval, rate)


def _has_data(shown: selectors.Shown) -> bool:
    return shown.n > 0 or shown.value is not None or shown.declared


def _unit_of_n(indicator: Indicator) -> str:
    return "réponses" if indicator.is_sample else "cas"


@dataclass(frozen=True)
class Place:
    """Where a page's cards are: a level, an organisation (``None`` for a France
    Services site as a whole) and a key, with its French name and download route."""

    level: str
    organisation_id: int | None
    key: str
    name: str
    data_route: str
    route_kwargs: dict[str, str]
    query: str = ""  # carried to the downloads (a France Services partner)

    def data_url(self, code: str, fmt: str, month: dt.date) -> str:
        url = reverse(
            f"publication:{self.data_route}", kwargs={**self.route_kwargs, "code": code, "fmt": fmt}
        )
        return f"{url}?mois={month:%Y-%m}{self.query}"


@dataclass(frozen=True)
class CardView:
    """A ``selectors.Card`` as ``_card.html`` shows it."""

    indicator: Indicator
    card: selectors.Card
    current: Figure
    year_before: Figure
    national: Figure | None
    everyone: Figure | None
    target: str
    meets_target: bool | None
    source: str
    declared_beside: str
    sample: bool
    unit_of_n: str
    chart_id: str
    caption: str
    unit_label: str
    series: list[dict[str, Any]]
    csv_url: str
    json_url: str
    indicator_url: str
    methodology_url: str


def _source(indicator: Indicator, shown: selectors.Shown) -> tuple[str, str]:
    """How the figure was obtained, and the declared figure kept beside a computed one."""
    if shown.declared:
        return f"Déclaré par l’organisme : {shown.declared_source}", ""
    beside = ""
    if shown.declared_value is not None:
        beside = (
            f"L’organisme a aussi déclaré {selectors.formatted(indicator, shown.declared_value)} "
            f"({shown.declared_source}) ; le calcul, qui couvre au moins "
            f"{percent(indicator.coverage_threshold, 0)} des cas déclarés, est retenu."
        )
    if indicator.is_sample:
        return (
            "Calculé par la plateforme à partir des réponses au questionnaire après contact",
            beside,
        )
    return "Calculé par la plateforme à partir des contacts qu’elle enregistre", beside


def _card_view(card: selectors.Card, place: Place, month: dt.date, index: int) -> CardView:
    indicator = card.indicator
    current = _figure(indicator, card.current)
    source, beside = _source(indicator, card.current)
    unit = selectors.unit_suffix(indicator)
    caption = f"{indicator.name} : {place.name}, 12 derniers mois"
    return CardView(
        indicator=indicator,
        card=card,
        current=current,
        year_before=_figure(indicator, card.year_before),
        national=_figure(indicator, card.national) if card.national is not None else None,
        everyone=(
            _figure(indicator, card.all_organisations)
            if card.all_organisations is not None
            else None
        ),
        target=selectors.formatted(indicator, card.target) if card.target is not None else "",
        meets_target=card.meets_target,
        source=source,
        declared_beside=beside,
        sample=indicator.is_sample,
        unit_of_n=_unit_of_n(indicator),
        chart_id=f"tendance-{index}-{indicator.code}",
        caption=caption,
        unit_label=unit,
        series=[
            {
                "label": place.name,
                "points": [
                    {
                        "month": point.month_code,
                        "value": _display(indicator, point.value),
                        "n": point.n,
                    }
                    for point in card.trend
                ],
            }
        ],
        csv_url=place.data_url(indicator.code, "csv", month),
        json_url=place.data_url(indicator.code, "json", month),
        indicator_url=reverse("publication:quality_indicator", args=[indicator.code]),
        methodology_url=reverse("publication:quality_methodology") + f"#{indicator.code}",
    )


def _indicators_at(level: str) -> list[Indicator]:
    return [i for i in selectors.published_indicators() if level in i.levels]


# The rendered cards of a place are kept this long under a key made of everything they
# show (figures, targets, indicators' last edit, the place, the month): new figures make
# a new key. Rendering some twenty charts costs more than reading their figures. An
# indicator's page body (a ranking may list a thousand places) is keyed by the generation
# of results instead (``selectors.results_generation``), so a hit reads no figure at all.
CARDS_CACHE_SECONDS = 15 * 60
CARDS_TEMPLATE_VERSION = 1  # bump when a cached fragment's templates change


def _fragment_key(*parts: object) -> str:
    """A cache key made of everything a rendered fragment shows (``repr`` of frozen
    dataclasses: figures, targets, ranks, months)."""
    content = repr((CARDS_TEMPLATE_VERSION, *parts)).encode()
    return "quality:fragment:" + hashlib.sha256(content).hexdigest()


def _place_page(
    request: HttpRequest,
    place: Place,
    *,
    template: str,
    title: str,
    trail: Breadcrumb,
    context: dict[str, Any],
) -> HttpResponse:
    """The cards of ``place`` for the month asked: an indicator without any figure there
    in the 13 months shown is named apart, not drawn as an empty card."""
    bounds = selectors.month_bounds(place=(place.level, place.organisation_id, place.key))
    month, months = _month(request, bounds)
    cards_html = ""
    without: list[Indicator] = []
    national_label = context.get("national_label", "")
    if month is not None:
        batch = selectors.cards(
            _indicators_at(place.level),
            level=place.level,
            organisation_id=place.organisation_id,
            key=place.key,
            month=month,
        )
        shown: list[selectors.Card] = []
        for card in batch:
            if any(_has_data(s) for s in [*card.trend, card.year_before]):
                shown.append(card)
            else:
                without.append(card.indicator)
        key = _fragment_key(
            "cards",
            place,
            month,
            national_label,
            [(card.indicator.pk, card.indicator.updated_at, card) for card in shown],
        )
        cards_html = cache.get(key)
        if cards_html is None:
            cards_html = render_to_string(
                "publication/quality/_cards.html",
                {
                    "cards": [
                        _card_view(card, place, month, index) for index, card in enumerate(shown)
                    ],
                    "month_label": selectors.month_label(month),
                    "national_label": national_label,
                    "non_response": NON_RESPONSE,
                },
            )
            cache.set(key, cards_html, CARDS_CACHE_SECONDS)
    return render(
        request,
        template,
        {
            "title": title,
            "breadcrumb": trail,
            "place": place,
            "month": month,
            "of_month": _of_month(month) if month else "",
            "month_note": _month_note(month),
            "months": months,
            # A SafeString from render_to_string, kept as such by the cache's pickling.
            "cards_html": cards_html,
            "without": without,
            "methodology_url": reverse("publication:quality_methodology"),
            **context,
        },
    )


# --- Places ------------------------------------------------------------------------------------


def _organisation(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug, is_active=True).first()
    if organisation is None:
        raise Http404("Organisme introuvable.")
    return organisation


def _organisation_place(organisation: Organisation) -> Place:
    return Place(
        Level.ORGANISATION,
        organisation.pk,
        organisation.slug,
        organisation.name,
        "quality_organisation_data",
        {"organisation": organisation.slug},
    )


def _service(organisation_slug: str, slug: str) -> LocalService:
    service = (
        LocalService.objects.filter(
            slug=slug,
            is_active=True,
            organisation__slug=organisation_slug,
            organisation__is_active=True,
        )
        .select_related("organisation")
        .first()
    )
    if service is None:
        raise Http404("Service local introuvable.")
    return service


def _service_place(service: LocalService) -> Place:
    return Place(
        Level.SERVICE,
        service.organisation_id,
        str(service.pk),
        service.name,
        "quality_service_data",
        {"organisation": service.organisation.slug, "service": service.slug},
    )


def _france_services(slug: str) -> Site:
    site = (
        Site.objects.filter(slug=slug, is_active=True, kind=Site.Kind.FRANCE_SERVICES)
        .select_related("organisation", "commune")
        .first()
    )
    if site is None:
        raise Http404("Espace France Services introuvable.")
    return site


def _partners(site: Site) -> list[Organisation]:
    """The organisations whose figures a France Services site shows apart: the structure
    that runs it and its partners."""
    partners = {site.organisation_id: site.organisation}
    for partner in site.partners.filter(is_active=True):
        partners.setdefault(partner.pk, partner)
    return sorted(partners.values(), key=lambda o: (o.sort_key, o.pk))


def _france_services_place(
    request: HttpRequest, site: Site
) -> tuple[Place, list[Organisation], Organisation | None]:
    partners = _partners(site)
    asked = request.GET.get("partenaire", "").strip()
    partner = None
    if asked:
        partner = next((p for p in partners if p.slug == asked), None)
        if partner is None:
            raise Refused(
                "Cet organisme n’est pas partenaire de cet espace France Services : "
                "choisissez-en un dans la liste."
            )
    return (
        Place(
            Level.SITE,
            partner.pk if partner else None,
            str(site.pk),
            f"{site.name} ({partner.name})" if partner else site.name,
            "quality_france_services_data",
            {"site": site.slug},
            f"&partenaire={partner.slug}" if partner else "",
        ),
        partners,
        partner,
    )


# --- Pages ---------------------------------------------------------------------------------------


@_public
def results_index(request: HttpRequest) -> HttpResponse:
    bounds = selectors.month_bounds()
    latest = _default_month(_offered(bounds), timezone.localdate()) if bounds else None
    search = ResultsSearchForm(request.GET or None)
    return render(
        request,
        "publication/quality/index.html",
        {
            "title": ROOT_LABEL,
            "search": search,
            "found": directory_selectors.places_named(search.cleaned_data["q"])
            if search.has_criteria()
            else None,
            "latest_label": selectors.month_label(latest) if latest else "",
            "indicators": list(selectors.published_indicators()),
            "organisations": list(
                Organisation.objects.administrations()
                .filter(is_active=True)
                .order_by("sort_key", "pk")
            ),
            "france_services": list(
                Site.objects.filter(kind=Site.Kind.FRANCE_SERVICES, is_active=True)
                .select_related("commune")
                .order_by("sort_key", "pk")
            ),
        },
    )


@_public
def organisation_results(request: HttpRequest, organisation: str) -> HttpResponse:
    found = _organisation(organisation)
    return _place_page(
        request,
        _organisation_place(found),
        template="publication/quality/place.html",
        title=f"{found.name} : résultats de qualité",
        trail=breadcrumb(_root(), current=found.name),
        context={
            "heading": found.name,
            "lead": (
                "Les résultats de l’organisme pour toute la France : chaque indicateur "
                "additionne les mois locaux de tous ses lieux d’accueil."
            ),
            "services": list(
                LocalService.objects.filter(organisation=found, is_active=True).order_by(
                    "sort_key", "pk"
                )
            ),
            "organisation": found,
        },
    )


@_public
def service_results(request: HttpRequest, organisation: str, service: str) -> HttpResponse:
    found = _service(organisation, service)
    owner = found.organisation
    return _place_page(
        request,
        _service_place(found),
        template="publication/quality/place.html",
        title=f"{found.name} : résultats de qualité",
        trail=breadcrumb(
            _root(),
            (owner.name, reverse("publication:quality_organisation", args=[owner.slug])),
            current=found.name,
        ),
        context={
            "heading": found.name,
            "lead": f"Les résultats de ce service local de l’organisme {owner.name}.",
            "organisation": owner,
            "national_label": f"{owner.name} (national)",
        },
    )


@_public
def france_services_results(request: HttpRequest, site: str) -> HttpResponse:
    found = _france_services(site)
    place, partners, partner = _france_services_place(request, found)
    return _place_page(
        request,
        place,
        template="publication/quality/place.html",
        title=f"{found.name} : résultats de qualité",
        trail=breadcrumb(_root(), current=found.name),
        context={
            "heading": found.name,
            "lead": (
                f"Les résultats de l’espace France Services {de(found.commune.name)}"
                + (
                    f", pour les demandes traitées avec l’organisme {partner.name}."
                    if partner
                    else ", tous partenaires confondus."
                )
            ),
            "site": found,
            "partners": partners,
            "partner": partner,
            "organisation": partner,
            "national_label": f"{partner.name} (national)" if partner else "",
        },
    )


@dataclass(frozen=True)
class RankRow:
    figure: Figure
    rank: str  # « 1er ex æquo », « 3e », « Non classé »
    reason: str  # why a row is not ranked


def _ordinal(rank: int) -> str:
    return "1er" if rank == 1 else f"{rank}e"


def _rank_rows(indicator: Indicator, rows: list[selectors.Ranked]) -> list[RankRow]:
    counts: dict[int, int] = {}
    for row in rows:
        if row.rank is not None:
            counts[row.rank] = counts.get(row.rank, 0) + 1
    result = []
    for row in rows:
        if row.rank is not None:
            label = _ordinal(row.rank) + (" ex æquo" if counts[row.rank] > 1 else "")
            result.append(RankRow(_figure(indicator, row.figure), label, ""))
            continue
        if row.figure.value is None:
            reason = row.figure.reason
        elif row.figure.declared:
            reason = "chiffre déclaré : seuls les chiffres calculés sont classés"
        else:
            reason = f"moins de {indicator.min_n_rank} {_unit_of_n(indicator)} pour être classé"
        result.append(RankRow(_figure(indicator, row.figure), "Non classé", reason))
    return result


@dataclass(frozen=True)
class IndicatorChoices:
    month: dt.date | None
    months: list[MonthChoice]
    organisation: Organisation | None
    organisations: list[Organisation]
    level: str
    levels: list[tuple[str, str]]

    @property
    def organisation_options(self) -> list[tuple[str, str]]:
        return [(o.slug, o.name) for o in self.organisations]


def _indicator_choices(request: HttpRequest, indicator: Indicator) -> IndicatorChoices:
    """The month, organisation and ranking level asked on an indicator's page (or its
    downloads), each checked against what the page offers."""
    month, months = _month(request, selectors.month_bounds(indicator=indicator))
    with_results = selectors.organisations_with_results(indicator, level=Level.DEPARTEMENT)
    organisations = list(
        Organisation.objects.filter(pk__in=with_results, is_active=True).order_by("sort_key", "pk")
    )
    asked = request.GET.get("organisme", "").strip()
    chosen = organisations[0] if organisations else None
    if asked:
        chosen = next((o for o in organisations if o.slug == asked), None)
        if chosen is None:
            raise Refused(
                "Aucun résultat de cet indicateur n’est publié pour cet organisme : "
                "choisissez-en un dans la liste."
            )
    levels = [
        (str(level), label)
        for level, label in RANKING_LEVELS.items()
        if level != Level.ORGANISATION or indicator.harmonised
    ]
    level = request.GET.get("niveau", "").strip() or (
        Level.ORGANISATION if indicator.harmonised else Level.DEPARTEMENT
    )
    if level not in dict(levels):
        raise Refused(
            "Ce niveau de classement n’existe pas pour cet indicateur : choisissez département, "
            "région" + (" ou organisme (indicateur harmonisé)." if indicator.harmonised else ".")
        )
    return IndicatorChoices(month, months, chosen, organisations, level, levels)


def _ranking(indicator: Indicator, choices: IndicatorChoices) -> list[selectors.Ranked]:
    if choices.month is None:
        return []
    if choices.level == Level.ORGANISATION:
        return selectors.ranking(
            indicator, level=Level.ORGANISATION, month=choices.month, organisation_id=None
        )
    if choices.organisation is None:
        return []
    return selectors.ranking(
        indicator, level=choices.level, month=choices.month, organisation_id=choices.organisation.pk
    )


def _map(indicator: Indicator, choices: IndicatorChoices) -> list[selectors.Shown]:
    if choices.month is None or choices.organisation is None:
        return []
    return selectors.by_departement(
        indicator, month=choices.month, organisation_id=choices.organisation.pk
    )


def _departement_name(shown: selectors.Shown) -> str:
    suffix = f" ({shown.key})"
    return shown.label[: -len(suffix)] if shown.label.endswith(suffix) else shown.label


def _number(indicator: Indicator, value: float) -> str:
    """A display value (``_display``) in French with its unit."""
    decimals = 0 if indicator.unit == Unit.SECONDS else 1
    return with_unit(number(value, decimals), selectors.unit_suffix(indicator))


def _legend(indicator: Indicator, values: Iterable[float | None]) -> list[dict[str, Any]]:
    """Three classes cut at the terciles of the values shown (one when too few)."""
    known = sorted(v for v in values if v is not None)
    if len(known) < 3 or known[len(known) // 3] == known[2 * len(known) // 3]:
        return [{"label": "Valeur publiée", "below": None}]
    low, high = known[len(known) // 3], known[2 * len(known) // 3]
    return [
        {"label": f"Moins de {_number(indicator, low)}", "below": low},
        {
            "label": f"De {_number(indicator, low)} à moins de {_number(indicator, high)}",
            "below": high,
        },
        {"label": f"{_number(indicator, high)} et plus", "below": None},
    ]


def _map_national_text(organisation_card: CardView | None) -> str:
    """What the map's side panel says for France when the organisation's figure is not
    published: its reason when withheld (too few cases), else the template's « Pas de
    donnée publiée pour ce mois ». Never a blank, which the map prints « NaN »."""
    if organisation_card is None or organisation_card.current.published:
        return ""
    withheld = organisation_card.card.current.reason.startswith(selectors.INSUFFICIENT)
    return organisation_card.current.text if withheld else ""


def _choice_query(choices: IndicatorChoices) -> str:
    query = f"?mois={choices.month:%Y-%m}" if choices.month else "?"
    if choices.organisation is not None:
        query += f"&organisme={choices.organisation.slug}"
    return query


@_public
def indicator_results(request: HttpRequest, code: str) -> HttpResponse:
    found = selectors.indicator_by_code(code)
    if found is None:
        raise Http404("Indicateur introuvable.")
    choices = _indicator_choices(request, found)
    body = ""
    if choices.month is not None:
        month, org = choices.month, choices.organisation
        # Everything the body shows comes from results, targets and the catalogue, whose
        # every write changes the generation: the key needs none of the figures.
        key = _fragment_key(
            "indicator",
            found.pk,
            found.updated_at,
            month,
            choices.level,
            (org.pk, org.slug, org.name) if org else None,
            selectors.results_generation(),
        )
        body = cache.get(key)
        if body is None:
            org_card = (
                selectors.cards(
                    [found],
                    level=Level.ORGANISATION,
                    organisation_id=org.pk,
                    key=org.slug,
                    month=month,
                )[0]
                if org is not None
                else None
            )
            national_card = (
                selectors.cards(
                    [found], level=Level.NATIONAL, organisation_id=None, key="", month=month
                )[0]
                if found.harmonised and org is None
                else None
            )
            body = render_to_string(
                "publication/quality/_indicator_body.html",
                _indicator_body(
                    found,
                    choices,
                    org_card,
                    national_card,
                    _map(found, choices),
                    _ranking(found, choices),
                ),
            )
            cache.set(key, body, CARDS_CACHE_SECONDS)
    return render(
        request,
        "publication/quality/indicator.html",
        {
            "title": f"{found.name} : résultats de qualité",
            "breadcrumb": breadcrumb(_root(), current=found.name),
            "indicator": found,
            "choices": choices,
            "month_note": _month_note(choices.month),
            "sample": found.is_sample,
            # A SafeString from render_to_string, kept as such by the cache's pickling.
            "body": body,
            "methodology_url": reverse("publication:quality_methodology") + f"#{found.code}",
        },
    )


def _indicator_body(
    found: Indicator,
    choices: IndicatorChoices,
    org_card: selectors.Card | None,
    national_card: selectors.Card | None,
    map_figures: list[selectors.Shown],
    ranking: list[selectors.Ranked],
) -> dict[str, Any]:
    """What the indicator page shows below its form, in French words."""
    month = choices.month
    assert month is not None
    organisation_card = None
    if org_card is not None:
        assert choices.organisation is not None
        organisation_card = _card_view(
            org_card, _organisation_place(choices.organisation), month, 0
        )
    everyone = None
    if national_card is not None:
        everyone = _figure(found, national_card.current)
    elif organisation_card is not None:
        everyone = organisation_card.everyone
    ranked = _rank_rows(found, ranking)
    query = _choice_query(choices)
    level_label = dict(choices.levels)[choices.level]
    org_name = choices.organisation.name if choices.organisation else ""
    month_label = selectors.month_label(month)
    ranking_url = reverse("publication:quality_ranking_data", args=[found.code, "csv"])
    map_url = reverse("publication:quality_map_data", args=[found.code, "csv"])
    return {
        "indicator": found,
        "choices": choices,
        "month_label": month_label,
        "organisation_card": organisation_card,
        "everyone": everyone,
        "unit_label": selectors.unit_suffix(found),
        "unit_of_n": _unit_of_n(found),
        "sample": found.is_sample,
        "map_rows": [
            {
                "code": f.key,
                "label": _departement_name(f),
                "value": _display(found, f.value),
                "n": f.n,
            }
            for f in map_figures
        ],
        "legend": _legend(found, (_display(found, f.value) for f in map_figures)),
        "map_caption": f"{found.name} : {org_name} par département, {month_label}",
        "map_national": (
            _display(found, organisation_card.card.current.value) if organisation_card else None
        ),
        "map_national_text": _map_national_text(organisation_card),
        "map_csv": map_url + query,
        "map_json": map_url.replace(".csv", ".json") + query,
        "ranking": ranked,
        "ranking_chart": [
            {
                "label": row.figure.shown.label or row.figure.shown.key,
                "value": _display(found, row.figure.shown.value),
                "n": row.figure.shown.n,
                # The include prints ``group`` as is: our French rank (« 1er ex
                # æquo ») or why the row is not ranked, rather than a bare number.
                "group": f"{row.rank} ({row.reason})" if row.reason else row.rank,
                "ci_low": _display(found, row.figure.shown.ci_low),
                "ci_high": _display(found, row.figure.shown.ci_high),
            }
            for row in ranked
        ],
        "ranking_level_label": level_label,
        "ranking_caption": (
            f"{found.name} : classement par {level_label}"
            + (f" ({org_name})" if choices.level != Level.ORGANISATION and org_name else "")
            + f", {month_label}"
        ),
        "ranking_csv": f"{ranking_url}{query}&niveau={choices.level}",
        "ranking_json": f"{ranking_url.replace('.csv', '.json')}{query}&niveau={choices.level}",
        "non_response": NON_RESPONSE,
    }


@dataclass(frozen=True)
class CatalogueEntry:
    indicator: Indicator
    unit: str
    direction: str
    date_basis: str
    kind: str
    coverage: str
    commitments: list[str]
    breaks: list[Any]


@dataclass(frozen=True)
class RevisionRow:
    revision: selectors.Revision
    previous_text: str
    value_text: str


def _kind(indicator: Indicator) -> str:
    if indicator.is_declared_only:
        return "Déclaré par les organismes"
    if indicator.is_sample:
        return "Échantillon : réponses au questionnaire proposé après le contact"
    return "Recensement : tous les cas enregistrés par la plateforme"


def _revised(indicator: Indicator, value: float | None) -> str:
    return selectors.formatted(indicator, value) if value is not None else "Donnée insuffisante"


@_public
def methodology(request: HttpRequest) -> HttpResponse:
    indicators = selectors.published_indicators().prefetch_related("versions")
    commitments = {c.number: c for c in directory_selectors.commitments()}
    entries = [
        CatalogueEntry(
            indicator=i,
            unit=str(Unit(i.unit).label),
            direction=str(Direction(i.direction).label),
            date_basis=str(DateBasis(i.date_basis).label),
            kind=_kind(i),
            coverage=f"{percent(i.coverage_threshold, 0)} des cas déclarés",
            commitments=[
                f"{commitments[int(n)].heading} : {commitments[int(n)].text}"
                if int(n) in commitments
                else f"Engagement n° {n}"
                for n in i.commitments
            ],
            breaks=[v for v in i.versions.all() if v.version > 1],
        )
        for i in indicators
    ]
    revisions = [
        RevisionRow(r, _revised(r.indicator, r.previous), _revised(r.indicator, r.value))
        for r in selectors.revisions_recent(count=20)
    ]
    return render(
        request,
        "publication/quality/methodology.html",
        {
            "title": "Méthodologie des résultats de qualité",
            "breadcrumb": breadcrumb(_root(), current="Méthodologie"),
            "entries": entries,
            "freeze_days": FREEZE_DAYS,
            "revisions": revisions,
        },
    )


# --- Downloads -----------------------------------------------------------------------------------

COLUMNS = (
    "indicateur",
    "niveau",
    "organisme",
    "cle",
    "libelle",
    "mois",
    "valeur",
    "unite",
    "n",
    "numerateur",
    "denominateur",
    "ic_bas",
    "ic_haut",
    "taux_reponse",
    "source",
    "source_declaree",
    "raison_non_publie",
)


def _row(
    indicator: Indicator, figure: selectors.Shown, *, level: str, organisation: str, label: str = ""
) -> dict[str, Any]:
    """One figure as the downloads give it: only what ``shown`` publishes (a withheld
    value is empty, with its reason)."""
    public = selectors.as_dict(indicator, figure)
    return {
        "indicateur": indicator.code,
        "niveau": level,
        "organisme": organisation,
        "cle": figure.key,
        "libelle": figure.label or label,
        "mois": figure.month_code,
        "valeur": public["value"],
        "unite": UNIT_LABELS[indicator.unit],
        "n": figure.n,
        "numerateur": public["numerator"],
        "denominateur": public["denominator"],
        "ic_bas": public["ci_low"],
        "ic_haut": public["ci_high"],
        "taux_reponse": public["response_rate"],
        "source": public["source"],
        "source_declaree": figure.declared_source if figure.value is not None else "",
        "raison_non_publie": figure.reason,
    }


def _download(
    fmt: str, name: str, columns: tuple[str, ...], rows: list[dict[str, Any]], meta: dict[str, Any]
) -> HttpResponse:
    if fmt == "json":
        response: HttpResponse = JsonResponse(
            {**meta, "lignes": rows}, json_dumps_params={"ensure_ascii": False, "indent": 1}
        )
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Http404("Format inconnu : CSV ou JSON.")
    return fmt


def _indicator_or_404(code: str) -> Indicator:
    found = selectors.indicator_by_code(code)
    if found is None:
        raise Http404("Indicateur introuvable.")
    return found


def _meta(indicator: Indicator, month: dt.date | None, **extra: Any) -> dict[str, Any]:
    return {
        "indicateur": indicator.code,
        "nom": indicator.name,
        "definition": indicator.definition,
        "unite": UNIT_LABELS[indicator.unit],
        "mois": month.strftime("%Y-%m") if month else None,
        "licence": "Licence Ouverte 2.0",
        **extra,
    }


def _trend_download(
    request: HttpRequest, place: Place, code: str, fmt: str, organisation: str
) -> HttpResponse:
    fmt = _format(fmt)
    found = _indicator_or_404(code)
    if place.level not in found.levels:
        raise Http404("Cet indicateur n’est pas calculé à ce niveau.")
    month, _ = _month(
        request, selectors.month_bounds(place=(place.level, place.organisation_id, place.key))
    )
    rows: list[dict[str, Any]] = []
    if month is not None:
        card = selectors.cards(
            [found],
            level=place.level,
            organisation_id=place.organisation_id,
            key=place.key,
            month=month,
        )[0]
        rows = [
            _row(found, point, level=place.level, organisation=organisation, label=place.name)
            for point in card.trend
        ]
        for row in rows:
            row["cle"] = row["cle"] or place.key
    return _download(
        fmt,
        f"{found.code}-{place.key}-evolution",
        COLUMNS,
        rows,
        _meta(found, month, lieu=place.name, niveau=place.level),
    )


@_public
def organisation_data(request: HttpRequest, organisation: str, code: str, fmt: str) -> HttpResponse:
    found = _organisation(organisation)
    return _trend_download(request, _organisation_place(found), code, fmt, found.slug)


@_public
def service_data(
    request: HttpRequest, organisation: str, service: str, code: str, fmt: str
) -> HttpResponse:
    found = _service(organisation, service)
    return _trend_download(request, _service_place(found), code, fmt, found.organisation.slug)


@_public
def france_services_data(request: HttpRequest, site: str, code: str, fmt: str) -> HttpResponse:
    found = _france_services(site)
    place, _, partner = _france_services_place(request, found)
    return _trend_download(request, place, code, fmt, partner.slug if partner else "")


@_public
def ranking_data(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    fmt = _format(fmt)
    found = _indicator_or_404(code)
    choices = _indicator_choices(request, found)
    ranked = _ranking(found, choices)
    rows = []
    for row, view in zip(ranked, _rank_rows(found, ranked), strict=True):
        organisation = ""
        if choices.level == Level.ORGANISATION:
            organisation = row.figure.key
        elif choices.organisation is not None:
            organisation = choices.organisation.slug
        rows.append(
            {
                "rang": row.rank,
                "rang_libelle": view.rank,
                "raison_non_classe": view.reason,
                **_row(found, row.figure, level=choices.level, organisation=organisation),
            }
        )
    scope = (
        "tous-organismes"
        if choices.level == Level.ORGANISATION
        else (choices.organisation.slug if choices.organisation else "")
    )
    return _download(
        fmt,
        f"{found.code}-classement-{choices.level}-{scope}",
        ("rang", "rang_libelle", "raison_non_classe", *COLUMNS),
        rows,
        _meta(found, choices.month, niveau=choices.level),
    )


@_public
def map_data(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    fmt = _format(fmt)
    found = _indicator_or_404(code)
    choices = _indicator_choices(request, found)
    slug = choices.organisation.slug if choices.organisation else ""
    rows = [
        _row(found, f, level=Level.DEPARTEMENT, organisation=slug) for f in _map(found, choices)
    ]
    return _download(
        fmt,
        f"{found.code}-departements-{slug}",
        COLUMNS,
        rows,
        _meta(found, choices.month, organisme=slug, niveau=Level.DEPARTEMENT),
    )
