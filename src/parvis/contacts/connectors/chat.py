"""The web chat connector (``chat``) and its outbound provider.

Inbound: the chat consumer stores each citizen message as an inbound row (JSON: session,
sequence, text, optional email); ``process`` hands it to ``message_receive`` threaded on
the chat session. Outbound: ``ChatRealtimeProvider`` (the ``chat`` channel of
``parvis.messaging``) publishes an agent's reply to the session's group, which the
citizen's WebSocket listens to.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from parvis.contacts.chat import session_group
from parvis.contacts.connectors.base import Connector, register
from parvis.contacts.inbound import InboundMessage
from parvis.core.realtime import publish
from parvis.messaging import providers
from parvis.messaging.models import Channel as MessagingChannel

if TYPE_CHECKING:
    from parvis.contacts.models import InboundRow

LEFT_MESSAGE_SUBJECT = "Message laissé sur le chat (hors disponibilité)"


@register
class ChatConnector(Connector):
    code = "chat"
    label = "Messagerie instantanée (chat)"

    def process(self, row: InboundRow) -> None:
        from parvis.contacts.services import message_receive
        from parvis.contacts.services.ingestion import payload_of

        data = json.loads(payload_of(row))
        email = str(data.get("email", ""))
        message_receive(
            endpoint=row.endpoint,
            inbound=InboundMessage(
                channel=self.code,
                text=str(data["text"]),
                sender=email,
                sender_kind="email" if email else "",
                subject=LEFT_MESSAGE_SUBJECT if data.get("left_message") else "",
                external_id=row.external_id,
                thread_key=str(data["session"]),
                received_at=row.received_at,
                register="chat",
            ),
            row=row,
        )


@providers.register
class ChatRealtimeProvider(providers.Provider):
    """Publishes to the citizen's session (``to`` is the session id). No receipt: the
    message is on the wire once published; the widget shows what it hears."""

    name = "chat-realtime"
    channel = MessagingChannel.CHAT

    def send(self, message: providers.OutboundMessage) -> str:
        publish(
            session_group(message.to),
            {
                "type": "message",
                "direction": "outbound",
                "text": message.body,
                "reference": message.reference,
            },
        )
        return message.reference


@providers.register
class ChatSimulator(providers.SimulatorProvider):
    """Keeps replies in memory (``MESSAGING_CHAT_PROVIDER=chat-simulator``)."""

    name = "chat-simulator"
    channel = MessagingChannel.CHAT
