"""After the contact: inviting the citizen to the post-contact questions, and recording
their answers (signed link, SMS reply, chat widget).

``survey_invite`` runs in the worker (``contacts.survey_invite``, sent after commit when
a conversation is resolved, ``contacts.events.conversation_resolved``). It asks only a
sampled share of conversations (``CONTACTS_SURVEY_SAMPLE_RATE``, drawn from the
reference), never after an excluded outcome (``surveys.EXCLUDED_OUTCOMES``), at most once
per conversation and once per citizen (record or address) in ``CONTACTS_SURVEY_CAP_DAYS``,
and only through a channel that can reach them:

- chat: in the widget, published to the chat session's group;
- SMS: a text with the link, answerable by a reply (« 5 2 oui »);
- email: a mail with the link;
- phone: an SMS to the caller's mobile number; counter: an SMS, else an email, to what
  the citizen's record holds.

SMS and email leave through ``parvis.messaging`` (its SMS provider and its log). An SMS
goes only to a number that accepted SMS and did not withdraw (the desk's rule,
``services.sms.sms_refusal``): a citizen who texted us, or whose consent an agent noted
on the record. A caller who never texted and gave no consent is not asked by SMS (nor
by email: a call gives no address), whatever the sample says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import phonenumbers
import structlog
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from parvis.contacts import surveys
from parvis.contacts.chat import SESSION_PATTERN, session_group
from parvis.contacts.errors import ContactError
from parvis.contacts.models import (
    ContactKind,
    ContactPoint,
    Conversation,
    Status,
    SurveyAnswer,
    SurveyChannel,
    SurveyInvitation,
    SurveyStatus,
)
from parvis.contacts.services.sms import sms_refusal
from parvis.contacts.sms import normalise
from parvis.core.crypto import decrypt_text
from parvis.core.http import absolute_url
from parvis.core.realtime import publish
from parvis.messaging.models import Channel as MessagingChannel
from parvis.messaging.services import DeadLetter, message_send_now

logger = structlog.get_logger(__name__)

ENDED = (Status.RESOLVED, Status.CLOSED)
SMS_TEMPLATE = "contacts/sms/survey"
EMAIL_TEMPLATE = "contacts/emails/survey"


@dataclass(frozen=True)
class Target:
    """Where the questions go: the widget (``address`` is the chat session) or an
    address; ``point`` is the contact point it came from, if any."""

    via: str
    address: str
    point: ContactPoint | None = None


def _mobile(number: str) -> bool:
    try:
        parsed = phonenumbers.parse(number, settings.CONTACTS_PHONE_REGION)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(parsed) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def _sms_target(point: ContactPoint | None) -> Target | None:
    # The desk's rule (``sms_refusal``): a number that accepted SMS and did not withdraw.
    if point is None or point.kind != ContactKind.PHONE or sms_refusal(point):
        return None
    number = decrypt_text(point.value_encrypted)
    return Target(SurveyChannel.SMS, number, point) if _mobile(number) else None


def _email_target(point: ContactPoint | None) -> Target | None:
    if point is None or point.kind != ContactKind.EMAIL:
        return None
    return Target(SurveyChannel.EMAIL, decrypt_text(point.value_encrypted), point)


def _record_points(conversation: Conversation) -> list[ContactPoint]:
    if conversation.citizen_id is None:
        return []
    return list(
        ContactPoint.objects.filter(
            citizen_id=conversation.citizen_id, organisation_id=conversation.organisation_id
        ).order_by("-created_at", "-pk")
    )


def target_of(conversation: Conversation) -> Target | None:
    """How this conversation's citizen can be asked, per its channel; ``None`` when they
    cannot (no number or address, a landline, no SMS consent or an opt-out)."""
    point = conversation.contact_point
    slug = conversation.channel_id
    if slug == "chat":
        if point is not None and point.kind == ContactKind.EMAIL:
            # Left a message out of hours with an address: answered by email, asked so.
            return _email_target(point)
        if SESSION_PATTERN.fullmatch(conversation.thread_key):
            return Target(SurveyChannel.CHAT, conversation.thread_key)
        return None
    if slug in ("sms", "telephone"):
        return _sms_target(point) or next(
            (t for p in _record_points(conversation) if (t := _sms_target(p))), None
        )
    if slug == "courriel":
        return _email_target(point)
    if slug == "guichet":
        points = ([point] if point is not None else []) + _record_points(conversation)
        return next((t for p in points if (t := _sms_target(p))), None) or next(
            (t for p in points if (t := _email_target(p))), None
        )
    return None


def _recently_asked(*, digest: str, citizen_id: int | None, since: dt.datetime) -> bool:
    recent = SurveyInvitation.objects.filter(created_at__gte=since).exclude(
        status=SurveyStatus.FAILED
    )
    if digest and recent.filter(recipient_digest=digest).exists():
        return True
    return citizen_id is not None and recent.filter(citizen_id=citizen_id).exists()


def why_not_invited(conversation: Conversation, *, now: dt.datetime) -> str:
    """The code of the rule that keeps this conversation's citizen from being asked, or
    "" (for logs and tests: sampling, outcome, cap, no channel)."""
    if conversation.status not in ENDED:
        return "not_resolved"
    if conversation.outcome in surveys.EXCLUDED_OUTCOMES:
        return "excluded_outcome"
    if not surveys.sampled(conversation.reference):
        return "not_sampled"
    if SurveyInvitation.objects.filter(
        conversation=conversation, questionnaire=surveys.POST_CONTACT.code
    ).exists():
        return "already_invited"
    return ""


def survey_invite(
    *, conversation_id: int, now: dt.datetime | None = None
) -> SurveyInvitation | None:
    """Invite the citizen of a resolved conversation to the post-contact questions, when
    the rules allow (see the module); the invitation, or ``None``. Idempotent: one
    invitation per conversation, and a send under the invitation's idempotency key."""
    now = now or timezone.now()
    conversation = (
        Conversation.objects.select_related("contact_point", "organisation", "queue")
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is None:
        return None
    unsent = SurveyInvitation.objects.filter(
        conversation=conversation, status=SurveyStatus.QUEUED
    ).first()
    if unsent is not None:  # a previous attempt failed to send: send again, same key
        target = target_of(conversation)
        if target is not None and target.via == unsent.via:
            _send(unsent, target, conversation)
        return unsent
    reason = why_not_invited(conversation, now=now)
    target = None if reason else target_of(conversation)
    if not reason and target is None:
        reason = "no_channel"
    digest = ""
    if target is not None and target.via != SurveyChannel.CHAT:
        digest = surveys.recipient_digest(target.address)
    if not reason and _recently_asked(
        digest=digest,
        citizen_id=conversation.citizen_id,
        since=now - dt.timedelta(days=settings.CONTACTS_SURVEY_CAP_DAYS),
    ):
        reason = "asked_recently"
    if reason or target is None:
        logger.info("survey_not_sent", conversation_id=conversation.pk, reason=reason)
        return None
    questionnaire = surveys.POST_CONTACT
    try:
        with transaction.atomic():
            invitation = SurveyInvitation.objects.create(
                questionnaire=questionnaire.code,
                version=questionnaire.version,
                organisation_id=conversation.organisation_id,
                conversation=conversation,
                via=target.via,
                recipient_digest=digest,
                citizen_id=conversation.citizen_id,
                contact_point=target.point,
                channel_id=conversation.channel_id,
                site_id=conversation.site_id or _queue_site(conversation),
                queue_id=conversation.queue_id,
                motif_id=conversation.motif_id,
                outcome=conversation.outcome,
                outcome_version=conversation.outcome_version,
                resolved_at=conversation.resolved_at,
                created_at=now,
                expires_at=now + dt.timedelta(days=settings.CONTACTS_SURVEY_LINK_DAYS),
            )
    except IntegrityError:  # invited meanwhile by another run of the task
        return None
    _send(invitation, target, conversation)
    return invitation


def _queue_site(conversation: Conversation) -> int | None:
    queue = conversation.queue
    return queue.site_id if queue is not None else None


def survey_link(invitation: SurveyInvitation) -> str:
    token = surveys.link_token(invitation.pk)
    return absolute_url(reverse("contacts:survey", kwargs={"token": token}))


def _organisation_name(conversation: Conversation) -> str:
    organisation = conversation.organisation
    return organisation.short_name or organisation.name


def _send(invitation: SurveyInvitation, target: Target, conversation: Conversation) -> None:
    """Send the invitation (in the worker: the link is a credential, so it is sent from
    this process, never left in the outbox's payload)."""
    name = _organisation_name(conversation)
    if target.via == SurveyChannel.CHAT:
        publish(session_group(target.address), chat_survey_frame(invitation))
        delivery = None
    else:
        context: dict[str, Any] = {
            "organisation": name,
            "reference": conversation.reference,
            "link": survey_link(invitation),
            "days": settings.CONTACTS_SURVEY_LINK_DAYS,
        }
        if target.via == SurveyChannel.SMS:
            context["organisation"] = normalise(name)
        try:
            delivery = message_send_now(
                template=SMS_TEMPLATE if target.via == SurveyChannel.SMS else EMAIL_TEMPLATE,
                to=target.address,
                context=context,
                owner=invitation,
                idempotency_key=f"contacts.survey.{invitation.pk}",
                channel=MessagingChannel.SMS
                if target.via == SurveyChannel.SMS
                else MessagingChannel.EMAIL,
            )
        except DeadLetter:
            SurveyInvitation.objects.filter(pk=invitation.pk).update(status=SurveyStatus.FAILED)
            invitation.status = SurveyStatus.FAILED
            logger.info("survey_not_delivered", invitation_id=invitation.pk, via=target.via)
            return
    SurveyInvitation.objects.filter(pk=invitation.pk).update(
        status=SurveyStatus.SENT, sent_at=timezone.now(), delivery=delivery
    )
    invitation.status = SurveyStatus.SENT
    logger.info("survey_sent", invitation_id=invitation.pk, via=target.via)


def chat_survey_frame(invitation: SurveyInvitation) -> dict[str, Any]:
    """What the widget needs to ask the questions: the token it answers with and the
    questions in French (labels, choices, the scale's ends)."""
    questionnaire = surveys.questionnaire_of(invitation.questionnaire, invitation.version)
    return {
        "type": "survey",
        "token": surveys.link_token(invitation.pk),
        "title": str(questionnaire.title),
        "questions": [
            {
                "code": q.code,
                "label": str(q.label),
                "kind": q.kind,
                "low": str(q.low),
                "high": str(q.high),
                "choices": [{"value": v, "label": label} for v, label in q.choices()],
            }
            for q in questionnaire.questions
        ],
    }


# --- Answers --------------------------------------------------------------------------------


def invitation_for_token(token: str, *, now: dt.datetime | None = None) -> SurveyInvitation:
    """The invitation a signed link names, still answerable; ``ContactError``
    ``survey_link_invalid`` (400), ``survey_link_expired`` (410)."""
    now = now or timezone.now()
    try:
        invitation_id = surveys.invitation_id_of(token)
    except surveys.ExpiredLink as error:
        raise _expired() from error
    except surveys.InvalidLink as error:
        raise ContactError(
            "survey_link_invalid",
            "Ce lien n’est pas valide : vérifiez qu’il est complet, tel que vous l’avez reçu.",
            status=400,
        ) from error
    invitation = SurveyInvitation.objects.filter(pk=invitation_id).first()
    if invitation is None or (invitation.expires_at is not None and invitation.expires_at < now):
        raise _expired()
    return invitation


def _expired() -> ContactError:
    return ContactError(
        "survey_link_expired",
        "Ce questionnaire n’est plus ouvert : le délai pour y répondre est passé. "
        "Merci de votre intérêt.",
        status=410,
    )


def clean_answers(invitation: SurveyInvitation, answers: Mapping[str, Any]) -> dict[str, int]:
    """Every question of the invitation's questionnaire answered with an accepted value;
    ``ContactError`` ``survey_answer_invalid`` (422, ``field`` the question) otherwise."""
    questionnaire = surveys.questionnaire_of(invitation.questionnaire, invitation.version)
    cleaned: dict[str, int] = {}
    for question in questionnaire.questions:
        value = answers.get(question.code)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or not question.accepts(value):
            raise ContactError(
                "survey_answer_invalid",
                f"Répondez à la question « {question.label} ».",
                question.code,
            )
        cleaned[question.code] = value
    return cleaned


@transaction.atomic
def survey_answer_record(
    *, invitation: SurveyInvitation, answers: Mapping[str, Any], now: dt.datetime | None = None
) -> SurveyInvitation:
    """Store the answers to an invitation, once: a second answer is refused
    (``survey_already_answered``, 409) and the first stays."""
    now = now or timezone.now()
    cleaned = clean_answers(invitation, answers)
    updated = SurveyInvitation.objects.filter(pk=invitation.pk, answered_at__isnull=True).update(
        status=SurveyStatus.ANSWERED, answered_at=now
    )
    if not updated:
        raise ContactError(
            "survey_already_answered",
            "Vous avez déjà répondu à ce questionnaire : merci !",
            status=409,
        )
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(invitation=invitation, question=code, value=value, created_at=now)
        for code, value in cleaned.items()
    )
    invitation.status, invitation.answered_at = SurveyStatus.ANSWERED, now
    logger.info("survey_answered", invitation_id=invitation.pk, via=invitation.via)
    return invitation


