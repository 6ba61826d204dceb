"""Celery tasks of the simplification app: thin wrappers around services."""

from __future__ import annotations

from celery import shared_task

from parvis.simplification import notifications, services
from parvis.simplification.models import SimplificationRequest, StatusChange


@shared_task(
    name="parvis.simplification.tasks.mask_request_texts",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def mask_request_texts(request_id: int) -> None:
    request = SimplificationRequest.objects.filter(pk=request_id).first()
    if request is not None:
        services.simplification_request_mask(request=request)


@shared_task(
    name="parvis.simplification.tasks.notify_proposer",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def notify_proposer(change_id: int) -> None:
    change = (
        StatusChange.objects.select_related("request__organisation").filter(pk=change_id).first()
    )
    if change is not None:
        notifications.notify_proposer(change=change)
        services.simplification_request_purge_contact(request=change.request)


@shared_task(name="parvis.simplification.tasks.purge_originals")
def purge_originals() -> dict[str, int]:
    return services.simplification_requests_purge_due()
