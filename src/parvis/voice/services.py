"""Writes of voice: the experience lifecycle, moderation, public answers and follow-up.

Every change of an experience's status goes through ``experience_transition``, which
applies the move with ``EXPERIENCE_LIFECYCLE`` (the one table of allowed moves, with their
guards and side effects: dates, purge deadlines; ``core.workflow``), which writes an
``ExperienceTransition``; it adds the audit row and tells ``publication`` after commit
(``events.experience_changed``). A public answer's status changes only through
``ANSWER_LIFECYCLE`` (logged in ``AnswerTransition``). Views, the API, tasks and commands
call the functions below; none of them changes a status by hand.

Services raise ``VoiceError`` (stable ``code``, French ``message``, optional ``field``);
views show the message, the API turns it into a problem response.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import structlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from parvis.accounts import scoping
from parvis.accounts.models import ApiToken, Role, User
from parvis.accounts.scoping import Perm, has_permission
from parvis.accounts.services import audit_record
from parvis.core.crypto import decrypt_text, encrypt_text
from parvis.core.errors import ParvisError
from parvis.core.queue import send, send_on_commit
from parvis.core.workflow import (
    CREATION,
    Acting,
    Machine,
    Move,
    Requirement,
    Step,
    WorkflowError,
    acting_as,
    any_of,
)
from parvis.directory import servicelevels
from parvis.directory.models import Channel, JourneyStage, LocalService, Organisation, Site
from parvis.voice import analysis
from parvis.voice.digests import email_digest, private_token_digest
from parvis.voice.events import experience_changed
from parvis.voice.models import (
    PLACEHOLDER,
    PUBLIC_STATUSES,
    TEMPLATE_NEEDS_PLACEHOLDER,
    AnswerFeedback,
    AnswerStatus,
    AnswerTemplate,
    AnswerTransition,
    Experience,
    ExperienceStatus,
    ExperienceTransition,
    PublicAnswer,
    RejectionReason,
    Tone,
)
from parvis.voice.selectors import answer_targets, place_of

logger = structlog.get_logger(__name__)

S = ExperienceStatus
TITLE_MAX = 200
TEXT_MAX = 5000
ANSWER_MIN = 10
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class VoiceError(ParvisError):
    """A domain rule refused the action; ``code`` is stable, ``message`` is French."""


# --- Lifecycles: the experience's and the public answer's tables of moves ---------------


class Actor:
    """Capacities in which moves are made (recorded in the logs' ``actor_label``)."""

    AUTHOR = "auteur"
    MODERATOR = "modérateur"
    SYSTEM = "système"
    AGENT = "agent d’accueil"
    SERVICE = "service concerné"
    PARTNER = "site partenaire (API)"


def retention_days() -> int:
    return int(getattr(settings, "VOICE_ORIGINAL_RETENTION_DAYS", 30))


def _voice_error(error: WorkflowError) -> VoiceError:
    return VoiceError(error.code, error.message, field=error.field, status=error.status)


# Moderators are checked on the person too (``scoping.can_moderate``): platform moderators
# and platform admins. The other capacities are claimed by the calling service, which has
# checked them (the private link for the author, ``Perm.MANAGE_QUALITY`` for the service).
BY_MODERATOR = acting_as(Actor.MODERATOR, also=scoping.can_moderate)


def _on_publish(experience: Experience, step: Step) -> None:
    experience.published_at = step.now
    experience.original_purge_due_at = step.now + dt.timedelta(days=retention_days())


def _on_reject(experience: Experience, step: Step) -> None:
    experience.rejected_at = step.now
    experience.rejection_reason = step.reason
    experience.original_purge_due_at = step.now + dt.timedelta(days=retention_days())


def _on_reopen(experience: Experience, step: Step) -> None:
    experience.rejected_at = None
    experience.rejection_reason = ""
    experience.duplicate_of = None
    experience.original_purge_due_at = None


def _on_answer(experience: Experience, step: Step) -> None:
    experience.answered_at = step.now


def _on_correct(experience: Experience, step: Step) -> None:
    experience.processed_at = None


def _on_withdraw(experience: Experience, step: Step) -> None:
    experience.withdrawn_at = step.now
    _erase_personal_data(experience, now=step.now, masked_too=True)


def _save_experience(experience: Experience, step: Step) -> None:
    # Relations and unique columns are enforced by the database; validating them here
    # would cost a query per foreign key on every move.
    experience.full_clean(exclude=_relation_fields(), validate_unique=False)
    experience.save()


_ANY_LIVE = frozenset(
    {S.SUBMITTED, S.IN_MODERATION, S.PUBLISHED, S.REJECTED, S.ANSWERED, S.ARCHIVED}
)
EXPERIENCE_LIFECYCLE = Machine(
    name="experience",
    states=dict(S.choices),
    log_model=ExperienceTransition,
    log_object_field="experience",
    save=_save_experience,
    moves=[
        Move(
            "submit",
            {CREATION},
            S.SUBMITTED,
            "Déposer",
            guard=acting_as(Actor.AUTHOR, Actor.AGENT, Actor.PARTNER),
            forbidden_message="Ce dépôt ne vous est pas permis.",
        ),
        # The engine has masked and qualified the text: a moderator must now decide.
        Move(
            "analyse",
            {S.SUBMITTED},
            S.IN_MODERATION,
            "Analyser",
            guard=acting_as(Actor.SYSTEM),
        ),
        Move(
            "correct",
            {S.SUBMITTED, S.IN_MODERATION},
            S.SUBMITTED,
            "Corriger",
            guard=acting_as(Actor.AUTHOR),
            effects=(_on_correct,),
        ),
        Move(
            "publish",
            {S.IN_MODERATION},
            S.PUBLISHED,
            "Publier",
            guard=BY_MODERATOR,
            effects=(_on_publish,),
        ),
        Move(
            "reject",
            {S.IN_MODERATION},
            S.REJECTED,
            "Refuser",
            guard=BY_MODERATOR,
            requires=(Requirement("reason", "reason_required", "Indiquez un motif."),),
            effects=(_on_reject,),
        ),
        # A moderator reconsiders a rejection while the original is still kept.
        Move(
            "reopen",
            {S.REJECTED},
            S.IN_MODERATION,
            "Reprendre la modération",
            guard=BY_MODERATOR,
            effects=(_on_reopen,),
        ),
        Move(
            "answer",
            {S.PUBLISHED},
            S.ANSWERED,
            "Répondre",
            guard=any_of(acting_as(Actor.SERVICE), BY_MODERATOR),
            effects=(_on_answer,),
        ),
        Move(
            "archive",
            {S.PUBLISHED, S.ANSWERED},
            S.ARCHIVED,
            "Archiver",
            guard=any_of(BY_MODERATOR, acting_as(Actor.SYSTEM)),
        ),
        Move(
            "withdraw",
            _ANY_LIVE,
            S.WITHDRAWN,
            "Retirer",
            guard=acting_as(Actor.AUTHOR),
            effects=(_on_withdraw,),
        ),
    ],
)
# Read by views and tests: name → move (``sources``, ``target``, ``label``, ``guard``).
MOVES = EXPERIENCE_LIFECYCLE.moves


def allowed_moves(status: str) -> list[str]:
    return [move.name for move in EXPERIENCE_LIFECYCLE.moves_from(status)]


@transaction.atomic
def experience_transition(
    *,
    experience: Experience,
    move: str,
    actor: Any = None,
    actor_label: str,
    reason_code: str = "",
    note: str = "",
) -> Experience:
    """Apply ``move`` to ``experience`` if the table allows it for ``actor`` acting as
    ``actor_label``; record and audit it, tell ``publication`` after commit."""
    try:
        step = EXPERIENCE_LIFECYCLE.apply(
            experience,
            move=move,
            principal=Acting(actor, actor_label),
            reason=reason_code,
            note=note,
        )
    except WorkflowError as error:
        raise _voice_error(error) from error
    audit_record(
        actor=actor,
        action=f"experience.{move}",
        target=experience,
        data={"from": step.source, "to": step.target, "reason": reason_code},
    )
    logger.info(
        "experience_transition", experience_id=experience.pk, move=move, to_status=step.target
    )
    if step.source in PUBLIC_STATUSES or step.target in PUBLIC_STATUSES:
        # Only these moves can change what is public; the others (submit, analyse,
        # correct, reject, reopen, early withdrawal) would cost a read-model sync each.
        _changed_on_commit(experience)
    return experience


def _on_answer_published(answer: PublicAnswer, step: Step) -> None:
    answer.published_at = step.now


def _save_answer(answer: PublicAnswer, step: Step) -> None:
    answer.full_clean(exclude=_answer_relation_fields(), validate_unique=False)
    answer.save()


A = AnswerStatus
BY_SERVICE = acting_as(Actor.SERVICE)
ANSWER_LIFECYCLE = Machine(
    name="answer",
    states=dict(A.choices),
    log_model=AnswerTransition,
    log_object_field="answer",
    save=_save_answer,
    moves=[
        # Written (or rewritten after a moderator sent it back); masked by a task next.
        Move("write", {CREATION, A.DRAFT, A.REJECTED}, A.DRAFT, "Rédiger", guard=BY_SERVICE),
        # Masking changed it or it is sensitive: a moderator looks first.
        Move(
            "send_to_moderation",
            {A.DRAFT},
            A.IN_MODERATION,
            "Envoyer en modération",
            guard=BY_SERVICE,
        ),
        Move(
            "publish",
            {A.DRAFT},
            A.PUBLISHED,
            "Publier",
            guard=BY_SERVICE,
            effects=(_on_answer_published,),
        ),
        Move(
            "approve",
            {A.IN_MODERATION},
            A.PUBLISHED,
            "Approuver et publier",
            guard=BY_MODERATOR,
            effects=(_on_answer_published,),
        ),
        Move(
            "send_back",
            {A.IN_MODERATION},
            A.REJECTED,
            "Renvoyer au service",
            guard=BY_MODERATOR,
            requires=(
                Requirement(
                    "note", "note_required", "Expliquez au service ce qu’il faut reprendre."
                ),
            ),
        ),
    ],
)


def _answer_transition(
    answer: PublicAnswer,
    *,
    actor: Any,
    actor_label: str,
    move: str | None = None,
    to: str | None = None,
    reason_code: str = "",
    note: str = "",
) -> Step:
    try:
        return ANSWER_LIFECYCLE.apply(
            answer,
            move=move,
            to=to,
            principal=Acting(actor, actor_label),
            reason=reason_code,
            note=note,
        )
    except WorkflowError as error:
        raise _voice_error(error) from error


@functools.cache
def _relation_fields() -> tuple[str, ...]:
    return tuple(f.name for f in Experience._meta.concrete_fields if f.is_relation)


@functools.cache
def _answer_relation_fields() -> tuple[str, ...]:
    return tuple(f.name for f in PublicAnswer._meta.concrete_fields if f.is_relation)


def _status_label(status: str) -> str:
    return str(S(status).label) if status else "création"


def _changed_on_commit(experience: Experience) -> None:
    pk = experience.pk
    transaction.on_commit(lambda: experience_changed(pk))


# --- Submission -------------------------------------------------------------------------


@dataclass(frozen=True)
class Submitted:
    experience: Experience
    private_token: str  # shown once, emailed if an email was given; only its digest is kept


def clean_text(value: str) -> str:
    """Control characters (NUL breaks PostgreSQL) removed, line ends normalised."""
    return _CONTROL.sub("", (value or "").replace("\r\n", "\n")).strip()


def _validate_words(title: str, text: str) -> None:
    """Non-blank and within the size limits (forms add friendlier minimum lengths)."""
    errors = []
    if not title:
        errors.append(("title", "Donnez un titre à votre expérience (quelques mots)."))
    if len(title) > TITLE_MAX:
        errors.append(
            ("title", f"Le titre est limité à {TITLE_MAX} caractères (actuellement {len(title)}).")
        )
    if not text:
        errors.append(("text", "Racontez ce qui s’est passé en quelques phrases."))
    if len(text) > TEXT_MAX:
        errors.append(
            ("text", f"Le récit est limité à {TEXT_MAX} caractères (actuellement {len(text)}).")
        )
    if errors:
        field, message = errors[0]
        raise VoiceError("invalid_text", message, field=field)


def validate_service(
    *, organisation: Organisation, local_service: LocalService | None, site: Site | None
) -> None:
    if not organisation.is_active:
        raise VoiceError(
            "inactive_organisation", "Cet organisme n’est plus actif.", field="organisation"
        )
    if local_service is not None and local_service.organisation_id != organisation.pk:
        raise VoiceError(
            "service_mismatch",
            "Ce service local n’appartient pas à l’organisme choisi.",
            field="local_service",
        )
    if site is not None:
        runs_it = site.organisation_id == organisation.pk
        partner = site.kind == Site.Kind.FRANCE_SERVICES and (
            site.organisation_id is None
            or runs_it
            or site.partners.filter(pk=organisation.pk).exists()
        )
        if not (runs_it or partner):
            raise VoiceError(
                "site_mismatch",
                "Ce lieu d’accueil ne reçoit pas pour l’organisme choisi.",
                field="site",
            )
        if (
            local_service is not None
            and site.local_service_id
            and site.local_service_id != local_service.pk
        ):
            raise VoiceError(
                "site_mismatch",
                "Ce lieu d’accueil ne dépend pas du service local choisi.",
                field="site",
            )


def validate_happened_on(happened_on: dt.date | None) -> None:
    if happened_on is None:
        return
    today = timezone.localdate()
    if happened_on > today:
        raise VoiceError(
            "date_in_future", "La date ne peut pas être dans le futur.", field="happened_on"
        )


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError as exc:
        raise VoiceError(
            "invalid_email",
            "Saisissez une adresse électronique valide, par exemple nom@exemple.fr.",
            field="email",
        ) from exc
    return email


@transaction.atomic
def experience_submit(
    *,
    organisation: Organisation,
    title: str,
    text: str,
    local_service: LocalService | None = None,
    site: Site | None = None,
    journey_stage: JourneyStage | None = None,
    channel: Channel | None = None,
    tone: str = "",
    happened_on: dt.date | None = None,
    email: str = "",
    author: Any = None,
    actor: Any = None,
    actor_label: str = Actor.AUTHOR,
    assisted_by: User | None = None,
    assisted_site: Site | None = None,
) -> Submitted:
    """Record a citizen's experience: originals encrypted, then masked by a task.

    Nothing is public: the engine runs after commit (``tasks.process_experience``) and
    the experience then waits for a moderator.
    """
    title, text = clean_text(title), clean_text(text)
    _validate_words(title, text)
    validate_service(organisation=organisation, local_service=local_service, site=site)
    validate_happened_on(happened_on)
    if tone and tone not in Tone.values:
        raise VoiceError("invalid_tone", "Choisissez un ressenti dans la liste.", field="tone")
    email = normalise_email(email)
    if assisted_by is not None and assisted_site is None:
        raise VoiceError(
            "site_required", "Indiquez l’accueil où l’usager a été reçu.", field="assisted_site"
        )

    token = secrets.token_urlsafe(32)
    commune = site.commune if site is not None else None
    departement = (
        commune.departement
        if commune is not None
        else (local_service.main_departement if local_service is not None else None)
    )
    source = {Actor.AGENT: "assisted", Actor.PARTNER: "api"}.get(actor_label, "web")
    experience = Experience(
        organisation=organisation,
        local_service=local_service or (site.local_service if site is not None else None),
        site=site,
        departement=departement,
        commune=commune,
        journey_stage=journey_stage,
        channel=channel,
        tone=tone,
        happened_on=happened_on,
        original_title_encrypted=encrypt_text(title),
        original_text_encrypted=encrypt_text(text),
        author=author if isinstance(author, User) else None,
        author_email_encrypted=encrypt_text(email) if email else "",
        author_email_digest=email_digest(email) if email else "",
        private_token_digest=private_token_digest(token),
        is_assisted=assisted_by is not None,
        assisted_by=assisted_by,
        assisted_site=assisted_site,
        source=source,
    )
    rule_actor = actor if actor is not None else (assisted_by or experience.author)
    # Saved by the move (relations arrive as rows the caller read; uuid and token digest
    # are random and unique in the database: see ``_save_experience``).
    _record_creation(experience, actor=rule_actor, actor_label=actor_label)

    from parvis.voice import tasks

    pk = experience.pk
    send_on_commit(tasks.process_experience, pk)
    if email:
        # Encrypted: the link's secret must not sit in clear in the broker's queue.
        send_on_commit(tasks.send_private_link, pk, encrypt_text(token))
    return Submitted(experience, token)


def _record_creation(experience: Experience, *, actor: Any, actor_label: str) -> None:
    try:
        EXPERIENCE_LIFECYCLE.apply(
            experience,
            move="submit",
            principal=Acting(actor, actor_label),
            reason=experience.source,
        )
    except WorkflowError as error:
        raise _voice_error(error) from error
    audit_record(
        actor=actor,
        action="experience.submit",
        target=experience,
        data={"from": "", "to": S.SUBMITTED, "source": experience.source},
    )


ANALYSIS_BATCH = 16
ANALYSIS_CLAIM_TIMEOUT = dt.timedelta(minutes=5)


def experience_analyse(*, experience: Experience) -> Experience:
    """Mask and qualify a submitted experience, then put it in the moderation queue."""
    done = _analyse_and_apply([experience])
    return done[0] if done else experience


def experiences_analyse_batch(*, first_id: int, limit: int = ANALYSIS_BATCH) -> list[Experience]:
    """Analyse experience ``first_id`` and up to ``limit - 1`` other waiting ones, oldest
    first, in one pass of the engine (spaCy takes about half the time per text in a
    batch). Each is claimed first, so that concurrent workers never analyse the same one;
    the others' own messages then find nothing left to do."""
    claimed = _claim_for_analysis(first_id, limit)
    if not claimed:
        return []
    experiences = list(Experience.objects.select_related("organisation").filter(pk__in=claimed))
    return _analyse_and_apply(experiences)


def _claim_for_analysis(first_id: int, limit: int) -> list[int]:
    now = timezone.now()
    claimable = Experience.objects.awaiting_analysis().filter(
        Q(analysis_claimed_at__isnull=True)
        | Q(analysis_claimed_at__lt=now - ANALYSIS_CLAIM_TIMEOUT)
    )
    with transaction.atomic():
        # PostgreSQL: rows another worker is claiming are skipped, not waited for. SQLite
        # ignores the clause; its write transactions are serialised (IMMEDIATE) instead.
        locked = claimable.select_for_update(skip_locked=True)
        ids = list(locked.filter(pk=first_id).values_list("pk", flat=True))
        ids += list(
            locked.exclude(pk=first_id)
            .order_by("submitted_at", "pk")
            .values_list("pk", flat=True)[: max(0, limit - len(ids))]
        )
        if ids:
            Experience.objects.filter(pk__in=ids).update(analysis_claimed_at=now)
    return ids


def _analyse_and_apply(experiences: list[Experience]) -> list[Experience]:
    """The engine runs outside any transaction (it is slow); each result is applied only
    if its experience is still the version that was analysed (no correction, no
    withdrawal in between). One failing experience does not hold back the others."""
    waiting = [e for e in experiences if e.awaits_analysis]
    if not waiting:
        return []
    seen = {e.pk: (e.original_text_encrypted, e.original_title_encrypted) for e in waiting}
    results = analysis.analyse_many(
        [
            (decrypt_text(e.original_title_encrypted), decrypt_text(e.original_text_encrypted))
            for e in waiting
        ]
    )
    done: list[Experience] = []
    with transaction.atomic():
        current_rows = (
            Experience.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .in_bulk([e.pk for e in waiting])
        )
        for experience, result in zip(waiting, results, strict=True):
            current = current_rows.get(experience.pk)
            if (
                current is None
                or not current.awaits_analysis
                or (current.original_text_encrypted, current.original_title_encrypted)
                != seen[experience.pk]
            ):
                continue
            try:
                with transaction.atomic():
                    _apply_analysis(current, result)  # saved with the move, in one UPDATE
                    experience_transition(
                        experience=current, move="analyse", actor=None, actor_label=Actor.SYSTEM
                    )
            except (ValidationError, VoiceError, IntegrityError):
                logger.exception("voice_analysis_not_applied", experience_id=current.pk)
                continue
            done.append(current)
    return done


def experience_request_analysis(*, experience: Experience) -> None:
    """A moderator relaunches the analysis of an experience stuck in « déposée »: any
    claim by a worker that died is dropped."""
    if experience.status != S.SUBMITTED:
        raise VoiceError("not_submitted", "Seule une expérience déposée peut être analysée.")
    Experience.objects.filter(pk=experience.pk).update(analysis_claimed_at=None)
    from parvis.voice import tasks

    send(tasks.process_experience, experience.pk)


def _apply_analysis(experience: Experience, result: analysis.Analysis) -> None:
    from parvis.directory.models import Motif, Theme

    qualification = result.qualification
    experience.masked_title = result.masked_title[:TITLE_MAX]
    experience.masked_text = result.masked_text
    experience.entities = result.entities
    experience.qualification = qualification
    experience.is_sensitive = result.sensitive
    experience.sensitive_categories = result.sensitive_categories
    experience.processed_at = timezone.now()
    if qualification.get("organisation") == experience.organisation.slug:
        experience.motif = Motif.objects.filter(
            organisation=experience.organisation, slug=qualification.get("motif") or ""
        ).first()
    if not experience.tone and qualification.get("tone") in Tone.values:
        experience.tone = qualification["tone"]
    if experience.journey_stage_id is None and qualification.get("journey_stage"):
        experience.journey_stage = JourneyStage.objects.filter(
            slug=qualification["journey_stage"]
        ).first()
    experience.themes.set(Theme.objects.filter(slug__in=qualification.get("themes") or []))


@transaction.atomic
def experience_correct(*, experience: Experience, title: str, text: str) -> Experience:
    """The author rewrites their experience before publication; it is analysed again."""
    title, text = clean_text(title), clean_text(text)
    _validate_words(title, text)
    if experience.status not in MOVES["correct"].sources:
        raise VoiceError(
            "not_editable",
            "Une expérience publiée ne peut plus être corrigée ; vous pouvez la retirer.",
            status=409,
        )
    experience.original_title_encrypted = encrypt_text(title)
    experience.original_text_encrypted = encrypt_text(text)
    experience.masked_title = ""
    experience.masked_text = ""
    experience.entities = []
    experience.analysis_claimed_at = None  # the new version waits for its own analysis
    experience_transition(
        experience=experience, move="correct", actor=experience.author, actor_label=Actor.AUTHOR
    )
    from parvis.voice import tasks

    pk = experience.pk
    send_on_commit(tasks.process_experience, pk)
    return experience


@transaction.atomic
def experience_attach_author(*, experience: Experience, user: User) -> Experience:
    """Attach an experience shared without an account to the signed-in author (who proved
    it is theirs with the private link), so that it shows among their experiences."""
    if not user.is_authenticated or not user.is_active:
        raise VoiceError("forbidden", "Connectez-vous pour rattacher l’expérience.", status=403)
    if experience.status == S.WITHDRAWN:
        raise VoiceError("withdrawn", "Cette expérience a été retirée.", status=409)
    if experience.author_id == user.pk:
        return experience
    # Only while nobody holds it: two accounts with the same link cannot both take it.
    if not Experience.objects.filter(pk=experience.pk, author__isnull=True).update(author=user):
        raise VoiceError(
            "other_author", "Cette expérience est déjà rattachée à un autre compte.", status=409
        )
    experience.author = user
    audit_record(actor=user, action="experience.author_attached", target=experience)
    return experience


def experiences_attach_by_email(*, user: User) -> int:
    """At login, gather the experiences shared without an account from this account's
    address (its owner proved it by activating the account), so that « Mes expériences »
    shows them without a private link each. Withdrawn ones stay apart. Not for agents:
    their accounts are created by administrators, who choose the address."""
    from parvis.accounts.selectors import is_agent

    if not user.email or is_agent(user):
        return 0
    attached = (
        Experience.objects.filter(author__isnull=True, author_email_digest=email_digest(user.email))
        .exclude(status=S.WITHDRAWN)
        .update(author=user)
    )
    if attached:
        logger.info("experiences_attached_by_email", user_id=user.pk, count=attached)
    return attached


@transaction.atomic
def experience_withdraw(*, experience: Experience) -> Experience:
    """The author withdraws, at any time: originals, contact and texts are erased now."""
    if experience.status == S.WITHDRAWN:
        return experience
    return experience_transition(
        experience=experience, move="withdraw", actor=experience.author, actor_label=Actor.AUTHOR
    )


# --- Moderation -------------------------------------------------------------------------


def is_moderator(user: Any) -> bool:
    """Platform moderators and admins moderate experiences and answers (of every
    organisation); services' own roles never do."""
    return scoping.can_moderate(user)


def _require_moderator(user: Any) -> None:
    if not is_moderator(user):
        raise VoiceError(
            "forbidden", "Seuls les modérateurs de la plateforme modèrent.", status=403
        )


def _require_ready(experience: Experience) -> None:
    if experience.processed_at is None or not experience.masked_text:
        raise VoiceError(
            "not_analysed",
            "Le texte n’a pas encore été masqué : patientez ou relancez l’analyse.",
            status=409,
        )


@transaction.atomic
def experience_publish(*, experience: Experience, moderator: User, note: str = "") -> Experience:
    """A moderator publishes the masked text. Sensitive texts need a written reason."""
    _require_moderator(moderator)
    _require_ready(experience)
    if experience.is_sensitive and not note.strip():
        raise VoiceError(
            "reason_required",
            "Ce témoignage est signalé comme sensible : indiquez la raison de votre "
            "décision de le publier.",
            field="note",
        )
    return experience_transition(
        experience=experience,
        move="publish",
        actor=moderator,
        actor_label=Actor.MODERATOR,
        reason_code="sensitive_reviewed" if experience.is_sensitive else "",
        note=note,
    )


@transaction.atomic
def experiences_bulk_publish(*, experiences: Iterable[Experience], moderator: User) -> int:
    """Publish several non-sensitive experiences at once; refuse the lot if one is sensitive."""
    _require_moderator(moderator)
    batch = list(experiences)
    sensitive = [e for e in batch if e.is_sensitive]
    if sensitive:
        raise VoiceError(
            "sensitive_in_bulk",
            f"{len(sensitive)} témoignage(s) signalé(s) sensible(s) : chacun demande une "
            "décision individuelle motivée. Rien n’a été publié.",
            status=409,
        )
    for experience in batch:
        _require_ready(experience)
        experience_transition(
            experience=experience,
            move="publish",
            actor=moderator,
            actor_label=Actor.MODERATOR,
            reason_code="bulk",
        )
    return len(batch)


@transaction.atomic
def experience_reject(
    *,
    experience: Experience,
    moderator: User,
    reason: str,
    note: str = "",
    duplicate_of: Experience | None = None,
) -> Experience:
    _require_moderator(moderator)
    if reason not in RejectionReason.values:
        raise VoiceError("invalid_reason", "Choisissez un motif de la charte.", field="reason")
    if reason == RejectionReason.OTHER and not note.strip():
        raise VoiceError("note_required", "Précisez le motif « Autre ».", field="note")
    if duplicate_of is not None:
        if duplicate_of.pk == experience.pk:
            raise VoiceError(
                "invalid_duplicate", "Une expérience ne double pas elle-même.", field="duplicate_of"
            )
        experience.duplicate_of = duplicate_of
    experience_transition(
        experience=experience,
        move="reject",
        actor=moderator,
        actor_label=Actor.MODERATOR,
        reason_code=reason,
        note=note,
    )
    from parvis.voice import tasks

    pk = experience.pk
    if experience.author_email_encrypted:
        send_on_commit(tasks.notify_rejection, pk)
    return experience


@transaction.atomic
def experience_reopen(*, experience: Experience, moderator: User, note: str = "") -> Experience:
    _require_moderator(moderator)
    if experience.original_purged_at is not None:
        raise VoiceError("purged", "L’original a été effacé : ce refus est définitif.", status=409)
    return experience_transition(
        experience=experience,
        move="reopen",
        actor=moderator,
        actor_label=Actor.MODERATOR,
        note=note,
    )


@transaction.atomic
def experience_archive(*, experience: Experience, moderator: User, note: str = "") -> Experience:
    _require_moderator(moderator)
    return experience_transition(
        experience=experience,
        move="archive",
        actor=moderator,
        actor_label=Actor.MODERATOR,
        note=note,
    )


MASKABLE_STATUSES = frozenset({S.IN_MODERATION, S.PUBLISHED, S.ANSWERED})


@dataclass(frozen=True)
class Remasked:
    """Spans and masked texts recomputed from the originals after a moderator's edit."""

    entities: list[dict[str, Any]]
    masked: dict[str, str]
    removed: int
    added: int


def _remask(
    originals: dict[str, str],
    entities: list[dict[str, Any]],
    *,
    remove: Iterable[int],
    add_fragment: str,
    add_label: str,
    add_field: str,
) -> Remasked:
    """Drop the spans at the ``remove`` indexes and mask every occurrence of
    ``add_fragment`` in ``originals[add_field]``; always recomputed from the originals,
    never by editing the masked text, so no earlier mask can be undone by accident."""
    if add_label not in analysis.LABEL_PLACEHOLDERS:
        raise VoiceError("invalid_label", "Type de donnée inconnu.", field="add_label")
    removed = set(remove)
    spans = [span for index, span in enumerate(entities) if index not in removed]
    added: list[dict[str, Any]] = []
    if add_fragment.strip():
        if add_field not in originals:
            raise VoiceError("invalid_field", "Champ inconnu.", field="add_field")
        added = [
            {**span, "field": add_field}
            for span in analysis.spans_of_fragment(originals[add_field], add_fragment, add_label)
        ]
        if not added:
            raise VoiceError(
                "fragment_not_found",
                "Ce passage n’apparaît pas dans le texte original.",
                field="add_fragment",
            )
    spans.extend(added)
    by_field = {
        name: analysis.resolve_spans(s for s in spans if s.get("field", "text") == name)
        for name in originals
    }
    return Remasked(
        entities=[{**s, "field": name} for name, items in by_field.items() for s in items],
        masked={name: analysis.apply_mask(originals[name], by_field[name]) for name in originals},
        removed=len(removed),
        added=len(added),
    )


@transaction.atomic
def experience_adjust_masking(
    *,
    experience: Experience,
    moderator: User,
    remove: Iterable[int] = (),
    add_fragment: str = "",
    add_label: str = "OTHER",
    add_field: str = "text",
) -> Experience:
    """A moderator removes masked spans (by index) and/or masks every occurrence of a
    fragment of the original; the masked title and text are recomputed from the original.
    """
    _require_moderator(moderator)
    if experience.status not in MASKABLE_STATUSES:
        raise VoiceError("not_maskable", "Le masquage ne se modifie pas dans cet état.", status=409)
    if experience.original_purged_at is not None or not experience.original_text_encrypted:
        raise VoiceError(
            "purged", "L’original a été effacé : le masquage ne peut plus être modifié.", status=409
        )
    remasked = _remask(
        {
            "title": decrypt_text(experience.original_title_encrypted),
            "text": decrypt_text(experience.original_text_encrypted),
        },
        experience.entities,
        remove=remove,
        add_fragment=add_fragment,
        add_label=add_label,
        add_field=add_field,
    )
    experience.entities = remasked.entities
    experience.masked_title = remasked.masked["title"][:TITLE_MAX]
    experience.masked_text = remasked.masked["text"]
    experience.full_clean()
    experience.save()
    audit_record(
        actor=moderator,
        action="experience.masking_adjusted",
        target=experience,
        data={"removed": remasked.removed, "added": remasked.added},
    )
    _changed_on_commit(experience)
    return experience


ANSWER_MASKABLE_STATUSES = frozenset({AnswerStatus.IN_MODERATION, AnswerStatus.PUBLISHED})


@transaction.atomic
def answer_adjust_masking(
    *,
    answer: PublicAnswer,
    moderator: User,
    remove: Iterable[int] = (),
    add_fragment: str = "",
    add_label: str = "OTHER",
) -> PublicAnswer:
    """A moderator corrects the masking of a service's answer, as for citizens' texts:
    an answer in moderation before it is published, or a published one (the public page
    follows at once)."""
    _require_moderator(moderator)
    answer = PublicAnswer.objects.select_for_update().select_related("experience").get(pk=answer.pk)
    if answer.status not in ANSWER_MASKABLE_STATUSES:
        raise VoiceError(
            "not_maskable", "Le masquage de cette réponse ne se modifie pas.", status=409
        )
    if not answer.original_text_encrypted:
        raise VoiceError(
            "purged", "L’original a été effacé : le masquage ne peut plus être modifié.", status=409
        )
    remasked = _remask(
        {"text": decrypt_text(answer.original_text_encrypted)},
        answer.entities,
        remove=remove,
        add_fragment=add_fragment,
        add_label=add_label,
        add_field="text",
    )
    answer.entities = remasked.entities
    answer.masked_text = remasked.masked["text"]
    answer.save(update_fields=["entities", "masked_text", "updated_at"])
    audit_record(
        actor=moderator,
        action="answer.masking_adjusted",
        target=answer,
        organisation=answer.experience.organisation,
        data={"removed": remasked.removed, "added": remasked.added},
    )
    if answer.status == AnswerStatus.PUBLISHED:
        _changed_on_commit(answer.experience)
    return answer


# --- Personal data: purge and key rotation ---------------------------------------------


def contact_retention_days() -> int:
    return int(getattr(settings, "VOICE_CONTACT_RETENTION_DAYS", 365))


def _erase_personal_data(experience: Experience, *, now: dt.datetime, masked_too: bool) -> None:
    """Erase the originals. ``masked_too`` (withdrawal) also erases the public words, the
    contact and the service's answer draft. Otherwise a published experience still waiting
    for its answer keeps its author's email: the author asked to be told of the answer
    (see ``experiences_purge_due`` for its own limit)."""
    experience.original_title_encrypted = ""
    experience.original_text_encrypted = ""
    experience.original_purged_at = experience.original_purged_at or now
    experience.original_purge_due_at = None
    if masked_too or experience.status != S.PUBLISHED:
        experience.author_email_encrypted = ""
        experience.author_email_digest = ""
        experience.contact_purged_at = experience.contact_purged_at or now
    if masked_too:
        experience.masked_title = ""
        experience.masked_text = ""
        experience.entities = []
        PublicAnswer.objects.filter(experience=experience).update(original_text_encrypted="")


@transaction.atomic
def experience_purge_contact(*, experience: Experience) -> None:
    """Erase the author's email once it is no longer needed."""
    if not experience.author_email_encrypted and experience.contact_purged_at:
        return
    Experience.objects.filter(pk=experience.pk).update(
        author_email_encrypted="", contact_purged_at=timezone.now()
    )
    experience.author_email_encrypted = ""
    audit_record(actor=None, action="experience.contact_purged", target=experience)


PENDING_GRACE = dt.timedelta(minutes=5)


def pending_analyses_requeue(
    *, now: dt.datetime | None = None, grace: dt.timedelta = PENDING_GRACE, limit: int = 500
) -> dict[str, int]:
    """Send again the analyses whose message was lost (broker unreachable when the text
    was saved, worker killed mid-task): experiences still submitted and answers still
    unmasked, untouched for ``grace``. The tasks are idempotent, so a late duplicate only
    finds the work done."""
    from parvis.voice import tasks

    cutoff = (now or timezone.now()) - grace
    experiences = list(
        Experience.objects.awaiting_analysis()
        .filter(updated_at__lt=cutoff)
        .order_by("updated_at")
        .values_list("pk", flat=True)[:limit]
    )
    answers = list(
        PublicAnswer.objects.filter(
            status=AnswerStatus.DRAFT, masked_at__isnull=True, updated_at__lt=cutoff
        )
        .exclude(original_text_encrypted="")
        .order_by("updated_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in experiences:
        send(tasks.process_experience, pk)
    for pk in answers:
        send(tasks.mask_answer, pk)
    if experiences or answers:
        logger.warning("voice_pending_requeued", experiences=len(experiences), answers=len(answers))
    return {"experiences": len(experiences), "answers": len(answers)}


def experiences_purge_due(*, now: dt.datetime | None = None) -> int:
    """Erase originals (and what remains of contacts) whose retention has expired."""
    now = now or timezone.now()
    due = Experience.objects.filter(
        original_purge_due_at__lte=now, original_purged_at__isnull=True
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(due.iterator()):
        with transaction.atomic():
            experience = Experience.objects.select_for_update().get(pk=pk)
            _erase_personal_data(experience, now=now, masked_too=False)
            experience.save()
            audit_record(actor=None, action="experience.original_purged", target=experience)
            count += 1
    # Contacts no longer needed: the experience ended without an answer to send, or its
    # answer has not come within the contact retention.
    contact_cutoff = now - dt.timedelta(days=contact_retention_days())
    unneeded = (
        Experience.objects.filter(contact_purged_at__isnull=True)
        .filter(
            Q(status__in=[S.REJECTED, S.WITHDRAWN, S.ARCHIVED])
            | Q(status=S.PUBLISHED, published_at__lte=contact_cutoff)
        )
        .exclude(author_email_encrypted="")
    )
    for experience in unneeded:
        experience_purge_contact(experience=experience)
    answers = answers_purge_due(now=now)
    logger.info("voice_purge_done", originals=count, answers=answers)
    return count


def answers_purge_due(*, now: dt.datetime) -> int:
    """Erase the original of each answer the retention delay after it was published or
    sent back (drafts and answers in moderation keep it: the service or the moderator
    still works on it). The masked text, which is the public one, stays."""
    cutoff = now - dt.timedelta(days=retention_days())
    due = PublicAnswer.objects.exclude(original_text_encrypted="").filter(
        Q(status=AnswerStatus.PUBLISHED, published_at__lte=cutoff)
        | Q(status=AnswerStatus.REJECTED, updated_at__lte=cutoff)
    )
    return due.update(original_text_encrypted="")


# --- Public answers ---------------------------------------------------------------------


ANSWERABLE_STATUSES = frozenset({S.PUBLISHED})


def placeholders_in(text: str) -> list[str]:
    return PLACEHOLDER.findall(text or "")


def _require_quality(actor: Any, experience: Experience) -> None:
    if not has_permission(actor, Perm.MANAGE_QUALITY, experience):
        raise VoiceError("forbidden", "Votre rôle ne permet pas de répondre.", status=403)


@transaction.atomic
def answer_draft_save(
    *, experience: Experience, actor: User, text: str, template: AnswerTemplate | None = None
) -> PublicAnswer:
    """Save the service's answer and have it masked (``tasks.mask_answer``) for preview."""
    _require_quality(actor, experience)
    if experience.status not in ANSWERABLE_STATUSES:
        raise VoiceError(
            "not_answerable",
            "Seule une expérience publiée et sans réponse peut recevoir une réponse.",
            status=409,
        )
    text = clean_text(text)
    left = placeholders_in(text)
    if left:
        raise VoiceError(
            "placeholder_left",
            f"Complétez les passages entre crochets avant d’envoyer : {left[0]}",
            field="text",
        )
    if len(text) < ANSWER_MIN:
        raise VoiceError("answer_too_short", "La réponse est trop courte.", field="text")
    if len(text) > TEXT_MAX:
        raise VoiceError(
            "answer_too_long", f"La réponse est limitée à {TEXT_MAX} caractères.", field="text"
        )
    if template is not None and template.organisation_id != experience.organisation_id:
        raise VoiceError(
            "template_mismatch", "Ce modèle appartient à un autre organisme.", field="template"
        )
    if template is not None and text == clean_text(template.body):
        raise VoiceError(
            "template_only",
            "Adaptez le modèle à cette expérience : une réponse n’est jamais le seul modèle.",
            field="text",
        )
    answer = PublicAnswer.objects.select_for_update().filter(experience=experience).first()
    if answer is not None and answer.status not in {AnswerStatus.DRAFT, AnswerStatus.REJECTED}:
        raise VoiceError(
            "answer_locked", "La réponse est déjà en modération ou publiée.", status=409
        )
    if answer is None:
        answer = PublicAnswer(experience=experience)
    answer.signed_by_organisation = experience.organisation
    answer.signed_by_service = experience.local_service or (
        experience.site.local_service if experience.site is not None else None
    )
    answer.author = actor
    answer.template = template
    answer.original_text_encrypted = encrypt_text(text)
    answer.masked_text = ""
    answer.entities = []
    answer.masked_at = None
    answer.masking_changed = False
    answer.is_sensitive = False
    _answer_transition(answer, move="write", actor=actor, actor_label=Actor.SERVICE)
    audit_record(
        actor=actor,
        action="answer.drafted",
        target=answer,
        organisation=experience.organisation,
        data={"template_id": template.pk if template else None},
    )
    from parvis.voice import tasks

    pk = answer.pk
    send_on_commit(tasks.mask_answer, pk)
    return answer


def answer_mask(*, answer: PublicAnswer) -> PublicAnswer:
    """Mask the answer as citizen texts are; remember whether masking changed it."""
    if answer.status != AnswerStatus.DRAFT or not answer.original_text_encrypted:
        return answer
    seen = answer.original_text_encrypted
    original = decrypt_text(seen)
    masked, entities = analysis.anonymise(original)
    qualification = analysis.qualify(original)
    with transaction.atomic():
        current = PublicAnswer.objects.select_for_update().get(pk=answer.pk)
        if current.original_text_encrypted != seen or current.status != AnswerStatus.DRAFT:
            return current
        current.masked_text = masked
        current.entities = entities
        current.masking_changed = masked != original
        current.is_sensitive = bool(qualification.get("sensitive", {}).get("flag"))
        current.masked_at = timezone.now()
        current.save()
    return current


@transaction.atomic
def answer_confirm(*, answer: PublicAnswer, actor: User) -> PublicAnswer:
    """The service confirms the masked preview: published now, or moderated first when
    masking changed it or it is sensitive."""
    experience = answer.experience
    _require_quality(actor, experience)
    if answer.status != AnswerStatus.DRAFT:
        raise VoiceError("answer_locked", "Cette réponse n’est plus un brouillon.", status=409)
    if answer.masked_at is None:
        raise VoiceError("not_masked", "L’aperçu masqué n’est pas encore prêt.", status=409)
    if placeholders_in(answer.masked_text):
        raise VoiceError("placeholder_left", "Complétez les passages entre crochets.", field="text")
    if answer.masking_changed or answer.is_sensitive:
        _answer_transition(
            answer, move="send_to_moderation", actor=actor, actor_label=Actor.SERVICE
        )
        audit_record(
            actor=actor,
            action="answer.sent_to_moderation",
            target=answer,
            organisation=experience.organisation,
            data={"masking_changed": answer.masking_changed, "sensitive": answer.is_sensitive},
        )
        return answer
    return _answer_publish(answer, actor=actor, actor_label=Actor.SERVICE)


@transaction.atomic
def answer_moderate(
    *, answer: PublicAnswer, moderator: User, approve: bool, note: str = ""
) -> PublicAnswer:
    _require_moderator(moderator)
    if answer.status != AnswerStatus.IN_MODERATION:
        raise VoiceError(
            "not_in_moderation", "Cette réponse n’attend pas de modération.", status=409
        )
    answer.moderated_by = moderator
    answer.moderation_note = note.strip()
    if approve:
        if answer.is_sensitive and not note.strip():
            raise VoiceError(
                "reason_required",
                "Cette réponse est signalée comme sensible : indiquez la raison de votre "
                "décision de la publier.",
                field="note",
            )
        return _answer_publish(answer, actor=moderator, actor_label=Actor.MODERATOR, note=note)
    _answer_transition(
        answer, move="send_back", actor=moderator, actor_label=Actor.MODERATOR, note=note
    )
    audit_record(
        actor=moderator,
        action="answer.rejected",
        target=answer,
        organisation=answer.experience.organisation,
    )
    return answer


def _answer_publish(
    answer: PublicAnswer, *, actor: User, actor_label: str, note: str = ""
) -> PublicAnswer:
    experience = Experience.objects.select_for_update().get(pk=answer.experience_id)
    # By the service from its draft ("publish"), or by a moderator ("approve").
    _answer_transition(
        answer,
        to=AnswerStatus.PUBLISHED,
        actor=actor,
        actor_label=actor_label,
        reason_code="sensitive_reviewed" if answer.is_sensitive else "",
        note=note,
    )
    audit_record(
        actor=actor, action="answer.published", target=answer, organisation=experience.organisation
    )
    experience_transition(
        experience=experience, move="answer", actor=actor, actor_label=actor_label
    )
    from parvis.voice import tasks

    pk = answer.pk
    if experience.author_email_encrypted:
        send_on_commit(tasks.notify_answer, pk)
    return answer


@transaction.atomic
def answer_feedback_record(
    *, answer: PublicAnswer, helpful: bool, voter: str, is_author: bool = False
) -> AnswerFeedback:
    """« Cette réponse vous a-t-elle aidé ? »: once per voter digest."""
    if answer.status != AnswerStatus.PUBLISHED:
        raise VoiceError("not_published", "Cette réponse n’est pas publiée.", status=404)
    try:
        with transaction.atomic():
            feedback = AnswerFeedback.objects.create(
                answer=answer, helpful=helpful, voter_digest=voter, is_author=is_author
            )
    except IntegrityError as exc:
        raise VoiceError(
            "already_voted", "Vous avez déjà donné votre avis sur cette réponse.", status=409
        ) from exc
    counter = "helpful_yes" if helpful else "helpful_no"
    PublicAnswer.objects.filter(pk=answer.pk).update(**{counter: F(counter) + 1})
    _changed_on_commit(answer.experience)
    return feedback


# --- Answer templates -------------------------------------------------------------------


@transaction.atomic
def answer_template_save(
    *,
    actor: User,
    organisation: Organisation,
    title: str,
    body: str,
    template: AnswerTemplate | None = None,
    is_active: bool = True,
) -> AnswerTemplate:
    if not has_permission(actor, Perm.MANAGE_QUALITY, organisation):
        raise VoiceError("forbidden", "Votre rôle ne permet pas de gérer les modèles.", status=403)
    body = clean_text(body)
    if not PLACEHOLDER.search(body):
        raise VoiceError("placeholder_missing", TEMPLATE_NEEDS_PLACEHOLDER, field="body")
    template = template or AnswerTemplate(organisation=organisation)
    template.title = clean_text(title)
    template.body = body
    template.is_active = is_active
    template.full_clean()
    template.save()
    audit_record(actor=actor, action="answer_template.saved", target=template)
    return template


# --- Answer follow-up: reminders and escalation -------------------------------------------


REMINDER, ESCALATION = "reminder", "escalation"


def _answer_ladder(experience: Experience) -> list[servicelevels.Step]:
    target, escalation = answer_targets(experience.organisation)
    return [
        servicelevels.Step(REMINDER, target),
        servicelevels.Step(ESCALATION, target + escalation),
    ]


def _answer_steps_done(experience: Experience) -> list[str]:
    return [REMINDER] if experience.answer_reminded_at else []


def _published_at(experience: Experience) -> dt.datetime:
    assert experience.published_at is not None  # the sweep reads published ones only
    return experience.published_at


def experiences_follow_up_answers(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Remind services of experiences waiting beyond their organisation's answer target;
    alert the organisation admins when the wait goes on (escalation). Daily task."""
    from parvis.voice import notifications

    now = now or timezone.now()
    waiting = (
        Experience.objects.filter(status=S.PUBLISHED, published_at__isnull=False)
        .filter(answer_escalated_at__isnull=True)
        .select_related("organisation", "site__commune", "local_service")
    )
    reminders: dict[str, list[Experience]] = defaultdict(list)
    escalations: dict[str, list[Experience]] = defaultdict(list)
    due = servicelevels.escalation_sweep(
        waiting.iterator(chunk_size=500),
        now=now,
        since=_published_at,
        place=place_of,
        ladder=_answer_ladder,
        done=_answer_steps_done,
    )
    for experience, step, waited in due:
        if step.name == ESCALATION:
            recipients = _holders_emails(experience, Role.ORGANISATION_ADMIN)
            outbox, column = escalations, "answer_escalated_at"
        else:
            recipients = _holders_emails(experience, Role.QUALITY_MANAGER) or _holders_emails(
                experience, Role.ORGANISATION_ADMIN
            )
            outbox, column = reminders, "answer_reminded_at"
        for email in recipients:
            outbox[email].append(experience)
        Experience.objects.filter(pk=experience.pk).update(**{column: now})
        audit_record(
            actor=None,
            action=f"experience.answer_{'escalated' if step.name == ESCALATION else 'reminded'}",
            target=experience,
            data={"working_days": waited, "recipients": len(recipients)},
        )
    for email, items in reminders.items():
        notifications.send_answer_reminder(email=email, experiences=items, escalation=False)
    for email, items in escalations.items():
        notifications.send_answer_reminder(email=email, experiences=items, escalation=True)
    return {
        "reminded": sum(map(len, reminders.values())),
        "escalated": sum(map(len, escalations.values())),
    }


def _holders_emails(experience: Experience, role: str) -> list[str]:
    """Emails of who holds ``role`` over the experience. Admins are alerted at the
    organisation level only, as before: a local admin is not the escalation."""
    levels = (
        ("organisation",)
        if role == Role.ORGANISATION_ADMIN
        else ("organisation", "local_service", "site")
    )
    users = scoping.holders(experience, roles=[role], levels=levels)
    return list(users.values_list("email", flat=True))


# --- Notifications to the author (called by tasks) ---------------------------------------


def author_email_of(experience: Experience) -> str:
    return (
        decrypt_text(experience.author_email_encrypted)
        if (experience.author_email_encrypted)
        else ""
    )


def experience_send_private_link(*, experience: Experience, token: str) -> bool:
    from parvis.voice import notifications

    email = author_email_of(experience)
    if not email or experience.status == S.WITHDRAWN:
        return False
    notifications.send_private_link(email=email, experience=experience, token=token)
    return True


def answer_notify_author(*, answer: PublicAnswer) -> bool:
    """Email the published answer to the author, then forget their address."""
    from parvis.voice import notifications

    experience = answer.experience
    email = author_email_of(experience)
    if answer.status != AnswerStatus.PUBLISHED or not email or answer.author_notified_at:
        return False
    notifications.send_answer(email=email, answer=answer)
    PublicAnswer.objects.filter(pk=answer.pk).update(author_notified_at=timezone.now())
    experience_purge_contact(experience=experience)
    return True


def experience_notify_rejection(*, experience: Experience) -> bool:
    from parvis.voice import notifications

    email = author_email_of(experience)
    if experience.status != S.REJECTED or not email:
        return False
    notifications.send_rejection(email=email, experience=experience)
    experience_purge_contact(experience=experience)
    return True


def is_api_token(principal: Any) -> bool:
    return isinstance(principal, ApiToken)
