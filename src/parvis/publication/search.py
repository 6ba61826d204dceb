"""French full-text search over the read model, accent-insensitive, on both vendors.

PostgreSQL: ``search_vector`` is a stored generated column computed by the immutable
``publication_search_document(title, text)`` (``french_unaccent`` configuration: accents
removed, then French stemming), with a GIN index (migration ``0002``). Queries use
``websearch_to_tsquery`` (quotes, ``or`` and ``-word`` work as on a search engine).

SQLite: an FTS5 table ``publication_search(title, body)`` tokenised with
``unicode61 remove_diacritics 2``; rowid is the read model's id. It has no stemmer, so
each word loses a plural mark and matches as a prefix (« délais » finds « délai »). The
sync code keeps it in step.

Relevance ranks a bounded candidate set only: the ``RELEVANCE_CANDIDATES`` (300) most recent
matches (ranking every match of a frequent word would read the whole table).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, connection
from django.db.models import BooleanField, Field, FloatField, QuerySet
from django.db.models.expressions import Expression, RawSQL

from parvis.core.text import unaccent

RELEVANCE_CANDIDATES = 300
MAX_TERMS = 12
PG_CONFIG = "public.french_unaccent"
_PG_MATCH = "{vector} @@ websearch_to_tsquery(%s::regconfig, %s)"
_PG_RANK = "ts_rank_cd({vector}, websearch_to_tsquery(%s::regconfig, %s))"
_FTS5_MATCH = "SELECT rowid FROM publication_search WHERE publication_search MATCH %s"
_FTS5_RANK = (
    "(SELECT bm25(publication_search, 2.0, 1.0) FROM publication_search "
    "WHERE publication_search MATCH %s AND rowid = {table}.id)"
)


class _Search(Expression):
    """SQL on the search column of the query's own table alias (a hard-coded table name
    would bind to the outer query when the expression sits in a subquery)."""

    def __init__(self, template: str, params: tuple[str, ...], output_field: Field) -> None:
        super().__init__(output_field=output_field)
        self.template, self.params = template, params

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        sql = self.template.format(table=table, vector=f'{table}."search_vector"')
        return sql, list(self.params)


_FTS5_DELETE = "DELETE FROM publication_search WHERE rowid = %s"
_FTS5_INSERT = "INSERT INTO publication_search (rowid, title, body) VALUES (%s, %s, %s)"

_WORD = re.compile(r"\w+", re.UNICODE)


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def terms(query: str) -> list[str]:
    """The searchable words of a query, lower-case and accent-free."""
    return _WORD.findall(unaccent(query).casefold())[:MAX_TERMS]


def _light_stem(term: str) -> str:
    """French plural mark removed (« délais » → « delai »), for SQLite's stemmer-less FTS5."""
    return term[:-1] if len(term) > 3 and term[-1] in "sx" else term


def _fts5_query(query: str) -> str:
    # Each word quoted (no FTS5 syntax can be injected) and matched as a prefix.
    return " ".join(f'"{_light_stem(term)}"*' for term in terms(query))


def matching(queryset: QuerySet, query: str) -> QuerySet:
    """``queryset`` narrowed to the experiences matching ``query``."""
    if not terms(query):
        return queryset
    if is_postgres():
        return queryset.filter(_Search(_PG_MATCH, (PG_CONFIG, query), BooleanField()))
    return queryset.filter(
        pk__in=RawSQL(_FTS5_MATCH, (_fts5_query(query),))  # noqa: S611 - constant SQL
    )


def ranked(matches: QuerySet, query: str) -> QuerySet:
    """``matches`` (already narrowed by ``matching``) by relevance, among the
    ``RELEVANCE_CANDIDATES`` most recent only."""
    if not terms(query):
        return matches
    model = matches.model
    candidates = matches.order_by("-published_at", "-id").values("pk")[:RELEVANCE_CANDIDATES]
    if is_postgres():
        # Title words weigh more (setweight A) than body words (B); cover density rank.
        rank = _Search(_PG_RANK, (PG_CONFIG, query), FloatField())
        order = ["-relevance", "-published_at", "-id"]
    else:
        # bm25 is lower for better matches; title column weighs double.
        rank = _Search(_FTS5_RANK, (_fts5_query(query),), FloatField())
        order = ["relevance", "-published_at", "-id"]
    return model.objects.filter(pk__in=candidates).annotate(relevance=rank).order_by(*order)


