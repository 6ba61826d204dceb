"""Platform staff read the reports and the subscriptions' statuses (never an address)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from parvis.reports.models import Report, ReportSubscription


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(ReadOnly):
    list_display = ("title", "kind", "period_start", "generated_at", "generations", "pdf_size")
    list_filter = ("kind",)
    search_fields = ("title",)
    fields = (
        "title",
        "organisation",
        "kind",
        "period_start",
        "created_at",
        "generated_at",
        "generations",
        "pdf_size",
        "sha256",
        "catalogue_versions",
    )


@admin.register(ReportSubscription)
class ReportSubscriptionAdmin(ReadOnly):
    list_display = ("uuid", "organisation", "status", "created_at", "confirmed_at")
    list_filter = ("status",)
    fields = (
        "uuid",
        "organisation",
        "status",
        "created_at",
        "requested_at",
        "confirmed_at",
        "unsubscribed_at",
    )
