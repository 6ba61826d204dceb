"""Periodic reports: the monthly and yearly synthesis of an organisation's quality results
(or the national one), archived, and the people who asked to receive them by email.

- ``Report`` is one report, one per organisation (none: national) × kind × period. It keeps
  what was published: the HTML of its body as rendered at generation, the tagged PDF (in
  the database), the
  PDF's SHA-256 and the catalogue versions its figures were computed with. Generating a
  period again replaces it (``generated_at`` moves, ``generations`` counts).
- ``ReportSubscription`` is an email address that asked for an organisation's reports (or
  the national ones). The address is kept encrypted (to send) with its keyed digest (to
  find it again); a subscription is ``pending`` until its owner opens the confirmation
  link (double opt-in); one click on the link of any report email ends it, which erases
  the address at once.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.directory.models import Organisation


class PeriodKind(models.TextChoices):
    MONTHLY = "monthly", _("Mensuel")
    YEARLY = "yearly", _("Annuel")


class Report(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="quality_reports",
        verbose_name=_("organisme"),
    )
    kind = models.CharField(_("périodicité"), max_length=10, choices=PeriodKind.choices)
    # The first day of the month (monthly) or of the year (yearly).
    period_start = models.DateField(_("début de la période"))
    title = models.CharField(_("titre"), max_length=200)
    # The report's body as rendered at generation (escaped HTML): the web page and the PDF
    # both show it, so an archived report never changes when templates or figures do.
    html = models.TextField(_("HTML du rapport"))
    # The PDF itself (some tens of kilobytes), in the database: the worker that makes it
    # and the web process that serves it need no shared file system.
    pdf = models.BinaryField(_("PDF du rapport"))
    pdf_size = models.PositiveIntegerField(_("taille du PDF (octets)"), default=0)
    sha256 = models.CharField(_("empreinte SHA-256 du PDF"), max_length=64)
    # {indicator code: catalogue version} of every figure shown.
    catalogue_versions = models.JSONField(_("versions du catalogue"), default=dict, blank=True)
    created_at = models.DateTimeField(_("première génération"), default=timezone.now)
    generated_at = models.DateTimeField(_("générée le"), default=timezone.now)
    generations = models.PositiveIntegerField(_("générations"), default=1)

    class Meta:
        verbose_name = _("rapport périodique")
        verbose_name_plural = _("rapports périodiques")
        ordering = ["-period_start", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "period_start"],
                condition=Q(organisation__isnull=False),
                name="reports_one_per_organisation_period",
            ),
            models.UniqueConstraint(
                fields=["kind", "period_start"],
                condition=Q(organisation__isnull=True),
                name="reports_one_national_per_period",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_national(self) -> bool:
        return self.organisation_id is None

    @property
    def scope_slug(self) -> str:
        return self.organisation.slug if self.organisation is not None else "national"

    @property
    def period_code(self) -> str:
        """« 2026-10 » for a month, « 2026 » for a year (the URLs')."""
        if self.kind == PeriodKind.YEARLY:
            return f"{self.period_start:%Y}"
        return f"{self.period_start:%Y-%m}"

    @property
    def pdf_filename(self) -> str:
        return f"rapport-{self.scope_slug}-{self.period_code}.pdf"


class SubscriptionStatus(models.TextChoices):
    PENDING = "pending", _("En attente de confirmation")
    CONFIRMED = "confirmed", _("Confirmé")
    UNSUBSCRIBED = "unsubscribed", _("Désabonné")


ACTIVE = (SubscriptionStatus.PENDING, SubscriptionStatus.CONFIRMED)


class ReportSubscription(models.Model):
    uuid = models.UUIDField(_("identifiant"), default=uuid.uuid4, unique=True, editable=False)
    # None: the national reports.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_subscriptions",
        verbose_name=_("organisme"),
    )
    # ``core.crypto.email_digest(address, purpose="reports")``; both emptied at unsubscribe.
    email_digest = models.CharField(max_length=64, blank=True, db_index=True)
    email_encrypted = models.TextField(blank=True)
    status = models.CharField(
        _("statut"),
        max_length=20,
        choices=SubscriptionStatus.choices,
        default=SubscriptionStatus.PENDING,
    )
    # Keyed digests of the secrets in the links (the secrets themselves are only in the
    # emails); the unsubscribe secret is also kept encrypted, since every report email
    # carries it again.
    confirmation_token_digest = models.CharField(max_length=64, blank=True, db_index=True)
    unsubscribe_token_digest = models.CharField(max_length=64, blank=True, db_index=True)
    unsubscribe_token_encrypted = models.TextField(blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    # When the last confirmation link was sent: it is valid REPORTS_CONFIRMATION_DAYS days
    # from then, and a subscription still pending then is purged.
    requested_at = models.DateTimeField(_("lien envoyé le"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("désabonné le"), null=True, blank=True)

    class Meta:
        verbose_name = _("abonnement aux rapports")
        verbose_name_plural = _("abonnements aux rapports")
        ordering = ["-created_at"]
        constraints = [
            # One live subscription per address and organisation (and one national).
            models.UniqueConstraint(
                fields=["email_digest", "organisation"],
                condition=Q(organisation__isnull=False, status__in=ACTIVE),
                name="reports_one_subscription",
            ),
            models.UniqueConstraint(
                fields=["email_digest"],
                condition=Q(organisation__isnull=True, status__in=ACTIVE),
                name="reports_one_national_subscription",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.uuid} ({self.get_status_display()})"
