"""Celery application. Tasks are thin wrappers around services (see STYLE.md)."""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from celery import Celery
from celery.signals import worker_ready
from kombu.transport import sqlalchemy as kombu_sqlalchemy

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")

# Embedded broker: kombu's SQLAlchemy transport polls the queue table, by default once a
# second, which caps each worker process near one task a second. Its transport options
# go to SQLAlchemy's create_engine, so the interval is set on the class instead.
kombu_sqlalchemy.Transport.polling_interval = 0.05

app = Celery("parvis")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

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
