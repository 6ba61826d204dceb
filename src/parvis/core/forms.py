"""Base form of parvis: DSFR rendering, optional fields marked (not required ones).

django-dsfr 3.x warns on every render unless a transitional setting (which itself warns)
is set; the DSFR now recommends marking optional fields, which this base does directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from dsfr.forms import DsfrBaseForm

from parvis.core.errors import ParvisError

Value = TypeVar("Value")

HONEYPOT_FIELD = "site_internet"
HONEYPOT_MESSAGE = (
    "Votre envoi n’a pas pu être pris en compte car il ressemble à un envoi automatique. "
    "Vos saisies sont conservées : laissez vide le champ « Ne pas remplir » et envoyez de nouveau."
)


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


class HoneypotMixin(forms.Form):
    """A field people never see (render it inside ``<div hidden>``) and robots fill in."""

    site_internet = forms.CharField(
        label="Ne pas remplir",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get(HONEYPOT_FIELD):
            raise ValidationError(HONEYPOT_MESSAGE, code="honeypot")
        return cleaned


def checked_by(rule: Callable[[Value], object], value: Value | None) -> Value | None:
    """Run a service's rule on a field's cleaned value (in ``clean_<field>``): the
    :class:`ParvisError` it raises becomes the field's error, so a form and the API share
    one rule (the API through ``core.api_schemas.domain_rule`` or the service itself)."""
    if value is not None:
        try:
            rule(value)
        except ParvisError as error:
            raise ValidationError(error.message, code=error.code) from error
    return value
