"""What the public API and the open data read of quality results: a figure as it is
published, and the public code of its territory.

``published`` is ``selectors.shown`` with one more rule: a declared figure below the
indicator's ``min_n_publish`` is withheld too (``shown`` gives a declared figure as the
organisation declared it), and a declared figure kept beside a computed one is given only
with at least ``min_n_publish`` cases. Nothing below the minimum leaves by the API or the
open-data files.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from parvis.quality.models import Indicator, Level, Result
from parvis.quality.selectors import INSUFFICIENT, Shown, shown


def withheld_reason(indicator: Indicator) -> str:
    unit = "réponses" if indicator.is_sample else "cas"
    return f"{INSUFFICIENT} (moins de {indicator.min_n_publish} {unit})"


def published(indicator: Indicator, result: Result) -> Shown:
    """``result`` as the public may read it (``value`` is ``None`` with a ``reason`` when
    it is withheld)."""
    figure = shown(indicator, result, result.month)
    minimum = indicator.min_n_publish
    if figure.declared_value is not None and (result.declared_n or 0) < minimum:
        figure = dataclasses.replace(figure, declared_value=None)
    if figure.value is not None and figure.n < minimum:
        figure = dataclasses.replace(
            figure,
            value=None,
            numerator=None,
            denominator=None,
            ci_low=None,
            ci_high=None,
            response_rate=None,
            tolerance=None,
            reason=withheld_reason(indicator),
        )
    return figure


def territory_codes(results: Iterable[Result]) -> dict[tuple[str, str], str]:
    """(level, ``Result.key``) → the territory's public code: a site's or a local
    service's slug (results key them by id), else the key itself (INSEE code,
    organisation slug, ``""`` for all organisations)."""
    from parvis.directory.models import LocalService, Site

    ids: dict[str, set[int]] = {Level.SITE: set(), Level.SERVICE: set()}
    codes: dict[tuple[str, str], str] = {}
    for result in results:
        if result.level in ids and result.key.isdigit():
            ids[result.level].add(int(result.key))
        else:
            codes[(result.level, result.key)] = result.key
    for level, model in ((Level.SITE, Site), (Level.SERVICE, LocalService)):
        if ids[level]:
            for pk, slug in model.objects.filter(pk__in=ids[level]).values_list("pk", "slug"):
                codes[(level, str(pk))] = slug
    return codes


def cog_vintage() -> str:
    """The year of the INSEE COG loaded (« 2025 »), ``""`` when none is."""
    from parvis.territories.models import ReferenceVintage

    vintage = ReferenceVintage.objects.filter(dataset="insee-cog").first()
    return str(vintage.details.get("cog_year") or "") if vintage else ""
