"""Routing's own rows, beside the contact hub's (which routing never writes).

- ``QueuePolicy`` (one-to-one with ``contacts.Queue``): strategy, priority weight and
  bonus cap, service-level target, offer and wrap-up times, pause, overflow, callbacks;
  its ``Tier`` rows widen the agents eligible as a contact waits.
- ``Skill`` / ``AgentSkill``: skills with levels (1 generalist, 2 expert, 3 referent);
  languages are skills (``Skill.language``).
- ``AgentState``: presence (with a reason), capacity in units and the units in use, idle
  since; ``PresenceChange`` is its history (kept ``ROUTING_PRESENCE_RETENTION_DAYS``).
- ``Entry``: a conversation waiting (or offered) in a queue, with its time-invariant
  ``sort_key``; ``AgentWork``: what an agent holds or is offered and the units it takes.
- ``Trigger``: work for the ``parvis route`` workers (a contact arrived, an agent freed
  capacity, a tier delay reached); ``Decision``: why a contact went where it went.
- ``Callback``: a citizen who asked to be called back instead of waiting.

Every timestamp is given by the engine's clock (never ``auto_now``), so the simulator
can replay a day in accelerated time.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Strategy(models.TextChoices):
    LONGEST_IDLE = "longest_idle", _("agent libre depuis le plus longtemps")
    LEAST_OCCUPIED = "least_occupied", _("agent le moins occupé")
    BEST_SKILL = "best_skill", _("meilleur niveau de compétence")
    ROUND_ROBIN = "round_robin", _("tour de rôle")
    RING_ALL = "ring_all", _("proposition à tous (chat)")


class OfferMode(models.TextChoices):
    OFFER = "offer", _("proposée à l’agent, qui accepte")
    ASSIGN = "assign", _("attribuée directement")


class Level(models.IntegerChoices):
    GENERALIST = 1, _("1 – généraliste")
    EXPERT = 2, _("2 – expert")
    REFERENT = 3, _("3 – référent")


class Skill(models.Model):
    """What a queue requires and an agent holds at a level; a language is a skill too
    (``language`` set to its code), required when the citizen's language is not French."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    language = models.CharField(_("langue"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("compétence")
        verbose_name_plural = _("compétences")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["language"],
                condition=~Q(language=""),
                name="routing_one_skill_per_language",
            )
        ]

    def __str__(self) -> str:
        return self.name


class AgentSkill(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="routing_skills"
    )
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="holders")
    level = models.PositiveSmallIntegerField(
        _("niveau"), choices=Level.choices, default=Level.GENERALIST
    )

    class Meta:
        verbose_name = _("compétence d’un agent")
        verbose_name_plural = _("compétences des agents")
        constraints = [
            models.UniqueConstraint(fields=["user", "skill"], name="routing_one_level_per_skill")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.skill} ({self.level})"


