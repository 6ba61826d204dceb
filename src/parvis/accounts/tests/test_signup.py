"""Citizen accounts: sign up, activate by email, log in where one belongs.

Emails go through a real SMTP server (aiosmtpd); the pages never tell whether an address
is already registered.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from parvis.accounts.models import AuditEvent, Role, User
from parvis.accounts.tests.factories import (
    DEFAULT_PASSWORD,
    CitizenFactory,
    MembershipFactory,
    UserFactory,
)
from parvis.core.forms import HONEYPOT_MESSAGE

pytestmark = pytest.mark.django_db

SITE_URL = "https://parvis.example.fr"
EMAIL = "camille.durand@exemple.fr"
PASSWORD = "un chemin tranquille vers la mairie"
SIGNUP = reverse("accounts:signup")
SENT = reverse("accounts:signup_sent")
MY_EXPERIENCES = reverse("voice:my_experiences")
LINK = re.compile(re.escape(SITE_URL) + r"(/compte/activer/[^/\s]+/[^/\s]+/)")


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


def _sign_up(client, capture, email=EMAIL, password=PASSWORD, **extra):
    with capture(execute=True):
        return client.post(
            SIGNUP, {"email": email, "password1": password, "password2": password, **extra}
        )


def _activation_path(smtp_inbox, email=EMAIL, index=-1):
    body = smtp_inbox.to(email)[index].get_body(("plain",)).get_content()
    match = LINK.search(body)
    assert match, body
    return match.group(1)


def _link_for(user):
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse(
        "accounts:activate",
        kwargs={"uidb64": uidb64, "token": default_token_generator.make_token(user)},
    )


def test_sign_up_then_activate_by_email_and_land_on_my_experiences(
    client, smtp_inbox, django_capture_on_commit_callbacks
):
    form = client.get(SIGNUP).content.decode()
    assert "<h1>Créer un compte</h1>" in form
    assert re.search(r"<div hidden>.*?name=\"site_internet\"", form, re.S)

    response = _sign_up(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == SENT
    user = User.objects.get(email=EMAIL)
    assert not user.is_active and user.check_password(PASSWORD)
    assert "Vérifiez vos courriels" in client.get(SENT).content.decode()

    [message] = smtp_inbox.to(EMAIL)
    assert message["Subject"] == "Activez votre compte"
    assert "valable 3 jours" in message.get_body(("plain",)).get_content()
    path = _activation_path(smtp_inbox)

    # Opening the link (or a mail scanner opening it) changes nothing.
    page = client.get(path)
    assert page.status_code == 200
    assert "Activer mon compte" in page.content.decode()
    assert page["Referrer-Policy"] == "same-origin"  # the token stays on this site
    user.refresh_from_db()
    assert not user.is_active
    assert "_auth_user_id" not in client.session

    # Whoever activates must know the password chosen at sign-up.
    wrong = client.post(path, {"password": "pas le bon mot de passe"})
    assert wrong.status_code == 400
    assert "pas celui choisi" in wrong.content.decode()
    user.refresh_from_db()
    assert not user.is_active

    activated = client.post(path, {"password": PASSWORD})
    assert activated.status_code == 302 and activated["Location"] == MY_EXPERIENCES
    user.refresh_from_db()
    assert user.is_active
    assert client.session["_auth_user_id"] == str(user.pk)
    landing = client.get(MY_EXPERIENCES).content.decode()
    assert "Votre compte est activé" in landing
    assert "Mes expériences" in landing
    assert list(
        AuditEvent.objects.filter(target_id=str(user.pk)).values_list("action", flat=True)
    ) == ["account.activated", "account.signed_up"]

    # The link served once: it died with the first login.
    client.logout()
    reused = client.post(path, {"password": PASSWORD})
    assert reused.status_code == 400
    assert "Lien d’activation expiré ou invalide" in reused.content.decode()


def test_password_rules_and_confirmation_are_checked_in_french(
    client, django_capture_on_commit_callbacks
):
    short = _sign_up(client, django_capture_on_commit_callbacks, password="court")
    assert short.status_code == 400
    body = short.content.decode()
    assert "Ce mot de passe est trop court" in body
    assert f'value="{EMAIL}"' in body  # what was typed is kept
    like_email = _sign_up(client, django_capture_on_commit_callbacks, password="camille.durand1")
    assert "trop semblable" in like_email.content.decode()
    mismatch = client.post(
        SIGNUP, {"email": EMAIL, "password1": PASSWORD, "password2": PASSWORD + "!"}
    )
    assert mismatch.status_code == 400
    assert "Les deux mots de passe ne sont pas identiques" in mismatch.content.decode()
    assert not User.objects.exists()


def test_expired_or_forged_link_explains_and_offers_a_new_one(
    client, smtp_inbox, monkeypatch, django_capture_on_commit_callbacks
):
    citizen = CitizenFactory(pending=True, email=EMAIL)
    # A link made four days ago (PASSWORD_RESET_TIMEOUT is three days).
    now = default_token_generator._now()
    monkeypatch.setattr(default_token_generator, "_now", lambda: now - dt.timedelta(days=4))
    old_link = _link_for(citizen)
    monkeypatch.undo()
    for path in (old_link, "/compte/activer/Mw/pas-un-jeton/", "/compte/activer/%25%25/x-y/"):
        page = client.get(path)
        assert page.status_code == 400  # a French page, with a way to get a new link
        body = page.content.decode()
        assert "Lien d’activation expiré ou invalide" in body
        assert 'action="/compte/activer/nouveau-lien/"' in body
    refused = client.post(old_link, {"password": DEFAULT_PASSWORD})
    assert refused.status_code == 400
    citizen.refresh_from_db()
    assert not citizen.is_active

    # Re-entering the email sends a fresh link that works.
    with django_capture_on_commit_callbacks(execute=True):
        resent = client.post(reverse("accounts:activation_resend"), {"email": EMAIL.upper()})
    assert resent.status_code == 302 and resent["Location"] == SENT
    path = _activation_path(smtp_inbox)
    assert client.post(path, {"password": DEFAULT_PASSWORD})["Location"] == MY_EXPERIENCES
    citizen.refresh_from_db()
    assert citizen.is_active


def test_a_registered_address_is_never_revealed(
    client, smtp_inbox, django_capture_on_commit_callbacks
):
    active = CitizenFactory(email="deja@exemple.fr")
    response = _sign_up(client, django_capture_on_commit_callbacks, email="Deja@Exemple.fr")
    unknown = _sign_up(client, django_capture_on_commit_callbacks, email="nouveau@exemple.fr")
    assert response.status_code == unknown.status_code == 302
    assert response["Location"] == unknown["Location"] == SENT
    # The owner learns it by email, with a way to log in; nothing changed on the account.
    [message] = smtp_inbox.to("deja@exemple.fr")
    assert message["Subject"] == "Vous avez déjà un compte"
    assert f"{SITE_URL}/compte/connexion/" in message.get_body(("plain",)).get_content()
    active.refresh_from_db()
    assert active.is_active and active.check_password(DEFAULT_PASSWORD)
    assert User.objects.filter(email__iexact="deja@exemple.fr").count() == 1


def test_signing_up_again_before_activating_resends_and_retires_the_old_link(
    client, smtp_inbox, django_capture_on_commit_callbacks
):
    _sign_up(client, django_capture_on_commit_callbacks, password="premier mot de passe solide")
    first = _activation_path(smtp_inbox)
    _sign_up(client, django_capture_on_commit_callbacks)
    assert len(smtp_inbox.to(EMAIL)) == 2
    second = _activation_path(smtp_inbox)
    assert first != second
    # The latest sign-up chose the password: whoever signed up first cannot use theirs.
    assert "expiré ou invalide" in client.get(first).content.decode()
    assert client.post(second, {"password": PASSWORD})["Location"] == MY_EXPERIENCES


def test_a_deactivated_account_is_not_reactivated_by_signing_up(
    client, smtp_inbox, django_capture_on_commit_callbacks
):
    membership = MembershipFactory(user__email=EMAIL, user__is_active=False)
    response = _sign_up(client, django_capture_on_commit_callbacks)
    assert response["Location"] == SENT
    assert smtp_inbox.messages == []
    membership.user.refresh_from_db()
    assert not membership.user.is_active
    assert membership.user.check_password(DEFAULT_PASSWORD)


def test_honeypot_refuses_and_keeps_what_was_typed(client, django_capture_on_commit_callbacks):
    response = _sign_up(
        client, django_capture_on_commit_callbacks, site_internet="https://spam.example"
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert HONEYPOT_MESSAGE.split(" : ")[0] in body.replace("&#x27;", "'")
    assert f'value="{EMAIL}"' in body
    assert not User.objects.exists()


def test_sign_up_is_rate_limited_per_ip(client, settings, django_capture_on_commit_callbacks):
    settings.ACCOUNTS_RATE_LIMITS = {**settings.ACCOUNTS_RATE_LIMITS, "signup_ip": (2, 3600)}
    for n in range(2):
        response = _sign_up(client, django_capture_on_commit_callbacks, email=f"u{n}@exemple.fr")
        assert response.status_code == 302
    refused = _sign_up(client, django_capture_on_commit_callbacks, email="u2@exemple.fr")
    assert refused.status_code == 429
    body = refused.content.decode()
    assert "Trop d’essais en peu de temps" in body
    assert 'value="u2@exemple.fr"' in body
    assert not User.objects.filter(email="u2@exemple.fr").exists()
    # Another address behind another IP is not affected.
    other = client.post(
        SIGNUP,
        {"email": "u3@exemple.fr", "password1": PASSWORD, "password2": PASSWORD},
        REMOTE_ADDR="198.51.100.9",
    )
    assert other.status_code == 302


def test_emails_to_one_address_are_capped(
    client, settings, smtp_inbox, django_capture_on_commit_callbacks
):
    settings.ACCOUNTS_RATE_LIMITS = {**settings.ACCOUNTS_RATE_LIMITS, "mail_email": (2, 86400)}
    CitizenFactory(pending=True, email=EMAIL)
    for _ in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("accounts:activation_resend"), {"email": EMAIL})
        assert response["Location"] == SENT
    assert len(smtp_inbox.to(EMAIL)) == 2


@pytest.mark.parametrize(
    ("make_user", "expected"),
    [
        (lambda: CitizenFactory(), "/temoigner/mes-experiences/"),
        (lambda: MembershipFactory(role=Role.AGENT).user, "/espace-agents/"),
        (lambda: UserFactory(platform_moderator=True), "/espace-agents/"),
        (lambda: UserFactory(platform_admin=True), "/espace-agents/"),
    ],
    ids=["citizen", "agent", "platform-moderator", "platform-admin"],
)
def test_login_lands_citizens_and_agents_in_their_own_space(client, make_user, expected):
    user = make_user()
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == expected


def test_login_respects_a_safe_next_only(client):
    citizen = CitizenFactory()
    credentials = {"username": citizen.email, "password": DEFAULT_PASSWORD}
    safe = client.post(reverse("accounts:login") + "?next=/experiences/", credentials)
    assert safe["Location"] == "/experiences/"
    client.logout()
    unsafe = client.post(
        reverse("accounts:login"), {**credentials, "next": "https://ailleurs.example/"}
    )
    assert unsafe["Location"] == MY_EXPERIENCES


def test_login_page_speaks_to_citizens_and_agents(client):
    body = client.get(reverse("accounts:login")).content.decode()
    assert "<h1>Se connecter</h1>" in body
    assert f'href="{SIGNUP}"' in body
    assert "Agents des services publics" in body


def test_an_unactivated_account_cannot_log_in(client):
    citizen = CitizenFactory(pending=True)
    response = client.post(
        reverse("accounts:login"), {"username": citizen.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_signed_in_people_are_sent_to_their_space_from_the_sign_up_page(client):
    client.force_login(CitizenFactory())
    assert client.get(SIGNUP)["Location"] == MY_EXPERIENCES
    client.force_login(MembershipFactory().user)
    assert client.get(SIGNUP)["Location"] == "/espace-agents/"


def _header(client):
    html = client.get("/").content.decode()
    return html[html.index('<header role="banner"') : html.index("</header>")]


def test_header_shows_each_person_their_own_entry(client):
    anonymous = _header(client)
    assert "Se connecter" in anonymous and "Créer un compte" in anonymous
    assert "Espace agents" in anonymous and "Mes expériences" not in anonymous

    client.force_login(CitizenFactory())
    citizen = _header(client)
    assert f'href="{MY_EXPERIENCES}"' in citizen and "Mes expériences" in citizen
    assert "Espace agents" not in citizen and "Créer un compte" not in citizen

    client.force_login(MembershipFactory().user)
    agent = _header(client)
    assert "Espace agents" in agent and "Mes expériences" not in agent
