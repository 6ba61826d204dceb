"""Moderation by the platform's moderators: publish, reject, reopen, archive an
experience, and correct the masking of an experience or of a public answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from parvis.accounts import scoping
from parvis.accounts.models import User
from parvis.accounts.services import audit_record
from parvis.core.charter import CharterReason
from parvis.core.crypto import decrypt_text
from parvis.core.queue import send_on_commit
from parvis.voice import analysis
from parvis.voice.models import AnswerStatus, Experience, PublicAnswer
from parvis.voice.services._common import TITLE_MAX, Actor, S, VoiceError, _changed_on_commit
from parvis.voice.services.lifecycle import experience_transition


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
    if reason not in CharterReason.values:
        raise VoiceError("invalid_reason", "Choisissez un motif de la charte.", field="reason")
    if reason == CharterReason.OTHER and not note.strip():
        raise VoiceError("note_required", "Précisez le motif « Autre ».", field="note")
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
