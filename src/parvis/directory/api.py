"""Directory API (``/api/v1/annuaire``): public reads, and the weekly hours of a site.

Thin adapters: query parameters are validated here (422 problem+json), reads go through
``selectors`` and ``hours``, the one write through ``services``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from parvis.accounts.models import ApiToken
from parvis.accounts.scoping import Perm, get_visible_or_404, require_permission
from parvis.core.api_schemas import (
    InputSchema,
    IsoDate,
    IsoDateTime,
    PageParams,
    domain_rule,
    page_of,
    paginate,
    problems,
)
from parvis.directory import selectors, services
from parvis.directory.hours import DaySchedule, open_status, opening_schedule, weekly_intervals
from parvis.directory.models import LocalService, Organisation, Site
from parvis.directory.services import (
    EARLIEST_DATE,
    LATEST_DATE,
    WEEKDAY_LABELS,
    validate_directory_date,
)
from parvis.territories.models import Departement

router = Router(tags=["annuaire"])

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
DEPARTEMENT_PATTERN = r"^(\d{2,3}|2[ABab])$"
MAX_SCHEDULE_DAYS = 92
DirectoryDate = Annotated[IsoDate, domain_rule(validate_directory_date)]
DirectoryDateTime = Annotated[IsoDateTime, domain_rule(validate_directory_date)]
_RANGE = f"entre le {EARLIEST_DATE:%d/%m/%Y} et le {LATEST_DATE:%d/%m/%Y}"


# --- Schemas -----------------------------------------------------------------------------


class TaxonomyItemOut(Schema):
    slug: str
    label: str


class ThemeOut(TaxonomyItemOut):
    sp_tag: str = Field(..., description="Étiquette Services Publics+.")


class OrganisationOut(Schema):
    slug: str
    name: str
    short_name: str
    motifs: list[TaxonomyItemOut]

    @staticmethod
    def resolve_motifs(obj: Organisation) -> list[Any]:
        return list(obj.motifs.all())


class DepartementOut(Schema):
    code: str
    name: str


class LocalServiceOut(Schema):
    slug: str
    name: str
    organisation: str = Field(..., description="Slug de l’organisme.")
    main_departement: str | None = Field(
        None, alias="main_departement_id", description="Code INSEE du département principal."
    )
    departements: list[DepartementOut] = Field(..., description="Territoire couvert.")
    email: str
    phone: str
    timezone: str

    @staticmethod
    def resolve_organisation(obj: LocalService) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_departements(obj: LocalService) -> list[Any]:
        return list(obj.departements.all())


class CommuneOut(Schema):
    code: str = Field(..., description="Code INSEE.")
    name: str
    departement: str = Field(..., alias="departement_id")


class SiteOut(Schema):
    slug: str
    name: str
    kind: Site.Kind = Field(..., description="guichet, centre-contact ou france-services.")
    organisation: str | None = None
    local_service: str | None = None
    operator_name: str
    address: str
    postcode: str
    commune: CommuneOut
    channels: list[str] = Field(..., description="Slugs des canaux proposés.")
    partners: list[str] = Field(
        ..., description="Slugs des organismes partenaires (France Services)."
    )
    phone: str
    email: str
    website: str = Field(
        ..., description="Site internet ou formulaire en ligne (canaux chat, en ligne, courriel)."
    )
    coverage: Site.Coverage = Field(
        ...,
        description="Public servi : local (qui se rend sur place, commune du lieu), national "
        "(toute la France) ou departements (ceux de covered_departements). Un centre de "
        "contact national garde une commune pour son fuseau horaire ; la recherche par "
        "commune ou département le trouve par sa couverture.",
    )
    covered_departements: list[str] = Field(
        ..., description="Codes INSEE des départements servis (couverture departements)."
    )
    timezone: str = Field(..., description="Fuseau horaire IANA du lieu, pour tous ses horaires.")

    @staticmethod
    def resolve_covered_departements(obj: Site) -> list[str]:
        return [departement.code for departement in obj.covered_departements.all()]

    @staticmethod
    def resolve_organisation(obj: Site) -> str | None:
        # A France Services operator (a commune, an association) is not one of the
        # administrations this API lists: its name is ``operator_name``.
        organisation = obj.organisation
        return organisation.slug if organisation.kind == Organisation.Kind.ADMINISTRATION else None

    @staticmethod
    def resolve_local_service(obj: Site) -> str | None:
        return obj.local_service.slug if obj.local_service else None

    @staticmethod
    def resolve_channels(obj: Site) -> list[str]:
        return [channel.slug for channel in obj.channels.all()]

    @staticmethod
    def resolve_partners(obj: Site) -> list[str]:
        return [partner.slug for partner in obj.partners.all()]


class IntervalOut(Schema):
    opens: dt.time
    closes: dt.time


class WeekdayHoursOut(Schema):
    weekday: int = Field(..., description="0 = lundi … 6 = dimanche.")
    label: str
    intervals: list[IntervalOut]


class ExceptionOut(Schema):
    date: dt.date
    is_closed: bool
    opens: dt.time | None
    closes: dt.time | None
    label: str


class SiteDetailOut(SiteOut):
    hours: list[WeekdayHoursOut] = Field(..., description="Horaires habituels, heure locale.")
    exceptions: list[ExceptionOut] = Field(..., description="Exceptions datées à venir.")


class DayOut(Schema):
    date: dt.date
    is_open: bool
    intervals: list[IntervalOut]
    closed_reason: str | None = Field(None, description="Jour férié, motif de fermeture…")
    holiday: str | None = None
    is_exception: bool


class ScheduleOut(Schema):
    site: str
    timezone: str
    days: list[DayOut]


class OpenStatusOut(Schema):
    site: str
    timezone: str
    at: dt.datetime = Field(..., description="Instant demandé, en heure locale du lieu.")
    is_open: bool
    closes_at: dt.datetime | None
    next_opening: dt.datetime | None


class HoursItemIn(InputSchema):
    weekday: int = Field(..., ge=0, le=6, description="0 = lundi … 6 = dimanche.")
    opens: dt.time = Field(..., description="Heure locale du lieu, sans décalage (HH:MM).")
    closes: dt.time = Field(..., description="Heure locale du lieu, sans décalage (HH:MM).")


class HoursIn(InputSchema):
    hours: list[HoursItemIn] = Field(
        ..., max_length=70, description="Toutes les plages de la semaine (remplacées)."
    )


class LocalServiceFilters(InputSchema):
    q: str = Field("", max_length=100, description="Mots du nom (accents ignorés).")
    commune: str = Field(
        "", max_length=100, description="Nom, code postal ou code INSEE d’une commune couverte."
    )
    organisme: str | None = Field(None, max_length=80, pattern=SLUG_PATTERN)
    departement: str | None = Field(
        None, pattern=DEPARTEMENT_PATTERN, description="Code INSEE, par ex. 33, 2A, 974."
    )


class SiteFilters(LocalServiceFilters):
    """``commune`` and ``departement`` find the sites located there (local coverage) and
    the contact centres that serve it (national, or listing its département)."""

    type: Site.Kind | None = Field(None, description="Type de lieu.")


class ScheduleParams(InputSchema):
    debut: DirectoryDate | None = Field(
        None, description=f"Premier jour, AAAA-MM-JJ {_RANGE} (défaut : aujourd’hui, heure locale)."
    )
    jours: int = Field(14, ge=1, le=MAX_SCHEDULE_DAYS, description="Nombre de jours.")


class OpenParams(InputSchema):
    a: DirectoryDateTime | None = Field(
        None,
        description="Instant ISO 8601 (défaut : maintenant) : avec son décalage "
        "(2030-01-07T08:30:00+01:00, `+` écrit `%2B` dans l’adresse, ou `Z`), ou sans, et "
        f"c’est alors l’heure locale du lieu ; {_RANGE}.",
    )


# --- Helpers ------------------------------------------------------------------------------


class _NoMatch(Exception):
    """A well-formed filter naming nothing that exists: the answer is an empty page."""


def _organisation_filter(slug: str | None) -> Organisation | None:
    if slug is None:
        return None
    organisation = Organisation.objects.administrations().filter(slug=slug, is_active=True).first()
    if organisation is None:
        raise _NoMatch
    return organisation


def _departement_filter(code: str | None) -> Departement | None:
    if code is None:
        return None
    departement = Departement.objects.filter(code=code.upper()).first()
    if departement is None:
        raise _NoMatch
    return departement


def _check_slug(slug: str) -> str:
    """A slug that cannot exist is a 404 without reaching the database."""
    if not re.fullmatch(SLUG_PATTERN, slug) or len(slug) > 200:
        raise Http404
    return slug


def _public_site(slug: str) -> Site:
    _check_slug(slug)
    try:
        return selectors.site_for_public(slug)
    except Site.DoesNotExist as exc:
        raise Http404 from exc


def _day_out(day: DaySchedule) -> dict[str, Any]:
    return {
        "date": day.date,
        "is_open": day.is_open,
        "intervals": list(day.intervals),
        "closed_reason": day.closed_reason,
        "holiday": day.holiday,
        "is_exception": day.is_exception,
    }


def _site_detail(site: Site) -> Site:
    weekly = weekly_intervals(site)
    site.hours = [  # type: ignore[attr-defined]
        {"weekday": day, "label": WEEKDAY_LABELS[day], "intervals": list(weekly[day])}
        for day in range(7)
    ]
    today = timezone.now().astimezone(site.tzinfo).date()
    site.exceptions = list(selectors.site_exceptions(site, since=today))  # type: ignore[attr-defined]
    return site


# --- Taxonomy --------------------------------------------------------------------------------


@router.get(
    "/organismes",
    auth=None,
    response={200: page_of(OrganisationOut), **problems(400, 422)},
    summary="Organismes et leurs motifs",
)
def organisation_list(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    return paginate(selectors.organisations_for_public(), page)


@router.get(
    "/organismes/{slug}",
    auth=None,
    response={200: OrganisationOut, **problems(400, 404, 422)},
    summary="Un organisme et ses motifs",
)
def organisation_detail(request: HttpRequest, slug: str) -> Organisation:
    organisation = selectors.organisations_for_public().filter(slug=_check_slug(slug)).first()
    if organisation is None:
        raise Http404
    return organisation


@router.get("/themes", auth=None, response={200: list[ThemeOut], **problems(400)}, summary="Thèmes")
def theme_list(request: HttpRequest) -> list[Any]:
    return list(selectors.themes())


@router.get(
    "/canaux",
    auth=None,
    response={200: list[TaxonomyItemOut], **problems(400)},
    summary="Canaux de contact",
)
def channel_list(request: HttpRequest) -> list[Any]:
    return list(selectors.channels())


@router.get(
    "/etapes",
    auth=None,
    response={200: list[TaxonomyItemOut], **problems(400)},
    summary="Étapes du parcours usager",
)
def journey_stage_list(request: HttpRequest) -> list[Any]:
    return list(selectors.journey_stages())


# --- Local services ------------------------------------------------------------------------


@router.get(
    "/services-locaux",
    auth=None,
    response={200: page_of(LocalServiceOut), **problems(400, 422)},
    summary="Services locaux (recherche et filtres)",
)
def local_service_list(
    request: HttpRequest, filters: Query[LocalServiceFilters], page: Query[PageParams]
) -> dict[str, Any]:
    try:
        queryset = selectors.local_services_search(
            q=filters.q,
            commune=filters.commune,
            organisation=_organisation_filter(filters.organisme),
            departement=_departement_filter(filters.departement),
        )
    except _NoMatch:
        queryset = LocalService.objects.none()
    return paginate(queryset, page)


@router.get(
    "/services-locaux/{slug}",
    auth=None,
    response={200: LocalServiceOut, **problems(400, 404, 422)},
    summary="Un service local",
)
def local_service_detail(request: HttpRequest, slug: str) -> LocalService:
    local_service = selectors.local_services_search().filter(slug=_check_slug(slug)).first()
    if local_service is None:
        raise Http404
    return local_service


# --- Sites -------------------------------------------------------------------------------------


@router.get(
    "/lieux",
    auth=None,
    response={200: page_of(SiteOut), **problems(400, 422)},
    summary="Lieux d’accueil (recherche et filtres)",
)
def site_list(
    request: HttpRequest, filters: Query[SiteFilters], page: Query[PageParams]
) -> dict[str, Any]:
    try:
        queryset = selectors.sites_search(
            q=filters.q,
            commune=filters.commune,
            organisation=_organisation_filter(filters.organisme),
            departement=_departement_filter(filters.departement),
            kind=filters.type or "",
        )
    except _NoMatch:
        queryset = Site.objects.none()
    return paginate(queryset, page)


@router.get(
    "/lieux/{slug}",
    auth=None,
    response={200: SiteDetailOut, **problems(400, 404, 422)},
    summary="Un lieu d’accueil avec ses horaires",
)
def site_detail(request: HttpRequest, slug: str) -> Site:
    return _site_detail(_public_site(slug))


@router.get(
    "/lieux/{slug}/planning",
    auth=None,
    response={200: ScheduleOut, **problems(400, 404, 422)},
    summary="Planning d’ouverture des prochains jours (heure locale)",
)
def site_schedule(request: HttpRequest, slug: str, params: Query[ScheduleParams]) -> dict[str, Any]:
    site = _public_site(slug)
    start = params.debut or timezone.now().astimezone(site.tzinfo).date()
    days = opening_schedule(site, start, params.jours)
    return {"site": site.slug, "timezone": site.timezone, "days": [_day_out(d) for d in days]}


@router.get(
    "/lieux/{slug}/ouverture",
    auth=None,
    response={200: OpenStatusOut, **problems(400, 404, 422)},
    summary="Ouvert maintenant (ou à un instant donné) ? Prochaine ouverture",
)
def site_open_status(request: HttpRequest, slug: str, params: Query[OpenParams]) -> dict[str, Any]:
    site = _public_site(slug)
    at = params.a or timezone.now()
    if timezone.is_naive(at):  # a time without offset is the site's own local time
        at = at.replace(tzinfo=site.tzinfo)
    status = open_status(site, at)
    return {
        "site": site.slug,
        "timezone": status.timezone,
        "at": status.at,
        "is_open": status.is_open,
        "closes_at": status.closes_at,
        "next_opening": status.next_opening,
    }


@router.put(
    "/lieux/{slug}/horaires",
    response={200: SiteDetailOut, **problems(400, 401, 403, 404, 413, 422)},
    summary="Remplacer les horaires habituels d’un lieu",
)
def site_hours_replace(request: HttpRequest, slug: str, payload: HoursIn) -> Site:
    """Needs ``manage_directory`` on the site (users) or a write token of its organisation."""
    principal = request.auth  # type: ignore[attr-defined]
    site = get_visible_or_404(
        principal,
        Site.objects.select_related("commune__departement", "organisation"),
        slug=_check_slug(slug),
    )
    permission = Perm.API_WRITE if isinstance(principal, ApiToken) else Perm.MANAGE_DIRECTORY
    require_permission(principal, permission, site)
    services.opening_hours_replace(
        actor=principal,
        site=site,
        hours=[(item.weekday, item.opens, item.closes) for item in payload.hours],
    )
    return _site_detail(_public_site_or(site))


def _public_site_or(site: Site) -> Site:
    """The site with its relations loaded, even when it is not public (inactive)."""
    return (
        Site.objects.select_related("commune__departement", "organisation", "local_service")
        .prefetch_related("channels", "partners", "covered_departements", "opening_hours")
        .get(pk=site.pk)
    )
