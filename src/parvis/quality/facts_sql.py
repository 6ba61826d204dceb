"""The contact hub's daily facts computed inside PostgreSQL: the same facts as
``facts.Builder`` gives from ``contacts.selectors_quality`` (its ``add_entered``,
``add_resolved`` and ``add_surveys``), with one aggregate ``INSERT … SELECT`` instead of
millions of rows read into Python. ``services.facts_refresh`` uses it on PostgreSQL.

The rules are ``facts``'s, written once more in SQL:

* a contact's place is its site, else its queue's site; its local service the queue's,
  else the site's, else the queue's site's; its département the site's commune's, else the
  queue's site's commune's, else the queue's, else the queue's local service's main one
  (``facts._place_of_contact``);
* its day is the local date, in the time zone of that département (Paris without one), of
  the moment that places the measure (``measures.DATE_BASIS``): entering the queue for
  entries, waits and abandons; the resolution for outcomes and questionnaires;
* waits are in seconds for phone and chat, in working days elsewhere
  (``measures.WAIT_UNIT_OF_CHANNEL``), counted on the calendar of that département
  (``territories.calendar``: ``working_days_elapsed`` is the working days in
  (start, end] of the local dates, never negative). The calendar is a temporary table of
  the cumulated working days of each holiday zone, filled from ``territories.calendar``
  over the dates the rows need, so holidays are those of the Python code.

Sums of waits in seconds add floats in another order than Python does: they agree to the
last bits, not bit for bit; every count, bucket and working-day sum is exact. The
experiences (their tone, answer delay, moderation decisions by charter reason and
themes) and simplification requests (few rows) stay with ``facts.Builder`` on every
database, so both paths give them alike: their facts have no channel, the contacts'
always have one, so their rows never merge (``services.voice_refresh`` rebuilds them
alone).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction

from parvis.contacts.selectors_quality import ANSWER_OUTCOMES, REOPEN_WINDOW_DAYS
from parvis.quality import facts, measures
from parvis.territories import calendar

KEY = (
    "organisation_id",
    "local_service_id",
    "site_id",
    "departement_id",
    "channel_id",
    "motif_id",
    "queue_id",
)
SECONDS_CHANNELS = tuple(
    sorted(c for c, unit in measures.WAIT_UNIT_OF_CHANNEL.items() if unit == measures.SECONDS)
)
EXCLUDED_SURVEY_STATUSES = ("queued", "failed")  # contacts.models.SurveyStatus
WORK_MEM = "128MB"


def available() -> bool:
    return connection.vendor == "postgresql"


def _literal(values: tuple[str, ...]) -> str:
    """A SQL list of fixed codes (never user input)."""
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


# --- Calendar ------------------------------------------------------------------------------


def _zones() -> list[tuple[str, str, str]]:
    """Every département: (code, time zone, holiday zone; "" for the national one)."""
    from parvis.territories.models import Departement

    return [
        (code, calendar.departement_timezone(code), calendar.holiday_subdivision(code) or "")
        for code in Departement.objects.values_list("code", flat=True)
    ]


def _working_days(first: dt.date, last: dt.date, zones: set[str]) -> list[tuple[str, dt.date, int]]:
    """(holiday zone, day, working days from ``first`` to ``day`` included), for every day
    of ``[first, last]``: working days in (a, b] are ``cum(b) − cum(a)``."""
    # A département of each holiday zone names it to territories.calendar.
    representative = {
        (calendar.holiday_subdivision(code) or ""): code for code in calendar.HOLIDAY_SUBDIVISIONS
    }
    rows = []
    for zone in sorted(zones):
        code = representative.get(zone) if zone else None
        cumulated = 0
        day = first
        while day <= last:
            if calendar.is_working_day(day, code):
                cumulated += 1
            rows.append((zone, day, cumulated))
            day += dt.timedelta(days=1)
    return rows


def _prepare(cursor: Any, first: dt.date, last: dt.date) -> None:
    """Temporary tables of the transaction: time zones and the working-day calendar."""
    zones = _zones()
    cursor.execute(
        "CREATE TEMPORARY TABLE quality_zones (code varchar(3) PRIMARY KEY, tz text, hz text)"
        " ON COMMIT DROP"
    )
    cursor.execute(
        "CREATE TEMPORARY TABLE quality_calendar (hz text, day date, cum integer,"
        " PRIMARY KEY (hz, day)) ON COMMIT DROP"
    )
    raw = cursor.cursor
    with raw.copy("COPY quality_zones (code, tz, hz) FROM STDIN") as copy:
        for zone in zones:
            copy.write_row(zone)
    with raw.copy("COPY quality_calendar (hz, day, cum) FROM STDIN") as copy:
        for day in _working_days(first, last, {""} | {hz for _, _, hz in zones}):
            copy.write_row(day)
    cursor.execute("ANALYZE quality_zones")
    cursor.execute("ANALYZE quality_calendar")


def _bounds(cursor: Any, start: dt.datetime, end: dt.datetime) -> tuple[dt.date, dt.date]:
    """The UTC dates of the earliest and latest moments a wait in working days reads
    (entered in the window, answered or resolved whenever), with a day of margin each
    side for the time zones."""
    cursor.execute(
        """
        SELECT MIN(LEAST(queued_at, first_answered_at, resolved_at)),
               MAX(GREATEST(queued_at, first_answered_at, resolved_at))
        FROM contacts_conversation
        WHERE queued_at >= %s AND queued_at < %s
        """,
        [start, end],
    )
    low, high = cursor.fetchone()
    first = min(start.date(), low.date()) if low else start.date()
    last = max(end.date(), high.date()) if high else end.date()
    return first - dt.timedelta(days=1), last + dt.timedelta(days=1)


# --- The aggregate -----------------------------------------------------------------------------
#
# Three parts, each a scan and a GROUP BY of its own measures only: entries (by the day a
# contact entered a queue), resolutions (by the day it was resolved) and questionnaires
# (by the day their contact was resolved). Each row's values are computed once, below an
# ``OFFSET 0`` (PostgreSQL would otherwise compute an inlined expression again at each of
# the forty filters reading it). The parts are joined on the fact's key, whose NULLs are
# stood in for by 0 or '' (ids are positive, codes never empty) so that the join hashes.


def _place_joins(alias: str) -> str:
    """The places of a conversation or a questionnaire's snapshot (``alias``)."""
    return f"""
        LEFT JOIN contacts_queue q ON q.id = {alias}.queue_id
        LEFT JOIN directory_site s ON s.id = {alias}.site_id
        LEFT JOIN territories_commune sc ON sc.code = s.commune_id
        LEFT JOIN directory_site qs ON qs.id = q.site_id
        LEFT JOIN territories_commune qsc ON qsc.code = qs.commune_id
        LEFT JOIN directory_localservice qls ON qls.id = q.local_service_id
        LEFT JOIN quality_zones z ON z.code = COALESCE(
            NULLIF(sc.departement_id, ''), NULLIF(qsc.departement_id, ''),
            NULLIF(q.departement_id, ''), NULLIF(qls.main_departement_id, '')
        )
    """


