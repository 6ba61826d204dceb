"""The one outbound door: real SMTP (aiosmtpd), idempotency, the statuses of the log,
dead letter after bounded retries, no address in the log, purge, admin."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from parvis.accounts.tests.factories import CitizenFactory, UserFactory
from parvis.core.crypto import keyed_digest
from parvis.messaging import providers, services
from parvis.messaging.models import Delivery, DeliveryStatus
from parvis.messaging.rendering import render_message

pytestmark = pytest.mark.django_db

S = DeliveryStatus
ADDRESS = "Camille.Martin@Exemple.fr"
# A template of parvis with a subject and two context values.
TEMPLATE = "simplification/emails/support_confirm"


class _Request:
    """What the support confirmation template reads; any object with these names."""

    reference = "SIM-2026-0001"
    procedure_name = "Demande de carte grise"

    class organisation:
        name = "Préfecture de la Gironde"


def _context(**extra: object) -> dict[str, object]:
    return {"request": _Request(), "url": "https://parvis.example.fr/lien", "hours": 48, **extra}


@pytest.fixture
def simulator(settings):
    settings.MESSAGING_PROVIDERS = {"email": "email-simulator"}
    provider = providers.get("email-simulator")
    assert isinstance(provider, providers.SimulatorProvider)
    provider.outbox.clear()
    yield provider
    provider.outbox.clear()


def _columns(delivery: Delivery) -> str:
    """Every stored value of the row, as text."""
    delivery.refresh_from_db()
    return " ".join(str(getattr(delivery, f.attname)) for f in Delivery._meta.concrete_fields)


def test_an_email_reaches_a_real_smtp_server_and_the_log_keeps_no_address(smtp_inbox):
    user = CitizenFactory()
    delivery = services.message_send_now(
        template=TEMPLATE, to=f" {ADDRESS} ", context=_context(), owner=user
    )
    [message] = smtp_inbox.to(ADDRESS)
    assert message["Subject"] == "Confirmez votre soutien à la demande SIM-2026-0001"
    body = message.get_body(("plain",)).get_content()
    assert "« Demande de carte grise » (Préfecture de la Gironde)" in body
    assert "https://parvis.example.fr/lien" in body and "valable 48 heures" in body
    assert delivery.status == S.SENT and delivery.attempts == 1 and delivery.sent_at
    assert delivery.provider == "django-email" and delivery.template == TEMPLATE
    assert delivery.owner == user
    assert delivery.provider_message_id == message["Message-ID"]
    # a keyed digest of the normalised address, and the address nowhere
    assert delivery.recipient_digest == services.recipient_digest("camille.martin@exemple.fr")
    stored = _columns(delivery).lower()
    assert "camille" not in stored and "exemple.fr" not in stored


def test_the_same_idempotency_key_sends_once(smtp_inbox):
    first = services.message_send_now(
        template=TEMPLATE, to=ADDRESS, context=_context(), idempotency_key="test:1"
    )
    again = services.message_send_now(
        template=TEMPLATE, to=ADDRESS, context=_context(), idempotency_key="test:1"
    )
    assert again.pk == first.pk and again.status == S.SENT
    assert len(smtp_inbox.messages) == 1
    assert Delivery.objects.count() == 1
    services.message_send_now(
        template=TEMPLATE, to=ADDRESS, context=_context(), idempotency_key="test:2"
    )
    assert len(smtp_inbox.messages) == 2


def test_user_data_is_printed_as_typed_never_evaluated_nor_html_escaped():
    hostile = "{{ settings.SECRET_KEY }} {% now 'Y' %} <b>&</b> « l’État »"
    rendered = render_message(TEMPLATE, _context(url=hostile))
    assert hostile in rendered.body
    request = _Request()
    request.reference = "SIM\r\nBcc: victime@exemple.fr"
    subject = render_message(TEMPLATE, _context(request=request)).subject
    assert "\n" not in subject and "\r" not in subject
    with pytest.raises(ValueError):
        render_message("../../etc/passwd", {})
    with pytest.raises(ValueError):
        render_message("{{ x }}", {})


def test_a_queued_message_goes_through_the_worker_with_only_its_id(
    smtp_inbox, django_capture_on_commit_callbacks, monkeypatch
):
    from parvis.messaging import tasks

    payloads: list[tuple[object, ...]] = []
    deliver_delay = tasks.deliver.delay
    monkeypatch.setattr(
        tasks.deliver, "delay", lambda *args: payloads.append(args) or deliver_delay(*args)
    )
    with django_capture_on_commit_callbacks(execute=True):
        delivery = services.message_queue(
            template=TEMPLATE, to=ADDRESS, context=_context(), idempotency_key="queued:1"
        )
        # waiting: the address and text are encrypted in the row, not in clear
        assert delivery.status == S.QUEUED and delivery.payload_encrypted
        assert "camille" not in _columns(delivery).lower()
        assert smtp_inbox.messages == []
    assert payloads == [(delivery.pk,)]
    [message] = smtp_inbox.to(ADDRESS)
    assert "SIM-2026-0001" in message["Subject"]
    delivery.refresh_from_db()
    assert delivery.status == S.SENT and delivery.payload_encrypted == ""
    # queuing the same key again sends nothing more
    with django_capture_on_commit_callbacks(execute=True):
        services.message_queue(
            template=TEMPLATE, to=ADDRESS, context=_context(), idempotency_key="queued:1"
        )
    assert len(smtp_inbox.messages) == 1


def test_queued_retries_are_bounded_then_dead_letter(
    simulator, settings, django_capture_on_commit_callbacks, monkeypatch
):
    from parvis.messaging import tasks

    # Eager tasks that do not propagate: Celery runs each retry in place, as a worker would.
    monkeypatch.setitem(tasks.deliver.app.conf, "task_eager_propagates", False)
    settings.MESSAGING_MAX_ATTEMPTS = 3
    with django_capture_on_commit_callbacks(execute=True):
        delivery = services.message_queue(
            template=TEMPLATE, to="personne@fail.invalid", context=_context()
        )
    delivery.refresh_from_db()
    assert delivery.status == S.DEAD_LETTER and delivery.attempts == 3
    assert delivery.error_class == "SimulatedFailure"
    assert delivery.payload_encrypted == ""  # nothing left to send, nothing kept
    assert simulator.outbox == []


def test_a_synchronous_send_records_each_failure_and_the_caller_retries(simulator, settings):
    settings.MESSAGING_MAX_ATTEMPTS = 2
    send = {
        "template": TEMPLATE,
        "to": "personne@fail.invalid",
        "context": _context(),
        "idempotency_key": "retry:1",
    }
    with pytest.raises(providers.SimulatedFailure):
        services.message_send_now(**send)
    delivery = Delivery.objects.get(idempotency_key="retry:1")
    assert (delivery.status, delivery.attempts) == (S.FAILED, 1)
    assert delivery.error_class == "SimulatedFailure"
    with pytest.raises(providers.SimulatedFailure):
        services.message_send_now(**send)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (S.DEAD_LETTER, 2)
    with pytest.raises(services.DeadLetter):
        services.message_send_now(**send)
    assert Delivery.objects.count() == 1


def test_a_permanent_refusal_is_not_tried_again(simulator):
    with pytest.raises(providers.SimulatedRefusal):
        services.message_send_now(template=TEMPLATE, to="x@refuse.invalid", context=_context())
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (S.DEAD_LETTER, 1)


def test_an_unreachable_smtp_server_is_a_failure_with_its_class_only(settings):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    with pytest.raises(OSError):
        services.message_send_now(template=TEMPLATE, to=ADDRESS, context=_context())
    delivery = Delivery.objects.get()
    assert delivery.status == S.FAILED and delivery.error_class == "ConnectionRefusedError"


def test_receipts_move_sent_to_delivered_or_dead_letter(simulator):
    assert simulator.gives_receipts
    kept = services.message_send_now(template=TEMPLATE, to=ADDRESS, context=_context())
    bounced = services.message_send_now(template=TEMPLATE, to="b@exemple.fr", context=_context())
    assert [m.to for m in simulator.outbox] == [ADDRESS, "b@exemple.fr"]
    services.delivery_receipt_record(
        provider="email-simulator", provider_message_id=kept.provider_message_id, delivered=True
    )
    services.delivery_receipt_record(
        provider="email-simulator",
        provider_message_id=bounced.provider_message_id,
        delivered=False,
        error_class="bounced",
    )
    kept.refresh_from_db()
    bounced.refresh_from_db()
    assert kept.status == S.DELIVERED and kept.delivered_at
    assert (bounced.status, bounced.error_class) == (S.DEAD_LETTER, "bounced")
    # a final row is never attempted again
    assert services.delivery_attempt(delivery_id=kept.pk) is None
    assert (
        services.delivery_receipt_record(
            provider="email-simulator", provider_message_id="unknown", delivered=True
        )
        is None
    )


def test_rows_left_waiting_are_handed_back_to_the_worker(
    simulator, django_capture_on_commit_callbacks
):
    delivery = services.message_queue(template=TEMPLATE, to=ADDRESS, context=_context())
    # the task was never sent (on_commit did not run: a broker outage, say)
    assert services.deliveries_requeue_stale() == 0
    later = timezone.now() + services.STALE_AFTER + dt.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliveries_requeue_stale(now=later) == 1
    delivery.refresh_from_db()
    assert delivery.status == S.SENT and len(simulator.outbox) == 1


def test_the_daily_purge_deletes_old_log_rows(simulator, settings):
    from parvis.accounts.services import purge_expired_data

    settings.RETENTION_MESSAGE_DELIVERIES_DAYS = 90
    old = services.message_send_now(template=TEMPLATE, to=ADDRESS, context=_context())
    recent = services.message_send_now(template=TEMPLATE, to=ADDRESS, context=_context())
    Delivery.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=91))
    assert purge_expired_data()["message_deliveries"] == 1
    assert list(Delivery.objects.all()) == [recent]


def test_keyed_digests_are_stable_and_separated_by_purpose():
    assert keyed_digest("a", purpose="x") == keyed_digest("a", purpose="x")
    assert keyed_digest("a", purpose="x") != keyed_digest("a", purpose="y")
    assert len(keyed_digest("a", purpose="x")) == 64


def test_platform_admins_read_the_log_in_the_admin_and_cannot_change_it(client, simulator):
    user = CitizenFactory()
    delivery = services.message_send_now(
        template=TEMPLATE, to=ADDRESS, context=_context(), owner=user
    )
    services.message_send_now(template=TEMPLATE, to="autre@exemple.fr", context=_context())
    client.force_login(UserFactory(platform_admin=True))
    changelist = reverse("admin:messaging_delivery_changelist")
    page = client.get(changelist, {"q": ADDRESS.upper()})
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [delivery]
    detail = client.get(reverse("admin:messaging_delivery_change", args=[delivery.pk]))
    assert detail.status_code == 200 and "camille" not in detail.content.decode().lower()
    assert client.get(reverse("admin:messaging_delivery_add")).status_code == 403
    assert (
        client.post(reverse("admin:messaging_delivery_delete", args=[delivery.pk])).status_code
        == 403
    )
    client.force_login(UserFactory(is_staff=True))
    assert client.get(changelist).status_code == 302  # staff alone is not enough


def test_every_outbound_path_leaves_a_log_row(client, smtp_inbox, settings):
    """The password-reset mail of Django goes through the door too, owned by the user."""
    settings.SITE_URL = "https://parvis.example.fr"
    citizen = CitizenFactory(email="alix@exemple.fr")
    client.post(reverse("accounts:password_reset"), {"email": "alix@exemple.fr"})
    [message] = smtp_inbox.to("alix@exemple.fr")
    assert message["Subject"] == "Choisir un nouveau mot de passe"
    delivery = Delivery.objects.get()
    assert delivery.template == "accounts/emails/password_reset"
    assert delivery.owner_type == ContentType.objects.get_for_model(citizen)
    assert delivery.owner_id == citizen.pk and delivery.status == S.SENT
