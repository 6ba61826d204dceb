"""What an operator reads in the logs when clients are refused: one line per refusal,
never a stack trace (any agent or visitor could otherwise flood the logs)."""

from __future__ import annotations

import logging
import re
import sys

import pytest
import structlog
from django.test import Client

from parvis.accounts.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _console_handler() -> logging.Handler:
    """The handler parvis writes its logs with (core.logging.configure_logging)."""
    return next(
        handler
        for handler in logging.getLogger().handlers
        if isinstance(handler.formatter, structlog.stdlib.ProcessorFormatter)
    )


def _scoping_refusal(client: Client) -> object:
    # An agent opens the members page of their own organisation: in scope, without the role.
    membership = MembershipFactory()
    client.force_login(membership.user)
    return client.get(f"/espace-agents/organismes/{membership.organisation.slug}/membres/")


def _csrf_failure(client: Client) -> object:
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(MembershipFactory().user)
    return csrf_client.post("/espace-agents/organisme-affiche/", {"organisation": "x"})


@pytest.mark.parametrize("refusal", [_scoping_refusal, _csrf_failure], ids=["scoping", "csrf"])
def test_a_403_is_one_log_line_without_traceback(client, caplog, refusal):
    with caplog.at_level(logging.INFO):
        response = refusal(client)
    assert response.status_code == 403

    refused = [r for r in caplog.records if getattr(r, "status_code", None) == 403]
    assert len(refused) == 1
    record = refused[0]
    assert record.levelno == logging.WARNING
    assert record.exc_info is None
    assert "Traceback" not in caplog.text
    handler = _console_handler()
    assert handler.filter(record)
    line = handler.format(record)
    assert "Forbidden" in line
    assert "\n" not in line.strip() and "Traceback" not in line


def test_a_server_error_keeps_its_traceback():
    """5xx are bugs: their stack trace is what the operator needs."""
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/",), None
    )
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record.exc_info = sys.exc_info()
    record.status_code = 500
    handler = _console_handler()
    assert handler.filter(record)
    assert "Traceback" in handler.format(record)


# --- Secret links and query strings in logged paths ------------------------------------

SECRET = "S3cr3t-T0k3n_value"
SECRET_LIKE = {"token", "uid", "uidb64", "secret", "key", "signature", "password"}


class _Kept(logging.Handler):
    """Keeps each record as the handlers of its logger would write it."""

    def __init__(self, formatter: logging.Formatter | None = None) -> None:
        super().__init__()
        self.lines: list[str] = []
        if formatter is not None:
            self.setFormatter(formatter)

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def _written_by(logger_name: str, record: logging.LogRecord, formatter=None) -> str:
    logger = logging.getLogger(logger_name)
    kept = _Kept(formatter)
    logger.addHandler(kept)
    try:
        logger.handle(record)
    finally:
        logger.removeHandler(kept)
    assert len(kept.lines) == 1
    return kept.lines[0]


def _uvicorn_access_record(path: str) -> logging.LogRecord:
    # As uvicorn's h11/httptools protocols log each request (uvicorn.protocols.http).
    return logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:51234", "GET", path, "1.1", 200),
        None,
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/temoigner/suivi/{s}/", "/temoigner/suivi/[masqué]/"),
        ("/temoigner/suivi/{s}/retirer/", "/temoigner/suivi/[masqué]/retirer/"),
        ("/temoigner/suivi/{s}", "/temoigner/suivi/[masqué]"),  # before APPEND_SLASH
        ("/compte/mot-de-passe/{s}/{s}/", "/compte/mot-de-passe/[masqué]/[masqué]/"),
        ("/contact/avis/{s}/", "/contact/avis/[masqué]/"),
        (
            "/resultats/rapports/desabonnement/{s}/",
            "/resultats/rapports/desabonnement/[masqué]/",
        ),
        ("/simplification/soutien/{s}/", "/simplification/soutien/[masqué]/"),
        ("/espace-agents/contacts/usagers/?q=1850375123456", None),
        ("/ws/chat/caf/?token={s}", "/ws/chat/caf/?token=[masqué]"),
    ],
)
def test_uvicorn_access_lines_mask_secret_links_and_query_strings(path, expected):
    from uvicorn.logging import AccessFormatter

    line = _written_by(
        "uvicorn.access",
        _uvicorn_access_record(path.format(s=SECRET)),
        AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False),
    )
    assert SECRET not in line and "1850375123456" not in line
    assert line.startswith('127.0.0.1:51234 - "GET /')
    if expected:
        assert f"GET {expected} HTTP/1.1" in line
    else:
        assert "/espace-agents/contacts/usagers/?q=[masqué] " in line


