"""Quality results: the indicator catalogue, the daily fact table, the computed and
declared results.

- ``Indicator`` is one entry of the catalogue (``catalogue.yaml``, loaded by
  ``services.catalogue_sync``); ``IndicatorVersion`` keeps every version, a change of
  calculator, unit or direction being a series break.
- ``DailyFact`` holds the measures of ``measures`` per local day × organisation × local
  service × site × département × channel × motif × queue; every level rolls up from it.
- ``Result`` is one published figure (indicator × level × territory × month) with its
  numerator, denominator and n, the catalogue version and parameters it was computed with;
  a month is frozen at M+15 days, a later change writes a ``ResultRevision``.
- ``DeclaredResult`` is a figure an organisation declares (CSV or API), with its source.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.quality import measures


class Unit(models.TextChoices):
    SHARE = "share", _("Part (%)")
    SECONDS = "seconds", _("Secondes")
    WORKING_DAYS = "working_days", _("Jours ouvrés")
    SCORE = "score", _("Note sur 5")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Plus haut, c’est mieux")
    LOWER = "lower", _("Plus bas, c’est mieux")


class DateBasis(models.TextChoices):
    CREATED = "created", _("Date d’arrivée du contact")
    RESOLVED = "resolved", _("Date de résolution")
    PUBLISHED = "published", _("Date de publication")
    MODERATED = "moderated", _("Date de la décision de modération")


class Level(models.TextChoices):
    SITE = "site", _("Site")
    SERVICE = "service", _("Service local")
    DEPARTEMENT = "departement", _("Département")
    REGION = "region", _("Région")
    ORGANISATION = "organisation", _("Organisme (national)")
    NATIONAL = "national", _("Tous organismes")


class Indicator(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("nom"), max_length=200)
    definition = models.TextField(_("définition"))
    unit = models.CharField(_("unité"), max_length=20, choices=Unit.choices)
    direction = models.CharField(_("sens"), max_length=10, choices=Direction.choices)
    date_basis = models.CharField(
        _("date de rattachement"), max_length=10, choices=DateBasis.choices
    )
    calculator = models.CharField(_("calculateur"), max_length=60)
    parameters = models.JSONField(_("paramètres"), default=dict, blank=True)
    levels = models.JSONField(_("niveaux d’agrégation"), default=list)
    min_n_publish = models.PositiveIntegerField(_("effectif minimal publié"), default=10)
    min_n_rank = models.PositiveIntegerField(_("effectif minimal classé"), default=30)
    commitments = models.JSONField(_("engagements Services Publics+"), default=list, blank=True)
    harmonised = models.BooleanField(_("harmonisé entre organismes"), default=True)
    sp_code = models.CharField(_("code indicateur Services Publics+"), max_length=40, blank=True)
    tolerance = models.CharField(_("tolérance"), max_length=200, blank=True)
    # Computed wins over declared when computed n ÷ declared n reaches this coverage.
    coverage_threshold = models.FloatField(_("couverture minimale du calcul"), default=0.9)
    position = models.PositiveSmallIntegerField(default=0)
    is_published = models.BooleanField(_("publié"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_sample(self) -> bool:
        from parvis.quality.calculators import REGISTRY

        calculator = REGISTRY.get(self.calculator)
        return bool(calculator and calculator.sample)

    @property
    def is_declared_only(self) -> bool:
        return self.calculator == "declared"


class IndicatorVersion(models.Model):
    """One version of an indicator's computation; a new one marks a series break."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveSmallIntegerField()
    calculator = models.CharField(max_length=60)
    unit = models.CharField(max_length=20, choices=Unit.choices)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    started_on = models.DateField(_("en vigueur depuis"))
    reason = models.CharField(_("raison du changement"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("version d’indicateur")
        verbose_name_plural = _("versions d’indicateurs")
        ordering = ["indicator", "version"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "version"], name="quality_one_version")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} v{self.version}"


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="quality_targets"
    )
    value = models.FloatField(_("cible"))

    class Meta:
        verbose_name = _("cible d’indicateur")
        verbose_name_plural = _("cibles d’indicateurs")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "organisation"], name="quality_one_target")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.organisation_id}"


