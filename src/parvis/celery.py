"""Celery application. Tasks are thin wrappers around services (see STYLE.md)."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")

app = Celery("parvis")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
