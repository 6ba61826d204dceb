"""The one base of parvis's domain errors.

A service refuses an action by raising a subclass of :class:`ParvisError` (one per app:
``VoiceError``, ``SimplificationError``, ``DirectoryError``, ``AccountsError``,
``LanguageError``). The error carries everything both adapters need: a stable machine
``code``, a French ``message``, the ``field`` it concerns (if any) and the HTTP
``status`` the API answers with. Views show ``message`` (next to ``field`` in a form);
the API turns any of them into problem+json with :func:`parvis.core.problems.
domain_error_response`, registered once on the root API.

The status comes, in order, from the ``status`` given when raising, the class's
``statuses`` (per code), then the class's ``status`` (422 unless a subclass says
otherwise).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar


class ParvisError(Exception):
    """A rule of the domain refused the action; ``code`` is stable, ``message`` is French."""

    code: str = "error"
    status: int = 422
    statuses: ClassVar[Mapping[str, int]] = {}

    def __init__(
        self,
        code: str,
        message: str,
        field: str | None = None,
        *,
        status: int | None = None,
        field_errors: Iterable[tuple[str, str]] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.status = status or self.statuses.get(code, type(self).status)
        # (field, French message) pairs for the API's ``errors``; by default the one field.
        self.field_errors: tuple[tuple[str, str], ...] = tuple(field_errors) or (
            ((field, message),) if field else ()
        )
        self.headers: dict[str, str] = dict(headers or {})


def is_overload(error: BaseException | None) -> bool:
    """True when ``error`` (or what caused it) is the database connection pool refusing a
    connection in time: the server is saturated, not broken, so callers answer 503 with
    ``Retry-After`` instead of 500 (Django wraps psycopg's ``PoolTimeout`` in its own
    ``OperationalError``)."""
    try:
        from psycopg_pool import PoolTimeout
    except ImportError:  # SQLite-only installs
        return False
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, PoolTimeout):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False
