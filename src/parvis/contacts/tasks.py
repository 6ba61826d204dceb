"""Celery tasks of the contact hub: load by id, call one service."""

from __future__ import annotations

from celery import shared_task

from parvis.contacts import services


@shared_task(name="contacts.process_inbound")
def process_inbound(row_id: int) -> None:
    services.inbound_process(row_id=row_id)


# --- Email (IMAP polling) ---------------------------------------------------------------------


@shared_task(name="contacts.poll_mailboxes")
def poll_mailboxes() -> int:
    """Beat, every ``CONTACTS_IMAP_POLL_SECONDS``: poll each active mailbox; how many
    messages were stored."""
    from parvis.contacts.imap import mailboxes_poll

    return sum(result.stored for result in mailboxes_poll().values() if result is not None)
