"""Prepared statements for the few hot paths that run the same statements thousands of
times a second (a routing decision and the hub's assignment it makes), and queries
compiled once (``CompiledGet``: the hub's lock of a conversation for each move).

Django binds parameters on the client and never prepares (so that connection poolers
work); ``prepared_cursor`` gives a Django cursor (statements logged, errors wrapped) that
binds on the server and prepares every statement it runs, on PostgreSQL, unless
``ROUTING_PREPARED_STATEMENTS`` is off (PgBouncer older than 1.21 in transaction mode).
Elsewhere it is Django's own cursor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import QuerySet
from django.db.transaction import TransactionManagementError

_NEVER = 2**31


@lru_cache(maxsize=1)
def _prepared_cursor_class() -> type:
    import psycopg

    class PreparedCursor(psycopg.Cursor):
        """Server-side binding, every statement prepared (Django turns psycopg's
        automatic preparation off for the whole connection, for connection poolers)."""

        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            kwargs.setdefault("prepare", True)
            return super().execute(query, params, **kwargs)

    return PreparedCursor


@contextmanager
def prepared_cursor() -> Iterator[Any]:
    """Django's cursor (statements logged, errors wrapped), on PostgreSQL with
    server-side binding and prepared statements (``ROUTING_PREPARED_STATEMENTS``): the
    hot paths' statements (a routing decision, the hub's assignment it makes) are the
    same few texts every time, so PostgreSQL plans each once per connection instead of
    at every execution (planning took as long as running them)."""
    if connection.vendor != "postgresql" or not settings.ROUTING_PREPARED_STATEMENTS:
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.ensure_connection()
    connection.validate_thread_sharing()
    if connection.connection.prepare_threshold is None:
        # Django disables preparing for the connection (``None``): allow it, with a
        # threshold never reached, so only this cursor's explicit ``prepare`` prepares
        # (Django's own cursors bind on the client and never prepare). Its
        # statements are index lookups whose plan does not depend on the values: plan
        # them once (PostgreSQL otherwise kept planning the heads at every execution,
        # their generic estimate being above the custom one for the same index scan).
        connection.connection.prepare_threshold = _NEVER
        with connection.cursor() as cursor:
            # ``random_page_cost``: the cost of an index lookup on solid-state storage
            # (PostgreSQL's default, 4, is a spinning disk's). With it, a queue's members
            # are joined to their states through the unique index (0.7 ms) rather than by
            # scanning every agent's state (1.5 ms at 5,000 agents). Operators may set it
            # for the whole database instead (docs/operations.md).
            cursor.execute("SET plan_cache_mode = force_generic_plan; SET random_page_cost = 1.1")
    raw: Any = _prepared_cursor_class()(connection.connection)
    wrapped = _LoggedCursor(raw, connection) if connection.queries_logged else None
    with wrapped or connection.make_cursor(raw) as cursor:
        yield cursor


class _LoggedCursor(CursorDebugWrapper):
    """Logs the engine's statements with the text it gave (Django reads the executed
    text back from the cursor, which psycopg leaves empty for a prepared statement)."""

    def execute(self, sql: Any, params: Any = None) -> Any:
        with self.debug_sql(sql, params):
            return CursorWrapper.execute(self, sql, params)


class CompiledGet:
    """A query of one model instance by primary key (with its ``select_related`` rows),
    compiled to SQL once per connection and then run by key: Django compiles a queryset
    at every execution (its joins, select list and filters), which took as long as
    running it on the hub's hottest read, a conversation locked for a move.

    ``build(pk)`` returns the queryset for one key; it must filter on that key once
    and take no other parameter that changes between calls. ``get`` returns the
    instance as the queryset would (converters applied, related rows cached on it), or
    ``None``."""

    _PLACEHOLDER = -7_654_321

    def __init__(self, build: Callable[[Any], QuerySet[Any]]) -> None:
        self._build = build

    def get(self, pk: Any) -> Any:
        compiled = self._compiled()
        if compiled.for_update and connection.get_autocommit():
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        params = list(compiled.params)
        # Prepared as the queryset's filter would (« 12 » → 12; a bad key raises).
        params[compiled.key_at] = compiled.model._meta.pk.get_db_prep_value(
            pk, connection, prepared=False
        )
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        for row in compiled.compiler.results_iter(results=[rows]):
            instance = compiled.model.from_db(
                compiled.db, compiled.init_list, row[compiled.start : compiled.end]
            )
            for populator in compiled.populators:
                populator.populate(row, instance)
            return instance
        return None

    def _compiled(self) -> _Compiled:
        # On the connection object: its SQL is its vendor's (tests run one per process,
        # a project may have several databases).
        cache = connection.__dict__.setdefault("_parvis_compiled_gets", {})
        compiled = cache.get(self)
        if compiled is None:
            compiled = cache[self] = self._compile()
        return compiled

    def _compile(self) -> _Compiled:
        from django.db.models.query import get_related_populators  # type: ignore[attr-defined]

        queryset = self._build(self._PLACEHOLDER)
        compiler = queryset.query.get_compiler(using=queryset.db)
        for_update = queryset.query.select_for_update
        # ``as_sql`` refuses ``select_for_update`` in autocommit: compiled inside a
        # transaction of its own (``get`` checks every call).
        with transaction.atomic(using=queryset.db):
            sql, params = compiler.as_sql()
        keys = [index for index, value in enumerate(params) if value == self._PLACEHOLDER]
        if len(keys) != 1:
            raise ImproperlyConfigured("CompiledGet needs a query filtered once on its key.")
        klass_info = compiler.klass_info
        assert klass_info is not None
        select = compiler.select
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        return _Compiled(
            compiler=compiler,
            sql=sql,
            params=tuple(params),
            key_at=keys[0],
            for_update=bool(for_update) and connection.features.has_select_for_update,
            model=klass_info["model"],
            db=queryset.db,
            init_list=[column[0].target.attname for column in select[start:end]],
            start=start,
            end=end,
            populators=get_related_populators(klass_info, select, queryset.db),
        )


@dataclass(frozen=True)
class _Compiled:
    compiler: Any
    sql: str
    params: tuple[Any, ...]
    key_at: int
    for_update: bool
    model: Any
    db: str
    init_list: list[str]
    start: int
    end: int
    populators: list[Any]
