"""A citizen creates an account, activates it from the email and finds their experiences,
in a real browser: pages scanned with axe-core, also at 360 px."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from parvis.accounts.models import User
from parvis.testing.browser import axe_serious_violations
from parvis.voice.tests.factories import ExperienceFactory

pytestmark = pytest.mark.browser

EMAIL = "camille.durand@exemple.fr"
PASSWORD = "un chemin tranquille vers la mairie"


def _assert_accessible_at_every_width(page):
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.locator("h1").count() == 1
        violations = axe_serious_violations(page)
        assert violations == [], (width, violations)
        # Nothing overflows horizontally on a small phone.
        overflow = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        assert overflow, width
    page.set_viewport_size({"width": 1280, "height": 900})


def test_citizen_signs_up_activates_and_finds_their_experiences(
    page, live_server, settings, smtp_inbox
):
    settings.SITE_URL = live_server.url
    page.goto(live_server.url + reverse("portal:home"))
    page.get_by_role("link", name="Créer un compte").first.click()
    page.wait_for_url(live_server.url + reverse("accounts:signup"))
    _assert_accessible_at_every_width(page)

    # A weak password is refused in French; the address stays typed.
    page.get_by_label("Adresse électronique").fill(EMAIL)
    page.get_by_label(re.compile(r"^\s*Mot de passe")).fill("court")
    page.get_by_label("Confirmation du mot de passe").fill("court")
    page.get_by_role("button", name="Créer mon compte").click()
    assert page.get_by_text("Ce mot de passe est trop court").is_visible()
    assert page.get_by_label("Adresse électronique").input_value() == EMAIL
    _assert_accessible_at_every_width(page)

    page.get_by_label(re.compile(r"^\s*Mot de passe")).fill(PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    page.wait_for_url(live_server.url + reverse("accounts:signup_sent"))
    assert page.get_by_role("heading", level=1).inner_text() == "Vérifiez vos courriels"
    assert axe_serious_violations(page) == []

    [message] = smtp_inbox.to(EMAIL)
    body = message.get_body(("plain",)).get_content()
    link = re.search(re.escape(live_server.url) + r"/compte/activer/\S+/", body)
    assert link, body
    page.goto(link.group(0))
    assert page.get_by_role("heading", level=1).inner_text() == "Activer mon compte"
    _assert_accessible_at_every_width(page)
    assert not User.objects.get(email=EMAIL).is_active  # opening the link changed nothing

    page.get_by_label("Mot de passe choisi à la création du compte").fill(PASSWORD)
    page.get_by_role("button", name="Activer mon compte").click()
    page.wait_for_url(live_server.url + reverse("voice:my_experiences"))
    assert page.get_by_text("Votre compte est activé").is_visible()
    assert page.get_by_text("Vous n’avez pas encore partagé d’expérience").is_visible()
    _assert_accessible_at_every_width(page)

    citizen = User.objects.get(email=EMAIL)
    ExperienceFactory(
        published=True,
        author=citizen,
        masked_title="Un conseiller très patient pour ma demande de prime d’activité",
    )
    ExperienceFactory(in_moderation=True, author=citizen, masked_title="Attente au téléphone")
    page.reload()
    assert page.get_by_role("heading", name="Attente au téléphone").is_visible()
    assert page.get_by_role("link", name=re.compile("Un conseiller très patient")).is_visible()
    _assert_accessible_at_every_width(page)
    # The header offers the citizen their experiences, not the agents' space.
    header = page.get_by_role("banner")
    assert header.get_by_role("link", name="Mes expériences").count() >= 1
    assert header.get_by_role("link", name="Espace agents").count() == 0
    page.get_by_role("link", name="Supprimer mon compte").click()
    page.wait_for_url(live_server.url + reverse("accounts:delete"))
    _assert_accessible_at_every_width(page)


def test_forgotten_password_pages_are_accessible(page, live_server, settings, smtp_inbox):
    settings.SITE_URL = live_server.url
    User.objects.create_user(email=EMAIL, password=PASSWORD)
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    _assert_accessible_at_every_width(page)
    page.get_by_label("Adresse électronique").fill(EMAIL)
    page.get_by_role("button", name="Recevoir le lien").click()
    page.wait_for_url(live_server.url + reverse("accounts:password_reset_done"))
    assert axe_serious_violations(page) == []
    [message] = smtp_inbox.to(EMAIL)
    link = re.search(
        re.escape(live_server.url) + r"/compte/mot-de-passe/\S+/",
        message.get_body(("plain",)).get_content(),
    )
    assert link
    page.goto(link.group(0))
    assert page.get_by_role("heading", level=1).inner_text() == "Choisir un nouveau mot de passe"
    _assert_accessible_at_every_width(page)
    new_password = "une promenade le long de la garonne"
    page.get_by_label(re.compile(r"^\s*Nouveau mot de passe")).fill(new_password)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(new_password)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    page.wait_for_url(live_server.url + reverse("accounts:password_reset_complete"))
    assert User.objects.get(email=EMAIL).check_password(new_password)
