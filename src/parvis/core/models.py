"""Platform plumbing: worker heartbeat, the real-time relay used in embedded mode, the
abstract transition log every lifecycle's log extends (``core.workflow``) and the counters
of short references (``services.next_reference``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """Last sign of life of each Celery worker, shown to platform admins and /healthz."""

    hostname = models.CharField(_("nom d’hôte"), max_length=255, unique=True)
    last_seen = models.DateTimeField(_("dernier signe de vie"))
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("état d’un processus de tâches")
        verbose_name_plural = _("états des processus de tâches")
        ordering = ["hostname"]

    def __str__(self) -> str:
        return self.hostname


class RealtimeEvent(models.Model):
    """An event emitted by a process that cannot reach the ASGI process's channel layer.

    In embedded mode (no Redis) the channel layer lives in the ASGI process's memory; a
    worker writes events here and a relay task in the ASGI process forwards them.
    """

    group = models.CharField(max_length=200)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("événement temps réel")
        verbose_name_plural = _("événements temps réel")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.group} #{self.pk}"


class TransitionLog(models.Model):
    """One move of a lifecycle (``core.workflow.Machine.apply`` writes it): from, to, which
    move, who (an account, or a label: "système", "auteur", a team), why, when.

    Abstract: each lifecycle's concrete log declares the foreign key to its object (and
    may redeclare ``from_status``/``to_status`` with its states as choices, and add its
    own columns, e.g. simplification's public history).
    """

    from_status = models.CharField(max_length=20, blank=True)  # "" is the creation
    to_status = models.CharField(max_length=20)
    move = models.CharField(max_length=30, blank=True)  # the move's name in the table
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=100, blank=True)  # capacity or "système"
    reason_code = models.CharField(max_length=30, blank=True)  # coded reason, if any
    note = models.TextField(blank=True)  # internal note of the person; never citizen text
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        """« En modération → Publiée »: the states' labels when the concrete log declares
        them as choices (its ``from_status``/``to_status``)."""
        return f"{self._state_label('from_status') or '∅'} → {self._state_label('to_status')}"

    def _state_label(self, name: str) -> str:
        value = getattr(self, name)
        labels = dict(self._meta.get_field(name).flatchoices)  # type: ignore[union-attr]
        return str(labels.get(value, value)) if value else ""


class ReferenceCounter(models.Model):
    """Last number given to the references ``<prefix>-<year>-<n>`` of one prefix in one
    year (``services.next_reference`` increments it under a row lock)."""

    prefix = models.CharField(verbose_name=_("préfixe"), max_length=10)
    year = models.PositiveSmallIntegerField(_("année"))
    last = models.PositiveIntegerField(_("dernier numéro attribué"), default=0)

    class Meta:
        verbose_name = _("compteur de références")
        verbose_name_plural = _("compteurs de références")
        ordering = ["prefix", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["prefix", "year"], name="core_one_reference_counter_per_prefix_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"
