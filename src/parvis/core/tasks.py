"""Celery tasks of the platform plumbing: thin wrappers around services."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task

from parvis.core import services


@shared_task(bind=True, name="parvis.core.tasks.record_worker_heartbeat")
def record_worker_heartbeat(self: Task) -> str:
    """Scheduled by beat: proves the broker → worker path works end to end."""
    hostname = getattr(self.request, "hostname", None)
    return services.worker_heartbeat_record(hostname=hostname).hostname


@shared_task(name="parvis.core.tasks.publish_event")
def publish_event(group: str, payload: dict[str, Any]) -> None:
    from parvis.core.realtime import publish

    publish(group, payload)
