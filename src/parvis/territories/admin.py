"""Django admin of the INSEE reference, for platform admins: browse and search, read-only.

The reference is written only by ``territories_load`` from the vendored file; editing it
by hand would be overwritten at the next load, so nothing is added, changed or deleted here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from parvis.territories.models import (
    Commune,
    CommuneAlias,
    Departement,
    ReferenceVintage,
    Region,
)


class ReferenceAdminMixin:
    """View-only access: the loader is the single writer of reference data."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DepartementInline(ReferenceAdminMixin, admin.TabularInline):
    model = Departement
    fields = ("code", "name", "timezone", "holiday_subdivision")
    extra = 0
    show_change_link = True


@admin.register(Region)
class RegionAdmin(ReferenceAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "is_overseas")
    list_filter = ("is_overseas",)
    search_fields = ("code", "name")
    inlines = [DepartementInline]


@admin.register(Departement)
class DepartementAdmin(ReferenceAdminMixin, admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "region",
        "timezone",
        "holiday_subdivision",
        "is_overseas",
        "is_collectivity",
    )
    list_filter = ("is_overseas", "is_collectivity", "timezone", "region")
    list_select_related = ("region",)
    search_fields = ("code", "name")


class CommuneAliasInline(ReferenceAdminMixin, admin.TabularInline):
    model = CommuneAlias
    fields = ("code", "name", "kind")
    extra = 0


@admin.register(Commune)
class CommuneAdmin(ReferenceAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "departement", "postcodes_display", "population")
    list_filter = ("departement__is_overseas", "departement")
    list_select_related = ("departement",)
    search_fields = ("code", "name", "search_key", "aliases__code", "aliases__name")
    show_full_result_count = False  # avoids a second COUNT over 35,000 rows
    inlines = [CommuneAliasInline]

    @admin.display(description=_("codes postaux"))
    def postcodes_display(self, obj: Commune) -> str:
        return ", ".join(obj.postcodes)


@admin.register(CommuneAlias)
class CommuneAliasAdmin(ReferenceAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "kind", "commune")
    list_filter = ("kind",)
    list_select_related = ("commune",)
    search_fields = ("code", "name", "commune__name", "commune__code")


@admin.register(ReferenceVintage)
class ReferenceVintageAdmin(ReferenceAdminMixin, admin.ModelAdmin):
    list_display = ("dataset", "version", "loaded_at")
    readonly_fields = ("dataset", "version", "loaded_at", "details")