# --- PostgreSQL: matches in date order, with a plan chosen from the data ---------------------
#
# The planner estimates a tsquery from per-lexeme frequencies, assuming independence: it
# under-estimates phrases (« trop-perçu » is the phrase 'trop-percu' <-> 'trop' <-> 'percu')
# and words that always go together (« erreur calcul ») by 10 to 70 times, then picks « fetch
# every match through the GIN index, then sort by date », which reads one heap page per match
# (50,000 pages for « trop-perçu »). We measure instead of estimating:
#
# 1. walk the newest rows of the filtered set (a btree on published_at that carries the
#    search vector, migration 0004: an index-only scan), testing the query on each, until
#    cap + 1 matches: for a query in more than 1.5 (cap + 1) / WINDOW of the rows (3 %)
#    this alone gives the capped count and the page, reading 1 / frequency rows per match
#    wanted. A PROBE of the newest rows comes first: its frequency sizes the walk, or
#    sends rarer queries to step 2 (a walk of more than WINDOW rows costs more than the
#    bitmap count). The walk's last row comes back too (a sentinel): without it, the walk
#    covered the whole filtered set and its matches are all the matches;
# 2. otherwise count through the GIN bitmap (bitmap scans forced), up to cap + 1 matches:
#    at most ``cap`` is the exact count, and their newest ``need`` are the page;
# 3. more than ``cap`` matches but too few in the window for the requested page: walk on,
#    from the window's end, newest first (index scans forced), until enough are found.
#
# Only the page's rows and the counts leave the database (shipping a thousand dated rows
# to Python cost more than the queries).

WINDOW = 50_000
PROBE = 4_000

_WALK = """
SELECT x.id, x.published_at, x.m, x.found, x.rn, x.k
FROM (
    SELECT t.*,
        count(*) FILTER (WHERE t.m) OVER (ORDER BY t.rn) AS k,
        count(*) FILTER (WHERE t.m) OVER () AS found
    FROM (
        SELECT s.* FROM (SELECT w.*, row_number() OVER () AS rn FROM ({window}) w) s
        WHERE s.m OR s.rn = %s LIMIT %s
    ) t
) x
WHERE (x.m AND (x.k <= %s OR x.k = x.found)) OR x.rn = %s
ORDER BY x.rn
"""
# The rest of a broad walk (no filter, tone, answered: a set far larger than the walk):
# matches only, without numbering every row walked (a third of the walk's time). Whether
# the walk covered the whole set is not known: when it is not capped, the bitmap counts.
_WALK_ON_MATCHES = """
SELECT x.id, x.published_at, x.k, x.found
FROM (
    SELECT w.id, w.published_at, row_number() OVER () AS k, count(*) OVER () AS found
    FROM (SELECT q.id, q.published_at FROM ({window}) q WHERE q.m LIMIT %s) w
) x
WHERE x.k <= %s OR x.k = x.found
ORDER BY x.k
"""
_BITMAP = """
SELECT x.id, x.published_at, x.total
FROM (
    SELECT b.id, b.published_at, count(*) OVER () AS total,
        row_number() OVER (ORDER BY b.published_at DESC, b.id DESC) AS k
    FROM ({matches}) b
) x
WHERE x.k <= %s
ORDER BY x.k
"""


