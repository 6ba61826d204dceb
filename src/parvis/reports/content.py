"""What a periodic report says, read from the apps below it (reads only, public data only).

- Key figures: the organisation's published indicators (all organisations': the
  harmonised ones) through ``quality.selectors.card`` and ``shown``: a figure below its
  indicator's ``min_n_publish`` is withheld with its reason, never shown. A year pools
  its published months where the definition allows it (a share or a census mean:
  Σ numerator ÷ Σ denominator of the months shown, so a withheld month adds nothing),
  and otherwise gives the range of the months shown.
- Evolution: against the previous month and the same month a year before (a year: the
  year before).
- Best and worst territories: ``quality.selectors.ranking`` at département level for an
  organisation (between organisations for the national report), ranked rows only, and
  only when the ranks differ (intervals that all overlap rank nobody apart). A year
  reads the ranking of its last month, and says so.
- Main pain points: the most frequent themes of the negative experiences published in
  the period, and the counts of published and negative experiences, from the quality
  facts (``quality.selectors.theme_counts`` and ``voice_fact_sums``: the figures engine
  of the indicators, whose day is the publication's local day at the experience's place).
- Actions on simplification requests: the published requests decided or done in the
  period, with their public status (``simplification.selectors.requests_for_public``).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse

from parvis.core import metrics
from parvis.core.french import number, percent, plural_suffix, with_unit
from parvis.core.http import absolute_url
from parvis.core.text import sort_key
from parvis.directory.models import Organisation, Theme
from parvis.quality import selectors as quality
from parvis.quality.models import Direction, Indicator, IndicatorTarget, Level, Result, Unit
from parvis.reports.models import PeriodKind
from parvis.simplification.models import DeclineReason, Status
from parvis.simplification.selectors import requests_for_public

TOP_THEMES = 5
TOP_TERRITORIES = 3
SIMPLIFICATION_ROWS = 20
MINUS = "\u2212"


# --- Periods ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date  # first day of the month or of the year

    @property
    def months(self) -> list[dt.date]:
        count = 12 if self.kind == PeriodKind.YEARLY else 1
        return [quality.add_months(self.start, i) for i in range(count)]

    @property
    def last_month(self) -> dt.date:
        return self.months[-1]

    @property
    def end(self) -> dt.date:
        """The first day after the period."""
        return quality.add_months(self.last_month, 1)

    @property
    def previous(self) -> Period:
        step = -12 if self.kind == PeriodKind.YEARLY else -1
        return Period(self.kind, quality.add_months(self.start, step))

    @property
    def year_before(self) -> Period:
        return Period(self.kind, quality.add_months(self.start, -12))

    @property
    def label(self) -> str:
        """« octobre 2026 », « 2026 »."""
        if self.kind == PeriodKind.YEARLY:
            return str(self.start.year)
        return quality.month_label(self.start)

    @property
    def code(self) -> str:
        return f"{self.start:%Y}" if self.kind == PeriodKind.YEARLY else f"{self.start:%Y-%m}"

    def moments(self) -> tuple[dt.datetime, dt.datetime]:
        """The period as aware datetimes in the platform's time zone, end excluded."""
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        return (
            dt.datetime.combine(self.start, dt.time.min, tzinfo=zone),
            dt.datetime.combine(self.end, dt.time.min, tzinfo=zone),
        )


def period_of(kind: str, start: dt.date) -> Period:
    if kind == PeriodKind.YEARLY:
        return Period(kind, dt.date(start.year, 1, 1))
    return Period(kind, start.replace(day=1))


# --- Numbers in French -------------------------------------------------------------------------


def change_text(indicator: Indicator, delta: float) -> str:
    """A difference in the indicator's unit: « +2,3 pts », « −12 s », « +0,4 j. ouvrés »."""
    if indicator.unit == Unit.SHARE:
        points = round(delta * 100, 1)
        text = with_unit(number(abs(points), 1), f"pt{plural_suffix(abs(points))}")
        signed = points
    elif indicator.unit == Unit.SECONDS:
        signed = round(delta)
        text = with_unit(number(abs(signed)), "s")
    elif indicator.unit == Unit.WORKING_DAYS:
        signed = round(delta, 1)
        text = with_unit(number(abs(signed), 1), "j. ouvrés")
    else:
        signed = round(delta, 1)
        text = number(abs(signed), 1)
    if signed == 0:
        return "stable"
    return f"{'+' if signed > 0 else MINUS}{text}"


