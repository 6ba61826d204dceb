"""SMS: threading on (organisation's number, sender), reopening, « STOP », receipts that
never move a delivery backwards, agents' replies through the outbound door."""

from __future__ import annotations

import datetime as dt

import pytest

from parvis.accounts.tests.factories import UserFactory
from parvis.contacts.connectors import get
from parvis.contacts.errors import ContactError
from parvis.contacts.models import (
    ContactPoint,
    Conversation,
    ConversationTransition,
    InboundRow,
    InboundStatus,
    Message,
    Status,
)
from parvis.contacts.services.sms import is_stop, sms_send
from parvis.contacts.tests.factories import InboundEndpointFactory, channel
from parvis.contacts.tests.helpers import deliver
from parvis.core.crypto import decrypt_text
from parvis.messaging import providers
from parvis.messaging.models import Delivery, DeliveryStatus
from parvis.messaging.services import delivery_receipt_record

pytestmark = pytest.mark.django_db

ORG_NUMBER = "+33140000000"
CITIZEN = "+33612345678"
T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def endpoint():  # type: ignore[no-untyped-def]
    channel("sms")
    return InboundEndpointFactory(connector="sms", address=ORG_NUMBER)


def sms(text: str, *, ident: str, sender: str = "06 12 34 56 78", at: dt.datetime = T0, **extra):  # type: ignore[no-untyped-def]
    return {"id": ident, "from": sender, "text": text, "received_at": at.isoformat(), **extra}


def resolve(conversation: Conversation, at: dt.datetime) -> None:
    Conversation.objects.filter(pk=conversation.pk).update(status=Status.RESOLVED, resolved_at=at)


def test_texts_of_one_sender_to_one_number_thread_into_one_conversation(endpoint):  # type: ignore[no-untyped-def]
    deliver(endpoint, sms("Bonjour, où en est mon dossier ?", ident="m1"))
    deliver(endpoint, sms("Je précise : dossier 123", ident="m2", sender="+33 6 12 34 56 78"))
    conversation = Conversation.objects.get()
    assert conversation.thread_key == f"{ORG_NUMBER}|{CITIZEN}"
    assert conversation.channel_id == "sms"
    assert conversation.status == Status.QUEUED
    assert [decrypt_text(m.body_encrypted) for m in conversation.messages.all()] == [
        "Bonjour, où en est mon dossier ?",
        "Je précise : dossier 123",
    ]
    point = ContactPoint.objects.get()
    assert decrypt_text(point.value_encrypted) == CITIZEN
    assert conversation.contact_point == point


def test_another_sender_or_another_number_of_the_organisation_is_another_thread(endpoint):  # type: ignore[no-untyped-def]
    deliver(endpoint, sms("Bonjour", ident="m1"))
    deliver(endpoint, sms("Bonjour", ident="m2", sender="0698765432"))
    deliver(endpoint, sms("Bonjour", ident="m3", to="01 40 00 00 01"))
    assert sorted(Conversation.objects.values_list("thread_key", flat=True)) == [
        f"{ORG_NUMBER}|{CITIZEN}",
        f"{ORG_NUMBER}|+33698765432",
        f"+33140000001|{CITIZEN}",
    ]


def test_a_webhook_delivered_twice_is_one_message(endpoint):  # type: ignore[no-untyped-def]
    deliver(endpoint, sms("Bonjour", ident="m1"))
    deliver(endpoint, sms("Bonjour", ident="m1"))
    assert Message.objects.count() == 1


def test_a_reply_within_seven_days_reopens_the_resolved_conversation(endpoint):  # type: ignore[no-untyped-def]
    deliver(endpoint, sms("Bonjour", ident="m1"))
    conversation = Conversation.objects.get()
    resolve(conversation, T0 + dt.timedelta(hours=1))
    deliver(endpoint, sms("Merci, encore une question", ident="m2", at=T0 + dt.timedelta(days=7)))
    conversation.refresh_from_db()
    assert Conversation.objects.count() == 1
    assert conversation.status == Status.QUEUED
    assert conversation.messages.count() == 2
    move = ConversationTransition.objects.get(conversation=conversation, move="reopen")
    assert (move.from_status, move.to_status, move.move) == ("resolved", "queued", "reopen")


def test_a_reply_after_seven_days_opens_a_new_conversation(endpoint):  # type: ignore[no-untyped-def]
    deliver(endpoint, sms("Bonjour", ident="m1"))
    old = Conversation.objects.get()
    resolve(old, T0)
    deliver(endpoint, sms("Nouvelle demande", ident="m2", at=T0 + dt.timedelta(days=7, hours=1)))
    deliver(endpoint, sms("Et ceci", ident="m3", at=T0 + dt.timedelta(days=7, hours=2)))
    new = Conversation.objects.exclude(pk=old.pk).get()
    old.refresh_from_db()
    assert old.status == Status.RESOLVED and old.messages.count() == 1
    assert new.thread_key == old.thread_key
    assert new.linked_conversation == old
    assert new.status == Status.QUEUED and new.messages.count() == 2


