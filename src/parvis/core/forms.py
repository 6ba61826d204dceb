"""Base form of parvis: DSFR rendering, optional fields marked (not required ones), and
submitted values cleaned of control characters.

django-dsfr 3.x warns on every render unless a transitional setting (which itself warns)
is set; the DSFR now recommends marking optional fields, which this base does directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.datastructures import MultiValueDict
from dsfr.forms import DsfrBaseForm

from parvis.core.errors import ParvisError
from parvis.core.text import LONE_SURROGATE_MESSAGE, has_lone_surrogate, strip_controls

Value = TypeVar("Value")

HONEYPOT_FIELD = "site_internet"
HONEYPOT_MESSAGE = (
    "Votre envoi n’a pas pu être pris en compte car il ressemble à un envoi automatique. "
    "Vos saisies sont conservées : laissez vide le champ « Ne pas remplir » et envoyez de nouveau."
)


def _clean_value(value: Any) -> Any:
    return strip_controls(value) if isinstance(value, str) else value


def clean_submitted(data: Any) -> Any:
    """A copy of submitted ``data`` whose strings lost their control characters
    (``core.text.strip_controls``, as the API's ``InputSchema`` does)."""
    if isinstance(data, MultiValueDict):
        cleaned = data.copy()  # a QueryDict copy is mutable
        for key, values in data.lists():
            cleaned.setlist(key, [_clean_value(value) for value in values])
        return cleaned
    if isinstance(data, dict):
        return {
            key: [_clean_value(v) for v in value]
            if isinstance(value, list | tuple)
            else _clean_value(value)
            for key, value in data.items()
        }
    return data


class ParvisFormMixin(DsfrBaseForm):
    """Every parvis form: submitted strings lose their control characters before any field
    reads them (NUL breaks PostgreSQL, even in a choice looked up in the database), and a
    value holding a lone surrogate is an error of its field."""

    data: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = clean_submitted(self.data)

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound:
            return
        for name in list(self.fields):
            value = self[name].data
            values = value if isinstance(value, list | tuple) else [value]
            if any(isinstance(v, str) and has_lone_surrogate(v) for v in values):
                self.add_error(name, LONE_SURROGATE_MESSAGE)

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
