"""Callbacks: a waiting citizen asks to be called back and keeps their place; the agent it
goes to dials through the telephony adapter; no answer is retried, spaced, then given up
with an SMS (only with consent); slots stay inside the queue's opening hours; the API,
the desk's buttons, the chat widget and the IVR."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from parvis.accounts.services import api_token_create
from parvis.contacts import waiting
from parvis.contacts.connectors.phone import adapter
from parvis.contacts.models import Conversation, InboundEndpoint, Outcome, Queue, Status
from parvis.contacts.services import calls
from parvis.contacts.tests.factories import QueueFactory, channel
from parvis.directory import servicelevels
from parvis.directory.tests.factories import OrganisationFactory
from parvis.messaging.models import Delivery
from parvis.routing import engine
from parvis.routing.errors import RoutingError
from parvis.routing.models import (
    AgentState,
    Callback,
    CallbackStatus,
    Entry,
    EntryState,
    Presence,
)
from parvis.routing.services import callbacks, offers, presence
from parvis.routing.services.callbacks import CITIZEN
from parvis.routing.tests.factories import QueuePolicyFactory, agent, arrive
from parvis.territories.tests.factories import DepartementFactory

pytestmark = pytest.mark.django_db

NUMBER = "0612345678"
E164 = "+33612345678"
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def _queue(**policy: object):
    """A routed queue of Gironde without a site: the default business hours on working
    days, Paris time."""
    queue = QueueFactory(
        site=None, departement=DepartementFactory(), organisation=OrganisationFactory()
    )
    QueuePolicyFactory(queue=queue, **policy)
    return queue


def _next_working_day_at(hour: int, minute: int = 0) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=1)
    while not servicelevels.is_working_day(day, servicelevels.place_of_departement("33")):
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)


def _sms_sent(template: str) -> int:
    return Delivery.objects.filter(template=f"routing/callbacks/{template}").count()


def _offer_and_accept(user, conversation, *, now=None):
    engine.process_due(now=now)
    entry = Entry.objects.get(conversation=conversation)
    assert entry.state == EntryState.OFFERED and entry.offered_to == user
    offers.offer_accept(user=user, conversation=conversation, now=now)


# --- Keeping one's place --------------------------------------------------------------------


def test_a_callback_keeps_its_place_and_is_offered_first_as_a_call():
    queue = _queue()
    alice = agent(queue, presence=Presence.OFFLINE)
    first, second = arrive(queue), arrive(queue)
    Entry.objects.filter(conversation=second).update(
        sort_key=Entry.objects.get(conversation=first).sort_key + 60
    )
    before = Entry.objects.get(conversation=first)

    callback = callbacks.callback_request(principal=CITIZEN, conversation=first, number=NUMBER)

    entry = Entry.objects.get(conversation=first)
    assert (entry.arrived_at, entry.sort_key) == (before.arrived_at, before.sort_key)
    assert (entry.channel, entry.units) == ("telephone", 100)  # only an idle agent takes it
    assert callback.status == CallbackStatus.WAITING
    first.refresh_from_db()
    assert first.status == Status.QUEUED and first.callback_requested
    assert first.contact_point is not None and first.contact_point.kind == "phone"

    presence.presence_set(user=alice, presence=Presence.AVAILABLE)
    engine.process_due()
    assert Entry.objects.get(conversation=first).offered_to == alice
    assert Entry.objects.get(conversation=second).state == EntryState.WAITING


def test_an_agent_holding_a_chat_does_not_get_a_callback():
    queue = _queue()
    busy = agent(queue, presence=Presence.OFFLINE)
    conversation = arrive(queue)
    callbacks.callback_request(principal=CITIZEN, conversation=conversation, number=NUMBER)
    AgentState.objects.filter(user=busy).update(used_units=33)
    presence.presence_set(user=busy, presence=Presence.AVAILABLE)
    engine.process_due()
    assert Entry.objects.get(conversation=conversation).state == EntryState.WAITING


def test_a_second_request_or_one_outside_a_routed_queue_is_refused():
    queue = _queue(callbacks_enabled=False)
    conversation = arrive(queue)
    with pytest.raises(RoutingError) as refused:
        callbacks.callback_request(principal=CITIZEN, conversation=conversation, number=NUMBER)
    assert refused.value.code == "callbacks_disabled"

    queue = _queue()
    conversation = arrive(queue)
    callbacks.callback_request(principal=CITIZEN, conversation=conversation, number=NUMBER)
    with pytest.raises(RoutingError) as refused:
        callbacks.callback_request(principal=CITIZEN, conversation=conversation)
    assert refused.value.code == "callback_exists" and refused.value.status == 409


def test_a_number_is_required_and_checked():
    conversation = arrive(_queue())
    with pytest.raises(RoutingError) as refused:
        callbacks.callback_request(principal=CITIZEN, conversation=conversation)
    assert (refused.value.code, refused.value.field) == ("number_required", "number")
    with pytest.raises(RoutingError) as refused:
        callbacks.callback_request(principal=CITIZEN, conversation=conversation, number="12")
    assert refused.value.code == "invalid_number"


# --- Slots --------------------------------------------------------------------------------


def test_a_slot_outside_opening_hours_is_refused_inside_them_it_is_scheduled():
    conversation = arrive(_queue())
    evening = _next_working_day_at(21)
    for slot in (
        evening,
        evening - dt.timedelta(days=30),
        _next_working_day_at(10) + dt.timedelta(days=20),
    ):
        with pytest.raises(RoutingError) as refused:
            callbacks.callback_request(
                principal=CITIZEN, conversation=conversation, number=NUMBER, slot_at=slot
            )
        assert refused.value.field == "slot_at"
        assert refused.value.code in {"slot_outside_hours", "slot_past", "slot_too_far"}
    sunday = timezone.localdate() + dt.timedelta(days=(6 - timezone.localdate().weekday()) or 7)
    with pytest.raises(RoutingError) as refused:
        callbacks.callback_request(
            principal=CITIZEN,
            conversation=conversation,
            number=NUMBER,
            slot_at=dt.datetime.combine(sunday, dt.time(10), tzinfo=PARIS),
        )
    assert refused.value.code == "slot_outside_hours"
    assert "horaires d’ouverture" in refused.value.message

    slot = _next_working_day_at(10, 30)
    callback = callbacks.callback_request(
        principal=CITIZEN, conversation=conversation, number=NUMBER, slot_at=slot
    )
    assert callback.status == CallbackStatus.SCHEDULED and callback.slot_at == slot


def test_a_scheduled_callback_is_not_routed_before_its_slot():
    queue = _queue()
    alice = agent(queue)
    conversation = arrive(queue, channel_slug="telephone")
    slot = _next_working_day_at(10)
    callbacks.callback_request(
        principal=CITIZEN, conversation=conversation, number=NUMBER, slot_at=slot
    )
    engine.process_due()
    assert not Entry.objects.filter(conversation=conversation).exists()

    assert callbacks.sweep_callbacks(now=slot - dt.timedelta(minutes=1)) == 0
    assert callbacks.sweep_callbacks(now=slot) == 1
    engine.process_due(now=slot)
    assert Entry.objects.get(conversation=conversation).offered_to == alice


# --- Dialling, retries, failure ------------------------------------------------------------


def test_the_agent_dials_through_the_telephony_adapter_and_reaches_the_citizen():
    queue = _queue()
    alice = agent(queue)
    conversation = arrive(queue)
    callbacks.callback_request(principal=CITIZEN, conversation=conversation, number=NUMBER)
    _offer_and_accept(alice, conversation)
    simulator = adapter()
    simulator.commands.clear()  # type: ignore[attr-defined]

    callback = callbacks.callback_dial(principal=alice, conversation=conversation)

    assert simulator.commands[-1][:3] == ("place_call", str(alice.pk), E164)  # type: ignore[attr-defined]
    assert (callback.status, callback.attempts, callback.agent) == (
        CallbackStatus.DIALLING,
        1,
        alice,
    )
    callback = callbacks.callback_report(principal=alice, conversation=conversation, reached=True)
    assert callback.status == CallbackStatus.DONE
    conversation.refresh_from_db()
    assert conversation.status == Status.ASSIGNED and conversation.assignee == alice


def test_only_the_agent_holding_the_callback_may_dial():
    queue = _queue()
    alice = agent(queue)
    bob = agent(queue, presence=Presence.OFFLINE)
    conversation = arrive(queue)
    callbacks.callback_request(principal=CITIZEN, conversation=conversation, number=NUMBER)
    with pytest.raises(RoutingError) as refused:
        callbacks.callback_dial(principal=alice, conversation=conversation)  # not accepted yet
    assert refused.value.status == 403
    _offer_and_accept(alice, conversation)
    with pytest.raises(RoutingError):
        callbacks.callback_dial(principal=bob, conversation=conversation)


def _no_answer(user, conversation, now):
    callbacks.callback_dial(principal=user, conversation=conversation, now=now)
    return callbacks.callback_report(
        principal=user, conversation=conversation, reached=False, now=now
    )


@pytest.mark.parametrize("consent", [True, False])
def test_no_answer_is_retried_spaced_then_fails_with_an_sms_only_with_consent(
    consent, django_capture_on_commit_callbacks
):
    queue = _queue(callback_attempts=2, callback_spacing_minutes=10)
    alice = agent(queue)
    conversation = arrive(queue)
    with django_capture_on_commit_callbacks(execute=True):
        callbacks.callback_request(
            principal=CITIZEN, conversation=conversation, number=NUMBER, sms_consent=consent
        )
    assert _sms_sent("sms_announced") == int(consent)
    now = timezone.now()
    _offer_and_accept(alice, conversation, now=now)

    callback = _no_answer(alice, conversation, now)

    assert callback.status == CallbackStatus.WAITING
    assert callback.next_attempt_at == now + dt.timedelta(minutes=10)
    conversation.refresh_from_db()
    assert conversation.status == Status.QUEUED
    assert not Entry.objects.filter(conversation=conversation).exists()  # not before its time
    assert callbacks.sweep_callbacks(now=now + dt.timedelta(minutes=9)) == 0
    later = now + dt.timedelta(minutes=10, seconds=1)
    assert callbacks.sweep_callbacks(now=later) == 1
    _offer_and_accept(alice, conversation, now=later)

    with django_capture_on_commit_callbacks(execute=True):
        callback = _no_answer(alice, conversation, later)

    assert (callback.status, callback.attempts) == (CallbackStatus.FAILED, 2)
    conversation.refresh_from_db()
    assert conversation.status == Status.RESOLVED
    assert conversation.outcome == Outcome.CALLBACK_FAILED
    assert _sms_sent("sms_failed") == int(consent)
    assert AgentState.objects.get(user=alice).used_units == 0


def test_the_announcement_sms_says_the_delay_and_never_logs_the_number(
    django_capture_on_commit_callbacks, caplog
):
    from parvis.messaging import providers

    simulator = providers.get("sms-simulator")
    simulator.outbox.clear()  # type: ignore[attr-defined]
    conversation = arrive(_queue())
    with django_capture_on_commit_callbacks(execute=True):
        callbacks.callback_request(
            principal=CITIZEN, conversation=conversation, number=NUMBER, sms_consent=True
        )
    [sms] = simulator.outbox  # type: ignore[attr-defined]
    assert sms.to == E164
    assert "dans moins d'une minute" in sms.body or "dans plus de" in sms.body
    assert conversation.reference in sms.body
    assert NUMBER not in caplog.text and E164 not in caplog.text


def test_the_sweep_closes_callbacks_of_conversations_ended_elsewhere():
    from parvis.contacts.services import lifecycle

    queue = _queue()
    alice = agent(queue, presence=Presence.OFFLINE)
    conversation = arrive(queue)
    callbacks.callback_request(principal=CITIZEN, conversation=conversation, number=NUMBER)
    lifecycle.conversation_resolve(
        conversation=conversation, principal=alice, outcome=Outcome.ANSWERED
    )
    callbacks.sweep_callbacks(now=timezone.now())
    assert Callback.objects.get().status == CallbackStatus.CANCELLED


# --- The hub's waiting room: chat widget and IVR ------------------------------------------


def test_the_waiting_room_announces_the_wait_then_takes_the_callback():
    queue = _queue()
    arrive(queue)
    conversation = arrive(queue)
    room = waiting.room()
    assert room is not None
    news = room.news(conversation.pk, now=timezone.now())
    assert news is not None and news.callback_offered
    assert news.message.startswith("1 personne attend avant vous.")
    assert "Attente estimée : plus de 20 minutes." in news.message  # nobody staffed

    said = room.callback_ask(
        conversation_id=conversation.pk, number=NUMBER, sms_consent=False, now=timezone.now()
    )
    assert said.startswith("C’est noté") and "Vous gardez votre place" in said
    assert NUMBER not in said and E164 not in said
    news = room.news(conversation.pk, now=timezone.now())
    assert news is not None and not news.callback_offered


def test_a_caller_choosing_callback_in_the_ivr_keeps_their_place_and_is_not_abandoned():
    queue = _queue()
    endpoint = InboundEndpoint.objects.create(
        organisation=queue.organisation, queue=queue, connector="telephone", name="Standard"
    )
    channel("telephone")
    t0 = timezone.now() - dt.timedelta(minutes=3)
    for offset, event, extra in (
        (0, "call_started", {}),
        (10, "queued", {}),
        (60, "ivr_choice", {"ivr_choice": calls.CALLBACK_IVR_CHOICE}),
        (62, "ended", {}),
    ):
        calls.call_event_record(
            endpoint=endpoint,
            call_id="c-1",
            event=event,
            at=t0 + dt.timedelta(seconds=offset),
            caller=E164,
            **extra,  # type: ignore[arg-type]
        )
    conversation = Conversation.objects.get()
    assert conversation.status == Status.QUEUED and conversation.callback_requested
    assert Callback.objects.get(conversation=conversation).status == CallbackStatus.WAITING
    assert Entry.objects.get(conversation=conversation).arrived_at == t0 + dt.timedelta(seconds=10)


# --- Desk ---------------------------------------------------------------------------------


def test_the_desk_buttons_dial_then_report(client):
    queue = _queue()
    alice = agent(queue)
    conversation = arrive(queue)
    callbacks.callback_request(principal=CITIZEN, conversation=conversation, number=NUMBER)
    _offer_and_accept(alice, conversation)
    client.force_login(alice)
    dial = reverse("routing_callbacks:dial", args=[conversation.reference])
    assert client.get(dial).status_code == 405
    response = client.post(dial)
    assert response.status_code == 302
    assert Callback.objects.get().status == CallbackStatus.DIALLING
    report = reverse("routing_callbacks:report", args=[conversation.reference])
    assert client.post(report, {"joint": "oui"}).status_code == 302
    assert Callback.objects.get().status == CallbackStatus.DONE


def test_the_desk_card_shows_rappeler_to_the_agent_holding_it(rf):
    from django.template.loader import render_to_string

    from parvis.routing.selectors_callbacks import desk_card

    queue = _queue()
    alice = agent(queue)
    conversation = arrive(queue)
    callbacks.callback_request(principal=CITIZEN, conversation=conversation, number=NUMBER)
    assert not desk_card(alice, conversation).can_dial  # type: ignore[union-attr]
    _offer_and_accept(alice, conversation)
    conversation.refresh_from_db()
    card = desk_card(alice, conversation)
    assert card is not None and card.can_dial and card.number == "06 •• •• •• 78"
    request = rf.get("/")
    request.user = alice
    html = render_to_string(
        "routing/callbacks/_desk_card.html", {"callback_card": card}, request=request
    )
    assert "Rappeler" in html and E164 not in html


# --- API ----------------------------------------------------------------------------------


def _token(organisation, scope: str = "write") -> dict[str, str]:
    _, raw = api_token_create(actor=None, organisation=organisation, name="outil", scope=scope)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _post(client, body, headers):
    return client.post(
        "/api/v1/rappels", data=json.dumps(body), content_type="application/json", **headers
    )


def test_api_requests_a_callback_and_reads_its_status(client):
    queue = _queue()
    conversation = arrive(queue)
    headers = _token(queue.organisation)

    response = _post(client, {"reference": conversation.reference, "number": NUMBER}, headers)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "en-attente" and body["waiting_ahead"] == 0
    assert body["estimated_wait"] == "plus de 20 minutes"
    response = client.get(f"/api/v1/rappels/{conversation.reference}", **headers)
    assert response.status_code == 200 and response.json()["reference"] == conversation.reference


def test_api_errors_are_precise(client):
    queue = _queue()
    conversation = arrive(queue)
    headers = _token(queue.organisation)
    reference = conversation.reference

    refused = _post(
        client, {"reference": reference, "number": NUMBER}, _token(queue.organisation, "read")
    )
    assert refused.status_code == 403
    refused = _post(client, {"reference": reference}, headers)
    assert (refused.status_code, refused.json()["code"]) == (422, "number_required")
    evening = _next_working_day_at(21).isoformat()
    refused = _post(client, {"reference": reference, "number": NUMBER, "slot_at": evening}, headers)
    assert (refused.status_code, refused.json()["code"]) == (422, "slot_outside_hours")
    assert refused["Content-Type"] == "application/problem+json"
    assert _post(client, {"reference": reference, "number": NUMBER}, headers).status_code == 201
    refused = _post(client, {"reference": reference, "number": NUMBER}, headers)
    assert (refused.status_code, refused.json()["code"]) == (409, "callback_exists")
    assert client.get("/api/v1/rappels/CONV-0000-00000", **headers).status_code == 404


def test_another_organisations_token_gets_404(client):
    queue = _queue()
    conversation = arrive(queue)
    callbacks.callback_request(principal=CITIZEN, conversation=conversation, number=NUMBER)
    other = _token(OrganisationFactory())
    response = _post(client, {"reference": conversation.reference, "number": NUMBER}, other)
    assert response.status_code == 404
    response = client.get(f"/api/v1/rappels/{conversation.reference}", **other)
    assert response.status_code == 404


# --- The chat widget ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_chat_widget_hears_its_wait_and_asks_to_be_called_back(settings, monkeypatch):
    from channels.testing import WebsocketCommunicator

    from parvis.asgi import application
    from parvis.contacts.tests.core_support import install_fake_engine
    from parvis.contacts.tests.factories import InboundEndpointFactory
    from parvis.testing.loops import WS_TIMEOUT, run_in_fresh_loop

    install_fake_engine(monkeypatch)
    settings.REALTIME_DB_RELAY = False
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
    channel("chat")
    created: Any = InboundEndpointFactory(connector="chat")
    endpoint = InboundEndpoint.objects.get(pk=created.pk)
    # The stand-in engine is never sure: the first message goes to the triage queue.
    triage = Queue.objects.get(organisation=endpoint.organisation, is_triage=True)
    QueuePolicyFactory(queue=triage)
    agent(triage, presence=Presence.OFFLINE)  # a member: the chat is live, nobody is free

    async def chat() -> list[dict]:
        communicator = WebsocketCommunicator(
            application,
            f"/ws/chat/{endpoint.organisation.slug}/",
            headers=[(b"host", b"127.0.0.1:8000"), (b"origin", b"http://127.0.0.1:8000")],
        )
        connected, _ = await communicator.connect(timeout=WS_TIMEOUT)
        assert connected
        frames = [await communicator.receive_json_from(timeout=WS_TIMEOUT) for _ in range(2)]
        await communicator.send_json_to({"type": "message", "sequence": 0, "text": "Bonjour"})
        frames += [await communicator.receive_json_from(timeout=WS_TIMEOUT) for _ in range(2)]
        await communicator.send_json_to({"type": "callback", "number": "12", "sms": False})
        frames.append(await communicator.receive_json_from(timeout=WS_TIMEOUT))
        await communicator.send_json_to({"type": "callback", "number": NUMBER, "sms": True})
        frames.append(await communicator.receive_json_from(timeout=WS_TIMEOUT))
        await communicator.disconnect()
        return frames

    frames = run_in_fresh_loop(chat)

    assert [f["type"] for f in frames] == [
        "session",
        "status",
        "ack",
        "wait",
        "callback_error",
        "callback_ok",
    ]
    assert frames[3]["callback"] is True
    assert frames[3]["message"].startswith("Personne n’attend avant vous.")
    assert (frames[4]["code"], frames[4]["field"]) == ("invalid_number", "number")
    assert "Vous gardez votre place" in frames[5]["message"]
    conversation = Conversation.objects.get(channel_id="chat")
    assert Callback.objects.get(conversation=conversation).status == CallbackStatus.WAITING
    assert conversation.contact_point is not None and conversation.contact_point.sms_allowed