@contextmanager
def _planner(**switches: bool) -> Iterator[None]:
    """Planner switches (``enable_*``) for the queries run inside, reset afterwards."""
    names = list(switches)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join("set_config(%s, %s, false)" for _ in names),
            [v for name in names for v in (f"enable_{name}", "on" if switches[name] else "off")],
        )
    try:
        yield
    finally:
        # In a failed transaction PostgreSQL undoes the settings itself with the rollback.
        # RESET, not a read of pg_settings (that view costs a millisecond or two).
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("; ".join(f"RESET enable_{name}" for name in names))


def _sql(queryset: QuerySet) -> tuple[str, list[Any]]:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


def ordered_matches(
    base: QuerySet, query: str, *, need: int, cap: int, broad: bool = False
) -> tuple[list[int], int, bool]:
    """PostgreSQL: ``(ids, count, capped)`` for the rows of ``base`` (filters, no search)
    matching ``query``: ids newest first (published_at, id), at least the first ``need`` of
    them (all of them when there are fewer); count up to ``cap`` and whether it was capped.
    ``broad``: the filters keep a large share of the table (none, tone, answered…)."""
    try:
        base.query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (e.g. ``pk__in=[]``)
        return [], 0, False
    newest = ("-published_at", "-id")
    match = _Search(_PG_MATCH, (PG_CONFIG, query), BooleanField())
    window = base.order_by(*newest).annotate(m=match).values_list("id", "published_at", "m")
    # A probe of the newest rows first: its matches tell the query's frequency, which
    # sizes the rest of the walk (continued from the probe's last row, not started
    # again), or sends rarer queries to the bitmap count without walking further.
    probe = min(PROBE, WINDOW)
    found, count, end = _walk(window, probe, cap_left=cap + 1, need_left=need, numbered=True)
    if count <= cap and end is not None and probe < WINDOW:
        # Rows a walk would need for cap + 1 matches at the probe's frequency, with a
        # margin: beyond the window, the bitmap count costs less than the walk.
        wanted = int(1.5 * (cap + 1) * probe / count) if count else WINDOW + 1
        if wanted <= WINDOW:
            after = RawSQL(  # noqa: S611 - constant SQL; row comparison follows the index
                f"({_column(base, 'published_at')}, {_column(base, 'id')}) < (%s, %s)",
                (end[1], end[0]),
                output_field=BooleanField(),
            )
            rest = base.filter(after).order_by(*newest).annotate(m=match)
            more, more_count, rest_end = _walk(
                rest.values_list("id", "published_at", "m"),
                wanted - probe,
                cap_left=cap + 1 - count,
                need_left=need - len(found),
                numbered=not broad,
            )
            found, count = found + more, count + more_count
            if not broad:
                end = rest_end
            # A broad walk does not tell whether the set ended there: ``end`` stays the
            # probe's, so the bitmap counts unless the walk was capped.
    if count > cap:
        oldest = found[-1][0] if found else None
        return _walk_on(base, match, found, oldest, need), cap, True
    if end is None:  # the walk covered the whole filtered set: every match is here
        return [pk for _, pk in found], count, False
    # No ORDER BY (the model's default ordering would sort every match).
    matching = (base if broad else base.filter(match)).order_by()
    sql, params = _sql(matching.values_list("id", "published_at")[: cap + 1])
    if broad:
        # Filters on a few-valued column (tone, answered…) are tested on the matches:
        # combining the GIN bitmap with their btree's (half the table) costs more than the
        # heap visits it would save (45 ms for « tone »). OFFSET 0 keeps them outside.
        table = connection.ops.quote_name(base.model._meta.db_table)
        head, found_from, tail = sql.partition(f"FROM {table}")
        if not found_from:
            raise AssertionError(sql)
        where = _PG_MATCH.format(vector=_column(base, "search_vector"))
        inner = f"SELECT * FROM {table} WHERE {where} OFFSET 0"  # noqa: S608 - constant SQL
        sql = f"{head}FROM ({inner}) {table}{tail}"
        params = [PG_CONFIG, query, *params]
    bitmap_only = _planner(seqscan=False, indexscan=False, indexonlyscan=False)
    with bitmap_only, connection.cursor() as cursor:
        cursor.execute(_BITMAP.format(matches=sql), [*params, need])
        newest_matches = cursor.fetchall()
    total = newest_matches[0][2] if newest_matches else 0
    if total <= cap:
        return [pk for pk, _, _ in newest_matches], total, False
    return _walk_on(base, match, found, end[1], need), cap, True


