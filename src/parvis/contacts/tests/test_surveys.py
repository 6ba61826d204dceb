"""After the contact: who is asked the post-contact questions (sampling, cap, outcomes),
through which channel, and how the answers come back (signed link, SMS reply)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from parvis.accounts.models import Role
from parvis.accounts.tests.factories import MembershipFactory
from parvis.contacts import services, surveys
from parvis.contacts.models import (
    ContactKind,
    Conversation,
    Message,
    Outcome,
    Status,
    SurveyAnswer,
    SurveyChannel,
    SurveyInvitation,
    SurveyStatus,
)
from parvis.contacts.services.surveys import survey_invite
from parvis.contacts.tests.core_support import install_fake_engine
from parvis.contacts.tests.factories import InboundEndpointFactory, QueueFactory, channel
from parvis.contacts.tests.helpers import deliver
from parvis.contacts.tests.survey_factories import (
    CitizenRecordFactory,
    ResolvedConversationFactory,
    SurveyInvitationFactory,
    contact_point,
)
from parvis.directory.tests.factories import MotifFactory
from parvis.messaging import providers
from parvis.messaging.models import Delivery, DeliveryStatus

pytestmark = pytest.mark.django_db

ORG_NUMBER = "+33140000000"
MOBILE = "+33612345678"
LANDLINE = "+33145678901"


@pytest.fixture(autouse=True)
def _everyone_sampled(settings, monkeypatch):  # type: ignore[no-untyped-def]
    settings.CONTACTS_SURVEY_SAMPLE_RATE = 1.0
    install_fake_engine(monkeypatch)


@pytest.fixture
def outbox():  # type: ignore[no-untyped-def]
    simulator = providers.get("sms-simulator")
    simulator.outbox.clear()
    yield simulator.outbox
    simulator.outbox.clear()


def sms_conversation(number: str = MOBILE, **kwargs):  # type: ignore[no-untyped-def]
    conversation = ResolvedConversationFactory(channel=channel("sms"), **kwargs)
    # The citizen texted from the number: they accepted SMS.
    point = contact_point(conversation.organisation, ContactKind.PHONE, number, sms_consent=True)
    Conversation.objects.filter(pk=conversation.pk).update(
        contact_point=point, thread_key=f"{ORG_NUMBER}|{number}"
    )
    conversation.refresh_from_db()
    return conversation


def link_of(text: str) -> str:
    match = re.search(r"https?://\S+/contact/avis/([^/\s]+)/", text)
    assert match, text
    return reverse("contacts:survey", kwargs={"token": match.group(1)})


# --- Reading an SMS reply ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5 2 oui", (5, 2, 1)),
        ("5,2,OUI.", (5, 2, 1)),
        ("  4 / 1 / non  ", (4, 1, 0)),
        ("52 o", (5, 2, 1)),
        ("3-3-N", (3, 3, 0)),
        ("Satisfaction 4/5, effort 2, résolu : oui. Merci !", (4, 2, 1)),
        ("oui 1 5", (1, 5, 1)),
        ("Bonjour 5 5 non merci", (5, 5, 0)),
    ],
)
def test_an_sms_reply_is_read_robustly(text: str, expected: tuple[int, int, int]) -> None:
    answers = surveys.parse_sms_reply(text)
    assert answers == dict(zip(("satisfaction", "effort", "resolved"), expected, strict=True))


@pytest.mark.parametrize(
    "text",
    [
        "5 2",  # no yes/no
        "6 2 oui",  # out of the scale
        "0 1 non",
        "5 2 oui non",
        "5 2 3 oui",
        "5 2 pas résolu",
        "5 2 oui mais mon dossier 123 n'avance pas",  # a message for the service
        "Bonjour, où en est mon dossier ?",
        "123 oui",
        "",
    ],
)
def test_anything_else_is_not_an_answer(text: str) -> None:
    assert surveys.parse_sms_reply(text) is None


# --- Who is asked ----------------------------------------------------------------------------


def test_the_draw_is_deterministic_per_conversation_and_follows_the_rate() -> None:
    references = [f"CONV-2026-{n:05d}" for n in range(4000)]
    drawn = [surveys.sampled(reference, rate=0.3) for reference in references]
    assert drawn == [surveys.sampled(reference, rate=0.3) for reference in references]
    assert 0.27 < sum(drawn) / len(drawn) < 0.33
    assert not any(surveys.sampled(r, rate=0.0) for r in references[:200])
    assert all(surveys.sampled(r, rate=1.0) for r in references[:200])


def test_a_conversation_not_drawn_is_not_asked(settings, outbox) -> None:  # type: ignore[no-untyped-def]
    settings.CONTACTS_SURVEY_SAMPLE_RATE = 0.3
    drawn = [sms_conversation(f"+33612{n:03d}678") for n in range(30)]
    for conversation in drawn:
        survey_invite(conversation_id=conversation.pk)
    invited = set(SurveyInvitation.objects.values_list("conversation__reference", flat=True))
    assert invited == {c.reference for c in drawn if surveys.sampled(c.reference)}
    assert 0 < len(invited) < len(drawn)


@pytest.mark.parametrize(
    "outcome",
    [
        Outcome.OUT_OF_SCOPE,
        Outcome.SPAM,
        Outcome.DUPLICATE,
        Outcome.ABANDONED,
        Outcome.VOICEMAIL,
        Outcome.CALLBACK_FAILED,
    ],
)
def test_never_after_an_excluded_outcome(outcome: str, outbox) -> None:  # type: ignore[no-untyped-def]
    conversation = sms_conversation(outcome=outcome)
    assert survey_invite(conversation_id=conversation.pk) is None
    assert not SurveyInvitation.objects.exists() and outbox == []


def test_an_open_conversation_is_not_asked(outbox) -> None:  # type: ignore[no-untyped-def]
    conversation = sms_conversation(status=Status.ASSIGNED, outcome="", resolved_at=None)
    assert survey_invite(conversation_id=conversation.pk) is None


def test_at_most_one_invitation_per_citizen_in_thirty_days(outbox) -> None:  # type: ignore[no-untyped-def]
    t0 = timezone.now()
    first = sms_conversation()
    assert survey_invite(conversation_id=first.pk, now=t0) is not None
    # The same number, another conversation of the same organisation, or another
    # organisation: the same person, not asked again within 30 days.
    second = sms_conversation()
    elsewhere = sms_conversation()
    assert second.organisation != elsewhere.organisation
    assert survey_invite(conversation_id=second.pk, now=t0 + dt.timedelta(days=29)) is None
    assert survey_invite(conversation_id=elsewhere.pk, now=t0 + dt.timedelta(days=29)) is None
    assert survey_invite(conversation_id=second.pk, now=t0 + dt.timedelta(days=31)) is not None
    assert len(outbox) == 2


def test_the_cap_also_counts_the_citizen_record(outbox) -> None:  # type: ignore[no-untyped-def]
    first = sms_conversation()
    citizen = CitizenRecordFactory(organisation=first.organisation)
    Conversation.objects.filter(pk=first.pk).update(citizen=citizen)
    survey_invite(conversation_id=first.pk)
    other_number = sms_conversation("+33698765432", queue=first.queue, citizen=citizen)
    assert survey_invite(conversation_id=other_number.pk) is None


def test_one_invitation_per_conversation_however_often_it_is_resolved(outbox) -> None:  # type: ignore[no-untyped-def]
    conversation = sms_conversation()
    survey_invite(conversation_id=conversation.pk)
    survey_invite(conversation_id=conversation.pk)
    assert SurveyInvitation.objects.count() == 1 and len(outbox) == 1


# --- Each channel ----------------------------------------------------------------------------


def test_an_sms_conversation_is_asked_by_sms_through_the_outbox(outbox) -> None:  # type: ignore[no-untyped-def]
    motif = MotifFactory()
    conversation = sms_conversation(motif=motif)
    invitation = survey_invite(conversation_id=conversation.pk)
    assert invitation is not None
    invitation.refresh_from_db()
    assert invitation.via == SurveyChannel.SMS and invitation.status == SurveyStatus.SENT
    assert (invitation.questionnaire, invitation.version) == ("post_contact", 1)
    # The snapshot the quality indicators aggregate.
    assert invitation.organisation == conversation.organisation
    assert invitation.channel_id == "sms" and invitation.queue == conversation.queue
    assert invitation.site == conversation.queue.site and invitation.motif == motif
    assert invitation.outcome == Outcome.ANSWERED and invitation.outcome_version == 1
    [sent] = outbox
    assert sent.to == MOBILE
    assert "5 2 oui" in sent.body and conversation.reference in sent.body
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.SENT and invitation.delivery == delivery
    assert delivery.template == "contacts/sms/survey"
    # No message is added to the conversation: the questions are not part of it.
    assert not Message.objects.filter(conversation=conversation).exists()


def test_an_opted_out_number_is_never_texted(outbox) -> None:  # type: ignore[no-untyped-def]
    conversation = sms_conversation()
    type(conversation.contact_point).objects.filter(pk=conversation.contact_point_id).update(
        sms_opt_out_at=timezone.now()
    )
    assert survey_invite(conversation_id=conversation.pk) is None
    assert outbox == []


def test_a_phone_call_is_followed_by_an_sms_to_a_mobile_only(outbox) -> None:  # type: ignore[no-untyped-def]
    mobile = sms_conversation()
    Conversation.objects.filter(pk=mobile.pk).update(channel=channel("telephone"), thread_key="c1")
    landline = sms_conversation(LANDLINE)
    Conversation.objects.filter(pk=landline.pk).update(
        channel=channel("telephone"), thread_key="c2"
    )
    assert survey_invite(conversation_id=mobile.pk) is not None
    assert survey_invite(conversation_id=landline.pk) is None
    assert [m.to for m in outbox] == [MOBILE]
    assert SurveyInvitation.objects.get().channel_id == "telephone"


def test_a_caller_who_never_accepted_sms_is_not_texted(outbox) -> None:  # type: ignore[no-untyped-def]
    """The desk's rule (« SMS needs a number and consent ») holds for the questions too:
    a call is no consent; one an agent notes on the record is."""
    from parvis.contacts.services import records

    caller = ResolvedConversationFactory(channel=channel("telephone"), thread_key="c3")
    citizen = CitizenRecordFactory(organisation=caller.organisation)
    point = contact_point(caller.organisation, ContactKind.PHONE, MOBILE, citizen=citizen)
    Conversation.objects.filter(pk=caller.pk).update(contact_point=point, citizen=citizen)
    assert survey_invite(conversation_id=caller.pk) is None
    agent = MembershipFactory(organisation=caller.organisation, role=Role.AGENT).user
    records.sms_consent_record(principal=agent, point=point, channel=channel("telephone"))
    assert survey_invite(conversation_id=caller.pk) is not None
    assert [m.to for m in outbox] == [MOBILE]


def test_an_email_conversation_is_asked_by_email_over_smtp(  # type: ignore[no-untyped-def]
    client, smtp_inbox
):
    conversation = ResolvedConversationFactory(channel=channel("courriel"))
    point = contact_point(conversation.organisation, ContactKind.EMAIL, "Paul@Example.org")
    Conversation.objects.filter(pk=conversation.pk).update(contact_point=point)
    invitation = survey_invite(conversation_id=conversation.pk)
    assert invitation is not None and invitation.via == SurveyChannel.EMAIL
    [mail] = smtp_inbox.to("paul@example.org")
    assert conversation.reference in str(mail["Subject"])
    body = smtp_inbox.bodies()[0]
    assert "anonymes" in body and "14 jours" in body
    page = client.get(link_of(body))
    assert page.status_code == 200
    assert "Votre demande a-t-elle été résolue lors de ce contact ?" in page.content.decode()


def test_a_counter_visit_is_followed_by_an_sms_else_an_email(  # type: ignore[no-untyped-def]
    outbox, smtp_inbox, django_capture_on_commit_callbacks
):
    queue = QueueFactory()
    agent = MembershipFactory(organisation=None, site=queue.site, role=Role.AGENT).user
    motif = MotifFactory(organisation=queue.organisation)
    with_phone = CitizenRecordFactory(organisation=queue.organisation)
    contact_point(queue.organisation, ContactKind.EMAIL, "a@example.org", citizen=with_phone)
    contact_point(
        queue.organisation, ContactKind.PHONE, MOBILE, citizen=with_phone, sms_consent=True
    )
    email_only = CitizenRecordFactory(organisation=queue.organisation)
    contact_point(queue.organisation, ContactKind.EMAIL, "b@example.org", citizen=email_only)
    # A number that never accepted SMS: asked by email instead.
    no_sms = CitizenRecordFactory(organisation=queue.organisation)
    contact_point(queue.organisation, ContactKind.EMAIL, "c@example.org", citizen=no_sms)
    contact_point(queue.organisation, ContactKind.PHONE, "+33698765432", citizen=no_sms)
    nobody = CitizenRecordFactory(organisation=queue.organisation)
    channel("guichet")
    for citizen in (with_phone, email_only, no_sms, nobody):
        with django_capture_on_commit_callbacks(execute=True):
            services.visit_record(
                principal=agent,
                site=queue.site,
                motif=motif,
                outcome=Outcome.ANSWERED,
                minutes=10,
                citizen=citizen,
            )
    assert [m.to for m in outbox] == [MOBILE]
    assert sorted(str(m["To"]) for m in smtp_inbox.messages) == ["b@example.org", "c@example.org"]
    assert sorted(SurveyInvitation.objects.values_list("via", flat=True)) == [
        "email",
        "email",
        "sms",
    ]
    assert set(SurveyInvitation.objects.values_list("channel_id", flat=True)) == {"guichet"}


# --- The resolve move sends, an SMS reply answers (the acceptance) ----------------------


def test_the_resolve_sends_the_sms_and_the_citizens_reply_stores_the_answers(  # type: ignore[no-untyped-def]
    outbox, django_capture_on_commit_callbacks
):
    channel("sms")
    endpoint = InboundEndpointFactory(connector="sms", address=ORG_NUMBER)
    now = timezone.now()
    deliver(
        endpoint,
        {
            "id": "m1",
            "from": "06 12 34 56 78",
            "text": "Bonjour, mon dossier ?",
            "received_at": now.isoformat(),
        },
    )
    conversation = Conversation.objects.get()
    agent = MembershipFactory(organisation=endpoint.organisation, role=Role.AGENT).user
    with django_capture_on_commit_callbacks(execute=True):
        services.conversation_resolve(
            conversation=conversation, principal=agent, outcome=Outcome.ANSWERED
        )
    [invitation_sms] = outbox
    assert invitation_sms.to == MOBILE and "5 2 oui" in invitation_sms.body

    deliver(
        endpoint,
        {
            "id": "m2",
            "from": "+33612345678",
            "text": "5 2 OUI",
            "received_at": (now + dt.timedelta(minutes=5)).isoformat(),
        },
    )
    invitation = SurveyInvitation.objects.get()
    assert invitation.status == SurveyStatus.ANSWERED
    assert dict(invitation.answers.values_list("question", "value")) == {
        "satisfaction": 5,
        "effort": 2,
        "resolved": 1,
    }
    # The reply is no message and reopens nothing.
    conversation.refresh_from_db()
    assert conversation.status == Status.RESOLVED and conversation.messages.count() == 1
    # A second reply changes nothing; a real message afterwards is threaded as usual.
    deliver(
        endpoint,
        {
            "id": "m3",
            "from": MOBILE,
            "text": "1 5 non",
            "received_at": (now + dt.timedelta(minutes=6)).isoformat(),
        },
    )
    assert SurveyAnswer.objects.get(question="satisfaction").value == 5
    deliver(
        endpoint,
        {
            "id": "m4",
            "from": MOBILE,
            "text": "Autre question : mon RIB ?",
            "received_at": (now + dt.timedelta(minutes=7)).isoformat(),
        },
    )
    conversation.refresh_from_db()
    assert conversation.status == Status.QUEUED and conversation.messages.count() == 2


def test_a_reply_without_an_invitation_is_a_message(outbox) -> None:  # type: ignore[no-untyped-def]
    channel("sms")
    endpoint = InboundEndpointFactory(connector="sms", address=ORG_NUMBER)
    deliver(endpoint, {"id": "m1", "from": MOBILE, "text": "5 2 oui"})
    assert Message.objects.count() == 1 and not SurveyAnswer.objects.exists()


# --- The signed link page ----------------------------------------------------------------------


def test_the_page_asks_three_questions_and_stores_the_answers_once(client) -> None:  # type: ignore[no-untyped-def]
    invitation = SurveyInvitationFactory()
    url = reverse("contacts:survey", kwargs={"token": surveys.link_token(invitation.pk)})
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    for label in (
        "Êtes-vous satisfait de ce contact ?",
        "Votre démarche a-t-elle été facile ?",
        "De 1 (facile) à 5 (difficile)",
        "Votre demande a-t-elle été résolue lors de ce contact ?",
    ):
        assert label in html
    incomplete = client.post(url, {"satisfaction": "4"})
    assert incomplete.status_code == 400
    assert "Répondez à la question « Votre démarche a-t-elle été facile ? »" in (
        incomplete.content.decode()
    )
    answered = client.post(url, {"satisfaction": "4", "effort": "1", "resolved": "0"})
    assert answered.status_code == 302
    thanks = client.get(url)
    assert "Merci, vos réponses sont enregistrées" in thanks.content.decode()
    client.post(url, {"satisfaction": "1", "effort": "5", "resolved": "1"})
    invitation.refresh_from_db()
    assert invitation.status == SurveyStatus.ANSWERED
    assert dict(invitation.answers.values_list("question", "value")) == {
        "satisfaction": 4,
        "effort": 1,
        "resolved": 0,
    }


@pytest.mark.parametrize("value", ["9", "0", "abc", ""])
def test_an_answer_outside_the_scale_is_refused_in_french(client, value: str) -> None:  # type: ignore[no-untyped-def]
    invitation = SurveyInvitationFactory()
    url = reverse("contacts:survey", kwargs={"token": surveys.link_token(invitation.pk)})
    response = client.post(url, {"satisfaction": value, "effort": "1", "resolved": "1"})
    assert response.status_code == 400
    assert "fr-fieldset--error" in response.content.decode()
    assert not SurveyAnswer.objects.exists()


def test_a_tampered_link_is_a_french_400_page(client) -> None:  # type: ignore[no-untyped-def]
    invitation = SurveyInvitationFactory()
    token = surveys.link_token(invitation.pk)
    for bad in (token[:-2] + "xx", "abc", signing.dumps(invitation.pk, salt="autre")):
        response = client.get(reverse("contacts:survey", kwargs={"token": bad}))
        assert response.status_code == 400
        assert "Ce lien n’est pas valide" in response.content.decode()
    assert client.post(reverse("contacts:survey", kwargs={"token": "abc"})).status_code == 400


def test_an_expired_link_is_a_french_410_page(client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    past = SurveyInvitationFactory(expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = client.get(reverse("contacts:survey", kwargs={"token": surveys.link_token(past.pk)}))
    assert response.status_code == 410
    assert "le délai pour y répondre est passé" in response.content.decode()
    # A token older than the link's validity, whatever the row says.
    invitation = SurveyInvitationFactory()
    real_time = signing.time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() - 15 * 24 * 3600)
    old_token = surveys.link_token(invitation.pk)
    monkeypatch.setattr(signing.time, "time", real_time)
    response = client.get(reverse("contacts:survey", kwargs={"token": old_token}))
    assert response.status_code == 410


def test_the_chat_frame_carries_the_questions_in_french() -> None:
    invitation = SurveyInvitationFactory(via=SurveyChannel.CHAT)
    from parvis.contacts.services.surveys import chat_survey_frame

    frame = chat_survey_frame(invitation)
    json.dumps(frame)  # what the channel layer carries
    assert [q["code"] for q in frame["questions"]] == ["satisfaction", "effort", "resolved"]
    assert frame["questions"][2]["choices"] == [
        {"value": 1, "label": "Oui"},
        {"value": 0, "label": "Non"},
    ]


# --- Demo --------------------------------------------------------------------------------------


def test_the_demo_answers_surveys_after_resolved_conversations_once() -> None:
    from parvis.demo.surveys_demo import demo_surveys_seed

    for slug in ("sms", "courriel", "chat", "guichet", "telephone"):
        for number in range(4):
            ResolvedConversationFactory(channel=channel(slug), thread_key=f"{slug}-{number}")
    ResolvedConversationFactory(outcome=Outcome.SPAM, thread_key="spam")
    # A contact of the demo's quality history: nobody to write to (no record, number,
    # address or chat session), and it brings its own questionnaire or none. A rerun of
    # the demo asked these a second time.
    unreachable = ResolvedConversationFactory(channel=channel("telephone"))
    answered = demo_surveys_seed()
    assert 0 < answered < 20 and SurveyInvitation.objects.count() == 20
    assert not SurveyInvitation.objects.filter(conversation=unreachable).exists()
    assert SurveyInvitation.objects.filter(status=SurveyStatus.ANSWERED).count() == answered
    assert SurveyAnswer.objects.count() == 3 * answered
    assert not SurveyInvitation.objects.filter(outcome=Outcome.SPAM).exists()
    assert demo_surveys_seed() == 0
