"""« Mon compte »: change one's password, change one's address (verified by a link sent to
the new address before it replaces the old one), and find one's simplification requests.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from parvis.accounts import selectors, services
from parvis.accounts.models import AuditEvent, Role, User
from parvis.accounts.tests.factories import DEFAULT_PASSWORD, CitizenFactory, MembershipFactory
from parvis.voice.tests.factories import ExperienceFactory

pytestmark = pytest.mark.django_db

SITE_URL = "https://parvis.example.fr"
ACCOUNT = reverse("accounts:account")
PASSWORD_CHANGE = reverse("accounts:password_change")
EMAIL_CHANGE = reverse("accounts:email_change")
NEW_EMAIL = "camille.nouvelle@exemple.fr"
NEW_PASSWORD = "une promenade le long de la garonne"
LINK = re.compile(re.escape(SITE_URL) + r"(/compte/confirmer-adresse/[^/\s]+/)")


@pytest.fixture(autouse=True)
def _site_url(settings):  # type: ignore[no-untyped-def]
    settings.SITE_URL = SITE_URL


@pytest.fixture
def citizen():  # type: ignore[no-untyped-def]
    return CitizenFactory(email="camille@exemple.fr")


@pytest.fixture
def signed_in(client, citizen):  # type: ignore[no-untyped-def]
    client.force_login(citizen)
    return client


def _confirmation_path(bodies: list[str]) -> str:
    [match] = [m for m in (LINK.search(body) for body in bodies) if m]
    return match.group(1)


# --- The page --------------------------------------------------------------------------


def test_the_account_page_lists_what_a_citizen_can_do(signed_in):
    page = signed_in.get(ACCOUNT).content.decode()
    for name in (
        "voice:my_experiences",
        "simplification:mine",
        "accounts:password_change",
        "accounts:email_change",
        "accounts:delete",
    ):
        assert f'href="{reverse(name)}"' in page, name
    header = page[page.index("<header") : page.index("</header>")]
    assert f'href="{ACCOUNT}"' in header and "Mon compte" in header


def test_an_agent_only_changes_their_password_here(client):
    agent = MembershipFactory(role=Role.AGENT).user
    client.force_login(agent)
    page = client.get(ACCOUNT).content.decode()
    assert f'href="{PASSWORD_CHANGE}"' in page
    assert f'href="{EMAIL_CHANGE}"' not in page
    refused = client.post(EMAIL_CHANGE, {"email": NEW_EMAIL, "password": DEFAULT_PASSWORD})
    assert refused.status_code == 403
    assert "administrateur de votre organisme" in refused.content.decode()
    agent.refresh_from_db()
    assert agent.email != NEW_EMAIL


def test_the_account_pages_need_a_login(client):
    for url in (ACCOUNT, PASSWORD_CHANGE, EMAIL_CHANGE, reverse("simplification:mine")):
        response = client.get(url)
        assert response.status_code == 302 and "/compte/connexion/" in response["Location"]


# --- Password ----------------------------------------------------------------------------


def test_a_citizen_changes_their_password_and_stays_signed_in(signed_in, citizen):
    form = signed_in.get(PASSWORD_CHANGE).content.decode()
    assert "Mot de passe actuel" in form and "Nouveau mot de passe" in form
    response = signed_in.post(
        PASSWORD_CHANGE,
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302 and response["Location"] == ACCOUNT
    citizen.refresh_from_db()
    assert citizen.check_password(NEW_PASSWORD)
    assert "mot de passe est modifié" in signed_in.get(ACCOUNT).content.decode()  # still in
    assert AuditEvent.objects.filter(action="account.password_changed").count() == 1


def test_a_wrong_current_password_changes_nothing(signed_in, citizen):
    wrong = signed_in.post(
        PASSWORD_CHANGE,
        {
            "old_password": "pas le bon",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert wrong.status_code == 400
    assert "mot de passe actuel n’est pas le bon" in wrong.content.decode()
    weak = signed_in.post(
        PASSWORD_CHANGE,
        {"old_password": DEFAULT_PASSWORD, "new_password1": "court", "new_password2": "court"},
    )
    assert weak.status_code == 400 and "trop court" in weak.content.decode()
    citizen.refresh_from_db()
    assert citizen.check_password(DEFAULT_PASSWORD)


def test_password_change_is_rate_limited(signed_in, settings):
    settings.ACCOUNTS_RATE_LIMITS = {**settings.ACCOUNTS_RATE_LIMITS, "password_change_ip": (2, 60)}
    data = {"old_password": "x", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    for _ in range(2):
        assert signed_in.post(PASSWORD_CHANGE, data).status_code == 400
    refused = signed_in.post(PASSWORD_CHANGE, data)
    assert refused.status_code == 429 and "Trop d’essais" in refused.content.decode()


# --- Address -----------------------------------------------------------------------------


def test_a_new_address_replaces_the_old_one_once_confirmed(
    signed_in, citizen, smtp_inbox, django_capture_on_commit_callbacks
):
    shared = ExperienceFactory(published=True, email="Camille.Nouvelle@exemple.fr")
    withdrawn = ExperienceFactory(email=NEW_EMAIL, status="withdrawn")
    response = signed_in.post(
        EMAIL_CHANGE, {"email": "  Camille.NOUVELLE@exemple.fr ", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == ACCOUNT
    assert NEW_EMAIL in signed_in.get(ACCOUNT).content.decode()  # "Nous avons écrit à …"
    citizen.refresh_from_db()
    assert citizen.email == "camille@exemple.fr"  # not before the link is opened
    [message] = smtp_inbox.to(NEW_EMAIL)
    assert message["Subject"] == "Confirmez la nouvelle adresse de votre compte"
    path = _confirmation_path(smtp_inbox.bodies())
    assert NEW_EMAIL not in path  # the address travels encrypted, not in clear in the URL

    # Opening the link (a mail scanner does) changes nothing; the button does.
    page = signed_in.get(path)
    assert page.status_code == 200 and "Confirmer cette adresse" in page.content.decode()
    assert page["Referrer-Policy"] == "same-origin"
    citizen.refresh_from_db()
    assert citizen.email == "camille@exemple.fr"
    with django_capture_on_commit_callbacks(execute=True):
        done = signed_in.post(path)
    assert done.status_code == 302 and done["Location"] == ACCOUNT
    citizen.refresh_from_db()
    assert citizen.email == NEW_EMAIL
    assert AuditEvent.objects.filter(action="account.email_changed").exists()
    # the old address is told, and experiences shared with the new one join the account
    [notice] = smtp_inbox.to("camille@exemple.fr")
    assert "remplacée" in notice.get_body(("plain",)).get_content()
    shared.refresh_from_db()
    withdrawn.refresh_from_db()
    assert shared.author == citizen and withdrawn.author is None
    assert shared.masked_title in signed_in.get(reverse("voice:my_experiences")).content.decode()

    # The link served once.
    reused = signed_in.post(path)
    assert reused.status_code == 400 and "déjà servi" in reused.content.decode()


def test_a_wrong_password_sends_nothing(signed_in, citizen, mailoutbox):
    response = signed_in.post(EMAIL_CHANGE, {"email": NEW_EMAIL, "password": "pas le bon"})
    assert response.status_code == 400
    assert "pas le bon" in response.content.decode()
    assert NEW_EMAIL in response.content.decode()  # what was typed is kept
    assert mailoutbox == []


def test_an_address_of_another_account_is_never_given_nor_revealed(signed_in, citizen, mailoutbox):
    CitizenFactory(email=NEW_EMAIL)
    response = signed_in.post(EMAIL_CHANGE, {"email": NEW_EMAIL, "password": DEFAULT_PASSWORD})
    # the page says what it says for any address; the owner of that one learns by email
    assert response.status_code == 302 and response["Location"] == ACCOUNT
    [message] = mailoutbox
    assert message.to == [NEW_EMAIL] and "déjà" in message.subject
    assert "confirmer-adresse" not in message.body
    citizen.refresh_from_db()
    assert citizen.email == "camille@exemple.fr"


def test_an_address_taken_after_the_request_is_refused_at_confirmation(signed_in, citizen):
    path = services.email_change_link(citizen, NEW_EMAIL).removeprefix(SITE_URL)
    CitizenFactory(email=NEW_EMAIL)
    refused = signed_in.post(path)
    assert refused.status_code == 409
    assert "déjà celle d’un autre compte" in refused.content.decode()
    citizen.refresh_from_db()
    assert citizen.email == "camille@exemple.fr"


def test_the_same_address_is_refused(signed_in, mailoutbox):
    response = signed_in.post(
        EMAIL_CHANGE, {"email": "CAMILLE@exemple.fr", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 400 and "déjà l’adresse de votre compte" in (
        response.content.decode()
    )
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("token", "title"),
    [
        ("n-importe-quoi", "n’est pas valable"),
        ("eyJ1Ijo5OTl9:1tAbCd:forged-signature", "n’est pas valable"),
        ("x" * 5000, "n’est pas valable"),
    ],
)
def test_a_forged_link_gets_a_french_page(client, token, title):
    response = client.get(reverse("accounts:email_confirm", kwargs={"token": token}))
    assert response.status_code == 400 and title in response.content.decode()
    assert (
        client.post(reverse("accounts:email_confirm", kwargs={"token": token})).status_code == 400
    )


def test_an_expired_link_gets_a_french_page(client, citizen, settings):
    path = services.email_change_link(citizen, NEW_EMAIL).removeprefix(SITE_URL)
    settings.PASSWORD_RESET_TIMEOUT = -1
    response = client.post(path)
    assert response.status_code == 400 and "a expiré" in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.email == "camille@exemple.fr"


def test_a_link_dies_when_the_password_changes(client, citizen):
    path = services.email_change_link(citizen, NEW_EMAIL).removeprefix(SITE_URL)
    services.account_password_change(user=citizen, password=NEW_PASSWORD)
    assert selectors.email_change_of_link(path.split("/")[-2]).problem == "used"
    assert client.post(path).status_code == 400


def test_a_link_confirmed_signed_out_sends_to_the_login(client, citizen):
    path = services.email_change_link(citizen, NEW_EMAIL).removeprefix(SITE_URL)
    response = client.post(path)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert User.objects.get(pk=citizen.pk).email == NEW_EMAIL


def test_address_change_requests_are_limited_per_account(signed_in, settings, mailoutbox):
    settings.ACCOUNTS_RATE_LIMITS = {
        **settings.ACCOUNTS_RATE_LIMITS,
        "email_change_account": (2, 86400),
    }
    for n in range(2):
        response = signed_in.post(
            EMAIL_CHANGE, {"email": f"essai{n}@exemple.fr", "password": DEFAULT_PASSWORD}
        )
        assert response.status_code == 302
    refused = signed_in.post(
        EMAIL_CHANGE, {"email": "encore@exemple.fr", "password": DEFAULT_PASSWORD}
    )
    assert refused.status_code == 429 and "réessayez demain" in refused.content.decode()
    assert len(mailoutbox) == 2


def test_account_writes_need_the_csrf_token(citizen):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    assert (
        client.post(EMAIL_CHANGE, {"email": NEW_EMAIL, "password": DEFAULT_PASSWORD}).status_code
        == 403
    )
    data = {
        "old_password": DEFAULT_PASSWORD,
        "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD,
    }
    assert client.post(PASSWORD_CHANGE, data).status_code == 403
    path = services.email_change_link(citizen, NEW_EMAIL).removeprefix(SITE_URL)
    assert client.post(path).status_code == 403
    citizen.refresh_from_db()
    assert citizen.email == "camille@exemple.fr" and citizen.check_password(DEFAULT_PASSWORD)
