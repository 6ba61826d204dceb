"""Sending Celery tasks from services, after the data they need is committed.

A request that has committed its writes must not fail because the broker is briefly
unreachable: the citizen's experience is saved, and answering them with an error would
make them submit it again. So a failed send is logged, not raised, and the periodic
sweepers (``voice.tasks.requeue_pending`` …) send again whatever work stayed pending.
Eager mode (the unit tests) runs the task in place and lets its errors through.
"""

from __future__ import annotations

from typing import Any

import structlog
from celery import Task
from django.db import transaction

logger = structlog.get_logger(__name__)


def send(task: Task, *args: Any) -> bool:
    """``task.delay(*args)``; ``False`` (logged) when the broker refused it."""
    if task.app.conf.task_always_eager:
        task.delay(*args)
        return True
    try:
        task.delay(*args)
    except Exception as error:  # kombu raises OperationalError, OSError, SQLAlchemy errors…
        logger.warning("task_send_failed", task=task.name, error=type(error).__name__)
        return False
    return True


def send_on_commit(task: Task, *args: Any) -> None:
    """``send`` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: send(task, *args))
