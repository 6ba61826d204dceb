"""Django admin of the platform plumbing (worker heartbeats, reference counters) and the
read-only admin base.

``ReadOnlyAdmin`` / ``ReadOnlyAdminMixin`` serve every app whose rows only services or a
loader write (tokens, audit events, experiences, the INSEE reference).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.core.models import ReferenceCounter, WorkerHeartbeat


class ReadOnlyAdminMixin:
    """Rows written only by services (or a loader): visible, never added, edited or deleted.

    A mixin so that inlines can use it too; ``ReadOnlyAdmin`` is the model admin.
    """

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ("hostname", "last_seen", "is_alive")
    readonly_fields = ("hostname", "last_seen", "details")

    @admin.display(boolean=True, description=_("actif"))
    def is_alive(self, obj: WorkerHeartbeat) -> bool:
        stale_after = dt.timedelta(seconds=settings.WORKER_HEARTBEAT_STALE_SECONDS)
        return timezone.now() - obj.last_seen < stale_after


@admin.register(ReferenceCounter)
class ReferenceCounterAdmin(ReadOnlyAdmin):
    list_display = ("prefix", "year", "last")
    list_filter = ("prefix",)
