"""IMAP polling against a real local IMAP server (Debian dovecot-imapd)."""

from __future__ import annotations

import imaplib

import pytest
from django.core.management import call_command

from parvis.contacts import imap
from parvis.contacts.models import Conversation, InboundRow, Mailbox, Message
from parvis.contacts.tasks import poll_mailboxes
from parvis.contacts.tests.email_fixtures import mail
from parvis.contacts.tests.factories import InboundEndpointFactory, channel
from parvis.core.crypto import encrypt_text
from parvis.testing.imap import PASSWORD, USER

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox(dovecot):  # type: ignore[no-untyped-def]
    channel("courriel")
    endpoint = InboundEndpointFactory(address="contact@caf.example")
    return Mailbox.objects.create(
        endpoint=endpoint,
        host="127.0.0.1",
        port=dovecot.port,
        use_ssl=False,
        username=USER,
        password_encrypted=encrypt_text(PASSWORD),
    )


def rows(mailbox: Mailbox) -> list[str]:
    return sorted(
        InboundRow.objects.filter(endpoint=mailbox.endpoint).values_list("external_id", flat=True)
    )


def test_a_poll_stores_each_new_message_once_without_marking_it_seen(
    dovecot, mailbox, django_capture_on_commit_callbacks
):
    dovecot.append(mail(message_id="<a@example.org>"))
    dovecot.append(mail(message_id="<b@example.org>", in_reply_to="<a@example.org>"))
    with django_capture_on_commit_callbacks(execute=True):
        result = imap.mailbox_poll(mailbox=mailbox)
    mailbox.refresh_from_db()
    assert result.stored == 2 and not result.uidvalidity_changed
    assert mailbox.last_uid == 2 and mailbox.uidvalidity
    assert rows(mailbox) == [f"{mailbox.pk}:{mailbox.uidvalidity}:{uid}" for uid in (1, 2)]
    assert b"\\Seen" not in dovecot.flags(1)  # BODY.PEEK[]
    # Processed into one threaded conversation.
    assert Conversation.objects.count() == 1
    assert Message.objects.filter(direction="inbound").count() == 2
    # Nothing new: nothing stored.
    assert imap.mailbox_poll(mailbox=mailbox).stored == 0
    dovecot.append(mail(message_id="<c@example.org>"))
    assert imap.mailbox_poll(mailbox=mailbox).stored == 1
    assert len(rows(mailbox)) == 3


def test_an_interrupted_fetch_resumes_where_it_stopped(dovecot, mailbox, monkeypatch):
    for n in range(4):
        dovecot.append(mail(message_id=f"<m{n}@example.org>"))
    real_fetch = imap.fetch_raw
    calls = {"n": 0}

    def failing_fetch(client, uid):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise imaplib.IMAP4.abort("socket error: EOF")
        return real_fetch(client, uid)

    monkeypatch.setattr(imap, "fetch_raw", failing_fetch)
    with pytest.raises(imaplib.IMAP4.abort):
        imap.mailbox_poll(mailbox=mailbox)
    mailbox.refresh_from_db()
    assert mailbox.last_uid == 2  # the checkpoint holds what was stored
    assert len(rows(mailbox)) == 2
    monkeypatch.setattr(imap, "fetch_raw", real_fetch)
    assert imap.mailbox_poll(mailbox=mailbox).stored == 2
    mailbox.refresh_from_db()
    assert mailbox.last_uid == 4
    assert len(rows(mailbox)) == 4


def test_the_checkpoint_does_not_advance_past_a_row_that_was_not_stored(
    dovecot, mailbox, monkeypatch
):
    dovecot.append(mail(message_id="<a@example.org>"))
    dovecot.append(mail(message_id="<b@example.org>"))
    real_store = imap._store

    def store(mailbox, uidvalidity, uid, raw):  # type: ignore[no-untyped-def]
        if uid == 2:
            raise RuntimeError("database gone")
        return real_store(mailbox, uidvalidity, uid, raw)

    monkeypatch.setattr(imap, "_store", store)
    with pytest.raises(RuntimeError):
        imap.mailbox_poll(mailbox=mailbox)
    mailbox.refresh_from_db()
    assert mailbox.last_uid == 1


def test_the_checkpoint_never_moves_back(dovecot, mailbox):
    dovecot.append(mail(message_id="<a@example.org>"))
    dovecot.append(mail(message_id="<b@example.org>"))
    imap.mailbox_poll(mailbox=mailbox)
    stale = Mailbox.objects.get(pk=mailbox.pk)
    stale.last_uid = 1  # a slower, overlapping poll that had only reached UID 1
    imap._checkpoint(stale, uidvalidity=stale.uidvalidity, last_uid=1)
    assert stale.last_uid == 2


def test_after_a_uidvalidity_change_only_unmatched_messages_are_stored(dovecot, mailbox):
    dovecot.append(mail(message_id="<a@example.org>"))
    dovecot.append(mail(message_id=None, text="Sans identifiant"))  # matched by its hash
    assert imap.mailbox_poll(mailbox=mailbox).stored == 2
    mailbox.refresh_from_db()
    before = mailbox.uidvalidity
    dovecot.set_uidvalidity(before + 1000)
    dovecot.append(mail(message_id="<new@example.org>"))
    result = imap.mailbox_poll(mailbox=mailbox)
    mailbox.refresh_from_db()
    assert result.uidvalidity_changed
    assert (result.matched, result.stored) == (2, 1)
    assert mailbox.uidvalidity == before + 1000
    assert mailbox.last_uid == 3
    assert rows(mailbox) == sorted(
        [f"{mailbox.pk}:{before}:1", f"{mailbox.pk}:{before}:2", f"{mailbox.pk}:{before + 1000}:3"]
    )
    # Then polling goes on normally under the new UIDVALIDITY.
    assert imap.mailbox_poll(mailbox=mailbox).stored == 0


def test_the_beat_polls_mailboxes_at_the_configured_period(settings):
    [entry] = [
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == poll_mailboxes.name
    ]
    assert entry["schedule"] == float(settings.CONTACTS_IMAP_POLL_SECONDS)


def test_the_beat_task_and_the_command_poll_active_mailboxes(dovecot, mailbox, capsys):
    dovecot.append(mail())
    assert poll_mailboxes() == 1
    dovecot.append(mail(message_id="<z@example.org>"))
    call_command("poll_mailboxes")
    assert "1 nouveau(x)" in capsys.readouterr().out
    mailbox.endpoint.is_active = False
    mailbox.endpoint.save()
    dovecot.append(mail(message_id="<y@example.org>"))
    assert poll_mailboxes() == 0


def test_an_unreachable_server_is_logged_and_left_for_the_next_round(mailbox, dovecot):
    dovecot.stop()
    assert imap.mailboxes_poll() == {mailbox.pk: None}


class FakeClient:
    def __init__(self, data: list[object]) -> None:
        self.data = data

    def uid(self, *args: str) -> tuple[str, list[object]]:
        return "OK", self.data


def test_unsolicited_fetch_data_is_skipped():
    client = FakeClient(
        [
            (b"3 (UID 9 FLAGS (\\Seen) BODY[] {5}", b"other"),
            b"5 (FLAGS (\\Seen))",
            (b"1 (UID 7 BODY[] {3}", b"abc"),
            b")",
        ]
    )
    assert imap.fetch_raw(client, 7) == b"abc"  # type: ignore[arg-type]
    gone = FakeClient([b"5 (FLAGS ())", b")"])
    assert imap.fetch_raw(gone, 7) is None  # type: ignore[arg-type]
