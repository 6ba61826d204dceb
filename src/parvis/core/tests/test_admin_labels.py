"""The Django admin's list filters read in French: « Par is active » was the field's name,
Django's default label, wherever a field had no ``verbose_name``."""

from __future__ import annotations

from django.contrib import admin

# Names that are already French as Django writes them (« organisation », « site »…).
FRENCH_AS_IS = {
    "organisation",
    "site",
    "date",
    "commune",
    "motif",
    "position",
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