class DailyFact(models.Model):
    """Measures of one local day and one combination of dimensions (see ``measures``)."""

    day = models.DateField()
    month = models.DateField()  # first day of ``day``'s month: results group by it
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    local_service = models.ForeignKey(
        "directory.LocalService",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_index=False,
    )
    site = models.ForeignKey(
        "directory.Site", on_delete=models.SET_NULL, null=True, related_name="+", db_index=False
    )
    departement = models.ForeignKey(
        "territories.Departement",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_index=False,
    )
    channel = models.ForeignKey(
        "directory.Channel",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_index=False,
    )
    motif = models.ForeignKey(
        "directory.Motif", on_delete=models.SET_NULL, null=True, related_name="+", db_index=False
    )
    queue = models.ForeignKey(
        "contacts.Queue", on_delete=models.SET_NULL, null=True, related_name="+", db_index=False
    )

    class Meta:
        verbose_name = _("fait quotidien")
        verbose_name_plural = _("faits quotidiens")
        indexes = [
            models.Index(fields=["day"], name="quality_fact_day"),
            models.Index(fields=["month", "organisation"], name="quality_fact_month"),
            # The voice of users' facts (no channel): the public figures' 12-month window.
            models.Index(
                fields=["month"], condition=models.Q(channel=None), name="quality_fact_voice"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.organisation_id}"


for _column in measures.integer_columns():
    DailyFact.add_to_class(_column, models.PositiveIntegerField(default=0))
for _column in measures.float_columns():
    DailyFact.add_to_class(_column, models.FloatField(default=0.0))


class ThemeFact(models.Model):
    """Published experiences citing one theme, per local day × organisation × local
    service × département, and the negative ones among them: the theme dimension of the
    voice of users. An experience cites several themes, so the theme cannot be a dimension
    of ``DailyFact`` (its experience would count once per theme there). Built with the
    daily facts, from the same rows."""

    day = models.DateField()
    month = models.DateField()
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    local_service = models.ForeignKey(
        "directory.LocalService",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_index=False,
    )
    departement = models.ForeignKey(
        "territories.Departement",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_index=False,
    )
    theme = models.ForeignKey(
        "directory.Theme", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    experiences = models.PositiveIntegerField(default=0)
    # ... of which with a negative tone (the reports' main pain points).
    negative = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("fait quotidien par thème")
        verbose_name_plural = _("faits quotidiens par thème")
        indexes = [
            models.Index(fields=["day"], name="quality_theme_fact_day"),
            models.Index(fields=["month", "organisation"], name="quality_theme_fact_month"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.organisation_id} {self.theme_id}"


class Source(models.TextChoices):
    COMPUTED = "computed", _("Calculé")
    DECLARED = "declared", _("Déclaré")


class Result(models.Model):
    """One figure: an indicator at one level, for one territory, for one month.

    ``key`` names the territory (a site or service id, an INSEE code, an organisation's
    slug, ``""`` for all organisations); ``organisation`` is null only for the
    cross-organisation national figure of a harmonised indicator."""

    # No index of their own: the unique constraint leads with the indicator and the place
    # index with the organisation (a month's results are rewritten at every refresh: each
    # index costs on every row).
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="results", db_index=False
    )
    version = models.PositiveSmallIntegerField()
    parameters = models.JSONField(default=dict)
    level = models.CharField(max_length=20, choices=Level.choices)
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        db_index=False,
    )
    key = models.CharField(max_length=80, blank=True)
    label = models.CharField(max_length=200, blank=True)
    month = models.DateField()
    value = models.FloatField(null=True)
    numerator = models.FloatField(null=True)
    denominator = models.FloatField(null=True)
    n = models.PositiveIntegerField(default=0)
    ci_low = models.FloatField(null=True)
    ci_high = models.FloatField(null=True)
    tolerance = models.FloatField(null=True)
    response_rate = models.FloatField(null=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.COMPUTED)
    # The declared figure of the same cell, kept visible when the computed one wins.
    declared_value = models.FloatField(null=True)
    declared_n = models.PositiveIntegerField(null=True)
    declared_source = models.CharField(max_length=200, blank=True)
    frozen = models.BooleanField(default=False)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("résultat")
        verbose_name_plural = _("résultats")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "level", "organisation", "key", "month"],
                name="quality_one_result",
            )
        ]
        indexes = [
            models.Index(fields=["indicator", "level", "month"], name="quality_result_level"),
            models.Index(fields=["organisation", "level", "key"], name="quality_result_place"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.level} {self.key} {self.month:%Y-%m}"

    def is_publishable(self, indicator: Indicator) -> bool:
        return self.value is not None and self.n >= indicator.min_n_publish


class ResultRevision(models.Model):
    """A change to a frozen month: the value before, the value after, and when."""

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="revisions")
    revised_at = models.DateTimeField(default=timezone.now)
    previous_value = models.FloatField(null=True)
    previous_n = models.PositiveIntegerField(default=0)
    value = models.FloatField(null=True)
    n = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("révision de résultat")
        verbose_name_plural = _("révisions de résultats")
        ordering = ["-revised_at"]

    def __str__(self) -> str:
        return f"{self.result_id} {self.revised_at:%Y-%m-%d}"


class DeclaredResult(models.Model):
    """A figure declared by an organisation (CSV import or API), with its provenance."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="declared")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="declared_results"
    )
    level = models.CharField(max_length=20, choices=Level.choices)
    key = models.CharField(max_length=80, blank=True)
    month = models.DateField()
    value = models.FloatField()
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    n = models.PositiveIntegerField()
    source = models.CharField(_("source"), max_length=200)
    declared_at = models.DateTimeField(default=timezone.now)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("résultat déclaré")
        verbose_name_plural = _("résultats déclarés")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "organisation", "level", "key", "month"],
                name="quality_one_declared",
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.key} {self.month:%Y-%m}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator.code,
            "level": self.level,
            "key": self.key,
            "month": self.month.strftime("%Y-%m"),
            "value": self.value,
            "n": self.n,
            "source": self.source,
        }


class TargetAlert(models.Model):
    """A target an organisation missed on one month, told once to its quality managers
    (one row per indicator × organisation × month: the idempotency of the alert)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="target_alerts")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="quality_alerts"
    )
    month = models.DateField(_("mois"))
    value = models.FloatField(_("valeur"))
    target = models.FloatField(_("cible"))
    n = models.PositiveIntegerField(_("effectif"), default=0)
    recipients = models.PositiveSmallIntegerField(_("destinataires"), default=0)
    created_at = models.DateTimeField(_("alerte émise le"), default=timezone.now)

    class Meta:
        verbose_name = _("alerte de cible manquée")
        verbose_name_plural = _("alertes de cibles manquées")
        ordering = ["-month", "indicator__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "organisation", "month"], name="quality_one_alert"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.organisation_id} {self.month:%Y-%m}"
