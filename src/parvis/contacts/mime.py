"""Reading raw email (RFC 5322 / MIME) for the contact hub: pure functions, no database.

``parse`` turns raw bytes into a ``ParsedMail``: the ``InboundMessage`` the hub takes, plus
what the email connector decides on before calling it (is it a delivery report, an
automatic mail that must get no acknowledgement). Parsing uses the standard library's
``email`` package with ``policy.default``; a malformed header never raises here.
"""

from __future__ import annotations

import hashlib
import html as html_module
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser
from typing import cast

from parvis.contacts.inbound import InboundMessage, IncomingFile
from parvis.core.text import clean_text, strip_controls

# Senders that are machines: a bounce source, or an address that says not to answer.
_MACHINE_LOCAL_PARTS = re.compile(
    r"^(mailer-daemon|postmaster|no-?reply|ne-?pas-?repondre|do-?not-?reply|bounces?)([+._-].*)?$",
    re.IGNORECASE,
)
_MESSAGE_ID = re.compile(r"<[^<>\s\x00-\x1f\x7f]+>")
_DSN_FIELD = re.compile(r"^(?P<name>[A-Za-z-]+):\s*(?P<value>.*)$")
DERIVED_ID_DOMAIN = "derive.parvis.invalid"


@dataclass
class DeliveryReport:
    """A bounce or delivery status notification about a mail parvis sent."""

    original_message_id: str
    action: str  # failed | delayed | delivered | relayed | expanded | "" (unknown)
    status: str = ""  # RFC 3463 code, e.g. 5.1.1


@dataclass
class ParsedMail:
    inbound: InboundMessage
    raw_sha256: str
    sender: str
    has_message_id: bool
    auto_submitted: bool  # RFC 3834 guard: no automatic answer to it
    report: DeliveryReport | None = None
    recipients: list[str] = field(default_factory=list)


def raw_digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def derived_message_id(raw: bytes) -> str:
    """A stable Message-ID for a mail that has none (or a blank one): from its bytes."""
    return f"<{raw_digest(raw)[:40]}@{DERIVED_ID_DOMAIN}>"


def message_ids(value: str | None) -> tuple[str, ...]:
    """The ``<id>`` tokens of a Message-ID, In-Reply-To or References header."""
    return tuple(_MESSAGE_ID.findall(str(value or "")))


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except (ValueError, IndexError, TypeError):  # a header the parser cannot fold
        return ""
    return str(value or "").strip()


def message_id_of(message: Message) -> str:
    ids = message_ids(_header(message, "Message-ID"))
    return ids[0] if ids else ""


class _TextExtractor(HTMLParser):
    """HTML to readable text: block elements become line breaks, scripts and styles go."""

    _BLOCKS = frozenset(
        {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "hr"}
    )
    _SKIP = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skipping = max(self._skipping - 1, 0)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    text = html_module.unescape("".join(extractor.parts))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _content(part: Message) -> str:
    try:
        return str(cast(EmailMessage, part).get_content())
    except (LookupError, ValueError, AssertionError):  # unknown charset, broken encoding
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""


def _bodies_and_files(message: EmailMessage) -> tuple[str, str, list[IncomingFile]]:
    plain = message.get_body(("plain",))
    rich = message.get_body(("html",))
    text = _content(plain) if plain is not None else ""
    markup = _content(rich) if rich is not None else ""
    files: list[IncomingFile] = []
    for part in message.iter_attachments():
        if part.get_content_maintype() == "multipart":
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        name = part.get_filename() or (
            "message.eml" if part.get_content_type() == "message/rfc822" else "piece-jointe"
        )
        files.append(
            IncomingFile(
                filename=strip_controls(name),
                content=payload,
                declared_type=part.get_content_type(),
            )
        )
    if not text and markup:
        text = html_to_text(markup)
    return clean_text(text), strip_controls(markup), files


