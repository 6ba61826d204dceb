"""One domain error: every app's refusal is a ParvisError, answered by one API handler."""

from __future__ import annotations

import json

import pytest

from parvis.accounts.services import AccountsError
from parvis.core.api_limits import RateLimited
from parvis.core.errors import ParvisError
from parvis.core.problems import domain_error_response
from parvis.directory.services import DirectoryError
from parvis.language.services import LanguageError, ReferenceDataMissing
from parvis.simplification.services import SimplificationError
from parvis.voice.services import VoiceError


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (AccountsError("token_expired", "Jeton expiré."), 422),
        (DirectoryError("invalid_hours", "Horaires invalides.", {"opens": ["…"]}), 422),
        (SimplificationError("too_long", "Trop long.", "comment"), 422),
        (SimplificationError("transition_not_allowed", "Impossible."), 409),
        (SimplificationError("not_masked", "Pas encore masquée."), 409),
        (VoiceError("withdrawn", "Retirée.", status=409), 409),
        (VoiceError("required", "Obligatoire.", field="text"), 422),
        (LanguageError("Modèle absent."), 503),
        (ReferenceDataMissing("Données de référence absentes."), 503),
        (RateLimited("Trop de requêtes.", retry_after=60), 429),
    ],
)
def test_each_domain_error_is_a_parvis_error_with_its_status(error, status):
    assert isinstance(error, ParvisError)
    assert error.status == status
    response = domain_error_response(error)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert (body["status"], body["code"], body["detail"]) == (status, error.code, error.message)


def test_language_errors_keep_their_class_codes():
    assert LanguageError("x").code == "language_error"
    assert ReferenceDataMissing("x").code == "reference_data_missing"


def test_a_field_becomes_the_problem_errors():
    body = json.loads(
        domain_error_response(VoiceError("required", "Indiquez un titre.", field="title")).content
    )
    assert body["errors"] == [
        {"field": "body.title", "code": "required", "message": "Indiquez un titre."}
    ]
    assert "errors" not in json.loads(domain_error_response(AccountsError("x", "y")).content)


def test_several_fields_and_headers():
    error = ParvisError(
        "text_too_long",
        "Un texte dépasse 10 caractères.",
        field_errors=[("texts.0.text", "10 au plus."), ("texts.3.text", "10 au plus.")],
    )
    body = json.loads(domain_error_response(error).content)
    assert [e["field"] for e in body["errors"]] == ["body.texts.0.text", "body.texts.3.text"]
    assert domain_error_response(RateLimited("Trop.", retry_after=7))["Retry-After"] == "7"


# --- database pool exhausted: 503, not 500 ----------------------------------------------


def _pool_exhausted() -> None:
    """What Django raises when the psycopg pool gives no connection in time."""
    from django.db.utils import OperationalError
    from psycopg_pool import PoolTimeout

    try:
        raise PoolTimeout("couldn't get a connection after 10.00 sec")
    except PoolTimeout as error:
        raise OperationalError(str(error)) from error


@pytest.mark.django_db
def test_an_exhausted_pool_is_a_503_page_with_retry_after(client, monkeypatch):
    from parvis.portal import views as portal_views

    monkeypatch.setattr(portal_views, "render", lambda *a, **k: _pool_exhausted())
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "très sollicité" in response.content.decode()


@pytest.mark.django_db
def test_an_exhausted_pool_is_a_503_problem_in_the_api(client, monkeypatch):
    from parvis.directory import api as directory_api

    monkeypatch.setattr(
        directory_api.selectors, "organisations_for_public", lambda: _pool_exhausted()
    )
    client.raise_request_exception = False
    response = client.get("/api/v1/annuaire/organismes")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["code"] == "service_unavailable"


def test_other_database_errors_stay_500():
    from django.db.utils import OperationalError

    from parvis.core.errors import is_overload

    assert not is_overload(OperationalError("server closed the connection unexpectedly"))
    assert not is_overload(None)
