"""Writes of quality results: the catalogue loaded from its data file, the daily facts
refreshed from platform data, the results computed from the facts (every level rolls up
from them), frozen at M+15 days with dated revisions afterwards, and declared figures
merged by coverage."""

from __future__ import annotations

import datetime as dt
import functools
import json
import operator
import re
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import structlog
import yaml
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import DateField, DateTimeField, JSONField
from django.utils import timezone

from parvis.contacts import selectors_quality as contact_rows
from parvis.core.errors import ParvisError
from parvis.core.french import number
from parvis.directory.models import Organisation
from parvis.quality import calculators, events, facts, facts_sql, measures, rollup, selectors
from parvis.quality.models import (
    DailyFact,
    DeclaredResult,
    Indicator,
    IndicatorTarget,
    IndicatorVersion,
    Level,
    Result,
    ResultRevision,
    Source,
    TargetAlert,
    ThemeFact,
    Unit,
)
from parvis.quality.periods import add_months, is_frozen, month_of, next_month
from parvis.simplification import selectors as simplification_selectors
from parvis.voice import selectors as voice_selectors

logger = structlog.get_logger(__name__)

CATALOGUE_FILE = Path(__file__).with_name("catalogue.yaml")
# Bounds no edit may cross (issue 16): publication minimums.
MIN_N_FLOOR = 10
MIN_N_FLOOR_SAMPLE = 100
SATISFACTION_CALCULATORS = ("survey_satisfaction", "survey_satisfaction_share")


# --- Catalogue -----------------------------------------------------------------------------


def catalogue_entries() -> dict[str, dict[str, Any]]:
    data = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    defaults = data.get("defaults", {})
    return {code: {**defaults, **entry} for code, entry in data["indicators"].items()}


def min_n_floor(calculator: str) -> int:
    return MIN_N_FLOOR_SAMPLE if calculator in SATISFACTION_CALCULATORS else MIN_N_FLOOR


def catalogue_sync(*, today: dt.date | None = None) -> dict[str, int]:
    """Create the indicators of ``catalogue.yaml`` that do not exist; for those that do,
    a change of calculator, unit or direction opens a new version (a series break), and
    what admins edit (labels, definitions, parameters, min_n, targets) is kept."""
    today = today or timezone.localdate()
    created = versioned = 0
    for position, (code, entry) in enumerate(catalogue_entries().items()):
        calculator = calculators.calculator_of(entry["calculator"])
        parameters = {**calculator.defaults(), **entry.get("parameters", {})}
        if errors := calculator.check(parameters):
            raise ValueError(f"catalogue {code}: {errors}")
        min_n = max(int(entry["min_n_publish"]), min_n_floor(entry["calculator"]))
        indicator = Indicator.objects.filter(code=code).first()
        if indicator is None:
            indicator = Indicator.objects.create(
                code=code,
                name=entry["name"],
                definition=" ".join(entry["definition"].split()),
                unit=entry["unit"],
                direction=entry["direction"],
                date_basis=entry["date_basis"],
                calculator=entry["calculator"],
                parameters=parameters,
                levels=entry["levels"],
                min_n_publish=min_n,
                min_n_rank=max(int(entry["min_n_rank"]), min_n),
                commitments=entry.get("commitments", []),
                harmonised=entry["harmonised"],
                sp_code=entry.get("sp_code", ""),
                tolerance=entry.get("tolerance", ""),
                position=position,
            )
            IndicatorVersion.objects.create(
                indicator=indicator,
                version=1,
                calculator=indicator.calculator,
                unit=indicator.unit,
                direction=indicator.direction,
                started_on=today,
                reason="Création",
            )
            created += 1
            continue
        changed = (
            indicator.calculator != entry["calculator"]
            or indicator.unit != entry["unit"]
            or indicator.direction != entry["direction"]
        )
        if changed:
            indicator.version += 1
            indicator.calculator = entry["calculator"]
            indicator.unit = entry["unit"]
            indicator.direction = entry["direction"]
            indicator.parameters = parameters
            indicator.save()
            IndicatorVersion.objects.create(
                indicator=indicator,
                version=indicator.version,
                calculator=indicator.calculator,
                unit=indicator.unit,
                direction=indicator.direction,
                started_on=today,
                reason="Changement de calcul, d’unité ou de sens (rupture de série)",
            )
            versioned += 1
    return {"created": created, "versioned": versioned}


