"""API of quality results (``/api/v1/qualite``).

* ``GET /indicateurs`` (public): the published catalogue, with every version (a new
  version is a series break).
* ``GET /resultats`` (public, paginated): results by indicator, level, organisation,
  territory and month, as published (``quality.public.published``: a figure below the
  indicator's ``min_n_publish`` has ``value`` null and its ``withheld_reason``).
* ``POST /resultats-declares`` (a write token of the organisation, or a session holding
  ``MANAGE_QUALITY``): declared results, the CSV of ``quality.declared`` (multipart or
  ``text/csv``) or JSON (``{organisme, source, lignes}``, or JSON lines); all or nothing,
  413 over the size limits, 422 with one error per line and column.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any, Literal

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from pydantic import ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from parvis.accounts.api_auth import AUTH, principal_of
from parvis.accounts.models import ApiToken
from parvis.accounts.scoping import grants_for, is_platform_admin
from parvis.core.api_schemas import InputSchema, PageParams, page_of, problems
from parvis.core.french import plural_suffix
from parvis.core.numbers import share
from parvis.core.problems import problem_response
from parvis.core.text import has_lone_surrogate, strip_controls
from parvis.directory.models import LocalService, Organisation, Site
from parvis.quality import declared, public
from parvis.quality.models import (
    DateBasis,
    Direction,
    Indicator,
    IndicatorVersion,
    Level,
    Result,
    Source,
    Unit,
)
from parvis.quality.selectors import export_rows, published_indicators
from parvis.quality.services import catalogue_entries
from parvis.territories.models import Departement, Region

router = Router(tags=["qualite"])

SLUG = r"^[-a-zA-Z0-9_]+$"
MONTH = r"^20[0-9]{2}-(0[1-9]|1[0-2])$"  # 2000-01 to 2099-12
CODES = tuple(catalogue_entries())
IndicatorCode = Literal[CODES]  # type: ignore[valid-type]
LevelCode = Literal["site", "service", "departement", "region", "organisation", "national"]


# --- Catalogue -----------------------------------------------------------------------------


class VersionOut(Schema):
    version: int
    calculator: str
    unit: Unit
    direction: Direction
    started_on: dt.date = Field(..., description="En vigueur depuis ce jour.")
    reason: str = Field(..., description="Raison du changement (rupture de série).")


class IndicatorOut(Schema):
    code: str
    name: str
    definition: str = Field(..., description="Ce que mesure l’indicateur, en clair.")
    unit: Unit = Field(
        ...,
        description="share : part entre 0 et 1 ; seconds ; working_days : jours ouvrés ; "
        "score : note sur 5.",
    )
    direction: Direction = Field(..., description="higher : plus haut, c’est mieux.")
    date_basis: DateBasis = Field(..., description="Le moment qui place un contact dans un mois.")
    levels: list[str] = Field(..., description="Niveaux d’agrégation calculés.")
    min_n_publish: int = Field(..., description="Sous cet effectif, la valeur n’est pas publiée.")
    min_n_rank: int = Field(..., description="Sous cet effectif, un territoire n’est pas classé.")
    harmonised: bool = Field(..., description="Comparable entre organismes.")
    commitments: list[int] = Field(..., description="Engagements Services Publics+ prouvés.")
    sp_code: str | None = Field(None, description="Code de l’indicateur Services Publics+.")
    version: int
    calculator: str = Field(..., description="Calculateur enregistré (« declared » : déclaratif).")
    parameters: dict[str, Any]
    sample: bool = Field(
        ...,
        description="Issu d’une enquête : intervalle de confiance à 95\u202f% et taux de réponse.",
    )
    declared_only: bool = Field(..., description="Donnée déclarée par les organismes seulement.")
    tolerance: str | None = Field(None, description="Précision d’un percentile (seuils).")
    coverage_threshold: float = Field(
        ...,
        description="Le calcul l’emporte sur la valeur déclarée quand son effectif atteint "
        "cette part de l’effectif déclaré.",
    )
    versions: list[VersionOut]


def _indicator_out(indicator: Indicator, versions: list[IndicatorVersion]) -> dict[str, Any]:
    return {
        "code": indicator.code,
        "name": indicator.name,
        "definition": indicator.definition,
        "unit": indicator.unit,
        "direction": indicator.direction,
        "date_basis": indicator.date_basis,
        "levels": list(indicator.levels),
        "min_n_publish": indicator.min_n_publish,
        "min_n_rank": indicator.min_n_rank,
        "harmonised": indicator.harmonised,
        "commitments": [int(c) for c in indicator.commitments],
        "sp_code": indicator.sp_code or None,
        "version": indicator.version,
        "calculator": indicator.calculator,
        "parameters": indicator.parameters,
        "sample": indicator.is_sample,
        "declared_only": indicator.is_declared_only,
        "tolerance": indicator.tolerance or None,
        "coverage_threshold": indicator.coverage_threshold,
        "versions": [
            {
                "version": v.version,
                "calculator": v.calculator,
                "unit": v.unit,
                "direction": v.direction,
                "started_on": v.started_on,
                "reason": v.reason,
            }
            for v in versions
        ],
    }


@router.get(
    "/indicateurs",
    auth=None,
    response={200: list[IndicatorOut], **problems(400)},
    summary="Catalogue des indicateurs de qualité",
)
def indicator_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Les indicateurs publiés, dans l’ordre du catalogue, avec leurs versions."""
    indicators = list(published_indicators())
    versions: dict[int, list[IndicatorVersion]] = {}
    for version in IndicatorVersion.objects.filter(indicator__in=indicators):
        versions.setdefault(version.indicator_id, []).append(version)
    return [_indicator_out(i, versions.get(i.pk, [])) for i in indicators]


