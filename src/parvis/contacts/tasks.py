"""Celery tasks of the contact hub: load by id, call one service.

``process_inbound`` is idempotent (a row processed meanwhile is left alone), so it
acknowledges late (``settings.IDEMPOTENT_TASKS``); the requeue sweep is what recovers a
lost one, whatever the broker did.
"""

from __future__ import annotations

from celery import shared_task

from parvis.contacts import services


@shared_task(name="contacts.process_inbound", acks_late=True)
def process_inbound(row_id: int) -> None:
    services.inbound_process(row_id=row_id)


@shared_task(name="contacts.process_inbound_batch", acks_late=True)
def process_inbound_batch(row_ids: list[int]) -> None:
    """The rows one delivery or one flush of the door stored together: one task, one
    count of attempts, each row still processed in its own transaction."""
    services.inbound_process_many(row_ids=row_ids)


@shared_task(name="contacts.requeue_inbound")
def requeue_inbound() -> int:
    """Beat, every 30 s: rows still pending after ``CONTACTS_INBOUND_REQUEUE_SECONDS``
    go back to the worker (spent ones to quarantine)."""
    return services.inbound_requeue_stale()


# --- Email (IMAP polling) ---------------------------------------------------------------------


@shared_task(name="contacts.poll_mailboxes")
def poll_mailboxes() -> int:
    """Beat, every ``CONTACTS_IMAP_POLL_SECONDS``: poll each active mailbox; how many
    messages were stored."""
    from parvis.contacts.imap import mailboxes_poll

    return sum(result.stored for result in mailboxes_poll().values() if result is not None)


# --- Hub core: masking and the close sweep ---------------------------------------------------


@shared_task(name="contacts.mask_message")
def mask_message(message_id: int) -> None:
    services.message_mask(message_id=message_id)


@shared_task(name="contacts.close_resolved")
def close_resolved() -> int:
    return services.conversations_close_resolved()