def _place_columns(alias: str) -> str:
    """The fact's key (NULLs stood in for) and the place's kind, time and holiday zones."""
    return f"""
        {alias}.organisation_id,
        COALESCE(q.local_service_id, s.local_service_id, qs.local_service_id, 0)
            AS local_service_id,
        COALESCE({alias}.site_id, q.site_id, 0) AS site_id,
        COALESCE(
            NULLIF(sc.departement_id, ''), NULLIF(qsc.departement_id, ''),
            NULLIF(q.departement_id, ''), NULLIF(qls.main_departement_id, ''), ''
        ) AS departement_id,
        {alias}.channel_id,
        COALESCE({alias}.motif_id, 0) AS motif_id,
        COALESCE({alias}.queue_id, 0) AS queue_id,
        COALESCE(NULLIF(s.kind, ''), NULLIF(qs.kind, ''), '') AS site_kind,
        COALESCE(z.tz, %(default_tz)s) AS tz,
        COALESCE(z.hz, '') AS hz
    """


GROUP = "day, " + ", ".join(KEY)
GROUP_X = ", ".join(f"x.{column}" for column in ("day", *KEY))


def _columns(measure: dict[str, str]) -> str:
    return ",\n            ".join(f"{expression} AS {name}" for name, expression in measure.items())


