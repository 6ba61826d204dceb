"""Voice of users in a real browser: share, moderate, answer, email; assisted; withdrawal.

The publication engineer adds the "public page shows both" step to the first journey.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from parvis.accounts.models import Role
from parvis.accounts.tests.factories import DEFAULT_PASSWORD, MembershipFactory, UserFactory
from parvis.directory.tests.factories import LocalServiceFactory, OrganisationFactory, SiteFactory
from parvis.territories.tests.factories import CommuneFactory
from parvis.testing.browser import axe_serious_violations
from parvis.voice.models import AnswerStatus, Experience
from parvis.voice.models import ExperienceStatus as S
from parvis.voice.tests.factories import AnswerTemplateFactory, ExperienceFactory
from parvis.voice.tests.support import lexicon_qualify

pytestmark = pytest.mark.browser

STORY = (
    "Je m'appelle Jean Dupont. Le conseiller m'a rappelé au 06 12 34 56 78 le lendemain "
    "et mon dossier a été réglé rapidement. Merci !"
)


@pytest.fixture(autouse=True)
def _lexicon_qualification(monkeypatch):
    from parvis.voice import analysis

    monkeypatch.setattr(analysis, "qualify", lexicon_qualify)


@pytest.fixture
def caf(transactional_db):
    organisation = OrganisationFactory(
        slug="caf", name="Caisse d’allocations familiales", short_name="CAF"
    )
    service = LocalServiceFactory(organisation=organisation, name="CAF de la Gironde")
    commune = CommuneFactory(code="33063", name="Bordeaux")
    site = SiteFactory(local_service=service, name="Accueil CAF de Bordeaux", commune=commune)
    return site


def _log_in(context, live_server, user):
    page = context.new_page()
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Adresse électronique").fill(user.email)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(live_server.url + reverse("backoffice:dashboard"))
    return page


def _new_context(page):
    return page.context.browser.new_context(locale="fr-FR")


def test_share_moderate_answer_and_email(page, live_server, caf, smtp_inbox, settings):
    settings.SITE_URL = live_server.url  # links in emails and on the confirmation page
    # The citizen shares an experience that contains a phone number and a name.
    page.goto(live_server.url + reverse("voice:share"))
    assert axe_serious_violations(page) == []
    page.get_by_label("Organisme").select_option(label="Caisse d’allocations familiales")
    page.get_by_label("Commune").fill("Bordeaux")
    page.get_by_role("button", name="Rechercher le service").click()
    page.locator("label[for^=choice-]", has_text="Accueil CAF de Bordeaux").click()
    page.get_by_role("button", name="Continuer").click()
    page.get_by_label("Titre de votre expérience").fill("Rappel rapide de Jean Dupont")
    page.get_by_label("Ce qui s’est passé").fill(STORY)
    assert page.locator("#personal-data-live").inner_text().startswith("Votre texte semble")
    page.get_by_text("Positive", exact=True).click()
    violations = axe_serious_violations(page)
    assert violations == [], violations
    page.get_by_role("button", name="Continuer").click()
    page.get_by_label("Votre adresse électronique").fill("jean@example.org")
    page.get_by_text("J’ai lu la charte de modération").click()
    page.get_by_role("button", name="Envoyer mon expérience").click()
    link = page.locator("#private-link").get_attribute("href")
    assert link and "/temoigner/suivi/" in link
    assert axe_serious_violations(page) == []
    experience = Experience.objects.get()
    assert experience.status == S.IN_MODERATION
    assert any(link in body for body in smtp_inbox.bodies())

    # The moderator sees the original beside the masked text and publishes it masked.
    moderator = UserFactory(platform_moderator=True)
    context = _new_context(page)
    moderation = _log_in(context, live_server, moderator)
    moderation.goto(live_server.url + reverse("voice_backoffice:moderation_queue"))
    moderation.get_by_role("link", name=re.compile("Rappel rapide")).click()
    assert "06 12 34 56 78" in moderation.locator("#original-text").inner_text()
    masked = moderation.locator("#masked-text").inner_text()
    assert "06 12 34 56 78" not in masked and "Dupont" not in masked
    violations = axe_serious_violations(moderation)
    assert violations == [], violations
    moderation.get_by_role("button", name="Publier le texte masqué").click()
    moderation.wait_for_url("**/moderation/")
    experience.refresh_from_db()
    assert experience.status == S.PUBLISHED
    assert "[TÉLÉPHONE]" in experience.masked_text and "[NOM]" in experience.masked_text
    context.close()

    # The service answers with a template, fills the placeholder, confirms the preview.
    AnswerTemplateFactory(organisation=caf.organisation, title="Remerciements")
    manager = MembershipFactory(organisation=caf.organisation, role=Role.QUALITY_MANAGER).user
    context = _new_context(page)
    service = _log_in(context, live_server, manager)
    service.goto(live_server.url + reverse("voice_backoffice:experience_list"))
    service.get_by_role("link", name=re.compile("Rappel rapide")).click()
    service.get_by_role("link", name="Répondre publiquement").click()
    service.get_by_role("link", name="Remerciements").click()
    answer_field = service.get_by_label("Votre réponse publique")
    assert "[À COMPLÉTER" in answer_field.input_value()
    service.get_by_role("button", name="Voir l’aperçu masqué").click()
    expect(service.get_by_text("Complétez les passages entre crochets").first).to_be_visible()
    answer_field.fill(
        answer_field.input_value().replace(
            "[À COMPLÉTER : ce que le service a fait]", "Nous avons transmis vos remerciements"
        )
    )
    service.get_by_role("button", name="Voir l’aperçu masqué").click()
    assert "transmis vos remerciements" in service.locator("#masked-answer").inner_text()
    violations = axe_serious_violations(service)
    assert violations == [], violations
    service.get_by_role("button", name="Confirmer et publier").click()
    expect(service.get_by_text("Votre réponse est publiée")).to_be_visible()
    context.close()
    experience.refresh_from_db()
    assert experience.status == S.ANSWERED
    assert experience.answer.status == AnswerStatus.PUBLISHED

    # The citizen gets the answer by email.
    [answer_mail] = [m for m in smtp_inbox.to("jean@example.org") if "répondu" in m["Subject"]]
    assert "transmis vos remerciements" in answer_mail.get_body(("plain",)).get_content()

    # Through the private link, the citizen reads the answer and says it helped.
    page.goto(link)
    assert "transmis vos remerciements" in page.locator("#answer-text").inner_text()
    page.get_by_text("Oui", exact=True).click()
    page.get_by_role("button", name="Donner mon avis").click()
    assert page.get_by_text(
        "Merci, votre avis sur cette réponse est enregistré."
    ).first.is_visible()

    # The public page shows the masked experience and the service's answer, nothing personal.
    page.goto(
        live_server.url + reverse("publication:experience_detail", kwargs={"uuid": experience.uuid})
    )
    public_text = page.locator("main").inner_text()
    assert "[TÉLÉPHONE]" in public_text and "transmis vos remerciements" in public_text
    assert "06 12 34 56 78" not in public_text and "Dupont" not in public_text
    assert "jean@example.org" not in page.content()
    violations = axe_serious_violations(page)
    assert violations == [], violations


def test_agent_records_an_experience_at_the_counter(page, live_server, caf):
    agent = MembershipFactory(organisation=None, site=caf, role=Role.AGENT).user
    context = _new_context(page)
    counter = _log_in(context, live_server, agent)
    counter.goto(live_server.url + reverse("voice_backoffice:assisted_create"))
    # Step 1: the adviser's site is preselected; they name the organisation.
    counter.get_by_label("Organisme dont l’usager parle").select_option(
        label="Caisse d’allocations familiales"
    )
    counter.get_by_role("button", name="Continuer").click()
    # Step 2: the competent local service is preselected; the citizen's experience.
    counter.get_by_label("Titre de l’expérience de l’usager").fill("Aide au guichet")
    counter.get_by_label("Ce que l’usager raconte").fill(
        "L'usager explique que l'agent l'a aidé à déclarer ses ressources trimestrielles."
    )
    counter.get_by_text("Positive", exact=True).click()
    counter.get_by_text("L’usager a demandé que son expérience soit déposée").click()
    violations = axe_serious_violations(counter)
    assert violations == [], violations
    counter.get_by_role("button", name="Enregistrer et imprimer le reçu").click()
    # The receipt: reference, private link (and its QR code), shown once.
    assert "/temoigner/suivi/" in counter.locator("#private-link").inner_text()
    reference = counter.locator("#experience-reference").inner_text()
    assert counter.locator(".parvis-qr-box svg").count() == 1
    assert axe_serious_violations(counter) == []
    experience = Experience.objects.get()
    assert experience.is_assisted and experience.assisted_by == agent
    assert experience.assisted_site == caf and experience.status == S.IN_MODERATION
    assert experience.reference == reference
    counter.reload()  # the link is not shown twice
    assert counter.locator("#private-link").count() == 0
    context.close()


def test_withdrawal_through_the_private_link(page, live_server, caf):
    experience = ExperienceFactory(
        published=True, local_service=caf.local_service, token="jeton-de-retrait-navigateur"
    )
    page.goto(
        live_server.url + reverse("voice:follow", kwargs={"token": "jeton-de-retrait-navigateur"})
    )
    assert page.locator("#experience-status").text_content() == "Publiée"
    assert axe_serious_violations(page) == []
    page.get_by_role("link", name="Retirer mon expérience").click()
    page.get_by_text("Je veux retirer mon expérience").click()
    page.get_by_role("button", name="Retirer mon expérience").click()
    assert page.locator("#experience-status").text_content() == "Retirée par son auteur"
    experience.refresh_from_db()
    assert experience.status == S.WITHDRAWN and experience.masked_text == ""


def test_moderator_corrects_the_masking_of_an_answer_then_publishes_it(page, live_server, caf):
    from parvis.voice import services

    experience = ExperienceFactory(published=True, local_service=caf.local_service, site=caf)
    manager = MembershipFactory(
        organisation=caf.local_service.organisation, role=Role.QUALITY_MANAGER
    ).user
    answer = services.answer_draft_save(
        experience=experience,
        actor=manager,
        text="Madame Martine Leroy vous rappellera au 05 56 00 00 00 cette semaine.",
    )
    answer = services.answer_confirm(answer=services.answer_mask(answer=answer), actor=manager)
    assert answer.status == AnswerStatus.IN_MODERATION

    moderator = UserFactory(platform_moderator=True)
    context = _new_context(page)
    moderation = _log_in(context, live_server, moderator)
    moderation.goto(
        live_server.url + reverse("voice_backoffice:answer_moderation", kwargs={"pk": answer.pk})
    )
    expect(moderation.get_by_role("heading", name="Ajuster le masquage")).to_be_visible()
    violations = axe_serious_violations(moderation)
    assert violations == [], violations
    # the service's office number may stay public: its mask is removed
    moderation.locator("label", has_text="[TÉLÉPHONE] ← « 05 56 00 00 00 »").click()
    moderation.get_by_role("button", name="Masquer à nouveau").click()
    expect(moderation.get_by_text("Le masquage de la réponse est mis à jour.")).to_be_visible()
    moderation.get_by_text("Publier la réponse").click()
    moderation.get_by_role("button", name="Enregistrer la décision").click()
    moderation.wait_for_url("**/moderation/")
    context.close()
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.PUBLISHED
    assert "05 56 00 00 00" in answer.masked_text and "Leroy" not in answer.masked_text
