"""The one cleaner of user input (``core.text``), as forms and API schemas apply it."""

from __future__ import annotations

import json

import pytest
from django import forms
from django.http import QueryDict
from django.test import Client

from parvis.core.api_schemas import InputSchema
from parvis.core.forms import ParvisForm
from parvis.core.text import LONE_SURROGATE_MESSAGE, clean_text, has_lone_surrogate, strip_controls
from parvis.directory.models import Organisation
from parvis.directory.tests.factories import LocalServiceFactory, OrganisationFactory


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


# Bidirectional overrides: « ‮Accueil » would read backwards wherever it is published.
SPOOFED = "Ac\u202ecueil\u202c \u2066ok\u2069 \u202a\u202b\u202d"


def test_bidirectional_embeddings_overrides_and_isolates_go_marks_stay():
    assert strip_controls(SPOOFED) == "Accueil ok "
    # LRM, RLM and ALM only orient their neighbours; mixed Arabic or Hebrew needs them.
    assert strip_controls("\u200eرقم 12\u200f \u061c") == "\u200eرقم 12\u200f \u061c"
    assert clean_text(f" {SPOOFED}\u202e ") == "Accueil ok"


@pytest.mark.django_db
def test_a_form_and_an_input_schema_drop_bidirectional_overrides():
    form = _Contact({"name": SPOOFED})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "Accueil ok"
    message = _Message.model_validate({"title": SPOOFED, "tags": ["\u202eb"]})
    assert (message.title, message.tags) == ("Accueil ok ", ["b"])


@pytest.mark.django_db
def test_an_experience_sent_through_the_api_is_stored_without_overrides():
    from parvis.accounts.services import api_token_create
    from parvis.core.crypto import decrypt_text
    from parvis.voice.models import Experience

    service = LocalServiceFactory()
    _, raw = api_token_create(
        actor=None, organisation=service.organisation, name="partenaire", scope="write"
    )
    body = {
        "organisation": service.organisation.slug,
        "local_service": service.slug,
        "title": "Accueil \u202etéléphonique",
        "text": "J’ai été \u2067bien\u2069 reçu.",
        "tone": "positif",
    }

    def post(data: dict[str, str]) -> object:
        return Client().post(
            "/api/v1/experiences/",
            data=json.dumps(data),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )

    response = post(body)
    assert response.status_code == 201, response.content
    experience = Experience.objects.get(uuid=response.json()["uuid"])
    assert decrypt_text(experience.original_title_encrypted) == "Accueil téléphonique"
    assert decrypt_text(experience.original_text_encrypted) == "J’ai été bien reçu."
    # A title of overrides alone says nothing: refused like an empty one.
    response = post({**body, "title": "\u202e\u2066 \u2069"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].endswith("title")
