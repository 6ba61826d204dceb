"""Celery tasks of messaging: load the log row by id, attempt it, retry with a delay."""

from __future__ import annotations

from celery import Task, shared_task

from parvis.messaging import services
from parvis.messaging.models import DeliveryStatus


@shared_task(bind=True, name="parvis.messaging.tasks.deliver", max_retries=None)
def deliver(self: Task, delivery_id: int) -> str:
    """Send a queued message; its payload is the row id only. The row counts attempts
    and goes to dead letter after ``MESSAGING_MAX_ATTEMPTS``, so retries are bounded
    there rather than by Celery."""
    delivery = services.delivery_attempt(delivery_id=delivery_id)
    if delivery is None:
        return "skipped"
    if delivery.status == DeliveryStatus.FAILED:
        raise self.retry(countdown=services.retry_delay(delivery.attempts))
    return str(delivery.status)


@shared_task(name="parvis.messaging.tasks.requeue_stale")
def requeue_stale() -> int:
    """Every few minutes: no queued message stays waiting for a task the broker lost."""
    return services.deliveries_requeue_stale()
