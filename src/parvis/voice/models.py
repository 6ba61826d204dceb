"""Voice of users: experiences about a named service, their moderation and public answers.

Personal data never leaves this app in clear: the original text and the author's email
are encrypted at rest (``core.crypto``) and purged after a configurable delay; public
pages read only the masked fields of published experiences (through ``publication``'s
read model).

Lifecycle (``ExperienceStatus``, moves in ``services.EXPERIENCE_LIFECYCLE``), every move
recorded in ``ExperienceTransition``: submitted → in_moderation → published | rejected;
published → answered → archived; withdrawn by the author from any state. The public
answer has its own (``AnswerStatus``, ``services.ANSWER_LIFECYCLE``, ``AnswerTransition``):
draft → published, or draft → in_moderation → published | rejected → draft.
"""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parvis.core.charter import CharterReason
from parvis.core.french import plural_suffix
from parvis.core.models import TransitionLog
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

StrOrPromise = str | Promise  # a label, translated when shown


class ExperienceStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Déposée")
    IN_MODERATION = "in_moderation", _("En modération")
    PUBLISHED = "published", _("Publiée")
    REJECTED = "rejected", _("Refusée")
    ANSWERED = "answered", _("Répondue par le service")
    ARCHIVED = "archived", _("Archivée")
    WITHDRAWN = "withdrawn", _("Retirée par son auteur")


# Statuses whose experience is public. Archived experiences stay readable at their
# permanent URL (closed to new answers); withdrawn, rejected and undecided ones are not.
PUBLIC_STATUSES = frozenset(
    {ExperienceStatus.PUBLISHED, ExperienceStatus.ANSWERED, ExperienceStatus.ARCHIVED}
)


class Tone(models.TextChoices):
    POSITIVE = "positif", _("Positif")
    NEUTRAL = "neutre", _("Neutre")
    NEGATIVE = "negatif", _("Négatif")


# The tone as it qualifies an experience (feminine): « Expérience positive ».
EXPERIENCE_TONE_LABELS: dict[str, StrOrPromise] = {
    Tone.POSITIVE: _("Expérience positive"),
    Tone.NEUTRAL: _("Expérience neutre"),
    Tone.NEGATIVE: _("Expérience négative"),
}


def experience_tone_label(tone: str) -> str:
    """« Expérience positive » for ``positif``; "" for no tone."""
    return str(EXPERIENCE_TONE_LABELS.get(tone, "")) if tone else ""


class ExperienceSource(models.TextChoices):
    """How an experience reached parvis (``Experience.source``; the reason of the
    submission in its history). Labels complete « Déposée … »."""

    WEB = "web", _("en ligne")
    ASSISTED = "assisted", _("recueillie au guichet")
    API = "api", _("transmise par un site partenaire")


# The first line of an experience's history, by source.
SUBMISSION_STEPS: dict[str, StrOrPromise] = {
    ExperienceSource.WEB: _("Déposée en ligne"),
    ExperienceSource.ASSISTED: _("Recueillie au guichet"),
    ExperienceSource.API: _("Transmise par un site partenaire"),
}

# Reasons of the lifecycles' moves (``TransitionLog.reason_code``) other than the charter's
# and the sources.
OTHER_TRANSITION_REASONS: dict[str, StrOrPromise] = {
    "sensitive_reviewed": _("texte sensible relu par un modérateur"),
    "bulk": _("publication groupée"),
    "backfill": _("historique repris"),
}


def transition_reason_label(code: str) -> str:
    """The French label of a move's coded reason ("" for none): a charter reason, a
    submission source or one of ``OTHER_TRANSITION_REASONS``."""
    if not code:
        return ""
    labels = {
        **dict(CharterReason.choices),
        **dict(ExperienceSource.choices),
        **OTHER_TRANSITION_REASONS,
    }
    return str(labels.get(code, _("autre motif")))


class ExperienceQuerySet(models.QuerySet["Experience"]):
    def awaiting_analysis(self) -> ExperienceQuerySet:
        """Submitted and still holding its original: masking and qualification to do
        (see ``Experience.awaits_analysis``)."""
        return self.filter(status=ExperienceStatus.SUBMITTED).exclude(original_text_encrypted="")


