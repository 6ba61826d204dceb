"""Django admin of the contact hub, for platform staff (agents use the back office).

Queues and inbound endpoints are configured here; conversations, their transitions and
raw inbound rows are read-only (only services write them). Secrets and texts are never
shown: they are stored encrypted.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from parvis.contacts.models import (
    Conversation,
    ConversationTransition,
    InboundEndpoint,
    Mailbox,
    Queue,
    QueueMember,
)
from parvis.core.admin import ReadOnlyAdmin, ReadOnlyAdminMixin


class QueueMemberInline(admin.TabularInline):
    model = QueueMember
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "created_at")
    readonly_fields = ("created_at",)
    verbose_name = _("membre")
    verbose_name_plural = _("membres (agents qui prennent dans cette file)")


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "departement", "site", "is_triage", "is_active")
    list_filter = ("is_triage", "is_active", "organisation")
    search_fields = ("name", "slug", "organisation__name")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("organisation", "local_service", "site", "calendar_site")
    filter_horizontal = ("motifs", "channels")
    readonly_fields = ("is_triage", "created_at")
    inlines = (QueueMemberInline,)
    fieldsets = (
        (None, {"fields": ("organisation", "name", "slug", "is_active", "is_triage")}),
        (
            _("Où la file est tenue (son calendrier)"),
            {"fields": ("local_service", "site", "calendar_site", "departement")},
        ),
        (_("Ce qu’elle reçoit"), {"fields": ("motifs", "channels")}),
        (
            _("Délais (calculés à la mise en file)"),
            {
                "fields": (
                    "first_answer_business_seconds",
                    "first_answer_working_days",
                    "resolution_working_days",
                    "commitment_working_days",
                )
            },
        ),
        (None, {"fields": ("created_at",)}),
    )


class TransitionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ConversationTransition
    extra = 0
    fields = (
        "created_at",
        "from_status",
        "to_status",
        "move",
        "actor",
        "actor_label",
        "reason_code",
    )
    readonly_fields = fields
    verbose_name = _("changement d’état")
    verbose_name_plural = _("changements d’état")


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    """Read-only: the lifecycle's services are the only writers."""

    list_display = (
        "reference",
        "organisation",
        "queue",
        "channel",
        "status",
        "motif",
        "needs_triage",
        "created_at",
    )
    list_filter = ("status", "channel", "needs_triage", "outcome", "organisation")
    search_fields = ("reference",)
    date_hierarchy = "created_at"
    list_select_related = ("organisation", "queue", "channel", "motif")
    exclude = ("qualification",)
    readonly_fields = (
        "reference",
        "organisation",
        "queue",
        "site",
        "channel",
        "motif",
        "status",
        "assignee",
        "outcome",
        "outcome_version",
        "qualification_confidence",
        "needs_triage",
        "urgency_proposed",
        "vulnerability_proposed",
        "created_at",
        "queued_at",
        "assigned_at",
        "resolved_at",
        "closed_at",
        "first_answer_due_at",
        "resolution_due_at",
        "announced_deadline",
        "handling_seconds",
    )
    fields = readonly_fields
    inlines = (TransitionInline,)


class MailboxInline(admin.StackedInline):
    model = Mailbox
    extra = 0
    fields = ("host", "port", "use_ssl", "username", "folder", "uidvalidity", "last_uid")
    readonly_fields = ("uidvalidity", "last_uid")
    verbose_name = _("boîte aux lettres relevée (IMAP)")


@admin.register(InboundEndpoint)
class InboundEndpointAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "connector", "queue", "is_active")
    list_filter = ("connector", "is_active")
    search_fields = ("name", "address", "organisation__name")
    autocomplete_fields = ("organisation", "queue")
    fields = ("organisation", "connector", "name", "address", "queue", "is_active", "uuid")
    readonly_fields = ("uuid",)
    inlines = (MailboxInline,)


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    list_display = ("__str__", "endpoint", "last_polled_at", "uidvalidity", "last_uid")
    fields = (
        "endpoint",
        "host",
        "port",
        "use_ssl",
        "username",
        "folder",
        "uidvalidity",
        "last_uid",
        "last_polled_at",
    )
    readonly_fields = ("uidvalidity", "last_uid", "last_polled_at")


from parvis.contacts import admin_ingestion  # noqa: E402,F401 (registers the raw inbound rows)
