"""Platform plumbing: worker heartbeat and the real-time relay used in embedded mode."""

from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """Last sign of life of each Celery worker, shown to platform admins and /healthz."""

    hostname = models.CharField(max_length=255, unique=True)
    last_seen = models.DateTimeField()
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["hostname"]

    def __str__(self) -> str:
        return self.hostname


class RealtimeEvent(models.Model):
    """An event emitted by a process that cannot reach the ASGI process's channel layer.

    In embedded mode (no Redis) the channel layer lives in the ASGI process's memory; a
    worker writes events here and a relay task in the ASGI process forwards them.
    """

    group = models.CharField(max_length=200)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.group} #{self.pk}"