# --- Facts ---------------------------------------------------------------------------------


def facts_build(first_day: dt.date, last_day: dt.date, *, contacts: bool = True) -> facts.Facts:
    """The facts of the local days ``[first_day, last_day]`` from platform data;
    ``contacts=False`` leaves out the hub's conversations and questionnaires (computed in
    the database by ``facts_sql`` on PostgreSQL)."""
    return facts_builder(first_day, last_day, contacts=contacts).facts


def facts_builder(first_day: dt.date, last_day: dt.date, *, contacts: bool = True) -> facts.Builder:
    """``facts_build``'s builder: its ``facts`` and its ``themes`` (``ThemeFact``)."""
    start, end = facts.utc_window(first_day, last_day)
    builder = facts.Builder(first_day, last_day)
    if contacts:
        builder.add_entered(contact_rows.conversations_entered(start, end))
        builder.add_resolved(contact_rows.conversations_resolved(start, end))
        builder.add_surveys(contact_rows.survey_invitations(start, end))
    builder.add_experiences(voice_selectors.experiences_for_quality(start, end))
    builder.add_moderation(voice_selectors.experience_decisions_for_quality(start, end))
    builder.add_simplification(simplification_selectors.requests_for_quality(start, end))
    return builder


# Every write of facts and results takes this lock first. The 30-minute, nightly and
# hourly refreshes replace rows by delete-then-insert; two at once on PostgreSQL would
# each insert a day's facts (under READ COMMITTED a DELETE does not see the rows another
# transaction inserted and committed after it began). SQLite's transactions take the
# write lock up front (``transaction_mode=IMMEDIATE``): already one at a time.
REFRESH_LOCK_KEY = 0x7061_7276  # "parv"


def serialise_refreshes() -> None:
    """Wait for any other refresh's transaction to end (in the caller's transaction)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REFRESH_LOCK_KEY])


def facts_refresh(*, first_day: dt.date, last_day: dt.date) -> int:
    """Replace the facts of ``[first_day, last_day]`` (one transaction); returns rows.
    On PostgreSQL the hub's facts are aggregated in the database (``facts_sql``, the
    same facts as ``facts.Builder``); experiences (with their moderation and themes) and
    simplification requests, few, are built here either way."""
    in_database = facts_sql.available()
    builder = facts_builder(first_day, last_day, contacts=not in_database)
    with transaction.atomic():
        serialise_refreshes()
        DailyFact.objects.filter(day__gte=first_day, day__lte=last_day).delete()
        inserted = facts_sql.insert_contact_facts(first_day, last_day) if in_database else 0
        total = inserted + _facts_write(builder)
    logger.info(
        "quality_facts_refreshed", first_day=str(first_day), last_day=str(last_day), rows=total
    )
    return total


def _facts_write(builder: facts.Builder) -> int:
    """Insert the builder's facts and replace its days' theme facts (in the caller's
    transaction, its days' daily facts already deleted); returns the daily fact rows."""
    built = builder.facts
    # Written by one executemany, not bulk_create: each fact has 150 columns, whose
    # values (dates, ids, numbers) the drivers take as they are.
    measured = measures.all_columns()
    columns = ["day", "month", *facts.Key._fields[1:], *measured]
    day_value = connection.ops.adapt_datefield_value
    rows = [
        (
            day_value(key.day),
            day_value(key.day.replace(day=1)),
            *key[1:],
            *(values[column] for column in measured),
        )
        for key, values in built.items()
    ]
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    insert = (
        f"INSERT INTO {connection.ops.quote_name(DailyFact._meta.db_table)} ({names})"  # noqa: S608
        f" VALUES ({', '.join(['%s'] * len(columns))})"
    )
    themes = [
        ThemeFact(
            day=key.day,
            month=key.day.replace(day=1),
            organisation_id=key.organisation_id,
            local_service_id=key.local_service_id,
            departement_id=key.departement_id,
            theme_id=key.theme_id,
            experiences=counts.experiences,
            negative=counts.negative,
        )
        for key, counts in builder.themes.items()
    ]
    ThemeFact.objects.filter(day__gte=builder.first_day, day__lte=builder.last_day).delete()
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 2000):
            cursor.executemany(insert, rows[start : start + 2000])
    ThemeFact.objects.bulk_create(themes, batch_size=2000)
    return len(rows)


