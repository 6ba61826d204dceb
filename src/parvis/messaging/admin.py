"""Django admin (platform admins only, see ``accounts.admin``): the delivery log, read
only. Searching by an address digests it first: the log holds no address to match."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from parvis.core.admin import ReadOnlyAdmin
from parvis.messaging.models import Delivery
from parvis.messaging.services import recipient_digest


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "template", "channel", "status", "attempts", "error_class")
    list_filter = ("status", "channel", "provider", "template")
    search_fields = ("idempotency_key",)
    search_help_text = "Adresse complète du destinataire, ou clé d’idempotence."
    date_hierarchy = "created_at"
    fields = (
        "channel",
        "provider",
        "template",
        "status",
        "attempts",
        "error_class",
        "owner_type",
        "owner_id",
        "idempotency_key",
        "provider_message_id",
        "recipient_digest",
        "created_at",
        "updated_at",
        "sent_at",
        "delivered_at",
    )
    readonly_fields = fields

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        term = search_term.strip()
        if "@" in term:
            return queryset.filter(recipient_digest=recipient_digest(term)), False
        return super().get_search_results(request, queryset, search_term)