@pytest.mark.parametrize("text", ["STOP", " stop ", "Stop SMS", "STÓP sms.", "stop\u00a0SMS !"])
def test_stop_alone_is_an_opt_out(text: str) -> None:
    assert is_stop(text)


@pytest.mark.parametrize("text", ["STOP les relances svp", "arrêtez", "stopper", "NON STOP"])
def test_stop_within_a_sentence_is_a_message(text: str) -> None:
    assert not is_stop(text)


def test_stop_records_an_opt_out_is_no_message_and_refuses_later_sends(endpoint):  # type: ignore[no-untyped-def]
    deliver(endpoint, sms("Bonjour", ident="m1"))
    deliver(endpoint, sms("Stop SMS", ident="m2", at=T0 + dt.timedelta(minutes=5)))
    conversation = Conversation.objects.get()
    assert conversation.messages.count() == 1
    point = ContactPoint.objects.get()
    assert point.sms_opt_out_at == T0 + dt.timedelta(minutes=5)
    with pytest.raises(ContactError) as refused:
        sms_send(conversation=conversation, author=UserFactory(), text="Votre dossier est prêt")
    assert refused.value.code == "sms_opted_out"
    assert not Message.objects.filter(direction="outbound").exists()
    assert not Delivery.objects.exists()


def test_texting_us_is_consent_to_our_sms_but_never_over_a_stop(endpoint):  # type: ignore[no-untyped-def]
    deliver(endpoint, sms("Bonjour", ident="m1"))
    deliver(endpoint, sms("Encore moi", ident="m2", at=T0 + dt.timedelta(minutes=3)))
    point = ContactPoint.objects.get()
    assert point.sms_allowed
    assert (point.sms_consent_at, point.sms_consent_channel_id, point.sms_consent_by) == (
        T0,
        "sms",
        None,
    )
    deliver(endpoint, sms("STOP", ident="m3", at=T0 + dt.timedelta(minutes=5)))
    deliver(endpoint, sms("Finalement ?", ident="m4", at=T0 + dt.timedelta(minutes=9)))
    point.refresh_from_db()
    assert not point.sms_allowed and point.sms_opt_out_at == T0 + dt.timedelta(minutes=5)
    with pytest.raises(ContactError) as refused:
        sms_send(conversation=Conversation.objects.get(), author=None, text="Bonjour")
    assert refused.value.code == "sms_opted_out"


def test_a_number_that_never_texted_is_not_texted(endpoint):  # type: ignore[no-untyped-def]
    from parvis.contacts.tests.factories import ConversationFactory
    from parvis.contacts.tests.survey_factories import contact_point

    conversation = ConversationFactory(organisation=endpoint.organisation)
    contact_point(endpoint.organisation, "phone", CITIZEN)
    with pytest.raises(ContactError) as refused:
        sms_send(conversation=conversation, author=None, text="Bonjour", to=CITIZEN)
    assert refused.value.code == "sms_no_consent"
    assert "n’a pas accepté les SMS" in refused.value.message
    assert not Message.objects.exists()


def test_a_stop_before_any_conversation_opens_none(endpoint):  # type: ignore[no-untyped-def]
    deliver(endpoint, sms("STOP", ident="m1"))
    assert not Conversation.objects.exists()
    assert ContactPoint.objects.get().sms_opt_out_at is not None


@pytest.mark.parametrize(
    "payload",
    [
        {"id": "x", "text": "sans expéditeur"},
        {"id": "x", "from": "pas un numéro", "text": "Bonjour"},
        {"id": "x", "from": CITIZEN},
        {"id": "x", "from": CITIZEN, "text": "Bonjour", "received_at": "hier"},
        {"id": "x", "message_id": "", "status": "delivered"},
    ],
)
def test_unreadable_payloads_are_refused_at_the_door(payload) -> None:  # type: ignore[no-untyped-def]
    import json

    with pytest.raises(ContactError) as refused:
        get("sms").accept(json.dumps(payload).encode(), {})
    assert refused.value.status == 400
    assert isinstance(refused.value, ValueError)  # the door's 400


def test_not_json_is_refused_at_the_door() -> None:
    with pytest.raises(ContactError):
        get("sms").accept(b"\xff<html>", {})


# --- Replies and receipts ----------------------------------------------------------------------


@pytest.fixture
def conversation(endpoint):  # type: ignore[no-untyped-def]
    deliver(endpoint, sms("Bonjour", ident="m1"))
    return Conversation.objects.get()


def test_a_reply_is_stored_normalised_and_sent_through_the_outbox(  # type: ignore[no-untyped-def]
    conversation, django_capture_on_commit_callbacks
):
    simulator = providers.get("sms-simulator")
    simulator.outbox.clear()
    agent = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        message = sms_send(
            conversation=conversation,
            author=agent,
            text="Votre dossier n’est pas complet : « pièce d’identité » manquante…",
        )
    expected = "Votre dossier n'est pas complet : \"pièce d'identité\" manquante..."
    assert decrypt_text(message.body_encrypted) == expected
    assert message.direction == "outbound" and message.author == agent
    delivery = Delivery.objects.get()
    assert message.delivery == delivery
    assert delivery.channel == "sms" and delivery.provider == "sms-simulator"
    assert delivery.status == DeliveryStatus.SENT
    assert [(m.to, m.body) for m in simulator.outbox] == [(CITIZEN, expected)]
    conversation.refresh_from_db()
    assert conversation.first_answered_at is not None


