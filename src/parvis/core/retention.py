"""Purges that join the platform's daily purge (``accounts.services.purge_expired_data``,
run by beat at night).

An app that keeps rows for a limited time registers its purge here from its
``AppConfig.ready()`` (``register_purge("contacts_inbound_rows", inbound_purge)``); the
daily purge runs each with the same ``now`` and reports its count under that name, so
the purge needs to import none of the apps above it.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol


class Purge(Protocol):
    def __call__(self, *, now: dt.datetime | None = None) -> int: ...


_PURGES: dict[str, Purge] = {}


def register_purge(name: str, purge: Purge) -> None:
    _PURGES[name] = purge


def registered_purges() -> dict[str, Purge]:
    return dict(_PURGES)
