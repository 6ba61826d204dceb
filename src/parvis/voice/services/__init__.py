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

One module per concern; this package re-exports their public names, so callers write
``services.experience_submit`` whatever module holds it:

- ``_common``: ``VoiceError``, ``Actor``, text limits and cleaning;
- ``lifecycle``: both tables of moves and ``experience_transition``;
- ``submission``: submission, analysis, correction, attachment to an account, withdrawal;
- ``moderation``: publish, reject, reopen, archive, masking corrections;
- ``privacy``: erasure of originals and contacts, retention delays, the daily purge;
- ``answers``: public answers and their templates;
- ``follow_up``: answer due dates and policies, reminders and escalation of answers that
  wait;
- ``notify``: emails to the author (called by tasks): private link, publication, answer,
  rejection.

A test that patches a name patches it in the module that calls it (for example
``submission._apply_analysis``), not here. Reads live in ``voice.selectors``.
"""

from __future__ import annotations

from parvis.voice.digests import private_token_digest
from parvis.voice.selectors import author_email_of
from parvis.voice.services._common import (
    ANSWER_MIN,
    TEXT_MAX,
    TITLE_MAX,
    Actor,
    VoiceError,
    is_api_token,
)
from parvis.voice.services.answers import (
    ANSWERABLE_STATUSES,
    answer_confirm,
    answer_draft_save,
    answer_feedback_record,
    answer_mask,
    answer_moderate,
    answer_template_save,
    placeholders_in,
)
from parvis.voice.services.follow_up import (
    ESCALATION,
    REMINDER,
    answer_policy_delete,
    answer_policy_save,
    experiences_answer_due_refresh,
    experiences_follow_up_answers,
)
from parvis.voice.services.lifecycle import (
    ANSWER_LIFECYCLE,
    BY_MODERATOR,
    BY_SERVICE,
    EXPERIENCE_LIFECYCLE,
    MOVES,
    allowed_moves,
    experience_transition,
)
from parvis.voice.services.moderation import (
    ANSWER_MASKABLE_STATUSES,
    MASKABLE_STATUSES,
    Remasked,
    answer_adjust_masking,
    experience_adjust_masking,
    experience_archive,
    experience_publish,
    experience_reject,
    experience_reopen,
    experiences_bulk_publish,
    is_moderator,
)
from parvis.voice.services.notify import (
    answer_notify_author,
    experience_notify_publication,
    experience_notify_rejection,
    experience_send_private_link,
)
from parvis.voice.services.privacy import (
    answers_purge_due,
    contact_retention_days,
    experience_purge_contact,
    experiences_purge_due,
    retention_days,
)
from parvis.voice.services.submission import (
    ANALYSIS_BATCH,
    ANALYSIS_CLAIM_TIMEOUT,
    HAPPENED_ON_EARLIEST,
    PENDING_GRACE,
    Submitted,
    experience_analyse,
    experience_attach_author,
    experience_correct,
    experience_correctable,
    experience_request_analysis,
    experience_submit,
    experience_withdraw,
    experiences_analyse_batch,
    experiences_attach_by_email,
    normalise_email,
    pending_analyses_requeue,
    validate_happened_on,
    validate_service,
)

__all__ = [
    "ANALYSIS_BATCH",
    "ANALYSIS_CLAIM_TIMEOUT",
    "ANSWERABLE_STATUSES",
    "ANSWER_LIFECYCLE",
    "ANSWER_MASKABLE_STATUSES",
    "ANSWER_MIN",
    "BY_MODERATOR",
    "BY_SERVICE",
    "ESCALATION",
    "EXPERIENCE_LIFECYCLE",
    "HAPPENED_ON_EARLIEST",
    "MASKABLE_STATUSES",
    "MOVES",
    "PENDING_GRACE",
    "REMINDER",
    "TEXT_MAX",
    "TITLE_MAX",
    "Actor",
    "Remasked",
    "Submitted",
    "VoiceError",
    "allowed_moves",
    "answer_adjust_masking",
    "answer_confirm",
    "answer_draft_save",
    "answer_feedback_record",
    "answer_mask",
    "answer_moderate",
    "answer_notify_author",
    "answer_policy_delete",
    "answer_policy_save",
    "answer_template_save",
    "answers_purge_due",
    "author_email_of",
    "contact_retention_days",
    "experience_adjust_masking",
    "experience_analyse",
    "experience_archive",
    "experience_attach_author",
    "experience_correct",
    "experience_correctable",
    "experience_notify_publication",
    "experience_notify_rejection",
    "experience_publish",
    "experience_purge_contact",
    "experience_reject",
    "experience_reopen",
    "experience_request_analysis",
    "experience_send_private_link",
    "experience_submit",
    "experience_transition",
    "experience_withdraw",
    "experiences_analyse_batch",
    "experiences_answer_due_refresh",
    "experiences_attach_by_email",
    "experiences_bulk_publish",
    "experiences_follow_up_answers",
    "experiences_purge_due",
    "is_api_token",
    "is_moderator",
    "normalise_email",
    "pending_analyses_requeue",
    "placeholders_in",
    "private_token_digest",
    "retention_days",
    "validate_happened_on",
    "validate_service",
]
