"""Routing's purge: agents' presence history (labour law: an agent's activity is kept
only as long as supervision needs it). Decisions go with their conversation (deleted
with it); the vulnerability's reason code with the conversation's texts (the hub)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.core.retention import days, register_purge
from parvis.routing.models import PresenceChange


def presence_history_purge(*, now: dt.datetime | None = None) -> int:
    """Presence changes older than ``ROUTING_PRESENCE_RETENTION_DAYS``; how many."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.ROUTING_PRESENCE_RETENTION_DAYS)
    deleted, _ = PresenceChange.objects.filter(at__lt=cutoff).delete()
    return deleted


def register() -> None:
    register_purge(
        "routing_presence_history",
        presence_history_purge,
        data=_("Historique de présence des agents (disponible, en pause, absent…) et motif"),
        purpose=_("Superviser les files en temps réel et expliquer un délai d’attente"),
        duration=lambda: days(settings.ROUTING_PRESENCE_RETENTION_DAYS, _("après le changement")),
    )
