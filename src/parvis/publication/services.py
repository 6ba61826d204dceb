"""Writes of publication: keep the read model in step with voice, write the open-data
exports. (The figures of the experiences are quality indicators: ``parvis.quality``.)

The read model only ever receives masked, published data: ``_public_values`` is the one
place that copies fields out of ``voice``; it never touches an ``*_encrypted`` field, an
author or an email.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import structlog
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from parvis.publication import opendata, search
from parvis.publication.models import (
    OpenDataChange,
    OpenDataFile,
    PublicExperience,
    PublicExperienceTheme,
)
from parvis.voice.models import (
    PUBLIC_STATUSES,
    AnswerStatus,
    Experience,
    ExperienceStatus,
    PublicAnswer,
)
from parvis.voice.selectors import answer_delay_working_days

logger = structlog.get_logger(__name__)


def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment, _zone()).date()


# --- Read model sync ---------------------------------------------------------------------------


def _public_values(experience: Experience, answer: PublicAnswer | None) -> dict[str, Any]:
    """Everything the public may see of ``experience``: masked and published data only."""
    assert experience.published_at is not None
    published_on = local_date(experience.published_at)
    values: dict[str, Any] = {
        "uuid": experience.uuid,
        "organisation_id": experience.organisation_id,
        "local_service_id": experience.local_service_id,
        "site_id": experience.site_id,
        "departement_id": experience.departement_id,
        "commune_id": experience.commune_id,
        "motif_id": experience.motif_id,
        "journey_stage_id": experience.journey_stage_id,
        "channel_id": experience.channel_id,
        "tone": experience.tone,
        "happened_on": experience.happened_on,
        "published_at": experience.published_at,
        "published_month": published_on.replace(day=1),
        "title": experience.masked_title,
        "text": experience.masked_text,
        "is_archived": experience.status == ExperienceStatus.ARCHIVED,
        "is_answered": False,
        "answer_text": "",
        "answer_signer": "",
        "answer_published_at": None,
        "answer_due_at": experience.answer_due_at,
        "answer_delay_days": None,
        "helpful_yes": 0,
        "helpful_no": 0,
    }
    if answer is not None and answer.published_at is not None:
        signer = answer.signed_by_service or answer.signed_by_organisation
        values.update(
            is_answered=True,
            answer_text=answer.masked_text,
            answer_signer=signer.name if signer else "",
            answer_published_at=answer.published_at,
            answer_delay_days=answer_delay_working_days(experience, answer.published_at),
            helpful_yes=answer.helpful_yes,
            helpful_no=answer.helpful_no,
        )
    return values


EXPERIENCES_DATASET = "experiences"
# Counters move with every vote, and the due date (not exported) with the answer policy:
# the nightly export is soon enough for them.
_NOT_A_CORRECTION = frozenset({"helpful_yes", "helpful_no", "answer_due_at"})
_ANSWER_FIELDS = frozenset(
    {"is_answered", "answer_text", "answer_signer", "answer_published_at", "answer_delay_days"}
)


def _corrected(before: PublicExperience, values: dict[str, Any]) -> bool:
    """Whether the public row changed in a way the open data must not keep until the
    nightly export: a masking change, an archive, an answer removed or corrected. A first
    answer is a new publication, and new publications may wait for the nightly export."""
    changed = {key for key, value in values.items() if getattr(before, key) != value}
    changed -= _NOT_A_CORRECTION
    if not before.is_answered and values["is_answered"]:
        changed -= _ANSWER_FIELDS
    return bool(changed)


def _public_answer(experience: Experience) -> PublicAnswer | None:
    return (
        PublicAnswer.objects.select_related("signed_by_service", "signed_by_organisation")
        .filter(experience=experience, status=AnswerStatus.PUBLISHED)
        .first()
    )


_sync_suspended: ContextVar[bool] = ContextVar("publication_sync_suspended", default=False)


@contextmanager
def sync_suspended() -> Iterator[None]:
    """Skip the per-change sync of the read model inside the block (the transaction's
    on-commit announcements included), for a bulk load that ends with
    ``publication_rebuild``: the demo's seeding makes hundreds of changes, each of which
    would otherwise rebuild its row once more before the rebuild does it again."""
    token = _sync_suspended.set(True)
    try:
        yield
    finally:
        _sync_suspended.reset(token)


def sync_is_suspended() -> bool:
    return _sync_suspended.get()


@transaction.atomic
def publication_sync(*, experience_id: int) -> PublicExperience | None:
    """(Re)build the public row of one experience, or remove it when it is not public.

    Idempotent: called after every change of the experience (``voice.events``) and by
    the rebuild. Returns the row, or ``None`` when the experience is not public.
    """
    experience = (
        Experience.objects.select_related("site__commune", "local_service")
        .filter(pk=experience_id)
        .first()
    )
    if (
        experience is None
        or experience.status not in PUBLIC_STATUSES
        or experience.published_at is None
    ):
        removed = publication_remove(experience_id=experience_id)
        if removed:
            logger.info("publication_removed", experience_id=experience_id)
            # Withdrawn, refused after all, erased: the open data must forget it now.
            opendata_mark_changed(dataset=EXPERIENCES_DATASET)
        return None
    values = _public_values(experience, _public_answer(experience))
    before = PublicExperience.objects.filter(experience_id=experience.pk).first()
    # Field values come from rows voice validated; no full_clean (it would query every FK).
    row, created = PublicExperience.objects.update_or_create(
        experience_id=experience.pk, defaults=values
    )
    theme_ids = set(experience.themes.values_list("pk", flat=True))
    current = set(
        PublicExperienceTheme.objects.filter(experience=row).values_list("theme_id", flat=True)
    )
    if before is not None and (_corrected(before, values) or theme_ids != current):
        opendata_mark_changed(dataset=EXPERIENCES_DATASET)
    if theme_ids != current:
        PublicExperienceTheme.objects.filter(experience=row).exclude(
            theme_id__in=theme_ids
        ).delete()
        PublicExperienceTheme.objects.bulk_create(
            [PublicExperienceTheme(experience=row, theme_id=t) for t in theme_ids - current]
        )
    search.index([(row.pk, row.title, row.text)])
    logger.info("publication_synced", experience_id=experience_id, created=created)
    return row


@transaction.atomic
def publication_remove(*, experience_id: int) -> bool:
    ids = list(
        PublicExperience.objects.filter(experience_id=experience_id).values_list("pk", flat=True)
    )
    if not ids:
        return False
    search.unindex(ids)
    PublicExperience.objects.filter(pk__in=ids).delete()
    return True


def publication_rebuild(*, batch_size: int = 500) -> dict[str, int]:
    """Rebuild the whole read model from voice: sync every public experience, remove
    rows of experiences that are no longer public, rebuild the search index."""
    public_ids = set(
        Experience.objects.filter(
            status__in=PUBLIC_STATUSES, published_at__isnull=False
        ).values_list("pk", flat=True)
    )
    stale = set(PublicExperience.objects.values_list("experience_id", flat=True)) - public_ids
    for experience_id in stale:
        publication_remove(experience_id=experience_id)
    if stale:
        opendata_mark_changed(dataset=EXPERIENCES_DATASET)
    synced = 0
    ordered = sorted(public_ids)
    for start in range(0, len(ordered), batch_size):
        with transaction.atomic():
            for experience_id in ordered[start : start + batch_size]:
                if publication_sync(experience_id=experience_id) is not None:
                    synced += 1
    with transaction.atomic():
        search.reindex_all()
    logger.info("publication_rebuilt", synced=synced, removed=len(stale))
    return {"synced": synced, "removed": len(stale)}


# --- Open data ---------------------------------------------------------------------------------


def opendata_export(*, only: Iterable[str] | None = None) -> dict[str, Any]:
    """Write the open-data datasets (all, or those in ``only``): CSV, JSON, Table Schema,
    and ``datapackage.json``
    under ``opendata.opendata_root()``, and record the files for the data page and API.

    A dataset whose source is not available yet (simplification requests before their
    selector exists) is skipped and reported in ``skipped``; its older files stay listed.
    """
    root = opendata.opendata_root()
    written: list[opendata.WrittenFile] = []
    skipped: list[str] = []
    selected = set(only) if only is not None else set(opendata.DATASETS)
    for name, dataset in opendata.DATASETS.items():
        if name not in selected:
            continue
        files = opendata.write_dataset(dataset, root)
        if files is None:
            skipped.append(name)
            logger.warning("publication_opendata_source_unavailable", dataset=name)
            continue
        written.extend(files)
    now = timezone.now()
    if written:
        listed = [
            _written_from_row(row)
            for row in OpenDataFile.objects.exclude(
                dataset__in={f.dataset for f in written}
            ).exclude(format="datapackage")
        ]
        written.append(opendata.write_datapackage(root, [*listed, *written]))
    with transaction.atomic():
        for name in selected - set(skipped):
            OpenDataChange.objects.update_or_create(dataset=name, defaults={"exported_at": now})
        for written_file in written:
            OpenDataFile.objects.update_or_create(
                name=written_file.name,
                defaults={
                    "dataset": written_file.dataset,
                    "format": written_file.format,
                    "title": written_file.title,
                    "description": written_file.description,
                    "rows": written_file.rows,
                    "size": written_file.size,
                    "sha256": written_file.sha256,
                    "generated_at": now,
                },
            )
    logger.info("publication_opendata_exported", files=len(written), skipped=skipped)
    return {"files": [f.name for f in written], "skipped": skipped}


def _written_from_row(row: OpenDataFile) -> opendata.WrittenFile:
    return opendata.WrittenFile(
        name=row.name,
        dataset=row.dataset,
        format=row.format,
        title=row.title,
        description=row.description,
        rows=row.rows,
        size=row.size,
        sha256=row.sha256,
    )


def opendata_mark_changed(*, dataset: str) -> None:
    """Record that a dataset's source changed (called after commit by event callbacks)."""
    OpenDataChange.objects.update_or_create(
        dataset=dataset, defaults={"changed_at": timezone.now()}
    )


def opendata_mark_directory_changed() -> None:
    """The directory changed (an organisation, a local service, a site or its hours):
    every directory dataset is re-exported by the next 15-minute export."""
    for dataset in opendata.DIRECTORY_DATASETS:
        opendata_mark_changed(dataset=dataset)


def opendata_export_changed() -> dict[str, Any]:
    """Re-export the datasets whose source changed since their last export."""
    changed = [
        change.dataset
        for change in OpenDataChange.objects.filter(changed_at__isnull=False)
        if change.exported_at is None
        or (change.changed_at is not None and change.changed_at > change.exported_at)
    ]
    if not changed:
        return {"files": [], "skipped": []}
    return opendata_export(only=changed)