# Calculators of the voice of users and simplification: their facts have no channel and
# are refreshed apart, over months (an answer, a decision come long after the day that
# places the case).
VOICE_CALCULATORS = frozenset(c.code for c in calculators.REGISTRY.values() if c.voice)
# Months the hourly refresh of the voice of users covers (the current one included).
VOICE_REFRESH_MONTHS = 13


def voice_indicators() -> list[Indicator]:
    return list(Indicator.objects.filter(calculator__in=VOICE_CALCULATORS))


def voice_refresh(
    *, months: int = VOICE_REFRESH_MONTHS, today: dt.date | None = None
) -> dict[str, int]:
    """The facts without a channel (experiences, their moderation and themes,
    simplification requests) of the last ``months`` months rebuilt, the hub's left as
    they are, then the results of those months for the indicators that read them: a
    public answer or a decision given weeks later still counts in its month (the hourly
    beat, ``publication_rebuild --figures``). Frozen months get dated revisions."""
    today = today or timezone.localdate()
    first_day = add_months(month_of(today), -(months - 1))
    builder = facts_builder(first_day, today, contacts=False)
    with transaction.atomic():
        serialise_refreshes()
        DailyFact.objects.filter(day__gte=first_day, day__lte=today, channel=None).delete()
        rows = _facts_write(builder)
    counts = results_compute(
        months=selectors.month_range(today, months),
        today=today,
        indicators=voice_indicators(),
        voice_only=True,
    )
    logger.info("quality_voice_refreshed", months=months, rows=rows)
    return {"facts": rows, **counts}


# --- Results ---------------------------------------------------------------------------------


def results_compute(
    *,
    months: Iterable[dt.date],
    today: dt.date | None = None,
    indicators: Iterable[Indicator] | None = None,
    voice_only: bool = False,
) -> dict[str, int]:
    """Compute every indicator × level × territory of ``months`` from the facts, merge
    the declared figures, and write the results: an open month is replaced; a frozen
    month keeps its rows and writes a dated revision for each figure that changed.
    ``voice_only`` reads the facts without a channel only: for ``indicators`` that read
    nothing else (``VOICE_CALCULATORS``)."""
    today = today or timezone.localdate()
    months = sorted({month_of(m) for m in months})
    indicators = list(indicators if indicators is not None else Indicator.objects.all())
    groups = rollup.month_sums(months, voice_only=voice_only)
    labels = rollup.labels()
    now = timezone.now()
    computed = rollup.compute(indicators, groups, labels, now)
    _merge_declared(computed, indicators, months, labels, now)
    counts = _write(computed, indicators, months, today)
    events.results_computed.send_on_commit(len(months))
    return counts


