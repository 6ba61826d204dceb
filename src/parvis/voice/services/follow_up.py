"""Answer follow-up: services reminded, organisation admins alerted when an answer
waits beyond its organisation's target (in working days at the experience's place).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils import timezone

from parvis.accounts.models import Role
from parvis.accounts.services import audit_record
from parvis.directory import servicelevels
from parvis.voice.models import Experience
from parvis.voice.selectors import answer_targets, holders_emails, place_of
from parvis.voice.services._common import S

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
