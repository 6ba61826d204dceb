"""A simplification request followed to « Réalisée » in a real browser, axe-core on each page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from parvis.accounts.models import Role
from parvis.accounts.tests.factories import DEFAULT_PASSWORD, MembershipFactory
from parvis.directory.tests.factories import OrganisationFactory
from parvis.simplification.models import SimplificationRequest, Status
from parvis.testing.browser import axe_serious_violations

pytestmark = pytest.mark.browser


def _log_in(page, live_server, user):
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Adresse électronique").fill(user.email)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(live_server.url + reverse("backoffice:dashboard"))


def _assert_accessible(page):
    violations = axe_serious_violations(page)
    assert violations == [], violations


def _move(page, label, comment=""):
    page.get_by_label(label).check(force=True)
    if comment:
        page.get_by_label("Commentaire public").fill(comment)
    page.get_by_role("button", name="Enregistrer le statut").click()
    page.get_by_text("est désormais").wait_for()


def test_simplification_request_followed_to_done(page, live_server):
    from parvis.language.engine import anonymise

    anonymise("Bonjour")  # load the language engine before the live server needs it
    caf = OrganisationFactory(slug="caf-33", name="CAF de la Gironde")
    quality = MembershipFactory(organisation=caf, role=Role.QUALITY_MANAGER).user

    # A citizen proposes, with a phone number the engine masks.
    page.goto(live_server.url + reverse("simplification:propose"))
    _assert_accessible(page)
    page.get_by_label("Organisme concerné").select_option(label="CAF de la Gironde")
    page.get_by_label("Démarche ou formulaire à simplifier").fill("Demande d’aide au logement")
    page.get_by_label("Numéro Cerfa").fill("10840*07")
    page.get_by_label("Qu’est-ce qui est difficile ?").fill(
        "Il faut donner trois fois ses ressources ; appelez-moi au 06 12 34 56 78."
    )
    page.get_by_label("Que proposez-vous pour simplifier ?").fill(
        "Reprendre les ressources déjà connues des impôts."
    )
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.get_by_role("heading", name="Votre demande est envoyée").wait_for()
    reference = page.locator("#reference").inner_text()
    _assert_accessible(page)
    request = SimplificationRequest.objects.get(reference=reference)
    assert request.masked_at is not None and "06 12" not in request.difficulty

    # The quality manager publishes it, studies it, accepts it and marks it done.
    _log_in(page, live_server, quality)
    page.goto(live_server.url + reverse("simplification_backoffice:queue"))
    _assert_accessible(page)
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_text("Texte d’origine (confidentiel)")).to_be_visible()
    _assert_accessible(page)
    _move(page, "Reçue — Publier la demande")
    _move(page, "À l’étude — Mettre à l’étude")
    _move(page, "Acceptée — Accepter", "Nous allons pré-remplir les ressources.")
    _move(page, "Réalisée — Marquer comme réalisée", "Le formulaire tient sur une page.")
    assert SimplificationRequest.objects.get(pk=request.pk).status == Status.DONE

    # The public page shows the dated history, masked, and is fine at 360 px.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(live_server.url + reverse("simplification:detail", args=[reference]))
    expect(page.get_by_role("heading", name="Demande d’aide au logement")).to_be_visible()
    history = page.get_by_role("table", name="Historique des statuts de la demande")
    assert history.get_by_role("row").count() == 5  # header + 4 public steps
    expect(history.get_by_text("Le formulaire tient sur une page.")).to_be_visible()
    assert "06 12 34 56 78" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    _assert_accessible(page)

    page.goto(live_server.url + reverse("simplification:list") + "?statut=realisee")
    expect(page.get_by_role("link", name="Demande d’aide au logement")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    _assert_accessible(page)
    page.goto(live_server.url + reverse("simplification:follow_up"))
    _assert_accessible(page)
