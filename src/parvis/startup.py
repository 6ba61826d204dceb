"""Start-up of every parvis process (the ``parvis`` command, ``manage.py``, ASGI, WSGI,
Celery): a configuration error is one sentence on stderr and exit status 1, not a
traceback. ``settings.py`` raises ``ImproperlyConfigured`` with a sentence naming what is
missing or wrong; tests and library use still see the exception itself. A web process
then freezes what it loaded out of the garbage collector's scans (``freeze_loaded``), and
once more what its first request built."""

from __future__ import annotations

import gc
import os
from typing import Any

# ``request_finished``'s receiver that freezes again after the first request.
_AFTER_FIRST_REQUEST = "parvis.startup.freeze_after_first_request"


def settings_or_exit() -> None:
    """Load the settings now; on a configuration error, end the process with its message."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018  (imports the settings module)
    except ImproperlyConfigured as error:
        raise SystemExit(f"parvis cannot start: {error}") from None


def freeze_loaded() -> None:
    """Collect once, then move every object alive (Django, the apps, the libraries: about
    290,000 objects once the application is loaded) to the collector's permanent
    generation. They live as long as the process anyway; left in the oldest generation,
    each full collection walked them all: a pause of 50 to 180 ms on whichever request
    crossed the threshold, every 20 to 30 wallboard requests (measured on the supervision
    wallboard's JSON, where it made the 95th percentile). Called once the web
    application is built (``parvis.asgi``, ``parvis.wsgi``); never under tests, whose
    objects (connections, servers) must stay collectable from one test to the next.

    What the first request builds lives as long as the process too (the middleware
    chain, URL resolvers, templates, the API's schemas and validators: about 56,000
    objects on the wallboard's JSON): left in the oldest generation, they made each full
    collection 60 to 150 ms on a request of the wallboard's day counted afresh, one request
    in ten (20 to 30 ms once frozen). So the first request's end freezes once more
    (``request_finished``, once per process)."""
    from django.conf import settings
    from django.core.signals import request_finished

    if settings.TESTING:
        return
    gc.collect()
    gc.freeze()
    request_finished.connect(
        _freeze_after_first_request, dispatch_uid=_AFTER_FIRST_REQUEST, weak=False
    )


def _freeze_after_first_request(**_kwargs: Any) -> None:
    from django.core.signals import request_finished

    request_finished.disconnect(dispatch_uid=_AFTER_FIRST_REQUEST)
    gc.collect()
    gc.freeze()
