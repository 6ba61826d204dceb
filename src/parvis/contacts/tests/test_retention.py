"""Retention: every purge registered with the daily purge, travelled through in time.

For each registration, a row made at ``T0`` is still there the day before its deadline
(``T0`` + the setting's days) and gone, or stripped of what it must not keep, the day
after, through ``accounts.services.purge_expired_data(now=...)`` itself; the
personal-data page lists every registration with the duration read from its setting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from parvis.accounts.services import purge_expired_data
from parvis.accounts.tests.factories import UserFactory
from parvis.contacts.models import (
    Attachment,
    Call,
    CitizenRecord,
    ContactKind,
    ContactPoint,
    Conversation,
    ConversationTransition,
    Direction,
    InboundRow,
    InboundStatus,
    Message,
    Outcome,
    QualificationCorrection,
    RecordAccess,
    Status,
    SurveyAnswer,
    SurveyInvitation,
    SurveyStatus,
    WebhookEvent,
)
from parvis.contacts.tests.factories import (
    ConversationFactory,
    InboundEndpointFactory,
    channel,
)
from parvis.contacts.tests.survey_factories import (
    CitizenRecordFactory,
    ResolvedConversationFactory,
    SurveyInvitationFactory,
    contact_point,
)
from parvis.core.crypto import encrypt_text
from parvis.core.retention import registered_purges, registered_retentions
from parvis.directory.tests.factories import MotifFactory
from parvis.messaging.models import Delivery, DeliveryStatus

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 1, 12, 10, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path)


def _message(conversation: Conversation, *, at: dt.datetime = T0) -> Message:
    return Message.objects.create(
        conversation=conversation,
        direction=Direction.INBOUND,
        channel_id=conversation.channel_id,
        subject="Mon dossier",
        body_encrypted=encrypt_text("Bonjour, je suis Paul Martin, 06 12 34 56 78"),
        body_masked="Bonjour, je suis [NOM], [TÉLÉPHONE]",
        created_at=at,
    )


def _attachment(message: Message, *, content_type: str = "application/pdf") -> Attachment:
    attachment = Attachment(
        message=message,
        filename="avis.pdf",
        content_type=content_type,
        size=4,
        status=Attachment.ScanStatus.CLEAN,
        created_at=message.created_at,
    )
    attachment.file.save("avis.pdf", ContentFile(b"%PDF"), save=False)
    attachment.save()
    return attachment


# --- One builder per registration: (what to make at T0, is it still kept?) ------------------


@dataclass(frozen=True)
class Case:
    setting: str
    make: Callable[[], Any]
    kept: Callable[[Any], bool]
    offset: dt.timedelta = dt.timedelta(0)  # the deadline counts from T0 + offset


def _resolved_with_texts() -> dict[str, Any]:
    conversation = ResolvedConversationFactory(
        channel=channel("courriel"),
        resolved_at=T0,
        subject="Paul Martin",
        thread_key="x",
        vulnerability_reason="disability",
        vulnerability_source="confirmed",
    )
    message = _message(conversation, at=T0 - 2 * DAY)
    return {"conversation": conversation, "message": message, "file": _attachment(message)}


def _texts_kept(made: dict[str, Any]) -> bool:
    message = Message.objects.get(pk=made["message"].pk)  # the row itself always stays
    conversation = Conversation.objects.get(pk=made["conversation"].pk)
    if message.body_encrypted:
        return True
    assert message.body_masked == message.subject == "" and message.contact_point is None
    assert (
        conversation.subject == conversation.thread_key == conversation.vulnerability_reason == ""
    )
    assert conversation.outcome == Outcome.ANSWERED and conversation.resolved_at == T0
    assert not default_storage.exists(made["file"].file.name)
    return False


def _open_attachment(content_type: str, slug: str) -> Attachment:
    conversation = ConversationFactory(channel=channel(slug), status=Status.ASSIGNED)
    return _attachment(_message(conversation), content_type=content_type)


def _attachment_kept(attachment: Attachment) -> bool:
    exists = Attachment.objects.filter(pk=attachment.pk).exists()
    assert exists == default_storage.exists(attachment.file.name)
    return exists


def _call() -> Call:
    conversation = ConversationFactory(channel=channel("telephone"))
    return Call.objects.create(
        conversation=conversation,
        endpoint=InboundEndpointFactory(connector="telephone"),
        call_id="c-1",
        started_at=T0 - dt.timedelta(minutes=5),
        ended_at=T0,
        events=[{"event": "ended", "from": "+33612345678"}],
    )


def _citizen() -> CitizenRecord:
    citizen = CitizenRecordFactory(last_contact_at=T0, created_at=T0 - 30 * DAY)
    point = contact_point(
        citizen.organisation, ContactKind.EMAIL, "paul@example.org", citizen=citizen
    )
    ContactPoint.objects.filter(pk=point.pk).update(created_at=T0 - 30 * DAY)
    return citizen


def _citizen_kept(citizen: CitizenRecord) -> bool:
    kept = CitizenRecord.objects.filter(pk=citizen.pk).exists()
    assert kept == ContactPoint.objects.filter(organisation=citizen.organisation).exists()
    return kept


def _transition() -> ConversationTransition:
    return ConversationTransition.objects.create(
        conversation=ConversationFactory(), to_status=Status.QUEUED, move="queue", created_at=T0
    )


def _inbound_row() -> InboundRow:
    return InboundRow.objects.create(
        endpoint=InboundEndpointFactory(),
        channel="courriel",
        external_id="<a@b>",
        payload_encrypted=encrypt_text("raw"),
        status=InboundStatus.PROCESSED,
        received_at=T0,
        processed_at=T0,
    )


def _correction() -> QualificationCorrection:
    conversation = ConversationFactory()
    return QualificationCorrection.objects.create(
        organisation=conversation.organisation,
        conversation=conversation,
        masked_text="Bonjour [NOM]",
        corrected_motif=MotifFactory(organisation=conversation.organisation),
        created_at=T0,
    )


def _event() -> WebhookEvent:
    conversation = ConversationFactory()
    return WebhookEvent.objects.create(
        organisation=conversation.organisation,
        conversation=conversation,
        kind="conversation_created",
        sequence=1,
        created_at=T0,
    )


def _delivery() -> Delivery:
    delivery = Delivery.objects.create(
        channel="email",
        provider="django-email",
        template="contacts/emails/survey",
        recipient_digest="d",
        idempotency_key="k-retention",
        status=DeliveryStatus.SENT,
    )
    Delivery.objects.filter(pk=delivery.pk).update(created_at=T0)
    return delivery


def _unanswered_invitation() -> SurveyInvitation:
    return SurveyInvitationFactory(created_at=T0, recipient_digest="abc")


def _invitation_kept(invitation: SurveyInvitation) -> bool:
    return SurveyInvitation.objects.filter(pk=invitation.pk).exists()


def _answered_invitation() -> SurveyInvitation:
    citizen = CitizenRecordFactory()
    invitation = SurveyInvitationFactory(
        created_at=T0 - 2 * DAY,
        answered_at=T0,
        status=SurveyStatus.ANSWERED,
        recipient_digest="abc",
        citizen=citizen,
    )
    SurveyAnswer.objects.create(invitation=invitation, question="satisfaction", value=4)
    return invitation


def _answers_kept(invitation: SurveyInvitation) -> bool:
    return SurveyAnswer.objects.filter(invitation_id=invitation.pk).exists()


def _record_access() -> RecordAccess:
    citizen = CitizenRecordFactory()
    # The record itself outlives the access log (its last contact is later).
    CitizenRecord.objects.filter(pk=citizen.pk).update(
        created_at=T0, last_contact_at=T0 + 4 * 365 * DAY
    )
    return RecordAccess.objects.create(
        organisation=citizen.organisation,
        citizen=citizen,
        agent=UserFactory(),
        window_start=T0,
        last_seen_at=T0,
    )


def _presence_change() -> Any:
    from parvis.accounts.tests.factories import UserFactory
    from parvis.routing.models import PresenceChange

    return PresenceChange.objects.create(user=UserFactory(), presence="available", at=T0)


def _pending_report_subscription() -> Any:
    from parvis.reports.tests.factories import ReportSubscriptionFactory

    return ReportSubscriptionFactory(requested_at=T0, created_at=T0)


def _exists(model: type) -> Callable[[Any], bool]:
    return lambda obj: model.objects.filter(pk=obj.pk).exists()  # type: ignore[attr-defined]


CASES: dict[str, Case] = {
    "contact_citizens": Case("CONTACTS_CITIZEN_RETENTION_DAYS", _citizen, _citizen_kept),
    "contact_messages": Case("CONTACTS_MESSAGES_RETENTION_DAYS", _resolved_with_texts, _texts_kept),
    "contact_attachments": Case(
        "CONTACTS_ATTACHMENTS_RETENTION_DAYS",
        lambda: _open_attachment("application/pdf", "courriel"),
        _attachment_kept,
    ),
    "contact_voicemail_audio": Case(
        "CONTACTS_VOICEMAIL_RETENTION_DAYS",
        lambda: _open_attachment("audio/wav", "telephone"),
        _attachment_kept,
    ),
    "contact_calls": Case("CONTACTS_CALLS_RETENTION_DAYS", _call, _exists(Call)),
    "contact_transitions": Case(
        "CONTACTS_TRANSITIONS_RETENTION_DAYS", _transition, _exists(ConversationTransition)
    ),
    "contacts_inbound_rows": Case(
        "CONTACTS_INBOUND_RETENTION_DAYS", _inbound_row, _exists(InboundRow)
    ),
    "contact_qualification_corrections": Case(
        "CONTACTS_CORRECTIONS_RETENTION_DAYS", _correction, _exists(QualificationCorrection)
    ),
    "contact_events": Case("CONTACTS_EVENTS_RETENTION_DAYS", _event, _exists(WebhookEvent)),
    # Routing's (its app joins the same daily purge).
    "routing_presence_history": Case(
        "ROUTING_PRESENCE_RETENTION_DAYS",
        _presence_change,
        lambda made: type(made).objects.filter(pk=made.pk).exists(),
    ),
    "contact_record_accesses": Case(
        "CONTACTS_ACCESS_LOG_RETENTION_DAYS", _record_access, _exists(RecordAccess)
    ),
    "message_deliveries": Case("RETENTION_MESSAGE_DELIVERIES_DAYS", _delivery, _exists(Delivery)),
    "contact_survey_invitations": Case(
        "CONTACTS_SURVEY_INVITATIONS_RETENTION_DAYS", _unanswered_invitation, _invitation_kept
    ),
    "contact_survey_answers": Case(
        "CONTACTS_SURVEY_ANSWERS_RETENTION_DAYS", _answered_invitation, _answers_kept
    ),
    # The periodic reports' subscriptions never confirmed.
    "report_subscriptions_pending": Case(
        "REPORTS_CONFIRMATION_DAYS",
        _pending_report_subscription,
        lambda made: type(made).objects.filter(pk=made.pk).exists(),
    ),
}


def test_every_registered_purge_is_travelled_through_in_time() -> None:
    """A new registration needs its case here (and its words on the personal-data page)."""
    assert set(registered_purges()) == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_nothing_is_purged_before_its_deadline_nor_kept_after_it(name: str, settings) -> None:  # type: ignore[no-untyped-def]
    case = CASES[name]
    made = case.make()
    deadline = T0 + case.offset + dt.timedelta(days=getattr(settings, case.setting))
    for now in (T0, deadline - DAY, deadline - dt.timedelta(minutes=1)):
        purge_expired_data(now=now)
        assert case.kept(made), f"{name} purged at {now}, before {deadline}"
    counts = purge_expired_data(now=deadline + DAY)
    assert not case.kept(made), f"{name} kept after {deadline}"
    assert counts[name] >= 1
    # Idempotent: the next night finds nothing more to do for this row.
    assert purge_expired_data(now=deadline + 2 * DAY)[name] == 0


def test_all_rows_at_once_survive_until_the_first_deadline_and_none_outlives_its_own(
    settings,
) -> None:  # type: ignore[no-untyped-def]
    made = {name: case.make() for name, case in CASES.items()}
    deadlines = {
        name: T0 + case.offset + dt.timedelta(days=getattr(settings, case.setting))
        for name, case in CASES.items()
    }
    for now in sorted(
        {d + DAY for d in deadlines.values()} | {d - DAY for d in deadlines.values()}
    ):
        purge_expired_data(now=now)
        for name, case in CASES.items():
            assert case.kept(made[name]) == (now < deadlines[name]), (name, now)


def test_a_recent_contact_keeps_an_old_record_and_its_contact_point(settings) -> None:  # type: ignore[no-untyped-def]
    citizen = _citizen()
    later = T0 + 400 * DAY
    ConversationFactory(
        organisation=citizen.organisation, citizen=citizen, created_at=later, last_message_at=later
    )
    purge_expired_data(now=T0 + dt.timedelta(days=settings.CONTACTS_CITIZEN_RETENTION_DAYS + 1))
    assert CitizenRecord.objects.filter(pk=citizen.pk).exists()


def test_a_stop_is_honoured_as_long_as_contact_data_is_kept(settings) -> None:  # type: ignore[no-untyped-def]
    conversation = ResolvedConversationFactory(resolved_at=T0)
    point = contact_point(conversation.organisation, ContactKind.PHONE, "+33612345678")
    ContactPoint.objects.filter(pk=point.pk).update(created_at=T0, sms_opt_out_at=T0 + 100 * DAY)
    days = settings.CONTACTS_CITIZEN_RETENTION_DAYS
    purge_expired_data(now=T0 + dt.timedelta(days=days + 1))
    assert ContactPoint.objects.filter(pk=point.pk).exists()
    purge_expired_data(now=T0 + dt.timedelta(days=days + 101))
    assert not ContactPoint.objects.filter(pk=point.pk).exists()


def test_an_answered_invitation_forgets_who_was_asked_and_keeps_the_answers(settings) -> None:  # type: ignore[no-untyped-def]
    invitation = _answered_invitation()
    days = settings.CONTACTS_SURVEY_INVITATIONS_RETENTION_DAYS
    purge_expired_data(now=invitation.created_at + dt.timedelta(days=days) - DAY)
    assert SurveyInvitation.objects.get(pk=invitation.pk).recipient_digest == "abc"
    purge_expired_data(now=invitation.created_at + dt.timedelta(days=days) + DAY)
    row = SurveyInvitation.objects.get(pk=invitation.pk)
    assert row.recipient_digest == "" and row.citizen_id is None and row.contact_point_id is None
    assert row.answers.get().value == 4 and row.channel_id and row.organisation_id


def test_purging_texts_keeps_what_the_quality_figures_count(settings) -> None:  # type: ignore[no-untyped-def]
    made = _resolved_with_texts()
    _message(made["conversation"], at=T0 - DAY)
    purge_expired_data(now=T0 + dt.timedelta(days=settings.CONTACTS_MESSAGES_RETENTION_DAYS + 1))
    conversation = Conversation.objects.get(pk=made["conversation"].pk)
    assert conversation.messages.filter(direction=Direction.INBOUND).count() == 2
    assert conversation.outcome == Outcome.ANSWERED and conversation.resolved_at == T0
    assert conversation.channel_id == "courriel" and conversation.queue_id is not None


def test_every_registration_says_what_it_keeps_and_the_page_lists_it(client, settings) -> None:  # type: ignore[no-untyped-def]
    for retention in registered_retentions():
        assert retention.described, f"{retention.name}: data, purpose and duration, please"
    settings.CONTACTS_MESSAGES_RETENTION_DAYS = 123
    settings.CONTACTS_CITIZEN_RETENTION_DAYS = 3 * 365
    settings.CONTACTS_VOICEMAIL_RETENTION_DAYS = 183
    settings.CONTACTS_SURVEY_ANSWERS_RETENTION_DAYS = 700
    html = client.get(reverse("footer-personal-data")).content.decode()
    for retention in registered_retentions():
        assert str(retention.data) in html, retention.name
        assert retention.duration is not None and retention.duration() in html, retention.name
    for expected in (
        "123 jours après la fin de la conversation",
        "3 ans après le dernier contact",
        "183 jours après l’enregistrement",
        "700 jours après la réponse",
    ):
        assert expected in html, expected
