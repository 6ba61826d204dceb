"""Reads of the directory: public search of services and sites, back-office lists, the
organisations' self-assessments against the Services Publics+ commitments.

Public selectors return active rows only, in French order (the stored ``sort_key``), with
what list pages display already joined or prefetched (no N+1). Back-office selectors go
through ``accounts.scoping.visible_to``: the scoped query is the permission check.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db.models import Count, F, Max, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from parvis.accounts.scoping import Perm, visible_to
from parvis.core.text import search_key, strip_controls
from parvis.directory.commitments import indicators_for_commitments
from parvis.directory.models import (
    Channel,
    Commitment,
    CommitmentAssessment,
    JourneyStage,
    LocalService,
    Motif,
    OpeningException,
    OpeningHours,
    Organisation,
    Site,
    Theme,
)
from parvis.territories.models import Commune, CommuneAlias, Departement
from parvis.territories.selectors import name_key

_DIGITS5 = re.compile(r"^\d{5}$")
_INSEE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$", re.IGNORECASE)
# Words that begin many commune names: typed alone or last, they do not designate every
# longer name (« Saint » is not the start of « Saint-Denis » for a search).
_NAME_PREFIX_WORDS = frozenset(
    {"saint", "sainte", "le", "la", "les", "l", "d", "de", "du", "des", "sur", "sous", "en"}
    | {"et", "au", "aux", "val", "mont", "pont", "port", "bourg", "ville"}
)
# The longest commune name looked for inside a name query, in words.
_MAX_COMMUNE_WORDS = 6


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

    A name matches whole, accents, case, hyphens and « St »/« Ste » ignored: the current
    name, or that of a commune déléguée, associée or municipal arrondissement (« Lyon »
    does not match « Lyons-la-Forêt »). It also designates a longer name starting with
    the same words when that commune is more populated than every commune named exactly
    so: a commune that merged often keeps its old name first (« Évry » finds
    Évry-Courcouronnes beside the small Évry of the Yonne), while « Saint-Étienne »
    does not bring every Saint-Étienne-de-….
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
    else:
        key = name_key(text)
        if key:
            condition |= _named(key)
    return Commune.objects.filter(condition).distinct()


def _exactly_named(keys: Iterable[str]) -> Q:
    keys = list(keys)
    aliases = CommuneAlias.objects.filter(search_key__in=keys).values("commune_id")
    return Q(search_key__in=keys) | Q(code__in=aliases)


def _named(key: str) -> Q:
    exact = _exactly_named([key])
    if len(key) < 3 or key.rsplit(" ", 1)[-1] in _NAME_PREFIX_WORDS:
        return exact
    largest = Commune.objects.filter(exact).aggregate(
        largest=Max(Coalesce("population", Value(0)))
    )["largest"]
    longer = Q(search_key__startswith=f"{key} ")
    if largest is not None:
        longer &= Q(population__gt=largest)
    return exact | longer


def split_commune(text: str) -> tuple[str, str] | None:
    """``(other words, commune name)`` when ``text`` ends (or else begins) with the exact
    name of a commune: « caf bordeaux » → ``("caf", "bordeaux")``; « bordeaux » →
    ``("", "bordeaux")``; ``None`` when no commune is named.

    The longest name wins (« caf saint etienne » names Saint-Étienne, not a commune
    called Étienne); one query for every candidate.
    """
    tokens = _search_text(text).split()
    candidates: list[tuple[str, str]] = []
    for size in range(min(len(tokens), _MAX_COMMUNE_WORDS), 0, -1):
        candidates.append((" ".join(tokens[:-size]), " ".join(tokens[-size:])))
        if size < len(tokens):
            candidates.append((" ".join(tokens[size:]), " ".join(tokens[:size])))
    keys = {name: name_key(name) for _, name in candidates}
    wanted = {key for key in keys.values() if len(key) >= 2}
    if not wanted:
        return None
    found = set(Commune.objects.filter(search_key__in=wanted).values_list("search_key", flat=True))
    found |= set(
        CommuneAlias.objects.filter(search_key__in=wanted).values_list("search_key", flat=True)
    )
    for rest, name in candidates:
        if keys[name] in found:
            return rest, name
    return None


def organisation_named(text: str) -> Organisation | None:
    """The one active organisation whose name or short name holds every word of
    ``text`` (« caf », « assurance maladie », « carsat »), else ``None``."""
    tokens = _name_tokens(text)
    if not tokens:
        return None
    matches = [
        organisation
        for organisation in Organisation.objects.administrations()
        .filter(is_active=True)
        .order_by("sort_key", "pk")
        if set(tokens) <= set(search_key(f"{organisation.name} {organisation.short_name}").split())
    ]
    return matches[0] if len(matches) == 1 else None


def _located_in(text: str) -> tuple[Q, set[str]]:
    """Sites standing in the communes ``text`` designates, and those communes' départements."""
    places = list(communes_matching(text).values_list("code", "departement_id"))
    located = Q(commune__in=[code for code, _ in places])
    if _DIGITS5.match(_search_text(text)):
        located |= Q(postcode=_search_text(text))
    return located, {departement for _, departement in places}


