"""Simplification requests: a citizen or an agent asks an organisation to simplify a form.

Lifecycle (``Status``, moves in ``workflow.LIFECYCLE``), every move recorded in
``StatusChange`` — the dated public history Services Publics+ lacks:

    submitted ──(moderation)──▶ received ─▶ under_study ─▶ accepted ─▶ done
        │                        │             │             │
        ▼                        └─────────────┴─────────────┴──▶ declined (coded reason)
    rejected (moderation refusal, never public)

Only ``received`` and later statuses are public. The proposer's own words are encrypted
at rest; public pages read only the masked texts (language engine, then moderation).
Statuses are stored as internal codes (English snake_case); the API, the open data and
the URLs publish them as the French slugs of ``STATUS_PUBLIC_CODES`` (``recue``,
``a-l-etude``…), which never change.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.core.charter import CharterReason
from parvis.core.codes import PublicCodes
from parvis.core.models import TransitionLog
from parvis.directory.models import Motif, Organisation, Theme


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Déposée, en attente de relecture")
    REJECTED = "rejected", _("Non publiée")
    RECEIVED = "received", _("Reçue")
    UNDER_STUDY = "under_study", _("À l’étude")
    ACCEPTED = "accepted", _("Acceptée")
    DONE = "done", _("Réalisée")
    DECLINED = "declined", _("Non retenue")


# The statuses as the API, the open data and the URLs publish them (frozen values).
STATUS_PUBLIC_CODES = PublicCodes(
    {
        Status.SUBMITTED: "deposee",
        Status.REJECTED: "non-publiee",
        Status.RECEIVED: "recue",
        Status.UNDER_STUDY: "a-l-etude",
        Status.ACCEPTED: "acceptee",
        Status.DONE: "realisee",
        Status.DECLINED: "refusee",
    }
)


PUBLIC_STATUSES: tuple[str, ...] = (
    Status.RECEIVED,
    Status.UNDER_STUDY,
    Status.ACCEPTED,
    Status.DONE,
    Status.DECLINED,
)
FINAL_STATUSES: tuple[str, ...] = (Status.DONE, Status.DECLINED, Status.REJECTED)
SUPPORTABLE_STATUSES: tuple[str, ...] = (Status.RECEIVED, Status.UNDER_STUDY, Status.ACCEPTED)


class DeclineReason(models.TextChoices):
    """Published reasons why an organisation does not take a request forward."""

    LEGAL = "contrainte-juridique", _("Contrainte juridique ou réglementaire")
    ALREADY_DONE = "deja-simplifie", _("Déjà simplifié ou simplification en cours")
    NOT_COMPETENT = "hors-competence", _("Ne relève pas de cet organisme")
    COST = "cout-disproportionne", _("Coût disproportionné au regard du gain")
    DUPLICATE = "doublon", _("Doublon d’une autre demande")
    OTHER = "autre", _("Autre raison (expliquée)")


class ProposerKind(models.TextChoices):
    CITIZEN = "usager", _("Usager")
    AGENT = "agent", _("Agent d’un service public")


class Source(models.TextChoices):
    WEB = "web", _("Formulaire du site")
    API = "api", _("Site partenaire (API)")


class SimplificationRequest(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Human-readable permanent reference: SIMP-<year>-<5 digits>, numbered per year by
    # ``core.services.next_reference``.
    reference = models.CharField(_("référence"), max_length=20, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(verbose_name=_("année"), db_index=True, editable=False)
    status = models.CharField(
        verbose_name=_("statut"),
        max_length=20,
        choices=Status.choices,
        default=Status.SUBMITTED,
        db_index=True,
    )

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="simplification_requests"
    )
    motif = models.ForeignKey(
        Motif, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cerfa_number = models.CharField(_("numéro Cerfa"), max_length=12, blank=True)

    # Public (masked) texts; empty until the language engine has run.
    procedure_name = models.CharField(_("démarche ou formulaire"), max_length=200, blank=True)
    difficulty = models.TextField(_("ce qui est difficile"), blank=True)
    proposal = models.TextField(_("proposition"), blank=True)
    masked_at = models.DateTimeField(null=True, blank=True)
    masking_changed = models.BooleanField(default=False)  # the engine masked something
    # The proposer's own words (JSON of the three texts), encrypted; purged once final.
    original_texts_encrypted = models.TextField(blank=True)
    search_text = models.TextField(blank=True, editable=False)  # core.text.search_key

    proposer_kind = models.CharField(
        verbose_name=_("proposée par"),
        max_length=10,
        choices=ProposerKind.choices,
        default=ProposerKind.CITIZEN,
    )
    proposer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="simplification_requests",
    )
    proposer_email_encrypted = models.TextField(blank=True)
    proposer_email_digest = models.CharField(max_length=64, blank=True, db_index=True)
    source = models.CharField(
        verbose_name=_("origine"), max_length=10, choices=Source.choices, default=Source.WEB
    )
    api_token = models.ForeignKey(
        "accounts.ApiToken", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    support_count = models.PositiveIntegerField(_("soutiens"), default=0)
    rejection_reason = models.CharField(max_length=30, choices=CharterReason.choices, blank=True)
    decline_reason = models.CharField(max_length=30, choices=DeclineReason.choices, blank=True)
    decline_explanation = models.TextField(blank=True)  # masked, public

    submitted_at = models.DateTimeField(_("déposée le"), default=timezone.now, db_index=True)
    received_at = models.DateTimeField(null=True, blank=True, db_index=True)  # published
    decided_at = models.DateTimeField(null=True, blank=True)  # first accepted / declined
    done_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("demande de simplification")
        verbose_name_plural = _("demandes de simplification")
        indexes = [
            models.Index(fields=["status", "received_at"], name="simplification_public"),
            models.Index(fields=["organisation", "year", "status"], name="simplification_followup"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def is_supportable(self) -> bool:
        return self.status in SUPPORTABLE_STATUSES


class StatusChange(TransitionLog):
    """One move of the lifecycle (``workflow.LIFECYCLE``). Rows with ``is_public`` make the
    public history, with their own columns: which team acted and its public comment."""

    request = models.ForeignKey(
        SimplificationRequest, on_delete=models.CASCADE, related_name="history"
    )
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    is_public = models.BooleanField(default=False)
    # Internal: who exactly (``actor``). Public: which team ("Équipe qualité — CAF de la
    # Gironde").
    public_actor = models.CharField(max_length=250, blank=True)
    public_comment = models.TextField(blank=True)  # masked

    class Meta(TransitionLog.Meta):
        verbose_name = _("changement de statut d’une demande")
        verbose_name_plural = _("changements de statut d’une demande")

    @property
    def reason_label(self) -> str:
        """The coded reason in French: the charter's (not published) or the published
        decline reason; "" for none."""
        if not self.reason_code:
            return ""
        labels = {**dict(CharterReason.choices), **dict(DeclineReason.choices)}
        return str(labels.get(self.reason_code, _("autre motif")))


class Support(models.Model):
    """One support: by a verified email or by an account, once per email (kept as a keyed
    digest only) and once per account."""

    request = models.ForeignKey(
        SimplificationRequest,
        on_delete=models.CASCADE,
        related_name="supports",
        verbose_name=_("demande"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compte"),
    )
    email_digest = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("apporté le"), default=timezone.now)

    class Meta:
        verbose_name = _("soutien")
        verbose_name_plural = _("soutiens")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "user"],
                condition=models.Q(user__isnull=False),
                name="simplification_one_support_per_account",
            ),
            models.UniqueConstraint(
                fields=["request", "email_digest"],
                condition=~models.Q(email_digest=""),
                name="simplification_one_support_per_email",
            ),
            # An account's support also holds its email's digest, so that the same person
            # cannot count twice, once signed in and once through a confirmed email.
            models.CheckConstraint(
                condition=~models.Q(email_digest=""),
                name="simplification_support_has_email_digest",
            ),
        ]

    def __str__(self) -> str:
        return f"Soutien à {self.request_id}"
