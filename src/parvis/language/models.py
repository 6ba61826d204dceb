"""Training data of the language engine.

The shipped corpus (``corpus/qualification.jsonl``) is mirrored into ``TrainingExample``
so that administrators see it next to the examples they add for a new motif;
``parvis train_language`` trains the qualifier from this table.
"""

from __future__ import annotations

import hashlib

from django.db import models
from django.utils.translation import gettext_lazy as _

from parvis.directory.models import Motif


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class TrainingExample(models.Model):
    class Source(models.TextChoices):
        CORPUS = "corpus", _("Corpus livré")
        ADMIN = "admin", _("Ajouté par un administrateur")

    class Register(models.TextChoices):
        LETTER = "lettre", _("Courrier formel")
        EMAIL = "courriel", _("Courriel")
        SMS = "sms", _("SMS")
        TRANSCRIPT = "transcription", _("Transcription d'appel")
        THIRD_PARTY = "tiers", _("Écrit par un tiers (travailleur social, proche)")
        CHAT = "chat", _("Messagerie instantanée")
        TESTIMONIAL = "temoignage", _("Témoignage")
        FORM = "formulaire", _("Formulaire de contact")
        OTHER = "autre", _("Autre")

    motif = models.ForeignKey(
        Motif,
        on_delete=models.CASCADE,
        related_name="training_examples",
        verbose_name=_("motif"),
    )
    text = models.TextField(_("texte"))
    text_hash = models.CharField(max_length=64, editable=False)
    register = models.CharField(
        _("registre"), max_length=20, choices=Register.choices, default=Register.OTHER
    )
    family = models.CharField(_("famille de modèles"), max_length=120, blank=True)
    source = models.CharField(
        _("origine"), max_length=10, choices=Source.choices, default=Source.ADMIN
    )
    is_active = models.BooleanField(_("utilisé pour l'entraînement"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["motif__organisation__slug", "motif__slug", "id"]
        constraints = [
            models.UniqueConstraint(fields=["motif", "text_hash"], name="unique_example_per_motif")
        ]
        verbose_name = _("exemple d'entraînement")
        verbose_name_plural = _("exemples d'entraînement")

    def __str__(self) -> str:
        return self.text[:80]


class MotifTrainingStatus(Motif):
    """The motifs seen from the language engine: is each one known to the trained model?"""

    class Meta:
        proxy = True
        verbose_name = _("motif (état de l'entraînement)")
        verbose_name_plural = _("motifs (état de l'entraînement)")