class Experience(models.Model):
    # Stable public identifier (permanent URLs, open data); never the database id alone.
    uuid = models.UUIDField(
        _("identifiant public"), default=uuid.uuid4, unique=True, editable=False
    )
    # Short reference a citizen can read out at a counter or on the phone
    # (``EXP-2026-00042``, from ``core.services.next_reference``); printed on the receipt.
    reference = models.CharField(
        _("référence"), max_length=20, unique=True, null=True, blank=True, editable=False
    )
    status = models.CharField(
        verbose_name=_("statut"),
        max_length=20,
        choices=ExperienceStatus.choices,
        default=ExperienceStatus.SUBMITTED,
        db_index=True,
    )

    # Which service: organisation always; local service and/or site when known.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="experiences"
    )
    local_service = models.ForeignKey(
        LocalService, on_delete=models.PROTECT, null=True, blank=True, related_name="experiences"
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="experiences"
    )
    # Denormalised for filters and figures (from the site's commune or the service).
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # What happened, as told by the citizen.
    journey_stage = models.ForeignKey(
        JourneyStage, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.ForeignKey(
        Channel, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    tone = models.CharField(max_length=10, choices=Tone.choices, blank=True)
    happened_on = models.DateField(_("date de l’expérience"), null=True, blank=True)

    # Original words: encrypted, decrypted only in moderator views, purged later.
    original_title_encrypted = models.TextField(blank=True)
    original_text_encrypted = models.TextField(blank=True)
    original_purge_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    original_purged_at = models.DateTimeField(null=True, blank=True)

    # Masked words: what may become public after moderation.
    masked_title = models.CharField(_("titre"), max_length=200, blank=True)
    masked_text = models.TextField(_("texte masqué"), blank=True)
    # Spans masked by the engine or adjusted by a moderator: [{start, end, label}] on the
    # original text; kept (without text) for the moderation history.
    entities = models.JSONField(default=list, blank=True)

    # Language engine output (motif, themes, tone proposal, sensitive, urgency, ...).
    qualification = models.JSONField(default=dict, blank=True)
    motif = models.ForeignKey(
        Motif, on_delete=models.SET_NULL, null=True, blank=True, related_name="experiences"
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="experiences")
    is_sensitive = models.BooleanField(
        verbose_name=_("sensible"), default=False
    )  # needs an individual decision
    sensitive_categories = models.JSONField(default=list, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)  # engine ran

    # Author: optional account; optional email (encrypted) to be told of the answer.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="experiences",
    )
    author_email_encrypted = models.TextField(blank=True)
    author_email_digest = models.CharField(max_length=64, blank=True, db_index=True)
    # The author asked to be told by email when the experience is published (opt-out).
    notify_author_on_publication = models.BooleanField(default=True)
    # Digest of the secret in the author's private link (follow, correct, withdraw).
    private_token_digest = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # Digest of a second private link, made for the email that announces the publication
    # (the first one's secret is never kept, so it cannot be sent again). Set once: its
    # presence says the author was told of the publication.
    publication_link_digest = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )

    # Recorded at a counter on behalf of a citizen who is not online.
    is_assisted = models.BooleanField(_("recueillie au guichet"), default=False)
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recueillie par"),
    )
    assisted_site = models.ForeignKey(
        Site,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lieu où elle a été recueillie"),
    )
    # ``ExperienceSource`` (web, assisted, api); no ``choices`` on the column: the demo marks
    # its rows ``demo``. Shown through ``source_label``.
    source = models.CharField(max_length=20, default=ExperienceSource.WEB)

    rejection_reason = models.CharField(max_length=20, choices=CharterReason.choices, blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    submitted_at = models.DateTimeField(_("déposée le"), auto_now_add=True, db_index=True)
    # A worker took this version for analysis (batches: see ``experiences_analyse_batch``);
    # a claim older than a few minutes is abandoned (worker killed) and taken again.
    analysis_claimed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True, db_index=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Contact email erased once no longer needed (answer sent, rejection, withdrawal).
    contact_purged_at = models.DateTimeField(null=True, blank=True)
    # Answer follow-up: reminder to the service, then escalation to the organisation admins.
    answer_reminded_at = models.DateTimeField(null=True, blank=True)
    # End (exclusive, aware) of the public answer target: ``target`` working days of the
    # experience's place counted from its publication (``directory.servicelevels``).
    # Set at publication, recomputed when the organisation's answer policy changes; the
    # experience is late when it is still unanswered at this moment.
    answer_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    answer_escalated_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = ExperienceQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("expérience")
        verbose_name_plural = _("expériences")
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="experience_queue"),
            models.Index(fields=["organisation", "status"], name="experience_org_status"),
        ]

    def __str__(self) -> str:
        return f"Expérience {self.uuid}"

    @property
    def awaits_analysis(self) -> bool:
        return self.status == ExperienceStatus.SUBMITTED and bool(self.original_text_encrypted)

    @property
    def tone_label(self) -> str:
        """« Expérience positive », « Expérience négative »... ("" without a tone)."""
        return experience_tone_label(self.tone)

    @property
    def proposed_tone_label(self) -> str:
        """The tone the language engine proposes, in French (« négatif »)."""
        tone = (self.qualification or {}).get("tone") or ""
        return str(dict(Tone.choices).get(tone, "")).lower()

    @property
    def sensitive_category_labels(self) -> list[str]:
        from parvis.language.lexicons import SENSITIVE_LABELS

        return [SENSITIVE_LABELS.get(code, code) for code in self.sensitive_categories]

    @property
    def source_label(self) -> str:
        return str(dict(ExperienceSource.choices).get(self.source, ""))


