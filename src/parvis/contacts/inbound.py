"""What a connector hands to the hub once it has parsed a raw inbound row: the one shape
of an incoming message, whatever its channel (the contract between ``connectors`` and
``services.conversations.message_receive``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class IncomingFile:
    """An attached file as received; ``services.attachments`` checks, scans and stores it."""

    filename: str
    content: bytes
    declared_type: str = ""


@dataclass
class InboundMessage:
    """One message from a citizen.

    ``channel`` is the ``directory.Channel`` slug (guichet, telephone, courriel, sms, chat).
    ``sender`` is the address the citizen writes from (an email address, an E.164 number),
    empty for an anonymous chat; ``sender_kind`` its ``ContactKind`` ("email", "phone") or
    "". ``thread_key`` is the channel's own thread (an SMS number pair, a chat session, a
    call id); email threads by ``external_id`` (Message-ID), ``in_reply_to`` and
    ``references`` instead. ``register`` is the language engine's register hint ("email",
    "sms", "chat", "transcript", or "" for a form text).
    """

    channel: str
    text: str
    sender: str = ""
    sender_kind: str = ""
    html: str = ""
    subject: str = ""
    external_id: str = ""
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    thread_key: str = ""
    attachments: list[IncomingFile] = field(default_factory=list)
    received_at: dt.datetime | None = None
    is_automatic: bool = False
    register: str = ""
    refused_files: list[tuple[str, str]] = field(default_factory=list)  # (name, reason)
