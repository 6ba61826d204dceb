"""Answer follow-up: the answer due date of each published experience (stored at
publication, recomputed when its organisation's answer policy changes), services
reminded and organisation admins alerted when an answer waits beyond the target (in
working days at the experience's place, counted from the publication).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from parvis.accounts.models import Role, User
from parvis.accounts.scoping import Perm, has_permission
from parvis.accounts.services import audit_record
from parvis.directory import servicelevels
from parvis.directory.models import Organisation
from parvis.voice.models import AnswerPolicy, Experience
from parvis.voice.selectors import answer_due_at_for, answer_targets, holders_emails, place_of
from parvis.voice.services._common import S, VoiceError, _changed_on_commit, logger

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
            recipients = holders_emails(experience, Role.ORGANISATION_ADMIN)
            outbox, column = escalations, "answer_escalated_at"
        else:
            recipients = holders_emails(experience, Role.QUALITY_MANAGER) or holders_emails(
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


# --- Answer due dates ----------------------------------------------------------------------


@transaction.atomic
def experiences_answer_due_refresh(
    *, organisation: Organisation | None = None, include_answered: bool = False
) -> int:
    """Recompute the stored answer due date (``selectors.answer_due_at_for``) of the
    public unanswered experiences of ``organisation`` (of every organisation when
    ``None``; answered and archived ones too with ``include_answered``, e.g. after the
    demo back-dates its publications). Returns how many changed; each change is announced
    to ``publication``, which copies the date into its read model."""
    statuses = [S.PUBLISHED, S.ANSWERED, S.ARCHIVED] if include_answered else [S.PUBLISHED]
    experiences = Experience.objects.filter(status__in=statuses, published_at__isnull=False)
    if organisation is not None:
        experiences = experiences.filter(organisation=organisation)
    targets: dict[int, int] = {}
    changed: list[Experience] = []
    for experience in experiences.select_related(
        "organisation", "site__commune", "local_service"
    ).iterator(chunk_size=500):
        if experience.organisation_id not in targets:
            targets[experience.organisation_id] = answer_targets(experience.organisation)[0]
        due = answer_due_at_for(experience, target=targets[experience.organisation_id])
        if due != experience.answer_due_at:
            experience.answer_due_at = due
            changed.append(experience)
    Experience.objects.bulk_update(changed, ["answer_due_at"], batch_size=500)
    for experience in changed:
        _changed_on_commit(experience)
    if changed:
        logger.info(
            "experiences_answer_due_refreshed",
            organisation_id=organisation.pk if organisation else None,
            count=len(changed),
        )
    return len(changed)


def _require_policy_right(actor: User | None, organisation: Organisation) -> None:
    if actor is not None and not has_permission(actor, Perm.MANAGE_QUALITY, organisation):
        raise VoiceError(
            "forbidden", "Votre rôle ne permet pas de fixer le délai de réponse.", status=403
        )


@transaction.atomic
def answer_policy_save(
    *,
    actor: User | None,
    organisation: Organisation,
    target_working_days: int,
    escalation_working_days: int,
) -> AnswerPolicy:
    """Set an organisation's answer target; the due dates of its unanswered experiences
    follow at once (``experiences_answer_due_refresh``)."""
    _require_policy_right(actor, organisation)
    if target_working_days < 1:
        raise VoiceError(
            "invalid_target",
            "Le délai cible compte au moins un jour ouvré.",
            field="target_working_days",
        )
    policy = AnswerPolicy.objects.filter(organisation=organisation).first() or AnswerPolicy(
        organisation=organisation
    )
    before = (policy.target_working_days, policy.escalation_working_days) if policy.pk else None
    policy.target_working_days = target_working_days
    policy.escalation_working_days = escalation_working_days
    policy.full_clean()
    policy.save()
    refreshed = experiences_answer_due_refresh(organisation=organisation)
    audit_record(
        actor=actor,
        action="answer_policy.saved",
        target=policy,
        organisation=organisation,
        data={
            "before": list(before) if before else None,
            "target_working_days": target_working_days,
            "escalation_working_days": escalation_working_days,
            "due_dates_changed": refreshed,
        },
    )
    return policy


@transaction.atomic
def answer_policy_delete(*, actor: User | None, policy: AnswerPolicy) -> None:
    """Remove an organisation's answer target: the platform default applies again, to the
    due dates of its unanswered experiences too."""
    organisation = policy.organisation
    _require_policy_right(actor, organisation)
    audit_record(
        actor=actor, action="answer_policy.deleted", target=policy, organisation=organisation
    )
    policy.delete()
    experiences_answer_due_refresh(organisation=organisation)
