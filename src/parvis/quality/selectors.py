"""Reads of quality results for public pages, open data, reports and managers.

Every figure read here goes through ``shown``: below the indicator's ``min_n_publish`` a
figure is withheld with its reason, never shown as 0; a sample indicator carries its
95 % interval and response rate; a declared figure says so with its source.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models import Max, Q, QuerySet

from parvis.core import french
from parvis.quality.models import (
    Direction,
    Indicator,
    IndicatorTarget,
    Level,
    Result,
    Source,
    Unit,
)
from parvis.quality.periods import add_months, month_of, next_month

MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def month_label(month: dt.date) -> str:
    return f"{MONTHS_FR[month.month - 1]} {month.year}"


@dataclass(frozen=True)
class Shown:
    """One figure as the public reads it."""

    month: dt.date
    value: float | None  # None: not shown (see ``reason``)
    n: int
    numerator: float | None = None
    denominator: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    response_rate: float | None = None
    tolerance: float | None = None
    declared: bool = False
    declared_value: float | None = None
    declared_source: str = ""
    reason: str = ""
    label: str = ""
    key: str = ""

    @property
    def month_code(self) -> str:
        return self.month.strftime("%Y-%m")

    @property
    def month_label(self) -> str:
        return month_label(self.month)


INSUFFICIENT = "donnée insuffisante"


# --- Remembered reads -------------------------------------------------------------------------

# Changed by ``services.results_changed`` whenever results, the catalogue or targets are
# written: the public pages' heavier reads (rankings of a thousand places, maps, the
# months and organisations a page offers) are remembered under it, so a new generation
# forgets them all at once.
RESULTS_GENERATION_KEY = "quality:results-generation"
REMEMBERED_SECONDS = 60 * 60
_T = TypeVar("_T")


# What ``shown`` and ``ranked`` never read: left in the database by the pages' long
# reads (a JSON document and a timestamp per row, for a thousand rows).
_PROVENANCE = ("parameters", "computed_at", "version")


def results_generation() -> int:
    stamp = cache.get(RESULTS_GENERATION_KEY)
    if stamp is None:
        cache.add(RESULTS_GENERATION_KEY, time.time_ns(), None)
        stamp = cache.get(RESULTS_GENERATION_KEY) or 0
    return int(stamp)


def _remembered(name: str, parts: tuple[Any, ...], compute: Callable[[], _T]) -> _T:
    """``compute()``, remembered for this generation of results under ``name`` and
    ``parts`` (``None`` is remembered too)."""
    key = (
        "quality:read:"
        + hashlib.sha256(repr((name, results_generation(), *parts)).encode()).hexdigest()
    )
    found = cache.get(key)
    if found is None:
        found = (compute(),)
        cache.set(key, found, REMEMBERED_SECONDS)
    return found[0]


def shown(indicator: Indicator, result: Result | None, month: dt.date) -> Shown:
    if result is None:
        return Shown(month, None, 0, reason="pas de données")
    declared = result.source == Source.DECLARED
    common: dict[str, Any] = {
        "month": month,
        "n": result.n,
        "declared": declared,
        "declared_value": result.declared_value if not declared else None,
        "declared_source": result.declared_source,
        "label": result.label,
        "key": result.key,
    }
    if result.value is None or result.n < indicator.min_n_publish:
        return Shown(
            value=None,
            reason=f"{INSUFFICIENT} (moins de {indicator.min_n_publish} {_unit_of_n(indicator)})",
            **common,
        )
    sample = indicator.is_sample and not declared
    return Shown(
        value=result.value,
        numerator=result.numerator,
        denominator=result.denominator,
        ci_low=result.ci_low if sample else None,
        ci_high=result.ci_high if sample else None,
        response_rate=result.response_rate if sample else None,
        tolerance=result.tolerance,
        **common,
    )


def _unit_of_n(indicator: Indicator) -> str:
    return "réponses" if indicator.is_sample else "cas"


def published_indicators() -> QuerySet[Indicator]:
    return Indicator.objects.filter(is_published=True).order_by("position", "code")


def indicator_by_code(code: str) -> Indicator | None:
    return published_indicators().filter(code=code).first()


def indicators_for_commitments() -> dict[int, list[tuple[str, str]]]:
    """Services Publics+ commitment number → the indicators that prove it."""
    attached: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for indicator in published_indicators():
        for number in indicator.commitments:
            attached[int(number)].append((indicator.code, indicator.name))
    return dict(attached)


def latest_month(indicator: Indicator | None = None) -> dt.date | None:
    results = Result.objects.all()
    if indicator is not None:
        results = results.filter(indicator=indicator)
    return results.aggregate(latest=Max("month"))["latest"]


def _result(
    indicator: Indicator, level: str, organisation_id: int | None, key: str, month: dt.date
) -> Result | None:
    return Result.objects.filter(
        _place(organisation_id), indicator=indicator, level=level, key=key, month=month
    ).first()


def _place(organisation_id: int | None) -> Q:
    """The organisation of a result; none for the cross-organisation figures."""
    return Q(organisation=None) if organisation_id is None else Q(organisation_id=organisation_id)


def series(
    indicator: Indicator,
    *,
    level: str,
    organisation_id: int | None,
    key: str,
    last: dt.date,
    months: int = 12,
) -> list[Shown]:
    """The ``months`` months up to ``last`` (oldest first), a gap where nothing is shown."""
    first = add_months(last, -(months - 1))
    found = {
        r.month: r
        for r in Result.objects.filter(
            _place(organisation_id),
            indicator=indicator,
            level=level,
            key=key,
            month__gte=first,
            month__lte=last,
        )
    }
    return [
        shown(indicator, found.get(m), m) for m in (add_months(first, i) for i in range(months))
    ]


@dataclass(frozen=True)
class Card:
    """An indicator for one place and month: the figure, the same month a year before,
    the organisation's national figure (and all organisations' for a harmonised one),
    the target and the 12-month trend."""

    indicator: Indicator
    current: Shown
    year_before: Shown
    national: Shown | None
    all_organisations: Shown | None
    target: float | None
    trend: list[Shown]

    @property
    def meets_target(self) -> bool | None:
        if self.target is None or self.current.value is None:
            return None
        if self.indicator.direction == Direction.HIGHER:
            return self.current.value >= self.target
        return self.current.value <= self.target


def card(
    indicator: Indicator, *, level: str, organisation_id: int | None, key: str, month: dt.date
) -> Card:
    trend = series(indicator, level=level, organisation_id=organisation_id, key=key, last=month)
    year_before = add_months(month, -12)
    national = None
    if organisation_id is not None and level != Level.ORGANISATION:
        from parvis.directory.models import Organisation

        slug = (
            Organisation.objects.filter(pk=organisation_id).values_list("slug", flat=True).first()
        )
        national = shown(
            indicator,
            _result(indicator, Level.ORGANISATION, organisation_id, slug or "", month),
            month,
        )
    all_organisations = (
        shown(indicator, _result(indicator, Level.NATIONAL, None, "", month), month)
        if indicator.harmonised
        else None
    )
    target = (
        IndicatorTarget.objects.filter(indicator=indicator, organisation_id=organisation_id)
        .values_list("value", flat=True)
        .first()
        if organisation_id
        else None
    )
    return Card(
        indicator,
        trend[-1],
        shown(indicator, _result(indicator, level, organisation_id, key, year_before), year_before),
        national,
        all_organisations,
        target,
        trend,
    )


@dataclass(frozen=True)
class Ranked:
    figure: Shown
    rank: int | None  # None: too few cases to be ranked
    organisation_id: int | None = None


def ranking(
    indicator: Indicator, *, level: str, month: dt.date, organisation_id: int | None
) -> list[Ranked]:
    """Territories of one level for a month, best first. A territory's rank is 1 + the
    number of territories whose 95 % interval lies entirely on the better side of its own:
    territories whose intervals overlap share a rank. Cross-organisation rankings exist
    only for harmonised indicators; below ``min_n_rank`` a territory is listed unranked."""
    if organisation_id is None and not indicator.harmonised:
        return []

    def read() -> list[Ranked]:
        candidates = Result.objects.filter(indicator=indicator, level=level, month=month).defer(
            *_PROVENANCE
        )
        results = list(
            candidates.filter(organisation_id=organisation_id)
            if organisation_id is not None
            else candidates.exclude(organisation=None)
        )
        return ranked(indicator, results, month)

    return _remembered(
        "ranking", (indicator.pk, indicator.updated_at, level, month, organisation_id), read
    )


def ranked(indicator: Indicator, results: list[Result], month: dt.date) -> list[Ranked]:
    """``results`` of one level (stored ones of a month, or a window's from ``results_at``)
    best first, ranked as ``ranking`` says."""
    higher = indicator.direction == Direction.HIGHER
    rankable = [
        r
        for r in results
        if r.value is not None and r.n >= indicator.min_n_rank and r.source == Source.COMPUTED
    ]

    def bounds(r: Result) -> tuple[float, float]:
        assert r.value is not None
        return (
            r.ci_low if r.ci_low is not None else r.value,
            r.ci_high if r.ci_high is not None else r.value,
        )

    # Better: an interval entirely above (higher is better) or below this one's; counted
    # by bisection in the others' sorted bounds (a thousand places, not a million pairs;
    # a place's own interval never lies beyond itself).
    lows = sorted(bounds(r)[0] for r in rankable)
    highs = sorted(bounds(r)[1] for r in rankable)
    ranks = {}
    for r in rankable:
        low, high = bounds(r)
        if higher:
            better = len(lows) - bisect.bisect_right(lows, high)
        else:
            better = bisect.bisect_left(highs, low)
        ranks[id(r)] = better + 1
    rows = [
        Ranked(shown(indicator, r, month), ranks.get(id(r)), r.organisation_id) for r in results
    ]

    def order(row: Ranked) -> tuple[int, float, str]:
        value = row.figure.value
        return (
            row.rank if row.rank is not None else 10**6,
            (-(value or 0) if higher else (value or 0)) if value is not None else float("inf"),
            row.figure.label,
        )

    return sorted(rows, key=order)


def by_departement(indicator: Indicator, *, month: dt.date, organisation_id: int) -> list[Shown]:
    """The organisation's figure in every département where it has one (for the map)."""

    def read() -> list[Shown]:
        results = Result.objects.filter(
            indicator=indicator,
            level=Level.DEPARTEMENT,
            month=month,
            organisation_id=organisation_id,
        ).defer(*_PROVENANCE)
        return [shown(indicator, r, month) for r in results.order_by("key")]

    return _remembered(
        "by_departement", (indicator.pk, indicator.updated_at, month, organisation_id), read
    )


def unit_suffix(indicator: Indicator) -> str:
    suffixes: dict[str, str] = {
        Unit.SHARE: "%",
        Unit.SECONDS: "s",
        Unit.WORKING_DAYS: "j. ouvrés",
        Unit.SCORE: "/ 5",
    }
    return suffixes[indicator.unit]


def formatted(indicator: Indicator, value: float | None) -> str:
    """A value in French: « 87,4 % », « 42 s », « 2,1 j. ouvrés », « 4,2 / 5 »."""
    if value is None:
        return "—"
    if indicator.unit == Unit.SHARE:
        return french.percent(value)
    decimals = 0 if indicator.unit == Unit.SECONDS else 1
    return french.with_unit(french.number(value, decimals), unit_suffix(indicator))


def export_rows(
    *, indicator: Indicator | None = None, months: tuple[dt.date, dt.date] | None = None
) -> QuerySet[Result]:
    """Results for open data and the API: published indicators only; the caller drops
    what ``shown`` withholds."""
    results = Result.objects.filter(indicator__is_published=True).select_related(
        "indicator", "organisation"
    )
    if indicator is not None:
        results = results.filter(indicator=indicator)
    if months is not None:
        results = results.filter(month__gte=months[0], month__lte=months[1])
    return results.order_by("indicator__position", "level", "organisation_id", "key", "month")


def month_range(last: dt.date, months: int) -> list[dt.date]:
    return [add_months(month_of(last), -i) for i in range(months - 1, -1, -1)]


def as_dict(indicator: Indicator, figure: Shown) -> dict[str, Any]:
    return {
        "indicator": indicator.code,
        "month": figure.month_code,
        "key": figure.key,
        "label": figure.label,
        "value": figure.value,
        "n": figure.n,
        "numerator": figure.numerator if figure.value is not None else None,
        "denominator": figure.denominator if figure.value is not None else None,
        "ci_low": figure.ci_low,
        "ci_high": figure.ci_high,
        "response_rate": figure.response_rate,
        "source": "declare" if figure.declared else "calcule",
        "withheld_reason": figure.reason,
    }


__all__ = ["add_months", "next_month"]


# --- Back office: managers' dashboard, drill-down, targets and alerts -------------------------

# Calculators whose figures count contacts of the hub: a manager drills down from them to
# the conversations of the month and place. ``date basis`` says which moment places them.
CONTACT_CALCULATORS = frozenset(
    {
        "answered_rate",
        "wait_mean",
        "wait_percentile",
        "answered_within",
        "within_deadline",
        "resolution_census",
        "france_services_end_to_end",
        "survey_fcr",
        "survey_satisfaction",
        "survey_satisfaction_share",
        "survey_effort",
    }
)
# The levels a manager drills into, finest last, with their French headings.
DRILL_LEVELS = (
    (Level.REGION, "Par région"),
    (Level.DEPARTEMENT, "Par département"),
    (Level.SERVICE, "Par service local"),
    (Level.SITE, "Par lieu d’accueil"),
)


def is_contact_indicator(indicator: Indicator) -> bool:
    return indicator.calculator in CONTACT_CALCULATORS


def target_met(indicator: Indicator, value: float | None, target: float | None) -> bool | None:
    """Whether ``value`` meets ``target`` in the indicator's direction (``None`` when
    either is missing)."""
    if value is None or target is None:
        return None
    if indicator.direction == Direction.HIGHER:
        return value >= target
    return value <= target


def targets_of(organisation_id: int) -> dict[int, float]:
    """Indicator id → the organisation's target."""
    return dict(
        IndicatorTarget.objects.filter(organisation_id=organisation_id).values_list(
            "indicator_id", "value"
        )
    )


def _months_holding(count: int | None, **place: Any) -> list[dt.date]:
    """The latest ``count`` months (all of them for ``None``) holding results of a place
    or an indicator, newest first."""
    months = (
        Result.objects.filter(**place).values_list("month", flat=True).distinct().order_by("-month")
    )
    return list(months[:count] if count is not None else months)


def organisation_months(organisation_id: int, *, count: int = 13) -> list[dt.date]:
    """The latest ``count`` months holding the organisation's national results, newest
    first."""
    return _months_holding(count, organisation_id=organisation_id, level=Level.ORGANISATION)


def service_months(service: Any, *, count: int = 13) -> list[dt.date]:
    """The latest ``count`` months holding results of a local service, newest first."""
    return _months_holding(
        count, organisation_id=service.organisation_id, level=Level.SERVICE, key=str(service.pk)
    )


@dataclass(frozen=True)
class DashboardRow:
    card: Card
    alert: Any  # the ``TargetAlert`` of this indicator and month, if one was sent
    drills: bool  # a contact indicator: its figures lead to conversations

    @property
    def missed(self) -> bool:
        return self.card.meets_target is False


def dashboard(organisation: Any, *, month: dt.date) -> list[DashboardRow]:
    """The organisation's published indicators for ``month`` at its national level,
    with target met or missed and the alert sent, in catalogue order (a few queries,
    whatever the number of indicators: ``cards``)."""
    from parvis.quality.models import TargetAlert

    alerts = {
        a.indicator_id: a
        for a in TargetAlert.objects.filter(organisation=organisation, month=month)
    }
    indicators = [i for i in published_indicators() if Level.ORGANISATION in i.levels]
    found = cards(
        indicators,
        level=Level.ORGANISATION,
        organisation_id=organisation.pk,
        key=organisation.slug,
        month=month,
    )
    return [
        DashboardRow(
            found_card,
            alerts.get(found_card.indicator.pk),
            is_contact_indicator(found_card.indicator),
        )
        for found_card in found
    ]


def service_dashboard(service: Any, *, month: dt.date) -> list[DashboardRow]:
    """A local service's published indicators for ``month``, beside its organisation's
    national figure and targets (the targets are the organisation's: no alert is sent
    for a service), in catalogue order."""
    indicators = [i for i in published_indicators() if Level.SERVICE in i.levels]
    found = cards(
        indicators,
        level=Level.SERVICE,
        organisation_id=service.organisation_id,
        key=str(service.pk),
        month=month,
    )
    return [
        DashboardRow(found_card, None, is_contact_indicator(found_card.indicator))
        for found_card in found
    ]


@dataclass(frozen=True)
class PlaceFigure:
    """One territory of the organisation for a month, as its managers read it: the value
    even below the publication minimum (said so), n, numerator and denominator."""

    result: Result
    level: str
    value: str
    published: bool
    meets_target: bool | None

    @property
    def label(self) -> str:
        return self.result.label or self.result.key


def breakdown(
    indicator: Indicator, *, organisation_id: int, month: dt.date, target: float | None
) -> list[tuple[str, str, list[PlaceFigure]]]:
    """The indicator's figures of ``month`` in each territory of the organisation, per
    level (level, French heading, rows sorted by label). Staff see every figure of their
    organisation; ``published`` says whether the public sees it too."""
    results = Result.objects.filter(
        indicator=indicator,
        organisation_id=organisation_id,
        month=month,
        level__in=[level for level, _ in DRILL_LEVELS],
    )
    grouped: dict[str, list[PlaceFigure]] = defaultdict(list)
    for result in results:
        grouped[result.level].append(
            PlaceFigure(
                result,
                result.level,
                formatted(indicator, result.value),
                result.is_publishable(indicator),
                target_met(indicator, result.value, target),
            )
        )
    return [
        (level, heading, sorted(grouped[level], key=lambda row: row.label.casefold()))
        for level, heading in DRILL_LEVELS
        if grouped.get(level)
    ]


@dataclass(frozen=True)
class MissedTarget:
    indicator: Indicator
    organisation: Any
    value: float
    target: float
    n: int


def missed_targets(*, month: dt.date) -> list[MissedTarget]:
    """Every organisation target missed by the organisation's national figure of
    ``month``, as the public reads it (a figure withheld misses nothing)."""
    targets = IndicatorTarget.objects.select_related("indicator", "organisation")
    results = {
        (r.indicator_id, r.organisation_id): r
        for r in Result.objects.filter(
            month=month,
            level=Level.ORGANISATION,
            indicator__in=targets.values("indicator"),
        )
    }
    missed = []
    for target in targets.order_by("organisation_id", "indicator__position"):
        result = results.get((target.indicator_id, target.organisation_id))
        if result is None or result.key != target.organisation.slug:
            continue
        figure = shown(target.indicator, result, month)
        if target_met(target.indicator, figure.value, target.value) is False:
            assert figure.value is not None
            missed.append(
                MissedTarget(
                    target.indicator, target.organisation, figure.value, target.value, figure.n
                )
            )
    return missed


def recent_alerts(organisation_id: int, *, count: int = 10) -> QuerySet[Any]:
    from parvis.quality.models import TargetAlert

    return (
        TargetAlert.objects.filter(organisation_id=organisation_id)
        .select_related("indicator")
        .order_by("-month", "indicator__position")[:count]
    )


def catalogue_for_admin() -> QuerySet[Indicator]:
    """Every indicator, published or not, in catalogue order (platform admins)."""
    return Indicator.objects.order_by("position", "code")


# --- Public pages (publication): batched reads -----------------------------------------------


def cards(
    indicators: list[Indicator] | QuerySet[Indicator],
    *,
    level: str,
    organisation_id: int | None,
    key: str,
    month: dt.date,
) -> list[Card]:
    """``card`` for several indicators of one place, in two queries whatever their number:
    the place's 13 months (trend and the same month a year before), the organisation's
    national figures and all organisations' of ``month`` in one; the targets in the other."""
    indicators = list(indicators)
    if not indicators:
        return []
    first = add_months(month, -12)
    national_wanted = organisation_id is not None and level != Level.ORGANISATION
    wanted = Q(_place(organisation_id), level=level, key=key, month__gte=first, month__lte=month)
    if national_wanted:
        wanted |= Q(level=Level.ORGANISATION, organisation_id=organisation_id, month=month)
    wanted |= Q(level=Level.NATIONAL, organisation=None, key="", month=month)
    mine: dict[tuple[int, dt.date], Result] = {}
    national: dict[int, Result] = {}
    everyone: dict[int, Result] = {}
    for result in Result.objects.filter(wanted, indicator__in=indicators):
        if (
            result.level == level
            and result.organisation_id == organisation_id
            and result.key == key
        ):
            mine[(result.indicator_id, result.month)] = result
        if result.month != month:
            continue
        if result.level == Level.ORGANISATION and result.organisation_id == organisation_id:
            national[result.indicator_id] = result
        if result.level == Level.NATIONAL and result.organisation_id is None:
            everyone[result.indicator_id] = result
    targets: dict[int, float] = (
        dict(
            IndicatorTarget.objects.filter(
                indicator__in=indicators, organisation_id=organisation_id
            ).values_list("indicator_id", "value")
        )
        if organisation_id
        else {}
    )
    trend_months = [add_months(first, i) for i in range(1, 13)]
    return [
        Card(
            indicator,
            shown(indicator, mine.get((indicator.pk, month)), month),
            shown(indicator, mine.get((indicator.pk, first)), first),
            shown(indicator, national.get(indicator.pk), month) if national_wanted else None,
            shown(indicator, everyone.get(indicator.pk), month) if indicator.harmonised else None,
            targets.get(indicator.pk),
            [shown(indicator, mine.get((indicator.pk, m)), m) for m in trend_months],
        )
        for indicator in indicators
    ]


def month_bounds(
    *,
    indicator: Indicator | None = None,
    place: tuple[str, int | None, str] | None = None,
) -> tuple[dt.date, dt.date] | None:
    """The first and last months holding published results (of one indicator, or of one
    place given as level × organisation × key), or ``None`` when there are none."""
    from django.db.models import Min

    def read() -> tuple[dt.date, dt.date] | None:
        results = Result.objects.filter(indicator__is_published=True)
        if indicator is not None:
            results = results.filter(indicator=indicator)
        if place is not None:
            level, organisation_id, key = place
            results = results.filter(_place(organisation_id), level=level, key=key)
        bounds = results.aggregate(first=Min("month"), last=Max("month"))
        if bounds["last"] is None:
            return None
        return bounds["first"], bounds["last"]

    return _remembered("month_bounds", (indicator.pk if indicator else None, place), read)


def organisations_with_results(indicator: Indicator, *, level: str) -> set[int]:
    """Organisations holding at least one result of ``indicator`` at ``level``."""
    return _remembered(
        "organisations_with_results",
        (indicator.pk, level),
        lambda: set(
            Result.objects.filter(indicator=indicator, level=level)
            .exclude(organisation=None)
            .values_list("organisation_id", flat=True)
            .distinct()
        ),
    )


@dataclass(frozen=True)
class Revision:
    """A dated change of a frozen month, as the public reads it: a value below the
    indicator's ``min_n_publish`` is withheld (``None``) on either side."""

    indicator: Indicator
    label: str
    level: str
    month: dt.date
    revised_at: dt.datetime
    previous: float | None
    value: float | None

    @property
    def month_label(self) -> str:
        return month_label(self.month)


def revisions_recent(*, count: int = 20) -> list[Revision]:
    """The latest dated revisions of published indicators' frozen months, newest first."""
    from parvis.quality.models import ResultRevision

    def public(value: float | None, n: int, indicator: Indicator) -> float | None:
        return value if value is not None and n >= indicator.min_n_publish else None

    revisions = (
        ResultRevision.objects.filter(result__indicator__is_published=True)
        .select_related("result__indicator")
        .order_by("-revised_at", "-pk")[:count]
    )
    return [
        Revision(
            r.result.indicator,
            r.result.label or r.result.key,
            r.result.level,
            r.result.month,
            r.revised_at,
            public(r.previous_value, r.previous_n, r.result.indicator),
            public(r.value, r.n, r.result.indicator),
        )
        for r in revisions
    ]


# --- A level's results of a month or of several months together; the voice of users' -----
# --- breakdowns (themes, refusals by reason) read from the facts -----------------------------


def results_at(
    indicators: list[Indicator],
    *,
    level: str,
    last: dt.date,
    months: int = 1,
    organisation_id: int | None = None,
    key: str | None = None,
) -> list[Result]:
    """The results of ``indicators`` at ``level``: the stored ones of the month ``last``
    (``months=1``), or the ``months`` months up to ``last`` taken together, computed from
    the facts by the catalogue's calculators as ``services.results_compute`` computes a
    month (unsaved, ``month`` is ``last``; only for indicators whose facts have no channel:
    the voice of users and simplification, few facts). ``organisation_id`` keeps one
    organisation's results, ``key`` one territory's."""
    from django.utils import timezone

    from parvis.quality import rollup

    if months == 1:
        stored = Result.objects.filter(indicator__in=indicators, level=level, month=last)
        if organisation_id is not None:
            stored = stored.filter(organisation_id=organisation_id)
        if key is not None:
            stored = stored.filter(key=key)
        return list(stored.order_by("organisation_id", "key"))
    # Only the facts of the place asked for, when one is (its level's groups are whole).
    where = Q()
    if level != Level.NATIONAL and organisation_id is not None:
        where &= Q(organisation_id=organisation_id)
    if key is not None and level in (Level.SERVICE, Level.DEPARTEMENT, Level.REGION):
        where &= Q(**{_FACT_PLACE_COLUMNS[level][-1]: key})
    groups = {
        group: sums
        for group, sums in rollup.month_sums(
            month_range(last, months), voice_only=True, window=True, where=where
        ).items()
        if group[0] == level
        and (organisation_id is None or group[1] == organisation_id)
        and (key is None or group[2] == key)
    }
    computed = rollup.compute(indicators, groups, rollup.labels(), timezone.now())
    return sorted(computed.values(), key=lambda r: (r.organisation_id or 0, r.key))


# Level → the facts' columns that name its places (``Result.key`` is the last one's value).
_FACT_PLACE_COLUMNS: dict[str, tuple[str, ...]] = {
    Level.NATIONAL: (),
    Level.ORGANISATION: ("organisation_id",),
    Level.DEPARTEMENT: ("organisation_id", "departement_id"),
    Level.REGION: ("organisation_id", "departement__region_id"),
    Level.SERVICE: ("organisation_id", "local_service_id"),
}
Place = tuple[int | None, str]  # organisation (None for all), ``Result.key``


def _by_place(
    facts: QuerySet[Any],
    sums: dict[str, Any],
    *,
    level: str,
    last: dt.date,
    months: int,
    organisation_id: int | None,
    key: str | None,
    extra: tuple[str, ...] = (),
) -> list[tuple[Place, dict[str, Any]]]:
    """``sums`` of ``facts`` per place of ``level`` (and ``extra`` columns) over
    the ``months`` months up to ``last``; one place when ``organisation_id`` and ``key``
    are given."""
    if level not in _FACT_PLACE_COLUMNS:
        raise ValueError(f"no voice facts at level {level}")
    columns = _FACT_PLACE_COLUMNS[level]
    found = facts.filter(
        month__gte=add_months(month_of(last), -(months - 1)), month__lte=month_of(last)
    )
    if level != Level.NATIONAL:
        found = found.exclude(**{f"{columns[-1]}__isnull": True})
        if organisation_id is not None:
            found = found.filter(organisation_id=organisation_id)
        if key is not None:
            # An organisation's results are keyed by its slug, the others by the column.
            lookup = "organisation__slug" if level == Level.ORGANISATION else columns[-1]
            found = found.filter(**{lookup: key})
    if not columns and not extra:
        # Nationally, nothing to group by: one sum (``values()`` alone would group by
        # every column).
        total = found.aggregate(**sums)
        return [((None, ""), total)] if any(v is not None for v in total.values()) else []
    rows = found.values(*columns, *extra).annotate(**sums).order_by()
    slugs: dict[int, str] = {}
    if level == Level.ORGANISATION:
        from parvis.directory.models import Organisation

        slugs = dict(Organisation.objects.values_list("pk", "slug"))
    places = []
    for row in rows:
        if not columns:
            place: Place = (None, "")
        elif level == Level.ORGANISATION:
            place = (row["organisation_id"], slugs.get(row["organisation_id"], ""))
        else:
            place = (row["organisation_id"], str(row[columns[-1]]))
        places.append((place, row))
    return places


# ``theme_counts``'s measures: the ``ThemeFact`` columns it may sum.
THEME_MEASURES = ("experiences", "negative")


def theme_counts(
    *,
    level: str,
    last: dt.date,
    months: int = 1,
    organisation_id: int | None = None,
    key: str | None = None,
    measure: str = "experiences",
) -> dict[Place, dict[str, int]]:
    """Published experiences citing each theme per place of ``level`` (``ThemeFact``) in
    the ``months`` months up to ``last``, the most cited first; ``measure="negative"``
    counts the negative ones only (a theme none of them cites is left out). The caller
    shows them only where the place's count of experiences is published."""
    from django.db.models import Sum

    from parvis.quality.models import ThemeFact

    if measure not in THEME_MEASURES:
        raise ValueError(f"no theme measure {measure!r}")
    counts: dict[Place, dict[str, int]] = defaultdict(dict)
    rows = _by_place(
        ThemeFact.objects.filter(**{f"{measure}__gt": 0}),
        {"count": Sum(measure)},
        level=level,
        last=last,
        months=months,
        organisation_id=organisation_id,
        key=key,
        extra=("theme_id",),
    )
    for place, row in sorted(rows, key=lambda item: (-item[1]["count"], item[1]["theme_id"])):
        counts[place][row["theme_id"]] = row["count"]
    return dict(counts)


def voice_fact_sums(
    columns: list[str] | tuple[str, ...],
    *,
    level: str,
    last: dt.date,
    months: int = 1,
    organisation_id: int | None = None,
    key: str | None = None,
) -> dict[Place, dict[str, int]]:
    """Measures of the facts without a channel (``measures``: e.g. the refusals by
    charter reason) summed per place of ``level`` over the ``months`` months up to
    ``last``."""
    from django.db.models import Sum

    from parvis.quality.models import DailyFact

    rows = _by_place(
        DailyFact.objects.filter(channel=None),
        {f"s_{column}": Sum(column) for column in columns},
        level=level,
        last=last,
        months=months,
        organisation_id=organisation_id,
        key=key,
    )
    return {
        place: {column: int(row[f"s_{column}"] or 0) for column in columns} for place, row in rows
    }


def months_with_results(indicator: Indicator, *, level: str = Level.NATIONAL) -> list[dt.date]:
    """Months holding a result of ``indicator`` at ``level``, newest first."""
    return _months_holding(None, indicator=indicator, level=level)
