"""The desk's services, action by action: permissions, the atomic take, replies and the
switch table, templates, notes, transfers, hand-over and resolution."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from parvis.accounts.models import AuditEvent, Role
from parvis.accounts.scoping import ROLE_PERMISSIONS, Perm
from parvis.accounts.tests.factories import MembershipFactory
from parvis.contacts.models import (
    ConsentPurpose,
    Conversation,
    ConversationTransition,
    Direction,
    Message,
    Outcome,
    Status,
)
from parvis.contacts.services import handoff
from parvis.contacts.services.records import consent_capture
from parvis.contacts.tests.factories import CitizenRecordFactory, QueueFactory, triage_queue
from parvis.desk import services, switches
from parvis.desk.errors import DeskError
from parvis.desk.tests.factories import (
    desk_story,
    email_point,
    inbound,
    phone_point,
    template,
    waiting_conversation,
)
from parvis.directory.tests.factories import OrganisationFactory
from parvis.messaging.models import Delivery

pytestmark = pytest.mark.django_db


def test_desk_roles_are_scoping_permissions():
    assert {Perm.TAKE, Perm.REPLY} <= ROLE_PERMISSIONS[Role.AGENT]
    assert Perm.TRANSFER_OUT not in ROLE_PERMISSIONS[Role.AGENT]
    for role in (Role.SUPERVISOR, Role.ORGANISATION_ADMIN):
        assert {Perm.TAKE, Perm.REPLY, Perm.TRANSFER_OUT} <= ROLE_PERMISSIONS[role]
    assert not {Perm.TAKE, Perm.REPLY} & ROLE_PERMISSIONS[Role.QUALITY_MANAGER]


# --- Take -------------------------------------------------------------------------------------


def test_a_member_takes_a_waiting_conversation_through_the_lifecycle():
    desk = desk_story()
    conversation = waiting_conversation(desk.queue)
    taken = services.conversation_take(principal=desk.agent, conversation=conversation)
    taken.refresh_from_db()
    assert (taken.status, taken.assignee) == (Status.ASSIGNED, desk.agent)
    assert ConversationTransition.objects.get(conversation=taken).move == "assign"
    assert AuditEvent.objects.filter(action="conversation.assign", actor=desk.agent).exists()


def test_the_second_agent_is_told_who_took_it():
    desk = desk_story()
    conversation = waiting_conversation(desk.queue)
    services.conversation_take(principal=desk.agent, conversation=conversation)
    with pytest.raises(DeskError) as refused:
        services.conversation_take(principal=desk.colleague, conversation=conversation)
    assert refused.value.code == "already_taken"
    assert refused.value.status == 409
    assert desk.agent.full_name in refused.value.message
    assert ConversationTransition.objects.filter(conversation=conversation).count() == 1


def test_queue_membership_decides_who_takes():
    desk = desk_story()
    conversation = waiting_conversation(desk.queue)
    with pytest.raises(DeskError) as refused:
        services.conversation_take(principal=desk.outsider, conversation=conversation)
    assert refused.value.status == 403
    # A member of the queue in another organisation's scope: no permission there.
    stranger = MembershipFactory(role=Role.AGENT).user
    from parvis.contacts.tests.factories import QueueMemberFactory

    QueueMemberFactory(queue=desk.queue, user=stranger)
    with pytest.raises(DeskError):
        services.conversation_take(principal=stranger, conversation=conversation)
    conversation.refresh_from_db()
    assert conversation.status == Status.QUEUED


@pytest.mark.django_db(transaction=True)
def test_two_agents_clicking_at_once_one_wins():
    """Two threads, two connections, one conversation: exactly one assign move."""
    desk = desk_story()
    conversation = waiting_conversation(desk.queue)
    barrier = threading.Barrier(2)
    results: dict[str, str] = {}

    def click(name: str, agent: object) -> None:
        try:
            barrier.wait(timeout=10)
            services.conversation_take(principal=agent, conversation=conversation)
            results[name] = "won"
        except DeskError as error:
            results[name] = error.code
        finally:
            connection.close()

    threads = [
        threading.Thread(target=click, args=("a", desk.agent)),
        threading.Thread(target=click, args=("b", desk.colleague)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results.values()) == ["already_taken", "won"]
    assert (
        ConversationTransition.objects.filter(conversation=conversation, move="assign").count() == 1
    )


# --- Replies and the switch table -----------------------------------------------------------


def _held(desk, **kwargs):  # type: ignore[no-untyped-def]
    conversation = waiting_conversation(desk.queue, **kwargs)
    return services.conversation_take(principal=desk.agent, conversation=conversation)


def test_the_switch_table_lists_each_channel_with_its_precondition():
    assert set(switches.SWITCHES) == {"courriel", "sms", "chat", "telephone"}
    assert switches.SWITCHES["chat"].sources == frozenset({"chat"})
    assert switches.SWITCHES["telephone"].callback
    assert all(
        "guichet" in switch.sources for name, switch in switches.SWITCHES.items() if name != "chat"
    )


def test_email_reply_on_the_same_channel(mailoutbox):
    desk = desk_story()
    conversation = _held(desk)
    email_point(conversation)
    message = services.desk_reply(
        principal=desk.agent,
        conversation=conversation,
        channel="courriel",
        text="Votre dossier est complet.",
    )
    assert message is not None and message.direction == Direction.OUTBOUND
    assert message.channel_id == "courriel"


def test_email_needs_an_address():
    desk = desk_story()
    conversation = _held(desk, channel_slug="sms", thread_key="+33900000033|+33612345678")
    with pytest.raises(DeskError) as refused:
        services.desk_reply(
            principal=desk.agent, conversation=conversation, channel="courriel", text="Bonjour"
        )
    assert refused.value.code == "switch_precondition"
    assert "adresse électronique" in refused.value.message


def test_switching_an_email_to_sms_needs_a_number_then_sends_it():
    desk = desk_story()
    conversation = _held(desk)
    with pytest.raises(DeskError) as refused:
        services.desk_reply(
            principal=desk.agent, conversation=conversation, channel="sms", text="Bonjour"
        )
    assert "numéro" in refused.value.message
    phone_point(conversation)
    message = services.desk_reply(
        principal=desk.agent,
        conversation=conversation,
        channel="sms",
        text="Votre dossier est complet.",
    )
    assert message is not None and message.channel_id == "sms"
    assert AuditEvent.objects.filter(action="desk.channel_switched").exists()


def test_sms_is_refused_after_stop():
    from django.utils import timezone

    desk = desk_story()
    conversation = _held(desk)
    point = phone_point(conversation)
    point.sms_opt_out_at = timezone.now()
    point.save()
    with pytest.raises(DeskError) as refused:
        services.desk_reply(
            principal=desk.agent, conversation=conversation, channel="sms", text="Bonjour"
        )
    assert "STOP" in refused.value.message


def test_sms_needs_the_numbers_consent_which_an_agent_can_record_and_withdraw():
    """« SMS needs a number and consent »: a number that never texted us and whose
    consent nobody noted is refused with the reason the reply form shows."""
    from parvis.contacts.services import records

    desk = desk_story()
    conversation = _held(desk)
    citizen = CitizenRecordFactory(organisation=desk.organisation)
    Conversation.objects.filter(pk=conversation.pk).update(citizen=citizen)
    conversation.citizen = citizen
    point = phone_point(conversation, sms_consent=False)
    point.citizen = citizen
    point.save()
    options = {o.switch.channel: o for o in switches.reply_options(conversation)}
    assert options["sms"].refusal.startswith("Le numéro n’a pas accepté les SMS")
    with pytest.raises(DeskError) as refused:
        services.desk_reply(
            principal=desk.agent, conversation=conversation, channel="sms", text="Bonjour"
        )
    assert "n’a pas accepté les SMS" in refused.value.message
    assert not Message.objects.filter(conversation=conversation).exists()
    # The citizen says yes at the counter: the agent notes it (audited), the SMS leaves.
    records.sms_consent_record(principal=desk.agent, point=point, channel="guichet")
    point.refresh_from_db()
    assert (point.sms_consent_channel_id, point.sms_consent_by) == ("guichet", desk.agent)
    event = AuditEvent.objects.get(action="citizen.sms_consent_recorded")
    assert event.data == {"point_id": point.pk, "channel": "guichet", "opt_out_lifted": False}
    assert services.desk_reply(
        principal=desk.agent, conversation=conversation, channel="sms", text="Bonjour"
    )
    # Then changes their mind: withdrawn by the agent, refused again.
    records.sms_consent_withdraw(principal=desk.agent, point=point)
    assert AuditEvent.objects.filter(action="citizen.sms_consent_withdrawn").exists()
    with pytest.raises(DeskError) as refused:
        services.desk_reply(
            principal=desk.agent, conversation=conversation, channel="sms", text="Bonjour"
        )
    assert "retiré son accord" in refused.value.message


def test_chat_needs_a_live_session(settings):
    settings.CONTACTS_CHAT_RESUME_MAX_AGE = 3600
    desk = desk_story()
    conversation = _held(desk, channel_slug="chat", thread_key="session-1")
    with pytest.raises(DeskError) as refused:
        services.desk_reply(
            principal=desk.agent, conversation=conversation, channel="chat", text="Bonjour"
        )
    assert "chat" in refused.value.message
    inbound(conversation)
    assert switches.chat_session_live(conversation)
    email = _held(desk)
    with pytest.raises(DeskError) as refused:
        services.desk_reply(
            principal=desk.agent, conversation=email, channel="chat", text="Bonjour"
        )
    assert refused.value.code == "switch_not_allowed"


def test_a_callback_is_its_own_action_queued_for_routing():
    desk = desk_story()
    conversation = _held(desk)
    phone_point(conversation)
    with pytest.raises(DeskError) as refused:  # never through the reply, text or not
        services.desk_reply(
            principal=desk.agent, conversation=conversation, channel="telephone", text=""
        )
    assert refused.value.code == "callback_not_a_reply"
    conversation.refresh_from_db()
    assert not conversation.callback_requested and conversation.status == Status.ASSIGNED
    services.desk_callback_request(
        principal=desk.agent, conversation=conversation, note="Rappeler après 14 h."
    )
    conversation.refresh_from_db()
    assert conversation.callback_requested
    assert (conversation.status, conversation.assignee) == (Status.QUEUED, None)
    assert conversation.messages.get().direction == Direction.NOTE
    with pytest.raises(DeskError) as again:
        services.desk_callback_request(principal=desk.agent, conversation=conversation)
    assert (again.value.code, again.value.status) == ("callback_exists", 409)


def test_a_must_personalise_template_left_unfilled_is_refused():
    desk = desk_story()
    conversation = _held(desk)
    email_point(conversation)
    model = template(desk.organisation)
    with pytest.raises(DeskError) as refused:
        services.desk_reply(
            principal=desk.agent,
            conversation=conversation,
            channel="courriel",
            text=model.body,
            template=model,
        )
    assert refused.value.code == "placeholder_left"
    assert "personnalisé" in refused.value.message
    filled = model.body.replace("[À COMPLÉTER : état du dossier]", "est complet")
    assert services.desk_reply(
        principal=desk.agent,
        conversation=conversation,
        channel="courriel",
        text=filled,
        template=model,
    )


def test_a_template_limits_an_sms_to_its_segments():
    desk = desk_story()
    conversation = _held(desk)
    phone_point(conversation)
    model = template(
        desk.organisation,
        body="Votre rendez-vous est confirmé.",
        must_personalise=False,
        channel_limits={"sms": {"max_segments": 2}},
    )
    with pytest.raises(DeskError) as refused:
        services.desk_reply(
            principal=desk.agent,
            conversation=conversation,
            channel="sms",
            text="a" * 400,
            template=model,
        )
    assert refused.value.code == "too_many_segments"
    assert services.desk_reply(
        principal=desk.agent,
        conversation=conversation,
        channel="sms",
        text=model.body,
        template=model,
    )


def test_template_limits_are_validated():
    from django.core.exceptions import ValidationError

    desk = desk_story()
    model = template(desk.organisation, channel_limits={"sms": {"max_segments": 0}})
    with pytest.raises(ValidationError):
        model.full_clean()
    model.channel_limits = {"fax": {"max_segments": 1}}
    with pytest.raises(ValidationError):
        model.full_clean()
    model.channel_limits = {"sms": {"max_segments": 2}}
    model.full_clean()
    # A template that need not be personalised holds no passage to complete.
    model.must_personalise = False
    model.body = "Votre demande est bien reçue."
    model.full_clean()


def test_another_organisations_template_is_refused():
    desk = desk_story()
    conversation = _held(desk)
    email_point(conversation)
    other = template(OrganisationFactory(), must_personalise=False, body="Bonjour.")
    with pytest.raises(DeskError) as refused:
        services.desk_reply(
            principal=desk.agent,
            conversation=conversation,
            channel="courriel",
            text="Bonjour.",
            template=other,
        )
    assert refused.value.code == "template_mismatch"


# --- Notes, transfers, hand-over, resolution ------------------------------------------------


def test_an_internal_note_is_never_sent():
    desk = desk_story()
    conversation = _held(desk)
    note = services.desk_note(
        principal=desk.agent, conversation=conversation, text="Pièce manquante."
    )
    assert note.direction == Direction.NOTE
    assert not Delivery.objects.exists()


def test_a_quality_manager_cannot_answer():
    desk = desk_story()
    conversation = _held(desk)
    manager = MembershipFactory(organisation=desk.organisation, role=Role.QUALITY_MANAGER).user
    with pytest.raises(DeskError) as refused:
        services.desk_note(principal=manager, conversation=conversation, text="Note")
    assert refused.value.status == 403


def test_transfer_to_another_queue_of_the_organisation():
    desk = desk_story()
    conversation = _held(desk)
    other = QueueFactory(organisation=desk.organisation, site=desk.queue.site)
    services.desk_transfer_queue(
        principal=desk.agent, conversation=conversation, queue=other, note="Pour l’équipe logement."
    )
    conversation.refresh_from_db()
    assert (conversation.queue, conversation.status, conversation.assignee) == (
        other,
        Status.QUEUED,
        None,
    )
    assert AuditEvent.objects.filter(action="desk.queue_changed").exists()
    foreign = QueueFactory()
    with pytest.raises(DeskError):
        services.desk_transfer_queue(principal=desk.agent, conversation=conversation, queue=foreign)


def test_only_supervisors_hand_over_to_another_organisation():
    desk = desk_story()
    conversation = _held(desk)
    partner = OrganisationFactory()
    triage_queue(partner)
    with pytest.raises(DeskError) as refused:
        services.desk_transfer_out(
            principal=desk.agent, conversation=conversation, organisation=partner, note="Pour vous."
        )
    assert refused.value.status == 403


def test_a_hand_over_carries_the_note_and_nothing_unconsented():
    desk = desk_story()
    conversation = _held(desk)
    email_point(conversation)
    inbound(conversation, "Mon numéro allocataire est 1234567.")
    partner = OrganisationFactory()
    partner_triage = triage_queue(partner)
    linked = services.desk_transfer_out(
        principal=desk.supervisor,
        conversation=conversation,
        organisation=partner,
        note="Relève de la CPAM.",
    )
    assert (linked.organisation, linked.queue, linked.status) == (
        partner,
        partner_triage,
        Status.QUEUED,
    )
    assert linked.linked_conversation == conversation
    assert linked.contact_point is None
    assert [m.direction for m in linked.messages.all()] == [Direction.NOTE]
    conversation.refresh_from_db()
    assert (conversation.status, conversation.outcome) == (
        Status.RESOLVED,
        Outcome.ORIENTED_PARTNER,
    )
    audit = AuditEvent.objects.get(action="desk.transferred_out")
    assert audit.data["categories"] == [] and audit.data["linked_reference"] == linked.reference


def test_a_hand_over_carries_what_the_citizen_agreed_to_share():
    desk = desk_story()
    conversation = _held(desk)
    email_point(conversation)
    inbound(conversation)
    services.desk_note(principal=desk.agent, conversation=conversation, text="Interne")
    partner = OrganisationFactory()
    linked = handoff.conversation_handoff_create(
        conversation=conversation,
        author=desk.supervisor,
        queue=triage_queue(partner),
        note="Pour vous.",
        categories={"contact_points", "timeline", "identity"},
    )
    assert linked.contact_point is not None
    assert linked.contact_point.organisation == partner
    directions = list(linked.messages.order_by("pk").values_list("direction", flat=True))
    assert directions == [Direction.INBOUND, Direction.NOTE]  # the internal note stays home


def test_a_hand_over_by_the_desk_carries_the_consented_categories():
    desk = desk_story()
    conversation = _held(desk)
    email_point(conversation)
    inbound(conversation)
    citizen = CitizenRecordFactory(organisation=conversation.organisation)
    Conversation.objects.filter(pk=conversation.pk).update(citizen=citizen)
    conversation.refresh_from_db()
    partner = OrganisationFactory()
    triage_queue(partner)
    consent_capture(
        principal=desk.agent,
        citizen=citizen,
        purpose=ConsentPurpose.REFERRAL,
        organisations=[partner],
        categories=["identity", "contact_points"],
        channel="guichet",
    )
    linked = services.desk_transfer_out(
        principal=desk.supervisor,
        conversation=conversation,
        organisation=partner,
        note="Pour vous.",
    )
    assert linked.contact_point is not None and linked.contact_point.organisation == partner
    audit = AuditEvent.objects.get(action="desk.transferred_out")
    assert audit.data["categories"] == ["contact_points", "identity"]


def test_resolve_needs_an_outcome_of_the_closed_table():
    desk = desk_story()
    conversation = _held(desk)
    with pytest.raises(DeskError) as refused:
        services.desk_resolve(principal=desk.agent, conversation=conversation, outcome="bof")
    assert refused.value.code == "outcome_required"
    resolved = services.desk_resolve(
        principal=desk.agent, conversation=conversation, outcome=Outcome.ANSWERED
    )
    assert resolved.status == Status.RESOLVED


def test_release_puts_it_back_in_the_queue():
    desk = desk_story()
    conversation = _held(desk)
    services.conversation_release_to_queue(principal=desk.agent, conversation=conversation)
    conversation.refresh_from_db()
    assert (conversation.status, conversation.assignee) == (Status.QUEUED, None)
    assert Conversation.objects.filter(pk=conversation.pk, status=Status.QUEUED).exists()
    assert Message.objects.count() == 0


def test_public_answers_are_offered_only_templates_to_personalise():
    from parvis.voice.selectors import answer_templates_for

    desk = desk_story()
    personal = template(desk.organisation)
    short = template(desk.organisation, title="SMS court", body="Bonjour.", must_personalise=False)
    offered = set(answer_templates_for(organisation=desk.organisation))
    assert {personal, short} <= offered
    public = set(answer_templates_for(organisation=desk.organisation, public_answer=True))
    assert personal in public and short not in public
