"""Celery tasks of quality results: the facts follow the platform incrementally."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from parvis.quality import services

# Resolutions, reopenings and post-contact answers keep arriving for a contact's day
# this long after it (the answer link lasts 14 days): the nightly run covers them.
NIGHTLY_DAYS = 16


@shared_task(name="quality.refresh_recent")
def refresh_recent(days: int = 2) -> dict[str, int]:
    """Facts of the last ``days`` local days (today included) and their months' results."""
    today = timezone.localdate()
    counts = services.refresh(first_day=today - dt.timedelta(days=days - 1), last_day=today)
    # Then the organisations' targets the fresh results miss (told once per month).
    return {**counts, "alerts": services.target_alerts_send(today=today)}


@shared_task(name="quality.refresh_nightly")
def refresh_nightly() -> dict[str, int]:
    return refresh_recent(NIGHTLY_DAYS)


@shared_task(name="quality.refresh_voice")
def refresh_voice() -> dict[str, int]:
    """The voice of users' and simplification's facts and results of the last 13 months
    (hourly: the public figures of the experiences follow answers given weeks later)."""
    return services.voice_refresh()


@shared_task(name="quality.recompute_months")
def recompute_months(months: list[str], indicators: list[str]) -> dict[str, int]:
    """The results of ``months`` (ISO days) for the indicators of codes ``indicators``, after a
    declared import (``quality.declared``)."""
    from parvis.quality.models import Indicator

    return services.results_compute(
        months=[dt.date.fromisoformat(m) for m in months],
        indicators=Indicator.objects.filter(code__in=indicators),
    )
