"""Celery tasks of publication: thin wrappers around ``services``.

Periodic entries the platform's beat schedule needs (``settings.CELERY_BEAT_SCHEDULE``):
``export_open_data`` daily, ``export_changed_open_data`` every 15 minutes (datasets whose
published content was withdrawn or corrected, simplification requests and the directory
after any change, and the figures and quality results after each computation of the
quality results, re-exported soon after; new experiences wait for the nightly export).
The figures themselves are quality indicators, refreshed by ``quality.refresh_voice``.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import OperationalError

from parvis.publication import services


@shared_task(
    name="parvis.publication.tasks.sync_experience",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def sync_experience(experience_id: int) -> bool:
    """(Re)build or remove one experience's public row; True when it is public."""
    return services.publication_sync(experience_id=experience_id) is not None


@shared_task(name="parvis.publication.tasks.note_simplification_change")
def note_simplification_change(request_id: int) -> None:
    services.opendata_mark_changed(dataset="demandes-simplification")


@shared_task(name="parvis.publication.tasks.note_directory_change")
def note_directory_change(object_id: int) -> None:
    services.opendata_mark_directory_changed()


@shared_task(name="parvis.publication.tasks.export_open_data")
def export_open_data() -> dict[str, Any]:
    return services.opendata_export()


@shared_task(name="parvis.publication.tasks.export_changed_open_data")
def export_changed_open_data() -> dict[str, Any]:
    return services.opendata_export_changed()


@shared_task(name="parvis.publication.tasks.rebuild")
def rebuild() -> dict[str, int]:
    return services.publication_rebuild()
