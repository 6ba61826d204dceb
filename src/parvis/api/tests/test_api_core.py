"""The API's authentication, error shapes and token life cycle."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from parvis.accounts.models import ApiToken, AuditEvent, Role
from parvis.accounts.services import api_token_create, api_token_revoke
from parvis.accounts.tests.factories import MembershipFactory
from parvis.directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"
CSRF_SECRET = "k" * 32


@pytest.fixture
def caf():
    return OrganisationFactory(slug="caf", name="CAF")


@pytest.fixture
def caf_admin(caf):
    return MembershipFactory(organisation=caf, role=Role.ORGANISATION_ADMIN).user


def _bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_anonymous_gets_401_problem_with_www_authenticate(client):
    response = client.get("/api/v1/moi")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["code"] == "authentication_required"
    assert body["status"] == 401


@pytest.mark.parametrize(
    "header", ["Bearer", "Bearer abc", "Bearer pvs_x_y", "Token pvs_a_b", "Bearer " + "x" * 500]
)
def test_malformed_or_unknown_token_is_401(client, header):
    response = client.get("/api/v1/moi", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM


def test_token_authenticates_as_its_organisation_until_revoked(client, caf):
    token, raw = api_token_create(actor=None, organisation=caf, name="Intégration")
    response = client.get("/api/v1/moi", **_bearer(raw))
    assert response.status_code == 200
    assert response.json() == {
        "kind": "api_token",
        "email": None,
        "organisation": "caf",
        "is_platform_admin": False,
        "memberships": [],
    }
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
    api_token_revoke(actor=None, token=token)
    assert client.get("/api/v1/moi", **_bearer(raw)).status_code == 401


def test_token_secret_is_stored_hashed(caf):
    token, raw = api_token_create(actor=None, organisation=caf, name="x")
    assert raw not in {token.digest, token.prefix, token.name}
    assert len(token.digest) == 64


def test_admin_creates_lists_and_revokes_tokens_with_audit(client, caf, caf_admin):
    client.force_login(caf_admin)
    created = client.post(
        "/api/v1/organismes/caf/jetons",
        data={"name": "Portail partenaire", "scope": "write"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["token"].startswith("pvs_")
    listed = client.get("/api/v1/organismes/caf/jetons").json()
    assert [t["prefix"] for t in listed] == [body["prefix"]]
    assert "token" not in listed[0]
    revoked = client.delete(f"/api/v1/jetons/{body['id']}")
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"]
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["api_token.created", "api_token.revoked"]


def test_agent_is_403_and_other_organisation_is_404(client, caf):
    agent = MembershipFactory(organisation=caf, role=Role.AGENT).user
    other_admin = MembershipFactory(
        organisation=OrganisationFactory(), role=Role.ORGANISATION_ADMIN
    ).user
    client.force_login(agent)
    assert client.get("/api/v1/organismes/caf/jetons").status_code == 403
    client.force_login(other_admin)
    response = client.get("/api/v1/organismes/caf/jetons")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


def test_session_writes_need_csrf(caf, caf_admin):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(caf_admin)
    response = csrf_client.post(
        "/api/v1/organismes/caf/jetons", data={"name": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    # with its token, the same session writes
    csrf_client.cookies["csrftoken"] = CSRF_SECRET
    response = csrf_client.post(
        "/api/v1/organismes/caf/jetons",
        data={"name": "x"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=CSRF_SECRET,
    )
    assert response.status_code == 201, response.content


def _assert_401(response) -> None:
    assert response.status_code == 401, response.content
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] == "authentication_required"


def test_anonymous_and_token_writes_are_401_not_a_csrf_failure(caf):
    """CSRF protects a signed-in browser; a caller that is not signed in is told to
    authenticate (the test client skips CSRF unless told not to)."""
    _token, raw = api_token_create(actor=None, organisation=caf, name="SI", scope="write")
    client = Client(enforce_csrf_checks=True)
    body = json.dumps({"name": "x"})
    writes = [
        ("post", "/api/v1/organismes/caf/jetons", body),  # session only
        ("delete", "/api/v1/jetons/1", ""),  # session only
        ("post", "/api/v1/langue/anonymiser", json.dumps({"texts": [{"text": "x"}]})),
    ]
    for method, path, data in writes:
        _assert_401(client.generic(method.upper(), path, data, content_type="application/json"))
    for method, path, data in writes[:2]:  # a token is not a session
        _assert_401(
            client.generic(
                method.upper(), path, data, content_type="application/json", **_bearer(raw)
            )
        )


@pytest.mark.parametrize(
    "header", ["Basic dXNlcjpzZWNyZXQ=", "Token pvs_a_b", "Digest username=x", "pvs_a_b"]
)
def test_any_other_authorization_scheme_is_401_never_the_session(client, caf_admin, header):
    client.force_login(caf_admin)
    assert client.get("/api/v1/moi").status_code == 200
    _assert_401(client.get("/api/v1/moi", HTTP_AUTHORIZATION=header))
    _assert_401(client.get("/api/v1/organismes/caf/jetons", HTTP_AUTHORIZATION=header))
    assert "Bearer" in client.get("/api/v1/moi", HTTP_AUTHORIZATION=header).json()["detail"]


def test_invalid_json_and_invalid_fields_are_4xx_problems(client, caf, caf_admin):
    client.force_login(caf_admin)
    broken = client.post(
        "/api/v1/organismes/caf/jetons", data="{nope", content_type="application/json"
    )
    assert broken.status_code == 400
    assert broken.json()["code"] == "invalid_request"
    invalid = client.post(
        "/api/v1/organismes/caf/jetons",
        data=json.dumps({"name": "", "scope": "root"}),
        content_type="application/json",
    )
    assert invalid.status_code == 422
    messages = {error["field"]: error["message"] for error in invalid.json()["errors"]}
    assert {"body.payload.name", "body.payload.scope"} <= set(messages)
    # every message is French, with the limits it names
    assert messages["body.payload.name"].startswith("Au moins 1 caractère")
    assert messages["body.payload.scope"].startswith("Valeur inconnue ; valeurs possibles")


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        ({"type": "missing", "msg": "Field required"}, "Ce champ est obligatoire."),
        (
            {"type": "less_than_equal", "msg": "...", "ctx": {"le": 100}},
            "La valeur doit être inférieure ou égale à 100.",
        ),
        (
            {"type": "value_error", "msg": "Value error, Code INSEE inconnu."},
            "Code INSEE inconnu.",
        ),
        (
            {"type": "enum", "msg": "...", "ctx": {"expected": "'read' or 'write'"}},
            "Valeur inconnue ; valeurs possibles : 'read' ou 'write'.",
        ),
        ({"type": "enum", "msg": "...", "ctx": {}}, "Valeur invalide."),
        ({"type": "something_new", "msg": "English"}, "Valeur invalide."),
    ],
)
def test_validation_messages_are_french(error, expected):
    from parvis.api.root import _french_message

    assert _french_message(error) == expected


def test_oversized_body_is_413_problem(client, caf, caf_admin, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(caf_admin)
    response = client.post(
        "/api/v1/organismes/caf/jetons",
        data=json.dumps({"name": "x" * 5000}),
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_every_401_of_the_api_carries_the_bearer_challenge(rf):
    """Whoever answers a 401 (a handler, a view, a domain error), the edge adds the
    challenge; a 401 outside the API is left alone."""
    from parvis.api.middleware import ApiProblemMiddleware
    from parvis.core.problems import problem_response

    def unauthorised(request):
        return problem_response(status=401, code="authentication_required", detail="x")

    middleware = ApiProblemMiddleware(unauthorised)
    assert middleware(rf.get("/api/v1/moi"))["WWW-Authenticate"] == 'Bearer realm="parvis"'
    assert not middleware(rf.get("/compte/")).has_header("WWW-Authenticate")


def test_wrong_method_is_405_problem(client):
    response = client.post("/api/v1/moi")
    assert response.status_code in {401, 405}
    assert response["Content-Type"] == PROBLEM


def test_docs_are_served_without_any_cdn(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    for cdn in ("cdn.jsdelivr", "unpkg.com", "cdnjs", "googleapis"):
        assert cdn not in html
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "API parvis"


def test_the_docs_page_declares_french(client):
    html = client.get("/api/v1/docs").content.decode()
    assert '<html lang="fr">' in html and "/static/ninja/swagger-ui-init.js" in html
