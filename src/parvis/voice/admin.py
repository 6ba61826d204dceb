"""Django admin of voice, for platform staff: read-only views of experiences and answers
(statuses change only through the services), editable templates and answer targets.

Encrypted originals and contacts are never shown, not even as ciphertext; moderators read
originals in the moderation pages, where access is limited and audited.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import User
from parvis.core.admin import ReadOnlyAdmin
from parvis.voice import services
from parvis.voice.models import (
    AnswerFeedback,
    AnswerPolicy,
    AnswerTemplate,
    Experience,
    ExperienceSource,
    ExperienceTransition,
    PublicAnswer,
)

SECRET_FIELDS = {
    "original_title_encrypted",
    "original_text_encrypted",
    "author_email_encrypted",
    "author_email_digest",
    "private_token_digest",
    "publication_link_digest",
}


class TransitionInline(admin.TabularInline):
    model = ExperienceTransition
    extra = 0
    fields = (
        "created_at",
        "from_status",
        "to_status",
        "step",
        "actor",
        "actor_label",
        "reason",
        "note",
    )
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("étape"))
    def step(self, obj: ExperienceTransition) -> str:
        return obj.step_label

    @admin.display(description=_("motif"))
    def reason(self, obj: ExperienceTransition) -> str:
        return obj.reason_label


class SourceFilter(admin.SimpleListFilter):
    """How the experience arrived, by its French label (``ExperienceSource``)."""

    title = _("dépôt")
    parameter_name = "source"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return ExperienceSource.choices

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        return queryset.filter(source=self.value()) if self.value() else queryset


@admin.register(Experience)
class ExperienceAdmin(ReadOnlyAdmin):
    list_display = [
        "uuid",
        "status",
        "organisation",
        "source_display",
        "is_sensitive",
        "submitted_at",
        "published_at",
    ]
    list_filter = ["status", SourceFilter, "is_sensitive", "is_assisted", "organisation"]
    search_fields = ["uuid"]
    date_hierarchy = "submitted_at"
    list_select_related = ["organisation"]
    exclude = sorted(SECRET_FIELDS | {"source"})  # shown as ``source_display``
    inlines = [TransitionInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = [f.name for f in Experience._meta.fields if f.name not in SECRET_FIELDS]
        return [("source_display" if f == "source" else f) for f in fields] + ["themes"]

    @admin.display(description=_("dépôt"), ordering="source")
    def source_display(self, obj: Experience) -> str:
        return obj.source_label or obj.source


@admin.register(PublicAnswer)
class PublicAnswerAdmin(ReadOnlyAdmin):
    list_display = [
        "experience",
        "status",
        "signed_by_organisation",
        "signed_by_service",
        "published_at",
        "helpful_yes",
        "helpful_no",
    ]
    list_filter = ["status", "masking_changed", "is_sensitive"]
    list_select_related = ["experience", "signed_by_organisation", "signed_by_service"]
    exclude = ["original_text_encrypted"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in PublicAnswer._meta.fields if f.name != "original_text_encrypted"]


@admin.register(AnswerFeedback)
class AnswerFeedbackAdmin(ReadOnlyAdmin):
    list_display = ["answer", "helpful", "is_author", "created_at"]
    list_filter = ["helpful", "is_author"]
    exclude = ["voter_digest"]
    readonly_fields = ["answer", "helpful", "is_author", "created_at"]


@admin.register(AnswerTemplate)
class AnswerTemplateAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "organisation",
        "local_service",
        "motif",
        "must_personalise",
        "is_active",
    ]
    list_filter = ["is_active", "must_personalise", "organisation"]
    search_fields = ["title", "body"]
    autocomplete_fields = ["organisation"]


@admin.register(AnswerPolicy)
class AnswerPolicyAdmin(admin.ModelAdmin):
    """Saved and deleted through the services: the due dates of the organisation's
    unanswered experiences follow the new target at once."""

    list_display = ["organisation", "target_working_days", "escalation_working_days"]
    autocomplete_fields = ["organisation"]
    actions = None  # no bulk deletion around the service

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # One policy per organisation: moving it to another would leave the first stale.
        return ["organisation"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: AnswerPolicy, form: Any, change: bool) -> None:
        saved = services.answer_policy_save(
            actor=cast(User, request.user),
            organisation=obj.organisation,
            target_working_days=obj.target_working_days,
            escalation_working_days=obj.escalation_working_days,
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: AnswerPolicy) -> None:
        services.answer_policy_delete(actor=cast(User, request.user), policy=obj)