def _merge_declared(
    computed: dict[tuple[int, str, int | None, str, dt.date], Result],
    indicators: list[Indicator],
    months: list[dt.date],
    labels: dict[str, dict[str, str]],
    now: dt.datetime,
) -> None:
    """A declared figure stays visible beside the computed one; it is the figure shown
    when the computation covers less than the indicator's coverage threshold of it."""
    by_pk = {i.pk: i for i in indicators}
    declared = DeclaredResult.objects.filter(indicator__in=indicators, month__in=months)
    for row in declared:
        indicator = by_pk[row.indicator_id]
        cell = (row.indicator_id, row.level, row.organisation_id, row.key, row.month)
        result = computed.get(cell)
        if result is None:
            result = computed[cell] = Result(
                indicator=indicator,
                version=indicator.version,
                parameters=indicator.parameters,
                level=row.level,
                organisation_id=row.organisation_id,
                key=row.key,
                label=labels.get(row.level, {}).get(row.key, row.key),
                month=row.month,
                value=None,
                n=0,
                computed_at=now,
            )
        result.declared_value, result.declared_n = row.value, row.n
        result.declared_source = f"{row.source} ({row.declared_at:%d/%m/%Y})"
        coverage = result.n / row.n if row.n else 1.0
        if result.value is None or coverage < indicator.coverage_threshold:
            result.source = Source.DECLARED
            result.value, result.n = row.value, row.n
            result.numerator, result.denominator = row.numerator, row.denominator
            result.ci_low = result.ci_high = None


def _write(
    computed: dict[tuple[int, str, int | None, str, dt.date], Result],
    indicators: list[Indicator],
    months: list[dt.date],
    today: dt.date,
) -> dict[str, int]:
    frozen_months = [m for m in months if is_frozen(m, today)]
    open_months = [m for m in months if m not in frozen_months]
    created = revised = 0

    def insert(rows: list[Result]) -> None:
        """Results written at once: by ``COPY`` on PostgreSQL, by one ``executemany``
        elsewhere, their values adapted as the backend adapts them (a year holds hundreds
        of thousands of results: ``bulk_create`` spends minutes preparing each field)."""
        ops = connection.ops
        fields = [f for f in Result._meta.concrete_fields if not f.primary_key]
        adapters: dict[str, Any] = {}
        for field in fields:
            if isinstance(field, JSONField):
                # JSON text, as Django stores it in SQLite and PostgreSQL reads it in a COPY.
                adapters[field.attname] = functools.partial(json.dumps, cls=field.encoder)
            elif isinstance(field, DateTimeField):
                adapters[field.attname] = ops.adapt_datetimefield_value
            elif isinstance(field, DateField):
                adapters[field.attname] = ops.adapt_datefield_value
        # One adaptation per object (the parameters are one dict per indicator).
        adapted: dict[int, Any] = {}

        read = operator.attrgetter(*(f.attname for f in fields))
        adapt_at = [
            (index, adapters[f.attname], f.attname == "parameters")
            for index, f in enumerate(fields)
            if f.attname in adapters
        ]

        def row_of(result: Result) -> list[Any]:
            row = list(read(result))
            for index, adapt, shared in adapt_at:
                found = row[index]
                if found is None:
                    continue
                if not shared:
                    row[index] = adapt(found)
                elif (known := adapted.get(id(found))) is not None:
                    row[index] = known
                else:
                    row[index] = adapted[id(found)] = adapt(found)
            return row

        columns = ", ".join(ops.quote_name(f.column) for f in fields)
        table = ops.quote_name(Result._meta.db_table)
        values = (row_of(result) for result in rows)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in values:
                        copy.write_row(row)
                return
            marks = ", ".join(["%s"] * len(fields))
            batch = list(values)
            for start in range(0, len(batch), 2000):
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
                    batch[start : start + 2000],
                )

    with transaction.atomic():
        serialise_refreshes()
        # The open months' results go, their revisions first: two DELETE statements (a
        # queryset's delete() would read every result to cascade).
        stale = Result.objects.filter(indicator__in=indicators, month__in=open_months)
        if open_months and indicators:
            ResultRevision.objects.filter(result__in=stale).delete()
            ids, params = stale.values("pk").query.sql_with_params()
            table, id_column = (connection.ops.quote_name(n) for n in (Result._meta.db_table, "id"))
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {table} WHERE {id_column} IN ({ids})",  # noqa: S608
                    params,
                )
        fresh = [r for r in computed.values() if r.month in open_months]
        insert(fresh)
        created += len(fresh)
        if frozen_months:
            # What the frozen months hold: their cells' id, value and n only.
            existing: dict[
                tuple[int, str, int | None, str, dt.date], tuple[int, float | None, int]
            ] = {
                (indicator_id, level, organisation_id, key, month): (pk, value, n)
                for pk, indicator_id, level, organisation_id, key, month, value, n in (
                    Result.objects.filter(
                        indicator__in=indicators, month__in=frozen_months
                    ).values_list(
                        "pk", "indicator", "level", "organisation", "key", "month", "value", "n"
                    )
                )
            }
            new_rows, revisions, updated = [], [], []
            for cell, result in computed.items():
                if result.month not in frozen_months:
                    continue
                before = existing.get(cell)
                if before is None:
                    result.frozen = True
                    new_rows.append(result)
                    continue
                pk, value, n = before
                if _same(value, result.value) and n == result.n:
                    continue
                revisions.append(
                    ResultRevision(
                        result_id=pk,
                        previous_value=value,
                        previous_n=n,
                        value=result.value,
                        n=result.n,
                    )
                )
                # The stored row takes the new figure (its id, the computed fields).
                result.pk, result.frozen = pk, True
                updated.append(result)
            insert(new_rows)
            Result.objects.bulk_update(updated, [*_RESULT_FIELDS, "frozen"], batch_size=2000)
            ResultRevision.objects.bulk_create(revisions, batch_size=2000)
            Result.objects.filter(month__in=frozen_months, frozen=False).update(frozen=True)
            created += len(new_rows)
            revised = len(revisions)
    results_changed()
    logger.info("quality_results_computed", months=len(months), created=created, revised=revised)
    return {"results": created, "revised": revised}


