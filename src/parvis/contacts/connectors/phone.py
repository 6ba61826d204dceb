"""The phone connector (code ``telephone``): telephony events in, call commands out.

parvis decides who takes a call: the connector exposes ``connect(call_id, agent)`` (put
this waiting call through to this agent) and ``place_call(agent, number)`` (ring the
agent, then the citizen: a call back), carried out by a ``TelephonyAdapter`` chosen with
``CONTACTS_TELEPHONY_ADAPTER`` (the simulator, by default, records the commands).

Events arrive by webhook on the endpoint's ``/hooks/<uuid>/`` door (signed), JSON, one
object or a list of them::

    {"call_id": "c-123", "event": "answered", "timestamp": "2026-12-03T09:15:02+01:00",
     "from": "+33612345678", "to": "+33140000000", "ivr_choice": "2", "agent": "17"}

``event`` is one of call_started, ivr_choice, queued, offered, answered, transferred,
abandoned, voicemail, ended; ``timestamp`` is the provider's time (ISO 8601);
``ivr_choice`` and ``agent`` (the account id or email parvis gave in ``connect``) are
optional. Each event is stored once per ``(call_id, event, timestamp)`` and folded by
``services.calls`` in timestamp order, whatever the arrival order.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

from django.conf import settings

from parvis.contacts.connectors.base import Connector, register
from parvis.contacts.connectors.common import (
    InvalidPayload,
    e164,
    json_object,
    required_text,
    timestamp,
)
from parvis.contacts.models import InboundRow
from parvis.contacts.services.calls import EVENTS


class TelephonyAdapter(ABC):
    """A telephony platform parvis commands. ``agent`` is the reference the platform
    knows the agent by (``agent_reference``), ``number`` an E.164 number."""

    name: ClassVar[str]

    @abstractmethod
    def connect(self, call_id: str, agent: str) -> None:
        """Put the waiting call ``call_id`` through to ``agent``."""

    @abstractmethod
    def place_call(self, agent: str, number: str) -> str:
        """Call ``agent``, then ``number``; the platform's id of the new call."""


_ADAPTERS: dict[str, TelephonyAdapter] = {}


def register_adapter(adapter: type[TelephonyAdapter]) -> type[TelephonyAdapter]:
    _ADAPTERS[adapter.name] = adapter()
    return adapter


def adapter() -> TelephonyAdapter:
    """The adapter named by ``CONTACTS_TELEPHONY_ADAPTER``."""
    return _ADAPTERS[settings.CONTACTS_TELEPHONY_ADAPTER]


@register_adapter
class SimulatorAdapter(TelephonyAdapter):
    """Records each command in ``commands`` (in memory) instead of calling anyone."""

    name = "simulator"

    def __init__(self) -> None:
        self.commands: list[tuple[str, ...]] = []

    def connect(self, call_id: str, agent: str) -> None:
        self.commands.append(("connect", call_id, agent))

    def place_call(self, agent: str, number: str) -> str:
        call_id = f"sim-out-{len(self.commands) + 1}"
        self.commands.append(("place_call", agent, number, call_id))
        return call_id


def agent_reference(agent: Any) -> str:
    """How parvis names an agent to the telephony platform (and reads it back in events)."""
    return str(agent.pk)


def _event(data: Any) -> tuple[str, bytes]:
    if not isinstance(data, dict):
        raise InvalidPayload("Événement illisible : objet JSON attendu.")
    call_id = required_text(data, "call_id")
    event = required_text(data, "event", max_length=30)
    if event not in EVENTS:
        raise InvalidPayload(f"Événement inconnu : {event}.", "event")
    at = timestamp(required_text(data, "timestamp", max_length=50), field="timestamp")
    if data.get("from"):
        data = {**data, "from": _caller(str(data["from"]))}
    # One row per (call, event, provider time): a webhook delivered twice is stored once.
    return f"{call_id}|{event}|{at.isoformat()}", json.dumps(data).encode()


def _caller(number: str) -> str:
    """The caller's E.164 number, or "" for a hidden or unreadable one."""
    try:
        return e164(number, field="from")
    except InvalidPayload:
        return ""


@register
class PhoneConnector(Connector):
    code = "telephone"
    label = "Téléphone"

    def accept(self, body: bytes, headers: Mapping[str, str]) -> list[tuple[str, str, bytes]]:
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, ValueError):
            data = None
        items = data if isinstance(data, list) else [json_object(body)]
        rows = []
        for item in items[:100]:
            key, payload = _event(item)
            rows.append(("event", key, payload))
        return rows

    def process(self, row: InboundRow) -> None:
        from parvis.contacts.services import calls, ingestion

        data = json_object(ingestion.payload_of(row))
        calls.call_event_record(
            endpoint=row.endpoint,
            call_id=str(data["call_id"]).strip(),
            event=str(data["event"]).strip(),
            at=timestamp(data["timestamp"], field="timestamp"),
            caller=str(data.get("from") or ""),
            ivr_choice=str(data.get("ivr_choice") or "")[:50],
            agent_ref=str(data.get("agent") or "")[:200],
            row=row,
        )

    # Commands: parvis decides who takes a call.
    def connect(self, call_id: str, agent: Any) -> None:
        adapter().connect(call_id, agent_reference(agent))

    def place_call(self, agent: Any, number: str) -> str:
        return adapter().place_call(agent_reference(agent), e164(number, field="number"))
