"""Reads of the directory: public search of services and sites, back-office lists.

Public selectors return active rows only, in French order (the stored ``sort_key``), with
what list pages display already joined or prefetched (no N+1). Back-office selectors go
through ``accounts.scoping.visible_to``: the scoped query is the permission check.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from parvis.accounts.scoping import Perm, visible_to
from parvis.core.text import search_key, sort_key, strip_controls
from parvis.directory.models import (
    Channel,
    JourneyStage,
    LocalService,
    Motif,
    OpeningException,
    OpeningHours,
    Organisation,
    Site,
    Theme,
)
from parvis.territories.models import Commune, Departement

_DIGITS5 = re.compile(r"^\d{5}$")
_INSEE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$", re.IGNORECASE)
# What ``core.text.sort_key`` puts between the accent-free key and the tie-breaker, so
# whole-name matches follow it if it changes.
_KEY_SEPARATOR = sort_key("a").removeprefix(search_key("a"))[:1]


def _search_text(text: str) -> str:
    """User input for a query: control characters (NUL breaks PostgreSQL) removed."""
    return strip_controls(text).strip()


def _name_tokens(text: str) -> list[str]:
    return [token for token in search_key(_search_text(text)).split(" ") if token]


def _name_filter(text: str, field: str = "sort_key") -> Q:
    """Every word of ``text`` appears, accents and case ignored, in the stored sort key."""
    condition = Q()
    for token in _name_tokens(text):
        condition &= Q(**{f"{field}__contains": token})
    return condition


def communes_matching(text: str) -> QuerySet[Commune]:
    """Communes designated by ``text``: INSEE code (current or former), postcode or name.

    Names match whole (« Lyon » does not match « Lyons-la-Forêt »), accents ignored.
    """
    text = _search_text(text)
    if not text:
        return Commune.objects.none()
    condition = Q()
    if _INSEE_CODE.match(text):
        code = text.upper()
        condition |= Q(code=code) | Q(aliases__code=code)
    if _DIGITS5.match(text):
        # JSON text of the list holds each postcode in quotes, on SQLite and PostgreSQL.
        condition |= Q(postcodes__icontains=f'"{text}"')
    key = search_key(text)
    if key and not _DIGITS5.match(text):
        condition |= Q(sort_key=key) | Q(sort_key__startswith=f"{key}{_KEY_SEPARATOR}")
    return Commune.objects.filter(condition).distinct()


def _commune_filter(text: str, *, commune_field: str, postcode_field: str | None) -> Q:
    codes = communes_matching(text).values("code")
    condition = Q(**{f"{commune_field}__in": codes})
    if postcode_field and _DIGITS5.match(_search_text(text)):
        condition |= Q(**{postcode_field: _search_text(text)})
    return condition


# --- Taxonomy ----------------------------------------------------------------------------


def organisations_for_public() -> QuerySet[Organisation]:
    """Active organisations in French order, with their active motifs prefetched."""
    return (
        Organisation.objects.filter(is_active=True)
        .annotate(
            local_service_count=Count("local_services", filter=Q(local_services__is_active=True))
        )
        .prefetch_related(Prefetch("motifs", queryset=Motif.objects.filter(is_active=True)))
        .order_by("sort_key", "pk")
    )


def themes() -> QuerySet[Theme]:
    return Theme.objects.all()


def channels() -> QuerySet[Channel]:
    return Channel.objects.all()


def journey_stages() -> QuerySet[JourneyStage]:
    return JourneyStage.objects.all()


# --- Local services ------------------------------------------------------------------------


def local_services_search(
    *,
    q: str = "",
    commune: str = "",
    organisation: Organisation | None = None,
    departement: Departement | None = None,
) -> QuerySet[LocalService]:
    """Active local services matching every given filter, in French order.

    ``commune`` keeps the services whose covered territory includes that commune's
    département.
    """
    queryset = LocalService.objects.filter(is_active=True, organisation__is_active=True)
    if q.strip():
        queryset = queryset.filter(_name_filter(q))
    if organisation is not None:
        queryset = queryset.filter(organisation=organisation)
    if departement is not None:
        queryset = queryset.filter(departements=departement)
    if commune.strip():
        departements = communes_matching(commune).values("departement_id")
        queryset = queryset.filter(departements__in=departements)
    if departement is not None or commune.strip():
        queryset = queryset.distinct()
    return (
        queryset.select_related("organisation", "main_departement")
        .prefetch_related("departements")
        .order_by("sort_key", "pk")
    )


def competent_local_service(
    *, organisation: Organisation, departement_code: str | None
) -> LocalService | None:
    """The organisation's active local service whose territory includes the département
    (the first in French order when several do), or ``None`` (national level only)."""
    if not departement_code:
        return None
    return (
        LocalService.objects.filter(
            is_active=True, organisation=organisation, departements=departement_code
        )
        .order_by("sort_key", "pk")
        .first()
    )


def local_service_for_public(slug: str) -> LocalService:
    """One active local service with its territory and active sites (raises DoesNotExist)."""
    return (
        LocalService.objects.filter(is_active=True, organisation__is_active=True)
        .select_related("organisation", "main_departement")
        .prefetch_related(
            "departements",
            Prefetch("sites", queryset=sites_search().order_by("sort_key", "pk")),
        )
        .get(slug=slug)
    )


# --- Sites ---------------------------------------------------------------------------------


def sites_search(
    *,
    q: str = "",
    commune: str = "",
    organisation: Organisation | None = None,
    departement: Departement | None = None,
    kind: str = "",
) -> QuerySet[Site]:
    """Active sites matching every given filter, in French order, ready for list pages.

    ``organisation`` keeps the sites it runs and the France Services sites where it is a
    partner; ``commune`` is a name, a postcode or an INSEE code.
    """
    queryset = Site.objects.filter(is_active=True)
    if q.strip():
        queryset = queryset.filter(_name_filter(q))
    if commune.strip():
        queryset = queryset.filter(
            _commune_filter(commune, commune_field="commune", postcode_field="postcode")
        )
    if organisation is not None:
        partner_sites = Site.objects.filter(partners=organisation).values("pk")
        queryset = queryset.filter(Q(organisation=organisation) | Q(pk__in=partner_sites))
    if departement is not None:
        queryset = queryset.filter(commune__departement=departement)
    if kind:
        queryset = queryset.filter(kind=kind)
    return (
        queryset.select_related("commune__departement", "organisation", "local_service")
        .prefetch_related("channels", "partners")
        .order_by("sort_key", "pk")
    )


def site_for_public(slug: str) -> Site:
    """One active site with everything its page shows (raises ``Site.DoesNotExist``)."""
    return (
        sites_search()
        .prefetch_related(Prefetch("opening_hours", queryset=OpeningHours.objects.all()))
        .get(slug=slug)
    )


# --- Back office -----------------------------------------------------------------------------


def sites_visible_to(principal: Any, permission: Perm = Perm.VIEW) -> QuerySet[Site]:
    """Sites (active or not) that ``principal`` may access with ``permission``."""
    return (
        visible_to(principal, Site.objects.all(), permission)
        .select_related("commune__departement", "organisation", "local_service")
        .order_by("sort_key", "pk")
    )


def site_exceptions(site: Site, *, since: Any = None) -> QuerySet[OpeningException]:
    queryset = site.opening_exceptions.all()
    if since is not None:
        queryset = queryset.filter(date__gte=since)
    return queryset.order_by("date")
