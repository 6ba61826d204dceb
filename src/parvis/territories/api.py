"""Public API of the INSEE territories: régions, départements, communes, public holidays.

Reference data open to anyone (``auth=None`` on each operation); thin adapters over
``territories.selectors`` and ``territories.calendar``.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema

from parvis.core.api_schemas import InputSchema, PageParams, page_of, paginate, problems
from parvis.core.errors import ParvisError
from parvis.territories import calendar, selectors
from parvis.territories.models import Commune, CommuneAlias, Departement

router = Router(tags=["territoires"])

DEPARTEMENT_PATTERN = r"^(?:\d{2}|2[ABab]|9[78]\d)$"
COMMUNE_PATTERN = r"^(?:\d{2}|2[ABab])\d{3}$"
DepartementCode = Annotated[
    str,
    Path(
        pattern=DEPARTEMENT_PATTERN,
        description="Code INSEE du département : 33, 2A, 974…",
    ),
]
CommuneCode = Annotated[
    str,
    Path(
        pattern=COMMUNE_PATTERN,
        description="Code INSEE de la commune (5 caractères), actuel ou ancien : 33063, 2A004…",
    ),
]


class RegionOut(Schema):
    code: str
    name: str = Field(..., description="Nom officiel.")
    is_overseas: bool = Field(..., description="Région d’outre-mer (DROM).")
    departement_count: int


class DepartementOut(Schema):
    code: str = Field(..., description="Code INSEE : 01…95, 2A, 2B, 971…976, 975…989.")
    name: str
    region: str | None = Field(
        ..., description="Code de la région ; `null` pour les collectivités d’outre-mer."
    )
    is_overseas: bool
    is_collectivity: bool = Field(
        ..., description="Collectivité d’outre-mer (hors agrégats régionaux)."
    )
    timezone: str = Field(..., description="Fuseau horaire IANA, pour les horaires.")
    holiday_subdivision: str | None = Field(
        ..., description="Calendrier des jours fériés propre (Alsace-Moselle, outre-mer)."
    )

    @staticmethod
    def resolve_region(obj: Departement) -> str | None:
        return obj.region_id

    @staticmethod
    def resolve_holiday_subdivision(obj: Departement) -> str | None:
        return obj.holiday_subdivision or None


class Holiday(Schema):
    date: datetime.date
    name: str


class HolidaysOut(Schema):
    departement: str
    year: int
    holidays: list[Holiday]


class HolidaysParams(InputSchema):
    annee: int | None = Field(
        None,
        ge=calendar.FIRST_HOLIDAY_YEAR,
        le=calendar.LAST_HOLIDAY_YEAR,
        description="Année ; par défaut l’année en cours sur place.",
    )


class DepartementFilters(InputSchema):
    region: str | None = Field(None, pattern=r"^\d{2}$", description="Code INSEE de la région.")


class CommuneOut(Schema):
    code: str = Field(..., description="Code INSEE (commune actuelle).")
    name: str
    departement: str
    postcodes: list[str]
    population: int | None
    timezone: str

    @staticmethod
    def resolve_departement(obj: Commune) -> str:
        return obj.departement_id

    @staticmethod
    def resolve_timezone(obj: Commune) -> str:
        return obj.departement.timezone


class AliasOut(Schema):
    code: str
    name: str = Field(..., description="Nom de l’ancienne commune (vide s’il est inconnu).")
    kind: str = Field(..., description="`deleguee`, `associee`, `arrondissement` ou `ancienne`.")
    kind_label: str

    @staticmethod
    def resolve_kind_label(obj: CommuneAlias) -> str:
        return str(obj.get_kind_display())


class CommuneDetailOut(CommuneOut):
    requested_code: str = Field(..., description="Le code demandé.")
    resolved_from: AliasOut | None = Field(
        None,
        description=(
            "Renseigné quand le code demandé est celui d’une commune déléguée, associée, "
            "d’un arrondissement municipal ou un ancien code : la réponse décrit alors la "
            "commune actuelle."
        ),
    )


class CommuneFilters(InputSchema):
    q: str = Field(
        "",
        max_length=100,
        description="Début du nom (sans accents ni majuscules requis), code postal ou code INSEE.",
    )
    departement: str | None = Field(None, pattern=DEPARTEMENT_PATTERN)
    postcode: str | None = Field(None, pattern=r"^\d{5}$", description="Code postal exact.")


@router.get(
    "/regions",
    response={200: list[RegionOut], **problems(400)},
    auth=None,
    summary="Régions",
)
def region_list(request: HttpRequest) -> Any:
    return selectors.regions_list()


@router.get(
    "/departements",
    response={200: list[DepartementOut], **problems(400, 422)},
    auth=None,
    summary="Départements et collectivités d’outre-mer",
)
def departement_list(request: HttpRequest, filters: Query[DepartementFilters]) -> Any:
    return selectors.departements_list(region=filters.region)


def _departement(code: str) -> Departement:
    departement = selectors.departement_get(code)
    if departement is None:
        raise ParvisError("not_found", f"Département introuvable : « {code} ».", status=404)
    return departement


@router.get(
    "/departements/{code}",
    response={200: DepartementOut, **problems(400, 404, 422)},
    auth=None,
    summary="Un département",
)
def departement_detail(request: HttpRequest, code: DepartementCode) -> Any:
    return _departement(code)


@router.get(
    "/departements/{code}/jours-feries",
    response={200: HolidaysOut, **problems(400, 404, 422)},
    auth=None,
    summary="Jours fériés d’un département",
    description="Calendrier local : Alsace-Moselle et outre-mer ont des jours fériés propres.",
)
def departement_holidays(
    request: HttpRequest, code: DepartementCode, params: Query[HolidaysParams]
) -> Any:
    departement = _departement(code)
    year = params.annee or calendar.local_today(departement.timezone).year
    holidays = calendar.public_holidays(departement.code, year)
    return {
        "departement": departement.code,
        "year": year,
        "holidays": [{"date": day, "name": name} for day, name in holidays.items()],
    }


@router.get(
    "/communes",
    response={200: page_of(CommuneOut), **problems(400, 422)},
    auth=None,
    summary="Recherche de communes",
    description=(
        "Par début de nom (« saint etienne » trouve « Saint-Étienne »), code postal ou "
        "code INSEE, y compris ancien ; tri alphabétique français."
    ),
)
def commune_list(
    request: HttpRequest, filters: Query[CommuneFilters], page: Query[PageParams]
) -> Any:
    queryset = selectors.communes_search(
        q=filters.q, departement=filters.departement, postcode=filters.postcode
    )
    return paginate(queryset, page)


@router.get(
    "/communes/{code}",
    response={200: CommuneDetailOut, **problems(400, 404, 422)},
    auth=None,
    summary="Une commune, par code INSEE actuel ou ancien",
)
def commune_detail(request: HttpRequest, code: CommuneCode) -> Any:
    resolved = selectors.resolve_commune(code)
    if resolved is None:
        raise ParvisError(
            "not_found", f"Commune introuvable : aucun code INSEE « {code} ».", status=404
        )
    commune, alias = resolved
    commune.requested_code = selectors.normalize_code(code)  # type: ignore[attr-defined]
    commune.resolved_from = alias  # type: ignore[attr-defined]
    return commune
