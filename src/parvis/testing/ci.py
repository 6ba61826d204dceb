"""Tests that need not run in both passes of CI.

`.ci/run` runs the suite twice side by side (SQLite, then PostgreSQL + Redis) and names
each pass in ``PARVIS_CI_PASS``. Marked ``once``, a test runs in the PostgreSQL pass
only (and always in a plain ``make test``). For:

* tests about a document rather than the database (the OpenAPI document);
* slow sweeps whose database-specific risk is PostgreSQL's: the hostile-input sweep
  (PostgreSQL refuses NUL where SQLite stores it), the API fuzz, real server processes
  on its connection pool, tests that create a PostgreSQL database in either pass;
* whole-demo seeds, which the role walk already runs on SQLite.

Each marked test says why beside its mark.

The other way round, ``sqlite_pass_only`` keeps a test out of the PostgreSQL pass, the
longer one: for pure tests whose outcome cannot depend on the database (the anonymiser's
rules on text and the qualification cases, marked by path in
``language/tests/conftest.py``; the model training that reads a corpus file; routing's
engine and simulator, ``routing.tests.pure``; settings read in subprocesses), and for the
walk of every route's access rules (``test_route_security``: the same ORM filters on
either database, while the hostile-input sweep and the API fuzz take every route through
PostgreSQL).

Browser tests (``@pytest.mark.browser``, under ``tests/browser/`` and in the apps' own
``test_browser.py``) run in one pass each (``browser_pass``): a browser test drives the
same views, forms and services on either database, and those are tested on both by the
unit suites. The files that need the real-time path through Redis (desk, routing, chat,
the hub's widgets) run in the PostgreSQL pass, the others in the SQLite pass. A plain
``make test`` (no ``PARVIS_CI_PASS``) runs them all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

once = pytest.mark.skipif(
    os.environ.get("PARVIS_CI_PASS") == "sqlite",
    reason="run once in CI, in the PostgreSQL pass",
)

sqlite_pass_only = pytest.mark.skipif(
    os.environ.get("PARVIS_CI_PASS") == "postgres",
    reason="pure test, run once in CI, in the SQLite pass",
)


# Browser files of the PostgreSQL + Redis pass, by path from the project's root.
POSTGRES_BROWSER_FILES = frozenset(
    f"tests/browser/{name}"
    for name in (
        "test_desk.py",
        "test_routing.py",
        "test_contacts_chat.py",
        "test_contacts_survey.py",
        "test_citizen_records.py",
        "test_backoffice.py",
        "test_reports.py",
    )
)


def browser_pass(path: Path, root: Path) -> str:
    """The CI pass (``sqlite`` or ``postgres``) a browser test file runs in."""
    return "postgres" if path.relative_to(root).as_posix() in POSTGRES_BROWSER_FILES else "sqlite"


def skip_browser_tests_of_the_other_pass(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In a CI pass, skip the browser tests that run in the other one."""
    ci_pass = os.environ.get("PARVIS_CI_PASS")
    if not ci_pass:
        return
    root = config.rootpath
    for item in items:
        if item.get_closest_marker("browser") is None:
            continue
        side = browser_pass(item.path, root)
        if side != ci_pass:
            item.add_marker(pytest.mark.skip(reason=f"browser test run in the {side} pass of CI"))
