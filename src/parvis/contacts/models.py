"""The contact hub's one model of every contact, whatever its channel.

A contact arrives as a raw ``InboundRow`` (stored before anything else, idempotent on its
endpoint, channel and external id), is processed into a ``Message`` of a ``Conversation``
(threaded, qualified, queued) in a ``Queue``. ``ContactPoint`` is an address parvis talks
with (email, phone number), ``CitizenRecord`` the person behind it (the desk enriches it).
Transports are connectors (``contacts.connectors``) named after the ``directory.Channel``
slug they serve; outbound messages leave through ``parvis.messaging`` only.

Conversation lifecycle (``contacts.workflow``)::

    new → queued → assigned → waiting_citizen | waiting_partner → resolved → closed

``reopen`` moves resolved or closed back to queued; a counter visit is created resolved.
Deadlines are computed once, at queueing, and stored, never recomputed.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parvis.core.models import TransitionLog

# --- Closed tables ----------------------------------------------------------------------------


class Status(models.TextChoices):
    NEW = "new", _("Nouvelle")
    QUEUED = "queued", _("En file d’attente")
    OFFERED = "offered", _("Proposée à un agent")  # routing's only addition
    ASSIGNED = "assigned", _("Prise en charge")
    WAITING_CITIZEN = "waiting_citizen", _("En attente de l’usager")
    WAITING_PARTNER = "waiting_partner", _("En attente d’un partenaire")
    RESOLVED = "resolved", _("Résolue")
    # Not « Close »: Django's own French catalog translates that msgid as the verb « Fermer ».
    CLOSED = "closed", _("Clôturée")


OPEN_STATUSES = frozenset(
    {
        Status.NEW,
        Status.QUEUED,
        Status.OFFERED,
        Status.ASSIGNED,
        Status.WAITING_CITIZEN,
        Status.WAITING_PARTNER,
    }
)

# The outcome table is closed and versioned: a conversation stores the version it was coded
# with, so that an indicator can tell a change of table from a change of practice.
OUTCOME_TABLE_VERSION = 1


class Outcome(models.TextChoices):
    ANSWERED = "answered", _("Réponse apportée")
    ANSWERED_END_TO_END = "answered_end_to_end", _("Démarche menée de bout en bout")
    ORIENTED_PARTNER = "oriented_partner", _("Orienté vers un partenaire")
    ESCALATED_LEVEL2 = "escalated_level2", _("Transmis au niveau 2")
    OUT_OF_SCOPE = "out_of_scope", _("Hors du champ du service")
    ABANDONED = "abandoned", _("Abandon de l’usager")
    VOICEMAIL = "voicemail", _("Message vocal")
    CALLBACK_FAILED = "callback_failed", _("Rappel sans réponse")
    DUPLICATE = "duplicate", _("Doublon")
    SPAM = "spam", _("Indésirable")


# The outcomes an agent may code per channel, in the table's order. A voicemail is a
# call's; a counter visit is recorded once done, face to face, so it was never abandoned,
# left on voicemail or called back, is no spam or duplicate, and is not escalated (level
# 2 is a queue flow). A channel not listed offers the whole table.
_REMOTE_OUTCOMES = tuple(outcome for outcome in Outcome if outcome != Outcome.VOICEMAIL)
CHANNEL_OUTCOMES: dict[str, tuple[Outcome, ...]] = {
    "guichet": (
        Outcome.ANSWERED,
        Outcome.ANSWERED_END_TO_END,
        Outcome.ORIENTED_PARTNER,
        Outcome.OUT_OF_SCOPE,
    ),
    "telephone": tuple(Outcome),
    "courriel": _REMOTE_OUTCOMES,
    "sms": _REMOTE_OUTCOMES,
    "chat": _REMOTE_OUTCOMES,
}


def outcomes_for_channel(channel_id: str) -> tuple[Outcome, ...]:
    """The outcomes of ``CHANNEL_OUTCOMES`` for a channel (the whole table if unlisted)."""
    return CHANNEL_OUTCOMES.get(channel_id, tuple(Outcome))


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Reçu")
    OUTBOUND = "outbound", _("Envoyé")
    NOTE = "note", _("Note interne")


class ContactKind(models.TextChoices):
    EMAIL = "email", _("Courriel")
    PHONE = "phone", _("Téléphone")
    POSTAL = (
        "postal_address",
        _("Adresse postale"),
    )  # recorded by an agent; no connector writes to it


# --- Queues -----------------------------------------------------------------------------------


class Queue(models.Model):
    """Where conversations wait for an agent. Owned by an organisation and, below it, by a
    local service or a site. Its calendar (business time, working days) is the place of
    ``site`` (the owner) or ``calendar_site`` (named by a service-level queue); the triage
    queue of an organisation, created with it, is national and counts on the metropolitan
    calendar. Routing adds its policy beside it (one-to-one) and never writes it."""

    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisme"),
        on_delete=models.CASCADE,
        related_name="queues",
    )
    local_service = models.ForeignKey(
        "directory.LocalService",
        verbose_name=_("service local"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="queues",
    )
    site = models.ForeignKey(
        "directory.Site",
        verbose_name=_("site"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="queues",
    )
    calendar_site = models.ForeignKey(
        "directory.Site",
        verbose_name=_("site dont la file suit le calendrier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calendar_queues",
    )
    departement = models.ForeignKey(
        "territories.Departement",
        verbose_name=_("département"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="queues",
    )
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(max_length=120)
    is_triage = models.BooleanField(_("file de tri"), default=False)
    # With a context: Django's catalog translates a bare « active » as « actif ».
    is_active = models.BooleanField(pgettext_lazy("file d’attente", "active"), default=True)
    motifs = models.ManyToManyField(
        "directory.Motif", verbose_name=_("motifs"), blank=True, related_name="queues"
    )
    channels = models.ManyToManyField(
        "directory.Channel", verbose_name=_("canaux"), blank=True, related_name="queues"
    )
    # Deadlines computed at queueing: business time for phone and chat, working days for
    # email, SMS and counter follow-ups.
    first_answer_business_seconds = models.PositiveIntegerField(
        _("première réponse, temps ouvré (secondes ; téléphone, chat)"), default=20 * 60
    )
    first_answer_working_days = models.PositiveSmallIntegerField(
        _("première réponse (jours ouvrés ; courriel, SMS, guichet)"), default=2
    )
    resolution_working_days = models.PositiveSmallIntegerField(
        _("résolution (jours ouvrés)"), default=10
    )
    commitment_working_days = models.PositiveSmallIntegerField(
        _("délai annoncé à l’usager (jours ouvrés)"), default=5
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)

    class Meta:
        verbose_name = _("file d’attente")
        verbose_name_plural = _("files d’attente")
        ordering = ["organisation__slug", "-is_triage", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "slug"], name="contacts_queue_unique_slug"
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(is_triage=True),
                name="contacts_one_triage_queue_per_organisation",
            ),
            # No queue without a département, but the national triage queue.
            models.CheckConstraint(
                condition=Q(is_triage=True) | Q(departement__isnull=False),
                name="contacts_queue_has_departement",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class QueueMember(models.Model):
    """Who may take conversations from a queue (the desk checks it through scoping)."""

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="queue_memberships"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("membre d’une file")
        verbose_name_plural = _("membres des files")
        constraints = [
            models.UniqueConstraint(fields=["queue", "user"], name="contacts_one_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.queue}"


# --- Citizens ---------------------------------------------------------------------------------
# The citizen record (issue 14): identity, contact points, file numbers, the NIR where the
# organisation allows it, consents to share across organisations, merges and the access log.
# Services in ``services/records.py``, reads in ``selectors.py`` (« Citizen records »).


class AccessibilityNeed(models.TextChoices):
    DEAF = "hearing_impaired", _("Sourd ou malentendant (LSF, transcription)")
    BLIND = "visually_impaired", _("Aveugle ou malvoyant")
    MOBILITY = "reduced_mobility", _("Mobilité réduite")
    READING = "reading_difficulty", _("Difficulté avec l’écrit")
    LANGUAGE = "interpreter_needed", _("Besoin d’un interprète")
    DIGITAL = "digital_difficulty", _("Difficulté avec le numérique")
    COGNITIVE = "simplified_explanations", _("Besoin d’explications simplifiées")


class PreferredLanguage(models.TextChoices):
    FRENCH = "fr", _("Français")
    ENGLISH = "en", _("Anglais")
    SPANISH = "es", _("Espagnol")
    ARABIC = "ar", _("Arabe")
    PORTUGUESE = "pt", _("Portugais")
    FRENCH_SIGN = "lsf", _("Langue des signes française")


class CitizenRecord(models.Model):
    """A person an organisation is in contact with. Within its organisation, every agent
    with a grant there sees it; beyond, only through an active ``CitizenConsent``
    (``accounts.scoping`` relations). The NIR is kept only where the organisation's
    ``ContactSettings`` allow it: encrypted, matched by its keyed digest, shown masked."""

    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="citizen_records"
    )
    display_name = models.CharField(_("nom affiché"), max_length=200, blank=True)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    # Folded names for accent-insensitive search (``core.text.fold``).
    name_key = models.CharField(max_length=400, blank=True, db_index=True)
    # Keyed digest of folded last name, first name and birth date: finds duplicates within
    # an organisation and the same person's records shared by consent across them.
    identity_digest = models.CharField(max_length=64, blank=True, db_index=True)
    preferred_channel = models.ForeignKey(
        "directory.Channel",
        verbose_name=_("canal préféré"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    preferred_language = models.CharField(
        _("langue préférée"),
        max_length=5,
        choices=PreferredLanguage.choices,
        default=PreferredLanguage.FRENCH,
    )
    accessibility_needs = models.JSONField(_("besoins d’accessibilité"), default=list, blank=True)
    nir_encrypted = models.TextField(_("NIR chiffré"), blank=True)
    nir_digest = models.CharField(max_length=64, blank=True, db_index=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("fusionnée dans"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_records",
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifiée le"), default=timezone.now)
    last_contact_at = models.DateTimeField(_("dernier contact"), null=True, blank=True)

    class Meta:
        verbose_name = _("fiche usager")
        verbose_name_plural = _("fiches usagers")
        ordering = ["-last_contact_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "identity_digest"], name="contacts_citizen_ident"),
        ]

    def __str__(self) -> str:
        return self.full_name or f"Usager n° {self.pk}"

    @property
    def full_name(self) -> str:
        names = " ".join(part for part in (self.first_name, self.last_name) if part)
        return names or self.display_name

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None

    def accessibility_labels(self) -> list[str]:
        labels = dict(AccessibilityNeed.choices)
        return [str(labels[code]) for code in self.accessibility_needs if code in labels]


class ContactSettings(models.Model):
    """An organisation's settings for citizen records (one row at most; none = defaults)."""

    organisation = models.OneToOneField(
        "directory.Organisation", on_delete=models.CASCADE, related_name="contact_settings"
    )
    nir_allowed = models.BooleanField(
        _("NIR autorisé dans les fiches usagers"),
        default=False,
        help_text=_("Seulement si un texte autorise l’organisme à traiter le NIR."),
    )

    class Meta:
        verbose_name = _("réglages des fiches usagers")
        verbose_name_plural = _("réglages des fiches usagers")

    def __str__(self) -> str:
        return str(self.organisation)