def _better(indicator: Indicator, delta: float) -> bool | None:
    if abs(delta) < 1e-12:
        return None
    return (delta > 0) == (indicator.direction == Direction.HIGHER)


# --- Key figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One figure as the report shows it: a value, or the reason it is not shown."""

    value: float | None
    n: int = 0
    reason: str = ""
    ci_low: float | None = None
    ci_high: float | None = None
    response_rate: float | None = None
    declared: bool = False
    declared_source: str = ""
    # How a year's figure was made (« 11 mois publiés sur 12 »), or its range.
    note: str = ""
    range_text: str = ""

    @classmethod
    def of(cls, shown: quality.Shown) -> Figure:
        return cls(
            value=shown.value,
            n=shown.n,
            reason=shown.reason,
            ci_low=shown.ci_low,
            ci_high=shown.ci_high,
            response_rate=shown.response_rate,
            declared=shown.declared,
            declared_source=shown.declared_source,
        )


@dataclass(frozen=True)
class Change:
    text: str
    better: bool | None  # None: stable

    @property
    def word(self) -> str:
        if self.better is None:
            return "stable"
        return "en amélioration" if self.better else "en dégradation"


@dataclass(frozen=True)
class KeyFigure:
    indicator: Indicator
    current: Figure
    previous: Figure
    year_before: Figure
    all_organisations: Figure | None
    target: float | None
    versions: tuple[int, ...]

    def text(self, figure: Figure | None) -> str:
        if figure is None:
            return "—"
        if figure.value is None:
            return figure.range_text or figure.reason or "—"
        return quality.formatted(self.indicator, figure.value)

    @property
    def value_text(self) -> str:
        return self.text(self.current)

    @property
    def previous_text(self) -> str:
        return self.text(self.previous)

    @property
    def year_before_text(self) -> str:
        return self.text(self.year_before)

    @property
    def all_organisations_text(self) -> str:
        return self.text(self.all_organisations)

    @property
    def interval_text(self) -> str:
        low, high = self.current.ci_low, self.current.ci_high
        if self.current.value is None or low is None or high is None:
            return ""
        return (
            f"intervalle de confiance à 95\u202f% : {quality.formatted(self.indicator, low)} "
            f"à {quality.formatted(self.indicator, high)}"
        )

    @property
    def response_rate_text(self) -> str:
        rate = self.current.response_rate
        if self.current.value is None or rate is None:
            return ""
        return f"taux de réponse : {percent(rate)}"

    @property
    def target_text(self) -> str:
        return quality.formatted(self.indicator, self.target) if self.target is not None else ""

    @property
    def meets_target(self) -> bool | None:
        if self.target is None or self.current.value is None:
            return None
        if self.indicator.direction == Direction.HIGHER:
            return self.current.value >= self.target
        return self.current.value <= self.target

    def _change(self, other: Figure) -> Change | None:
        if self.current.value is None or other.value is None:
            return None
        delta = self.current.value - other.value
        return Change(change_text(self.indicator, delta), _better(self.indicator, delta))

    @property
    def previous_change(self) -> Change | None:
        return self._change(self.previous)

    @property
    def year_change(self) -> Change | None:
        return self._change(self.year_before)