class ExperienceTransition(TransitionLog):
    """One move of the experience lifecycle (``services.EXPERIENCE_LIFECYCLE``): who,
    when, why (audited, shown in the history). ``note`` is the moderator's reason."""

    experience = models.ForeignKey(Experience, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=ExperienceStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ExperienceStatus.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = _("changement d’état d’une expérience")
        verbose_name_plural = _("changements d’état d’une expérience")

    @property
    def step_label(self) -> str:
        """The state reached, in French; the submission says how it was made
        (« Déposée en ligne », « Recueillie au guichet »)."""
        if not self.from_status and self.reason_code in SUBMISSION_STEPS:
            return str(SUBMISSION_STEPS[self.reason_code])
        return self.get_to_status_display()

    @property
    def actor_for_author(self) -> str:
        """Who made the move, as the author reads it on their own experience's pages:
        « Vous », « La modération », « La plateforme » rather than the logs' role words
        (``services.Actor``: « auteur », « modérateur », « système »)."""
        return AUTHOR_VIEW_ACTORS.get(self.actor_label, self.actor_label.capitalize())

    @property
    def reason_label(self) -> str:
        if not self.from_status and self.reason_code in SUBMISSION_STEPS:
            return ""  # already said by ``step_label``
        return transition_reason_label(self.reason_code)


# The logs' ``actor_label`` (``services.Actor``) as the experience's author reads it.
AUTHOR_VIEW_ACTORS = {
    "auteur": "Vous",
    "modérateur": "La modération",
    "système": "La plateforme",
    "agent d’accueil": "L’agent d’accueil qui a recueilli votre récit",
    "service concerné": "Le service concerné",
    "site partenaire (API)": "Le site partenaire",
}


class AnswerStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    IN_MODERATION = "in_moderation", _("En modération")
    PUBLISHED = "published", _("Publiée")
    REJECTED = "rejected", _("Refusée")


class PublicAnswer(models.Model):
    """The concerned service's public answer, signed by the service."""

    experience = models.OneToOneField(
        Experience, on_delete=models.CASCADE, related_name="answer", verbose_name=_("expérience")
    )
    status = models.CharField(
        verbose_name=_("statut"),
        max_length=20,
        choices=AnswerStatus.choices,
        default=AnswerStatus.DRAFT,
    )
    signed_by_service = models.ForeignKey(
        LocalService,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signée au nom du service"),
    )
    signed_by_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signée au nom de l’organisme"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    original_text_encrypted = models.TextField(blank=True)
    masked_text = models.TextField(blank=True)
    masking_changed = models.BooleanField(verbose_name=_("masquage modifié"), default=False)
    is_sensitive = models.BooleanField(verbose_name=_("sensible"), default=False)
    # Spans masked by the engine on the original answer: [{start, end, label}].
    entities = models.JSONField(default=list, blank=True)
    template = models.ForeignKey(
        "AnswerTemplate", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    masked_at = models.DateTimeField(null=True, blank=True)  # engine ran on this version
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderation_note = models.TextField(blank=True)  # why a moderator sent it back
    author_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    helpful_yes = models.PositiveIntegerField(_("votes « utile »"), default=0)
    helpful_no = models.PositiveIntegerField(_("votes « pas utile »"), default=0)

    class Meta:
        verbose_name = _("réponse publique")
        verbose_name_plural = _("réponses publiques")

    def __str__(self) -> str:
        return f"Réponse à {self.experience_id}"


class AnswerTransition(TransitionLog):
    """One move of the public answer's lifecycle (``services.ANSWER_LIFECYCLE``)."""

    answer = models.ForeignKey(PublicAnswer, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=AnswerStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=AnswerStatus.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = _("changement d’état d’une réponse publique")
        verbose_name_plural = _("changements d’état d’une réponse publique")

    @property
    def step_label(self) -> str:
        return self.get_to_status_display()

    @property
    def reason_label(self) -> str:
        return transition_reason_label(self.reason_code)


# « [À COMPLÉTER : nom du service] », with or without accents, any case: a passage the
# service must complete before an answer made from a template can be sent.
PLACEHOLDER = re.compile(r"\[\s*(?:À|A)\s+COMPL(?:É|E)TER\b[^\]]*\]", re.IGNORECASE)
TEMPLATE_NEEDS_PLACEHOLDER = (
    "Un modèle doit contenir au moins un passage à compléter, par exemple "
    "« [À COMPLÉTER : ce que le service a fait] » : une réponse n’est jamais le seul modèle."
)
TEMPLATE_SERVICE_MISMATCH = (
    "Ce service local n’appartient pas à l’organisme choisi : choisissez l’un de ses "
    "services locaux, ou aucun pour un modèle de tout l’organisme."
)


# What a template's ``channel_limits`` may hold for each channel (positive integers).
TEMPLATE_LIMIT_KEYS = {
    "sms": frozenset({"max_segments", "max_characters"}),
    "courriel": frozenset({"max_characters"}),
    "chat": frozenset({"max_characters"}),
}
# The bounds of each limit: 10 segments is as long as operators deliver an SMS reliably;
# 5,000 characters is the desk's longest reply (``desk.services.MAX_REPLY_CHARACTERS``).
TEMPLATE_LIMIT_BOUNDS = {"max_segments": (1, 10), "max_characters": (1, 5000)}
TEMPLATE_CHANNEL_LABELS = {"sms": "SMS", "courriel": "Courriel", "chat": "Chat"}
TEMPLATE_LIMIT_LABELS = {"max_segments": "segments", "max_characters": "caractères"}


def template_limits_error(limits: object) -> str:
    """A French sentence saying what is wrong with ``limits``, or ``""``."""
    if not isinstance(limits, dict):
        return "Les limites doivent être un objet par canal."
    for channel, values in limits.items():
        allowed = TEMPLATE_LIMIT_KEYS.get(channel)
        if allowed is None or not isinstance(values, dict):
            return f"Aucune limite n’est possible pour le canal « {channel} »."
        label = TEMPLATE_CHANNEL_LABELS[channel]
        for key, value in values.items():
            if key not in allowed:
                return f"{label} : limite inconnue « {key} »."
            low, high = TEMPLATE_LIMIT_BOUNDS[key]
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                return (
                    f"{label} : le nombre de {TEMPLATE_LIMIT_LABELS[key]} au plus doit être "
                    f"un nombre entier de {low} à {high}."
                )
    return ""


class AnswerTemplate(models.Model):
    """Reusable answer with placeholders (``[À COMPLÉTER : …]``) that must be filled.

    It belongs to an organisation, or to one of its local services when ``local_service``
    is set (a local quality team's own templates). The one template store of the house:
    the agent desk reuses it.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="answer_templates"
    )
    local_service = models.ForeignKey(
        LocalService,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="answer_templates",
        verbose_name=_("service local"),
    )
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField()
    motif = models.ForeignKey(
        Motif, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(verbose_name=_("actif"), default=True)
    # Public answers must be personalised: such a template holds ``[À COMPLÉTER : …]``
    # passages, and neither a public answer nor a desk reply leaves with one unfilled.
    must_personalise = models.BooleanField(_("à personnaliser"), default=True)
    # Per-channel limits of a reply made from it at the desk, by channel slug:
    # ``{"sms": {"max_segments": 2}, "chat": {"max_characters": 500}}``
    # (``TEMPLATE_LIMIT_KEYS`` lists what each may hold).
    channel_limits = models.JSONField(_("limites par canal"), default=dict, blank=True)

    class Meta:
        verbose_name = _("modèle de réponse")
        verbose_name_plural = _("modèles de réponse")
        ordering = ["organisation", "title"]

    def __str__(self) -> str:
        return self.title

    def limit_labels(self) -> list[str]:
        """The limits in French: « SMS : 2 segments au plus »."""
        labels = []
        for channel, limits in (self.channel_limits or {}).items():
            for key, value in limits.items():
                if channel in TEMPLATE_CHANNEL_LABELS and key in TEMPLATE_LIMIT_LABELS:
                    unit = TEMPLATE_LIMIT_LABELS[key]
                    unit = unit if plural_suffix(value) else unit.removesuffix("s")
                    labels.append(f"{TEMPLATE_CHANNEL_LABELS[channel]} : {value} {unit} au plus")
        return labels

    def clean(self) -> None:
        errors = {}
        if self.must_personalise and not PLACEHOLDER.search(self.body or ""):
            errors["body"] = TEMPLATE_NEEDS_PLACEHOLDER
        limits_error = template_limits_error(self.channel_limits)
        if limits_error:
            errors["channel_limits"] = limits_error
        service = self.local_service if self.local_service_id is not None else None
        if service is not None and service.organisation_id != self.organisation_id:
            errors["local_service"] = TEMPLATE_SERVICE_MISMATCH
        if errors:
            raise ValidationError(errors)


class AnswerPolicy(models.Model):
    """An organisation's answer target, in working days of the experience's département.

    Without a row, ``VOICE_ANSWER_TARGET_WORKING_DAYS`` (default 10) applies.
    """

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="answer_policy"
    )
    target_working_days = models.PositiveSmallIntegerField(_("délai cible (jours ouvrés)"))
    # Working days after the target before the organisation admins are alerted.
    escalation_working_days = models.PositiveSmallIntegerField(
        _("escalade après (jours ouvrés au-delà du délai)"), default=5
    )

    class Meta:
        verbose_name = _("délai de réponse d’un organisme")
        verbose_name_plural = _("délais de réponse des organismes")

    def __str__(self) -> str:
        return f"{self.organisation} : {self.target_working_days} j ouvrés"


class AnswerFeedback(models.Model):
    """« Cette réponse vous a-t-elle aidé ? », once per voter (hashed key)."""

    answer = models.ForeignKey(
        PublicAnswer, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("réponse")
    )
    helpful = models.BooleanField(
        verbose_name=_("utile"),
    )
    voter_digest = models.CharField(max_length=64)
    # The connection's digest (``digests.network_digest``), blank for the author's vote and
    # the votes stored before it: caps the votes of one connection on one answer.
    network_digest = models.CharField(max_length=64, blank=True, default="")
    is_author = models.BooleanField(verbose_name=_("donné par l’auteur"), default=False)
    created_at = models.DateTimeField(_("donné le"), auto_now_add=True)

    class Meta:
        verbose_name = _("avis sur une réponse")
        verbose_name_plural = _("avis sur les réponses")
        constraints = [
            models.UniqueConstraint(fields=["answer", "voter_digest"], name="one_vote_per_voter")
        ]
        indexes = [models.Index(fields=["answer", "network_digest"], name="voice_feedback_network")]

    def __str__(self) -> str:
        return f"{'oui' if self.helpful else 'non'} ({self.answer_id})"
