"""Back office of the language engine: training examples and the training state of motifs."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from parvis.language import services
from parvis.language.models import MotifTrainingStatus, TrainingExample, text_digest


@admin.register(TrainingExample)
class TrainingExampleAdmin(admin.ModelAdmin):
    list_display = ("short_text", "motif", "organisation", "register", "source", "is_active")
    list_filter = ("source", "register", "is_active", "motif__organisation")
    search_fields = ("text", "motif__slug", "motif__label")
    list_select_related = ("motif__organisation",)
    readonly_fields = ("source", "family", "created_at")
    fields = ("motif", "text", "register", "is_active", "source", "family", "created_at")

    @admin.display(description=_("texte"))
    def short_text(self, obj: TrainingExample) -> str:
        return obj.text[:90]

    @admin.display(description=_("organisme"), ordering="motif__organisation__slug")
    def organisation(self, obj: TrainingExample) -> str:
        return obj.motif.organisation.slug

    def save_model(
        self, request: HttpRequest, obj: TrainingExample, form: Any, change: bool
    ) -> None:
        obj.text = obj.text.strip()
        obj.text_hash = text_digest(obj.text)
        if not change:
            obj.source = TrainingExample.Source.ADMIN
        super().save_model(request, obj, form, change)


@admin.register(MotifTrainingStatus)
class MotifTrainingStatusAdmin(admin.ModelAdmin):
    """One row per motif: its examples, and whether the trained model knows it."""

    list_display = ("label", "organisation", "slug", "is_active", "examples", "training_state")
    list_filter = ("organisation", "is_active")
    search_fields = ("slug", "label")
    actions = ("retrain",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return (
            super()
            .get_queryset(request)
            .select_related("organisation")
            .annotate(
                example_count=Count(
                    "training_examples", filter=Q(training_examples__is_active=True)
                )
            )
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("exemples"), ordering="example_count")
    def examples(self, obj: Any) -> int:
        return int(obj.example_count)

    @admin.display(description=_("état du modèle"))
    def training_state(self, obj: Any) -> str:
        metadata = services.stored_metadata() or {}
        key = f"{obj.organisation.slug}/{obj.slug}"
        if key in metadata.get("motifs", []):
            return str(_("entraîné"))
        if obj.example_count < services.MIN_EXAMPLES_PER_MOTIF:
            return str(
                _("réentraînement nécessaire (au moins %(n)d exemples)")
                % {"n": services.MIN_EXAMPLES_PER_MOTIF}
            )
        return str(_("réentraînement nécessaire"))

    @admin.action(description=_("Réentraîner le modèle de qualification"))
    def retrain(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        try:
            metadata = services.language_model_train()
        except services.LanguageError as exc:
            self.message_user(request, exc.message, level=messages.ERROR)
            return
        self.message_user(
            request,
            _("Modèle réentraîné : %(motifs)d motifs, %(examples)d exemples.")
            % {"motifs": len(metadata["motifs"]), "examples": metadata["examples"]},
        )
