"""The OpenAPI document tells every status an operation can answer.

A client generated from ``/api/v1/openapi.json`` (or schemathesis) must never meet an
undeclared status. What an operation can answer follows from its shape, checked here
mechanically for every operation of the document:

* 400 for all: the edge refuses a request it cannot read (a NUL byte in the path or the
  query, too many parameters, a body that is not JSON);
* 401 when it needs authentication; 403 when it is an authenticated write (a session's
  CSRF token, a token's write scope, the role);
* 404 when its path names an object; 413 when it takes a body (the size limits);
* 422 when it takes any input (ninja's validation, the services' rules);
* and what it really answers: the statuses its entry of the security registry expects
  for each principal, and 429 from any operation that counts a rate limit.

The domain's own statuses (409, 503) are declared by hand where their services raise
them (see ``docs/api.md``).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from parvis.core.ratelimit import RateLimit
from parvis.core.tests.route_registry import API_OPERATIONS, OrgWorld, org_world
from parvis.core.tests.test_route_security import _call
from parvis.testing.ci import once

pytestmark = pytest.mark.django_db
UNSAFE = {"post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return Client().get("/api/v1/openapi.json").json()


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


def _declared(operation: dict[str, Any]) -> set[int]:
    return {int(status) for status in operation["responses"]}


def shape_statuses(method: str, operation: dict[str, Any]) -> set[int]:
    """What an operation can answer, from its shape alone."""
    parameters = operation.get("parameters", [])
    has_body = "requestBody" in operation
    authenticated = bool(operation.get("security"))
    statuses = {400}
    if authenticated:
        statuses.add(401)
        if method in UNSAFE:
            statuses.add(403)
    if any(parameter["in"] == "path" for parameter in parameters):
        statuses.add(404)
    if has_body:
        statuses.add(413)
    if parameters or has_body:
        statuses.add(422)
    return statuses


def registry_statuses(method: str, path: str) -> set[int]:
    entry = API_OPERATIONS[(method.upper(), path)]
    if entry.access == "public":
        return {entry.public_status}
    statuses = {401, entry.token_status, entry.admin_status, entry.agent_status}
    if entry.access == "scoped":
        statuses.add(entry.other_org_status)
    return statuses


def test_every_operation_declares_what_its_shape_can_answer(document):
    missing = {
        f"{method.upper()} {path}": sorted(shape_statuses(method, op) - _declared(op))
        for method, path, op in _operations(document)
        if shape_statuses(method, op) - _declared(op)
    }
    assert not missing, f"Add these statuses to the operations' response maps: {missing}"


def test_every_operation_declares_what_its_callers_get(document):
    missing = {
        f"{method.upper()} {path}": sorted(registry_statuses(method, path) - _declared(op))
        for method, path, op in _operations(document)
        if registry_statuses(method, path) - _declared(op)
    }
    assert not missing, f"Statuses the security registry expects but OpenAPI omits: {missing}"


def test_the_shape_rules_see_what_they_claim_to(document):
    """The rules above read the document as ninja writes it (guards the mechanical check
    against a silent change of the generator)."""
    shapes = {
        (method, path): shape_statuses(method, operation)
        for method, path, operation in _operations(document)
    }
    assert shapes[("get", "/api/v1/territoires/regions")] == {400}
    assert shapes[("post", "/api/v1/organismes/{slug}/jetons")] == {400, 401, 403, 404, 413, 422}
    assert shapes[("get", "/api/v1/moi")] == {400, 401}


@once  # every operation called once: long, and about the document, not the database
def test_an_operation_that_counts_a_rate_limit_declares_its_429(document, monkeypatch):
    """Every counter refuses: each operation that counts one answers 429, and must say so."""
    world: dict[str, OrgWorld] = {"a": org_world("a"), "b": org_world("b")}

    def refuse(*args: Any, **kwargs: Any) -> RateLimit:
        return RateLimit(allowed=False, remaining=0, retry_after=60)

    for where in ("parvis.core.ratelimit.hit", "parvis.core.api_limits.hit"):
        monkeypatch.setattr(where, refuse)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {world['a'].raw_token}"}
    limited, undeclared = set(), []
    for method, path, operation in _operations(document):
        entry = API_OPERATIONS[(method.upper(), path)]
        response = _call(Client(), method.upper(), path, entry, world, "a", **bearer)
        if response.status_code == 429:
            limited.add((method.upper(), path))
            if 429 not in _declared(operation):
                undeclared.append(f"{method.upper()} {path}")
    assert not undeclared, f"Rate-limited operations that do not declare 429: {undeclared}"
    # the check sees the partner intakes, so it would see a new limited operation
    assert {("POST", "/api/v1/experiences/"), ("POST", "/api/v1/simplifications")} <= limited
