"""Reads of publication: the public listing, one experience, figures, open-data files.

Everything here reads the read model (``PublicExperience``) and the summaries, never
``voice``'s rows: what these functions return is public by construction. (Delays are
counted on the place ``voice.selectors.place_of`` gives, a pure function of the row.)
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from parvis.core import text
from parvis.core.charter import CharterReason
from parvis.core.errors import ParvisError
from parvis.core.memo import ProcessMemo
from parvis.directory import servicelevels
from parvis.directory.models import LocalService, Motif, Organisation, Theme
from parvis.publication import search
from parvis.publication.models import (
    LAST_12_MONTHS,
    FigureScope,
    OpenDataFile,
    PublicExperience,
    PublicExperienceTheme,
)
from parvis.quality import measures
from parvis.quality import public as quality_public
from parvis.quality import selectors as quality
from parvis.quality.models import Indicator, Result
from parvis.territories.models import Departement
from parvis.voice.selectors import place_of

# Counting every match of a broad query would read the whole table: counts stop here
# (« plus de 1 000 expériences »; refine the criteria to see the rest).
COUNT_CAP = 1_000


class Sort:
    DATE = "date"
    RELEVANCE = "pertinence"
    CHOICES = ((DATE, "Les plus récentes d’abord"), (RELEVANCE, "Les plus pertinentes d’abord"))


@dataclass(frozen=True)
class ExperienceFilters:
    """Criteria of the public listing; empty values mean « any »."""

    q: str = ""
    organisation: str = ""  # slug
    service: str = ""  # local service slug
    departement: str = ""  # INSEE code
    motif: str = ""  # motif slug (with ``organisation`` it names exactly one motif)
    journey_stage: str = ""  # slug
    channel: str = ""  # slug
    tone: str = ""  # positif, neutre, negatif
    theme: str = ""  # slug
    answered: bool | None = None
    # Only the experiences still unanswered past their due date at this moment (the time
    # of reading: « en retard » is never a stored flag).
    late_at: dt.datetime | None = None
    published_from: dt.date | None = None
    published_to: dt.date | None = None
    sort: str = ""  # "" → relevance with a query, date otherwise

    @property
    def effective_sort(self) -> str:
        if self.sort in {Sort.DATE, Sort.RELEVANCE}:
            return self.sort if search.terms(self.q) else Sort.DATE
        return Sort.RELEVANCE if search.terms(self.q) else Sort.DATE


# The publication days a listing is filtered on (``published_from``, ``published_to``):
# the search form and the API call these two rules.
PUBLISHED_EARLIEST, PUBLISHED_LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


def validate_published_day(day: dt.date) -> None:
    if not PUBLISHED_EARLIEST <= day <= PUBLISHED_LATEST:
        raise ParvisError(
            "date_out_of_range",
            f"Indiquez une date entre le {PUBLISHED_EARLIEST:%d/%m/%Y} et le "
            f"{PUBLISHED_LATEST:%d/%m/%Y}.",
        )


def validate_published_period(start: dt.date | None, end: dt.date | None) -> None:
    if start and end and start > end:
        raise ParvisError(
            "period_reversed", "La date de début doit précéder la date de fin.", "published_to"
        )


# Dates outside this range cannot be converted between time zones safely.
_FIRST_DAY, _LAST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 30)


def _day_start(day: dt.date, *, days_after: int = 0) -> dt.datetime:
    day = min(max(day, _FIRST_DAY), _LAST_DAY) + dt.timedelta(days=days_after)
    return dt.datetime.combine(day, dt.time.min, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def _filtered(filters: ExperienceFilters) -> QuerySet[PublicExperience]:
    """Matching rows, unsorted. Slugs are resolved to ids first so each filter is an
    equality on an indexed column (no join in the big query)."""
    qs = PublicExperience.objects.all()
    if filters.organisation:
        organisation_id = (
            Organisation.objects.filter(slug=filters.organisation)
            .values_list("pk", flat=True)
            .first()
        )
        if organisation_id is None:
            return qs.none()
        qs = qs.filter(organisation_id=organisation_id)
    if filters.service:
        service_id = (
            LocalService.objects.filter(slug=filters.service).values_list("pk", flat=True).first()
        )
        if service_id is None:
            return qs.none()
        qs = qs.filter(local_service_id=service_id)
    if filters.motif:
        motifs = Motif.objects.filter(slug=filters.motif)
        if filters.organisation:
            motifs = motifs.filter(organisation__slug=filters.organisation)
        motif_ids = list(motifs.values_list("pk", flat=True))
        if not motif_ids:
            return qs.none()
        qs = (
            qs.filter(motif_id=motif_ids[0])
            if len(motif_ids) == 1
            else qs.filter(motif_id__in=motif_ids)
        )
    if filters.departement:
        qs = qs.filter(departement_id=filters.departement.upper())
    if filters.journey_stage:
        qs = qs.filter(journey_stage_id=filters.journey_stage)
    if filters.channel:
        qs = qs.filter(channel_id=filters.channel)
    if filters.tone:
        qs = qs.filter(tone=filters.tone)
    if filters.theme:
        qs = qs.filter(
            pk__in=PublicExperienceTheme.objects.filter(theme_id=filters.theme).values(
                "experience_id"
            )
        )
    if filters.answered is not None:
        qs = qs.filter(is_answered=filters.answered)
    if filters.late_at is not None:
        # The same rule as ``PublicExperience.is_late_at``.
        qs = qs.filter(is_answered=False, is_archived=False, answer_due_at__lte=filters.late_at)
    if filters.published_from:
        qs = qs.filter(published_at__gte=_day_start(filters.published_from))
    if filters.published_to:
        qs = qs.filter(published_at__lt=_day_start(filters.published_to, days_after=1))
    return search.matching(qs, filters.q)


# What a listing card shows (``experience_card``) besides the names of ``card_names``.
CARD_RELATIONS = ("themes",)


@dataclass(frozen=True)
class CardNames:
    organisations: dict[int, str]
    services: dict[int, str]
    departements: dict[str, str]
    themes: dict[str, tuple[int, str, str]]  # pk → (position, slug, label)


# Read once a minute per process rather than fetched for every page (three queries of a
# listing's seven); a rename shows within the minute, in this process at once
# (``PublicationConfig.ready``).
card_names_memo = ProcessMemo("card-names", ttl=60.0)


def card_names() -> CardNames:
    """Names of organisations, local services, départements and themes shown on
    experience cards."""
    return card_names_memo.get("names", _read_card_names)


def _read_card_names() -> CardNames:
    return CardNames(
        organisations=dict(Organisation.objects.values_list("pk", "name")),
        services=dict(LocalService.objects.values_list("pk", "name")),
        departements=dict(Departement.objects.values_list("code", "name")),
        themes={
            pk: (position, slug, label)
            for pk, position, slug, label in Theme.objects.values_list(
                "pk", "position", "slug", "label"
            )
        },
    )


_RELATIONS = (
    "organisation",
    "local_service",
    "departement",
    "commune",
    "motif",
    "journey_stage",
    "channel",
    "themes",
)


def with_display_relations(
    queryset: QuerySet[PublicExperience], relations: tuple[str, ...] = _RELATIONS
) -> QuerySet[PublicExperience]:
    """Labels for display, fetched per page by id (no join in the big query)."""
    return queryset.prefetch_related(
        *(
            Prefetch("themes", queryset=Theme.objects.order_by("position", "slug"))
            if name == "themes"
            else name
            for name in relations
        )
    )


def experiences_for_public(
    *, filters: ExperienceFilters, relations: tuple[str, ...] = _RELATIONS
) -> QuerySet[PublicExperience]:
    """The public listing: filtered, searched, sorted (newest first or by relevance among
    the ``search.RELEVANCE_CANDIDATES`` newest matches), with display relations."""
    if filters.effective_sort == Sort.RELEVANCE:
        queryset = search.ranked(_filtered(filters), filters.q)
    else:
        queryset = _filtered(filters).order_by("-published_at", "-id")
    return with_display_relations(queryset, relations)


def experiences_count(*, filters: ExperienceFilters, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """How many experiences match, up to ``cap``; ``(count, capped)``."""
    count = _filtered(filters).order_by().values("pk")[: cap + 1].count()
    return min(count, cap), count > cap


class _RowsByIds(Sequence):
    """Rows of known ids, in the ids' order, fetched (with display relations) per slice."""

    def __init__(self, ids: list[int], relations: tuple[str, ...]) -> None:
        self.ids, self.relations = ids, relations

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: Any) -> Any:
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        ids = self.ids[index]
        if self.relations == CARD_RELATIONS:
            return _card_rows(ids)
        rows = {
            row.pk: row
            for row in with_display_relations(
                PublicExperience.objects.filter(pk__in=ids), self.relations
            )
        }
        return [rows[pk] for pk in ids if pk in rows]


