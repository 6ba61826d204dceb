"""Back office of publication for platform staff: read-only views of the public copy.

Rows are derived from voice; edits happen there, never here.
"""

from __future__ import annotations

from django.contrib import admin

from parvis.core.admin import ReadOnlyAdmin
from parvis.publication.models import OpenDataFile, PublicExperience


@admin.register(PublicExperience)
class PublicExperienceAdmin(ReadOnlyAdmin):
    list_display = [
        "uuid",
        "title",
        "organisation",
        "departement",
        "tone",
        "is_answered",
        "published_at",
    ]
    list_filter = ["tone", "is_answered", "is_archived"]
    search_fields = ["uuid", "title"]
    list_select_related = ["organisation", "departement"]
    show_full_result_count = False  # the table may hold millions of rows


@admin.register(OpenDataFile)
class OpenDataFileAdmin(ReadOnlyAdmin):
    list_display = ["name", "dataset", "format", "rows", "size", "generated_at"]
