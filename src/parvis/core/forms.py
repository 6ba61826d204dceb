"""Base form of parvis: DSFR rendering, optional fields marked (not required ones).

django-dsfr 3.x warns on every render unless a transitional setting (which itself warns)
is set; the DSFR now recommends marking optional fields, which this base does directly.
"""

from __future__ import annotations

from typing import Any

from django import forms
from dsfr.forms import DsfrBaseForm


class ParvisFormMixin(DsfrBaseForm):
    def get_context(self) -> dict[str, Any]:
        context = forms.BaseForm.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


class ParvisForm(ParvisFormMixin, forms.Form):
    pass


class ParvisModelForm(ParvisFormMixin, forms.ModelForm):
    pass


class SearchForm(ParvisForm):
    """A GET search form whose fields are all optional criteria."""

    def has_criteria(self) -> bool:
        """True when the form is bound, valid and at least one criterion is filled."""
        return self.is_bound and self.is_valid() and any(self.cleaned_data.values())
