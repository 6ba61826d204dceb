"""Writes of the territories domain: loading the vendored INSEE reference."""

from __future__ import annotations


def territories_load() -> dict[str, int]:
    """Placeholder until the vendored COG extract lands (issue 3, slice 4)."""
    return {}
