"""Purges that join the platform's daily purge (``accounts.services.purge_expired_data``,
run by beat at night), and what each keeps for how long.

An app that keeps rows for a limited time registers its purge here from its
``AppConfig.ready()``, with what the rows hold, why, on which legal basis, and how long
(a callable that reads the setting when the page is shown)::

    register_purge(
        "contacts_inbound_rows",
        inbound_purge,
        data=_("Messages reçus tels qu’ils sont arrivés…"),
        purpose=_("Ne perdre aucun message, même en cas de panne"),
        duration=lambda: days(settings.CONTACTS_INBOUND_RETENTION_DAYS, _("après leur traitement")),
    )

The daily purge runs each with the same ``now`` and reports its count under that name, so
the purge needs to import none of the apps above it; the personal-data page
(``portal.views``) lists every registration, so the list cannot drift from what is purged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

StrOrPromise = str | Promise
PUBLIC_INTEREST = _("Mission d’intérêt public (article 6.1.e du RGPD)")


class Purge(Protocol):
    def __call__(self, *, now: dt.datetime | None = None) -> int: ...


@dataclass(frozen=True)
class Retention:
    """One registered purge and what the personal-data page says of it."""

    name: str
    purge: Purge
    data: StrOrPromise = ""  # what the rows hold, in French
    purpose: StrOrPromise = ""
    legal_basis: StrOrPromise = PUBLIC_INTEREST
    duration: Callable[[], str] | None = None  # French, read from the settings when shown

    @property
    def described(self) -> bool:
        return bool(self.data) and bool(self.purpose) and self.duration is not None


_PURGES: dict[str, Retention] = {}


def register_purge(
    name: str,
    purge: Purge,
    *,
    data: StrOrPromise = "",
    purpose: StrOrPromise = "",
    legal_basis: StrOrPromise = PUBLIC_INTEREST,
    duration: Callable[[], str] | None = None,
) -> None:
    """Join the daily purge. ``data``, ``purpose`` and ``duration`` are shown on the
    personal-data page (a test requires them of every registration)."""
    _PURGES[name] = Retention(name, purge, data, purpose, legal_basis, duration)


def registered_purges() -> dict[str, Purge]:
    return {name: retention.purge for name, retention in _PURGES.items()}


def registered_retentions() -> list[Retention]:
    """Every registration, in registration order (the personal-data page's rows)."""
    return list(_PURGES.values())


def days(count: int, after: StrOrPromise = "") -> str:
    """« 365 jours après la fin de la conversation » (« 1 jour », « 3 ans » when whole)."""
    if count >= 365 and count % 365 == 0:
        years = count // 365
        text = ngettext("%(n)d an", "%(n)d ans", years) % {"n": years}
    else:
        text = ngettext("%(n)d jour", "%(n)d jours", count) % {"n": count}
    return f"{text} {after}".strip()