def _serving(departements: Iterable[str]) -> Q:
    """Contact centres that serve these départements: national, or listing one of them."""
    listing = Site.covered_departements.through.objects.filter(
        departement_id__in=list(departements)
    ).values("site_id")
    return Q(coverage=Site.Coverage.NATIONAL) | Q(
        coverage=Site.Coverage.DEPARTEMENTS, pk__in=listing
    )


# --- Taxonomy ----------------------------------------------------------------------------


def organisations_for_public() -> QuerySet[Organisation]:
    """Active organisations in French order, with their active motifs prefetched."""
    return (
        Organisation.objects.administrations()
        .filter(is_active=True)
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


def _site_condition(
    *,
    q: str = "",
    commune: str = "",
    organisation: Organisation | None = None,
    departement: Departement | None = None,
    kind: str = "",
    local_only: bool = False,
    place: Commune | None = None,
) -> Q:
    """``place``, a commune already resolved, stands for ``commune`` (no lookup)."""
    condition = Q(is_active=True)
    if q.strip():
        condition &= _name_filter(q)
    if commune.strip() or place is not None:
        if place is not None:
            located, departements = Q(commune=place), {place.departement_id}
        else:
            located, departements = _located_in(commune)
        place_q = Q(coverage=Site.Coverage.LOCAL) & located
        if departements and not local_only:
            place_q |= _serving(departements)
        condition &= place_q
    if organisation is not None:
        partner_sites = Site.objects.filter(partners=organisation).values("pk")
        condition &= Q(organisation=organisation) | Q(pk__in=partner_sites)
    if departement is not None:
        area = Q(coverage=Site.Coverage.LOCAL, commune__departement=departement)
        if not local_only:
            area |= _serving([departement.pk])
        condition &= area
    if kind:
        condition &= Q(kind=kind)
    return condition


def _sites(condition: Q) -> QuerySet[Site]:
    return (
        Site.objects.filter(condition)
        .select_related("commune__departement", "organisation", "local_service")
        .prefetch_related("channels", "partners", "covered_departements")
        .order_by("sort_key", "pk")
    )


def sites_search(
    *,
    q: str = "",
    commune: str = "",
    organisation: Organisation | None = None,
    departement: Departement | None = None,
    kind: str = "",
    local_only: bool = False,
) -> QuerySet[Site]:
    """Active sites matching every given filter, in French order, ready for list pages.

    ``organisation`` keeps the sites it runs and the France Services sites where it is a
    partner; ``commune`` is a name, a postcode or an INSEE code. ``commune`` and
    ``departement`` keep the sites standing there (local coverage) and the contact
    centres that serve it (national, or listing its département), unless ``local_only``.
    """
    return _sites(
        _site_condition(
            q=q,
            commune=commune,
            organisation=organisation,
            departement=departement,
            kind=kind,
            local_only=local_only,
        )
    )


def sites_serving(
    departement: Departement,
    *,
    organisation: Organisation | None = None,
    kind: str = "",
) -> QuerySet[Site]:
    """Contact centres that answer the public of ``departement`` from elsewhere."""
    return _sites(
        _site_condition(organisation=organisation, kind=kind) & _serving([departement.pk])
    )


@dataclass(frozen=True)
class PlacesNamed:
    """Local services and France Services sites a visitor's words designate, each list in
    French order and cut at the limit (``more``: there were others)."""

    services: list[LocalService]
    france_services: list[Site]
    more: bool


PLACES_NAMED_LIMIT = 50


def departement_named(text: str) -> Departement | None:
    """The département ``text`` names whole, by its number (« 33 », « 2a ») or its name,
    accents and case ignored (« gironde », « Rhone »), else ``None``."""
    text = _search_text(text)
    key = search_key(text)
    if not key:
        return None
    return Departement.objects.filter(
        Q(pk=text.upper()) | Q(sort_key__startswith=f"{key}\x01")
    ).first()


def places_named(text: str, *, limit: int = PLACES_NAMED_LIMIT) -> PlacesNamed:
    """Active local services and France Services sites that ``text`` designates: every
    word in their name (accents and case ignored), the commune a France Services site
    stands in, or the département (number or name) a service covers or a site stands in."""
    if not _name_tokens(text):
        return PlacesNamed([], [], more=False)
    departement = departement_named(text)
    services_q = _name_filter(text)
    sites_q = _site_condition(q=text, kind=Site.Kind.FRANCE_SERVICES) | _site_condition(
        commune=text, kind=Site.Kind.FRANCE_SERVICES, local_only=True
    )
    if departement is not None:
        services_q |= Q(departements=departement)
        sites_q |= _site_condition(
            departement=departement, kind=Site.Kind.FRANCE_SERVICES, local_only=True
        )
    services = list(
        LocalService.objects.filter(services_q, is_active=True, organisation__is_active=True)
        .distinct()
        .select_related("organisation")
        .order_by("sort_key", "pk")[: limit + 1]
    )
    sites = list(
        Site.objects.filter(sites_q)
        .distinct()
        .select_related("commune")
        .order_by("sort_key", "pk")[: limit + 1]
    )
    more = len(services) > limit or len(sites) > limit
    return PlacesNamed(services[:limit], sites[:limit], more=more)


@dataclass(frozen=True)
class NearestSites:
    """Sites near a commune, as near as parvis can tell without coordinates: those of
    its département, else of its région (``scope`` says which, ``area`` names it)."""

    scope: str  # "departement" or "region"
    area: str
    sites: list[Site]


NEAREST_LIMIT = 10


def nearest_sites(
    commune: Commune,
    *,
    q: str = "",
    organisation: Organisation | None = None,
    kind: str = "",
    limit: int = NEAREST_LIMIT,
) -> NearestSites | None:
    """Sites standing in another commune of the same département, else of the same
    région, most populated communes first; ``None`` when there is none.

    Communes carry no coordinates in ``territories``: this is not a distance, and pages
    say so.
    """
    elsewhere = _site_condition(q=q, organisation=organisation, kind=kind, local_only=True) & Q(
        coverage=Site.Coverage.LOCAL
    )
    elsewhere &= ~Q(commune=commune)
    order = (F("commune__population").desc(nulls_last=True), "commune__sort_key", "sort_key", "pk")
    departement = commune.departement
    sites = list(_sites(elsewhere & Q(commune__departement=departement)).order_by(*order)[:limit])
    if sites:
        return NearestSites("departement", departement.name, sites)
    region = departement.region
    if region is None:
        return None
    in_region = Q(commune__departement__region=region) & ~Q(commune__departement=departement)
    sites = list(_sites(elsewhere & in_region).order_by(*order)[:limit])
    return NearestSites("region", region.name, sites) if sites else None


@dataclass(frozen=True)
class DirectorySearch:
    """What the public search found, section by section.

    ``commune`` is the commune the search is about (given in the commune field, or
    recognised at the end or start of the name field), with ``other_communes`` the text
    may also designate. For a known commune: ``sites`` stand there, ``local_services``
    and ``serving_sites`` are competent for it whatever is typed as a name, and
    ``nearest()`` gives the sites around it when none stands there.
    """

    words: str
    commune_text: str
    commune: Commune | None
    other_communes: list[Commune]
    commune_in_name: bool
    organisation: Organisation | None
    organisation_in_name: bool
    kind: str
    sites: QuerySet[Site]
    local_services: QuerySet[LocalService] | None
    serving_sites: QuerySet[Site] | None

    @property
    def unknown_commune(self) -> bool:
        return bool(self.commune_text) and self.commune is None

    @cached_property
    def nearest(self) -> NearestSites | None:
        """The sites around the commune when none stands there (``None`` otherwise)."""
        if self.commune is None or self.sites.exists():
            return None
        return nearest_sites(
            self.commune, q=self.words, organisation=self.organisation, kind=self.kind
        )


def directory_search(
    *,
    q: str = "",
    commune: str = "",
    organisation: Organisation | None = None,
    kind: str = "",
) -> DirectorySearch:
    """The public search of the directory: it never ends on nothing for a known commune.

    Without a commune field, a commune named in ``q`` is used (« caf bordeaux »: CAF
    sites in Bordeaux, CAF de la Gironde); the words left name an organisation when one
    matches them, otherwise they filter site names. Sites whose name holds all of
    ``q`` are kept too (« France Services Saint-Étienne-de-Baïgorry »).
    """
    q, commune_text = _search_text(q), _search_text(commune)
    words, in_name = q, False
    if q and not commune_text:
        split = split_commune(q)
        if split is not None:
            (words, commune_text), in_name = split, True
    candidates = (
        list(
            communes_matching(commune_text)
            .select_related("departement__region")
            .order_by(F("population").desc(nulls_last=True), "sort_key", "code")[:6]
        )
        if commune_text
        else []
    )
    place = candidates[0] if candidates else None
    recognised = organisation_named(words) if in_name and organisation is None else None
    chosen = organisation or recognised
    words = "" if recognised else words
    if place is None:
        has_criteria = bool(q or commune_text or organisation)
        return DirectorySearch(
            words=q,
            commune_text=commune_text,
            commune=None,
            other_communes=[],
            commune_in_name=False,
            organisation=organisation,
            organisation_in_name=False,
            kind=kind,
            sites=sites_search(q=q, commune=commune_text, organisation=organisation, kind=kind),
            local_services=(
                local_services_search(q=q, commune=commune_text, organisation=organisation)
                if has_criteria and not kind
                else None
            ),
            serving_sites=None,
        )
    # A postcode designates every commune sharing it; a name, the most populated one.
    by_postcode = bool(_DIGITS5.match(commune_text))
    condition = _site_condition(
        q=words,
        commune=commune_text if by_postcode else "",
        place=None if by_postcode else place,
        organisation=chosen,
        kind=kind,
        local_only=True,
    )
    if in_name:
        condition |= _site_condition(q=q, organisation=organisation, kind=kind)
    sites = _sites(condition)
    serves_remotely = kind in ("", Site.Kind.CONTACT_CENTRE)
    return DirectorySearch(
        words=words,
        commune_text=commune_text,
        commune=place,
        other_communes=candidates[1:],
        commune_in_name=in_name,
        organisation=chosen,
        organisation_in_name=recognised is not None,
        kind=kind,
        sites=sites,
        local_services=(
            local_services_search(departement=place.departement, organisation=chosen)
            if not kind
            else None
        ),
        serving_sites=(
            sites_serving(place.departement, organisation=chosen, kind=kind)
            if serves_remotely
            else None
        ),
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


def structures_managed_by(principal: Any) -> tuple[list[Organisation], list[LocalService]]:
    """The organisations and local services under which ``principal`` may open a site
    (``Perm.MANAGE_DIRECTORY`` on them), active ones, in French order. A site-level
    grant manages its own site only: it opens none."""
    organisations = visible_to(
        principal, Organisation.objects.filter(is_active=True), Perm.MANAGE_DIRECTORY
    ).order_by("sort_key", "pk")
    local_services = (
        visible_to(
            principal,
            LocalService.objects.filter(is_active=True, organisation__is_active=True),
            Perm.MANAGE_DIRECTORY,
        )
        .select_related("organisation")
        .order_by("sort_key", "pk")
    )
    return list(organisations), list(local_services)


def site_exceptions(site: Site, *, since: Any = None) -> QuerySet[OpeningException]:
    queryset = site.opening_exceptions.all()
    if since is not None:
        queryset = queryset.filter(date__gte=since)
    return queryset.order_by("date")


# Services Publics+ commitments ------------------------------------------------------------


@dataclass(frozen=True)
class CommitmentRow:
    """A commitment with one organisation's self-assessment (``None``: not assessed yet)
    and the quality indicators attached to it (``None``: no source of indicators is
    registered, see ``directory.commitments``)."""

    commitment: Commitment
    assessment: CommitmentAssessment | None
    indicators: list[tuple[str, str]] | None = None


def commitments() -> QuerySet[Commitment]:
    """The Services Publics+ commitments, by number (0, the preamble, first)."""
    return Commitment.objects.order_by("number")


def _with_evidence(assessments: QuerySet[CommitmentAssessment]) -> QuerySet[CommitmentAssessment]:
    return assessments.select_related("commitment").prefetch_related("evidence")


def _rows(
    assessments: Iterable[CommitmentAssessment],
    indicators: dict[int, list[tuple[str, str]]] | None = None,
) -> list[CommitmentRow]:
    by_number = {assessment.commitment_id: assessment for assessment in assessments}
    return [
        CommitmentRow(
            commitment=commitment,
            assessment=by_number.get(commitment.number),
            indicators=None if indicators is None else indicators.get(commitment.number, []),
        )
        for commitment in commitments()
    ]


def commitments_for_public(organisation: Organisation) -> list[CommitmentRow]:
    """Every commitment with ``organisation``'s self-assessment (public by nature) and
    the indicators attached to it (three queries, whatever the evidence)."""
    assessments = _with_evidence(CommitmentAssessment.objects.filter(organisation=organisation))
    return _rows(assessments, indicators_for_commitments())


def commitment_assessments_visible_to(
    principal: Any, organisation: Organisation, permission: Perm = Perm.MANAGE_QUALITY
) -> QuerySet[CommitmentAssessment]:
    """``organisation``'s self-assessments that ``principal`` may act on with
    ``permission`` (its quality managers and administrators, platform admins)."""
    return visible_to(
        principal,
        _with_evidence(CommitmentAssessment.objects.filter(organisation=organisation)),
        permission,
    )


def commitments_for_backoffice(principal: Any, organisation: Organisation) -> list[CommitmentRow]:
    """Every commitment with ``organisation``'s self-assessment as ``principal`` may
    manage it (none shown outside their scope)."""
    return _rows(commitment_assessments_visible_to(principal, organisation))
