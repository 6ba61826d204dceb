"""The connector base class and registry (``code`` = the ``directory.Channel`` slug)."""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from parvis.contacts.models import InboundRow

# The provider's own id of a delivery, when the sender gives one (webhook door).
MESSAGE_ID_HEADER = "X-Parvis-Message-Id"

# One item a delivery holds: (kind, external id, raw payload of that item).
Accepted = tuple[str, str, bytes]


class Connector(ABC):
    code: ClassVar[str]  # directory.Channel slug: guichet, telephone, courriel, sms, chat
    label: ClassVar[str]  # French

    def accept(self, body: bytes, headers: Mapping[str, str]) -> list[Accepted]:
        """Split a signed webhook delivery (``/hooks/<uuid>/``) into the items to store,
        each ``(kind, external_id, payload)``; the hub stores each once per
        ``(endpoint, channel, external_id)``. Runs before the 202, so it parses no more
        than it needs to name the items (and raises ``ValueError`` on a body it cannot
        read: 400).

        By default the whole body is one ``message`` whose external id is the provider's
        (header ``X-Parvis-Message-Id``) or else the SHA-256 of the body, so a delivery
        sent again stores nothing new. A connector whose provider batches items or sends
        receipts and telephony events overrides it."""
        provider_id = _header(headers, MESSAGE_ID_HEADER).strip()
        external_id = provider_id[:300] or "sha256:" + hashlib.sha256(body).hexdigest()
        return [("message", external_id, body)]

    @abstractmethod
    def process(self, row: InboundRow) -> None:
        """Parse ``row`` (its decrypted payload) and call the hub's services. Must be
        idempotent: a row may be processed again after a crash."""


def _header(headers: Mapping[str, str], name: str) -> str:
    """``headers[name]`` whatever its case (Django's ``request.headers`` already is)."""
    if name in headers:
        return headers[name]
    lowered = name.lower()
    return next((value for key, value in headers.items() if key.lower() == lowered), "")


_REGISTRY: dict[str, Connector] = {}


def register(connector: type[Connector]) -> type[Connector]:
    _REGISTRY[connector.code] = connector()
    return connector


def get(code: str) -> Connector:
    try:
        return _REGISTRY[code]
    except KeyError:
        raise LookupError(f"No connector for channel {code!r}") from None


def all_connectors() -> dict[str, Connector]:
    return dict(_REGISTRY)