# --- Results -------------------------------------------------------------------------------


def _month(text: str) -> dt.date:
    return dt.date(int(text[:4]), int(text[5:7]), 1)


class ResultsQuery(InputSchema):
    indicateur: IndicatorCode | None = Field(None, description="Code de l’indicateur.")
    niveau: LevelCode | None = Field(None, description="Niveau d’agrégation.")
    organisme: str | None = Field(
        None,
        pattern=SLUG,
        max_length=80,
        description="Code de l’organisme (404 s’il n’existe pas).",
    )
    territoire: str | None = Field(
        None,
        pattern=SLUG,
        max_length=140,
        description="Code du territoire : code du lieu ou du service local, code INSEE du "
        "département ou de la région, code de l’organisme. Sans `niveau`, à tous les niveaux "
        "(« 75 » : Paris et la Nouvelle-Aquitaine). 404 s’il n’existe pas.",
    )
    depuis: str | None = Field(None, pattern=MONTH, description="Premier mois, AAAA-MM.")
    jusqu_a: str | None = Field(None, pattern=MONTH, description="Dernier mois, AAAA-MM.")

    @field_validator("jusqu_a")
    @classmethod
    def _period(cls, end: str | None, info: ValidationInfo) -> str | None:
        start = info.data.get("depuis")
        if end and start and end < start:
            raise PydanticCustomError(
                "period_reversed",
                "Le dernier mois précède le premier (depuis).",
                {"french": True},
            )
        return end


class ResultOut(Schema):
    indicator: str = Field(..., description="Code de l’indicateur.")
    level: LevelCode
    organisation: str | None = Field(
        None,
        description="Code de l’organisme ; null pour tous organismes et un lieu France "
        "Services pris dans son ensemble.",
    )
    territory: str = Field(
        ...,
        description="Code du lieu ou du service local, code INSEE, code de l’organisme ; "
        "vide pour tous organismes.",
    )
    label: str
    month: str = Field(..., description="AAAA-MM.")
    value: float | None = Field(
        None,
        description="Dans l’unité de l’indicateur (une part entre 0 et 1, au millième) ; null "
        "quand elle n’est pas publiée (voir withheld_reason).",
    )
    unit: Unit
    n: int = Field(..., description="Effectif : cas ou réponses.")
    numerator: float | None = None
    denominator: float | None = None
    ci_low: float | None = Field(
        None, description="Intervalle de confiance à 95\u202f% (enquêtes)."
    )
    ci_high: float | None = None
    response_rate: float | None = Field(
        None, description="Enquêtes : réponses ÷ questionnaires envoyés (biais de non-réponse)."
    )
    tolerance: float | None = Field(None, description="Précision d’un percentile.")
    source: Literal["calcule", "declare"]
    declared_source: str | None = Field(None, description="Source et date d’une valeur déclarée.")
    declared_value: float | None = Field(
        None, description="La valeur déclarée, gardée visible quand le calcul l’emporte."
    )
    withheld_reason: str | None = None
    version: int = Field(..., description="Version du catalogue du calcul.")
    parameters: dict[str, Any]
    final: bool = Field(..., description="Mois figé (15 jours après sa fin) ; sinon provisoire.")
    computed_at: dt.datetime