@dataclass(frozen=True)
class Place:
    """Where a report's key figures are read: an organisation's national results, or
    the cross-organisation figures."""

    level: str
    organisation_id: int | None
    key: str

    def results(self, period: Period) -> QuerySet[Result]:
        owner = (
            Q(organisation=None)
            if self.organisation_id is None
            else Q(organisation_id=self.organisation_id)
        )
        return Result.objects.filter(owner, level=self.level, key=self.key, month__in=period.months)

    def series(self, indicator: Indicator, last: dt.date) -> list[quality.Shown]:
        return quality.series(
            indicator,
            level=self.level,
            organisation_id=self.organisation_id,
            key=self.key,
            last=last,
        )

    @property
    def voice_place(self) -> quality.Place:
        """The place as ``quality.selectors.theme_counts`` and ``voice_fact_sums`` key it."""
        return (self.organisation_id, self.key)

    def card(self, indicator: Indicator, month: dt.date) -> quality.Card:
        return quality.card(
            indicator,
            level=self.level,
            organisation_id=self.organisation_id,
            key=self.key,
            month=month,
        )


def _place(organisation: Organisation | None) -> Place:
    if organisation is None:
        return Place(Level.NATIONAL, None, "")
    return Place(Level.ORGANISATION, organisation.pk, organisation.slug)


def _indicators(organisation: Organisation | None, period: Period) -> list[Indicator]:
    """Published indicators with a result for the place in the period (the national
    report: the harmonised ones, the only ones with a cross-organisation figure)."""
    with_results = set(_place(organisation).results(period).values_list("indicator_id", flat=True))
    return [i for i in quality.published_indicators() if i.pk in with_results]


def _poolable(indicator: Indicator, months: list[quality.Shown]) -> bool:
    """A year pools its months when each value is its numerator ÷ denominator (shares,
    means) computed by the platform; a sample mean is not pooled (its interval needs
    Σx², which results do not keep), nor a percentile."""
    if indicator.is_sample and indicator.unit != Unit.SHARE:
        return False
    for month in months:
        if month.declared or month.numerator is None or not month.denominator:
            return False
        if abs(month.numerator / month.denominator - (month.value or 0)) > 1e-9 * max(
            1.0, abs(month.value or 0)
        ):
            return False
    return True


def _year_figure(indicator: Indicator, months: list[quality.Shown]) -> Figure:
    published = [m for m in months if m.value is not None]
    if not published:
        reasons = [m.reason for m in months if m.n]
        return Figure(None, reason=reasons[0] if reasons else "pas de données")
    count = len(published)
    note = f"{count} mois publié{plural_suffix(count)} sur {len(months)}"
    if _poolable(indicator, published):
        numerator = sum(m.numerator or 0 for m in published)
        denominator = sum(m.denominator or 0 for m in published)
        low = high = None
        if indicator.is_sample:
            interval = metrics.wilson_interval(int(numerator), int(denominator))
            low, high = interval or (None, None)
        return Figure(
            numerator / denominator,
            n=sum(m.n for m in published),
            ci_low=low,
            ci_high=high,
            note=f"cumul des mois publiés ({note})",
        )
    values = [m.value for m in published if m.value is not None]
    lowest, highest = min(values), max(values)
    if lowest == highest:
        range_text = f"{quality.formatted(indicator, lowest)} chaque mois"
    else:
        range_text = (
            f"de {quality.formatted(indicator, lowest)} à "
            f"{quality.formatted(indicator, highest)} selon les mois"
        )
    return Figure(None, n=sum(m.n for m in published), range_text=range_text, note=note)


def _versions(indicator: Indicator, place: Place, period: Period) -> tuple[int, ...]:
    versions = place.results(period).filter(indicator=indicator).values_list("version", flat=True)
    return tuple(sorted(set(versions)))


def _target(indicator: Indicator, organisation: Organisation | None) -> float | None:
    if organisation is None:
        return None
    targets = IndicatorTarget.objects.filter(indicator=indicator, organisation=organisation)
    return targets.values_list("value", flat=True).first()


