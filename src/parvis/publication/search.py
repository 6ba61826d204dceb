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

import re
from collections.abc import Iterable
from typing import Any

from django.db import connection
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
    candidates = matches.order_by("-published_at", "-id").values("pk")[
        :RELEVANCE_CANDIDATES
    ]
    if is_postgres():
        # Title words weigh more (setweight A) than body words (B); cover density rank.
        rank = _Search(_PG_RANK, (PG_CONFIG, query), FloatField())
        order = ["-relevance", "-published_at", "-id"]
    else:
        # bm25 is lower for better matches; title column weighs double.
        rank = _Search(_FTS5_RANK, (_fts5_query(query),), FloatField())
        order = ["relevance", "-published_at", "-id"]
    return (
        model.objects.filter(pk__in=candidates)
        .annotate(relevance=rank)
        .order_by(*order)
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
