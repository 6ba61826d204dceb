"""INSEE territories (COG): régions, départements, communes and their former codes.

Loaded from a vendored extract of ``@etalab/decoupage-administratif`` (see
``territories/data/`` and ``scripts/vendor_territories.py``); never fetched at run time.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=200)
    sort_key = models.CharField(max_length=200, db_index=True, editable=False)
    is_overseas = models.BooleanField(_("outre-mer"), default=False)

    class Meta:
        ordering = ["sort_key"]
        verbose_name = _("région")
        verbose_name_plural = _("régions")

    def __str__(self) -> str:
        return self.name


class Departement(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=200)
    sort_key = models.CharField(max_length=200, db_index=True, editable=False)
    # Null for overseas collectivités (975, 977, 978, 98x) which belong to no région.
    region = models.ForeignKey(
        Region,
        verbose_name=_("région"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="departements",
    )
    is_overseas = models.BooleanField(_("outre-mer"), default=False)
    # Overseas collectivités (COM) are kept but excluded from région aggregates.
    is_collectivity = models.BooleanField(_("collectivité d'outre-mer"), default=False)
    timezone = models.CharField(_("fuseau horaire"), max_length=64, default="Europe/Paris")
    holiday_subdivision = models.CharField(
        _("subdivision des jours fériés"), max_length=8, blank=True, default=""
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("département")
        verbose_name_plural = _("départements")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Commune(models.Model):
    """A current commune, keyed by its INSEE code (unique among current communes)."""

    code = models.CharField(_("code INSEE"), max_length=5, primary_key=True)
    name = models.CharField(_("nom"), max_length=200)
    sort_key = models.CharField(max_length=200, db_index=True, editable=False)
    # Accent- and case-free name (``core.text.search_key``) for prefix search.
    search_key = models.CharField(max_length=200, db_index=True, editable=False, default="")
    departement = models.ForeignKey(
        Departement,
        verbose_name=_("département"),
        on_delete=models.PROTECT,
        related_name="communes",
    )
    postcodes = models.JSONField(_("codes postaux"), default=list, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["sort_key"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class CommuneAlias(models.Model):
    """Communes déléguées, associées and former codes, so old addresses still resolve."""

    class Kind(models.TextChoices):
        DELEGATED = "deleguee", _("commune déléguée")
        ASSOCIATED = "associee", _("commune associée")
        MUNICIPAL_ARRONDISSEMENT = "arrondissement", _("arrondissement municipal")
        FORMER = "ancienne", _("ancien code")

    code = models.CharField(_("code INSEE"), max_length=5, db_index=True)
    # Empty for a former code the reference gives without its name.
    name = models.CharField(_("nom"), max_length=200, blank=True)
    search_key = models.CharField(max_length=200, db_index=True, editable=False, default="")
    kind = models.CharField(_("nature"), max_length=16, choices=Kind.choices)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="aliases")

    class Meta:
        ordering = ["code", "name"]
        verbose_name = _("ancien code ou commune déléguée")
        verbose_name_plural = _("anciens codes et communes déléguées")
        constraints = [
            models.UniqueConstraint(fields=["code", "kind", "commune", "name"], name="unique_alias")
        ]

    def __str__(self) -> str:
        return f"{self.name or self.commune_id} ({self.code}, {self.get_kind_display()})"


class ReferenceVintage(models.Model):
    """Which edition of a reference dataset is loaded (e.g. COG 2025)."""

    dataset = models.CharField(_("jeu de données"), max_length=100, unique=True)
    version = models.CharField(max_length=100)
    loaded_at = models.DateTimeField(_("chargé le"), auto_now=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("millésime du référentiel")
        verbose_name_plural = _("millésimes du référentiel")

    def __str__(self) -> str:
        return f"{self.dataset} {self.version}"
