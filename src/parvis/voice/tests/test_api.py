"""API for partner sites: submission with a write token, precise problems."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from parvis.accounts.models import Role
from parvis.accounts.services import api_token_create
from parvis.accounts.tests.factories import MembershipFactory
from parvis.voice.models import Experience
from parvis.voice.models import ExperienceStatus as S

pytestmark = pytest.mark.django_db
URL = "/api/v1/experiences/"


@pytest.fixture
def write_token(service):
    _, raw = api_token_create(
        actor=None, organisation=service.organisation, name="partenaire", scope="write"
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _post(body, **headers):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return Client().post(URL, data=data, content_type="application/json", **headers)


def _body(service, **overrides):
    return {
        "organisation": service.organisation.slug,
        "local_service": service.slug,
        "title": "Accueil téléphonique",
        "text": "La conseillère Sophie Bernard m’a rappelé au 06 98 76 54 32.",
        "tone": "positif",
        **overrides,
    }


def test_partner_submits_an_experience(service, write_token, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(_body(service, email="usager@example.org"), **write_token)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "submitted" and "/temoigner/suivi/" in data["private_url"]
    experience = Experience.objects.get(uuid=data["uuid"])
    assert experience.source == "api" and experience.status == S.IN_MODERATION
    # the short reference the citizen can quote, stored on the experience
    assert re.fullmatch(r"EXP-\d{4}-\d{5}", data["reference"])
    assert data["reference"] == experience.reference
    assert "06 98 76 54 32" not in experience.masked_text
    assert experience.transitions.first().actor_label == "site partenaire (API)"


def test_without_credentials_401(service):
    response = _post(_body(service))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_session_is_not_enough_401(client, service):
    admin = MembershipFactory(organisation=service.organisation, role=Role.ORGANISATION_ADMIN).user
    client.force_login(admin)
    response = client.post(URL, data=json.dumps(_body(service)), content_type="application/json")
    assert response.status_code == 401


def test_read_token_403(service):
    _, raw = api_token_create(actor=None, organisation=service.organisation, name="lecture")
    response = _post(_body(service), HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_too_big_413(service, write_token, settings):
    settings.VOICE_API_MAX_BODY_BYTES = 2048
    response = _post(_body(service, text="x" * 3000), **write_token)
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"text": "x" * 5001}, "body.payload.text"),
        ({"title": "t" * 201}, "body.payload.title"),
        ({"tone": "furieux"}, "body.payload.tone"),
        ({"text": "   \n  "}, "body.payload.text"),
    ],
)
def test_schema_errors_422(service, write_token, overrides, field):
    response = _post(_body(service, **overrides), **write_token)
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "validation_error"
    assert any(error["field"] == field for error in problem["errors"]), problem


@pytest.mark.parametrize(
    ("overrides", "status", "code", "field"),
    [
        ({"organisation": "inconnu"}, 404, "unknown_organisation", "body.organisation"),
        ({"site": "lieu-inconnu"}, 404, "unknown_site", "body.site"),
        ({"happened_on": "2999-01-01"}, 422, "date_in_future", "body.happened_on"),
        ({"happened_on": "0001-01-01"}, 422, "date_too_old", "body.happened_on"),
        ({"happened_on": "1999-12-31"}, 422, "date_too_old", "body.happened_on"),
        ({"happened_on": 1700000000}, 422, "validation_error", "body.payload.happened_on"),
        ({"email": "pas-une-adresse"}, 422, "invalid_email", "body.email"),
    ],
)
def test_domain_errors(service, write_token, overrides, status, code, field):
    response = _post(_body(service, **overrides), **write_token)
    assert response.status_code == status
    problem = response.json()
    assert problem["code"] == code and problem["errors"][0]["field"] == field
    assert problem["detail"]  # a French sentence


def test_service_of_another_organisation_422(service, write_token):
    from parvis.directory.tests.factories import LocalServiceFactory

    other = LocalServiceFactory()
    response = _post(_body(service, local_service=other.slug), **write_token)
    assert response.status_code == 422 and response.json()["code"] == "service_mismatch"


def test_rate_limited_429(service, write_token, settings):
    settings.VOICE_RATE_LIMITS = {**settings.VOICE_RATE_LIMITS, "api_token": (1, 3600)}
    assert _post(_body(service), **write_token).status_code == 201
    response = _post(_body(service), **write_token)
    assert response.status_code == 429 and response["Retry-After"]


def test_rejection_reasons_are_public():
    response = Client().get("/api/v1/experiences/motifs-de-refus")
    assert response.status_code == 200
    assert {"code": "insult", "label": "Propos injurieux ou diffamatoires"} in response.json()
