"""The Procfile's web command, started for real by tests, testing off, on the test database.

The suite's own settings hide what only the deployed process does (``TESTING`` forces
``CONN_MAX_AGE=0``; the test client has no server in front): such checks run the
``web:`` line of the ``Procfile`` through the shell, as honcho does, and talk HTTP to it:

    with procfile_web(tmp_path, WEB_CONCURRENCY="2") as base_url:
        httpx.get(f"{base_url}/healthz")

The server's cache and channel-layer namespaces and its broker are its own; its process
group is ended when the block exits, whatever happened.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from django.conf import settings
from django.db import connection

STARTUP_TIMEOUT_SECONDS = 120  # a cold start on a busy CI machine
# Set by other fixtures of the test process; the server decides these for itself.
_NOT_INHERITED = {"DJANGO_ALLOW_ASYNC_UNSAFE", "PARVIS_PROCESS", "PARVIS_TESTING"}


def database_url() -> str:
    """The URL of the database this test process uses (the test database)."""
    cfg = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{cfg['NAME']}"
    auth = cfg["USER"] + (f":{cfg['PASSWORD']}" if cfg["PASSWORD"] else "")
    return f"postgres://{auth}@{cfg['HOST'] or '127.0.0.1'}:{cfg['PORT'] or 5432}/{cfg['NAME']}"


def procfile_line(name: str) -> str:
    """The command of process ``name`` in the Procfile, its ``.venv/bin/`` programs taken
    from this interpreter's virtualenv (a worktree may have none of its own)."""
    procfile = settings.PROJECT_DIR / "Procfile"
    for line in procfile.read_text().splitlines():
        kind, _, command = line.partition(":")
        if kind.strip() == name:
            return command.strip().replace(".venv/bin/", f"{Path(sys.executable).parent}/")
    raise LookupError(f"no {name!r} process in {procfile}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End the server's process group (uvicorn's supervisor and its workers)."""
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def procfile_web(tmp_path: Path, **env: str) -> Iterator[str]:
    """Run the Procfile's ``web`` command (testing off) on the test database; yield its
    base URL. ``env`` adds or overrides variables of the server's environment."""
    port = _free_port()
    server_env = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
    server_env.update(
        DATABASE_URL=database_url(),
        PARVIS_TESTING="false",
        HOST="127.0.0.1",
        PORT=str(port),
        # This checkout's code, whatever the virtualenv's editable install points to.
        PYTHONPATH=os.pathsep.join(
            [str(settings.PACKAGE_DIR.parent), *filter(None, [os.environ.get("PYTHONPATH")])]
        ),
        CACHE_KEY_PREFIX=f"parvis-web-test-{uuid.uuid4().hex[:8]}",
        CHANNEL_LAYER_PREFIX=f"parvis-web-test-{uuid.uuid4().hex[:8]}",
        TRUSTED_PROXY_COUNT="0",
        LOG_LEVEL="WARNING",
    )
    if not settings.REDIS_URL:
        server_env["CELERY_BROKER_URL"] = f"sqla+sqlite:///{tmp_path / 'web-broker.sqlite'}"
    server_env.update(env)
    log_path = tmp_path / "web.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - the project's own Procfile line
            ["/bin/sh", "-c", f"exec {procfile_line('web')}"],
            cwd=settings.PROJECT_DIR,
            env=server_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, ended as a whole
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the web command exited:\n{log_path.read_text()}")
            try:
                httpx.get(f"{base_url}/healthz", timeout=5)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"the web command did not answer:\n{log_path.read_text()}"
                    ) from None
                time.sleep(0.2)
        yield base_url
    finally:
        _stop(process)
        print(log_path.read_text()[-5000:])  # shown by pytest when the test fails
