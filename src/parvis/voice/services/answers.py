"""Public answers of services (draft, masking, confirmation, moderation, feedback)
and their templates.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from parvis.accounts.models import User
from parvis.accounts.scoping import Perm, has_permission
from parvis.accounts.services import audit_record
from parvis.core.crypto import decrypt_text, encrypt_text
from parvis.core.queue import send_on_commit
from parvis.core.text import clean_text
from parvis.directory.models import LocalService, Organisation
from parvis.voice import analysis
from parvis.voice.models import (
    PLACEHOLDER,
    TEMPLATE_CHANNEL_LABELS,
    TEMPLATE_NEEDS_PLACEHOLDER,
    TEMPLATE_SERVICE_MISMATCH,
    AnswerFeedback,
    AnswerStatus,
    AnswerTemplate,
    Experience,
    PublicAnswer,
    template_limits_error,
)
from parvis.voice.selectors import answer_templates_for, may_answer
from parvis.voice.services._common import (
    ANSWER_MIN,
    TEXT_MAX,
    Actor,
    S,
    VoiceError,
    _changed_on_commit,
)
from parvis.voice.services.lifecycle import _answer_transition, experience_transition
from parvis.voice.services.moderation import _require_moderator

ANSWERABLE_STATUSES = frozenset({S.PUBLISHED})


def placeholders_in(text: str) -> list[str]:
    return PLACEHOLDER.findall(text or "")


def _require_quality(actor: Any, experience: Experience) -> None:
    if not may_answer(actor, experience):
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
    if (
        template is not None
        and not answer_templates_for(
            organisation=experience.organisation_id,
            local_service=experience.local_service_id,
            public_answer=True,
        )
        .filter(pk=template.pk)
        .exists()
    ):
        raise VoiceError(
            "template_mismatch",
            "Ce modèle n’est pas proposé pour cette expérience (autre organisme, autre "
            "service local ou modèle retiré).",
            field="template",
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
    *,
    answer: PublicAnswer,
    helpful: bool,
    voter: str,
    is_author: bool = False,
    network: str = "",
) -> AnswerFeedback:
    """« Cette réponse vous a-t-elle aidé ? »: once per voter digest, and at most
    ``VOICE_VOTES_PER_NETWORK`` votes from one connection on one answer (a voter digest
    mixes the address with the browser's name, which anyone can change at will; the cap
    leaves room for a household or the public computers of a France Services counter)."""
    if answer.status != AnswerStatus.PUBLISHED:
        raise VoiceError("not_published", "Cette réponse n’est pas publiée.", status=404)
    if network:
        # The answer's row locked first: two votes from one connection at once are counted
        # one after the other (the cap holds; on SQLite writes are serialised anyway).
        PublicAnswer.objects.select_for_update().filter(pk=answer.pk).exists()
    if (
        network
        and AnswerFeedback.objects.filter(answer=answer, network_digest=network).count()
        >= settings.VOICE_VOTES_PER_NETWORK
    ):
        raise VoiceError(
            "network_vote_limit",
            "De nombreux avis sur cette réponse viennent déjà de votre connexion : le vôtre "
            "n’a pas été ajouté.",
            status=429,
        )
    try:
        with transaction.atomic():
            feedback = AnswerFeedback.objects.create(
                answer=answer,
                helpful=helpful,
                voter_digest=voter,
                network_digest=network,
                is_author=is_author,
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
    local_service: LocalService | None = None,
    template: AnswerTemplate | None = None,
    is_active: bool = True,
    must_personalise: bool | None = None,
    channel_limits: dict[str, dict[str, int]] | None = None,
) -> AnswerTemplate:
    """Create or change a template of ``organisation``, or of one of its local services
    (``local_service``). Whoever holds ``MANAGE_QUALITY`` over the owner files it: a local
    quality manager their service's, an organisation-level one any of the organisation's.
    ``is_active=False`` withdraws it from the choices without deleting it.

    ``must_personalise`` (``None``: unchanged, true for a new template): it then holds a
    ``[À COMPLÉTER : …]`` passage and nothing leaves with one unfilled; otherwise the desk
    may send it as it is (and public answers never offer it). ``channel_limits``
    (``None``: unchanged): the desk's per-channel limits, ``voice.models``'s
    ``TEMPLATE_LIMIT_KEYS`` within ``TEMPLATE_LIMIT_BOUNDS``."""
    if local_service is not None and local_service.organisation_id != organisation.pk:
        raise VoiceError(
            "template_service_mismatch", TEMPLATE_SERVICE_MISMATCH, field="local_service"
        )
    if template is not None and not has_permission(actor, Perm.MANAGE_QUALITY, template):
        raise VoiceError("forbidden", "Votre rôle ne permet pas de modifier ce modèle.", status=403)
    if not has_permission(actor, Perm.MANAGE_QUALITY, local_service or organisation):
        raise VoiceError(
            "forbidden",
            "Votre rôle porte sur un service local : rattachez le modèle à ce service."
            if local_service is None and has_permission(actor, Perm.MANAGE_QUALITY)
            else "Votre rôle ne permet pas de gérer les modèles de ce service.",
            field="local_service",
            status=403,
        )
    template = template or AnswerTemplate()
    if must_personalise is not None:
        template.must_personalise = must_personalise
    if channel_limits is not None:
        template.channel_limits = channel_limits
    body = clean_text(body)
    if template.must_personalise and not PLACEHOLDER.search(body):
        raise VoiceError("placeholder_missing", TEMPLATE_NEEDS_PLACEHOLDER, field="body")
    limits_error = template_limits_error(template.channel_limits)
    if limits_error:
        raise VoiceError("invalid_channel_limits", limits_error, field="channel_limits")
    if not template.must_personalise:
        # Sent as it is: a text longer than a channel's limit could never leave on it.
        for channel, limits in template.channel_limits.items():
            maximum = limits.get("max_characters")
            if maximum and len(body) > maximum:
                raise VoiceError(
                    "template_over_limit",
                    f"Le texte compte {len(body)} caractères : plus que la limite "
                    f"{TEMPLATE_CHANNEL_LABELS[channel]} ({maximum}). Raccourcissez-le ou "
                    "relevez la limite.",
                    field="body",
                )
    template.organisation = organisation
    template.local_service = local_service
    template.title = clean_text(title)
    template.body = body
    template.is_active = is_active
    template.full_clean()
    template.save()
    audit_record(
        actor=actor,
        action="answer_template.saved",
        target=template,
        data={
            "must_personalise": template.must_personalise,
            "channel_limits": template.channel_limits,
        },
        organisation=organisation,
    )
    return template