def _entered_select() -> tuple[str, list[str]]:
    """Contacts by the day they entered a queue: entries, first answers, waits and
    abandons (``facts.Builder.add_entered``)."""
    seconds = _literal(SECONDS_CHANNELS)
    wait, abandon = measures.WAIT, measures.ABANDON

    def elapsed(end: str, end_day: str, end_calendar: str) -> str:
        """``facts._elapsed`` from the queue to ``end``: exact seconds (numeric) or
        working days of the place's calendar (never negative)."""
        return f"""CASE WHEN b.channel_id IN ({seconds})
                THEN GREATEST(0, EXTRACT(EPOCH FROM b.{end} - b.queued_at))
                WHEN b.{end_day} <= b.queued_day THEN 0
                ELSE {end_calendar}.cum - queued_cal.cum END"""

    def bucket(value: str, histogram: measures.Histogram) -> str:
        """``Histogram.bucket_of``: the bucket of an exact (numeric) value."""
        return (
            f"LEAST(FLOOR(({value}) / CASE WHEN e.channel_id IN ({seconds})"
            f" THEN {histogram.width[measures.SECONDS]} ELSE"
            f" {histogram.width[measures.WORKING_DAYS]} END), {histogram.buckets - 1})::integer"
        )

    measure = {
        "entered": "COUNT(*)",
        "answered": "COUNT(*) FILTER (WHERE x.answered)",
        "abandoned": "COUNT(*) FILTER (WHERE x.abandoned)",
        "wait_n": "COUNT(*) FILTER (WHERE x.answered)",
        "wait_sum": "COALESCE(SUM(x.wait), 0)",
        "wait_sumsq": "COALESCE(SUM(x.wait * x.wait), 0)",
    }
    for index, column in enumerate(wait.columns()):
        measure[column] = f"COUNT(*) FILTER (WHERE x.wait_bucket = {index})"
    for index, column in enumerate(abandon.columns()):
        measure[column] = f"COUNT(*) FILTER (WHERE x.abandon_bucket = {index})"
    sql = f"""
        SELECT {GROUP_X},
            {_columns(measure)}
        FROM (
            SELECT b.*,
                   CASE WHEN b.answered
                       THEN ({elapsed("first_answered_at", "answered_day", "answered_cal")})
                   END AS wait_exact,
                   CASE WHEN b.abandoned
                       THEN ({elapsed("resolved_at", "resolved_day", "resolved_cal")})
                   END AS waited_exact
            FROM (
                SELECT p.*,
                       (p.queued_at AT TIME ZONE p.tz)::date AS queued_day,
                       (p.first_answered_at AT TIME ZONE p.tz)::date AS answered_day,
                       (p.resolved_at AT TIME ZONE p.tz)::date AS resolved_day
                FROM (
                    SELECT c.queued_at, c.first_answered_at, c.resolved_at,
                           {_place_columns("c")},
                           c.first_answered_at IS NOT NULL AS answered,
                           c.first_answered_at IS NULL AND c.resolved_at IS NOT NULL
                               AND c.outcome = 'abandoned' AS abandoned
                    FROM contacts_conversation c
                    {_place_joins("c")}
                    WHERE c.queued_at >= %(start)s AND c.queued_at < %(end)s
                ) AS p
                OFFSET 0
            ) AS b
            LEFT JOIN quality_calendar queued_cal
                ON queued_cal.hz = b.hz AND queued_cal.day = b.queued_day
            LEFT JOIN quality_calendar answered_cal
                ON answered_cal.hz = b.hz AND answered_cal.day = b.answered_day
            LEFT JOIN quality_calendar resolved_cal
                ON resolved_cal.hz = b.hz AND resolved_cal.day = b.resolved_day
            WHERE b.queued_day BETWEEN %(first_day)s AND %(last_day)s
            OFFSET 0
        ) AS e
        CROSS JOIN LATERAL (
            SELECT e.queued_day AS day, e.organisation_id, e.local_service_id, e.site_id,
                   e.departement_id, e.channel_id, e.motif_id, e.queue_id,
                   e.answered, e.abandoned, e.wait_exact::float8 AS wait,
                   CASE WHEN e.answered THEN {bucket("e.wait_exact", wait)} END AS wait_bucket,
                   CASE WHEN e.abandoned THEN {bucket("e.waited_exact", abandon)}
                   END AS abandon_bucket
            OFFSET 0
        ) AS x
        GROUP BY {GROUP_X}
    """  # noqa: S608 - fixed names and codes, values as parameters
    return sql, list(measure)