class FileNumberKind(models.TextChoices):
    ALLOCATAIRE = "family_benefits_number", _("Numéro d’allocataire")
    FISCAL = "tax_number", _("Numéro fiscal")
    FRANCE_TRAVAIL = "france_travail", _("Identifiant France Travail")
    RETRAITE = "pension_number", _("Numéro de dossier retraite")
    MSA = "farm_insurance_number", _("Numéro MSA")
    DOSSIER = "organisation_file_number", _("Numéro de dossier de l’organisme")


class CitizenFileNumber(models.Model):
    """One of the organisation's file numbers for the citizen (closed list of kinds)."""

    citizen = models.ForeignKey(
        CitizenRecord, on_delete=models.CASCADE, related_name="file_numbers"
    )
    kind = models.CharField(_("type"), max_length=30, choices=FileNumberKind.choices)
    value = models.CharField(_("numéro"), max_length=40)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("numéro de dossier")
        verbose_name_plural = _("numéros de dossier")
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["citizen", "kind", "value"], name="contacts_one_file_number"
            )
        ]
        indexes = [models.Index(fields=["kind", "value"], name="contacts_file_number")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"


class ConsentPurpose(models.TextChoices):
    SUPPORT = "procedure_help", _("Accompagnement dans une démarche")
    REFERRAL = "partner_referral", _("Orientation vers un partenaire")
    FOLLOW_UP = "shared_case_follow_up", _("Suivi d’un dossier commun")
    NO_REPEAT = "tell_once", _("Ne pas avoir à tout répéter")


class DataCategory(models.TextChoices):
    IDENTITY = "identity", _("Identité")
    CONTACT_POINTS = "contact_points", _("Coordonnées")
    FILE_NUMBERS = "file_numbers", _("Numéros de dossier")
    TIMELINE = "timeline", _("Historique des contacts")


# ``DataCategory`` → the consent's flag.
CATEGORY_FIELDS = {code: f"shares_{code}" for code in DataCategory.values}


class CitizenConsentQuerySet(models.QuerySet["CitizenConsent"]):
    def active(self, *, now: dt.datetime | None = None) -> CitizenConsentQuerySet:
        """In force: not withdrawn, not expired (withdrawal stops sharing at once)."""
        return self.filter(withdrawn_at__isnull=True, expires_at__gt=now or timezone.now())


class CitizenConsent(models.Model):
    """The citizen's consent that the record's organisation share some categories of the
    record with other organisations, for a purpose, until ``expires_at`` (12 months at
    most) or a withdrawal."""

    citizen = models.ForeignKey(CitizenRecord, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("finalité"), max_length=30, choices=ConsentPurpose.choices)
    organisations = models.ManyToManyField(
        "directory.Organisation", verbose_name=_("organismes destinataires"), related_name="+"
    )
    # One flag per ``DataCategory`` (queried by the scoping relations on every database).
    shares_identity = models.BooleanField(_("identité partagée"), default=True)
    shares_contact_points = models.BooleanField(_("coordonnées partagées"), default=False)
    shares_file_numbers = models.BooleanField(_("numéros de dossier partagés"), default=False)
    shares_timeline = models.BooleanField(_("historique partagé"), default=False)
    captured_channel = models.ForeignKey(
        "directory.Channel",
        verbose_name=_("recueilli par le canal"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recueilli par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    captured_at = models.DateTimeField(_("recueilli le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    withdrawn_at = models.DateTimeField(_("retiré le"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("retrait enregistré par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CitizenConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consentement au partage")
        verbose_name_plural = _("consentements au partage")
        ordering = ["-captured_at", "-pk"]
        indexes = [
            models.Index(fields=["citizen", "withdrawn_at", "expires_at"], name="contacts_consent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} n° {self.pk}"

    def is_active(self, now: dt.datetime | None = None) -> bool:
        return self.withdrawn_at is None and self.expires_at > (now or timezone.now())

    @property
    def categories(self) -> list[str]:
        return [code for code in DataCategory.values if getattr(self, CATEGORY_FIELDS[code])]

    def category_labels(self) -> list[str]:
        labels = dict(DataCategory.choices)
        return [str(labels[code]) for code in self.categories]


class CitizenMerge(models.Model):
    """A merge of a duplicate record into another of the same organisation, with what it
    moved, so that it can be undone exactly (both directions audited)."""

    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    survivor = models.ForeignKey(
        CitizenRecord, on_delete=models.CASCADE, related_name="merges_received"
    )
    merged = models.ForeignKey(CitizenRecord, on_delete=models.CASCADE, related_name="merges_given")
    moved = models.JSONField(_("éléments déplacés"), default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    merged_at = models.DateTimeField(_("fusionnée le"), default=timezone.now)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(_("annulée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("fusion de fiches usagers")
        verbose_name_plural = _("fusions de fiches usagers")
        ordering = ["-merged_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id}"


class CitizenDistinctPair(models.Model):
    """Two records of one organisation an agent said are not the same person (« Ce ne
    sont pas les mêmes personnes »): the duplicate proposals leave the pair out. Stored
    as an ordered pair (``first`` has the smaller id), one row per pair; undone by
    deleting it, and a merge of the pair deletes it (the merge keeps it to put back)."""

    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    first = models.ForeignKey(CitizenRecord, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(CitizenRecord, on_delete=models.CASCADE, related_name="+")
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déclarée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    dismissed_at = models.DateTimeField(_("déclarée le"), default=timezone.now)

    class Meta:
        verbose_name = _("paire de fiches distinctes")
        verbose_name_plural = _("paires de fiches distinctes")
        ordering = ["-dismissed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="contacts_one_distinct_pair"),
            models.CheckConstraint(
                condition=Q(first__lt=models.F("second")), name="contacts_distinct_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ≠ {self.second_id}"


class CitizenExperienceLink(models.Model):
    """A public experience the citizen chose to link to their record: the timeline shows
    its published masked text only (read from ``publication``), never the original."""

    citizen = models.ForeignKey(
        CitizenRecord, on_delete=models.CASCADE, related_name="experience_links"
    )
    experience_uuid = models.UUIDField(_("expérience publiée"))
    linked_at = models.DateTimeField(_("liée le"), default=timezone.now)

    class Meta:
        verbose_name = _("expérience liée à une fiche")
        verbose_name_plural = _("expériences liées aux fiches")
        constraints = [
            models.UniqueConstraint(
                fields=["citizen", "experience_uuid"], name="contacts_one_experience_link"
            )
        ]

    def __str__(self) -> str:
        return str(self.experience_uuid)


class RecordAccess(models.Model):
    """Who consulted a citizen record: one row per agent, record and 15-minute window
    (a live refresh in the same window adds nothing), purged after
    ``CONTACTS_ACCESS_LOG_RETENTION_DAYS``."""

    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    citizen = models.ForeignKey(CitizenRecord, on_delete=models.CASCADE, related_name="accesses")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    window_start = models.DateTimeField(_("consultée entre"), db_index=True)
    last_seen_at = models.DateTimeField(_("dernière consultation"), default=timezone.now)
    views = models.PositiveIntegerField(_("affichages"), default=1)

    class Meta:
        verbose_name = _("consultation d’une fiche usager")
        verbose_name_plural = _("consultations des fiches usagers")
        ordering = ["-window_start", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["citizen", "agent", "window_start"], name="contacts_one_access_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} → {self.citizen_id}"


class ContactPoint(models.Model):
    """An address parvis talks with, per organisation: found by its keyed digest, read
    back only decrypted. A phone number's SMS consent and opt-out (« STOP ») are recorded
    here (``sms_allowed``)."""

    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="contact_points"
    )
    citizen = models.ForeignKey(
        CitizenRecord,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_points",
    )
    kind = models.CharField(_("type"), max_length=20, choices=ContactKind.choices)
    value_digest = models.CharField(_("empreinte"), max_length=64)
    value_encrypted = models.TextField(_("valeur chiffrée"))
    # SMS consent (issue 14: « SMS needs a number and consent »): given when the citizen
    # texts us from this number (``sms_consent_by`` empty, channel ``sms``) or recorded
    # by an agent; withdrawn by « STOP » (``sms_opt_out_by`` empty) or by an agent.
    sms_consent_at = models.DateTimeField(_("accord pour les SMS le"), null=True, blank=True)
    sms_consent_channel = models.ForeignKey(
        "directory.Channel",
        verbose_name=_("accord recueilli par le canal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sms_consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accord enregistré par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sms_opt_out_at = models.DateTimeField(_("opposition aux SMS le"), null=True, blank=True)
    sms_opt_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opposition enregistrée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("point de contact")
        verbose_name_plural = _("points de contact")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "value_digest"],
                name="contacts_one_contact_point",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} n° {self.pk}"

    @property
    def sms_allowed(self) -> bool:
        """A phone number that accepted SMS and has not withdrawn (« STOP » or an agent)."""
        return (
            self.kind == ContactKind.PHONE
            and self.sms_consent_at is not None
            and self.sms_opt_out_at is None
        )


# --- Conversations ----------------------------------------------------------------------------


class Conversation(models.Model):
    # No index of their own for the organisation, the queue and the citizen: composite
    # indexes lead with each (``contacts_conv_org_status``, ``contacts_conv_queue_day``,
    # ``contacts_conv_citizen``) and serve their lookups; every index is one more write at
    # each move of a conversation (routing's assignments update thousands a second).
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisme"),
        on_delete=models.PROTECT,
        related_name="conversations",
        db_index=False,
    )
    queue = models.ForeignKey(
        Queue,
        verbose_name=_("file"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conversations",
        db_index=False,
    )
    # The site that handled the contact (a counter visit), when it is not the queue's.
    site = models.ForeignKey(
        "directory.Site",
        verbose_name=_("site"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conversations",
    )
    channel = models.ForeignKey(
        "directory.Channel",
        verbose_name=_("canal"),
        on_delete=models.PROTECT,
        related_name="conversations",
    )
    motif = models.ForeignKey(
        "directory.Motif",
        verbose_name=_("motif"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversations",
    )
    citizen = models.ForeignKey(
        CitizenRecord,
        verbose_name=_("usager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversations",
        db_index=False,
    )
    contact_point = models.ForeignKey(
        ContactPoint,
        verbose_name=_("point de contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversations",
    )
    reference = models.CharField(_("référence"), max_length=30, unique=True)
    subject = models.CharField(_("objet"), max_length=300, blank=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_conversations",
    )
    outcome = models.CharField(_("issue"), max_length=30, choices=Outcome.choices, blank=True)
    outcome_version = models.PositiveSmallIntegerField(
        _("version de la table des issues"), null=True, blank=True
    )

    # Priority inputs (routing computes the score; the language engine only proposes).
    urgency_proposed = models.BooleanField(_("urgence proposée"), default=False)
    urgency_confirmed = models.BooleanField(_("urgence confirmée"), default=False)
    vulnerability_proposed = models.BooleanField(_("vulnérabilité proposée"), default=False)
    vulnerability_reason = models.CharField(
        _("motif de vulnérabilité (code)"), max_length=30, blank=True
    )
    vulnerability_source = models.CharField(
        _("vulnérabilité déclarée ou confirmée"),
        max_length=20,
        blank=True,
        choices=[
            ("declared", _("Déclarée par l’usager")),
            ("confirmed", _("Confirmée par un agent")),
        ],
    )
    priority_bonus = models.PositiveIntegerField(_("bonus de priorité"), default=0)
    callback_requested = models.BooleanField(_("rappel demandé"), default=False)

    # Qualification on arrival (language engine) and its corrections.
    qualification_confidence = models.FloatField(
        _("confiance de qualification"), null=True, blank=True
    )
    qualification = models.JSONField(_("qualification proposée"), default=dict, blank=True)
    needs_triage = models.BooleanField(_("à trier"), default=False)

    # Threading keys: the channel's own (an SMS number pair, a chat session, a call id).
    thread_key = models.CharField(_("clé de fil"), max_length=200, blank=True, db_index=True)
    linked_conversation = models.ForeignKey(
        "self",
        verbose_name=_("conversation liée"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # Times (UTC). Deadlines are stored at queueing and never recomputed.
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, db_index=True)
    queued_at = models.DateTimeField(_("mise en file le"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("prise en charge le"), null=True, blank=True)
    first_answered_at = models.DateTimeField(_("première réponse le"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("résolue le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    last_message_at = models.DateTimeField(_("dernier message le"), null=True, blank=True)
    first_answer_due_at = models.DateTimeField(_("première réponse due le"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("résolution due le"), null=True, blank=True)
    announced_deadline = models.DateTimeField(_("délai annoncé"), null=True, blank=True)
    handling_seconds = models.PositiveIntegerField(
        _("durée de traitement (s)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "status"], name="contacts_conv_org_status"),
            models.Index(fields=["queue", "status", "queued_at"], name="contacts_conv_queue_wait"),
            # The wallboard's day per queue, whatever the status (routing.selectors).
            models.Index(fields=["queue", "queued_at"], name="contacts_conv_queue_day"),
            models.Index(fields=["status", "resolved_at"], name="contacts_conv_sweep"),
            models.Index(fields=["citizen", "-created_at"], name="contacts_conv_citizen"),
            # A day's quality facts: the contacts that entered a queue, or were resolved,
            # that day (quality.facts_sql; the nightly and 30-minute refreshes).
            models.Index(fields=["queued_at"], name="contacts_conv_queued"),
            models.Index(fields=["resolved_at"], name="contacts_conv_resolved"),
            # Threading, once per inbound SMS, chat line or call event: the newest
            # conversation of a thread (services.sms, services.conversations._thread).
            # Without it, a table grown faster than its statistics were refreshed had
            # PostgreSQL intersect the organisation's and the channel's rows instead.
            models.Index(
                fields=["organisation", "channel", "thread_key", "-created_at"],
                name="contacts_conv_thread",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ConversationTransition(TransitionLog):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(max_length=20, blank=True, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = _("changement d’état d’une conversation")
        verbose_name_plural = _("changements d’état des conversations")


class Message(models.Model):
    """One message of a conversation: inbound, outbound or an internal note. The text is
    stored encrypted (agents read it; the desk decrypts) beside its masked form (what
    search, training examples and logs may hold)."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    direction = models.CharField(_("sens"), max_length=10, choices=Direction.choices)
    channel = models.ForeignKey(
        "directory.Channel", verbose_name=_("canal"), on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    contact_point = models.ForeignKey(
        ContactPoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    subject = models.CharField(_("objet"), max_length=300, blank=True)
    body_encrypted = models.TextField(_("texte chiffré"), blank=True)
    html_encrypted = models.TextField(_("HTML nettoyé, chiffré"), blank=True)
    body_masked = models.TextField(_("texte masqué"), blank=True)
    is_automatic = models.BooleanField(_("message automatique"), default=False)
    # Email threading (Message-ID, In-Reply-To, References), kept as given.
    external_id = models.CharField(
        _("identifiant externe"), max_length=300, blank=True, db_index=True
    )
    in_reply_to = models.CharField(max_length=300, blank=True)
    references = models.TextField(blank=True)
    inbound_row = models.OneToOneField(
        "InboundRow", on_delete=models.SET_NULL, null=True, blank=True, related_name="message"
    )
    delivery = models.ForeignKey(
        "messaging.Delivery", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["conversation", "created_at"], name="contacts_msg_conv"),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} n° {self.pk}"

    @property
    def undelivered(self) -> bool:
        """An outbound message whose sending failed (retried later or given up): its
        agents must see that the citizen may not have it."""
        from parvis.messaging.models import DeliveryStatus

        if self.delivery_id is None or self.delivery is None:
            return False
        return str(self.delivery.status) in {DeliveryStatus.FAILED, DeliveryStatus.DEAD_LETTER}


class Attachment(models.Model):
    """A file of a message. A refused file keeps its row (name, reason) and no content."""

    class ScanStatus(models.TextChoices):
        CLEAN = "clean", _("Sain")
        INFECTED = "infected", _("Infecté")
        REFUSED = "refused", _("Refusé")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("taille (octets)"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    file = models.FileField(_("fichier"), upload_to="contacts/%Y/%m/", blank=True)
    status = models.CharField(_("état"), max_length=10, choices=ScanStatus.choices)
    refusal_reason = models.CharField(_("motif du refus"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.filename


# --- Phone ------------------------------------------------------------------------------------


class Call(models.Model):
    """A phone call, folded from telephony events in provider-timestamp order; its state
    never moves backwards whatever the order events arrive in."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="calls", null=True, blank=True
    )
    endpoint = models.ForeignKey("InboundEndpoint", on_delete=models.CASCADE, related_name="calls")
    call_id = models.CharField(_("identifiant d’appel"), max_length=200)
    state = models.CharField(_("état"), max_length=20, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ivr_choice = models.CharField(max_length=50, blank=True)
    events = models.JSONField(_("événements reçus"), default=list, blank=True)

    class Meta:
        verbose_name = _("appel")
        verbose_name_plural = _("appels")
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "call_id"], name="contacts_one_call")
        ]

    def __str__(self) -> str:
        return self.call_id


# --- Ingestion --------------------------------------------------------------------------------


class InboundEndpoint(models.Model):
    """Where one organisation receives one channel: ``/hooks/<uuid>/`` for webhooks (signed
    with one of two active secrets), or an IMAP mailbox polled. ``connector`` is the
    connector's code, which is the ``directory.Channel`` slug it serves."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="inbound_endpoints"
    )
    queue = models.ForeignKey(
        Queue,
        verbose_name=_("file par défaut"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    connector = models.CharField(_("canal"), max_length=20)
    name = models.CharField(_("nom"), max_length=200)
    address = models.CharField(
        _("adresse de réception (courriel, numéro)"), max_length=200, blank=True
    )
    secret_encrypted = models.TextField(_("secret chiffré"), blank=True)
    previous_secret_encrypted = models.TextField(_("secret précédent chiffré"), blank=True)
    is_active = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("point d’entrée")
        verbose_name_plural = _("points d’entrée")
        ordering = ["organisation__slug", "connector", "name"]

    def __str__(self) -> str:
        return self.name


class Mailbox(models.Model):
    """An IMAP mailbox polled for an email endpoint, with its checkpoint."""

    endpoint = models.OneToOneField(
        InboundEndpoint,
        on_delete=models.CASCADE,
        related_name="mailbox",
        verbose_name=_("point d’entrée"),
    )
    host = models.CharField(max_length=200)
    port = models.PositiveIntegerField(default=993)
    use_ssl = models.BooleanField(default=True)
    username = models.CharField(max_length=200)
    password_encrypted = models.TextField(blank=True)
    folder = models.CharField(max_length=200, default="INBOX")
    uidvalidity = models.PositiveBigIntegerField(
        _("validité des UID (IMAP)"), null=True, blank=True
    )
    last_uid = models.PositiveBigIntegerField(_("dernier UID relevé"), default=0)
    last_polled_at = models.DateTimeField(_("dernière relève le"), null=True, blank=True)

    class Meta:
        verbose_name = _("boîte aux lettres")
        verbose_name_plural = _("boîtes aux lettres")

    def __str__(self) -> str:
        return f"{self.username}@{self.host}/{self.folder}"


class InboundStatus(models.TextChoices):
    PENDING = "pending", _("À traiter")
    PROCESSED = "processed", _("Traité")
    IGNORED = "ignored", _("Ignoré (accusé, rebond, doublon)")
    QUARANTINED = "quarantined", _("En quarantaine")


class InboundRow(models.Model):
    """What arrived, stored before the 202: the raw payload (encrypted), idempotent on
    ``(endpoint, channel, external_id)``; processed by a Celery task, re-enqueued by a
    sweep, quarantined after too many attempts, purged after processing."""

    endpoint = models.ForeignKey(
        InboundEndpoint,
        on_delete=models.CASCADE,
        related_name="inbound_rows",
        verbose_name=_("point d’entrée"),
    )
    channel = models.CharField(_("canal"), max_length=20)
    kind = models.CharField(_("nature"), max_length=30, default="message")
    external_id = models.CharField(_("identifiant externe"), max_length=300)
    payload_encrypted = models.TextField(_("contenu brut chiffré"))
    content_type = models.CharField(max_length=100, blank=True)
    status = models.CharField(
        _("état"), max_length=20, choices=InboundStatus.choices, default=InboundStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("essais"), default=0)
    error_class = models.CharField(_("type d’erreur"), max_length=100, blank=True)
    received_at = models.DateTimeField(_("reçu le"), default=timezone.now)
    # Last time the row was handed to the worker: the requeue sweep sends back rows still
    # pending a while after it (ingestion part).
    enqueued_at = models.DateTimeField(_("mis en file le"), default=timezone.now)
    processed_at = models.DateTimeField(_("traité le"), null=True, blank=True)

    class Meta:
        verbose_name = _("entrée brute")
        verbose_name_plural = _("entrées brutes")
        ordering = ["received_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "channel", "external_id"], name="contacts_inbound_idempotent"
            )
        ]
        indexes = [
            models.Index(fields=["status", "received_at"], name="contacts_inbound_sweep"),
            models.Index(fields=["status", "enqueued_at"], name="contacts_inbound_requeue"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.external_id[:40]}"


# --- Outbound webhooks and events ---------------------------------------------------------------


class OrganisationWebhook(models.Model):
    """An organisation's subscriber: signed events (created, assigned, resolved) through
    the outbound door, with retries and a log the organisation admin sees."""

    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(_("adresse"), max_length=500)
    events = models.JSONField(_("événements"), default=list, blank=True)
    secret_encrypted = models.TextField(_("secret chiffré"))
    previous_secret_encrypted = models.TextField(blank=True)
    is_active = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("webhook d’organisme")
        verbose_name_plural = _("webhooks d’organismes")

    def __str__(self) -> str:
        return self.url


class WebhookEvent(models.Model):
    """One change of a conversation, numbered per conversation; replayed by
    ``GET /api/v1/events?since=``. Carries ids only."""

    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="contact_events"
    )
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40)
    sequence = models.PositiveIntegerField()
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("événement de conversation")
        verbose_name_plural = _("événements de conversation")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "sequence"], name="contacts_event_sequence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.sequence}"


class QualificationCorrection(models.Model):
    """An agent's correction of the engine's qualification, kept as a training example:
    the masked text only, purged after its retention."""

    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    conversation = models.ForeignKey(
        Conversation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    masked_text = models.TextField()
    proposed_motif = models.CharField(max_length=200, blank=True)
    corrected_motif = models.ForeignKey(
        "directory.Motif", on_delete=models.CASCADE, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("correction de qualification")
        verbose_name_plural = _("corrections de qualification")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"→ {self.corrected_motif_id}"


# --- After the contact: post-contact questions (issue 14, part 5) ---------------------------


class SurveyChannel(models.TextChoices):
    """How the questions reached the citizen (not the conversation's channel)."""

    CHAT = "chat", _("Dans le chat")
    SMS = "sms", _("Par SMS")
    EMAIL = "email", _("Par courriel")


class SurveyStatus(models.TextChoices):
    QUEUED = "queued", _("À envoyer")
    SENT = "sent", _("Envoyée")
    ANSWERED = "answered", _("Répondue")
    FAILED = "failed", _("Non envoyée")


class SurveyInvitation(models.Model):
    """The citizen asked a questionnaire after a contact, and what the answers are about.

    ``questionnaire`` and ``version`` name the question set (``contacts.surveys``: data,
    versioned, so a later survey adds a questionnaire, never a model). The snapshot of the
    conversation (organisation, channels, site, queue, motif, outcome) is taken when the
    questions are sent, so the quality indicators aggregate answers without reading
    conversations. Who was asked (address digest, record, contact point) is forgotten
    after ``CONTACTS_SURVEY_INVITATIONS_RETENTION_DAYS``; the answers stay anonymous."""

    questionnaire = models.CharField(_("questionnaire"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version du questionnaire"))
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisme"),
        on_delete=models.CASCADE,
        related_name="survey_invitations",
    )
    conversation = models.ForeignKey(
        Conversation,
        verbose_name=_("conversation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_invitations",
    )
    via = models.CharField(_("envoyée"), max_length=10, choices=SurveyChannel.choices)
    status = models.CharField(
        _("état"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.QUEUED
    )
    # Who was asked: for the cap of one invitation per citizen and the SMS reply; erased
    # by the purge after the invitations' retention.
    recipient_digest = models.CharField(
        _("empreinte du destinataire"), max_length=64, blank=True, db_index=True
    )
    citizen = models.ForeignKey(
        CitizenRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    contact_point = models.ForeignKey(
        ContactPoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Snapshot of the conversation for the quality indicators.
    channel = models.ForeignKey(
        "directory.Channel",
        verbose_name=_("canal du contact"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    site = models.ForeignKey(
        "directory.Site", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    queue = models.ForeignKey(
        Queue, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    motif = models.ForeignKey(
        "directory.Motif", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(_("issue"), max_length=30, choices=Outcome.choices, blank=True)
    outcome_version = models.PositiveSmallIntegerField(null=True, blank=True)
    resolved_at = models.DateTimeField(_("contact résolu le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    expires_at = models.DateTimeField(_("valable jusqu’au"), null=True, blank=True)
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True, db_index=True)
    delivery = models.ForeignKey(
        "messaging.Delivery", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("questionnaire après contact")
        verbose_name_plural = _("questionnaires après contact")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One questionnaire of a kind per conversation, however often it is resolved.
            models.UniqueConstraint(
                fields=["conversation", "questionnaire"],
                name="contacts_one_survey_per_conversation",
            )
        ]
        # A day's quality facts: the questionnaires of the contacts resolved that day.
        indexes = [models.Index(fields=["resolved_at"], name="contacts_survey_resolved")]

    def __str__(self) -> str:
        return f"{self.get_via_display()} n° {self.pk}"


class SurveyAnswer(models.Model):
    """One answer to one question (``question`` is the question's code in its
    questionnaire's version: a scale of 1 to 5, or yes (1) / no (0))."""

    invitation = models.ForeignKey(
        SurveyInvitation, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.CharField(_("question"), max_length=40)
    value = models.PositiveSmallIntegerField(_("réponse"))
    created_at = models.DateTimeField(_("répondu le"), default=timezone.now)

    class Meta:
        verbose_name = _("réponse après contact")
        verbose_name_plural = _("réponses après contact")
        ordering = ["invitation", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "question"], name="contacts_one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question} = {self.value}"
