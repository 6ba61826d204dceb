"""The Django admin's list filters and list columns read in French: « Par is active »,
« Created at » were the field's name, Django's default label, wherever a field had no
``verbose_name`` (or an admin method no ``@admin.display(description=...)``)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import label_for_field

# Names that are already French as Django writes them (« organisation », « site »…).
FRENCH_AS_IS = {
    "organisation",
    "site",
    "date",
    "commune",
    "motif",
    "position",
    "population",
    "version",
    "format",
}


def test_every_list_filter_field_has_a_french_label():
    untranslated = []
    for model, model_admin in admin.site._registry.items():
        for name in model_admin.list_filter:
            if not isinstance(name, str) or "__" in name:
                continue
            field = model._meta.get_field(name)
            label = str(getattr(field, "verbose_name", ""))
            if label == name.replace("_", " ") and name not in FRENCH_AS_IS:
                untranslated.append(f"{model._meta.label}.{name}")
    assert not untranslated, untranslated


def test_every_list_column_of_parvis_admins_has_a_french_header():
    """Third-party admins (django-axes) keep their own catalogue's labels."""
    untranslated = []
    for model, model_admin in admin.site._registry.items():
        if not type(model_admin).__module__.startswith("parvis."):
            continue
        for column in model_admin.list_display:
            name = column if isinstance(column, str) else column.__name__
            header = str(label_for_field(column, model, model_admin))
            default = name.replace("_", " ")
            if header.casefold() == default.casefold() and name not in FRENCH_AS_IS:
                untranslated.append(f"{model._meta.label}.{name}")
    assert not untranslated, untranslated


def test_third_party_admin_columns_read_in_french_too():
    """django-axes' French catalogue leaves « User Agent » and « HTTP Accept » in English:
    parvis's catalogue (``LOCALE_PATHS``, read before the apps') translates them, and
    every column of the axes admins then reads in French."""
    from django.utils import translation

    with translation.override("fr"):
        headers = {
            str(label_for_field(column, model, model_admin))
            for model, model_admin in admin.site._registry.items()
            if type(model_admin).__module__.startswith("axes.")
            for column in model_admin.list_display
            if isinstance(column, str)
        }
    assert "Navigateur (user agent)" in headers
    assert not headers & {"User Agent", "HTTP Accept", "IP Address", "Username"}, headers
