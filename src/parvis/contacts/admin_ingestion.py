"""Django admin of ingestion (platform admins only, see ``accounts.admin``): the raw
inbound rows, read only, without their content (encrypted, personal data). Quarantined
rows are found with the status filter and sent back to processing with « Retraiter »."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from parvis.contacts import services
from parvis.contacts.models import InboundRow
from parvis.core.admin import ReadOnlyAdmin


@admin.register(InboundRow)
class InboundRowAdmin(ReadOnlyAdmin):
    list_display = (
        "received_at",
        "endpoint",
        "channel",
        "kind",
        "status",
        "attempts",
        "error_class",
        "processed_at",
    )
    list_filter = ("status", "channel", "kind")
    list_select_related = ("endpoint",)
    search_fields = ("external_id",)
    search_help_text = _("Identifiant externe (Message-ID, identifiant du fournisseur).")
    date_hierarchy = "received_at"
    fields = (
        "endpoint",
        "channel",
        "kind",
        "external_id",
        "content_type",
        "status",
        "attempts",
        "error_class",
        "received_at",
        "enqueued_at",
        "processed_at",
    )
    readonly_fields = fields
    actions = ("retry",)

    @admin.action(description=_("Retraiter les entrées en quarantaine sélectionnées"))
    def retry(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        count = services.inbound_retry(rows=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d entrée renvoyée au traitement.",
                "%(count)d entrées renvoyées au traitement.",
                count,
            )
            % {"count": count},
            level=messages.SUCCESS if count else messages.WARNING,
        )