# What ``experience_card`` reads of a row (names and theme labels come from ``card_names``).
CARD_FIELDS = (
    "id",
    "uuid",
    "title",
    "text",
    "tone",
    "is_answered",
    "is_archived",
    "answer_due_at",
    "published_at",
    "organisation",
    "local_service",
    "departement",
)


def _card_rows(ids: list[int]) -> list[PublicExperience]:
    """Rows of ``ids`` for cards, in their order, each with ``card_theme_labels``: two
    queries, no model instance per theme."""
    rows = {row.pk: row for row in PublicExperience.objects.filter(pk__in=ids).only(*CARD_FIELDS)}
    themes = card_names().themes
    links: dict[int, list[tuple[int, str, str]]] = {}
    for experience_id, theme_id in PublicExperienceTheme.objects.filter(
        experience_id__in=ids
    ).values_list("experience_id", "theme_id"):
        if theme_id in themes:
            links.setdefault(experience_id, []).append(themes[theme_id])
    for pk, row in rows.items():
        row.card_theme_labels = [label for _, _, label in sorted(links.get(pk, []))]  # type: ignore[attr-defined]
    return [rows[pk] for pk in ids if pk in rows]


def experiences_listing(
    *,
    filters: ExperienceFilters,
    need: int,
    cap: int = COUNT_CAP,
    relations: tuple[str, ...] = _RELATIONS,
) -> tuple[int, bool, Sequence[PublicExperience] | QuerySet[PublicExperience]]:
    """``(count, capped, rows)`` of the public listing; ``rows`` is sliced by the caller,
    who reads at most its first ``need`` items.

    On PostgreSQL a full-text query takes the measured route of
    ``search.ordered_matches`` (one scan gives the capped count and the page) instead of a
    count and a sorted query whose plans rest on the planner's estimate."""
    if not (search.is_postgres() and search.terms(filters.q)):
        count, capped = experiences_count(filters=filters, cap=cap)
        return count, capped, experiences_for_public(filters=filters, relations=relations)
    relevance = filters.effective_sort == Sort.RELEVANCE
    if relevance:
        need = search.RELEVANCE_CANDIDATES
    selective = (
        filters.organisation,
        filters.service,
        filters.departement,
        filters.motif,
        filters.theme,
        filters.published_from,
        filters.published_to,
    )
    ids, count, capped = search.ordered_matches(
        _filtered(replace(filters, q="")),
        filters.q,
        need=max(need, 1),
        cap=cap,
        broad=not any(selective),
    )
    if relevance:
        ranked = search.ranked_ids(ids[: search.RELEVANCE_CANDIDATES], filters.q)
        return count, capped, with_display_relations(ranked, relations)
    return count, capped, _RowsByIds(ids, relations)


