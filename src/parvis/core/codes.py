"""Internal codes and the public codes they are published as.

The house convention for stored codes: lowercase ASCII; English snake_case for internal
states (``submitted``, ``under_study``), French kebab-case for taxonomy and anything
public. When a lifecycle's states are also published (API enums, open data, URLs), the
public values are frozen: a ``PublicCodes`` table translates at the boundary, in the API
schemas, the open-data rows and the URL filters, and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping


class PublicCodes:
    """A one-to-one table between internal codes and their public codes."""

    def __init__(self, table: Mapping[str, str]) -> None:
        self._public = {str(code): public for code, public in table.items()}
        self._internal = {public: code for code, public in self._public.items()}
        if len(self._internal) != len(self._public):
            raise ValueError("Two internal codes share one public code.")

    def public(self, code: str) -> str:
        """The public code of an internal one (``KeyError`` if it has none)."""
        return self._public[str(code)]

    def internal(self, public_code: str) -> str | None:
        """The internal code of a public one, or ``None`` for an unknown value (the caller
        decides whether that is a 4xx or an ignored filter)."""
        return self._internal.get(public_code)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        """(internal, public) pairs."""
        return iter(self._public.items())
