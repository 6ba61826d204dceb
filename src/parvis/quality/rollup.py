"""The results of the catalogue's indicators rolled up from the daily facts: the facts
summed per level × organisation × territory × month in one aggregate query, and each
indicator's registered calculator run on every group. ``services.results_compute`` writes
what it gives for months; ``selectors.results_at`` reads it over several months taken
together, unsaved (a percentile over a window is that of its cases, not of its months).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet, Sum
from django.db.models.base import ModelState

from parvis.directory.models import LocalService, Organisation, Site
from parvis.quality import calculators, measures
from parvis.quality.models import DailyFact, Indicator, Level, Result
from parvis.territories.models import Departement

Cell = tuple[int, str, int | None, str, dt.date]  # indicator, level, organisation, key, month


GroupKey = tuple[str, int | None, str, dt.date]  # level, organisation, key, month


def month_sums(
    months: list[dt.date],
    *,
    voice_only: bool = False,
    window: bool = False,
    where: Q | None = None,
) -> dict[GroupKey, calculators.GroupSums]:
    """Summed measures per level × organisation × territory × month, split by channel,
    from one aggregate query at the finest level the results need.

    ``voice_only`` reads the facts without a channel only (experiences and simplification
    requests: the hub's facts always have one). ``window`` adds the months together: each
    group is keyed by the last of ``months``. ``where`` keeps some facts only (one
    place's: the groups of the levels above it are then partial)."""
    columns = measures.all_columns()
    dimensions = (
        "month",
        "organisation_id",
        "site_id",
        "local_service_id",
        "departement_id",
        "channel_id",
    )
    found = DailyFact.objects.filter(month__in=months)
    if voice_only:
        found = found.filter(channel=None)
    if where is not None:
        found = found.filter(where)
    last = max(months) if months else None
    rows = (
        found.values(*dimensions)
        .annotate(**{f"s_{c}": Sum(c) for c in columns})
        .values_list(*dimensions, *(f"s_{c}" for c in columns))
        .order_by()
    )
    regions = dict(Departement.objects.values_list("code", "region_id"))
    france_services = set(
        Site.objects.filter(kind=Site.Kind.FRANCE_SERVICES).values_list("pk", flat=True)
    )
    slugs = dict(Organisation.objects.values_list("pk", "slug"))
    # Sums kept as lists in the order of ``columns`` while rolling up (added in the order
    # of the rows, as ``measures.add`` would), made mappings at the end.
    lists: dict[GroupKey, dict[str | None, list[float]]] = defaultdict(dict)
    for month, organisation, site, service, departement, channel, *values in _fetch(rows):
        sums = [value or 0 for value in values]
        if window and last is not None:
            month = last
        places: list[tuple[str, int | None, str]] = [
            (Level.ORGANISATION, organisation, slugs.get(organisation, "")),
            (Level.NATIONAL, None, ""),
        ]
        if site:
            places.append((Level.SITE, organisation, str(site)))
            if site in france_services:
                # A France Services site per partner (above) and as a whole, all partners.
                places.append((Level.SITE, None, str(site)))
        if service:
            places.append((Level.SERVICE, organisation, str(service)))
        if departement:
            places.append((Level.DEPARTEMENT, organisation, departement))
            if region := regions.get(departement):
                places.append((Level.REGION, organisation, region))
        for level, owner, key in places:
            by_channel = lists[(level, owner, key, month)]
            total = by_channel.get(channel)
            if total is None:
                by_channel[channel] = [0 + value for value in sums]
            else:
                total[:] = map(operator.add, total, sums)
    return {
        group: calculators.GroupSums(
            {
                channel: dict(zip(columns, total, strict=True))
                for channel, total in by_channel.items()
            },
            complete=True,
        )
        for group, by_channel in lists.items()
    }


def _fetch(rows: QuerySet[Any]) -> Iterator[tuple[Any, ...]]:
    """The aggregate's rows as the driver gives them: sums of integers and floats need
    none of the queryset's per-value converters (thousands of rows × a hundred sums).
    On PostgreSQL the sort or hash of a month's facts gets the memory to stay off disk."""
    sql, params = rows.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(5000):
            for month, *rest in batch:
                # SQLite gives the month as text; the groups are keyed by dates.
                yield (dt.date.fromisoformat(month) if isinstance(month, str) else month, *rest)


def labels() -> dict[str, dict[str, str]]:
    """Level → key → the territory's French name."""
    return {
        Level.SITE: {str(pk): name for pk, name in Site.objects.values_list("pk", "name")},
        Level.SERVICE: {
            str(pk): name for pk, name in LocalService.objects.values_list("pk", "name")
        },
        Level.DEPARTEMENT: {
            code: f"{name} ({code})"
            for code, name in Departement.objects.values_list("code", "name")
        },
        Level.REGION: dict(
            Departement.objects.exclude(region=None).values_list("region_id", "region__name")
        ),
        Level.ORGANISATION: dict(Organisation.objects.values_list("slug", "name")),
        Level.NATIONAL: {"": "Tous organismes"},
    }


def compute(
    indicators: list[Indicator],
    groups: dict[GroupKey, calculators.GroupSums],
    labels: dict[str, dict[str, str]],
    now: dt.datetime,
) -> dict[Cell, Result]:
    """Every indicator (but the declared-only ones) on every group of its levels; a group
    where nothing counts gives no result. The results are not saved."""
    # A year holds hundreds of thousands of results: each is made with every field's
    # value set at once (its instance dictionary, as ``Model.__init__`` would fill it,
    # without its per-field work; Result has no signal receivers), not yet saved.
    defaults = {f.attname: f.get_default() for f in Result._meta.concrete_fields}

    def new_result(values: dict[str, Any]) -> Result:
        result = Result.__new__(Result)
        result.__dict__.update(values)
        result._state = ModelState()
        return result

    # The groups of each level, so that an indicator walks only the levels it has.
    by_level: dict[str, list[tuple[GroupKey, calculators.GroupSums]]] = defaultdict(list)
    for group, by_channel in groups.items():
        by_level[group[0]].append((group, by_channel))
    computed: dict[Cell, Result] = {}
    for indicator in indicators:
        calculator = calculators.calculator_of(indicator.calculator)
        if indicator.is_declared_only:
            continue
        # ``calculator.run``'s parameters, merged once for all the groups; a choice of
        # channels as a tuple (``calculators.summed`` remembers its totals by it).
        parameters = {**calculator.defaults(), **indicator.parameters}
        if isinstance(parameters.get("channels"), list):
            parameters["channels"] = tuple(parameters["channels"])
        read = calculator.channels_read(parameters)
        common = defaults | {
            "indicator_id": indicator.pk,
            "version": indicator.version,
            "parameters": indicator.parameters,
            "computed_at": now,
        }
        levels = [level for level in indicator.levels if level != Level.NATIONAL]
        if indicator.harmonised:
            levels.append(Level.NATIONAL)
        for level in dict.fromkeys(levels):
            names = labels.get(level, {})
            for (_, organisation, key, month), by_channel in by_level.get(level, ()):
                if read is not None and read.isdisjoint(by_channel):
                    continue  # none of the channels it reads: nothing would count
                figure = calculator.compute(by_channel, parameters)
                if figure.n == 0 and figure.value is None:
                    continue
                values = common | {
                    "level": level,
                    "organisation_id": organisation,
                    "key": key,
                    "label": names.get(key, key),
                    "month": month,
                    "value": figure.value,
                    "numerator": figure.numerator,
                    "denominator": figure.denominator,
                    "n": figure.n,
                    "ci_low": figure.ci_low,
                    "ci_high": figure.ci_high,
                    "tolerance": figure.tolerance,
                    "response_rate": figure.response_rate,
                }
                computed[(indicator.pk, level, organisation, key, month)] = new_result(values)
    return computed