def experience_for_public(uuid: uuid_lib.UUID | str) -> PublicExperience:
    """One public experience by its stable identifier; ``DoesNotExist`` otherwise."""
    return with_display_relations(PublicExperience.objects.all()).get(uuid=uuid)


@dataclass(frozen=True)
class AnswerWait:
    """How long the service has been silent on a public experience: working days of the
    experience's place since its publication, against the target its due date was
    computed with (``None`` when it has no due date), and whether it is late now."""

    working_days: int
    target_working_days: int | None
    is_late: bool


def answer_wait(experience: PublicExperience, *, now: dt.datetime) -> AnswerWait | None:
    """The silence of the service on an unanswered experience at ``now`` (the time the
    page is read), counted like the answer delay, the due date and the reminders; ``None``
    once answered or archived."""
    if experience.is_answered or experience.is_archived:
        return None
    place = place_of(experience)
    published_on = servicelevels.local_date(experience.published_at, place)
    target = None
    if experience.answer_due_at is not None:
        # The due date is the end of the target's last working day (exclusive).
        last_day = servicelevels.local_date(experience.answer_due_at, place) - dt.timedelta(days=1)
        target = servicelevels.working_days_between(published_on, last_day, place)
    return AnswerWait(
        working_days=servicelevels.working_days_elapsed(
            experience.published_at, now=now, place=place
        ),
        target_working_days=target,
        is_late=experience.is_late_at(now),
    )


