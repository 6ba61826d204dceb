"""Django admin of simplification requests, for platform staff (read-mostly).

Status changes go through the back office or the API (one state machine, audited), so
status and history are read-only here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from parvis.simplification.models import SimplificationRequest, StatusChange, Support


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    fields = (
        "created_at",
        "from_status",
        "to_status",
        "is_public",
        "public_actor",
        "public_comment",
        "reason",
        "actor",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("motif"))
    def reason(self, obj: StatusChange) -> str:
        return obj.reason_label


@admin.register(SimplificationRequest)
class SimplificationRequestAdmin(admin.ModelAdmin):
    list_display = (
        "reference",
        "organisation",
        "procedure_name",
        "status",
        "support_count",
        "submitted_at",
    )
    list_filter = ("status", "year", "proposer_kind", "source", "organisation")
    search_fields = ("reference", "procedure_name", "cerfa_number", "search_text")
    date_hierarchy = "submitted_at"
    list_select_related = ("organisation",)
    inlines = [StatusChangeInline]
    readonly_fields = (
        "uuid",
        "reference",
        "year",
        "status",
        "support_count",
        "masked_at",
        "masking_changed",
        "proposer_kind",
        "proposer_user",
        "source",
        "api_token",
        "rejection_reason",
        "decline_reason",
        "decline_explanation",
        "submitted_at",
        "received_at",
        "decided_at",
        "done_at",
        "status_changed_at",
        "updated_at",
        # Public texts are corrected in the back office (audited), not here.
        "procedure_name",
        "difficulty",
        "proposal",
    )
    exclude = (
        "original_texts_encrypted",
        "proposer_email_encrypted",
        "proposer_email_digest",
        "search_text",
    )
    raw_id_fields = ("organisation", "motif")


@admin.register(Support)
class SupportAdmin(admin.ModelAdmin):
    list_display = ("request", "created_at", "user")
    list_select_related = ("request", "user")
    readonly_fields = ("request", "user", "email_digest", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