def _rounded(indicator: Indicator, value: float | None) -> float | None:
    if value is None:
        return None
    return share(value) if indicator.unit == Unit.SHARE else round(float(value), 1)


def result_out(result: Result, codes: dict[tuple[str, str], str]) -> dict[str, Any]:
    indicator = result.indicator
    figure = public.published(indicator, result)
    return {
        "indicator": indicator.code,
        "level": result.level,
        "organisation": result.organisation.slug if result.organisation else None,
        "territory": codes.get((result.level, result.key), result.key),
        "label": result.label,
        "month": figure.month_code,
        "value": _rounded(indicator, figure.value),
        "unit": indicator.unit,
        "n": figure.n,
        "numerator": None if figure.numerator is None else round(figure.numerator, 3),
        "denominator": None if figure.denominator is None else round(figure.denominator, 3),
        "ci_low": _rounded(indicator, figure.ci_low),
        "ci_high": _rounded(indicator, figure.ci_high),
        "response_rate": share(figure.response_rate),
        "tolerance": figure.tolerance,
        "source": "declare" if result.source == Source.DECLARED else "calcule",
        "declared_source": result.declared_source or None,
        "declared_value": _rounded(indicator, figure.declared_value),
        "withheld_reason": figure.reason or None,
        "version": result.version,
        "parameters": result.parameters,
        "final": result.frozen,
        "computed_at": result.computed_at,
    }


def _not_found(code: str, detail: str) -> HttpResponse:
    return problem_response(status=404, code=code, detail=detail)


def _territory_keys(level: str | None, code: str) -> list[tuple[str, str]]:
    """(level, ``Result.key``) pairs a public territory code names."""
    levels = [level] if level else [lv for lv in Level.values if lv != Level.NATIONAL]
    keys: list[tuple[str, str]] = []
    insee = declared.insee_code(code)
    for lv in levels:
        if lv == Level.SITE:
            keys += [
                (lv, str(pk)) for pk in Site.objects.filter(slug=code).values_list("pk", flat=True)
            ]
        elif lv == Level.SERVICE:
            keys += [
                (lv, str(pk))
                for pk in LocalService.objects.filter(slug=code).values_list("pk", flat=True)
            ]
        elif lv in (Level.DEPARTEMENT, Level.REGION):
            keys.append((lv, insee))
        elif lv == Level.ORGANISATION:
            keys.append((lv, code))
    return keys


