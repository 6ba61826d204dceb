"""A queued message crosses a real broker and a real Celery worker to a real SMTP server."""

from __future__ import annotations

import time

import pytest

from parvis.core.tests.test_realtime import celery_worker_process  # noqa: F401 (fixture)
from parvis.messaging import services, tasks
from parvis.messaging.models import Delivery, DeliveryStatus


@pytest.fixture
def worker_mail_to_inbox(smtp_inbox, settings, monkeypatch):
    """The worker process reads its mail server from the environment."""
    monkeypatch.setenv("EMAIL_URL", f"smtp://127.0.0.1:{settings.EMAIL_PORT}")
    return smtp_inbox


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_a_queued_message_knowing_only_its_id(
    worker_mail_to_inbox,
    celery_worker_process,  # noqa: F811 (fixture)
    monkeypatch,
):
    sent: list[tuple[object, ...]] = []
    # message_queue hands the row id to the broker after commit: send it to the test queue
    monkeypatch.setattr(services, "send_on_commit", lambda task, *args: sent.append((task, *args)))
    delivery = services.message_queue(
        template="accounts/emails/already_registered",
        to="dominique@exemple.fr",
        context={"site_title": "parvis", "login_link": "https://parvis.example.fr/connexion/"},
    )
    assert sent == [(tasks.deliver, delivery.pk)]
    celery_worker_process(tasks.deliver, delivery.pk)
    deadline = time.monotonic() + 120  # worker start-up on a busy machine
    while not worker_mail_to_inbox.to("dominique@exemple.fr"):
        assert time.monotonic() < deadline, "the worker never sent the message"
        time.sleep(0.2)
    [message] = worker_mail_to_inbox.to("dominique@exemple.fr")
    assert message["Subject"] == "Vous avez déjà un compte"
    while Delivery.objects.get(pk=delivery.pk).status != DeliveryStatus.SENT:
        assert time.monotonic() < deadline, "the row never reached sent"
        time.sleep(0.2)
    assert Delivery.objects.get(pk=delivery.pk).payload_encrypted == ""
