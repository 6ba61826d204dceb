"""Writes of the platform plumbing."""

from __future__ import annotations

import os
import socket

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from parvis.core.models import ReferenceCounter, WorkerHeartbeat


def worker_heartbeat_record(*, hostname: str | None = None) -> WorkerHeartbeat:
    name = hostname or f"{socket.gethostname()}:{os.getpid()}"
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(
        hostname=name, defaults={"last_seen": timezone.now(), "details": {"pid": os.getpid()}}
    )
    return heartbeat


@transaction.atomic
def next_reference(prefix: str, year: int) -> str:
    """The next short reference ``<prefix>-<year>-<n>`` (``n`` on at least 5 digits),
    numbered per prefix and year.

    The UPDATE locks the counter's row until the transaction ends: call this inside the
    transaction that saves the reference, so that a concurrent caller waits for it and a
    rollback gives the number back. A year's first number inserts the row; when another
    transaction inserted it first (PostgreSQL makes the second insert wait for the first
    to commit, then refuses it), the UPDATE is made again on its row.
    """
    counter = ReferenceCounter.objects.filter(prefix=prefix, year=year)
    if not counter.update(last=F("last") + 1):
        try:
            with transaction.atomic():
                ReferenceCounter.objects.create(prefix=prefix, year=year, last=1)
        except IntegrityError:
            counter.update(last=F("last") + 1)
    number = counter.values_list("last", flat=True).get()
    return f"{prefix}-{year}-{number:05d}"