_RESULT_FIELDS = [
    "version",
    "parameters",
    "label",
    "value",
    "numerator",
    "denominator",
    "n",
    "ci_low",
    "ci_high",
    "tolerance",
    "response_rate",
    "source",
    "declared_value",
    "declared_n",
    "declared_source",
    "computed_at",
]


def results_changed() -> None:
    """A new generation of results (``selectors.results_generation``): the public pages
    forget the reads they remembered. Now, for the writer's own reads, and again at
    commit, for a reader that remembered the old figures in between."""

    def stamp() -> None:
        cache.set(selectors.RESULTS_GENERATION_KEY, time.time_ns(), None)

    stamp()
    transaction.on_commit(stamp)


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) < 1e-9


def refresh(
    *, first_day: dt.date, last_day: dt.date, today: dt.date | None = None
) -> dict[str, int]:
    """Facts of the days, then every result of the months they touch."""
    rows = facts_refresh(first_day=first_day, last_day=last_day)
    months = []
    month = month_of(first_day)
    while month <= last_day:
        months.append(month)
        month = next_month(month)
    return {"facts": rows, **results_compute(months=months, today=today)}


# --- Back office: the catalogue edited by platform admins, targets, alerts --------------------

# What platform admins edit in the back office. A change of calculator, unit or direction
# goes through ``catalogue.yaml`` (a new version and a series break), never a form.
EDITABLE_FIELDS = (
    "name",
    "definition",
    "parameters",
    "min_n_publish",
    "min_n_rank",
    "is_published",
    "sp_code",
    "coverage_threshold",
)
# Changes that alter stored figures: the open months of the indicator are computed again.
RECOMPUTING_FIELDS = frozenset({"parameters", "coverage_threshold"})
MIN_N_CEILING = 100_000
SP_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


