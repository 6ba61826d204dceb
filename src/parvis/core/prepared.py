"""Prepared statements for the few hot paths that run the same statements thousands of
times a second (a routing decision and the hub's assignment it makes).

Django binds parameters on the client and never prepares (so that connection poolers
work); ``prepared_cursor`` gives a Django cursor (statements logged, errors wrapped) that
binds on the server and prepares every statement it runs, on PostgreSQL, unless
``ROUTING_PREPARED_STATEMENTS`` is off (PgBouncer older than 1.21 in transaction mode).
Elsewhere it is Django's own cursor.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper

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
