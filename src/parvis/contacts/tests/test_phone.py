"""Phone: telephony events folded per call in provider-timestamp order whatever the
arrival order, never backwards, once per (call, event, timestamp); the call's
conversation; parvis's commands through the telephony adapter."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random

import pytest

from parvis.accounts.tests.factories import UserFactory
from parvis.contacts.connectors import get
from parvis.contacts.connectors.phone import adapter
from parvis.contacts.errors import ContactError
from parvis.contacts.models import Call, Conversation, Outcome, Status
from parvis.contacts.services.calls import fold
from parvis.contacts.simulators import call_events
from parvis.contacts.tests.factories import (
    InboundEndpointFactory,
    QueueMemberFactory,
    channel,
    triage_queue,
)
from parvis.contacts.tests.helpers import deliver


def member(endpoint):  # type: ignore[no-untyped-def]
    """An agent of the endpoint's organisation (a member of its triage queue)."""
    return QueueMemberFactory(queue=triage_queue(endpoint.organisation)).user


pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
CALLER = "+33612345678"


@pytest.fixture
def endpoint():  # type: ignore[no-untyped-def]
    channel("telephone")
    return InboundEndpointFactory(connector="telephone", address="+33140000000")


def events(scenario: str, *, call_id: str = "c-1", agent: str = "") -> list[dict[str, str]]:
    return call_events(
        scenario=scenario,
        call_id=call_id,
        caller="06 12 34 56 78",
        to="+33140000000",
        agent=agent,
        ivr_choice="2",
        start=T0,
    )


def play(endpoint, arrivals) -> Call:  # type: ignore[no-untyped-def]
    for event in arrivals:
        deliver(endpoint, event)
    return Call.objects.get()


def test_an_answered_call_is_a_conversation_assigned_with_its_handling_time(endpoint):  # type: ignore[no-untyped-def]
    agent = member(endpoint)
    call = play(endpoint, events("answered", agent=str(agent.pk)))
    assert call.state == "ended"
    assert call.ivr_choice == "2" and call.agent == agent
    assert (call.started_at, call.answered_at) == (T0, T0 + dt.timedelta(seconds=45))
    conversation = call.conversation
    assert conversation.channel_id == "telephone" and conversation.thread_key == "c-1"
    assert conversation.queued_at == T0 + dt.timedelta(seconds=9)
    assert conversation.status == Status.ASSIGNED and conversation.assignee == agent
    assert conversation.handling_seconds == 240
    assert conversation.subject == "Appel téléphonique (choix 2)"
    assert conversation.contact_point is not None


def test_a_call_in_the_ivr_has_no_conversation_until_it_reaches_the_queue(endpoint):  # type: ignore[no-untyped-def]
    first_two = events("answered")[:2]
    call = play(endpoint, first_two)
    assert call.state == "ivr_choice" and call.conversation is None
    deliver(endpoint, events("answered")[2])
    call.refresh_from_db()
    assert call.conversation.status == Status.QUEUED


@pytest.mark.parametrize(
    ("scenario", "outcome"), [("abandoned", Outcome.ABANDONED), ("voicemail", Outcome.VOICEMAIL)]
)
def test_abandoned_and_voicemail_calls_are_resolved_with_their_outcome(endpoint, scenario, outcome):  # type: ignore[no-untyped-def]
    call = play(endpoint, events(scenario))
    conversation = call.conversation
    assert conversation.status == Status.RESOLVED
    assert conversation.outcome == outcome
    assert conversation.resolved_at == T0 + dt.timedelta(
        seconds=66 if scenario == "voicemail" else 128
    )


def test_a_call_hung_up_in_the_ivr_is_an_abandon(endpoint):  # type: ignore[no-untyped-def]
    call = play(endpoint, events("ivr_only"))
    assert call.conversation.outcome == Outcome.ABANDONED


