"""Sending tasks after commit: a broker failure never fails a request that has committed."""

from __future__ import annotations

import pytest
from kombu.exceptions import OperationalError

from parvis.celery import app
from parvis.core import queue
from parvis.core.tasks import publish_event


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