def test_a_reply_goes_only_to_an_sms_conversation(conversation) -> None:  # type: ignore[no-untyped-def]
    conversation.channel = channel("courriel")
    conversation.save()
    with pytest.raises(ContactError):
        sms_send(conversation=conversation, author=None, text="Bonjour")


def _sent(conversation, captured) -> Delivery:  # type: ignore[no-untyped-def]
    with captured(execute=True):
        sms_send(conversation=conversation, author=None, text="Votre rendez-vous est confirmé.")
    return Delivery.objects.get()


def test_receipts_out_of_order_never_move_a_delivery_backwards(  # type: ignore[no-untyped-def]
    endpoint, conversation, django_capture_on_commit_callbacks
):
    delivery = _sent(conversation, django_capture_on_commit_callbacks)
    receipt = providers.get("sms-simulator").receipt  # type: ignore[attr-defined]
    deliver(endpoint, receipt(delivery.provider_message_id, "delivered", at="2026-12-01T10:00:02Z"))
    deliver(endpoint, receipt(delivery.provider_message_id, "sent", at="2026-12-01T10:00:01Z"))
    deliver(endpoint, receipt(delivery.provider_message_id, "failed", at="2026-12-01T10:00:03Z"))
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.delivered_at is not None


def test_a_negative_receipt_gives_the_message_up_with_its_reason(  # type: ignore[no-untyped-def]
    endpoint, conversation, django_capture_on_commit_callbacks
):
    delivery = _sent(conversation, django_capture_on_commit_callbacks)
    receipt = providers.get("sms-simulator").receipt  # type: ignore[attr-defined]
    deliver(endpoint, {**receipt(delivery.provider_message_id, "undelivered"), "error": "absent"})
    deliver(endpoint, receipt(delivery.provider_message_id, "delivered"))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.error_class) == (DeliveryStatus.DEAD_LETTER, "absent")


def test_a_receipt_ahead_of_its_send_stays_pending_to_be_processed_again(endpoint) -> None:  # type: ignore[no-untyped-def]
    receipt = providers.get("sms-simulator").receipt  # type: ignore[attr-defined]
    deliver(endpoint, receipt("sms-sim-unknown", "delivered"))
    row = InboundRow.objects.get()
    # The hardened processing keeps the row pending for the sweep, with the error's class.
    assert (row.status, row.error_class, row.attempts) == (
        InboundStatus.PENDING,
        "ContactError",
        1,
    )


def test_delivery_receipt_record_only_moves_forward(  # type: ignore[no-untyped-def]
    conversation, django_capture_on_commit_callbacks
):
    """``messaging.services.delivery_receipt_record`` itself: delivered is final, and a
    negative receipt after it changes nothing (and the reverse)."""
    delivery = _sent(conversation, django_capture_on_commit_callbacks)
    provider_id = delivery.provider_message_id
    delivery_receipt_record(
        provider="sms-simulator", provider_message_id=provider_id, delivered=True
    )
    delivery_receipt_record(
        provider="sms-simulator", provider_message_id=provider_id, delivered=False
    )
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED


def test_a_number_the_gateway_refuses_is_given_up(endpoint, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    deliver(endpoint, sms("Bonjour", ident="m1", sender="06 99 99 99 99"))
    with django_capture_on_commit_callbacks(execute=True):
        sms_send(conversation=Conversation.objects.get(), author=None, text="Bien reçu.")
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.error_class) == (
        DeliveryStatus.DEAD_LETTER,
        "SimulatedRefusal",
    )


def test_migration_0006_gives_consent_to_the_numbers_that_had_texted(endpoint):  # type: ignore[no-untyped-def]
    """Before SMS consent existed: a number that texted us accepted SMS (its first text),
    one that said « STOP » did not, one that never texted did not."""
    import importlib

    from django.apps import apps

    from parvis.contacts.tests.survey_factories import contact_point

    migration = importlib.import_module(
        "parvis.contacts.migrations.0006_distinct_pairs_and_sms_consent"
    )
    deliver(endpoint, sms("Bonjour", ident="m1"))
    deliver(endpoint, sms("Bonjour", ident="m2", sender="0698765432"))
    deliver(endpoint, sms("STOP", ident="m3", sender="0698765432", at=T0 + dt.timedelta(hours=1)))
    silent = contact_point(endpoint.organisation, "phone", "+33611111111")
    ContactPoint.objects.update(sms_consent_at=None, sms_consent_channel=None)
    migration.consent_of_numbers_that_texted(apps, None)
    texted = ContactPoint.objects.get(
        pk=Conversation.objects.get(thread_key__endswith=CITIZEN).contact_point_id
    )
    assert (texted.sms_consent_at, texted.sms_consent_channel_id) == (T0, "sms")
    assert ContactPoint.objects.filter(sms_consent_at__isnull=False).count() == 1
    silent.refresh_from_db()
    assert not silent.sms_allowed
