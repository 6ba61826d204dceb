"""Walk every URL and every API operation with two organisations and four principals.

Principals: an agent and an organisation admin of organisation A (sessions), a write API
token of A, and an anonymous visitor. Rules: outside scope → 404, in scope without the
role → 403, anonymous → login redirect (HTML) or 401 (API). New routes must be declared
in ``route_registry`` or this test fails.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from parvis.accounts.tests.factories import UserFactory
from parvis.api.root import api
from parvis.contacts.signatures import sign
from parvis.core.tests.route_registry import (
    API_OPERATIONS,
    HTML_ROUTES,
    Operation,
    OrgWorld,
    RelationCase,
    Route,
    org_world,
    walk_urls,
)
from parvis.testing.ci import sqlite_pass_only

# Scope and role are checked in Python and by the same ORM filters on either database:
# the SQLite pass walks them; the PostgreSQL pass takes every page and form through the
# hostile-input sweep and every API operation through the API fuzz (``once``).
pytestmark = [pytest.mark.django_db, sqlite_pass_only]
EXCLUDED_PREFIXES = ("admin/", "api/v1/", "static/", "media/")


def html_routes() -> list[tuple[str, str | None]]:
    return [
        (route, name)
        for route, name in walk_urls(get_resolver().url_patterns)
        if not route.startswith(EXCLUDED_PREFIXES)
    ]


def api_operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return [(method.upper(), path) for path, item in schema["paths"].items() for method in item]


@pytest.fixture
def world() -> dict[str, OrgWorld]:
    return {"a": org_world("a"), "b": org_world("b")}


def test_every_route_is_declared():
    missing = sorted({name or route for route, name in html_routes()} - set(HTML_ROUTES))
    assert not missing, f"Declare these routes in core/tests/route_registry.py: {missing}"
    every_name = {name for _, name in walk_urls(get_resolver().url_patterns)}
    stale = sorted(set(HTML_ROUTES) - every_name)
    assert not stale, f"Registry entries without a route: {stale}"


def test_every_api_operation_is_declared_and_documents_its_errors():
    operations = api_operations()
    missing = sorted(set(operations) - set(API_OPERATIONS))
    assert not missing, f"Declare these operations in core/tests/route_registry.py: {missing}"
    schema = api.get_openapi_schema()
    for method, path in operations:
        responses = {str(code) for code in schema["paths"][path][method.lower()]["responses"]}
        entry = API_OPERATIONS[(method, path)]
        if entry.access != "public":
            assert "401" in responses, f"{method} {path} does not document its 401"
        if entry.access == "scoped":
            assert "404" in responses, f"{method} {path} does not document its 404"


def _get(client: Client, name: str, entry: Route, world: dict[str, OrgWorld], key: str):  # type: ignore[no-untyped-def]
    url = reverse(name, kwargs=entry.kwargs(world, key)) + entry.query
    return client.get(url)


def _assert_refuses_unsigned(name: str, entry: Route, world: dict[str, OrgWorld], get) -> None:  # type: ignore[no-untyped-def]
    """A signed webhook: GET is no way in (405), and a POST without a valid signature
    is 401 problem+json, whoever sends it (a session does not sign)."""
    assert get.status_code == entry.public_status, name
    url = reverse(name, kwargs=entry.kwargs(world, "a"))
    body = b'{"texte": "Bonjour"}'
    headers: list[dict[str, str]] = [
        {},
        {"HTTP_X_PARVIS_SIGNATURE": "n'importe quoi"},
        {"HTTP_X_PARVIS_SIGNATURE": sign(body, ["pas-le-bon-secret"])},
        {"HTTP_X_PARVIS_SIGNATURE": sign(body, ["pas-le-bon-secret"], timestamp=1)},
    ]
    for client in (Client(enforce_csrf_checks=True), _session(world["a"].admin)):
        for extra in headers:
            response = client.post(url, data=body, content_type="application/json", **extra)
            assert response.status_code == 401, (name, extra, response.content)
            assert response["Content-Type"] == "application/problem+json", name


def _session(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", sorted(HTML_ROUTES))
def test_html_route_access(name: str, world: dict[str, OrgWorld]):
    entry = HTML_ROUTES[name]
    anonymous = _get(Client(), name, entry, world, "a")
    if entry.access == "signed":
        _assert_refuses_unsigned(name, entry, world, anonymous)
        return
    if entry.access == "public":
        assert anonymous.status_code == entry.public_status, name
        return
    assert anonymous.status_code == 302 and "/compte/connexion/" in anonymous["Location"], name
    agent, admin = _session(world["a"].agent), _session(world["a"].admin)
    if entry.access == "platform":
        assert _get(admin, name, entry, world, "a").status_code in {302, 403, 404}, name
        platform_admin = _session(UserFactory(platform_admin=True))
        assert _get(platform_admin, name, entry, world, "a").status_code == 200, name
        return
    assert _get(agent, name, entry, world, "a").status_code == entry.agent_status, name
    assert _get(admin, name, entry, world, "a").status_code == entry.admin_status, name
    if entry.access == "scoped":
        assert _get(agent, name, entry, world, "b").status_code == 404, name
        assert _get(admin, name, entry, world, "b").status_code == 404, name
    for case in entry.relations:
        _assert_relation(name, entry, case, world)


def _assert_relation(name: str, entry: Route, case: RelationCase, world: dict[str, OrgWorld]):  # type: ignore[no-untyped-def]
    """B's agent reaches A's object only while the relation holds (consent, membership)."""
    kwargs = entry.kwargs(world, "a")
    url = reverse(name, kwargs=kwargs) + entry.query
    outsider = _session(world["b"].agent)
    assert outsider.get(url).status_code == 404, (name, case.name, "before")
    case.grant(world, kwargs)
    assert outsider.get(url).status_code == case.status, (name, case.name, "granted")
    case.revoke(world, kwargs)
    assert outsider.get(url).status_code == 404, (name, case.name, "revoked")


def _call(
    client: Client,
    method: str,
    path: str,
    entry: Operation,
    world: dict[str, OrgWorld],
    key: str,
    **headers: str,
):  # type: ignore[no-untyped-def]
    url = path.format(**entry.params(world, key)) + entry.query
    body = json.dumps(entry.body(world, key)) if entry.body else None
    return client.generic(method, url, data=body or "", content_type="application/json", **headers)


@pytest.mark.parametrize(("method", "path"), sorted(API_OPERATIONS))
def test_api_operation_access(method: str, path: str, world: dict[str, OrgWorld]):
    entry = API_OPERATIONS[(method, path)]
    # CSRF checks on, as a real caller meets them (the test client skips them by default)
    anonymous = _call(Client(enforce_csrf_checks=True), method, path, entry, world, "a")
    if entry.access == "public":
        assert anonymous.status_code == entry.public_status, (method, path, anonymous.content)
        return
    assert anonymous.status_code == 401, (method, path, anonymous.content)
    assert anonymous["Content-Type"] == "application/problem+json"
    assert anonymous["WWW-Authenticate"].startswith("Bearer"), (method, path)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {world['a'].raw_token}"}
    expectations = [
        (Client(enforce_csrf_checks=True), bearer, entry.token_status, "token"),
        (_session(world["a"].agent), {}, entry.agent_status, "agent"),
        (_session(world["a"].admin), {}, entry.admin_status, "admin"),
    ]
    for client, headers, expected, who in expectations:
        response = _call(client, method, path, entry, world, "a", **headers)
        assert response.status_code == expected, (method, path, who, response.content)
        if entry.access == "scoped" and expected != 401:
            other = _call(client, method, path, entry, world, "b", **headers)
            assert other.status_code == entry.other_org_status, (method, path, who, "other org")
            assert other["Content-Type"] == "application/problem+json"


def test_django_admin_is_for_platform_admins_only(world: dict[str, OrgWorld]):
    assert Client().get("/admin/").status_code == 302
    response = _session(world["a"].admin).get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert _session(UserFactory(platform_admin=True)).get("/admin/").status_code == 200
