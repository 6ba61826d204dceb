"""Celery application. Tasks are thin wrappers around services (see STYLE.md)."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from typing import Any

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_process_init, worker_ready
from kombu.transport import sqlalchemy as kombu_sqlalchemy
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.engine import Engine

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")

# Embedded broker: kombu's SQLAlchemy transport polls the queue table, by default once a
# second, which caps each worker process near one task a second. Its transport options
# go to SQLAlchemy's create_engine, so the interval is set on the class instead.
kombu_sqlalchemy.Transport.polling_interval = 0.05


@sqlalchemy_event.listens_for(Engine, "connect")
def _embedded_broker_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """The embedded broker's SQLite file in WAL mode: publishing no longer waits for a
    journal fsync per message (milliseconds each), and the worker's reads do not block
    the web process's writes. Only kombu's transport uses SQLAlchemy here."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


app = Celery("parvis")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_configure.connect
def _settings_or_exit(sender: Any = None, **kwargs: Any) -> None:
    """The worker and beat read Django's settings here first: a configuration error is
    one sentence, not a traceback."""
    from parvis.startup import settings_or_exit

    settings_or_exit()


HEARTBEAT_INTERVAL_SECONDS = 30


@worker_ready.connect
def _start_heartbeat(sender: Any = None, **kwargs: Any) -> None:
    """Each worker records its own heartbeat, whatever the queue is doing."""
    from django.db import close_old_connections

    from parvis.core.services import worker_heartbeat_record

    hostname = getattr(sender, "hostname", None)
    stop = threading.Event()

    def beat() -> None:
        while not stop.is_set():
            try:
                worker_heartbeat_record(hostname=hostname)
            except Exception:  # keep beating after a transient DB error
                logging.getLogger(__name__).warning("worker_heartbeat_failed", exc_info=True)
            finally:
                close_old_connections()
            stop.wait(HEARTBEAT_INTERVAL_SECONDS)

    threading.Thread(target=beat, name="parvis-heartbeat", daemon=True).start()


@worker_process_init.connect
def _warm_language_engine(**kwargs: Any) -> None:
    """Each worker process loads the language engine as it starts, in a thread: process
    start-up must answer the pool within seconds, and a task that needs the engine
    before it is ready simply waits for the engine's lock. The thread closes its own
    database connection as it ends: a persistent one (``CONN_MAX_AGE``) would stay open,
    idle, for the life of the process."""
    from django.conf import settings

    if not settings.LANGUAGE_WARM_WORKERS:
        return

    def warm() -> None:
        from django.db import connections

        from parvis.language import engine

        try:
            engine.warm()
        except Exception:  # reported; the first task loads it (and fails clearly) instead
            logging.getLogger(__name__).warning("language_engine_warm_failed", exc_info=True)
        finally:
            connections.close_all()  # this thread's connections only

    threading.Thread(target=warm, name="parvis-language-warm", daemon=True).start()


@task_prerun.connect
@task_postrun.connect
def _recycle_database_connections(sender: Any = None, **kwargs: Any) -> None:
    """Keep the connection between tasks within ``CONN_MAX_AGE``, dropping broken or
    expired ones, as Django does between requests (see ``CELERY_DB_REUSE_MAX``). Not for
    eager tasks: they run inside the caller's transaction."""
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
