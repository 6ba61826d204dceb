"""Recording at a counter: an adviser (a France Services, a service's own counter) records
the experience of a citizen who is not online, then prints a receipt (reference, QR code
of the private link, what happens next) that cannot be printed again."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from django.urls import reverse

from parvis.accounts.models import Role
from parvis.accounts.tests.factories import MembershipFactory
from parvis.directory.tests.factories import LocalServiceFactory, OrganisationFactory, SiteFactory
from parvis.territories.tests.factories import CommuneFactory, DepartementFactory
from parvis.voice.backoffice_views import ASSISTED_KEY
from parvis.voice.models import Experience
from parvis.voice.models import ExperienceStatus as S

pytestmark = pytest.mark.django_db
CREATE = "voice_backoffice:assisted_create"
DONE = "voice_backoffice:assisted_done"
STORY = {
    "title": "Aide pour ma déclaration",
    "text": "L’usager explique qu’on l’a bien aidé à remplir sa déclaration trimestrielle.",
    "tone": "positif",
    "consent": "on",
}


@pytest.fixture
def caf():
    """A CAF with a local service in Gironde (33) and one in Dordogne (24)."""
    caf = OrganisationFactory(name="Caisse d’allocations familiales")
    gironde = LocalServiceFactory(organisation=caf, name="CAF de la Gironde")
    dordogne = LocalServiceFactory(
        organisation=caf,
        name="CAF de la Dordogne",
        main_departement=DepartementFactory(code="24", name="Dordogne"),
    )
    LocalServiceFactory(organisation=caf, name="CAF fermée", is_active=False)
    return caf, gironde, dordogne


@pytest.fixture
def france_services(caf):
    """A France Services in a Gironde commune, partner of the CAF, and its adviser."""
    site = SiteFactory(france_services=True, name="France Services de Blaye")
    site.commune = CommuneFactory(departement=DepartementFactory(code="33"))
    site.save()
    site.partners.add(caf[0])
    adviser = MembershipFactory(organisation=None, site=site, role=Role.AGENT).user
    return site, adviser


def test_an_adviser_records_for_a_citizen_and_prints_a_receipt_once(
    client, caf, france_services, django_capture_on_commit_callbacks, caplog
):
    organisation, gironde, dordogne = caf
    site, adviser = france_services
    client.force_login(adviser)
    # step 1: their site is preselected from their membership
    first = client.get(reverse(CREATE))
    assert first.status_code == 200
    assert first.context["place_form"]["accueil"].value() == site.pk
    # French empty choices, not Django's « --------- ».
    empty = re.findall(r'<option value=""[^>]*>([^<]*)</option>', first.content.decode())
    assert empty == ["Choisir", "Choisir"]  # site, organisation
    # step 2: the organisation's active local services, the competent one preselected
    second = client.get(reverse(CREATE), {"accueil": site.pk, "organisme": organisation.pk})
    assert second.status_code == 200
    form = second.context["form"]
    assert set(form.fields["local_service"].queryset) == {gironde, dordogne}
    assert form["local_service"].value() == gironde.pk
    html = second.content.decode()
    # the form speaks to the adviser about the citizen
    for words in (
        "Titre de l’expérience de l’usager",
        "L’usager a-t-il une adresse électronique ?",
        "Globalement, l’expérience de l’usager était…",
        "Service local compétent",
        "France Services de Blaye",
    ):
        assert words in html, words
    assert "Votre expérience" not in html
    # the adviser confirms the competent local service and records
    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            reverse(CREATE),
            {
                **STORY,
                "assisted_site": site.pk,
                "organisation": organisation.pk,
                "local_service": gironde.pk,
            },
        )
    assert sent.status_code == 302 and sent["Location"] == reverse(DONE)
    experience = Experience.objects.get()
    assert experience.local_service == gironde and experience.site == site
    assert experience.is_assisted and experience.status == S.IN_MODERATION
    assert experience.reference and experience.reference.startswith("EXP-")
    # the link's secret waits for the receipt encrypted in the session, never in clear
    stored = client.session[ASSISTED_KEY]
    receipt = client.get(reverse(DONE))
    assert receipt.status_code == 200 and receipt["Referrer-Policy"] == "same-origin"
    body = receipt.content.decode()
    link = body.split('id="private-link" href="')[1].split('"')[0]
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in str(stored)
    assert token not in caplog.text
    assert f'id="experience-reference">{experience.reference}<' in body
    assert '<svg width="' in body and 'class="parvis-qr"' in body  # the QR code, inline
    assert 'aria-label="QR code de votre lien privé de suivi"' in body
    assert "ce reçu ne peut pas être réimprimé" in body
    assert "Un modérateur relit votre expérience" in body
    assert "jours ouvrés après la publication" in body
    assert "voice/receipt.css" in body  # @media print hides the shell
    # the link works for the citizen
    client.logout()
    assert client.get(link.replace("http://127.0.0.1:8000", "")).status_code == 200
    # the receipt is shown once
    client.force_login(adviser)
    again = client.get(reverse(DONE)).content.decode()
    assert "Aucun reçu à imprimer" in again and token not in again


def test_the_receipt_print_styles_hide_the_shell():
    from django.contrib.staticfiles import finders

    css = Path(finders.find("voice/receipt.css")).read_text(encoding="utf-8")
    print_rules = css.split("@media print", 1)[1]
    for selector in (".fr-header", ".fr-footer", ".fr-sidemenu", ".fr-breadcrumb"):
        assert selector in print_rules


def test_a_counter_of_the_service_preselects_its_organisation_and_its_service(client, caf):
    organisation, gironde, _ = caf
    counter = SiteFactory(local_service=gironde)
    agent = MembershipFactory(organisation=None, site=counter, role=Role.AGENT).user
    client.force_login(agent)
    first = client.get(reverse(CREATE))
    assert first.context["place_form"]["accueil"].value() == counter.pk
    assert first.context["place_form"]["organisme"].value() == organisation.pk
    # back from step 2 to change: step 1, filled in
    changing = client.get(
        reverse(CREATE), {"accueil": counter.pk, "organisme": organisation.pk, "changer": "1"}
    )
    assert changing.status_code == 200 and changing.context["place_form"] is not None


def test_a_local_service_of_another_organisation_is_refused(client, caf, france_services):
    organisation, _, _ = caf
    site, adviser = france_services
    foreign = LocalServiceFactory()
    client.force_login(adviser)
    refused = client.post(
        reverse(CREATE),
        {
            **STORY,
            "assisted_site": site.pk,
            "organisation": organisation.pk,
            "local_service": foreign.pk,
        },
    )
    assert refused.status_code == 400
    assert "Choisissez un service local de cet organisme." in refused.content.decode()
    assert not Experience.objects.exists()


def test_without_a_chosen_service_the_site_service_is_kept(client, caf):
    organisation, gironde, _ = caf
    counter = SiteFactory(local_service=gironde)
    agent = MembershipFactory(organisation=None, site=counter, role=Role.AGENT).user
    client.force_login(agent)
    sent = client.post(
        reverse(CREATE),
        {**STORY, "assisted_site": counter.pk, "organisation": organisation.pk},
    )
    assert sent.status_code == 302
    assert Experience.objects.get().local_service == gironde


def test_a_site_out_of_reach_is_refused_in_french(client, caf, france_services):
    organisation, gironde, _ = caf
    _, adviser = france_services
    elsewhere = SiteFactory(local_service=gironde)
    client.force_login(adviser)
    step_one = client.get(reverse(CREATE), {"accueil": elsewhere.pk, "organisme": organisation.pk})
    assert step_one.status_code == 400
    assert "Choisissez l’un de vos lieux d’accueil." in step_one.content.decode()
    refused = client.post(
        reverse(CREATE), {**STORY, "assisted_site": elsewhere.pk, "organisation": organisation.pk}
    )
    assert refused.status_code == 400
    assert "recommencez depuis le choix du lieu" in refused.content.decode()
    assert not Experience.objects.exists()
