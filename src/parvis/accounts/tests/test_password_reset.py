"""Forgotten password, for citizens and agents: a one-time link by email (real SMTP
server), built on SITE_URL, and the same page whether or not the address has an account."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from parvis.accounts.tests.factories import CitizenFactory
from parvis.core.forms import HONEYPOT_MESSAGE

pytestmark = pytest.mark.django_db

SITE_URL = "https://parvis.example.fr"
RESET = reverse("accounts:password_reset")
DONE = reverse("accounts:password_reset_done")
NEW_PASSWORD = "une promenade le long de la garonne"
LINK = re.compile(re.escape(SITE_URL) + r"(/compte/mot-de-passe/[^/\s]+/[^/\s]+/)")


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


def test_a_citizen_chooses_a_new_password_through_the_emailed_link(client, smtp_inbox, settings):
    citizen = CitizenFactory(email="alix@exemple.fr")
    # even where any Host is accepted, the Host header never makes the link: SITE_URL does
    settings.ALLOWED_HOSTS = ["*"]
    response = client.post(RESET, {"email": "Alix@Exemple.fr"}, HTTP_HOST="attaquant.example")
    assert response.status_code == 302 and response["Location"] == DONE
    [message] = smtp_inbox.to("alix@exemple.fr")
    body = message.get_body(("plain",)).get_content()
    assert "attaquant" not in body
    path = LINK.search(body).group(1)
    # the token leaves the URL at once (Django keeps it in the session)
    opened = client.get(path)
    assert opened.status_code == 302
    form_url = opened["Location"]
    page = client.get(form_url)
    assert page.status_code == 200 and page["Referrer-Policy"] == "same-origin"
    weak = client.post(form_url, {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 400 and "trop court" in weak.content.decode()
    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == reverse("accounts:password_reset_complete")
    citizen.refresh_from_db()
    assert citizen.check_password(NEW_PASSWORD)
    # the link served once
    used = client.get(path, follow=True)
    assert used.status_code == 400 and "Lien expiré ou déjà utilisé" in used.content.decode()


def test_unknown_or_inactive_addresses_get_the_same_page_and_no_email(client, smtp_inbox):
    CitizenFactory(email="en-attente@exemple.fr", pending=True)
    for email in ("personne@exemple.fr", "en-attente@exemple.fr"):
        response = client.post(RESET, {"email": email})
        assert response.status_code == 302 and response["Location"] == DONE
    assert smtp_inbox.messages == []


def test_reset_requests_are_limited_per_ip_and_robots_refused(client, smtp_inbox, settings):
    settings.ACCOUNTS_RATE_LIMITS = {**settings.ACCOUNTS_RATE_LIMITS, "reset_ip": (2, 3600)}
    robot = client.post(RESET, {"email": "a@exemple.fr", "site_internet": "http://spam"})
    assert robot.status_code == 400 and HONEYPOT_MESSAGE in robot.content.decode()
    client.post(RESET, {"email": "b@exemple.fr"})
    refused = client.post(RESET, {"email": "c@exemple.fr"})
    assert refused.status_code == 429
    body = refused.content.decode()
    assert "Trop d’essais" in body and 'value="c@exemple.fr"' in body


def test_login_page_links_to_the_forgotten_password_page(client):
    assert RESET in client.get(reverse("accounts:login")).content.decode()