# --- Figures: the experiences' indicators of the quality catalogue ---------------------------
# The figures pages, their API and the ``chiffres`` open data read the quality results
# (``quality.selectors``): a month is its stored results, « les 12 derniers mois » the
# same calculators over the twelve months' facts taken together. Below an indicator's
# ``min_n_publish`` a figure is withheld (« donnée insuffisante »); its n is always given.

# Column of the figures → code of its indicator in ``quality/catalogue.yaml``.
FIGURE_INDICATORS = {
    "answered": "experiences-repondues",
    "positive": "experiences-positives",
    "negative": "experiences-negatives",
    "delay_median": "delai-reponse-experiences",
    "delay_p90": "delai-reponse-experiences-p90",
    "rejected": "experiences-refusees",
}
TOP_THEMES = 5


class FigureSort:
    ANSWER_RATE = "taux-de-reponse"
    POSITIVE = "part-positive"
    EXPERIENCES = "nombre"
    CHOICES = (
        (ANSWER_RATE, "Taux de réponse"),
        (POSITIVE, "Part d’expériences positives"),
        (EXPERIENCES, "Nombre d’expériences"),
    )
    INDICATOR = {ANSWER_RATE: "answered", POSITIVE: "positive"}


@dataclass(frozen=True)
class FigureCell:
    """One indicator's figure at a place, as the figures pages show it."""

    indicator: Indicator
    shown: quality.Shown
    result: Result | None = None  # what the ranking reads (its interval)

    @property
    def published(self) -> bool:
        return self.shown.value is not None

    @property
    def text(self) -> str:
        """« 87,4 % », « 3,0 j. ouvrés », or « Donnée insuffisante »."""
        if self.shown.value is None:
            return "Donnée insuffisante" if self.shown.n else "—"
        return quality.formatted(self.indicator, self.shown.value)

    @property
    def n(self) -> int:
        return self.shown.n


@dataclass
class PlaceFigures:
    """The experiences' figures of one place (France, an organisation, a département of
    an organisation, a local service) for one period."""

    level: str
    organisation_id: int | None
    key: str  # the quality results' key (a local service's id, an INSEE code, a slug)
    code: str  # its public code: slug or INSEE code, "" for France
    label: str
    organisation: str  # the organisation's slug ("" for France)
    organisation_name: str
    period: str
    cells: dict[str, FigureCell | None]
    computed_at: dt.datetime | None = None
    rank: int | None = None

    def _n(self, column: str) -> int:
        cell = self.cells.get(column)
        return cell.n if cell else 0

    @property
    def experiences(self) -> int:
        """Experiences published in the period: the n of their shares."""
        return max(self._n("answered"), self._n("positive"), self._n("negative"))

    @property
    def answered(self) -> int:
        """Experiences answered: the n of the answer delays."""
        return self._n("delay_median")

    @property
    def moderated(self) -> int:
        """Moderation decisions of the period: the n of the refusal share."""
        return self._n("rejected")

    @property
    def is_rated(self) -> bool:
        cell = self.cells.get("answered")
        return bool(cell and cell.published)

    @property
    def month(self) -> dt.date | None:
        return None if self.period == LAST_12_MONTHS else _month_of_period(self.period)


def figure_indicators() -> dict[str, Indicator | None]:
    """Column → its published indicator (``None`` when an admin unpublished it)."""
    found = {
        i.code: i
        for i in quality.published_indicators().filter(code__in=FIGURE_INDICATORS.values())
    }
    return {column: found.get(code) for column, code in FIGURE_INDICATORS.items()}


def _month_of_period(period: str) -> dt.date:
    year, month = period.split("-")
    return dt.date(int(year), int(month), 1)


def _window(period: str) -> tuple[dt.date, int]:
    """(last month, months) of a period: « 12m » is the current month and the 11 before."""
    if period == LAST_12_MONTHS:
        return timezone.localdate().replace(day=1), 12
    return _month_of_period(period), 1


def figures_periods() -> list[str]:
    """Months that have figures, newest first (« YYYY-MM »)."""
    indicator = figure_indicators()["answered"]
    if indicator is None:
        return []
    return [m.strftime("%Y-%m") for m in quality.months_with_results(indicator)]