@router.get(
    "/resultats",
    auth=None,
    response={200: page_of(ResultOut), **problems(400, 404, 422)},
    summary="Résultats de qualité publiés",
)
def result_list(request: HttpRequest, query: Query[ResultsQuery], page: Query[PageParams]) -> Any:
    """Résultats par indicateur, niveau, territoire et mois. Une valeur sous l’effectif
    minimal de publication de l’indicateur n’est pas donnée (`value` nul) et
    `withheld_reason` dit pourquoi ; les effectifs sont toujours donnés."""
    results = export_rows()
    if query.indicateur:
        results = results.filter(indicator__code=query.indicateur)
    if query.niveau:
        results = results.filter(level=query.niveau)
    if query.organisme:
        organisation = Organisation.objects.filter(slug=query.organisme).first()
        if organisation is None:
            return _not_found("organisation_not_found", f"Organisme inconnu : {query.organisme}.")
        results = results.filter(organisation=organisation)
    if query.territoire:
        if not _territory_exists(query.niveau, query.territoire):
            return _not_found("territory_not_found", f"Territoire inconnu : {query.territoire}.")
        results = results.filter(_keys_q(_territory_keys(query.niveau, query.territoire)))
    if query.depuis:
        results = results.filter(month__gte=_month(query.depuis))
    if query.jusqu_a:
        results = results.filter(month__lte=_month(query.jusqu_a))
    count = results.count()
    start = (page.page - 1) * page.page_size
    rows = list(results[start : start + page.page_size])
    codes = public.territory_codes(rows)
    return {
        "count": count,
        "page": page.page,
        "page_size": page.page_size,
        "pages": max(1, -(-count // page.page_size)),
        "results": [result_out(row, codes) for row in rows],
    }


def _keys_q(keys: list[tuple[str, str]]) -> Q:
    condition = Q(pk__in=[])
    for level, key in keys:
        condition |= Q(level=level, key=key)
    return condition


def _territory_exists(level: str | None, code: str) -> bool:
    insee = declared.insee_code(code)
    checks: dict[str, Callable[[], bool]] = {
        Level.SITE: lambda: Site.objects.filter(slug=code).exists(),
        Level.SERVICE: lambda: LocalService.objects.filter(slug=code).exists(),
        Level.DEPARTEMENT: lambda: Departement.objects.filter(code=insee).exists(),
        Level.REGION: lambda: Region.objects.filter(code=insee).exists(),
        Level.ORGANISATION: lambda: Organisation.objects.filter(slug=code).exists(),
    }
    levels = [level] if level else list(checks)
    return any(checks[lv]() for lv in levels if lv in checks)


# --- Declared results ----------------------------------------------------------------------


class DeclaredOut(Schema):
    created: int = Field(..., description="Résultats déclarés pour la première fois.")
    updated: int = Field(..., description="Résultats déclarés qui remplacent une déclaration.")


OPTIONAL_NUMBER = {"type": "string", "pattern": "^([0-9]+([.,][0-9]+)?)?$"}
LINE_PROPERTIES: dict[str, Any] = {
    "indicateur": {"type": "string", "enum": list(CODES)},
    "niveau": {"type": "string", "enum": list(declared.LEVELS)},
    "territoire": {"type": ["string", "null"], "pattern": "^[-A-Za-z0-9_]*$", "maxLength": 140},
    "mois": {"type": "string", "pattern": MONTH},
    "valeur": {
        "anyOf": [
            {"type": "number"},
            {"type": "string", "pattern": "^-?[0-9]+([.,][0-9]+)?$"},
        ]
    },
    "effectif": {
        "anyOf": [
            {"type": "integer", "minimum": 1, "maximum": declared.MAX_N},
            {"type": "string", "pattern": "^[0-9]+$"},
        ]
    },
    "numerateur": {"anyOf": [{"type": "number", "minimum": 0}, OPTIONAL_NUMBER, {"type": "null"}]},
    "denominateur": {
        "anyOf": [{"type": "number", "minimum": 0}, OPTIONAL_NUMBER, {"type": "null"}]
    },
}
DECLARED_BODY: dict[str, Any] = {
    "required": True,
    "description": "Le fichier CSV (multipart : champ `fichier`) ou les lignes en JSON. "
    "Aussi accepté : un corps `text/csv` ou `application/x-ndjson` (une ligne JSON par "
    "résultat), avec `organisme` et `source` en paramètres de l’adresse.",
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["organisme", "source", "fichier"],
                "properties": {
                    "organisme": {"type": "string", "pattern": SLUG, "maxLength": 80},
                    "source": {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": declared.SOURCE_MAX_LENGTH,
                        "pattern": r"[^\s]",
                    },
                    "fichier": {
                        "type": "string",
                        "format": "binary",
                        "description": "CSV UTF-8 séparé par des virgules (voir la "
                        "documentation de l’API).",
                    },
                },
            }
        },
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["organisme", "source", "lignes"],
                "properties": {
                    "organisme": {"type": "string", "pattern": SLUG, "maxLength": 80},
                    "source": {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": declared.SOURCE_MAX_LENGTH,
                        "pattern": r"[^\s]",
                    },
                    "lignes": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": declared.MAX_LINES,
                        "items": {
                            "type": "object",
                            "required": ["indicateur", "niveau", "mois", "valeur", "effectif"],
                            "properties": LINE_PROPERTIES,
                            "additionalProperties": False,
                        },
                    },
                },
                "additionalProperties": False,
            }
        },
    },
}


