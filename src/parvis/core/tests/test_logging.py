"""What an operator reads in the logs when clients are refused: one line per refusal,
never a stack trace (any agent or visitor could otherwise flood the logs)."""

from __future__ import annotations

import logging
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
