"""The delivery log: one row per outbound message, and the outbox of queued ones.

A row never holds an address in clear: ``recipient_digest`` is a keyed digest
(``core.crypto.keyed_digest``). A queued message waits with its address and rendered text
encrypted in ``payload_encrypted``, erased as soon as the row reaches a final status.
The error kept is the exception's class, never its message (which can quote an address).
"""

from __future__ import annotations

import uuid

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Courriel")
    SMS = "sms", _("SMS")
    CHAT = "chat", _("Messagerie instantanée")
    WEBHOOK = "webhook", _("Webhook d’organisme")


class DeliveryStatus(models.TextChoices):
    """queued → sending → sent → delivered | failed | dead_letter (see ``services``)."""

    QUEUED = "queued", _("En attente d’envoi")
    SENDING = "sending", _("Envoi en cours")
    SENT = "sent", _("Envoyé")
    DELIVERED = "delivered", _("Distribué")
    FAILED = "failed", _("Échec, nouvel essai prévu")
    DEAD_LETTER = "dead_letter", _("Abandonné")


# No further attempt is made from these (``sent`` is final for transports that give no
# delivery receipt, such as email).
FINAL_STATUSES = frozenset(
    {DeliveryStatus.SENT, DeliveryStatus.DELIVERED, DeliveryStatus.DEAD_LETTER}
)


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


class Delivery(models.Model):
    channel = models.CharField(_("canal"), max_length=20, choices=Channel.choices)
    provider = models.CharField(_("fournisseur"), max_length=50)
    template = models.CharField(_("modèle"), max_length=150)
    recipient_digest = models.CharField(
        _("empreinte du destinataire"), max_length=64, db_index=True
    )
    owner_type = models.ForeignKey(
        ContentType,
        verbose_name=_("type de l’objet concerné"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    owner_id = models.PositiveBigIntegerField(
        _("identifiant de l’objet concerné"), null=True, blank=True
    )
    owner = GenericForeignKey("owner_type", "owner_id")
    idempotency_key = models.CharField(
        _("clé d’idempotence"), max_length=200, unique=True, default=new_idempotency_key
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("essais"), default=0)
    error_class = models.CharField(_("type d’erreur"), max_length=100, blank=True)
    provider_message_id = models.CharField(
        _("identifiant chez le fournisseur"), max_length=255, blank=True
    )
    payload_encrypted = models.TextField(_("message chiffré en attente"), blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("dernier changement"), auto_now=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("distribué le"), null=True, blank=True)

    class Meta:
        verbose_name = _("message sortant")
        verbose_name_plural = _("messages sortants")
        ordering = ("-created_at", "-pk")
        indexes = [
            models.Index(fields=["status", "updated_at"], name="messaging_status_idx"),
            models.Index(fields=["owner_type", "owner_id"], name="messaging_owner_idx"),
            models.Index(fields=["provider", "provider_message_id"], name="messaging_receipt_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.template} ({self.get_status_display()})"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES
