"""One migrated test database per run, copied for each pytest-xdist worker.

Applying every migration to a new database takes most of a minute, and each worker of
``make test`` (five in CI) used to do it for its own database at the start of the run,
all at once on two cores. Here the first worker to arrive migrates a template database;
every worker then gets a copy of it (PostgreSQL: ``CREATE DATABASE … TEMPLATE``; SQLite:
the backup API), which takes a second. A file lock orders the workers; a marker file
names the run that made the template, so a template of an earlier run (older
migrations) is made again.

Without xdist (one process), the usual ``setup_databases`` runs.
"""

from __future__ import annotations

import fcntl
import os
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

WORKER_SUFFIX = re.compile(r"_gw\d+$")


def _template_name(worker_name: str, *, sqlite: bool, var_dir: Path) -> str:
    if sqlite:
        return str(var_dir / "test_parvis_template.sqlite3")
    return WORKER_SUFFIX.sub("", worker_name) + "_template"


def _copy_sqlite(template: str, target: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(target + suffix).unlink(missing_ok=True)
    with sqlite3.connect(template) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    source.close()
    copy.close()


def _copy_postgresql(connection: Any, template: str, target: str) -> None:
    quote = connection.ops.quote_name
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(target)}")
        cursor.execute(f"CREATE DATABASE {quote(target)} WITH TEMPLATE {quote(template)}")


def setup_worker_database(verbosity: int) -> Callable[[], None] | None:
    """Give this xdist worker its copy of the run's template database; returns the
    teardown, or ``None`` outside xdist (the caller then sets up as usual)."""
    from django.conf import settings
    from django.db import connection

    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    worker_name: str = connection.creation._get_test_db_name()  # type: ignore[attr-defined]
    if not run or not WORKER_SUFFIX.search(worker_name):
        return None
    sqlite = connection.vendor == "sqlite"
    var_dir = Path(settings.VAR_DIR)
    template = _template_name(worker_name, sqlite=sqlite, var_dir=var_dir)
    marker = var_dir / f"{Path(template).name}.run"
    original_name = connection.settings_dict["NAME"]
    var_dir.mkdir(parents=True, exist_ok=True)
    with (var_dir / f"{Path(template).name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not marker.exists() or marker.read_text() != run:
                test_settings = connection.settings_dict.setdefault("TEST", {})
                test_settings["NAME"] = template
                try:
                    connection.creation.create_test_db(
                        verbosity=verbosity, autoclobber=True, serialize=False
                    )
                finally:
                    test_settings["NAME"] = worker_name
                marker.write_text(run)
            connection.close()  # a PostgreSQL template is copied only with no session on it
            if sqlite:
                _copy_sqlite(template, worker_name)
            else:
                _copy_postgresql(connection, template, worker_name)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    settings.DATABASES[connection.alias]["NAME"] = worker_name
    connection.settings_dict["NAME"] = worker_name
    connection.close()
    connection.ensure_connection()

    def teardown() -> None:
        connection.creation.destroy_test_db(original_name, verbosity=verbosity)

    return teardown