def _delivery_report(message: EmailMessage, sender: str) -> DeliveryReport | None:
    """A DSN (multipart/report; report-type=delivery-status) or a bounce from a mailer
    daemon; ``None`` for an ordinary mail. The original mail's Message-ID comes from the
    returned headers (message/rfc822 or text/rfc822-headers), else from the text."""
    is_report = message.get_content_type() == "multipart/report"
    local = sender.partition("@")[0].lower()
    from_daemon = local in {"mailer-daemon", "postmaster"}
    if not (is_report or from_daemon):
        return None
    if is_report and message.get_param("report-type") == "disposition-notification":
        # A read receipt (MDN): says nothing of delivery, opens nothing.
        return DeliveryReport(original_message_id="", action="")
    action = status = original = ""
    for part in message.walk():
        ctype = part.get_content_type()
        if ctype in {"message/delivery-status", "message/global-delivery-status"}:
            payload = part.get_payload()
            blocks = payload if isinstance(payload, list) else [payload]
            for block in blocks:
                lines = block.as_string() if isinstance(block, Message) else str(block)
                for line in lines.splitlines():
                    match = _DSN_FIELD.match(line.strip())
                    if not match:
                        continue
                    name = match["name"].lower()
                    if name == "action" and not action:
                        action = match["value"].strip().lower()
                    elif name == "status" and not status:
                        status = match["value"].strip().split()[0] if match["value"] else ""
        elif ctype in {"message/rfc822", "message/global"} and not original:
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
            if isinstance(inner, Message):
                original = message_id_of(inner)
        elif ctype in {"text/rfc822-headers", "message/global-headers"} and not original:
            headers = message_from_bytes(
                _content(part).encode("utf-8", "replace"), policy=policy.default
            )
            original = message_id_of(headers)
    if not original:
        text, _, _ = _bodies_and_files(message)
        found = re.search(r"Message-ID:\s*(<[^<>\s]+>)", text, re.IGNORECASE)
        original = found.group(1) if found else ""
    if not action:
        action = "failed" if from_daemon else ""
    return DeliveryReport(original_message_id=original, action=action, status=status)


def is_machine_sender(address: str) -> bool:
    return not address or bool(_MACHINE_LOCAL_PARTS.match(address.partition("@")[0]))


def _auto_submitted(message: EmailMessage, sender: str) -> bool:
    """RFC 3834 §2: no automatic answer to an automatic or bulk mail, nor to a machine."""
    auto = _header(message, "Auto-Submitted").split(";")[0].strip().lower()
    if auto and auto != "no":
        return True
    if _header(message, "Precedence").lower() in {"bulk", "junk", "list"}:
        return True
    if _header(message, "List-Id") or _header(message, "List-Unsubscribe"):
        return True
    if _header(message, "X-Autoreply") or _header(message, "X-Autorespond"):
        return True
    return is_machine_sender(sender)


def parse(raw: bytes) -> ParsedMail:
    """Read a raw mail into the hub's contract (channel ``courriel``, register "email")."""
    message = cast(EmailMessage, message_from_bytes(raw, policy=policy.default))
    sender = parseaddr(_header(message, "Reply-To") or _header(message, "From"))[1].lower()
    from_address = parseaddr(_header(message, "From"))[1].lower()
    message_id = message_id_of(message)
    text, markup, files = _bodies_and_files(message)
    in_reply_to = message_ids(_header(message, "In-Reply-To"))
    auto = _auto_submitted(message, from_address)
    inbound = InboundMessage(
        channel="courriel",
        text=text,
        html=markup,
        sender=sender,
        sender_kind="email" if sender else "",
        subject=" ".join(strip_controls(_header(message, "Subject")).split())[:300],
        external_id=message_id or derived_message_id(raw),
        in_reply_to=in_reply_to[0] if in_reply_to else "",
        references=message_ids(_header(message, "References")),
        attachments=files,
        # The time parvis received it is the legal date of receipt, not the Date header
        # (set by the sender's client); the connector fills it in.
        received_at=None,
        is_automatic=auto,
        register="email",
    )
    recipients = [
        address.lower()
        for _, address in getaddresses([_header(message, "To"), _header(message, "Cc")])
        if address
    ]
    return ParsedMail(
        inbound=inbound,
        raw_sha256=raw_digest(raw),
        sender=from_address,
        has_message_id=bool(message_id),
        auto_submitted=auto,
        report=_delivery_report(message, from_address),
        recipients=recipients,
    )
