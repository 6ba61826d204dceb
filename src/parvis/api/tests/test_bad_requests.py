"""What Django refuses while reading a request is a 400 problem under /api/, not the
catch-all's 500, and every API input goes through the one cleaner (``InputSchema``)."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFilesSent
from django.test import Client
from pydantic import BaseModel

from parvis.accounts.models import ApiToken, Role
from parvis.accounts.tests.factories import MembershipFactory
from parvis.api.root import api
from parvis.core.api_schemas import InputSchema
from parvis.directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"
CSRF_SECRET = "badrequests0123456789abcdefghijk"


@pytest.fixture
def caf_admin_client() -> Client:
    """An organisation admin's session, CSRF checks on, with a valid token."""
    admin = MembershipFactory(
        organisation=OrganisationFactory(slug="caf"), role=Role.ORGANISATION_ADMIN
    ).user
    client = Client(enforce_csrf_checks=True, HTTP_X_CSRFTOKEN=CSRF_SECRET)
    client.cookies["csrftoken"] = CSRF_SECRET
    client.force_login(admin)
    return client


def _problem(response, status: int, code: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = json.loads(response.content)
    assert body["code"] == code
    return body


def test_more_than_2000_query_parameters_is_a_400(client, settings):
    query = "&".join(f"p{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    body = _problem(client.get(f"/api/v1/territoires/communes?{query}"), 400, "too_many_fields")
    assert "2000" in body["detail"]


def test_a_multipart_body_without_boundary_on_a_session_route_is_a_400(caf_admin_client):
    """The CSRF check reads the form body of a session write before the handler."""
    response = caf_admin_client.post(
        "/api/v1/organismes/caf/jetons", data=b"--x--", content_type="multipart/form-data"
    )
    _problem(response, 400, "invalid_multipart")
    assert not ApiToken.objects.exists()


def test_a_form_body_in_another_charset_than_utf8_is_a_400(caf_admin_client):
    response = caf_admin_client.generic(
        "POST",
        "/api/v1/organismes/caf/jetons",
        data="name=a\x00b".encode("utf-16"),
        content_type="application/x-www-form-urlencoded; charset=utf-16",
    )
    _problem(response, 400, "invalid_request")


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"), 400, "invalid_encoding"),
        (TooManyFilesSent("trop"), 400, "too_many_files"),
        (RequestDataTooBig("trop"), 413, "payload_too_large"),
        (SuspiciousOperation("louche"), 400, "invalid_request"),
    ],
)
def test_request_reading_errors_are_client_errors(rf, error, status, code):
    """Each is answered by the root API's handlers, before its catch-all 500."""
    request = rf.get("/api/v1/moi")
    _problem(api.on_exception(request, error), status, code)


def test_nul_in_a_json_string_is_dropped_not_a_500(caf_admin_client):
    """PostgreSQL refuses NUL in text: storing this name was a 500 there."""
    response = caf_admin_client.post(
        "/api/v1/organismes/caf/jetons",
        data=json.dumps({"name": "Jeton\x00 du\x1b SI", "scope": "read"}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert ApiToken.objects.get().name == "Jeton du SI"


def _input_schemas(model: type[BaseModel]) -> list[type]:
    return [
        field.annotation
        for field in model.model_fields.values()
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)
    ]


def test_every_body_and_query_schema_of_the_api_is_an_input_schema():
    """A new operation reading a schema that skips the cleaner fails here."""
    offenders = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for model in operation.models:
                    if model.__ninja_param_source__ not in {"body", "query"}:
                        continue
                    for schema in _input_schemas(model):
                        if not issubclass(schema, InputSchema):
                            offenders.append(f"{operation.methods} {prefix}{path}: {schema}")
    assert not offenders, offenders