def key_figures(organisation: Organisation | None, period: Period) -> list[KeyFigure]:
    place = _place(organisation)
    figures = []
    for indicator in _indicators(organisation, period):
        versions = _versions(indicator, place, period)
        if period.kind == PeriodKind.MONTHLY:
            card = place.card(indicator, period.start)
            all_organisations = card.all_organisations if organisation is not None else None
            figures.append(
                KeyFigure(
                    indicator,
                    Figure.of(card.current),
                    Figure.of(card.trend[-2]),
                    Figure.of(card.year_before),
                    Figure.of(all_organisations) if all_organisations is not None else None,
                    card.target,
                    versions,
                )
            )
            continue
        previous = _year_figure(indicator, place.series(indicator, period.previous.last_month))
        all_organisations_year = None
        if organisation is not None and indicator.harmonised:
            national = _place(None).series(indicator, period.last_month)
            all_organisations_year = _year_figure(indicator, national)
        figures.append(
            KeyFigure(
                indicator,
                _year_figure(indicator, place.series(indicator, period.last_month)),
                previous,
                previous,
                all_organisations_year,
                _target(indicator, organisation),
                versions,
            )
        )
    return figures


# --- Best and worst territories --------------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    label: str
    value_text: str
    rank: int
    n: int


@dataclass(frozen=True)
class Standing:
    indicator: Indicator
    best: list[Placed]
    worst: list[Placed]
    ranked: int  # territories ranked (enough cases)


def ranking_month(organisation: Organisation | None, period: Period) -> dt.date:
    """The month whose ranking a report shows: its own, or a year's latest month with
    results of the place (December, once the year is over)."""
    latest = _place(organisation).results(period).order_by("-month").values_list("month", flat=True)
    return latest.first() or period.last_month


