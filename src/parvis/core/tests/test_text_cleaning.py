"""The one cleaner of user input (``core.text``), as forms and API schemas apply it."""

from __future__ import annotations

import pytest
from django import forms
from django.http import QueryDict

from parvis.core.api_schemas import InputSchema
from parvis.core.forms import ParvisForm
from parvis.core.text import LONE_SURROGATE_MESSAGE, clean_text, has_lone_surrogate, strip_controls
from parvis.directory.models import Organisation
from parvis.directory.tests.factories import OrganisationFactory


def test_controls_go_but_tab_and_line_ends_stay():
    assert strip_controls("a\x00b\x01c\x1bd\x7fe") == "abcde"
    assert strip_controls("colonne\tsuivante\nligne\r\n") == "colonne\tsuivante\nligne\r\n"
    assert clean_text("  Bonjour\x00,\r\nmerci\x0c  ") == "Bonjour,\nmerci"
    assert clean_text(None) == ""


def test_lone_surrogates_are_found_pairs_are_not():
    assert has_lone_surrogate("a\ud800b")
    assert has_lone_surrogate("\udfff")
    assert not has_lone_surrogate("émoji 😀 et accents")


class _Contact(ParvisForm):
    name = forms.CharField(max_length=50)
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.all(), to_field_name="slug", required=False
    )


@pytest.mark.django_db
def test_a_form_drops_control_characters_before_its_fields_read_them():
    """Django's CharField would refuse NUL with an English-born message, and a choice
    looked up in the database with NUL is a 500 on PostgreSQL; the cleaner runs first."""
    OrganisationFactory(slug="caf")
    data = QueryDict(mutable=True)
    data.update({"name": "Ma\x00rie\x01", "organisation": "caf\x00"})
    form = _Contact(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "Marie"
    assert form.cleaned_data["organisation"].slug == "caf"
    assert _Contact({"name": ["A\x00", "B"]}).data["name"] == ["A", "B"]


@pytest.mark.django_db
def test_a_form_refuses_a_lone_surrogate_in_its_field():
    form = _Contact({"name": "Marie\ud800"})
    assert not form.is_valid()
    assert form.errors["name"] == [LONE_SURROGATE_MESSAGE]


class _Message(InputSchema):
    title: str
    tags: list[str] = []


def test_an_input_schema_drops_control_characters_and_refuses_lone_surrogates():
    message = _Message.model_validate({"title": "Bon\x00jour\t!", "tags": ["a\x1b", "b"]})
    assert (message.title, message.tags) == ("Bonjour\t!", ["a", "b"])
    with pytest.raises(ValueError, match="paire de substitution") as error:
        _Message.model_validate({"title": "Bonjour", "tags": ["\ud800"]})
    assert error.value.errors()[0]["loc"] == ("tags",)  # type: ignore[attr-defined]
