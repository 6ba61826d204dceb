"""Writes of the platform plumbing."""

from __future__ import annotations

import os
import socket
import sqlite3

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from parvis.core.models import ReferenceCounter, WorkerHeartbeat


def worker_heartbeat_record(*, hostname: str | None = None) -> WorkerHeartbeat:
    name = hostname or f"{socket.gethostname()}:{os.getpid()}"
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(
        hostname=name, defaults={"last_seen": timezone.now(), "details": {"pid": os.getpid()}}
    )
    return heartbeat


def _increment(prefix: str, year: int) -> int | None:
    """One round trip where the database returns the updated row (PostgreSQL, SQLite
    3.35+); ``None`` when the prefix has no row for that year yet."""
    if connection.vendor == "postgresql" or (
        connection.vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 35)
    ):
        table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f'UPDATE {table} SET "last" = "last" + 1 '  # noqa: S608 (names only)
                'WHERE "prefix" = %s AND "year" = %s RETURNING "last"',
                [prefix, year],
            )
            found = cursor.fetchone()
        return int(found[0]) if found else None
    counter = ReferenceCounter.objects.filter(prefix=prefix, year=year)
    if not counter.update(last=F("last") + 1):
        return None
    return int(counter.values_list("last", flat=True).get())


# No savepoint of its own: nothing here is worth rolling back apart from the caller.
@transaction.atomic(savepoint=False)
def next_reference(prefix: str, year: int) -> str:
    """The next short reference ``<prefix>-<year>-<n>`` (``n`` on at least 5 digits),
    numbered per prefix and year.

    The UPDATE locks the counter's row until the transaction ends: call this inside the
    transaction that saves the reference, so that a concurrent caller waits for it and a
    rollback gives the number back. A year's first number inserts the row; when another
    transaction inserted it first (PostgreSQL makes the second insert wait for the first
    to commit, then refuses it), the UPDATE is made again on its row.
    """
    number = _increment(prefix, year)
    if number is None:
        try:
            with transaction.atomic():
                ReferenceCounter.objects.create(prefix=prefix, year=year, last=1)
            number = 1
        except IntegrityError:
            number = _increment(prefix, year)
            assert number is not None
    return f"{prefix}-{year}-{number:05d}"
