"""Routing's writes, by concern: ``entries`` (the mirror of the hub's queued
conversations), ``presence``, ``offers`` (accept, decline, expiry, escalation),
``supervision`` (the wallboard's actions), ``configuration`` (a queue's settings, its
tiers and the agents' skill levels, edited by its supervisors) and ``callbacks``. The
decisions themselves are ``routing.engine``."""