def _places(
    indicators: dict[str, Indicator | None],
    results: list[Result],
    *,
    period: str,
) -> list[PlaceFigures]:
    """``results`` of one level grouped by place, each with every column's figure."""
    column_of = {i.pk: column for column, i in indicators.items() if i is not None}
    by_place: dict[tuple[int | None, str], dict[str, Result]] = {}
    for result in results:
        by_place.setdefault((result.organisation_id, result.key), {})[
            column_of[result.indicator_id]
        ] = result
    codes = quality_public.territory_codes(results)
    organisations = {
        pk: (slug, name)
        for pk, slug, name in Organisation.objects.values_list("pk", "slug", "name")
    }
    places = []
    for (organisation_id, key), found in by_place.items():
        any_result = next(iter(found.values()))
        slug, name = organisations.get(organisation_id, ("", "")) if organisation_id else ("", "")
        cells: dict[str, FigureCell | None] = {}
        for column, indicator in indicators.items():
            if indicator is None:
                cells[column] = None
                continue
            found_result = found.get(column)
            cells[column] = FigureCell(
                indicator, quality.shown(indicator, found_result, any_result.month), found_result
            )
        places.append(
            PlaceFigures(
                level=any_result.level,
                organisation_id=organisation_id,
                key=key,
                code=codes.get((any_result.level, key), key),
                label=(
                    "France entière"
                    if any_result.level == FigureScope.NATIONAL
                    else any_result.label or key
                ),
                organisation=slug,
                organisation_name=name,
                period=period,
                cells=cells,
                computed_at=max(r.computed_at for r in found.values()),
            )
        )
    return places


def figures_at(
    *,
    level: str,
    period: str = LAST_12_MONTHS,
    organisation_id: int | None = None,
    key: str | None = None,
) -> list[PlaceFigures]:
    """The figures of every place of ``level`` (of one organisation, or one place) for a
    period, read from the quality results."""
    indicators = figure_indicators()
    wanted = [i for i in indicators.values() if i is not None]
    if not wanted:
        return []
    last, months = _window(period)
    results = quality.results_at(
        wanted,
        level=level,
        last=last,
        months=months,
        organisation_id=None if level == FigureScope.NATIONAL else organisation_id,
        key=key,
    )
    if level == FigureScope.NATIONAL:
        results = [r for r in results if r.organisation_id is None]
    return _places(indicators, results, period=period)


def figures_for(
    *,
    scope: str,
    organisation_id: int | None = None,
    key: str = "",
    period: str = LAST_12_MONTHS,
) -> PlaceFigures | None:
    """One place's figures (France: ``scope`` national, no key)."""
    found = figures_at(level=scope, period=period, organisation_id=organisation_id, key=key)
    return found[0] if found else None


def figures_ranking(
    *,
    scope: str,
    period: str = LAST_12_MONTHS,
    organisation: Organisation | None = None,
    sort: str = FigureSort.ANSWER_RATE,
) -> list[PlaceFigures]:
    """The places of a level for one period, best first, ranked as the quality results
    rank (``quality.selectors.ranked``: places whose 95 % intervals overlap share a rank;
    below the indicator's ``min_n_rank``, unranked); by number of experiences, the most
    first. Unranked places follow by name."""
    places = figures_at(
        level=scope, period=period, organisation_id=organisation.pk if organisation else None
    )
    if scope == FigureScope.ORGANISATION:
        active = set(
            Organisation.objects.administrations()
            .filter(is_active=True)
            .values_list("pk", flat=True)
        )
        places = [p for p in places if p.organisation_id in active]
    if sort == FigureSort.EXPERIENCES:
        by_number = sorted(places, key=lambda p: (-p.experiences, text.sort_key(p.label)))
        for position, place in enumerate(by_number, start=1):
            place.rank = position
        return by_number
    column = FigureSort.INDICATOR.get(sort, "answered")
    indicator = figure_indicators()[column]
    if indicator is None:
        return sorted(places, key=lambda p: text.sort_key(p.label))
    by_place = {(p.organisation_id, p.key): p for p in places}
    results = [cell.result for place in places if (cell := place.cells[column]) and cell.result]
    ordered: list[PlaceFigures] = []
    for row in quality.ranked(indicator, results, _window(period)[0]):
        found = by_place.pop((row.organisation_id, row.figure.key), None)
        if found is not None:
            found.rank = row.rank
            ordered.append(found)
    ranked_places = [p for p in ordered if p.rank is not None]
    unranked = sorted(
        [p for p in ordered if p.rank is None] + list(by_place.values()),
        key=lambda p: text.sort_key(p.label),
    )
    return ranked_places + unranked


