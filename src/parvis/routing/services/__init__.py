"""Routing's writes, by concern: ``entries`` (the mirror of the hub's queued
conversations), ``presence``, ``offers`` (accept, decline, expiry, escalation),
``supervision`` and ``callbacks``. The decisions themselves are ``routing.engine``."""
