"""The experience's and the public answer's lifecycles: their tables of moves
(``EXPERIENCE_LIFECYCLE``, ``ANSWER_LIFECYCLE``) and the one door of each
(``experience_transition``; ``_answer_transition`` for the answer services).
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.db import transaction

from parvis.accounts import scoping
from parvis.accounts.services import audit_record
from parvis.core.queue import send_on_commit
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
from parvis.voice.models import (
    PUBLIC_STATUSES,
    AnswerStatus,
    AnswerTransition,
    Experience,
    ExperienceTransition,
    PublicAnswer,
)
from parvis.voice.selectors import answer_due_at_for
from parvis.voice.services._common import (
    Actor,
    S,
    _changed_on_commit,
    _voice_error,
    logger,
    unnamed_author,
)
from parvis.voice.services.privacy import _erase_personal_data, retention_days

# Moderators are checked on the person too (``scoping.can_moderate``): platform moderators
# and platform admins. The other capacities are claimed by the calling service, which has
# checked them (the private link for the author, ``Perm.MANAGE_QUALITY`` for the service).
BY_MODERATOR = acting_as(Actor.MODERATOR, also=scoping.can_moderate)


def _on_publish(experience: Experience, step: Step) -> None:
    experience.published_at = step.now
    experience.original_purge_due_at = step.now + dt.timedelta(days=retention_days())
    experience.answer_due_at = answer_due_at_for(experience)


def _notify_author_of_publication(experience: Experience, step: Step) -> None:
    # The author asked to be told (``notify_author_on_publication``); the task decrypts
    # the address and sends once the publication is committed.
    if experience.notify_author_on_publication and experience.author_email_encrypted:
        from parvis.voice import tasks

        send_on_commit(tasks.notify_publication, experience.pk)


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
            effects=(_on_publish, _notify_author_of_publication),
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
    ``actor_label``; record and audit it, tell ``publication`` after commit.

    The author's own moves keep no account in the history nor in the organisation's
    journal (``unnamed_author``)."""
    actor = unnamed_author(actor, actor_label)
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
        unnamed_citizen=actor_label == Actor.AUTHOR,
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