def _resolved_select() -> tuple[str, list[str]]:
    """Contacts by the day they were resolved: deadlines, outcomes, reopenings, France
    Services (``facts.Builder.add_resolved``)."""
    answer_outcomes = _literal(tuple(str(o) for o in ANSWER_OUTCOMES))
    window = f"interval '{int(REOPEN_WINDOW_DAYS)} days'"
    measure = {
        "resolved": "COUNT(*)",
        "with_deadline": "COUNT(*) FILTER (WHERE x.with_deadline)",
        "within_deadline": "COUNT(*) FILTER (WHERE x.within_deadline)",
        "answered_outcome": "COUNT(*) FILTER (WHERE x.answer_outcome)",
        "answered_no_reopen": "COUNT(*) FILTER (WHERE x.answer_outcome AND NOT x.reopened)",
        "fs_resolved": "COUNT(*) FILTER (WHERE x.france_services)",
        "fs_end_to_end": "COUNT(*) FILTER (WHERE x.france_services AND x.end_to_end)",
    }
    sql = f"""
        SELECT {GROUP_X},
            {_columns(measure)}
        FROM (
            SELECT p.day, p.organisation_id, p.local_service_id, p.site_id, p.departement_id,
                   p.channel_id, p.motif_id, p.queue_id,
                   p.announced_deadline IS NOT NULL AS with_deadline,
                   p.announced_deadline IS NOT NULL
                       AND p.resolved_at <= p.announced_deadline AS within_deadline,
                   p.outcome IN ({answer_outcomes}) AS answer_outcome,
                   CASE WHEN p.outcome IN ({answer_outcomes}) THEN EXISTS (
                       SELECT 1 FROM contacts_conversationtransition t
                       WHERE t.conversation_id = p.id AND t.move = 'reopen'
                         AND t.created_at <= p.resolved_at + {window}
                   ) ELSE false END AS reopened,
                   p.site_kind = 'france-services' AS france_services,
                   p.outcome = 'answered_end_to_end' AS end_to_end
            FROM (
                SELECT c.id, c.resolved_at, c.announced_deadline, c.outcome,
                       {_place_columns("c")},
                       (c.resolved_at AT TIME ZONE COALESCE(z.tz, %(default_tz)s))::date AS day
                FROM contacts_conversation c
                {_place_joins("c")}
                WHERE c.resolved_at >= %(start)s AND c.resolved_at < %(end)s
                OFFSET 0
            ) AS p
            WHERE p.day BETWEEN %(first_day)s AND %(last_day)s
            OFFSET 0
        ) AS x
        GROUP BY {GROUP_X}
    """  # noqa: S608 - fixed names and codes, values as parameters
    return sql, list(measure)