def _walk(
    part: QuerySet, size: int, *, cap_left: int, need_left: int, numbered: bool
) -> tuple[list[tuple[Any, int]], int, tuple[int, Any] | None]:
    """Walk the ``size`` first rows of ``part`` (``id, published_at, m``), stopping after
    ``cap_left`` matches: ``(found, count, end)`` with the ``(published_at, id)`` of the
    first ``need_left`` matches, how many matched, and the ``(id, published_at)`` of the
    walk's last row when the set goes on beyond it (``numbered`` only: otherwise None,
    not known)."""
    sql, params = _sql(part[:size])
    need_left = max(0, need_left)
    with connection.cursor() as cursor:
        if numbered:
            cursor.execute(_WALK.format(window=sql), [*params, size, cap_left + 1, need_left, size])
            rows = cursor.fetchall()
            found = [(at, pk) for pk, at, m, _, _, k in rows if m and k <= need_left]
            end = next(((pk, at) for pk, at, _, _, rn, _ in rows if rn == size), None)
        else:
            cursor.execute(_WALK_ON_MATCHES.format(window=sql), [*params, cap_left, need_left])
            rows = cursor.fetchall()
            found = [(at, pk) for pk, at, k, _ in rows if k <= need_left]
            end = None
    return found, (rows[0][3] if rows else 0), end


def _column(queryset: QuerySet, name: str) -> str:
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    return f"{table}.{connection.ops.quote_name(name)}"


def _walk_on(
    base: QuerySet, match: Expression, found: list[tuple[Any, int]], oldest: Any, need: int
) -> list[int]:
    """``found`` (the newest matches, down to ``oldest`` and maybe some of its date),
    completed up to ``need`` ids by walking on from ``oldest``, newest first (index scans
    forced)."""
    if len(found) >= need or oldest is None:
        return [pk for _, pk in found]
    newer = [pk for published_at, pk in found if published_at > oldest]
    older = base.filter(match, published_at__lte=oldest).order_by("-published_at", "-id")
    sql, params = _sql(older.values_list("id", flat=True)[: need - len(newer)])
    with _planner(seqscan=False, bitmapscan=False), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return newer + [row[0] for row in cursor.fetchall()]


def ranked_ids(ids: list[int], query: str) -> QuerySet:
    """PostgreSQL: the rows ``ids`` (the newest matches) by relevance to ``query``."""
    from parvis.publication.models import PublicExperience

    rank = _Search(_PG_RANK, (PG_CONFIG, query), FloatField())
    return (
        PublicExperience.objects.filter(pk__in=ids)
        .annotate(relevance=rank)
        .order_by("-relevance", "-published_at", "-id")
    )


# --- SQLite index maintenance (PostgreSQL computes its column itself) ------------------------


def index(rows: Iterable[tuple[int, str, str]]) -> None:
    """(Re)index ``(id, title, text)`` rows in the SQLite FTS5 table."""
    if is_postgres():
        return
    rows = list(rows)
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(_FTS5_DELETE, [(r[0],) for r in rows])
        cursor.executemany(_FTS5_INSERT, rows)


def unindex(ids: Iterable[int]) -> None:
    if is_postgres():
        return
    ids = list(ids)
    if ids:
        with connection.cursor() as cursor:
            cursor.executemany(_FTS5_DELETE, [(i,) for i in ids])


def reindex_all() -> None:
    """Rebuild the SQLite FTS5 table from the read model (repairs any drift)."""
    if is_postgres():
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM publication_search")
        cursor.execute(
            "INSERT INTO publication_search (rowid, title, body) "
            "SELECT id, title, text FROM publication_publicexperience"
        )