def test_other_paths_are_logged_as_they_are():
    line = _written_by("uvicorn.access", _uvicorn_access_record("/experiences/services/caf/"))
    assert "GET /experiences/services/caf/ HTTP/1.1" in line


def test_uvicorn_websocket_handshakes_mask_the_chat_token():
    record = logging.LogRecord(
        "uvicorn.error",
        logging.INFO,
        __file__,
        1,
        '%s - "WebSocket %s" [accepted]',
        ("127.0.0.1:51234", f"/ws/chat/caf/?token={SECRET}"),
        None,
    )
    line = _written_by("uvicorn.error", record)
    assert SECRET not in line
    assert "/ws/chat/caf/?token=[masqué]" in line


def test_the_development_server_masks_its_request_lines():
    # As django.core.servers.basehttp.WSGIRequestHandler.log_message logs a 404.
    record = logging.LogRecord(
        "django.server",
        logging.WARNING,
        __file__,
        1,
        '"%s" %s %s',
        (f"GET /temoigner/suivi/{SECRET}/ HTTP/1.1", "404", "179"),
        None,
    )
    assert SECRET not in _written_by("django.server", record)


def test_django_request_warnings_and_parvis_events_mask_paths(client, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get(f"/temoigner/suivi/{SECRET}/inexistant/")
    assert response.status_code == 404
    assert SECRET not in caplog.text
    assert "/temoigner/suivi/[masqué]/inexistant/" in caplog.text

    # A structlog event (``path=request.path``) as the console handler receives it.
    record = logging.LogRecord(
        "parvis.api", logging.INFO, __file__, 1, {"event": "api_bad_request"}, (), None
    )
    record.msg = {"event": "api_bad_request", "path": f"/contact/avis/{SECRET}/"}
    handler = _console_handler()
    assert handler.filter(record)
    assert SECRET not in handler.format(record)


def _sample_path(chain) -> tuple[str, bool]:
    """A path of the route ``chain`` with a sample value per parameter (SECRET for the
    secret ones), and whether it has one."""
    from django.urls.resolvers import RoutePattern

    from parvis.core.logging import SECRET_ROUTE_PARAMETERS, route_parameters

    samples = {"IntConverter": "42", "UUIDConverter": "0b6c2d8e-0000-4000-8000-000000000000"}
    path, has_secret = "/", False
    for pattern in chain:
        route = str(pattern)
        if not isinstance(pattern, RoutePattern):
            return "", False  # regex routes (the admin's) carry no secret today
        for name in route_parameters(pattern):
            converter = pattern.converters[name]
            value = SECRET if name in SECRET_ROUTE_PARAMETERS else "abc"
            has_secret |= name in SECRET_ROUTE_PARAMETERS
            value = samples.get(type(converter).__name__, value)
            route = re.sub(rf"<(?:[^>:]+:)?{name}>", value, route)
        path += route
    return path, has_secret


def test_every_route_parameter_named_like_a_secret_is_classified_and_masked():
    """A new route with a secret in its path is masked in the logs by its parameter's
    name: this fails when a parameter named like a secret is in neither set of
    ``core.logging``, or when a secret route's path would still be logged whole."""
    from django.urls import get_resolver, resolve

    from parvis.core.logging import (
        NOT_SECRET_ROUTE_PARAMETERS,
        SECRET_ROUTE_PARAMETERS,
        mask_secret_paths,
        route_parameters,
        walk_routes,
    )

    unclassified, leaking, secret_routes = set(), [], 0
    for chain in walk_routes(get_resolver().url_patterns):
        for pattern in chain:
            for name in route_parameters(pattern):
                if SECRET_LIKE & set(name.lower().split("_")) and name not in (
                    SECRET_ROUTE_PARAMETERS | NOT_SECRET_ROUTE_PARAMETERS
                ):
                    unclassified.add(name)
        path, has_secret = _sample_path(chain)
        if not has_secret:
            continue
        secret_routes += 1
        resolve(path)  # the sample is a real address of the route
        if SECRET in mask_secret_paths.mask(f'"GET {path}?x=1 HTTP/1.1"'):
            leaking.append(path)
    assert not unclassified, f"classify in core.logging: {sorted(unclassified)}"
    assert not leaking
    assert secret_routes >= 9