def _surveys_select() -> tuple[str, list[str]]:
    """Post-contact questionnaires sent (not queued, not failed), by the day their
    contact was resolved, with the answers by question code
    (``facts.Builder.add_surveys``)."""
    answered = "x.answers > 0"
    measure = {
        "survey_sent": "COUNT(*)",
        "survey_answered": f"COUNT(*) FILTER (WHERE {answered})",
        "fcr_n": f"COUNT(*) FILTER (WHERE {answered} AND x.resolved IS NOT NULL)",
        "fcr_yes": f"COUNT(*) FILTER (WHERE {answered} AND x.resolved = 1)",
    }
    for name in ("satisfaction", "effort"):
        kept = f"{answered} AND x.{name} IS NOT NULL"
        measure[f"{name}_n"] = f"COUNT(*) FILTER (WHERE {kept})"
        measure[f"{name}_sum"] = f"COALESCE(SUM(x.{name}) FILTER (WHERE {kept}), 0)::float8"
        measure[f"{name}_sumsq"] = (
            f"COALESCE(SUM(x.{name} * x.{name}) FILTER (WHERE {kept}), 0)::float8"
        )
    measure["satisfaction_ge4"] = f"COUNT(*) FILTER (WHERE {answered} AND x.satisfaction >= 4)"
    statuses = _literal(EXCLUDED_SURVEY_STATUSES)
    sql = f"""
        SELECT {GROUP_X},
            {_columns(measure)}
        FROM (
            SELECT p.*, a.*
            FROM (
                SELECT i.id, i.resolved_at, {_place_columns("i")},
                       (i.resolved_at AT TIME ZONE COALESCE(z.tz, %(default_tz)s))::date AS day
                FROM contacts_surveyinvitation i
                {_place_joins("i")}
                WHERE i.resolved_at >= %(start)s AND i.resolved_at < %(end)s
                  AND i.status NOT IN ({statuses})
                OFFSET 0
            ) AS p
            CROSS JOIN LATERAL (
                SELECT COUNT(*) AS answers,
                       MAX(value) FILTER (WHERE question = 'resolved') AS resolved,
                       MAX(value) FILTER (WHERE question = 'satisfaction') AS satisfaction,
                       MAX(value) FILTER (WHERE question = 'effort') AS effort
                FROM contacts_surveyanswer WHERE invitation_id = p.id
            ) AS a
            WHERE p.day BETWEEN %(first_day)s AND %(last_day)s
            OFFSET 0
        ) AS x
        GROUP BY {GROUP_X}
    """  # noqa: S608 - fixed names and codes, values as parameters
    return sql, list(measure)


def insert_contact_facts(first_day: dt.date, last_day: dt.date) -> int:
    """Insert the contact hub's facts of the local days ``[first_day, last_day]`` into
    ``quality_dailyfact`` (the caller deleted those days, in the same transaction);
    returns the rows inserted."""
    start, end = facts.utc_window(first_day, last_day)
    parts = {"e": _entered_select(), "r": _resolved_select(), "s": _surveys_select()}
    source = {name: alias for alias, (_, names) in parts.items() for name in names}
    values = [
        f"COALESCE({source[c]}.{c}, 0)" if c in source else "0" for c in measures.all_columns()
    ]
    key = ", ".join(KEY)
    restored = (
        "organisation_id, NULLIF(local_service_id, 0), NULLIF(site_id, 0),"
        " NULLIF(departement_id, ''), channel_id, NULLIF(motif_id, 0), NULLIF(queue_id, 0)"
    )
    params: dict[str, Any] = {
        "start": start,
        "end": end,
        "first_day": first_day,
        "last_day": last_day,
        "default_tz": calendar.DEFAULT_TIMEZONE,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        # A year's aggregates hold millions of groups: room for them in memory (this
        # transaction only).
        cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        first, last = _bounds(cursor, start, end)
        _prepare(cursor, first, last)
        cursor.execute(
            f"""
            INSERT INTO quality_dailyfact
                (day, month, {key}, {", ".join(measures.all_columns())})
            SELECT day, date_trunc('month', day)::date, {restored}, {", ".join(values)}
            FROM ({parts["e"][0]}) AS e
            FULL JOIN ({parts["r"][0]}) AS r USING ({GROUP})
            FULL JOIN ({parts["s"][0]}) AS s USING ({GROUP})
            """,  # noqa: S608 - fixed column names and codes, values as parameters
            params,
        )
        inserted = cursor.rowcount
        cursor.execute("DROP TABLE quality_zones, quality_calendar")
    return inserted