def survey_sms_reply(
    *, organisation_id: int, number: str, text: str, received_at: dt.datetime
) -> bool:
    """Whether an inbound SMS is the answer to post-contact questions sent by SMS to this
    number (and still open); if so its answers are stored (once) and it is no message of
    any conversation. Called by ``services.sms.sms_receive`` before threading."""
    answers = surveys.parse_sms_reply(text)
    if answers is None:
        return False
    invitation = (
        SurveyInvitation.objects.filter(
            organisation_id=organisation_id,
            via=SurveyChannel.SMS,
            recipient_digest=surveys.recipient_digest(number),
            sent_at__isnull=False,
            sent_at__lte=received_at,
            expires_at__gte=received_at,
        )
        .order_by("-sent_at", "-pk")
        .first()
    )
    if invitation is None:
        return False
    if invitation.answered_at is None:
        survey_answer_record(invitation=invitation, answers=answers, now=received_at)
    return True


def survey_chat_answer(
    *, organisation_id: int, session: str, token: str, answers: Mapping[str, Any]
) -> SurveyInvitation:
    """Answers given in the chat widget: the token must name an invitation of this very
    chat session (a citizen cannot answer another's)."""
    invitation = invitation_for_token(token)
    conversation = invitation.conversation
    if (
        invitation.via != SurveyChannel.CHAT
        or conversation is None
        or conversation.organisation_id != organisation_id
        or conversation.thread_key != session
    ):
        raise ContactError(
            "survey_link_invalid", "Ce questionnaire ne correspond pas à ce chat.", status=400
        )
    return survey_answer_record(invitation=invitation, answers=answers)


def pending_chat_survey(*, organisation_id: int, session: str) -> dict[str, Any] | None:
    """The questions still waiting for an answer in a chat session (a reload of the widget
    asks them again), as the widget's frame."""
    invitation = (
        SurveyInvitation.objects.filter(
            organisation_id=organisation_id,
            via=SurveyChannel.CHAT,
            conversation__thread_key=session,
            conversation__channel_id="chat",
            answered_at__isnull=True,
            expires_at__gte=timezone.now(),
        )
        .order_by("-pk")
        .first()
    )
    return chat_survey_frame(invitation) if invitation is not None else None
