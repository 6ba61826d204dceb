"""API: token auth, results in order, limits answered in problem+json with a code."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from parvis.accounts.services import api_token_create
from parvis.directory.models import Organisation

pytestmark = pytest.mark.usefixtures("reference")


@pytest.fixture
def client_with_token() -> Client:
    organisation = Organisation.objects.get(slug="caf")
    _, raw = api_token_create(actor=None, organisation=organisation, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client: Client, path: str, body: object, prefix: str = "langue"):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/{prefix}/{path}", data=json.dumps(body), content_type="application/json"
    )


def test_authentication_is_required():
    response = post(Client(), "anonymiser", {"texts": [{"text": "Bonjour"}]})
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_anonymise(client_with_token):
    response = post(
        client_with_token,
        "anonymiser",
        {"texts": [{"id": "x", "text": "Appelez-moi au 06 12 34 56 78."}, {"text": "Rien."}]},
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0] == {
        "id": "x",
        "text": "Appelez-moi au [TÉLÉPHONE].",
        "entities": [{"start": 15, "end": 29, "label": "PHONE"}],
    }
    assert results[1]["id"] is None and results[1]["entities"] == []


def test_qualify(client_with_token):
    response = post(
        client_with_token,
        "qualifier",
        {
            "texts": [
                {"id": 1, "text": "Ma carte Vitale est perdue"},
                {"id": 2, "text": "Mon RSA n'est pas versé"},
            ]
        },
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["id"], r["organisation"], r["motif"]) for r in results] == [
        (1, "assurance-maladie", "carte-vitale"),
        (2, "caf", "rsa"),
    ]


def test_qualify_reads_an_email_as_the_hub_says_it_is(client_with_token):
    email = (
        "Bonjour,\n\nJe voudrais déclarer un nouveau médecin traitant.\n\nCordialement,\n"
        "Paule Vernet\n\nLe 2 mars 2025, CAF <ne-pas-repondre@caf.fr> a écrit :\n"
        "> Votre aide au logement est suspendue, envoyez votre attestation de loyer."
    )
    response = post(
        client_with_token,
        "qualifier",
        {"texts": [{"id": "m1", "text": email, "register_hint": "courriel"}]},
    )
    assert response.status_code == 200
    result = response.json()["results"][0]
    assert (result["id"], result["organisation"], result["motif"]) == (
        "m1",
        "assurance-maladie",
        "medecin-traitant",
    )


@pytest.mark.parametrize("path", ["anonymiser", "qualifier"])
def test_more_than_100_texts_is_413(client_with_token, path):
    response = post(client_with_token, path, {"texts": [{"text": "x"}] * 101})
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "too_many_texts"


@pytest.mark.parametrize("path", ["anonymiser", "qualifier"])
def test_a_text_over_5000_characters_is_422(client_with_token, path):
    response = post(client_with_token, path, {"texts": [{"text": "a"}, {"text": "b" * 5001}]})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "text_too_long"
    assert body["errors"][0]["field"] == "body.texts.1.text"


def test_a_body_over_1_mib_is_413(client_with_token):
    response = post(client_with_token, "anonymiser", {"texts": [{"text": "é" * 4000}] * 100})
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_an_empty_list_is_422(client_with_token):
    response = post(client_with_token, "anonymiser", {"texts": []})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_operations_document_their_errors():
    from parvis.api.root import api

    paths = api.get_openapi_schema()["paths"]
    for path in (
        "/api/v1/langue/anonymiser",
        "/api/v1/langue/qualifier",
        "/api/v1/language/anonymise",
        "/api/v1/language/qualify",
    ):
        responses = paths[path]["post"]["responses"]
        assert {401, 413, 422} <= {int(code) for code in responses}


@pytest.mark.django_db
def test_qualify_without_reference_data_sends_everything_to_triage(client_with_token):
    from parvis.directory.models import Motif

    Motif.objects.all().delete()
    response = post(client_with_token, "qualifier", {"texts": [{"id": 1, "text": "Mon RSA"}]})
    assert response.status_code == 200
    result = response.json()["results"][0]
    assert result["organisation"] is None and result["motif"] is None
    assert result["low_confidence"] is True


def test_a_boolean_id_is_rejected(client_with_token):
    response = post(client_with_token, "anonymiser", {"texts": [{"id": False, "text": "x"}]})
    assert response.status_code == 422


def test_the_english_paths_are_deprecated_aliases(client_with_token):
    body = {"texts": [{"id": 1, "text": "Appelez-moi au 06 12 34 56 78."}]}
    current = post(client_with_token, "anonymiser", body)
    legacy = post(client_with_token, "anonymise", body, prefix="language")
    assert legacy.status_code == current.status_code == 200
    assert legacy.json() == current.json()
    assert legacy["Deprecation"].startswith("@")
    assert legacy["Link"] == '</api/v1/langue/anonymiser>; rel="successor-version"'
    assert not current.has_header("Deprecation")
    # refusals of the alias are the same problems, deprecated too
    refused = post(client_with_token, "qualify", {"texts": []}, prefix="language")
    assert refused.status_code == 422
    assert refused["Deprecation"]

    from parvis.api.root import api

    paths = api.get_openapi_schema()["paths"]
    assert paths["/api/v1/language/qualify"]["post"]["deprecated"] is True
    assert "deprecated" not in paths["/api/v1/langue/qualifier"]["post"]


@pytest.mark.parametrize(
    ("prefix", "path"), [("langue", "anonymiser"), ("langue", "qualifier"), ("language", "qualify")]
)
def test_a_lone_surrogate_is_422_not_a_500(client_with_token, prefix, path):
    """JSON can carry half a surrogate pair (``\\ud800``) that UTF-8 cannot encode: it was
    a 500 when the answer (or the database) tried to."""
    body = {"texts": [{"id": 1, "text": "Mon numéro \ud800 est le 06 12 34 56 78"}]}
    response = post(client_with_token, path, body, prefix=prefix)
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"].startswith("body.payload.texts")
    assert "paire de substitution" in error["message"]


def test_control_characters_are_dropped_before_the_engine(client_with_token):
    body = {"texts": [{"id": 1, "text": "Appelez\x00-moi au 06\x01 12 34 56 78."}]}
    result = post(client_with_token, "anonymiser", body).json()["results"][0]
    assert "\x00" not in result["text"]
    assert result["text"].startswith("Appelez-moi au [")