def test_a_late_queued_after_answered_does_not_move_the_call_back(endpoint):  # type: ignore[no-untyped-def]
    agent = member(endpoint)
    answered = [e for e in events("answered", agent=str(agent.pk)) if e["event"] != "ended"]
    queued = next(e for e in answered if e["event"] == "queued")
    call = play(endpoint, [e for e in answered if e is not queued])
    assert call.state == "answered"
    deliver(endpoint, queued)
    call.refresh_from_db()
    assert call.state == "answered"
    assert call.conversation.status == Status.ASSIGNED


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("scenario", ["answered", "voicemail", "abandoned", "transferred"])
def test_events_shuffled_and_duplicated_fold_to_the_same_call(endpoint, scenario, seed):  # type: ignore[no-untyped-def]
    agent = member(endpoint)
    ordered = events(scenario, agent=str(agent.pk))
    arrivals = [*ordered, *ordered]
    random.Random(seed).shuffle(arrivals)
    call = play(endpoint, arrivals)
    expected = fold([{"event": e["event"], "at": e["timestamp"]} for e in ordered])
    assert len(call.events) == len(ordered)
    assert call.state == expected.state == ordered[-1]["event"]
    assert Conversation.objects.count() == 1
    conversation = call.conversation
    assert conversation.messages.count() == 1
    if scenario in ("voicemail", "abandoned"):
        assert (conversation.status, conversation.outcome) == (Status.RESOLVED, scenario)
    else:
        assert conversation.status == Status.ASSIGNED and conversation.assignee == agent
        assert conversation.handling_seconds == int(
            (call.ended_at - call.answered_at).total_seconds()
        )


def test_the_fold_is_the_same_for_every_arrival_order() -> None:
    ordered = [{"event": e["event"], "at": e["timestamp"]} for e in events("answered", agent="7")]
    expected = fold(ordered)
    for arrival in itertools.permutations(ordered):
        assert fold(list(arrival)) == expected


def test_the_same_event_at_another_time_format_is_stored_once(endpoint):  # type: ignore[no-untyped-def]
    event = events("answered")[0]
    deliver(endpoint, event)
    deliver(endpoint, {**event, "timestamp": "2026-12-01T10:00:00+01:00"})
    assert len(Call.objects.get().events) == 1


def test_a_list_of_events_is_accepted_in_one_request(endpoint):  # type: ignore[no-untyped-def]
    rows = deliver(endpoint, events("abandoned"))
    assert len(rows) == 4
    assert Call.objects.get().state == "abandoned"


@pytest.mark.parametrize(
    "payload",
    [
        {"call_id": "c", "event": "exploded", "timestamp": "2026-12-01T09:00:00Z"},
        {"call_id": "c", "event": "queued", "timestamp": "demain"},
        {"event": "queued", "timestamp": "2026-12-01T09:00:00Z"},
        ["pas un objet"],
    ],
)
def test_unreadable_events_are_refused_at_the_door(payload) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ContactError) as refused:
        get("telephone").accept(json.dumps(payload).encode(), {})
    assert refused.value.status == 400


def test_parvis_commands_calls_through_the_adapter() -> None:
    agent = UserFactory()
    simulator = adapter()
    simulator.commands.clear()  # type: ignore[attr-defined]
    connector = get("telephone")
    connector.connect("c-1", agent)  # type: ignore[attr-defined]
    call_id = connector.place_call(agent, "06 12 34 56 78")  # type: ignore[attr-defined]
    assert simulator.commands == [  # type: ignore[attr-defined]
        ("connect", "c-1", str(agent.pk)),
        ("place_call", str(agent.pk), CALLER, call_id),
    ]


def test_an_agent_of_another_organisation_is_never_handed_the_call(endpoint):  # type: ignore[no-untyped-def]
    outsider = UserFactory()
    call = play(endpoint, events("answered", agent=outsider.email))
    assert call.agent is None
    assert call.conversation.assignee is None
    assert call.conversation.status == Status.QUEUED


def test_a_call_keeps_a_bounded_number_of_events(endpoint, monkeypatch):  # type: ignore[no-untyped-def]
    from parvis.contacts.services import calls

    monkeypatch.setattr(calls, "MAX_EVENTS_PER_CALL", 3)
    call = play(endpoint, events("answered"))
    assert [e["event"] for e in call.events] == ["call_started", "ivr_choice", "queued"]
