"""IMAP polling of email endpoints (stdlib ``imaplib``).

Each ``Mailbox`` keeps a checkpoint: the folder's UIDVALIDITY and the last UID stored.
A poll selects the folder read-only, asks for the UIDs above the checkpoint, fetches
each message with ``BODY.PEEK[]`` (never marking it seen: the mailbox stays as the
organisation's own client left it) and stores it through ``inbound_accept`` with external
id ``<mailbox pk>:<UIDVALIDITY>:<UID>``. The checkpoint advances only after a row is
stored, so an interrupted fetch resumes where it stopped and stores nothing twice.

When the server reports a new UIDVALIDITY (the folder was rebuilt, every UID renumbered),
the whole folder is fetched again and each message matched to what this mailbox already
stored by Message-ID and by a hash of its raw bytes; only unmatched ones are stored. The
checkpoint moves to the new UIDVALIDITY once the folder has been gone through; if that
pass is interrupted, the next poll matches again (the rows stored meanwhile now match).

FETCH answers may interleave unsolicited data (a FLAGS update before the body): the
body is found by its ``BODY[]`` tag, never by position.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from parvis.contacts import mime
from parvis.contacts.models import InboundRow, Mailbox, Message
from parvis.contacts.services import inbound_accept
from parvis.contacts.services.ingestion import payload_of
from parvis.core.crypto import decrypt_text

logger = structlog.get_logger(__name__)

CHANNEL = "courriel"
_UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")
_UID = re.compile(rb"UID (\d+)")


class ImapError(Exception):
    """The server refused a command or answered what could not be read."""


@dataclass
class PollResult:
    stored: int = 0
    matched: int = 0  # already stored under an earlier UIDVALIDITY
    uidvalidity_changed: bool = False


def external_id(mailbox: Mailbox, uidvalidity: int, uid: int) -> str:
    return f"{mailbox.pk}:{uidvalidity}:{uid}"


def _ok(answer: tuple[str, Sequence[Any]], command: str) -> Sequence[Any]:
    status, data = answer
    if status != "OK":
        raise ImapError(f"{command} refused: {status}")
    return data


def connect(mailbox: Mailbox) -> imaplib.IMAP4:
    timeout = settings.CONTACTS_IMAP_TIMEOUT_SECONDS
    client: imaplib.IMAP4
    if mailbox.use_ssl:
        client = imaplib.IMAP4_SSL(mailbox.host, mailbox.port, timeout=timeout)
    else:
        client = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=timeout)
    password = decrypt_text(mailbox.password_encrypted) if mailbox.password_encrypted else ""
    _ok(client.login(mailbox.username, password), "LOGIN")
    return client


def _select(client: imaplib.IMAP4, folder: str) -> int:
    """Select ``folder`` read-only (EXAMINE); its UIDVALIDITY."""
    _ok(client.select(_quote(folder), readonly=True), "EXAMINE")
    _, values = client.response("UIDVALIDITY")
    for value in values or ():
        if isinstance(value, bytes) and value.strip().isdigit():
            return int(value)
    # Some servers only put it in the untagged OK; ask STATUS as a last resort.
    data = _ok(client.status(_quote(folder), "(UIDVALIDITY)"), "STATUS")
    for item in data:
        if isinstance(item, bytes) and (match := _UIDVALIDITY.search(item)):
            return int(match.group(1))
    raise ImapError("no UIDVALIDITY")


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _uids_above(client: imaplib.IMAP4, last_uid: int) -> list[int]:
    # "n:*" always includes the highest UID, even when it is below n: filter.
    data = _ok(client.uid("SEARCH", "UID", f"{last_uid + 1}:*"), "UID SEARCH")
    uids = {int(token) for item in data if isinstance(item, bytes) for token in item.split()}
    return sorted(uid for uid in uids if uid > last_uid)


def fetch_raw(client: imaplib.IMAP4, uid: int) -> bytes | None:
    """The raw bytes of message ``uid`` (``BODY.PEEK[]``), ``None`` if it is gone.

    The answer is a list mixing ``(prefix, literal)`` tuples and plain bytes; unsolicited
    FETCH responses (FLAGS of another message) may come first. The body is the literal
    whose prefix names ``BODY[]`` and, when it names a UID, this one."""
    data = _ok(client.uid("FETCH", str(uid), "(UID BODY.PEEK[])"), "UID FETCH")
    for item in data:
        if not isinstance(item, tuple) or len(item) < 2:
            continue
        prefix, literal = item[0], item[1]
        if not isinstance(prefix, bytes) or not isinstance(literal, bytes):
            continue
        if b"BODY[]" not in prefix.upper():
            continue
        match = _UID.search(prefix)
        if match and int(match.group(1)) != uid:
            continue
        return literal
    return None


def _known(mailbox: Mailbox) -> tuple[set[str], set[str]]:
    """Message-IDs and raw hashes of what this mailbox already stored: its rows still
    held raw, and the messages made from its rows."""
    message_ids: set[str] = set()
    hashes: set[str] = set()
    rows = InboundRow.objects.filter(
        endpoint_id=mailbox.endpoint_id,
        channel=CHANNEL,
        external_id__startswith=f"{mailbox.pk}:",
    ).exclude(payload_encrypted="")
    for row in rows.iterator():
        raw = payload_of(row)
        hashes.add(mime.raw_digest(raw))
        parsed = mime.parse(raw)
        if parsed.has_message_id:
            message_ids.add(parsed.inbound.external_id)
    message_ids.update(
        Message.objects.filter(
            Q(inbound_row__endpoint_id=mailbox.endpoint_id),
            channel_id=CHANNEL,
        )
        .exclude(external_id="")
        .values_list("external_id", flat=True)
    )
    return message_ids, hashes


def _store(mailbox: Mailbox, uidvalidity: int, uid: int, raw: bytes) -> bool:
    _, created = inbound_accept(
        endpoint=mailbox.endpoint,
        channel=CHANNEL,
        external_id=external_id(mailbox, uidvalidity, uid),
        payload=raw,
        content_type="message/rfc822",
    )
    return created


def _checkpoint(mailbox: Mailbox, *, uidvalidity: int, last_uid: int) -> None:
    """Move the checkpoint forward, never back: two polls of one mailbox overlapping (a
    slow server, a second worker) only fetch again what the row key makes idempotent."""
    now = timezone.now()
    if mailbox.uidvalidity == uidvalidity:
        Mailbox.objects.filter(
            pk=mailbox.pk, uidvalidity=uidvalidity, last_uid__lt=last_uid
        ).update(last_uid=last_uid)
        Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=now)
    else:
        Mailbox.objects.filter(pk=mailbox.pk).update(
            uidvalidity=uidvalidity, last_uid=last_uid, last_polled_at=now
        )
    mailbox.refresh_from_db(fields=["uidvalidity", "last_uid", "last_polled_at"])


def _messages(client: imaplib.IMAP4, uids: list[int]) -> Iterator[tuple[int, bytes]]:
    for uid in uids:
        raw = fetch_raw(client, uid)
        if raw is not None:
            yield uid, raw


def mailbox_poll(*, mailbox: Mailbox, client: imaplib.IMAP4 | None = None) -> PollResult:
    """Store what arrived in ``mailbox`` since its checkpoint; what was done."""
    own_client = client is None
    client = client or connect(mailbox)
    result = PollResult()
    try:
        uidvalidity = _select(client, mailbox.folder)
        if mailbox.uidvalidity is not None and mailbox.uidvalidity != uidvalidity:
            result.uidvalidity_changed = True
            _resync(client, mailbox, uidvalidity, result)
        else:
            last_uid = mailbox.last_uid if mailbox.uidvalidity is not None else 0
            for uid, raw in _messages(client, _uids_above(client, last_uid)):
                result.stored += _store(mailbox, uidvalidity, uid, raw)
                _checkpoint(mailbox, uidvalidity=uidvalidity, last_uid=uid)
            _checkpoint(mailbox, uidvalidity=uidvalidity, last_uid=mailbox.last_uid)
    finally:
        if own_client:
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                client.logout()
    logger.info(
        "mailbox_polled",
        mailbox=mailbox.pk,
        stored=result.stored,
        matched=result.matched,
        uidvalidity_changed=result.uidvalidity_changed,
    )
    return result


def _resync(client: imaplib.IMAP4, mailbox: Mailbox, uidvalidity: int, result: PollResult) -> None:
    """After a UIDVALIDITY change: store only the messages this mailbox never stored."""
    logger.warning(
        "mailbox_uidvalidity_changed",
        mailbox=mailbox.pk,
        previous=mailbox.uidvalidity,
        current=uidvalidity,
    )
    message_ids, hashes = _known(mailbox)
    last_uid = 0
    for uid, raw in _messages(client, _uids_above(client, 0)):
        digest = mime.raw_digest(raw)
        parsed_id = mime.parse(raw)
        known = digest in hashes or (
            parsed_id.has_message_id and parsed_id.inbound.external_id in message_ids
        )
        if known:
            result.matched += 1
        else:
            result.stored += _store(mailbox, uidvalidity, uid, raw)
            hashes.add(digest)
        last_uid = uid
    _checkpoint(mailbox, uidvalidity=uidvalidity, last_uid=last_uid)


def mailboxes_poll() -> dict[int, PollResult | None]:
    """Poll every active mailbox of an active email endpoint; a failing one is logged
    and left for the next round (``None``)."""
    results: dict[int, PollResult | None] = {}
    mailboxes = Mailbox.objects.filter(
        endpoint__is_active=True, endpoint__connector=CHANNEL
    ).select_related("endpoint")
    for mailbox in mailboxes:
        try:
            results[mailbox.pk] = mailbox_poll(mailbox=mailbox)
        except (OSError, imaplib.IMAP4.error, ImapError) as error:
            logger.warning("mailbox_poll_failed", mailbox=mailbox.pk, error=type(error).__name__)
            results[mailbox.pk] = None
    return results
