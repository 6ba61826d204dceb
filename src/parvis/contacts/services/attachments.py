"""Attachments of inbound messages: checked, scanned, then stored, or refused.

Limits (settings): ``CONTACTS_ATTACHMENT_MAX_FILE_BYTES`` (10 Mio) a file,
``CONTACTS_ATTACHMENT_MAX_MESSAGE_BYTES`` (25 Mio) and ``CONTACTS_ATTACHMENT_MAX_FILES``
(10) a message. Types are read from the content (``filetype``), never from the name or
the declared type: PDF, JPEG, PNG, HEIC, ODT, DOCX, and text (valid UTF-8 without NUL).
Accepted files go through the virus scanner (``contacts.scanning``). A refused file
keeps an ``Attachment`` row with its sanitised name, size, the reason in French and no
content; its bytes are never written anywhere. Stored files are named by a random id
(the citizen's file name is shown, never used as a path).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from parvis.contacts import scanning
from parvis.contacts.inbound import IncomingFile
from parvis.contacts.models import Attachment, Message

Status = Attachment.ScanStatus


@dataclass(frozen=True)
class AllowedType:
    mime: str
    extension: str


# filetype's MIME of each accepted kind → how it is stored.
ALLOWED_TYPES = {
    "application/pdf": AllowedType("application/pdf", "pdf"),
    "image/jpeg": AllowedType("image/jpeg", "jpg"),
    "image/png": AllowedType("image/png", "png"),
    "image/heic": AllowedType("image/heic", "heic"),
    "application/vnd.oasis.opendocument.text": AllowedType(
        "application/vnd.oasis.opendocument.text", "odt"
    ),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": AllowedType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"
    ),
}
TEXT = AllowedType("text/plain", "txt")

FILENAME_MAX_CHARS = 150
DEFAULT_FILENAME = "piece-jointe"
# C0 and C1 controls, DEL, and the bidirectional overrides that make « fdp.exe » read
# « exe.pdf ».
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_RESERVED = re.compile(r'[<>:"|?*]')  # refused by common file systems


def sanitise_filename(name: str) -> str:
    """A file name safe to show and to offer for download: Unicode NFC (accents kept), no
    folder, no control or direction characters, no leading dot, at most
    ``FILENAME_MAX_CHARS`` characters with its extension kept."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = re.sub(r"[\t\n\r]", " ", name)
    name = _UNSAFE.sub("", name)
    name = _RESERVED.sub("_", name)
    name = " ".join(name.split())
    name = name.strip(" .")
    if not name:
        return DEFAULT_FILENAME
    if len(name) > FILENAME_MAX_CHARS:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and 0 < len(extension) <= 10:
            name = stem[: FILENAME_MAX_CHARS - len(extension) - 1].rstrip(" .") + "." + extension
        else:
            name = name[:FILENAME_MAX_CHARS].rstrip(" .")
    return name


def sniff(content: bytes) -> AllowedType | None:
    """The accepted type of ``content`` read from its bytes, or ``None``."""
    kind = filetype.guess(content)
    if kind is not None:
        return ALLOWED_TYPES.get(kind.mime)
    if b"\x00" in content:
        return None
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return TEXT


def _mebibytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def _refusal(incoming: IncomingFile, *, message: Message, reason: str, status: str) -> Attachment:
    return Attachment.objects.create(
        message=message,
        filename=sanitise_filename(incoming.filename),
        content_type=incoming.declared_type[:100],
        size=len(incoming.content),
        sha256=hashlib.sha256(incoming.content).hexdigest(),
        status=status,
        refusal_reason=reason[:200],
    )


def attachments_store(
    *,
    message: Message,
    files: Sequence[IncomingFile],
    refused: Sequence[tuple[str, str]] = (),
) -> list[Attachment]:
    """Check, scan and store the files of ``message``, in order; one row per file
    (refused ones included) and one per ``refused`` pair (name, French reason) a
    connector could not even read. Raises ``scanning.ScannerUnavailable`` when the
    scanner cannot answer: call it inside the message's transaction so the whole
    message is retried later."""
    max_file = settings.CONTACTS_ATTACHMENT_MAX_FILE_BYTES
    max_total = settings.CONTACTS_ATTACHMENT_MAX_MESSAGE_BYTES
    max_files = settings.CONTACTS_ATTACHMENT_MAX_FILES
    scanner = scanning.scanner() if files else None
    rows: list[Attachment] = []
    stored = stored_bytes = 0
    for incoming in files:
        size = len(incoming.content)
        kind = sniff(incoming.content) if size else None
        reason = ""
        if stored >= max_files:
            reason = _("Refusé : plus de %(count)s pièces jointes dans le message.") % {
                "count": max_files
            }
        elif size == 0:
            reason = _("Refusé : fichier vide.")
        elif size > max_file:
            reason = _("Refusé : le fichier dépasse %(size)s Mio.") % {"size": _mebibytes(max_file)}
        elif stored_bytes + size > max_total:
            reason = _("Refusé : les pièces jointes du message dépassent %(size)s Mio.") % {
                "size": _mebibytes(max_total)
            }
        elif kind is None:
            reason = _(
                "Refusé : type de fichier non accepté (PDF, JPEG, PNG, HEIC, ODT, DOCX ou texte)."
            )
        if reason:
            rows.append(_refusal(incoming, message=message, reason=reason, status=Status.REFUSED))
            continue
        assert kind is not None and scanner is not None
        verdict = scanner.scan(incoming.content)
        if verdict.infected:
            reason = _("Refusé : fichier infecté (%(signature)s).") % {
                "signature": verdict.signature
            }
            rows.append(_refusal(incoming, message=message, reason=reason, status=Status.INFECTED))
            continue
        attachment = Attachment(
            message=message,
            filename=sanitise_filename(incoming.filename),
            content_type=kind.mime,
            size=size,
            sha256=hashlib.sha256(incoming.content).hexdigest(),
            status=Status.CLEAN,
        )
        attachment.file.save(
            f"{uuid.uuid4().hex}.{kind.extension}", ContentFile(incoming.content), save=False
        )
        attachment.save()
        rows.append(attachment)
        stored += 1
        stored_bytes += size
    for name, reason in refused:
        rows.append(
            Attachment.objects.create(
                message=message,
                filename=sanitise_filename(name),
                status=Status.REFUSED,
                refusal_reason=reason[:200],
            )
        )
    return rows
