"""Submission of an experience and its analysis (masking, qualification), the
author's correction, attachment to an account and withdrawal.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from parvis.accounts.models import User
from parvis.accounts.services import audit_record
from parvis.core.crypto import decrypt_text, email_digest, encrypt_text
from parvis.core.queue import send, send_on_commit
from parvis.core.services import next_reference
from parvis.core.text import clean_text
from parvis.core.workflow import Acting, WorkflowError
from parvis.directory.models import Channel, JourneyStage, LocalService, Organisation, Site
from parvis.directory.selectors import competent_local_service
from parvis.voice import analysis
from parvis.voice.digests import private_token_digest
from parvis.voice.models import AnswerStatus, Experience, PublicAnswer, Tone
from parvis.voice.services._common import (
    TEXT_MAX,
    TITLE_MAX,
    Actor,
    S,
    VoiceError,
    _voice_error,
    logger,
    unnamed_author,
)
from parvis.voice.services.lifecycle import EXPERIENCE_LIFECYCLE, MOVES, experience_transition


@dataclass(frozen=True)
class Submitted:
    experience: Experience
    private_token: str  # shown once, emailed if an email was given; only its digest is kept


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
        # A France Services site run by a commune or an association (an operator, not
        # an administration) receives for any organisation, as before operators were
        # organisations; one run by an administration, for it and its partners.
        partner = site.kind == Site.Kind.FRANCE_SERVICES and (
            site.organisation.kind != Organisation.Kind.ADMINISTRATION
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


def competent_service(
    *, organisation: Organisation, site: Site | None, departement_code: str | None
) -> LocalService | None:
    """The local service an experience is about when the citizen chose none: the site's
    own, if the organisation runs it; else the organisation's active local service whose
    territory includes the département (a France Services site, a partner's counter);
    else none (the national level)."""
    if site is not None and site.local_service_id and site.organisation_id == organisation.pk:
        return site.local_service
    return competent_local_service(organisation=organisation, departement_code=departement_code)


# When an experience happened: from this day (older stories say nothing of today's
# services) to today wherever in France the person is, so in the French time zone furthest
# ahead (Wallis-et-Futuna, UTC+12 all year round).
HAPPENED_ON_EARLIEST = dt.date(2000, 1, 1)
_FURTHEST_AHEAD = dt.timezone(dt.timedelta(hours=12))


def validate_happened_on(happened_on: dt.date | None) -> None:
    """The one rule of ``happened_on``, for the forms, the API and ``experience_submit``."""
    if happened_on is None:
        return
    if happened_on > timezone.now().astimezone(_FURTHEST_AHEAD).date():
        raise VoiceError(
            "date_in_future", "La date ne peut pas être dans le futur.", field="happened_on"
        )
    if happened_on < HAPPENED_ON_EARLIEST:
        raise VoiceError(
            "date_too_old",
            f"Indiquez une date à partir du {HAPPENED_ON_EARLIEST:%d/%m/%Y}.",
            field="happened_on",
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
    notify_on_publication: bool = True,
    author: Any = None,
    actor: Any = None,
    actor_label: str = Actor.AUTHOR,
    assisted_by: User | None = None,
    assisted_site: Site | None = None,
) -> Submitted:
    """Record a citizen's experience: originals encrypted, then masked by a task.

    Nothing is public: the engine runs after commit (``tasks.process_experience``) and
    the experience then waits for a moderator. ``notify_on_publication``: the author, if
    they gave an email, is told when it is published (they may say no).
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
    place = site or assisted_site
    commune = place.commune if place is not None else None
    departement = (
        commune.departement
        if commune is not None
        else (local_service.main_departement if local_service is not None else None)
    )
    local_service = local_service or competent_service(
        organisation=organisation,
        site=site,
        departement_code=commune.departement_id if commune else None,
    )
    source = {Actor.AGENT: "assisted", Actor.PARTNER: "api"}.get(actor_label, "web")
    experience = Experience(
        organisation=organisation,
        local_service=local_service,
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
        author_email_digest=email_digest(email, purpose="voice") if email else "",
        notify_author_on_publication=notify_on_publication,
        private_token_digest=private_token_digest(token),
        is_assisted=assisted_by is not None,
        assisted_by=assisted_by,
        assisted_site=assisted_site,
        source=source,
    )
    # The short reference a citizen quotes (receipt, confirmation, follow-up page), numbered
    # in this transaction so a refused submission gives its number back.
    experience.reference = next_reference("EXP", timezone.localdate().year)
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
    actor = unnamed_author(actor, actor_label)
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
        unnamed_citizen=actor_label == Actor.AUTHOR,
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


def experience_correctable(experience: Experience) -> bool:
    """Whether its author may still rewrite it: not yet published, originals still kept."""
    return experience.status in MOVES["correct"].sources and bool(
        experience.original_text_encrypted
    )


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
    audit_record(
        actor=user, action="experience.author_attached", target=experience, unnamed_citizen=True
    )
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
        Experience.objects.filter(
            author__isnull=True, author_email_digest=email_digest(user.email, purpose="voice")
        )
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