def standings(
    organisation: Organisation | None, month: dt.date, indicators: list[Indicator]
) -> list[Standing]:
    """For each indicator: the best and worst ranked départements of the organisation
    (organisations, nationally) in ``month``, when their ranks differ."""
    level = Level.DEPARTEMENT if organisation is not None else Level.ORGANISATION
    found = []
    for indicator in indicators:
        rows = quality.ranking(
            indicator,
            level=level,
            month=month,
            organisation_id=organisation.pk if organisation is not None else None,
        )
        ranked = [
            Placed(
                r.figure.label or r.figure.key,
                quality.formatted(indicator, r.figure.value),
                r.rank,
                r.figure.n,
            )
            for r in rows
            if r.rank is not None and r.figure.value is not None
        ]
        if len(ranked) < 2 or ranked[0].rank == ranked[-1].rank:
            continue
        size = min(TOP_TERRITORIES, len(ranked) // 2)
        first, last = ranked[0].rank, ranked[-1].rank
        best = [p for p in ranked[:size] if p.rank < last]
        worst = [p for p in ranked[::-1][:size] if p.rank > first]
        found.append(Standing(indicator, best, worst, len(ranked)))
    return found


# --- Pain points -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PainPoint:
    label: str
    count: int
    previous: int


@dataclass(frozen=True)
class PainPoints:
    experiences: int
    negative: int
    themes: list[PainPoint]


def _negative_themes(place: Place, period: Period) -> dict[str, int]:
    """Negative experiences published in ``period`` citing each theme, the most cited
    first."""
    found = quality.theme_counts(
        level=place.level,
        organisation_id=place.organisation_id,
        last=period.last_month,
        months=len(period.months),
        measure="negative",
    )
    return found.get(place.voice_place, {})


def pain_points(organisation: Organisation | None, period: Period) -> PainPoints:
    """The most frequent themes of the negative experiences published in the period, with
    their count in the period before (from the quality facts)."""
    place = _place(organisation)
    sums = quality.voice_fact_sums(
        ("experiences", "experiences_negative"),
        level=place.level,
        organisation_id=place.organisation_id,
        last=period.last_month,
        months=len(period.months),
    ).get(place.voice_place, {})
    current = _negative_themes(place, period)
    previous = _negative_themes(place, period.previous)
    labels = dict(Theme.objects.filter(pk__in=list(current)).values_list("slug", "label"))
    # Equal counts in the order of the labels the reader sees (the facts' is the slugs').
    ranked = sorted(
        current.items(), key=lambda item: (-item[1], sort_key(labels.get(item[0], item[0])))
    )
    themes = [
        PainPoint(labels.get(slug, slug), count, previous.get(slug, 0))
        for slug, count in ranked[:TOP_THEMES]
    ]
    return PainPoints(sums.get("experiences", 0), sums.get("experiences_negative", 0), themes)


# --- Simplification requests ---------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    reference: str
    organisation: str
    procedure: str
    status: str
    decided_on: dt.date
    decline_reason: str
    url: str


@dataclass(frozen=True)
class SimplificationActions:
    received: int
    accepted: int
    done: int
    declined: int
    decisions: list[Decision] = field(default_factory=list)
    more: int = 0


def simplification_actions(
    organisation: Organisation | None, period: Period
) -> SimplificationActions:
    """Published requests decided (accepted or declined) or done in the period."""
    start, end = period.moments()
    public = requests_for_public(organisation=organisation)
    decided_in = Q(decided_at__gte=start, decided_at__lt=end)
    done_in = Q(done_at__gte=start, done_at__lt=end)
    acted = public.filter(decided_in | done_in).order_by("-decided_at", "-id")
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    decisions = []
    for request in acted[:SIMPLIFICATION_ROWS]:
        moment = request.done_at if request.status == Status.DONE else request.decided_at
        decisions.append(
            Decision(
                reference=request.reference,
                organisation=request.organisation.name,
                procedure=request.procedure_name,
                status=str(Status(request.status).label),
                decided_on=(moment or start).astimezone(zone).date(),
                decline_reason=str(DeclineReason(request.decline_reason).label)
                if request.decline_reason
                else "",
                url=absolute_url(reverse("simplification:detail", args=[request.reference])),
            )
        )
    total = acted.count()
    return SimplificationActions(
        received=public.filter(received_at__gte=start, received_at__lt=end).count(),
        accepted=public.filter(decided_in, status__in=(Status.ACCEPTED, Status.DONE)).count(),
        done=public.filter(done_in, status=Status.DONE).count(),
        declined=public.filter(decided_in, status=Status.DECLINED).count(),
        decisions=decisions,
        more=max(0, total - len(decisions)),
    )


# --- Who has a report ------------------------------------------------------------------------


def organisations_with_results(period: Period) -> list[Organisation]:
    """Organisations with at least one result of their own in the period."""
    ids = Result.objects.filter(level=Level.ORGANISATION, month__in=period.months).values(
        "organisation_id"
    )
    return list(Organisation.objects.filter(pk__in=ids).order_by("sort_key"))


def has_national_results(period: Period) -> bool:
    return Result.objects.filter(level=Level.NATIONAL, month__in=period.months).exists()


# --- The whole report --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportContent:
    organisation: Organisation | None
    period: Period
    title: str
    scope_label: str
    figures: list[KeyFigure]
    ranking_month: dt.date
    standings: list[Standing]
    pain_points: PainPoints
    simplification: SimplificationActions

    @property
    def is_yearly(self) -> bool:
        return self.period.kind == PeriodKind.YEARLY

    @property
    def ranking_month_label(self) -> str:
        return quality.month_label(self.ranking_month)

    @property
    def previous_label(self) -> str:
        return self.period.previous.label

    @property
    def year_before_label(self) -> str:
        return self.period.year_before.label

    @property
    def catalogue_versions(self) -> dict[str, list[int]]:
        return {f.indicator.code: list(f.versions) for f in self.figures}


def title_of(organisation: Organisation | None, period: Period) -> str:
    kind = "annuel" if period.kind == PeriodKind.YEARLY else "mensuel"
    scope = organisation.name if organisation is not None else "Tous organismes"
    return f"Rapport {kind} de qualité — {scope} — {period.label}"


def report_content(organisation: Organisation | None, period: Period) -> ReportContent:
    figures = key_figures(organisation, period)
    month = ranking_month(organisation, period)
    return ReportContent(
        organisation=organisation,
        period=period,
        title=title_of(organisation, period),
        scope_label=organisation.name if organisation is not None else "Tous organismes",
        figures=figures,
        ranking_month=month,
        standings=standings(organisation, month, [f.indicator for f in figures]),
        pain_points=pain_points(organisation, period),
        simplification=simplification_actions(organisation, period),
    )
