"""A citizen creates an account, activates it from the email and finds their experiences,
in a real browser: pages scanned with axe-core, also at 360 px."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from parvis.accounts.models import User
from parvis.accounts.tests.factories import DEFAULT_PASSWORD, CitizenFactory
from parvis.testing.browser import axe_serious_violations
from parvis.voice.tests.factories import ExperienceFactory

pytestmark = pytest.mark.browser

EMAIL = "camille.durand@exemple.fr"
PASSWORD = "un chemin tranquille vers la mairie"


def _assert_accessible_at_every_width(page):
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        expect(page.locator("h1")).to_have_count(1)
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
    expect(page.get_by_text("Ce mot de passe est trop court")).to_be_visible()
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
    expect(page.get_by_text("Votre compte est activé")).to_be_visible()
    expect(page.get_by_text("Vous n’avez pas encore partagé d’expérience")).to_be_visible()
    _assert_accessible_at_every_width(page)

    citizen = User.objects.get(email=EMAIL)
    ExperienceFactory(
        published=True,
        author=citizen,
        masked_title="Un conseiller très patient pour ma demande de prime d’activité",
    )
    ExperienceFactory(in_moderation=True, author=citizen, masked_title="Attente au téléphone")
    page.reload()
    expect(page.get_by_role("heading", name="Attente au téléphone")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Un conseiller très patient"))).to_be_visible()
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


def _log_in_as_citizen(page, live_server, email):
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(live_server.url + reverse("voice:my_experiences"))


def test_citizen_manages_experiences_requests_password_and_address_from_their_account(
    page, live_server, settings, smtp_inbox, monkeypatch
):
    from parvis.simplification import services as simplification
    from parvis.simplification.tests.factories import SimplificationRequestFactory
    from parvis.voice import analysis
    from parvis.voice.models import AnswerFeedback
    from parvis.voice.models import ExperienceStatus as S
    from parvis.voice.tests.support import lexicon_qualify

    monkeypatch.setattr(analysis, "qualify_many", lambda texts: [lexicon_qualify(t) for t in texts])
    settings.SITE_URL = live_server.url
    citizen = CitizenFactory(email="camille@exemple.fr")
    waiting = ExperienceFactory(
        in_moderation=True, author=citizen, masked_title="Attente au téléphone"
    )
    published = ExperienceFactory(published=True, author=citizen, masked_title="Dossier égaré")
    answered = ExperienceFactory(
        answered=True, author=citizen, masked_title="Un conseiller patient"
    )
    supported = SimplificationRequestFactory(received=True, procedure_name="Aide au logement")
    simplification.support_by_account(request=supported, user=citizen)
    _log_in_as_citizen(page, live_server, citizen.email)

    # « Mon compte » from the header lists what the citizen can do.
    page.get_by_role("banner").get_by_role("link", name="Mon compte").click()
    page.wait_for_url(live_server.url + reverse("accounts:account"))
    _assert_accessible_at_every_width(page)
    page.get_by_role("main").get_by_role("link", name="Mes expériences").click()
    page.wait_for_url(live_server.url + reverse("voice:my_experiences"))
    _assert_accessible_at_every_width(page)

    # Rate the answer, with the keyboard only.
    page.get_by_role("link", name="Un conseiller patient", exact=True).click()
    _assert_accessible_at_every_width(page)
    page.get_by_label("Oui").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Donner mon avis"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text(
        "Merci, votre avis sur cette réponse est enregistré."
    ).first.is_visible()
    vote = AnswerFeedback.objects.get(answer__experience=answered)
    assert vote.is_author and vote.helpful
    assert axe_serious_violations(page) == []

    # Correct the one waiting for moderation: masked and queued again.
    page.goto(live_server.url + reverse("voice:my_experience", kwargs={"uuid": waiting.uuid}))
    page.get_by_role("link", name="Corriger mon expérience").click()
    _assert_accessible_at_every_width(page)
    page.get_by_label("Titre de votre expérience").fill("Attente au téléphone, puis rappel")
    page.get_by_label("Ce qui s’est passé").fill(
        "Trois jours d’attente au téléphone, puis Paul Martin m’a rappelé et tout s’est réglé."
    )
    # the real anonymiser runs in the request (eager tasks): its first load is slow
    page.get_by_role("button", name="Enregistrer la correction").click(timeout=120_000)
    expect(page.get_by_text("Votre correction est enregistrée")).to_be_visible()
    waiting.refresh_from_db()
    assert waiting.status == S.IN_MODERATION and "Martin" not in waiting.masked_text

    # Withdraw the published one, after confirming.
    page.goto(live_server.url + reverse("voice:my_experience", kwargs={"uuid": published.uuid}))
    page.get_by_role("link", name="Retirer mon expérience").click()
    page.get_by_role("button", name="Retirer mon expérience").click()
    expect(page.get_by_text("Cochez la case pour confirmer le retrait.").first).to_be_visible()
    _assert_accessible_at_every_width(page)
    # The label, not the error summary's link that repeats it.
    page.locator("label[for=id_confirm]").click()
    page.get_by_role("button", name="Retirer mon expérience").click()
    page.wait_for_url(live_server.url + reverse("voice:my_experiences"))
    expect(page.get_by_role("heading", name="Expérience retirée")).to_be_visible()
    published.refresh_from_db()
    assert published.status == S.WITHDRAWN

    # The simplification requests supported, with their public page.
    page.get_by_role("link", name="Mes demandes de simplification").click()
    _assert_accessible_at_every_width(page)
    page.get_by_role("link", name="Aide au logement").click()
    page.wait_for_url(
        live_server.url + reverse("simplification:detail", args=[supported.reference])
    )

    # Change the password: the wrong current one is refused in French.
    page.goto(live_server.url + reverse("accounts:password_change"))
    _assert_accessible_at_every_width(page)
    new_password = "une promenade le long de la garonne"
    page.get_by_label("Mot de passe actuel").fill("pas le bon")
    page.get_by_label(re.compile(r"^\s*Nouveau mot de passe")).fill(new_password)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(new_password)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(page.get_by_text("Ce mot de passe actuel n’est pas le bon.")).to_be_visible()
    _assert_accessible_at_every_width(page)
    page.get_by_label("Mot de passe actuel").fill(DEFAULT_PASSWORD)
    page.get_by_label(re.compile(r"^\s*Nouveau mot de passe")).fill(new_password)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(new_password)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    page.wait_for_url(live_server.url + reverse("accounts:account"))
    expect(page.get_by_text("Votre mot de passe est modifié.")).to_be_visible()

    # Change the address: confirmed by the link sent to the new one.
    shared_before = ExperienceFactory(published=True, email="camille.nouvelle@exemple.fr")
    page.get_by_role("link", name="Changer mon adresse électronique").click()
    _assert_accessible_at_every_width(page)
    page.get_by_label("Nouvelle adresse électronique").fill("Camille.Nouvelle@exemple.fr")
    page.get_by_label("Votre mot de passe, pour confirmer").fill(new_password)
    page.get_by_role("button", name="Recevoir le lien de confirmation").click()
    page.wait_for_url(live_server.url + reverse("accounts:account"))
    expect(page.get_by_text("Nous avons écrit à camille.nouvelle@exemple.fr")).to_be_visible()
    [message] = smtp_inbox.to("camille.nouvelle@exemple.fr")
    link = re.search(
        re.escape(live_server.url) + r"/compte/confirmer-adresse/\S+/",
        message.get_body(("plain",)).get_content(),
    )
    assert link
    page.goto(link.group(0))
    _assert_accessible_at_every_width(page)
    page.get_by_role("button", name="Confirmer cette adresse").click()
    page.wait_for_url(live_server.url + reverse("accounts:account"))
    expect(page.get_by_text("Connecté avec l’adresse camille.nouvelle@exemple.fr")).to_be_visible()
    shared_before.refresh_from_db()
    assert shared_before.author_id == citizen.pk
    # The link served once: a second visit gets a French page.
    page.goto(link.group(0))
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Ce lien de confirmation a déjà servi"
    )
    _assert_accessible_at_every_width(page)
