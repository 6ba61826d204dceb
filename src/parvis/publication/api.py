"""Public API of publication (``/api/v1/publications``): published experiences with
filters and full-text search, one experience, figures, open-data files.

Read-only and anonymous (``auth=None``); everything comes from the public read model.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from pydantic import ValidationInfo, field_validator

from parvis.core.api_schemas import (
    InputSchema,
    IsoDate,
    PageParams,
    domain_rule,
    field_error,
    page_of,
    problems,
)
from parvis.core.errors import ParvisError
from parvis.core.numbers import one_decimal, share
from parvis.directory.models import Organisation
from parvis.publication import opendata, selectors
from parvis.publication.models import LAST_12_MONTHS, FigureScope, PublicExperience

router = Router(tags=["publication"])

SLUG = r"^[-a-zA-Z0-9_]+$"
DEPARTEMENT = r"^(\d{2,3}|2[ABab])$"
PERIOD = r"^(\d{4}-(0[1-9]|1[0-2])|12m)$"


_PUBLISHED_RANGE = (
    f"du {selectors.PUBLISHED_EARLIEST:%d/%m/%Y} au {selectors.PUBLISHED_LATEST:%d/%m/%Y}"
)
PublishedDay = Annotated[IsoDate, domain_rule(selectors.validate_published_day)]


# --- Schemas -----------------------------------------------------------------------------------


class NamedOut(Schema):
    slug: str
    name: str


class LabelledOut(Schema):
    slug: str
    label: str


class CommuneOut(Schema):
    code: str = Field(..., description="Code INSEE.")
    name: str


class AnswerOut(Schema):
    text: str = Field(..., description="Texte masqué de la réponse publique.")
    signer: str = Field(..., description="Service signataire.")
    published_at: dt.datetime
    delay_days: int | None = Field(
        None,
        description="Jours ouvrés du lieu de l’expérience (jours fériés locaux exclus) entre "
        "la publication de l’expérience et celle de la réponse.",
    )
    helpful_yes: int
    helpful_no: int


class ExperienceOut(Schema):
    id: uuid_lib.UUID = Field(..., description="Identifiant public stable.")
    url: str = Field(..., description="Page publique permanente.")
    organisation: NamedOut
    local_service: NamedOut | None
    site: NamedOut | None
    departement: str | None = Field(None, description="Code INSEE du département.")
    commune: CommuneOut | None
    motif: LabelledOut | None
    themes: list[LabelledOut]
    journey_stage: str | None = Field(None, description="Slug de l’étape du parcours.")
    channel: str | None = Field(None, description="Slug du canal.")
    tone: Literal["positif", "neutre", "negatif"] | None
    happened_on: dt.date | None
    published_at: dt.datetime
    title: str
    text: str = Field(..., description="Texte masqué (données personnelles retirées).")
    is_answered: bool
    is_archived: bool
    answer: AnswerOut | None


class ExperiencePage(page_of(ExperienceOut)):  # type: ignore[misc]
    count_capped: bool = Field(
        ...,
        description=f"Vrai si plus de {selectors.COUNT_CAP} expériences correspondent "
        "(``count`` s’arrête alors à ce nombre).",
    )


class ExperienceQuery(InputSchema):
    q: str | None = Field(
        None,
        max_length=200,
        description=(
            "Recherche plein texte en français, sans tenir compte des accents (guillemets pour "
            "une expression, `-mot` pour exclure)."
        ),
    )
    organisation: str | None = Field(None, pattern=SLUG, max_length=80)
    service: str | None = Field(
        None, pattern=SLUG, max_length=120, description="Slug du service local."
    )
    departement: str | None = Field(None, pattern=DEPARTEMENT, description="Code INSEE.")
    motif: str | None = Field(None, pattern=SLUG, max_length=80)
    journey_stage: str | None = Field(None, pattern=SLUG, max_length=50)
    channel: str | None = Field(None, pattern=SLUG, max_length=50)
    tone: Literal["positif", "neutre", "negatif"] | None = None
    theme: str | None = Field(None, pattern=SLUG, max_length=50)
    answered: bool | None = Field(None, description="Avec (true) ou sans (false) réponse.")
    published_from: PublishedDay | None = Field(
        None, description=f"Publiées à partir de ce jour (AAAA-MM-JJ, {_PUBLISHED_RANGE})."
    )
    published_to: PublishedDay | None = Field(
        None, description=f"Publiées jusqu’à ce jour inclus (AAAA-MM-JJ, {_PUBLISHED_RANGE})."
    )
    sort: Literal["date", "pertinence"] | None = Field(
        None, description="Par défaut : pertinence avec `q`, date sinon."
    )

    @field_validator("published_to")
    @classmethod
    def _period(cls, end: dt.date | None, info: ValidationInfo) -> dt.date | None:
        try:
            selectors.validate_published_period(info.data.get("published_from"), end)
        except ParvisError as error:
            raise field_error(error) from error
        return end

    def filters(self) -> selectors.ExperienceFilters:
        return selectors.ExperienceFilters(
            q=self.q or "",
            organisation=self.organisation or "",
            service=self.service or "",
            departement=self.departement or "",
            motif=self.motif or "",
            journey_stage=self.journey_stage or "",
            channel=self.channel or "",
            tone=self.tone or "",
            theme=self.theme or "",
            answered=self.answered,
            published_from=self.published_from,
            published_to=self.published_to,
            sort=self.sort or "",
        )


class FigureThemeOut(Schema):
    slug: str
    label: str
    count: int
    previous: int = Field(..., description="Nombre sur la période précédente (tendance).")


class FigureOut(Schema):
    scope: FigureScope
    key: str = Field(..., description="Slug, code INSEE, ou vide pour la France entière.")
    organisation: str | None = Field(
        None, description="Organisme (slug) d’un organisme, d’un département ou d’un service."
    )
    label: str
    period: str = Field(..., description="`AAAA-MM` ou `12m` (12 derniers mois).")
    rank: int | None = Field(
        None,
        description="Rang (partagé quand les intervalles de confiance à 95\u202f% se "
        "chevauchent) ; absent sous l’effectif minimal de classement de l’indicateur.",
    )
    experiences: int = Field(..., description="Expériences publiées (effectif des parts).")
    positive: int | None = Field(None, description="Absent quand la part n’est pas publiée.")
    negative: int | None = None
    positive_share: float | None = Field(
        None,
        description="Indicateur experiences-positives : part de 0 à 1, au millième ; absente "
        "sous l’effectif minimal de publication de l’indicateur.",
    )
    negative_share: float | None = Field(None, description="Indicateur experiences-negatives.")
    answered: int = Field(..., description="Expériences répondues (effectif des délais).")
    answer_rate: float | None = Field(None, description="Indicateur experiences-repondues.")
    delay_median_days: float | None = Field(
        None,
        description="Indicateur delai-reponse-experiences : délai médian de réponse, en jours "
        "ouvrés entiers depuis la publication de l’expérience. Absent sous l’effectif minimal.",
    )
    delay_p90_days: float | None = Field(
        None,
        description="Indicateur delai-reponse-experiences-p90 : 9e décile du délai de "
        "réponse, en jours ouvrés entiers. Absent sous l’effectif minimal.",
    )
    top_themes: list[FigureThemeOut]
    moderated: int = Field(..., description="Décisions de modération (effectif du taux).")
    rejected: int | None = None
    rejection_rate: float | None = Field(None, description="Indicateur experiences-refusees.")
    rejections_by_reason: dict[str, int]
    computed_at: dt.datetime | None = Field(None, description="Date du calcul des résultats.")


class FiguresQuery(InputSchema):
    scope: FigureScope = FigureScope.ORGANISATION
    key: str | None = Field(
        None,
        pattern=r"^[-a-zA-Z0-9_]+$",
        max_length=120,
        description="Un seul élément (slug ou code INSEE).",
    )
    period: str = Field(LAST_12_MONTHS, pattern=PERIOD)
    organisation: str | None = Field(
        None,
        pattern=SLUG,
        max_length=80,
        description="Départements ou services locaux de cet organisme.",
    )
    sort: Literal["taux-de-reponse", "part-positive", "nombre"] = "taux-de-reponse"


class OpenDataFileOut(Schema):
    name: str
    dataset: str
    format: str
    title: str
    url: str
    rows: int | None
    size: int = Field(..., description="Taille en octets.")
    sha256: str
    generated_at: dt.datetime
    licence: str


class OpenDataQuery(InputSchema):
    dataset: (
        Literal[
            "experiences",
            "demandes-simplification",
            "chiffres",
            "annuaire-organismes",
            "annuaire-services-locaux",
            "annuaire-lieux",
            "annuaire-lieux-canaux",
            "annuaire-horaires",
            "annuaire-horaires-exceptionnels",
            "indicateurs-qualite",
            "resultats-qualite",
            "resultats-services-publics-plus",
            "catalogue",
        ]
        | None
    ) = None
    format: Literal["csv", "json", "schema", "datapackage"] | None = None


# --- Adapters ----------------------------------------------------------------------------------


def _named(obj: Any, name_attr: str = "name") -> dict[str, str] | None:
    return {"slug": obj.slug, "name": getattr(obj, name_attr)} if obj is not None else None


def experience_out(request: HttpRequest, row: PublicExperience) -> dict[str, Any]:
    answer = None
    if row.is_answered and row.answer_published_at is not None:
        answer = {
            "text": row.answer_text,
            "signer": row.answer_signer,
            "published_at": row.answer_published_at,
            "delay_days": row.answer_delay_days,
            "helpful_yes": row.helpful_yes,
            "helpful_no": row.helpful_no,
        }
    return {
        "id": row.uuid,
        "url": request.build_absolute_uri(
            reverse("publication:experience_detail", args=[row.uuid])
        ),
        "organisation": _named(row.organisation),
        "local_service": _named(row.local_service),
        "site": _named(row.site),
        "departement": row.departement_id,
        "commune": {"code": row.commune.code, "name": row.commune.name} if row.commune else None,
        "motif": {"slug": row.motif.slug, "label": row.motif.label} if row.motif else None,
        "themes": [{"slug": t.slug, "label": t.label} for t in row.themes.all()],
        "journey_stage": row.journey_stage_id,
        "channel": row.channel_id,
        "tone": row.tone or None,
        "happened_on": row.happened_on,
        "published_at": row.published_at,
        "title": row.title,
        "text": row.text,
        "is_answered": row.is_answered,
        "is_archived": row.is_archived,
        "answer": answer,
    }


# --- Operations --------------------------------------------------------------------------------


@router.get(
    "/experiences",
    auth=None,
    response={200: ExperiencePage, **problems(400, 422)},
    summary="Expériences publiées (filtres, recherche)",
)
def experience_list(
    request: HttpRequest, query: Query[ExperienceQuery], page: Query[PageParams]
) -> dict[str, Any]:
    """Expériences publiées et leurs réponses, les plus récentes d’abord ou par pertinence
    (classement parmi les 300 plus récentes qui correspondent à la recherche)."""
    filters = query.filters()
    start = (page.page - 1) * page.page_size
    count, capped, listing = selectors.experiences_listing(
        filters=filters, need=min(start + page.page_size, selectors.COUNT_CAP + 1)
    )
    available = count
    if filters.effective_sort == selectors.Sort.RELEVANCE:
        available = min(count, selectors.search.RELEVANCE_CANDIDATES)
    rows: list[PublicExperience] = []
    if start < available:
        rows = list(listing[start : min(start + page.page_size, available)])
    return {
        "count": count,
        "count_capped": capped,
        "page": page.page,
        "page_size": page.page_size,
        "pages": max(1, -(-available // page.page_size)),
        "results": [experience_out(request, row) for row in rows],
    }


@router.get(
    "/experiences/{uuid}",
    auth=None,
    response={200: ExperienceOut, **problems(400, 404, 422)},
    summary="Une expérience publiée",
)
def experience_detail(request: HttpRequest, uuid: uuid_lib.UUID) -> dict[str, Any]:
    try:
        row = selectors.experience_for_public(uuid)
    except PublicExperience.DoesNotExist as exc:
        raise Http404 from exc
    return experience_out(request, row)


@router.get(
    "/chiffres",
    auth=None,
    response={200: page_of(FigureOut), **problems(400, 422)},
    summary="Chiffres par organisme, service local, département ou France entière",
)
def figure_list(
    request: HttpRequest, query: Query[FiguresQuery], page: Query[PageParams]
) -> dict[str, Any]:
    """Chiffres des expériences, lus dans le catalogue des indicateurs de qualité (mis à
    jour chaque heure) : classés d’abord, puis non classés. Chaque taux s’accompagne de
    son effectif ; sous l’effectif minimal de l’indicateur, il est absent."""
    organisation = None
    if query.organisation:
        organisation = (
            Organisation.objects.administrations().filter(slug=query.organisation).first()
        )
        if organisation is None:
            return {
                "count": 0,
                "page": page.page,
                "page_size": page.page_size,
                "pages": 1,
                "results": [],
            }
    ranking = selectors.figures_ranking(
        scope=query.scope, period=query.period, organisation=organisation, sort=query.sort
    )
    if query.key:
        ranking = [row for row in ranking if row.code == query.key]
    start = (page.page - 1) * page.page_size
    rows = ranking[start : start + page.page_size]
    owner = organisation.pk if organisation and query.scope != FigureScope.NATIONAL else None
    themes = selectors.themes_by_place(
        level=query.scope, period=query.period, organisation_id=owner
    )
    reasons = selectors.rejections_by_place(
        level=query.scope, period=query.period, organisation_id=owner
    )
    return {
        "count": len(ranking),
        "page": page.page,
        "page_size": page.page_size,
        "pages": max(1, -(-len(ranking) // page.page_size)),
        "results": [_figure_out(row, themes, reasons) for row in rows],
    }


def _figure_out(
    row: selectors.PlaceFigures,
    themes: dict[Any, list[dict[str, Any]]],
    reasons: dict[Any, list[dict[str, Any]]],
) -> dict[str, Any]:
    def value(column: str) -> float | None:
        cell = row.cells.get(column)
        return cell.shown.value if cell else None

    def numerator(column: str) -> int | None:
        cell = row.cells.get(column)
        if cell is None or cell.shown.value is None or cell.shown.numerator is None:
            return None
        return int(cell.shown.numerator)

    where = (row.organisation_id, row.key)
    rejected = row.cells.get("rejected")
    return {
        "scope": row.level,
        "key": row.code,
        "organisation": row.organisation or None,
        "label": row.label,
        "period": row.period,
        "rank": row.rank,
        "experiences": row.experiences,
        "positive": numerator("positive"),
        "negative": numerator("negative"),
        "positive_share": share(value("positive")),
        "negative_share": share(value("negative")),
        "answered": row.answered,
        "answer_rate": share(value("answered")),
        "delay_median_days": one_decimal(value("delay_median")),
        "delay_p90_days": one_decimal(value("delay_p90")),
        "top_themes": themes.get(where, []) if row.is_rated else [],
        "moderated": row.moderated,
        "rejected": numerator("rejected"),
        "rejection_rate": share(value("rejected")),
        "rejections_by_reason": (
            {r["code"]: r["count"] for r in reasons.get(where, [])}
            if rejected is not None and rejected.published
            else {}
        ),
        "computed_at": row.computed_at,
    }


@router.get(
    "/donnees",
    auth=None,
    response={200: list[OpenDataFileOut], **problems(400, 422)},
    summary="Fichiers de données ouvertes",
)
def opendata_list(request: HttpRequest, query: Query[OpenDataQuery]) -> list[dict[str, Any]]:
    """Exports quotidiens (CSV, JSON, schémas Table Schema) sous Licence Ouverte 2.0."""
    return [
        {
            "name": f.name,
            "dataset": f.dataset,
            "format": f.format,
            "title": f.title,
            "url": request.build_absolute_uri(reverse("publication:opendata_file", args=[f.name])),
            "rows": f.rows,
            "size": f.size,
            "sha256": f.sha256,
            "generated_at": f.generated_at,
            "licence": opendata.LICENCE["title"],
        }
        for f in selectors.opendata_files(
            dataset=query.dataset or "", file_format=query.format or ""
        )
    ]
