"""Django admin of the platform plumbing: worker heartbeats, read-only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.core.models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("hostname", "last_seen", "is_alive")
    readonly_fields = ("hostname", "last_seen", "details")

    @admin.display(boolean=True, description=_("actif"))
    def is_alive(self, obj: WorkerHeartbeat) -> bool:
        stale_after = dt.timedelta(seconds=settings.WORKER_HEARTBEAT_STALE_SECONDS)
        return timezone.now() - obj.last_seen < stale_after

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
