"""The connector base class and registry (``code`` = the ``directory.Channel`` slug)."""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from parvis.contacts.models import InboundRow


class Connector(ABC):
    code: ClassVar[str]  # directory.Channel slug: guichet, telephone, courriel, sms, chat
    label: ClassVar[str]  # French

    def accept(self, body: bytes, headers: Mapping[str, str]) -> list[tuple[str, str, bytes]]:
        """Split a verified webhook body into raw rows to store: ``(kind, external_id,
        payload)`` each. By default one "message" row keyed by the hash of the body (a
        provider without message ids). A connector whose provider sends ids, several
        items a request or other kinds (SMS receipts) overrides it; it raises
        ``ValueError`` (400) on a body it cannot read, so that nothing unreadable is
        stored. (Part 4 added this minimal default; part 2's door calls it.)"""
        return [("message", hashlib.sha256(body).hexdigest(), body)]

    @abstractmethod
    def process(self, row: InboundRow) -> None:
        """Parse ``row`` (its decrypted payload) and call the hub's services. Must be
        idempotent: a row may be processed again after a crash."""


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