class QualityError(ParvisError):
    """A quality rule refused the action; ``errors`` maps fields to French messages."""

    statuses = {"forbidden": 403}

    def __init__(self, code: str, message: str, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(
            code,
            message,
            field_errors=[(name, text) for name, texts in (errors or {}).items() for text in texts],
        )
        self.errors = errors or {}


def open_months(today: dt.date) -> list[dt.date]:
    """The months not frozen yet on ``today`` (the current one, and the previous one
    until its ``FREEZE_DAYS`` have passed), oldest first."""
    current = month_of(today)
    previous = month_of(current - dt.timedelta(days=1))
    return [m for m in (previous, current) if not is_frozen(m, today)]


def _indicator_errors(indicator: Indicator, changes: dict[str, Any]) -> dict[str, list[str]]:
    """French messages per field for ``changes`` out of the catalogue's bounds."""
    errors: dict[str, list[str]] = defaultdict(list)
    for name in ("name", "definition"):
        if name in changes and not str(changes[name] or "").strip():
            errors[name].append("Ce champ ne peut pas être vide.")
    if len(str(changes.get("name", ""))) > 200:
        errors["name"].append("Le nom tient en 200 caractères au plus.")
    if "parameters" in changes:
        calculator = calculators.calculator_of(indicator.calculator)
        parameters = changes["parameters"]
        if not isinstance(parameters, dict):
            errors["parameters"].append("Les paramètres sont mal formés.")
        else:
            for name, message in calculator.check(parameters).items():
                errors[f"parameters.{name}"].append(message)
    floor = min_n_floor(indicator.calculator)
    for name, label in (
        ("min_n_publish", "L’effectif minimal publié"),
        ("min_n_rank", "L’effectif minimal classé"),
    ):
        if name not in changes:
            continue
        value = changes[name]
        if isinstance(value, bool) or not isinstance(value, int):
            errors[name].append(f"{label} doit être un nombre entier.")
        elif value < floor:
            errors[name].append(
                f"{label} ne descend jamais sous {floor}"
                + (" pour un indicateur de satisfaction." if floor > MIN_N_FLOOR else ".")
            )
        elif value > MIN_N_CEILING:
            errors[name].append(f"{label} ne dépasse pas {number(MIN_N_CEILING)}.")
    publish = changes.get("min_n_publish", indicator.min_n_publish)
    rank = changes.get("min_n_rank", indicator.min_n_rank)
    if (
        not errors.get("min_n_publish")
        and not errors.get("min_n_rank")
        and isinstance(publish, int)
        and isinstance(rank, int)
        and rank < publish
    ):
        errors["min_n_rank"].append(
            "L’effectif minimal classé ne peut être inférieur à l’effectif minimal publié "
            f"({publish})."
        )
    if "is_published" in changes and not isinstance(changes["is_published"], bool):
        errors["is_published"].append("Indiquez si l’indicateur est publié.")
    if "sp_code" in changes:
        code = str(changes["sp_code"] or "")
        if len(code) > 40:
            errors["sp_code"].append("Le code Services Publics+ tient en 40 caractères au plus.")
        elif code and not SP_CODE.fullmatch(code):
            errors["sp_code"].append(
                "Le code Services Publics+ ne contient que des lettres sans accent, des "
                "chiffres, des points, des tirets et des soulignés."
            )
    if "coverage_threshold" in changes:
        value = changes["coverage_threshold"]
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            errors["coverage_threshold"].append(
                "La couverture minimale du calcul est comprise entre 0 et 100\u202f%."
            )
    return dict(errors)


@transaction.atomic
def indicator_update(
    *, principal: Any, indicator: Indicator, today: dt.date | None = None, **changes: Any
) -> list[str]:
    """Edit one indicator of the catalogue (platform admins only) within its declared
    bounds: labels, definition, the calculator's parameters (``Calculator.check``),
    ``min_n_publish`` and ``min_n_rank`` (never below ``min_n_floor``), publication, the
    Services Publics+ code and the coverage threshold. Anything else is refused, and a
    refusal changes nothing. The change is audited; a change of parameters or coverage
    computes the indicator's open months again. Returns the fields changed."""
    from parvis.accounts.scoping import is_platform_admin
    from parvis.accounts.services import audit_record

    if not is_platform_admin(principal):
        raise QualityError(
            "forbidden", "Seuls les administrateurs de la plateforme modifient le catalogue."
        )
    if not_editable := sorted(set(changes) - set(EDITABLE_FIELDS)):
        raise QualityError(
            "not_editable",
            "Le calculateur, l’unité et le sens d’un indicateur ne se modifient que dans le "
            "fichier du catalogue (nouvelle version et rupture de série).",
            {name: ["Ce champ ne se modifie pas ici."] for name in not_editable},
        )
    for name in ("name", "definition", "sp_code"):
        if isinstance(changes.get(name), str):
            changes[name] = changes[name].strip()
    if "definition" in changes:
        changes["definition"] = " ".join(str(changes["definition"]).split())
    if "parameters" in changes and isinstance(changes["parameters"], dict):
        calculator = calculators.calculator_of(indicator.calculator)
        changes["parameters"] = {**calculator.defaults(), **changes["parameters"]}
    if errors := _indicator_errors(indicator, changes):
        raise QualityError(
            "out_of_bounds",
            "La modification n’a pas été enregistrée : corrigez les valeurs.",
            errors,
        )
    locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
    changed = [
        name
        for name in EDITABLE_FIELDS
        if name in changes and getattr(locked, name) != changes[name]
    ]
    if not changed:
        return []
    for name in changed:
        setattr(locked, name, changes[name])
    locked.full_clean()
    locked.save(update_fields=[*changed, "updated_at"])
    for name in changed:
        setattr(indicator, name, changes[name])
    audit_record(
        actor=principal,
        action="quality.indicator_updated",
        target=locked,
        data={"fields": changed},
    )
    if RECOMPUTING_FIELDS & set(changed):
        today = today or timezone.localdate()
        results_compute(months=open_months(today), today=today, indicators=[locked])
    results_changed()
    logger.info("quality_indicator_updated", indicator=locked.code, fields=changed)
    return changed


# Targets are entered in the indicator's unit, within these bounds (a share between 0 and 1).
TARGET_BOUNDS: dict[str, tuple[float, float | None]] = {
    Unit.SHARE: (0.0, 1.0),
    Unit.SECONDS: (0.0, None),
    Unit.WORKING_DAYS: (0.0, None),
    Unit.SCORE: (1.0, 5.0),
}
TARGET_BOUNDS_MESSAGES: dict[str, str] = {
    Unit.SHARE: "Une cible en pourcentage est comprise entre 0 et 100\u202f%.",
    Unit.SECONDS: "Une cible en secondes est positive ou nulle.",
    Unit.WORKING_DAYS: "Une cible en jours ouvrés est positive ou nulle.",
    Unit.SCORE: "Une cible de note est comprise entre 1 et 5.",
}


def target_error(indicator: Indicator, value: float) -> str | None:
    """The French explanation when ``value`` is outside the bounds of the indicator's
    unit, else ``None``."""
    low, high = TARGET_BOUNDS[indicator.unit]
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return "La cible doit être un nombre."
    if value < low or (high is not None and value > high):
        return TARGET_BOUNDS_MESSAGES[indicator.unit]
    return None


def _target_label(indicator: Indicator, value: float | None) -> str:
    from parvis.quality.selectors import formatted

    return formatted(indicator, value) if value is not None else "aucune"


@transaction.atomic
def targets_set(
    *, principal: Any, organisation: Organisation, values: dict[Indicator, float | None]
) -> list[Indicator]:
    """Set (or remove, with ``None``) the organisation's target of each indicator, for a
    holder of ``Perm.MANAGE_QUALITY`` over the organisation. Every value is checked
    first: one out of bounds refuses them all and changes nothing. Each change is
    audited. Returns the indicators whose target changed."""
    from parvis.accounts.scoping import Perm, has_permission
    from parvis.accounts.services import audit_record

    if not has_permission(principal, Perm.MANAGE_QUALITY, organisation):
        raise QualityError(
            "forbidden", "Seuls les responsables qualité de l’organisme fixent ses cibles."
        )
    errors = {
        indicator.code: [message]
        for indicator, value in values.items()
        if value is not None and (message := target_error(indicator, value))
    }
    if errors:
        raise QualityError(
            "target_out_of_bounds", "Les cibles n’ont pas été enregistrées : corrigez-les.", errors
        )
    existing = {
        target.indicator_id: target
        for target in IndicatorTarget.objects.select_for_update().filter(
            organisation=organisation, indicator__in=list(values)
        )
    }
    changed = []
    for indicator, value in values.items():
        target = existing.get(indicator.pk)
        before = target.value if target is not None else None
        if before == value or (before is not None and value is not None and _same(before, value)):
            continue
        if value is None:
            assert target is not None
            target.delete()
        elif target is None:
            target = IndicatorTarget(indicator=indicator, organisation=organisation, value=value)
            target.full_clean()
            target.save()
        else:
            target.value = value
            target.full_clean()
            target.save(update_fields=["value"])
        audit_record(
            actor=principal,
            action="quality.target_set" if value is not None else "quality.target_removed",
            target=indicator,
            organisation=organisation,
            data={"from": _target_label(indicator, before), "to": _target_label(indicator, value)},
        )
        changed.append(indicator)
    if changed:
        results_changed()
    return changed


ALERT_TEMPLATE = "quality/emails/target_missed"


def target_alerts_send(*, today: dt.date | None = None) -> int:
    """After the results are computed: for each organisation target missed on the latest
    open month that has results, tell the organisation's quality managers once per
    indicator × month (a ``TargetAlert`` row is the memory; one email per manager and
    organisation lists the new ones). A figure withheld (below ``min_n_publish``) misses
    nothing. Returns the number of new alerts."""
    from parvis.quality.selectors import missed_targets

    today = today or timezone.localdate()
    months = [
        m
        for m in open_months(today)
        if Result.objects.filter(month=m, level=Level.ORGANISATION).exists()
    ]
    if not months:
        return 0
    month = months[-1]
    already = set(
        TargetAlert.objects.filter(month=month).values_list("indicator_id", "organisation_id")
    )
    by_organisation: dict[int, list[Any]] = defaultdict(list)
    for missed in missed_targets(month=month):
        if (missed.indicator.pk, missed.organisation.pk) not in already:
            by_organisation[missed.organisation.pk].append(missed)
    count = 0
    for missed_list in by_organisation.values():
        # The alerts and their emails commit together: a failure leaves them for the
        # next refresh, and a concurrent run that told them first wins.
        try:
            with transaction.atomic():
                alerts = [
                    TargetAlert.objects.create(
                        indicator=missed.indicator,
                        organisation=missed.organisation,
                        month=month,
                        value=missed.value,
                        target=missed.target,
                        n=missed.n,
                    )
                    for missed in missed_list
                ]
                _alerts_notify(alerts)
        except IntegrityError:
            continue
        count += len(alerts)
    logger.info("quality_target_alerts", month=str(month), alerts=count)
    return count


def _alerts_notify(alerts: list[TargetAlert]) -> None:
    """One email per quality manager of the organisation, listing its new alerts."""
    from django.urls import reverse

    from parvis.accounts.models import Role
    from parvis.accounts.scoping import holders
    from parvis.core.http import absolute_url
    from parvis.messaging.services import message_queue
    from parvis.quality.selectors import formatted, month_label

    organisation = alerts[0].organisation
    managers = list(holders(organisation, roles=[Role.QUALITY_MANAGER], levels=("organisation",)))
    lines = [
        (
            alert.indicator.name,
            formatted(alert.indicator, alert.value),
            formatted(alert.indicator, alert.target),
        )
        for alert in alerts
    ]
    context = {
        "organisation": organisation.name,
        "month": month_label(alerts[0].month),
        "lines": lines,
        "dashboard_url": absolute_url(
            reverse("quality_backoffice:dashboard", kwargs={"slug": organisation.slug})
        ),
    }
    for manager in managers:
        message_queue(
            template=ALERT_TEMPLATE,
            to=manager.email,
            context=context,
            owner=alerts[0],
            idempotency_key=f"quality.target_missed:{alerts[0].pk}:{manager.pk}",
        )
    TargetAlert.objects.filter(pk__in=[a.pk for a in alerts]).update(recipients=len(managers))