# Room for a multipart body's boundaries and fields around a file of ``MAX_BYTES``.
MULTIPART_OVERHEAD = 64 * 1024


class _Refusal(Exception):
    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def _refuse(status: int, code: str, detail: str, field: str = "") -> _Refusal:
    errors = [{"field": field, "code": code, "message": detail}] if field else None
    return _Refusal(problem_response(status=status, code=code, detail=detail, errors=errors))


def _too_large() -> _Refusal:
    return _refuse(
        413,
        "payload_too_large",
        f"Au plus {declared.MAX_BYTES // 1024 // 1024} Mo par envoi.",
    )


def _text(value: Any) -> str:
    if not isinstance(value, str) or has_lone_surrogate(value):
        return ""
    return strip_controls(value).strip()


def _body(request: HttpRequest) -> tuple[str, str, str, Any]:
    """(organisation slug, source, kind, payload): ``kind`` ``csv`` (bytes) or
    ``records`` (a list)."""
    content_type = (request.content_type or "").lower()
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > declared.MAX_BYTES + MULTIPART_OVERHEAD:
        raise _too_large()
    if content_type == "multipart/form-data":
        upload = request.FILES.get("fichier")
        fields = request.POST
        if upload is None:
            raise _refuse(
                422, "file_missing", "Joignez le fichier CSV (champ fichier).", "body.fichier"
            )
        if upload.size is not None and upload.size > declared.MAX_BYTES:
            raise _too_large()
        return (
            _text(fields.get("organisme")),
            _text(fields.get("source")),
            "csv",
            upload.read(declared.MAX_BYTES + 1),
        )
    slug, source = _text(request.GET.get("organisme")), _text(request.GET.get("source"))
    if content_type in {"text/csv", "text/plain"}:
        if len(request.body) > declared.MAX_BYTES:
            raise _too_large()
        return slug, source, "csv", request.body
    if content_type in {"application/x-ndjson", "application/jsonl", "application/json-lines"}:
        if len(request.body) > declared.MAX_BYTES:
            raise _too_large()
        records = []
        for number, line in enumerate(request.body.split(b"\n"), start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except ValueError as error:
                raise _refuse(
                    422, "invalid_json", f"Ligne {number} : JSON illisible.", f"body.{number}"
                ) from error
        return slug, source, "records", records
    if content_type == "application/json":
        if len(request.body) > declared.MAX_BYTES:
            raise _too_large()
        try:
            payload = json.loads(request.body)
        except ValueError as error:
            raise _refuse(
                400, "invalid_json", "Le corps de la requête n’est pas un JSON valide."
            ) from error
        if not isinstance(payload, dict):
            raise _refuse(422, "invalid_body", "Un objet JSON est attendu.", "body")
        unknown = sorted(str(k) for k in payload if k not in {"organisme", "source", "lignes"})
        if unknown:
            raise _refuse(
                422,
                "invalid_body",
                "Champs acceptés : organisme, source, lignes.",
                "body." + re.sub(r"[^-\w]", "", unknown[0])[:40],
            )
        lines = payload.get("lignes")
        if not isinstance(lines, list) or not lines:
            raise _refuse(
                422, "invalid_body", "« lignes » : une liste non vide de résultats.", "body.lignes"
            )
        if len(lines) > declared.MAX_LINES:
            raise _refuse(
                422,
                "too_many_lines",
                f"Au plus {declared.MAX_LINES} résultats par envoi ({len(lines)} reçus).",
                "body.lignes",
            )
        return _text(payload.get("organisme")), _text(payload.get("source")), "records", lines
    raise _refuse(
        415,
        "unsupported_media_type",
        "Envoyez un fichier CSV (multipart/form-data, champ fichier, ou text/csv) ou du JSON "
        "(application/json, application/x-ndjson).",
    )


def _organisation(principal: Any, slug: str, *, required: bool) -> Organisation:
    """The organisation named, 404 outside the principal's scope, 403 without the role;
    a token's own when none is named and the body format does not require it."""
    if not slug:
        if isinstance(principal, ApiToken) and not required:
            return principal.organisation
        raise _refuse(
            422,
            "organisation_missing",
            "Indiquez le code de l’organisme (organisme).",
            "body.organisme",
        )
    if not re.fullmatch(SLUG, slug):
        raise _refuse(422, "invalid_organisation", "Code d’organisme invalide.", "body.organisme")
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None or not _in_scope(principal, organisation):
        raise _refuse(404, "not_found", "Organisme introuvable.")
    if not declared.may_declare_for(principal, organisation):
        raise _refuse(
            403,
            "forbidden",
            "Seuls les responsables qualité de l’organisme et ses jetons d’écriture déclarent "
            "des résultats.",
        )
    return organisation


def _in_scope(principal: Any, organisation: Organisation) -> bool:
    """Any role (or token) in the organisation, its services or its sites."""
    if isinstance(principal, ApiToken):
        return principal.organisation_id == organisation.pk
    if is_platform_admin(principal):
        return True
    grants = grants_for(principal)
    if any(g.organisation_id == organisation.pk for g in grants):
        return True
    services = {g.local_service_id for g in grants if g.local_service_id}
    sites = {g.site_id for g in grants if g.site_id}
    return LocalService.objects.filter(pk__in=services, organisation=organisation).exists() or (
        Site.objects.filter(pk__in=sites, organisation=organisation).exists()
    )


def _line_field(kind: str, error: declared.LineError) -> str:
    if error.line == 0:
        return f"body.{error.column}" if error.column else "body"
    where = f"fichier.ligne.{error.line}" if kind == "csv" else f"body.lignes.{error.line - 1}"
    return f"{where}.{error.column}" if error.column else where


@router.post(
    "/resultats-declares",
    auth=AUTH,
    response={200: DeclaredOut, **problems(400, 401, 403, 404, 413, 415, 422)},
    summary="Déclarer des résultats (fichier CSV ou JSON)",
    openapi_extra={"requestBody": DECLARED_BODY},
)
def declared_create(request: HttpRequest) -> Any:
    """Résultats déclarés par l’organisme : jeton d’écriture de l’organisme, ou session
    d’un responsable qualité. Tout ou rien : une seule ligne en erreur et rien n’est
    enregistré ; la réponse 422 donne chaque erreur avec sa ligne (`fichier.ligne.<n>` :
    la ligne du fichier, l’en-tête étant la ligne 1 ; `body.lignes.<i>` en JSON) et sa
    colonne. Une part s’écrit en pourcentage (0 à 100). Les résultats des mois touchés
    sont recalculés aussitôt après."""
    principal = principal_of(request)
    try:
        slug, source, kind, payload = _body(request)
        # The documented formats (multipart, JSON) name the organisation; a raw CSV or
        # JSON lines body sent with a token may leave it to the token.
        documented = (request.content_type or "").lower() in {
            "multipart/form-data",
            "application/json",
        }
        organisation = _organisation(principal, slug, required=documented)
    except _Refusal as refusal:
        return refusal.response
    if kind == "csv":
        report = declared.declared_import(
            principal=principal, organisation=organisation, data=payload, source=source
        )
    else:
        report = declared.declared_import_records(
            principal=principal, organisation=organisation, records=payload, source=source
        )
    if report.too_large:  # a file over MAX_BYTES (more lines than MAX_LINES: a 422)
        return _too_large().response
    if not report.ok:
        count = len(report.errors)
        return problem_response(
            status=422,
            code="declared_refused",
            detail=f"{count} erreur{plural_suffix(count)} : rien n’a été enregistré. "
            "Corrigez le fichier et envoyez-le de nouveau en entier.",
            errors=[
                {"field": _line_field(kind, e), "code": "invalid_line", "message": e.message}
                for e in report.errors
            ],
        )
    return {"created": report.created, "updated": report.updated}
