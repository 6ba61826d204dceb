"""Tests that need not run in both passes of CI.

`.ci/run` runs the suite twice side by side (SQLite, then PostgreSQL + Redis) and names
each pass in ``PARVIS_CI_PASS``. Marked ``once``, a test runs in the PostgreSQL pass
only (and always in a plain ``make test``). For:

* tests whose outcome cannot depend on the database: a pure engine, a model training
  that reads a corpus file, settings checked in a subprocess, the OpenAPI document;
* slow sweeps whose database-specific risk is PostgreSQL's: the hostile-input sweep
  (PostgreSQL refuses NUL where SQLite stores it), the API fuzz, real server processes
  on its connection pool, tests that create a PostgreSQL database in either pass;
* whole-demo seeds, which the role walk already runs on SQLite.

Each marked test says why beside its mark.

The other way round, ``sqlite_pass_only`` keeps a test out of the PostgreSQL pass, the
longer one: for large families of pure tests that touch no database at all (the
anonymiser's rules on text, marked by path in ``language/tests/conftest.py``)."""

from __future__ import annotations

import os

import pytest

once = pytest.mark.skipif(
    os.environ.get("PARVIS_CI_PASS") == "sqlite",
    reason="run once in CI, in the PostgreSQL pass",
)

sqlite_pass_only = pytest.mark.skipif(
    os.environ.get("PARVIS_CI_PASS") == "postgres",
    reason="pure test, run once in CI, in the SQLite pass",
)
