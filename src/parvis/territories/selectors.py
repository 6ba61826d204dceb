"""Reads of the territories domain: régions, départements, communes and former codes.

Territories are public reference data: these selectors need no principal.
"""

from __future__ import annotations

import re

from django.db.models import Case, Count, Q, QuerySet, Value, When

from parvis.core.text import search_key
from parvis.territories.models import Commune, CommuneAlias, Departement, Region

# INSEE commune code: two digits (or 2A/2B for Corsica) then three digits; overseas
# codes are 97xxx/98xxx. Postcodes are five digits.
COMMUNE_CODE = re.compile(r"^(?:\d{2}|2[AB])\d{3}$", re.IGNORECASE)
DEPARTEMENT_CODE = re.compile(r"^(?:\d{2}|2[AB]|9[78]\d)$", re.IGNORECASE)
POSTCODE = re.compile(r"^\d{5}$")
# Common abbreviations in addresses: « St-Étienne », « Ste Foy ».
_ABBREVIATIONS = ((re.compile(r"^st\b"), "saint"), (re.compile(r"^ste\b"), "sainte"))


def is_commune_code(value: str) -> bool:
    return bool(COMMUNE_CODE.match(value))


def is_departement_code(value: str) -> bool:
    return bool(DEPARTEMENT_CODE.match(value))


def normalize_code(value: str) -> str:
    """« 2a004 » → « 2A004 »: INSEE codes use an upper-case letter for Corsica."""
    return value.strip().upper()


def regions_list() -> QuerySet[Region]:
    """Régions in French order, with ``departement_count`` (collectivités belong to none)."""
    return Region.objects.annotate(departement_count=Count("departements")).order_by("sort_key")


def departements_list(*, region: str | None = None) -> QuerySet[Departement]:
    """Départements and collectivités in code order, optionally those of one région."""
    queryset = Departement.objects.select_related("region").order_by("code")
    if region:
        queryset = queryset.filter(region_id=region)
    return queryset


def departement_get(code: str) -> Departement | None:
    return Departement.objects.select_related("region").filter(code=normalize_code(code)).first()


def name_key(text: str) -> str:
    """The ``Commune.search_key`` a typed name designates: accents, case and hyphens
    ignored, « St » and « Ste » written out (« ST-ETIENNE » → « saint etienne »)."""
    key = search_key(text)
    for pattern, replacement in _ABBREVIATIONS:
        key = pattern.sub(replacement, key)
    return key


def communes_search(
    *, q: str = "", departement: str | None = None, postcode: str | None = None
) -> QuerySet[Commune]:
    """Current communes matching ``q``, sorted in French order.

    ``q`` is an INSEE code (« 33063 », also a former or delegated code), a postcode or
    its start (« 330 »), or the start of a name, accent- and case-insensitive (« saint
    etienne » finds « Saint-Étienne »; names of communes déléguées and associées also
    lead to their current commune, after the communes named so).
    """
    queryset = Commune.objects.select_related("departement")
    if departement:
        queryset = queryset.filter(departement_id=normalize_code(departement))
    if postcode:
        queryset = queryset.filter(postcodes__icontains=f'"{postcode.strip()}"')
    text = q.strip()
    if text.isdigit() or is_commune_code(text):
        code = normalize_code(text)
        condition = Q(postcodes__icontains=f'"{code}')
        if is_commune_code(code):
            condition |= Q(code=code) | Q(aliases__code=code)
        queryset = queryset.filter(condition)
    elif text:
        key = name_key(text)
        if not key:
            return queryset.none()
        own_name = Q(search_key__startswith=key)
        queryset = queryset.filter(
            own_name
            | Q(
                code__in=CommuneAlias.objects.filter(search_key__startswith=key).values(
                    "commune_id"
                )
            )
        ).annotate(  # communes named so first, then those with a déléguée named so
            by_alias=Case(When(own_name, then=Value(0)), default=Value(1))
        )
        return queryset.order_by("by_alias", "sort_key", "code")
    return queryset.distinct().order_by("sort_key", "code")


def resolve_commune(code: str) -> tuple[Commune, CommuneAlias | None] | None:
    """The current commune for an INSEE code, following former and delegated codes.

    Returns ``(commune, None)`` for a current code, ``(commune, alias)`` when the code is
    a commune déléguée, associée, a municipal arrondissement or a former code, and
    ``None`` when the code is unknown. A former code split between several communes
    resolves to the most populated one.
    """
    code = normalize_code(code)
    commune = Commune.objects.select_related("departement").filter(code=code).first()
    if commune is not None:
        return commune, None
    alias = (
        CommuneAlias.objects.select_related("commune__departement")
        .filter(code=code)
        .order_by("-commune__population", "kind", "commune_id")
        .first()
    )
    if alias is None:
        return None
    return alias.commune, alias
