"""Start-up of every parvis process (the ``parvis`` command, ``manage.py``, ASGI, WSGI,
Celery): a configuration error is one sentence on stderr and exit status 1, not a
traceback. ``settings.py`` raises ``ImproperlyConfigured`` with a sentence naming what is
missing or wrong; tests and library use still see the exception itself."""

from __future__ import annotations

import os


def settings_or_exit() -> None:
    """Load the settings now; on a configuration error, end the process with its message."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018  (imports the settings module)
    except ImproperlyConfigured as error:
        raise SystemExit(f"parvis cannot start: {error}") from None
