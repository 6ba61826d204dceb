"""After the contact in the chat widget: once the conversation is resolved, the widget
hears the three questions, answers them over its socket, and a reload asks them again
until they are answered. Through the project's ASGI application, as test_consumers."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.db import transaction

from parvis.accounts.models import Role
from parvis.accounts.tests.factories import MembershipFactory
from parvis.contacts import services, surveys
from parvis.contacts.models import Conversation, Outcome, SurveyInvitation, SurveyStatus
from parvis.contacts.tests.core_support import install_fake_engine
from parvis.contacts.tests.test_consumers import _open, endpoint  # noqa: F401 (fixture)
from parvis.testing.loops import WS_TIMEOUT, run_in_fresh_loop

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _setup(monkeypatch, settings):  # type: ignore[no-untyped-def]
    install_fake_engine(monkeypatch)
    settings.CONTACTS_SURVEY_SAMPLE_RATE = 1.0


def _resolve(organisation) -> None:  # type: ignore[no-untyped-def]
    conversation = Conversation.objects.get()
    agent = MembershipFactory(organisation=organisation, role=Role.AGENT).user
    with transaction.atomic():
        services.conversation_resolve(
            conversation=conversation, principal=agent, outcome=Outcome.ANSWERED
        )


def test_the_widget_asks_the_questions_at_the_end_of_the_chat(endpoint) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    run_in_fresh_loop(_the_widget_asks_the_questions, endpoint)


async def _the_widget_asks_the_questions(endpoint) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    slug = endpoint.organisation.slug
    communicator, session = await _open(slug)
    await communicator.send_json_to({"type": "message", "sequence": 0, "text": "Bonjour"})
    await communicator.receive_json_from(timeout=WS_TIMEOUT)
    await database_sync_to_async(_resolve)(endpoint.organisation)
    frame = await communicator.receive_json_from(timeout=5)
    assert frame["type"] == "survey"
    assert [q["code"] for q in frame["questions"]] == ["satisfaction", "effort", "resolved"]
    assert frame["questions"][1]["low"] == "facile"
    await communicator.disconnect()

    # A reload before answering asks again, after the history.
    resumed, _ = await _open(slug, session["token"])
    assert (await resumed.receive_json_from(timeout=WS_TIMEOUT))["type"] == "history"
    again = await resumed.receive_json_from(timeout=WS_TIMEOUT)
    # Same invitation (the signed token carries its second, so it may differ).
    assert again["type"] == "survey"
    assert surveys.invitation_id_of(again["token"]) == surveys.invitation_id_of(frame["token"])

    # An incomplete answer is refused in French, naming the question.
    await resumed.send_json_to(
        {"type": "survey_answer", "token": frame["token"], "answers": {"satisfaction": 5}}
    )
    refused = await resumed.receive_json_from(timeout=WS_TIMEOUT)
    assert refused["type"] == "survey_error" and refused["field"] == "effort"
    assert "Votre démarche a-t-elle été facile ?" in refused["message"]

    answers = {"satisfaction": 5, "effort": 1, "resolved": 1}
    await resumed.send_json_to(
        {"type": "survey_answer", "token": frame["token"], "answers": answers}
    )
    thanks = await resumed.receive_json_from(timeout=WS_TIMEOUT)
    assert thanks["type"] == "survey_thanks" and "Merci" in thanks["message"]
    await resumed.disconnect()

    invitation = await database_sync_to_async(SurveyInvitation.objects.get)()
    assert invitation.status == SurveyStatus.ANSWERED and invitation.via == "chat"
    stored = await database_sync_to_async(
        lambda: dict(invitation.answers.values_list("question", "value"))
    )()
    assert stored == answers

    # Answered: a reload no longer asks.
    last, _ = await _open(slug, session["token"])
    assert (await last.receive_json_from(timeout=WS_TIMEOUT))["type"] == "history"
    assert await last.receive_nothing(timeout=0.3)
    await last.disconnect()


def test_another_sessions_token_cannot_answer(endpoint) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    run_in_fresh_loop(_another_sessions_token_cannot_answer, endpoint)


async def _another_sessions_token_cannot_answer(endpoint) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    slug = endpoint.organisation.slug
    first, _ = await _open(slug)
    await first.send_json_to({"type": "message", "sequence": 0, "text": "Bonjour"})
    await first.receive_json_from(timeout=WS_TIMEOUT)
    await database_sync_to_async(_resolve)(endpoint.organisation)
    frame = await first.receive_json_from(timeout=5)
    other, _ = await _open(slug)
    await other.send_json_to(
        {
            "type": "survey_answer",
            "token": frame["token"],
            "answers": {"satisfaction": 1, "effort": 5, "resolved": 0},
        }
    )
    refused = await other.receive_json_from(timeout=WS_TIMEOUT)
    assert refused["type"] == "survey_error" and refused["code"] == "survey_link_invalid"
    for bad in ({"type": "survey_answer", "token": 3}, {"type": "survey_answer", "token": "x"}):
        await other.send_json_to(bad)
        assert (await other.receive_json_from(timeout=WS_TIMEOUT))["type"] in (
            "error",
            "survey_error",
        )
    await first.disconnect()
    await other.disconnect()
    invitation = await database_sync_to_async(SurveyInvitation.objects.get)()
    assert invitation.answered_at is None
    assert surveys.invitation_id_of(frame["token"]) == invitation.pk
