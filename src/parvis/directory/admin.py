"""Django admin of the directory, for platform staff (agents use the back office)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from parvis.core.events import Event
from parvis.core.text import sort_key
from parvis.directory import events
from parvis.directory.models import (
    Channel,
    JourneyStage,
    LocalService,
    Motif,
    OpeningException,
    OpeningHours,
    Organisation,
    Site,
    Theme,
)
from parvis.directory.services import DirectoryError, site_rule_errors, validate_weekly_hours


class AnnouncesChangesAdmin(admin.ModelAdmin):
    """Edits in the admin announce their change like the services do (``events``).

    ``changed`` is the event; ``announced_id`` the id it carries (a site's for its
    hours). ``save_related`` runs after the inlines and many-to-many fields are saved.
    """

    changed: Event | None = None

    def announced_id(self, obj: Any) -> int:
        return int(obj.pk)

    def _send(self, object_id: int) -> None:
        if self.changed is not None:
            self.changed.send_on_commit(object_id)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        self._send(self.announced_id(form.instance))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        announced = self.announced_id(obj)
        super().delete_model(request, obj)
        self._send(announced)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        announced = dict.fromkeys(self.announced_id(obj) for obj in queryset)
        super().delete_queryset(request, queryset)
        for object_id in announced:
            self._send(object_id)


class SortKeyAdmin(AnnouncesChangesAdmin):
    """Keeps the stored French sort key in step with the name edited in the admin."""

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        obj.sort_key = sort_key(obj.name)  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)


@admin.register(Channel, JourneyStage)
class TaxonomyItemAdmin(admin.ModelAdmin):
    list_display = ["label", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["label", "slug"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["label", "slug", "sp_tag", "position"]
    list_editable = ["position"]
    search_fields = ["label", "slug", "sp_tag"]


class MotifInline(admin.TabularInline):
    model = Motif
    extra = 0
    fields = ["slug", "label", "position", "is_active"]


@admin.register(Organisation)
class OrganisationAdmin(SortKeyAdmin):
    changed = events.organisation_changed
    list_display = ["name", "short_name", "slug", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MotifInline]


@admin.register(Motif)
class MotifAdmin(admin.ModelAdmin):
    list_display = ["label", "organisation", "slug", "position", "is_active"]
    list_filter = ["is_active", "organisation"]
    search_fields = ["label", "slug", "organisation__name"]
    list_select_related = ["organisation"]


@admin.register(LocalService)
class LocalServiceAdmin(SortKeyAdmin):
    changed = events.local_service_changed
    list_display = ["name", "organisation", "main_departement", "is_active"]
    list_filter = ["is_active", "organisation"]
    search_fields = ["name", "slug", "organisation__name"]
    list_select_related = ["organisation", "main_departement"]
    autocomplete_fields = ["organisation"]
    filter_horizontal = ["departements"]
    prepopulated_fields = {"slug": ["name"]}


class WeeklyHoursFormSet(BaseInlineFormSet):
    """The same rule as the service: intervals of one day neither overlap nor touch."""

    def clean(self) -> None:
        super().clean()
        hours = [
            (form.cleaned_data["weekday"], form.cleaned_data["opens"], form.cleaned_data["closes"])
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and {"weekday", "opens", "closes"} <= set(form.cleaned_data)
        ]
        try:
            validate_weekly_hours(hours)
        except DirectoryError as error:
            raise ValidationError(error.message) from error


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    formset = WeeklyHoursFormSet
    extra = 0


class OpeningExceptionInline(admin.TabularInline):
    model = OpeningException
    extra = 0
    fields = ["date", "is_closed", "opens", "closes", "label"]


class SiteAdminForm(forms.ModelForm):
    """The admin applies the services' rules that span fields and relations: coverage
    against kind and départements, a contact detail for each channel."""

    website = forms.URLField(
        label="Site internet ou formulaire en ligne",
        required=False,
        max_length=300,
        assume_scheme="https",
    )

    class Meta:
        model = Site
        fields = [
            "kind",
            "name",
            "slug",
            "organisation",
            "local_service",
            "partners",
            "address",
            "postcode",
            "commune",
            "coverage",
            "covered_departements",
            "channels",
            "phone",
            "email",
            "website",
            "is_active",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        errors = site_rule_errors(
            kind=data.get("kind") or "",
            coverage=data.get("coverage") or Site.Coverage.LOCAL,
            covered_departements=data.get("covered_departements") or (),
            channels=data.get("channels") or (),
            values=data,
        )
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        return data


@admin.register(Site)
class SiteAdmin(SortKeyAdmin):
    form = SiteAdminForm
    changed = events.site_changed
    list_display = ["name", "kind", "coverage", "organisation", "commune", "is_active"]
    list_filter = ["kind", "coverage", "is_active", "organisation"]
    search_fields = [
        "name",
        "slug",
        "address",
        "postcode",
        "commune__name",
        "commune__code",
        "organisation__name",
    ]
    list_select_related = ["organisation", "commune"]
    autocomplete_fields = ["organisation", "local_service", "partners"]
    raw_id_fields = ["commune"]
    filter_horizontal = ["channels", "covered_departements"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OpeningHoursInline, OpeningExceptionInline]


@admin.register(OpeningHours)
class OpeningHoursAdmin(AnnouncesChangesAdmin):
    changed = events.site_changed

    def announced_id(self, obj: Any) -> int:
        return int(obj.site_id)

    list_display = ["site", "weekday", "opens", "closes"]
    list_filter = ["weekday"]
    search_fields = ["site__name", "site__slug"]
    list_select_related = ["site"]
    raw_id_fields = ["site"]


@admin.register(OpeningException)
class OpeningExceptionAdmin(AnnouncesChangesAdmin):
    changed = events.site_changed

    def announced_id(self, obj: Any) -> int:
        return int(obj.site_id)

    list_display = ["site", "date", "is_closed", "opens", "closes", "label"]
    list_filter = ["is_closed"]
    search_fields = ["site__name", "site__slug", "label"]
    date_hierarchy = "date"
    list_select_related = ["site"]
    raw_id_fields = ["site"]
