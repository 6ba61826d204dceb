"""Writes of the platform plumbing."""

from __future__ import annotations

import os
import socket

from django.utils import timezone

from parvis.core.models import WorkerHeartbeat


def worker_heartbeat_record(*, hostname: str | None = None) -> WorkerHeartbeat:
    name = hostname or f"{socket.gethostname()}:{os.getpid()}"
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(
        hostname=name, defaults={"last_seen": timezone.now(), "details": {"pid": os.getpid()}}
    )
    return heartbeat