def figures_by_month(
    *, level: str, organisation_id: int | None = None, key: str = "", months: int = 12
) -> list[PlaceFigures]:
    """One place's figures of each of the latest ``months`` months that have any, oldest
    first (the stored monthly results)."""
    indicators = figure_indicators()
    wanted = [i for i in indicators.values() if i is not None]
    if not wanted:
        return []
    results = Result.objects.filter(indicator__in=wanted, level=level, key=key)
    results = (
        results.filter(organisation=None)
        if level == FigureScope.NATIONAL or organisation_id is None
        else results.filter(organisation_id=organisation_id)
    )
    kept = list(results.order_by("-month").values_list("month", flat=True).distinct()[:months])
    by_month: dict[dt.date, list[Result]] = {}
    for result in results.filter(month__in=kept):
        by_month.setdefault(result.month, []).append(result)
    return [
        _places(indicators, by_month[month], period=month.strftime("%Y-%m"))[0]
        for month in sorted(by_month)
    ]


def _place_filters(place: PlaceFigures) -> dict[str, Any]:
    if place.level == FigureScope.NATIONAL:
        return {}
    return {"organisation_id": place.organisation_id, "key": place.key}


def themes_by_place(
    *, level: str, period: str, organisation_id: int | None = None, key: str | None = None
) -> dict[quality.Place, list[dict[str, Any]]]:
    """Per place of ``level``: the themes most cited by its experiences of the period
    (``TOP_THEMES`` at most, from the quality facts), each with its count in the period
    before, of the same length."""
    last, months = _window(period)
    where: dict[str, Any] = {"level": level, "organisation_id": organisation_id, "key": key}
    current = quality.theme_counts(**where, last=last, months=months)
    previous = quality.theme_counts(**where, last=quality.add_months(last, -months), months=months)
    labels = dict(Theme.objects.values_list("slug", "label"))
    return {
        place: [
            {
                "slug": slug,
                "label": labels.get(slug, slug),
                "count": count,
                "previous": previous.get(place, {}).get(slug, 0),
            }
            for slug, count in list(counts.items())[:TOP_THEMES]
        ]
        for place, counts in current.items()
    }


def figure_themes(place: PlaceFigures) -> list[dict[str, Any]]:
    """``themes_by_place`` of one place, only where its count of experiences is
    published."""
    if not place.is_rated:
        return []
    found = themes_by_place(level=place.level, period=place.period, **_place_filters(place))
    return found.get((place.organisation_id, place.key), [])


def rejections_by_place(
    *, level: str, period: str, organisation_id: int | None = None, key: str | None = None
) -> dict[quality.Place, list[dict[str, Any]]]:
    """Per place of ``level``: the refusals of the period by charter reason."""
    last, months = _window(period)
    sums = quality.voice_fact_sums(
        measures.REJECTION_COLUMNS,
        level=level,
        last=last,
        months=months,
        organisation_id=organisation_id,
        key=key,
    )
    reasons = zip(measures.REJECTION_REASONS, measures.REJECTION_COLUMNS, strict=True)
    labels = [(reason, str(CharterReason(reason).label), column) for reason, column in reasons]
    return {
        place: [
            {"code": reason, "label": label, "count": counts[column]}
            for reason, label, column in labels
            if counts[column]
        ]
        for place, counts in sums.items()
    }


def figure_rejections(place: PlaceFigures) -> list[dict[str, Any]]:
    """``rejections_by_place`` of one place, only where its refusal share is published."""
    cell = place.cells.get("rejected")
    if cell is None or not cell.published:
        return []
    found = rejections_by_place(level=place.level, period=place.period, **_place_filters(place))
    return found.get((place.organisation_id, place.key), [])


# --- Open data ---------------------------------------------------------------------------------


def opendata_files(*, dataset: str = "", file_format: str = "") -> QuerySet[OpenDataFile]:
    files = OpenDataFile.objects.all()
    if dataset:
        files = files.filter(dataset=dataset)
    if file_format:
        files = files.filter(format=file_format)
    return files.order_by("dataset", "format")


def opendata_file(name: str) -> OpenDataFile:
    return OpenDataFile.objects.get(name=name)
