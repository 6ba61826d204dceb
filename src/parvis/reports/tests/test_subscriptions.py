"""Subscriptions to the reports: double opt-in over real SMTP, no enumeration, the report
email with its one-click unsubscribe (link and List-Unsubscribe headers), rate limits,
expired links and the purge of what was never confirmed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parvis.core.crypto import decrypt_text
from parvis.directory.tests.factories import OrganisationFactory
from parvis.reports import services
from parvis.reports.models import PeriodKind, ReportSubscription, SubscriptionStatus
from parvis.reports.tests.conftest import GENERATED, MONTH
from parvis.reports.tests.factories import ReportSubscriptionFactory

pytestmark = pytest.mark.django_db

SUBSCRIBE = reverse("reports:subscribe")


def _link(body: str, path: str) -> str:
    match = re.search(rf"https?://\S+{path}\S+/", body)
    assert match, body
    url = match.group(0)
    rest = url.split("://", 1)[1]
    return rest[rest.index("/") :]


def _subject(message) -> str:  # type: ignore[no-untyped-def]
    """The subject as read (a long encoded header comes back folded)."""
    return " ".join(str(message["Subject"]).split())


def _subscribe(client: Client, email: str, scope: str):  # type: ignore[no-untyped-def]
    return client.post(SUBSCRIBE, {"email": email, "scope": scope}, follow=True)


def test_double_opt_in_through_real_smtp(client, smtp_inbox):
    caf = OrganisationFactory(slug="caf-gironde", name="CAF de la Gironde")
    response = _subscribe(client, "Camille@Exemple.fr", caf.slug)
    assert response.status_code == 200
    assert "C’est noté. Si cette adresse peut recevoir ces rapports" in response.content.decode()
    [message] = smtp_inbox.messages
    assert message["To"] == "Camille@Exemple.fr"
    assert _subject(message) == "Confirmez votre abonnement aux rapports de qualité"
    body = smtp_inbox.bodies()[0]
    assert "CAF de la Gironde" in body
    link = _link(body, "/resultats/rapports/abonnement/confirmer/")
    assert "camille" not in link.lower()
    subscription = ReportSubscription.objects.get()
    assert subscription.status == SubscriptionStatus.PENDING
    assert "camille" not in (subscription.email_encrypted + subscription.email_digest).lower()

    # Opening the link shows a button (mail scanners open links); only the POST confirms.
    page = client.get(link)
    assert page.status_code == 200 and "Confirmer mon abonnement" in page.content.decode()
    assert ReportSubscription.objects.get().status == SubscriptionStatus.PENDING
    confirmed = client.post(link)
    assert confirmed.status_code == 200
    assert "Votre abonnement est confirmé" in confirmed.content.decode()
    subscription = ReportSubscription.objects.get()
    assert subscription.status == SubscriptionStatus.CONFIRMED
    assert decrypt_text(subscription.email_encrypted) == "Camille@Exemple.fr"
    assert subscription.confirmed_at and subscription.unsubscribe_token_digest
    # The same link again: still confirmed, nothing else changes.
    assert client.post(link).status_code == 200
    assert ReportSubscription.objects.get().confirmed_at == subscription.confirmed_at


def test_the_answer_never_says_whether_an_address_is_subscribed(client, smtp_inbox):
    caf = OrganisationFactory()
    ReportSubscriptionFactory(organisation=caf, confirmed=True, email="deja@exemple.fr")
    known = _subscribe(client, "deja@exemple.fr", caf.slug)
    unknown = _subscribe(client, "nouveau@exemple.fr", caf.slug)
    assert known.status_code == unknown.status_code == 200
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|nonce="[^"]+"')
    assert strip.sub("", known.content.decode()) == strip.sub("", unknown.content.decode())
    # Only the mailbox's owner reads the difference: a reminder with the unsubscribe link.
    [reminder] = smtp_inbox.to("deja@exemple.fr")
    assert _subject(reminder) == "Vous êtes déjà abonné aux rapports de qualité"
    assert "/resultats/rapports/desabonnement/" in smtp_inbox.bodies()[0]
    assert reminder["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [confirmation] = smtp_inbox.to("nouveau@exemple.fr")
    assert _subject(confirmation) == "Confirmez votre abonnement aux rapports de qualité"
    assert ReportSubscription.objects.filter(status=SubscriptionStatus.CONFIRMED).count() == 1


def test_a_report_is_emailed_once_to_confirmed_subscribers_who_unsubscribe_in_one_click(
    world, smtp_inbox, django_capture_on_commit_callbacks
):
    subscriber = ReportSubscriptionFactory(
        organisation=world.caf, confirmed=True, email="lecteur@exemple.fr"
    )
    ReportSubscriptionFactory(organisation=world.caf, email="pas-confirme@exemple.fr")
    ReportSubscriptionFactory(organisation=world.cpam, confirmed=True, email="autre@exemple.fr")
    ReportSubscriptionFactory(organisation=None, confirmed=True, email="national@exemple.fr")

    def generate() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            services.report_generate(
                organisation=world.caf, kind=PeriodKind.MONTHLY, period_start=MONTH, now=GENERATED
            )

    generate()
    assert [str(m["To"]) for m in smtp_inbox.messages] == ["lecteur@exemple.fr"]
    [message] = smtp_inbox.messages
    assert _subject(message) == "Rapport mensuel de qualité — CAF de la Gironde — octobre 2026"
    body = smtp_inbox.bodies()[0]
    assert "/resultats/rapports/organismes/caf-gironde/2026-10/" in body
    assert "/resultats/rapports/organismes/caf-gironde/2026-10/rapport.pdf" in body
    unsubscribe = _link(body, "/resultats/rapports/desabonnement/")
    assert message["List-Unsubscribe"].endswith(f"{unsubscribe}>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Generating the same period again sends nothing more.
    generate()
    assert len(smtp_inbox.messages) == 1

    # The mail client's one-click POST (RFC 8058): no CSRF token, no session.
    response = Client(enforce_csrf_checks=True).post(
        unsubscribe, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200 and "Vous êtes désabonné" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriptionStatus.UNSUBSCRIBED
    assert subscriber.email_encrypted == subscriber.email_digest == ""
    assert subscriber.unsubscribed_at is not None
    # The link still answers (the same page), and the next report does not come.
    assert "Vous êtes désabonné" in Client().get(unsubscribe).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.report_generate(
            organisation=world.caf,
            kind=PeriodKind.YEARLY,
            period_start=dt.date(2026, 1, 1),
            now=GENERATED,
        )
    assert len(smtp_inbox.messages) == 1


def test_the_unsubscribe_link_in_the_email_body_takes_one_button(client):
    subscription = ReportSubscriptionFactory(confirmed=True, unsubscribe_token="jeton-secret")
    url = reverse("reports:unsubscribe", args=["jeton-secret"])
    page = client.get(url)
    assert "Me désabonner" in page.content.decode() and "nationaux" in page.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.CONFIRMED  # a GET changes nothing
    assert "Vous êtes désabonné" in client.post(url).content.decode()
    # An unknown link: the same neutral page, nothing said about any address.
    unknown = client.get(reverse("reports:unsubscribe", args=["inconnu"]))
    assert unknown.status_code == 200
    assert "aucun abonnement en cours" in unknown.content.decode()


def test_the_subscription_form_is_rate_limited_and_keeps_what_was_typed(client, settings):
    settings.REPORTS_RATE_LIMITS = {**settings.REPORTS_RATE_LIMITS, "subscribe_ip": (2, 3600)}
    for index in range(2):
        assert _subscribe(client, f"a{index}@exemple.fr", "national").status_code == 200
    refused = client.post(SUBSCRIBE, {"email": "a9@exemple.fr", "scope": "national"})
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Trop d’envois en peu de temps" in html and 'value="a9@exemple.fr"' in html
    assert ReportSubscription.objects.count() == 2


def test_the_form_refuses_a_bad_address_or_scope_in_french(client):
    response = client.post(SUBSCRIBE, {"email": "pas-une-adresse", "scope": "inconnu"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Saisissez une adresse e-mail valide" in html or "adresse" in html
    assert "Sélectionnez un choix valide" in html
    assert not ReportSubscription.objects.exists()


def test_an_expired_confirmation_link_is_refused_and_the_pending_row_purged(client, smtp_inbox):
    _subscribe(client, "tardif@exemple.fr", "national")
    link = _link(smtp_inbox.bodies()[0], "/resultats/rapports/abonnement/confirmer/")
    ReportSubscription.objects.update(requested_at=timezone.now() - dt.timedelta(days=8))
    response = client.post(link)
    assert response.status_code == 400 and "a expiré" in response.content.decode()
    assert ReportSubscription.objects.get().status == SubscriptionStatus.PENDING
    assert services.subscriptions_purge_pending() == 1
    assert not ReportSubscription.objects.exists()
    assert client.get(link).status_code == 400  # « invalide ou a déjà servi »


def test_subscribing_again_while_pending_sends_a_new_link_and_keeps_one_row(client, smtp_inbox):
    _subscribe(client, "hesitant@exemple.fr", "national")
    _subscribe(client, "hesitant@exemple.fr", "national")
    first, second = (
        _link(body, "/resultats/rapports/abonnement/confirmer/") for body in smtp_inbox.bodies()
    )
    assert first != second and ReportSubscription.objects.count() == 1
    assert client.post(first).status_code == 400  # the older link no longer works
    assert client.post(second).status_code == 200
    assert ReportSubscription.objects.get().status == SubscriptionStatus.CONFIRMED
