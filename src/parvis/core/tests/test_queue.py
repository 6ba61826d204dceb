"""Sending tasks after commit: a broker failure never fails a request that has committed.
Worker threads leave no connection behind."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from kombu.exceptions import OperationalError

from parvis.celery import _warm_language_engine, app
from parvis.core import queue
from parvis.core.tasks import publish_event
from parvis.language import engine


def test_a_refused_send_is_logged_and_reported(monkeypatch, caplog):
    monkeypatch.setattr(app.conf, "task_always_eager", False)

    def unreachable(*args):  # what kombu raises when the broker does not answer
        raise OperationalError("[Errno 111] Connection refused")

    monkeypatch.setattr(publish_event, "delay", unreachable)
    assert queue.send(publish_event, "group", {}) is False


def test_in_eager_mode_task_errors_go_through(monkeypatch):
    def failing(*args):
        raise ValueError("a bug in the task")

    monkeypatch.setattr(publish_event, "delay", failing)
    with pytest.raises(ValueError):
        queue.send(publish_event, "group", {})


@pytest.mark.django_db
def test_send_on_commit_waits_for_the_commit(monkeypatch, django_capture_on_commit_callbacks):
    sent: list[tuple] = []
    monkeypatch.setattr(publish_event, "delay", lambda *args: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        queue.send_on_commit(publish_event, "group", {"a": 1})
        assert sent == []
    assert len(callbacks) == 1 and sent == [("group", {"a": 1})]


@pytest.mark.django_db(transaction=True)
def test_the_worker_warm_up_thread_closes_its_persistent_connection(monkeypatch, settings):
    """Each worker process warms the language engine in a thread that queries the
    database; with persistent connections (workers keep them 60 s) that thread's
    connection stayed open, idle, for the life of the process."""
    used: list = []

    def warm() -> None:  # the real warm-up reads the taxonomy
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        used.append((connections["default"], threading.current_thread()))

    settings.LANGUAGE_WARM_WORKERS = True
    monkeypatch.setattr(engine, "warm", warm)
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)  # a worker's
    started = set(threading.enumerate())
    _warm_language_engine()
    for thread in set(threading.enumerate()) - started:
        thread.join()
    [(thread_connection, thread)] = used
    assert thread.name == "parvis-language-warm" and not thread.is_alive()
    assert thread_connection is not connection  # its own, not this test's
    assert thread_connection.connection is None  # closed, not left to the garbage collector
