"""Celery settings of the platform (contact hub, reliable ingestion): only idempotent
tasks acknowledge late, and Redis's visibility timeout outlasts the longest task."""

from __future__ import annotations

import sys

from django.conf import settings

from parvis.celery import app


def _tasks() -> dict[str, object]:
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def test_acks_late_is_a_list_of_idempotent_tasks():
    assert settings.CELERY_TASK_ACKS_LATE is False
    assert app.conf.task_acks_late is False
    tasks = _tasks()
    late = {name for name, task in tasks.items() if task.acks_late}  # type: ignore[attr-defined]
    assert late == set(settings.IDEMPOTENT_TASKS)
    assert "contacts.process_inbound" in late
    # sending mail or a message twice is not idempotent: these acknowledge early
    for name in (
        "parvis.messaging.tasks.deliver",
        "parvis.accounts.tasks.send_account_email",
        "parvis.voice.tasks.send_private_link",
        "contacts.requeue_inbound",
    ):
        assert name in tasks and name not in late


def test_the_visibility_timeout_outlasts_the_longest_task():
    assert app.conf.task_time_limit == settings.CELERY_TASK_TIME_LIMIT
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit
    longest = max(
        [settings.CELERY_TASK_TIME_LIMIT]
        + [task.time_limit for task in _tasks().values() if task.time_limit]  # type: ignore[attr-defined]
    )
    assert longest < settings.BROKER_VISIBILITY_TIMEOUT_SECONDS
    if settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        options = app.conf.broker_transport_options
        assert options["visibility_timeout"] == settings.BROKER_VISIBILITY_TIMEOUT_SECONDS
    else:  # the embedded broker hands its options to SQLAlchemy: none set
        assert "visibility_timeout" not in (app.conf.broker_transport_options or {})


def test_the_requeue_sweep_is_on_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["contacts-requeue-inbound"]
    assert entry["task"] == "contacts.requeue_inbound"
    assert entry["schedule"] <= settings.CONTACTS_INBOUND_REQUEUE_SECONDS


def test_a_visibility_timeout_below_the_time_limit_is_refused_at_start_up(tmp_path):
    from parvis.core.tests.test_startup import _one_sentence, _run

    result = _run(
        [sys.executable, "-m", "parvis", "check"],
        {"CELERY_TASK_TIME_LIMIT": "600", "BROKER_VISIBILITY_TIMEOUT_SECONDS": "600"},
        tmp_path,
    )
    assert "BROKER_VISIBILITY_TIMEOUT_SECONDS must exceed" in _one_sentence(result)
