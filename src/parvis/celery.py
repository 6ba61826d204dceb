"""Celery application. Tasks are thin wrappers around services (see STYLE.md)."""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")

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
