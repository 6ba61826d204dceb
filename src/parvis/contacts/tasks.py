"""Celery tasks of the contact hub: load by id, call one service."""

from __future__ import annotations

from celery import shared_task

from parvis.contacts import services


@shared_task(name="contacts.process_inbound")
def process_inbound(row_id: int) -> None:
    services.inbound_process(row_id=row_id)


# --- Hub core: masking and the close sweep ---------------------------------------------------


@shared_task(name="contacts.mask_message")
def mask_message(message_id: int) -> None:
    services.message_mask(message_id=message_id)


@shared_task(name="contacts.close_resolved")
def close_resolved() -> int:
    return services.conversations_close_resolved()
