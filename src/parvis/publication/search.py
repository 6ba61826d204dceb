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
# 1. walk the WINDOW newest rows of the filtered set (btree on published_at: the same pages
#    the page needs anyway), testing the query on each, until cap + 1 matches: for a query
#    in more than (cap + 1) / WINDOW of the rows (5 %) this alone gives the first cap + 1
#    matches in order, hence the capped count and any page, reading 1 / frequency pages
#    per match wanted (the cost crosses the GIN bitmap's, which grows with the number of
#    matches, near that frequency);
# 2. otherwise the query is rarer than (cap + 1) / WINDOW: count it through the GIN bitmap
#    (bitmap scans forced), up to cap + 1 matches, fetching their dates: if there are at
#    most ``cap``, we hold them all and sort them here (no walk at all);
# 3. more than ``cap`` matches but too few in the window for the requested page: walk on,
#    from the window's end, newest first (index scans forced), until enough are found.

WINDOW = 20_000


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
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config(name, reset_val, false) FROM pg_settings WHERE name = ANY(%s)",
                [[f"enable_{name}" for name in names]],
            )


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
    sql, params = _sql(window[:WINDOW])
    with connection.cursor() as cursor:
        # Stops at cap + 1 matches: a frequent query reads only the newest few pages.
        cursor.execute(
            f"SELECT s.published_at, s.id FROM ({sql}) s WHERE s.m LIMIT %s",  # noqa: S608
            [*params, cap + 1],
        )
        found = sorted(cursor.fetchall(), reverse=True)
    if len(found) > cap:
        return _walk_on(base, match, found, found[-1][0], need), cap, True
    # Fewer than cap + 1 in the window: was the window the whole filtered set? (The
    # covering listing indexes answer this from the index alone.)
    sql, params = _sql(base.order_by(*newest).values_list("published_at")[:WINDOW])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), min(s.published_at) FROM ({sql}) s", params)  # noqa: S608
        walked, oldest = cursor.fetchone()
    if walked < WINDOW:
        return [pk for _, pk in found], len(found), False
    # No ORDER BY (the model's default ordering would sort every match).
    matching = (base if broad else base.filter(match)).order_by()
    sql, params = _sql(matching.values_list("published_at", "id")[: cap + 1])
    if broad:
        # Filters on a few-valued column (tone, answered…) are tested on the matches:
        # combining the GIN bitmap with their btree's (half the table) costs more than the
        # heap visits it would save (45 ms for « tone »). OFFSET 0 keeps them outside.
        table = connection.ops.quote_name(base.model._meta.db_table)
        head, found_from, tail = sql.partition(f"FROM {table}")
        if not found_from:
            raise AssertionError(sql)
        vector = f"{table}.{connection.ops.quote_name('search_vector')}"
        where = _PG_MATCH.format(vector=vector)
        inner = f"SELECT * FROM {table} WHERE {where} OFFSET 0"  # noqa: S608 - constant SQL
        sql = f"{head}FROM ({inner}) {table}{tail}"
        params = [PG_CONFIG, query, *params]
    bitmap_only = _planner(seqscan=False, indexscan=False, indexonlyscan=False)
    with bitmap_only, connection.cursor() as cursor:
        cursor.execute(sql, params)
        every = cursor.fetchall()
    if len(every) <= cap:
        return [pk for _, pk in sorted(every, reverse=True)], len(every), False
    return _walk_on(base, match, found, oldest, need), cap, True


def _walk_on(
    base: QuerySet, match: Expression, found: list[tuple[Any, int]], oldest: Any, need: int
) -> list[int]:
    """``found`` (the matches newer than ``oldest``, and some of its date), completed up to
    ``need`` ids by walking on from ``oldest``, newest first (index scans forced)."""
    if len(found) >= need:
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
