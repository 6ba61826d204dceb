"""The simulators post signed webhooks that the door accepts and the worker turns into
conversations (through a stand-in of part 2's door until the branches meet)."""

from __future__ import annotations

from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from parvis.contacts import simulators
from parvis.contacts.models import Call, Conversation, Outcome, Status
from parvis.contacts.tests.factories import (
    InboundEndpointFactory,
    QueueMemberFactory,
    channel,
    triage_queue,
)
from parvis.core.crypto import decrypt_text


def member(endpoint):  # type: ignore[no-untyped-def]
    """An agent of the endpoint's organisation (a member of its triage queue)."""
    return QueueMemberFactory(queue=triage_queue(endpoint.organisation)).user


pytestmark = [pytest.mark.django_db, pytest.mark.urls("parvis.contacts.tests.hook_door")]


REAL_POST = simulators.post


@pytest.fixture(autouse=True)
def through_the_test_client(monkeypatch):  # type: ignore[no-untyped-def]
    """The simulators' HTTP post, answered by this process's Django instead of a server."""
    client = Client()

    def post(
        url: str, body: bytes, headers: dict[str, str], *, timeout: float = 10.0
    ) -> tuple[int, str]:
        extra = {k: v for k, v in headers.items() if k != "Content-Type"}
        response = client.post(
            urlsplit(url).path, data=body, content_type=headers["Content-Type"], headers=extra
        )
        return response.status_code, response.content.decode()

    monkeypatch.setattr(simulators, "post", post)


def run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, "--url", "http://testserver", stdout=out)
    return out.getvalue()


def test_simulate_sms_opens_a_conversation_and_a_reply_threads(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    channel("sms")
    endpoint = InboundEndpointFactory(connector="sms", address="+33140000000")
    with django_capture_on_commit_callbacks(execute=True):
        out = run("simulate_sms", "--endpoint", str(endpoint.uuid), "--text", "Bonjour")
        run(
            "simulate_sms",
            "--endpoint",
            str(endpoint.uuid),
            "--text",
            "Mon dossier ?",
            # ``=``: a secret may begin with "-" (token_urlsafe), which argparse would
            # take for an option.
            f"--secret={decrypt_text(endpoint.secret_encrypted)}",
        )
    assert out.startswith("202 ")
    conversation = Conversation.objects.get()
    assert conversation.thread_key == "+33140000000|+33612345678"
    assert conversation.messages.count() == 2


def test_simulate_sms_with_a_wrong_secret_is_refused() -> None:
    channel("sms")
    endpoint = InboundEndpointFactory(connector="sms", address="+33140000000")
    with pytest.raises(CommandError, match="401"):
        run("simulate_sms", "--endpoint", str(endpoint.uuid), "--secret", "faux")
    assert not Conversation.objects.exists()


def test_simulate_sms_with_an_unreadable_number_is_refused_before_anything_is_stored() -> None:
    from parvis.contacts.models import InboundRow

    channel("sms")
    endpoint = InboundEndpointFactory(connector="sms", address="+33140000000")
    with pytest.raises(CommandError, match="400"):
        run("simulate_sms", "--endpoint", str(endpoint.uuid), "--from", "pas un numéro")
    assert not InboundRow.objects.exists()


def test_simulate_sms_posts_receipts(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    from parvis.contacts.services.sms import sms_send
    from parvis.messaging.models import Delivery, DeliveryStatus

    channel("sms")
    endpoint = InboundEndpointFactory(connector="sms", address="+33140000000")
    with django_capture_on_commit_callbacks(execute=True):
        run("simulate_sms", "--endpoint", str(endpoint.uuid))
    with django_capture_on_commit_callbacks(execute=True):
        sms_send(conversation=Conversation.objects.get(), author=None, text="C’est noté.")
    delivery = Delivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        run(
            "simulate_sms",
            "--endpoint",
            str(endpoint.uuid),
            "--receipt",
            delivery.provider_message_id,
        )
        run(
            "simulate_sms",
            "--endpoint",
            str(endpoint.uuid),
            "--receipt",
            delivery.provider_message_id,
            "--status",
            "sent",
        )
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_simulate_call_shuffled_and_duplicated_folds_right(
    django_capture_on_commit_callbacks, seed
):  # type: ignore[no-untyped-def]
    channel("telephone")
    endpoint = InboundEndpointFactory(connector="telephone", address="+33140000000")
    agent = member(endpoint)
    with django_capture_on_commit_callbacks(execute=True):
        out = run(
            "simulate_call",
            "--endpoint",
            str(endpoint.uuid),
            "--call-id",
            "c-42",
            "--agent",
            agent.email,
            "--shuffle",
            "--duplicate",
            "--seed",
            str(seed),
        )
    assert out.count("202 c-42") == 12
    call = Call.objects.get()
    assert call.state == "ended" and len(call.events) == 6
    conversation = call.conversation
    assert conversation.status == Status.ASSIGNED and conversation.assignee == agent
    assert conversation.handling_seconds == 240


def test_simulate_call_voicemail(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    channel("telephone")
    endpoint = InboundEndpointFactory(connector="telephone", address="+33140000000")
    with django_capture_on_commit_callbacks(execute=True):
        run("simulate_call", "--endpoint", str(endpoint.uuid), "--scenario", "voicemail")
    conversation = Conversation.objects.get()
    assert (conversation.status, conversation.outcome) == (Status.RESOLVED, Outcome.VOICEMAIL)


@pytest.mark.django_db(transaction=True)
def test_simulate_sms_against_a_live_server(live_server, monkeypatch):  # type: ignore[no-untyped-def]
    """The real HTTP post (urllib) to a running server: accepted, processed (eager
    Celery in the server's thread after commit), threaded."""
    from parvis.language import engine

    # The anonymiser (spaCy) loads once per process, seconds on a busy machine: loaded
    # here, the server's thread (the same process) does not load it within the post's
    # timeout.
    engine.get_anonymiser()
    monkeypatch.setattr(simulators, "post", REAL_POST)
    channel("sms")
    endpoint = InboundEndpointFactory(connector="sms", address="+33140000000")
    out = StringIO()
    call_command(
        "simulate_sms",
        "--url",
        live_server.url,
        "--endpoint",
        str(endpoint.uuid),
        "--text",
        "Bonjour depuis le simulateur",
        stdout=out,
    )
    assert out.getvalue().startswith("202 ")
    message = Conversation.objects.get().messages.get()
    assert decrypt_text(message.body_encrypted) == "Bonjour depuis le simulateur"
