"""Celery tasks of the platform plumbing: thin wrappers around services."""

from __future__ import annotations

from celery import shared_task

from parvis.core import services


@shared_task(name="parvis.core.tasks.record_worker_heartbeat")
def record_worker_heartbeat() -> str:
    return services.worker_heartbeat_record().hostname


@shared_task(name="parvis.core.tasks.publish_event")
def publish_event(group: str, payload: dict) -> None:
    from parvis.core.realtime import publish

    publish(group, payload)
