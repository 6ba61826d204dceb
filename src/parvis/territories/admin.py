"""Django admin of the INSEE reference, for platform admins: browse and search, read-only.

The reference is written only by ``territories_load`` from the vendored file; editing it
by hand would be overwritten at the next load, so nothing is added, changed or deleted here.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from parvis.core.admin import ReadOnlyAdminMixin
from parvis.territories.models import (
    Commune,
    CommuneAlias,
    Departement,
    ReferenceVintage,
    Region,
)


class DepartementInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Departement
    fields = ("code", "name", "timezone", "holiday_subdivision")
    extra = 0
    show_change_link = True


@admin.register(Region)
class RegionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "is_overseas")
    list_filter = ("is_overseas",)
    search_fields = ("code", "name")
    inlines = [DepartementInline]


@admin.register(Departement)
class DepartementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
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


class CommuneAliasInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CommuneAlias
    fields = ("code", "name", "kind")
    extra = 0


@admin.register(Commune)
class CommuneAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
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
class CommuneAliasAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "kind", "commune")
    list_filter = ("kind",)
    list_select_related = ("commune",)
    search_fields = ("code", "name", "commune__name", "commune__code")


@admin.register(ReferenceVintage)
class ReferenceVintageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("dataset", "version", "loaded_at")
    readonly_fields = ("dataset", "version", "loaded_at", "details")
