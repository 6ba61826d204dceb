"""The SMS connector (code ``sms``) and the SMS gateway providers of ``parvis.messaging``.

Provider-neutral webhooks, both on the endpoint's ``/hooks/<uuid>/`` door (signed), JSON:

- an inbound text: ``{"id", "from", "to", "text", "received_at"}`` (``to`` defaults to
  the endpoint's number, ``received_at`` (ISO 8601) to the time of arrival);
- a delivery receipt: ``{"id", "message_id", "status", "at", "error"}`` where
  ``message_id`` is the id the gateway gave when we sent, ``status`` one of "sent",
  "delivered", "failed", "undelivered", "expired", "rejected"…

``accept`` tells one from the other (a receipt has ``message_id`` and ``status``) and keys
the raw row by the provider's ``id`` (a receipt's prefixed, so both never collide), so a
webhook delivered twice is stored once. A real gateway whose payloads differ gets its own
connector subclass (overriding ``accept`` to translate) and its own ``SmsProvider``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from parvis.contacts.connectors.base import Connector, register
from parvis.contacts.connectors.common import (
    InvalidPayload,
    e164,
    json_object,
    required_text,
    timestamp,
)
from parvis.contacts.models import InboundRow
from parvis.contacts.sms import normalise
from parvis.messaging import providers as messaging_providers
from parvis.messaging.models import Channel as MessagingChannel
from parvis.messaging.providers import (
    OutboundMessage,
    Provider,
    SimulatedFailure,
    SimulatedRefusal,
    SimulatorProvider,
)

MAX_TEXT = 10_000  # a concatenated SMS is at most 255 segments; anything longer is no SMS


def _is_receipt(data: Mapping[str, Any]) -> bool:
    return "message_id" in data and "status" in data


@register
class SmsConnector(Connector):
    code = "sms"
    label = "SMS"

    def accept(self, body: bytes, headers: Mapping[str, str]) -> list[tuple[str, str, bytes]]:
        data = json_object(body)
        provider_id = str(data.get("id") or "").strip()[:200]
        if _is_receipt(data):
            required_text(data, "message_id", max_length=255)
            required_text(data, "status", max_length=50)
            key = provider_id or hashlib.sha256(body).hexdigest()
            return [("receipt", f"receipt:{key}", body)]
        e164(required_text(data, "from"), field="from")
        if data.get("to"):
            e164(str(data["to"]), field="to")
        text = data.get("text")
        if not isinstance(text, str) or len(text) > MAX_TEXT:
            raise InvalidPayload("Champ « text » manquant.", "text")
        if data.get("received_at"):
            timestamp(data["received_at"], field="received_at")
        return [("message", provider_id or hashlib.sha256(body).hexdigest(), body)]

    def process(self, row: InboundRow) -> None:
        from parvis.contacts.services import ingestion, sms

        data = json_object(ingestion.payload_of(row))
        if row.kind == "receipt":
            sms.sms_receipt_record(
                provider_message_id=str(data["message_id"]).strip(),
                status=str(data["status"]),
                error=str(data.get("error") or ""),
            )
            return
        endpoint = row.endpoint
        sms.sms_receive(
            endpoint=endpoint,
            external_id=row.external_id,
            sender=e164(str(data["from"]), field="from"),
            to=e164(str(data.get("to") or endpoint.address), field="to"),
            text=str(data.get("text") or ""),
            received_at=(
                timestamp(data["received_at"], field="received_at")
                if data.get("received_at")
                else row.received_at or timezone.now()
            ),
            row=row,
        )


# --- Outbound: SMS gateways of parvis.messaging ---------------------------------------------


class SmsProvider(Provider):
    """Base of SMS gateways: the text goes out with its typography normalised (GSM-7
    wherever possible). A real gateway subclasses it, overrides ``send`` (and
    ``is_permanent``), sets ``name`` and is chosen with ``MESSAGING_SMS_PROVIDER``; its
    receipts come back through the SMS connector's receipt webhook."""

    channel = MessagingChannel.SMS
    gives_receipts = True

    @staticmethod
    def text_of(message: OutboundMessage) -> str:
        return normalise(message.body).strip()


@messaging_providers.register
class SmsSimulator(SmsProvider, SimulatorProvider):
    """The default gateway: keeps each SMS it is given in ``outbox`` (with its normalised
    text) and makes the receipts a gateway would post (``receipt``). A number ending in
    ``0000`` fails as an unreachable gateway would, one ending in ``9999`` is refused."""

    name = "sms-simulator"

    def send(self, message: OutboundMessage) -> str:
        if message.to.endswith("0000"):
            raise SimulatedFailure("simulated gateway failure")
        if message.to.endswith("9999"):
            raise SimulatedRefusal("simulated refusal")
        sent = OutboundMessage(
            channel=message.channel,
            to=message.to,
            subject="",
            body=self.text_of(message),
            reference=message.reference,
        )
        self.outbox.append(sent)
        return f"sms-sim-{message.reference}"

    @staticmethod
    def receipt(
        provider_message_id: str, status: str = "delivered", *, at: str = "", error: str = ""
    ) -> dict[str, str]:
        """The receipt payload a gateway posts for one of its messages."""
        moment = at or timezone.now().isoformat()
        key = hashlib.sha256(f"{provider_message_id}|{status}|{moment}".encode()).hexdigest()
        return {
            "id": f"rcpt-{key[:24]}",
            "message_id": provider_message_id,
            "status": status,
            "at": moment,
            "error": error,
        }
