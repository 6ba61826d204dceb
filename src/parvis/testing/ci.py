"""Tests that need not run in both passes of CI.

`.ci/run` runs the suite twice side by side (SQLite, then PostgreSQL + Redis) and names
each pass in ``PARVIS_CI_PASS``. A test whose outcome cannot depend on the database (a
pure engine, a model training that reads a corpus file) or that is bounded and slow is
marked ``once``: it runs in the PostgreSQL pass only, and always in a plain
``make test``."""

from __future__ import annotations

import os

import pytest

once = pytest.mark.skipif(
    os.environ.get("PARVIS_CI_PASS") == "sqlite",
    reason="run once in CI, in the PostgreSQL pass",
)
