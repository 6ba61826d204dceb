"""Browser tests in CI: each file runs in one of the two passes only.

`.ci/run` runs the whole suite twice side by side on a two-core machine (SQLite, then
PostgreSQL + Redis) within 30 minutes. A browser test drives the same views, forms and
services on either database, and those are tested on both by the unit suites; so each
browser file runs once in CI: the ones that need the real-time path through Redis (desk,
routing, chat, the hub's widgets) in the PostgreSQL pass, the others in the SQLite pass.
A plain ``make test`` (no ``PARVIS_CI_PASS``) runs them all."""

from __future__ import annotations

import os

import pytest

POSTGRES_PASS = frozenset(
    {
        "test_desk.py",
        "test_routing.py",
        "test_contacts_chat.py",
        "test_contacts_survey.py",
        "test_citizen_records.py",
        "test_backoffice.py",
        "test_reports.py",
    }
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    ci_pass = os.environ.get("PARVIS_CI_PASS")
    if not ci_pass:
        return
    for item in items:
        path = item.path
        if path.parent.name != "browser" or path.parent.parent.name != "tests":
            continue
        side = "postgres" if path.name in POSTGRES_PASS else "sqlite"
        if side != ci_pass:
            item.add_marker(pytest.mark.skip(reason=f"browser file run in the {side} pass of CI"))