class QueuePolicy(models.Model):
    """How a queue's contacts reach agents. ``priority_weight`` is the points a second of
    waiting adds to the score; ``bonus_cap`` caps the sum of bonuses, so a contact that
    arrived more than ``bonus_cap / priority_weight`` seconds after another is never
    offered before it."""

    queue = models.OneToOneField(
        "contacts.Queue", on_delete=models.CASCADE, related_name="policy", verbose_name=_("file")
    )
    strategy = models.CharField(
        _("stratégie"), max_length=20, choices=Strategy.choices, default=Strategy.LONGEST_IDLE
    )
    offer_mode = models.CharField(
        _("mode d’attribution"), max_length=10, choices=OfferMode.choices, default=OfferMode.OFFER
    )
    skill = models.ForeignKey(
        Skill,
        verbose_name=_("compétence requise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="policies",
    )
    priority_weight = models.FloatField(
        _("poids de l’attente (points par seconde)"),
        default=1.0,
        validators=[MinValueValidator(0.001), MaxValueValidator(1000)],
    )
    bonus_cap = models.PositiveIntegerField(
        _("plafond des bonus (points)"), default=600, validators=[MaxValueValidator(86_400)]
    )
    # The service-level target: a share within a time, business seconds (phone, chat)
    # or working days (email, SMS) on the queue's calendar.
    service_level_share = models.FloatField(
        _("niveau de service visé (part)"),
        default=0.8,
        validators=[MinValueValidator(0.01), MaxValueValidator(1.0)],
    )
    service_level_seconds = models.PositiveIntegerField(
        _("dans un délai de (secondes)"), null=True, blank=True, default=20
    )
    service_level_working_days = models.PositiveSmallIntegerField(
        _("dans un délai de (jours ouvrés)"), null=True, blank=True
    )
    offer_seconds = models.PositiveIntegerField(
        _("durée d’une proposition (secondes)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(3600)],
    )
    wrap_up_seconds = models.PositiveIntegerField(
        _("temps d’après-contact (secondes)"), default=0, validators=[MaxValueValidator(3600)]
    )
    wrap_up_code_required = models.BooleanField(_("code d’après-contact exigé"), default=False)
    is_paused = models.BooleanField(_("file en pause"), default=False)
    overflow_queue = models.ForeignKey(
        "contacts.Queue",
        verbose_name=_("file de débordement"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    overflow_waiting = models.PositiveIntegerField(
        _("déborder au-delà de (contacts en attente)"), null=True, blank=True
    )
    overflow_wait_seconds = models.PositiveIntegerField(
        _("déborder au-delà d’une attente de (secondes)"), null=True, blank=True
    )
    callbacks_enabled = models.BooleanField(_("rappel proposé"), default=True)
    callback_attempts = models.PositiveSmallIntegerField(
        _("tentatives de rappel"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    callback_spacing_minutes = models.PositiveSmallIntegerField(
        _("minutes entre deux tentatives"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
    )
    # The last agent of a round robin (routing's own cursor).
    round_robin_last = models.PositiveIntegerField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("modifiée le"), default=timezone.now)

    class Meta:
        verbose_name = _("règle de routage d’une file")
        verbose_name_plural = _("règles de routage des files")
        constraints = [
            models.CheckConstraint(
                condition=Q(service_level_seconds__isnull=True)
                | Q(service_level_working_days__isnull=True),
                name="routing_policy_one_service_level_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.queue} · {self.get_strategy_display()}"


class Tier(models.Model):
    """One step of a queue's widening: after ``min_wait_seconds`` of waiting (at once
    when the escalation is asked), agents of at least ``min_level`` in the queue's skill,
    of the listed sites or organisations (none listed: any member of the queue)."""

    policy = models.ForeignKey(QueuePolicy, on_delete=models.CASCADE, related_name="tiers")
    position = models.PositiveSmallIntegerField(_("ordre"))
    name = models.CharField(_("nom"), max_length=120, blank=True)
    min_wait_seconds = models.PositiveIntegerField(_("après une attente de (secondes)"), default=0)
    min_level = models.PositiveSmallIntegerField(
        _("niveau minimal"), choices=Level.choices, default=Level.GENERALIST
    )
    sites = models.ManyToManyField("directory.Site", verbose_name=_("sites"), blank=True)
    organisations = models.ManyToManyField(
        "directory.Organisation", verbose_name=_("organismes"), blank=True
    )

    class Meta:
        verbose_name = _("palier")
        verbose_name_plural = _("paliers")
        ordering = ["policy", "position"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "position"], name="routing_tier_position")
        ]

    def __str__(self) -> str:
        return self.name or f"Palier {self.position}"


class Presence(models.TextChoices):
    AVAILABLE = "available", _("disponible")
    BUSY = "busy", _("occupé")
    BREAK = "break", _("en pause")
    WRAP_UP = "wrap_up", _("après-contact")
    AWAY = "away", _("absent")
    OFFLINE = "offline", _("hors ligne")


# Who counts as staffed for the estimated wait (available, busy and wrap-up).
STAFFED = (Presence.AVAILABLE, Presence.BUSY, Presence.WRAP_UP)


class PresenceReason(models.TextChoices):
    NONE = "", _("—")
    LUNCH = "lunch", _("déjeuner")
    MEETING = "meeting", _("réunion")
    TRAINING = "training", _("formation")
    BACK_OFFICE = "back_office", _("traitement de dossiers")
    TECHNICAL = "technical", _("problème technique")
    CALL = "call", _("appel en cours")
    CONNECTION_LOST = "connection_lost", _("connexion perdue")
    SUPERVISOR = "supervisor", _("décision d’un superviseur")
    END_OF_DAY = "end_of_day", _("fin de journée")
    OFFERS_MISSED = "offers_missed", _("propositions non acceptées")


class AgentState(models.Model):
    """An agent's presence and load. ``used_units`` is the sum of the units of their
    ``AgentWork`` rows, kept in the same transaction; ``idle_since`` is when they last
    had no work (longest idle first)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="routing_state"
    )
    presence = models.CharField(
        _("présence"), max_length=12, choices=Presence.choices, default=Presence.OFFLINE
    )
    reason = models.CharField(
        _("motif"), max_length=20, choices=PresenceReason.choices, blank=True, default=""
    )
    presence_since = models.DateTimeField(_("depuis"), default=timezone.now)
    capacity = models.PositiveSmallIntegerField(
        _("capacité (unités)"), default=100, validators=[MaxValueValidator(1000)]
    )
    used_units = models.PositiveSmallIntegerField(_("unités occupées"), default=0)
    idle_since = models.DateTimeField(_("libre depuis"), default=timezone.now)
    wrap_up_until = models.DateTimeField(_("fin de l’après-contact"), null=True, blank=True)
    # Live desk sockets; when the last one goes, ``away`` after a grace period.
    sockets = models.PositiveSmallIntegerField(default=0)
    socket_lost_at = models.DateTimeField(null=True, blank=True)
    missed_offers = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("état d’un agent")
        verbose_name_plural = _("états des agents")
        indexes = [models.Index(fields=["presence", "idle_since"], name="routing_state_idle")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_presence_display()}"


class PresenceChange(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    presence = models.CharField(max_length=12, choices=Presence.choices)
    reason = models.CharField(max_length=20, choices=PresenceReason.choices, blank=True)
    at = models.DateTimeField(db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("changement de présence")
        verbose_name_plural = _("changements de présence")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.presence} ({self.at:%Y-%m-%d %H:%M})"


class EntryState(models.TextChoices):
    WAITING = "waiting", _("en attente")
    OFFERED = "offered", _("proposée")


class Entry(models.Model):
    """A conversation waiting in a queue, routing's view of it. ``sort_key`` =
    ``arrived_at`` (epoch seconds) − min(bonus, cap) ÷ weight: the order inside a queue,
    which does not change with time. ``arrived_at`` survives an offer that expires (the
    contact returns at its place) and a callback request (the caller keeps it)."""

    conversation = models.OneToOneField(
        "contacts.Conversation", on_delete=models.CASCADE, related_name="routing_entry"
    )
    queue = models.ForeignKey("contacts.Queue", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=30)
    units = models.PositiveSmallIntegerField(default=100)  # of the agent's capacity
    state = models.CharField(max_length=10, choices=EntryState.choices, default=EntryState.WAITING)
    arrived_at = models.DateTimeField()
    bonus = models.PositiveIntegerField(default=0)  # already capped
    bonus_reasons = models.JSONField(default=list, blank=True)  # codes, never a text
    sort_key = models.FloatField()
    language = models.CharField(max_length=10, blank=True)  # required language skill
    escalated = models.BooleanField(default=False)  # every tier open at once
    next_tier_at = models.DateTimeField(null=True, blank=True)
    offered_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    offered_to_all = models.JSONField(default=list, blank=True)  # ring-all: user ids
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    declined_by = models.JSONField(default=list, blank=True)  # user ids, not offered again

    class Meta:
        verbose_name = _("contact en attente")
        verbose_name_plural = _("contacts en attente")
        indexes = [
            # The heads of a queue in sort order (ties by id), read at every decision.
            models.Index(fields=["queue", "state", "sort_key", "id"], name="routing_entry_head"),
            models.Index(fields=["state", "offer_expires_at"], name="routing_entry_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id} · {self.state}"


class AgentWork(models.Model):
    """A conversation an agent holds or is offered, and the capacity units it takes."""

    conversation = models.OneToOneField(
        "contacts.Conversation", on_delete=models.CASCADE, related_name="routing_work"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="routing_work"
    )
    units = models.PositiveSmallIntegerField()
    since = models.DateTimeField()

    class Meta:
        verbose_name = _("travail en cours")
        verbose_name_plural = _("travaux en cours")

    def __str__(self) -> str:
        return f"{self.user_id} · {self.conversation_id} ({self.units})"


class TriggerKind(models.TextChoices):
    CONTACT = "contact", _("contact arrivé ou palier atteint")
    AGENT = "agent", _("agent libéré")


class Trigger(models.Model):
    """Work for the routing workers, taken with ``SKIP LOCKED`` (PostgreSQL) or inside an
    ``IMMEDIATE`` transaction (SQLite). ``due_at`` in the future: a tier delay."""

    kind = models.CharField(max_length=10, choices=TriggerKind.choices)
    object_id = models.PositiveBigIntegerField()
    due_at = models.DateTimeField()
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("déclencheur de routage")
        verbose_name_plural = _("déclencheurs de routage")
        indexes = [
            models.Index(fields=["due_at", "id"], name="routing_trigger_due"),
            # Whether a contact has a due trigger of its own (``engine._resolve_work_may_wait``).
            models.Index(fields=["object_id", "kind"], name="routing_trigger_object"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} @ {self.due_at:%H:%M:%S}"


class Decision(models.Model):
    """Why a contact went where it went: the rule, the pair chosen, the best candidates
    with their scores and why others were skipped. Purged with its conversation."""

    conversation = models.ForeignKey(
        "contacts.Conversation", on_delete=models.CASCADE, related_name="routing_decisions"
    )
    queue = models.ForeignKey("contacts.Queue", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(db_index=True)
    trigger = models.CharField(max_length=20)
    rule = models.CharField(max_length=200)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    score = models.FloatField(null=True)
    wait_seconds = models.FloatField(default=0)
    candidates = models.JSONField(default=list, blank=True)
    skipped = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("décision de routage")
        verbose_name_plural = _("décisions de routage")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.conversation_id} → {self.agent_id} ({self.rule})"


class CallbackStatus(models.TextChoices):
    WAITING = "waiting", _("en attente de son tour")
    SCHEDULED = "scheduled", _("prévu à un créneau")
    DIALLING = "dialling", _("appel en cours")
    DONE = "done", _("rappelé")
    FAILED = "failed", _("sans réponse")
    CANCELLED = "cancelled", _("annulé")


class Callback(models.Model):
    """A citizen asked to be called back instead of waiting: the conversation keeps its
    entry and its place; the agent it is offered to dials through the telephony adapter."""

    conversation = models.OneToOneField(
        "contacts.Conversation", on_delete=models.CASCADE, related_name="routing_callback"
    )
    status = models.CharField(
        max_length=12, choices=CallbackStatus.choices, default=CallbackStatus.WAITING
    )
    requested_at = models.DateTimeField()
    slot_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    announced_at = models.DateTimeField(null=True, blank=True)  # the SMS sent
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("rappel")
        verbose_name_plural = _("rappels")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="routing_callback_due")]

    def __str__(self) -> str:
        return f"{self.conversation_id} · {self.status}"
