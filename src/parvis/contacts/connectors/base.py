"""The connector base class and registry (``code`` = the ``directory.Channel`` slug)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from parvis.contacts.models import InboundRow


class Connector(ABC):
    code: ClassVar[str]  # directory.Channel slug: guichet, telephone, courriel, sms, chat
    label: ClassVar[str]  # French

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
