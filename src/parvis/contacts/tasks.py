"""Celery tasks of the contact hub: load by id, call one service."""

from __future__ import annotations

from celery import shared_task

from parvis.contacts import services


@shared_task(name="contacts.process_inbound")
def process_inbound(row_id: int) -> None:
    services.inbound_process(row_id=row_id)
