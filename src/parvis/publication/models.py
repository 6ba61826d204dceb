"""Publication: the public read model of the voice of users, its figures and open data.

``PublicExperience`` is a denormalised copy of what is public about an experience, and
nothing else: masked title and text, the masked public answer, taxonomy and place. Public
pages, the public API and the open-data exports read only these tables, so no public code
path can reach an encrypted original, an author or an email. Rows are (re)built from
``voice`` by ``services.publication_sync`` after every change (``voice.events``).

Full-text search lives beside the table and is vendor-specific (``search.py``):

* PostgreSQL: a stored generated ``search_vector tsvector`` column (French stemming,
  accents removed by the ``french_unaccent`` configuration) with a GIN index, created by
  migration ``0002``; Django's model state does not know the column.
* SQLite: an FTS5 table ``publication_search`` (``remove_diacritics 2``) kept in step by
  the sync code.

The figures of the experiences are not stored here: they are indicators of the quality
catalogue (``parvis.quality``), which the figures pages read through
``selectors.figures_*``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from parvis.directory.models import (
    Channel,
    JourneyStage,
    LocalService,
    Motif,
    Organisation,
    Site,
    Theme,
)
from parvis.territories.models import Commune, Departement
from parvis.voice.models import experience_tone_label

# Columns the listing filters on (themes aside), carried by each listing index.
FILTER_COLUMNS = (
    "organisation",
    "local_service",
    "departement",
    "motif",
    "journey_stage",
    "channel",
    "tone",
    "is_answered",
)


class PublicExperience(models.Model):
    """One published experience, masked, with its published answer (if any)."""

    # voice.Experience primary key: internal, for the sync only (never shown, never exported).
    experience_id = models.BigIntegerField(unique=True)
    # Stable public identifier: permanent URL, API and open data.
    uuid = models.UUIDField(_("identifiant public"), unique=True)

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    local_service = models.ForeignKey(
        LocalService,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    site = models.ForeignKey(
        Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    departement = models.ForeignKey(
        Departement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("département"),
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    motif = models.ForeignKey(
        Motif, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    journey_stage = models.ForeignKey(
        JourneyStage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    channel = models.ForeignKey(
        Channel,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    themes: models.ManyToManyField[Theme, Any] = models.ManyToManyField(
        Theme, through="PublicExperienceTheme", related_name="+", blank=True
    )
    tone = models.CharField(_("tonalité"), max_length=10, blank=True)
    happened_on = models.DateField(_("date de l’expérience"), null=True, blank=True)

    published_at = models.DateTimeField(_("publiée le"))
    # First day of the publication month in the platform's time zone (figures group by it).
    published_month = models.DateField()
    title = models.CharField(_("titre"), max_length=200, blank=True)
    text = models.TextField(_("texte"))

    is_answered = models.BooleanField(_("répondue"), default=False)
    answer_text = models.TextField(_("réponse"), blank=True)
    answer_signer = models.CharField(_("signataire de la réponse"), max_length=200, blank=True)
    answer_published_at = models.DateTimeField(_("réponse publiée le"), null=True, blank=True)
    # Copy of ``voice.Experience.answer_due_at``: « en retard » compares it with the time
    # the page is read.
    answer_due_at = models.DateTimeField(_("réponse attendue avant le"), null=True, blank=True)
    # Working days of the experience's place from its publication to the answer's
    # (``voice.selectors.answer_delay_working_days``); the figures' delays are made of it.
    answer_delay_days = models.PositiveIntegerField(null=True, blank=True)
    helpful_yes = models.PositiveIntegerField(default=0)
    helpful_no = models.PositiveIntegerField(default=0)
    is_archived = models.BooleanField(verbose_name=_("archivée"), default=False)

    synced_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("expérience publiée")
        verbose_name_plural = _("expériences publiées")
        ordering = ["-published_at", "-id"]
        # Each filter of the listing leads an index ordered by date, so « filter + newest
        # first + LIMIT » reads a few index entries whatever the table size. On
        # PostgreSQL every index also carries the other filter columns (INCLUDE): a second
        # filter and the capped count are then answered from the index alone (index-only
        # scans), without visiting the table. SQLite ignores INCLUDE.
        indexes = [
            models.Index(
                fields=["-published_at", "-id"], name="pubexp_published_cov", include=FILTER_COLUMNS
            ),
            *[
                models.Index(
                    fields=[column, "-published_at"],
                    name=f"pubexp_{short}_cov",
                    include=tuple(c for c in FILTER_COLUMNS if c != column),
                )
                for column, short in (
                    ("organisation", "org"),
                    ("local_service", "service"),
                    ("departement", "dept"),
                    ("motif", "motif"),
                    ("journey_stage", "stage"),
                    ("channel", "channel"),
                    ("tone", "tone"),
                    ("is_answered", "answered"),
                )
            ],
        ]

    def __str__(self) -> str:
        return self.title or f"Expérience {self.uuid}"

    def is_late_at(self, now: dt.datetime) -> bool:
        """Still waiting for the service's answer past its due date at ``now`` (the time
        the page is read: there is no stored « late » flag). Archived experiences are
        closed to answers."""
        return (
            not self.is_answered
            and not self.is_archived
            and self.answer_due_at is not None
            and now >= self.answer_due_at
        )

    @property
    def helpful_total(self) -> int:
        return self.helpful_yes + self.helpful_no

    @property
    def tone_label(self) -> str:
        """« Expérience positive »... ("" without a tone)."""
        return experience_tone_label(self.tone)


class PublicExperienceTheme(models.Model):
    # Both directions are covered by the unique constraint and the index below.
    experience = models.ForeignKey(
        PublicExperience, on_delete=models.CASCADE, related_name="theme_links", db_index=False
    )
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="+", db_index=False)

    class Meta:
        verbose_name = _("thème d’une expérience publiée")
        verbose_name_plural = _("thèmes des expériences publiées")
        constraints = [
            models.UniqueConstraint(fields=["experience", "theme"], name="pubexp_theme_unique")
        ]
        indexes = [models.Index(fields=["theme", "experience"], name="pubexp_theme_exp")]

    def __str__(self) -> str:
        return f"{self.experience_id} · {self.theme_id}"


# Levels of the figures pages, the API and the ``chiffres`` open data: the same codes as
# the quality results' levels (``quality.models.Level``).
class FigureScope(models.TextChoices):
    NATIONAL = "national", _("National")
    ORGANISATION = "organisation", _("Organisme")
    SERVICE = "service", _("Service local")
    DEPARTEMENT = "departement", _("Département")


# ``period`` of the rolling window; months are written « 2025-03 ».
LAST_12_MONTHS = "12m"


class OpenDataFile(models.Model):
    """One published open-data file (the latest of its dataset and format)."""

    name = models.CharField(
        _("nom"), max_length=100, unique=True
    )  # file name under MEDIA_ROOT/opendata
    dataset = models.CharField(_("jeu de données"), max_length=50)
    format = models.CharField(max_length=20)  # csv, json, schema, datapackage
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    rows = models.PositiveIntegerField(_("lignes"), null=True, blank=True)
    size = models.PositiveBigIntegerField(_("taille"), default=0)
    sha256 = models.CharField(max_length=64)
    generated_at = models.DateTimeField(_("généré le"))

    class Meta:
        ordering = ["dataset", "format"]
        verbose_name = _("fichier de données ouvertes")
        verbose_name_plural = _("fichiers de données ouvertes")

    def __str__(self) -> str:
        return self.name


class OpenDataChange(models.Model):
    """When a dataset's source last changed, and when it was last exported: lets a
    frequent task re-export small datasets soon after a change (the daily export does
    everything anyway)."""

    dataset = models.CharField(max_length=50, unique=True)
    changed_at = models.DateTimeField(null=True, blank=True)
    exported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("changement de jeu de données")
        verbose_name_plural = _("changements de jeux de données")

    def __str__(self) -> str:
        return self.dataset
