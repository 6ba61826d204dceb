"""Citizen record pages: scoping, access log on display, consent capture and withdrawal,
NIR in search and on the page, lazy-loaded timeline, right-of-access export."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from parvis.accounts.models import AuditEvent, Role
from parvis.accounts.tests.factories import MembershipFactory
from parvis.contacts.models import CitizenConsent, ContactSettings, RecordAccess
from parvis.contacts.services import records
from parvis.contacts.tests.factories import (
    CitizenRecordFactory,
    ConversationFactory,
    QueueFactory,
    channel,
)
from parvis.directory.tests.factories import OrganisationFactory, SiteFactory

pytestmark = pytest.mark.django_db
NIR = "190053306300116"  # key: 97 - 1900533063001 % 97 = 16


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world():
    channel("guichet")
    channel("courriel")
    org = OrganisationFactory(slug="caf-vues")
    site = SiteFactory(organisation=org)
    other = OrganisationFactory(slug="autre-vues")
    return {
        "org": org,
        "site": site,
        "other": other,
        "agent": MembershipFactory(organisation=None, site=site, role=Role.AGENT).user,
        "admin": MembershipFactory(organisation=org, role=Role.ORGANISATION_ADMIN).user,
        "outsider": MembershipFactory(organisation=other, role=Role.AGENT).user,
        "citizen": CitizenRecordFactory(
            organisation=org, first_name="Léa", last_name="Martin", birth_date=dt.date(1990, 1, 2)
        ),
    }


def _detail(citizen) -> str:  # type: ignore[no-untyped-def]
    return reverse("contacts_backoffice:citizen_detail", args=[citizen.pk])


def test_an_agent_of_another_organisation_gets_404_until_a_consent_then_reads_only(world):
    citizen, outsider = world["citizen"], world["outsider"]
    assert _client(outsider).get(_detail(citizen)).status_code == 404
    search = _client(outsider).get(reverse("contacts_backoffice:citizen_list"), {"q": "martin"})
    assert "Martin" not in search.content.decode()
    records.consent_capture(
        principal=world["agent"],
        citizen=citizen,
        purpose="partner_referral",
        organisations=[world["other"]],
        categories=["identity"],
        channel="guichet",
    )
    page = _client(outsider).get(_detail(citizen))
    assert page.status_code == 200
    html = page.content.decode()
    assert "lecture seule" in html and "Modifier la fiche" not in html
    edit = reverse("contacts_backoffice:citizen_edit", args=[citizen.pk])
    assert _client(outsider).get(edit).status_code == 403


def test_displaying_a_record_notes_one_access_per_window(world):
    client = _client(world["agent"])
    for _ in range(3):
        assert client.get(_detail(world["citizen"])).status_code == 200
    timeline = reverse("contacts_backoffice:citizen_timeline", args=[world["citizen"].pk])
    assert client.get(timeline).status_code == 200
    access = RecordAccess.objects.get()
    assert access.agent == world["agent"] and access.views == 4
    # The admin sees who consulted; the agent may not.
    accesses = reverse("contacts_backoffice:citizen_accesses", args=[world["citizen"].pk])
    assert _client(world["agent"]).get(accesses).status_code == 403
    html = _client(world["admin"]).get(accesses).content.decode()
    assert world["agent"].get_full_name() in html


def test_consent_is_captured_and_withdrawn_from_the_record_page(world):
    client = _client(world["agent"])
    url = reverse("contacts_backoffice:citizen_consent_capture", args=[world["citizen"].pk])
    assert client.post(url, {"purpose": "procedure_help"}).status_code == 400
    response = client.post(
        url,
        {
            "purpose": "procedure_help",
            "organisations": [world["other"].pk],
            "categories": ["identity", "timeline"],
            "channel": "guichet",
            "months": 6,
            "confirmed": "on",
        },
    )
    assert response.status_code == 302
    consent = CitizenConsent.objects.get()
    assert consent.categories == ["identity", "timeline"] and consent.captured_by == world["agent"]
    assert consent.expires_at <= consent.captured_at + dt.timedelta(days=186)
    withdraw = reverse(
        "contacts_backoffice:citizen_consent_withdraw", args=[world["citizen"].pk, consent.pk]
    )
    assert client.post(withdraw).status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert _client(world["outsider"]).get(_detail(world["citizen"])).status_code == 404


def test_nir_is_searchable_exactly_and_shown_masked(world):
    ContactSettings.objects.create(organisation=world["org"], nir_allowed=True)
    records.citizen_nir_set(principal=world["agent"], citizen=world["citizen"], nir=NIR)
    client = _client(world["agent"])
    url = reverse("contacts_backoffice:citizen_list")
    found = client.post(url, {"nir": NIR}).content.decode()
    assert "Léa Martin" in found and NIR not in found
    assert "Léa Martin" not in client.post(url, {"nir": NIR[:10]}).content.decode()
    # Typed in the ordinary search, a NIR finds nothing and is not shown back.
    typed = client.get(url, {"q": NIR}).content.decode()
    assert "Léa Martin" not in typed and NIR not in typed
    assert "Un NIR ne se cherche pas dans ce champ" in typed
    # Where the setting does not allow it, no NIR search at all.
    assert _client(world["outsider"]).post(url, {"nir": NIR}).status_code == 403
    page = client.get(_detail(world["citizen"])).content.decode()
    assert "•" * 12 + "116" in page and NIR not in page


def test_timeline_loads_the_next_items_lazily(world):
    queue = QueueFactory(site=world["site"], organisation=world["org"])
    for index in range(60):
        ConversationFactory(
            queue=queue,
            citizen=world["citizen"],
            created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=index),
        )
    page = _client(world["agent"]).get(_detail(world["citizen"])).content.decode()
    assert page.count('data-kind="conversation"') == 50
    more = page.split('data-timeline-more="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    fragment = _client(world["agent"]).get(more).content.decode()
    assert fragment.count('data-kind="conversation"') == 10
    assert "data-timeline-more" not in fragment
    assert _client(world["outsider"]).get(more).status_code == 404


def test_the_admin_exports_the_whole_record_without_the_nir(world):
    ContactSettings.objects.create(organisation=world["org"], nir_allowed=True)
    records.citizen_nir_set(principal=world["agent"], citizen=world["citizen"], nir=NIR)
    records.citizen_contact_point_add(
        principal=world["agent"], citizen=world["citizen"], kind="email", value="lea@exemple.fr"
    )
    ConversationFactory(
        queue=QueueFactory(site=world["site"], organisation=world["org"]), citizen=world["citizen"]
    )
    records.consent_capture(
        principal=world["agent"],
        citizen=world["citizen"],
        purpose="procedure_help",
        organisations=[world["other"]],
        categories=["identity"],
        channel="guichet",
    )
    _client(world["agent"]).get(_detail(world["citizen"]))
    url = reverse("contacts_backoffice:citizen_export", args=[world["citizen"].pk])
    assert _client(world["agent"]).get(url).status_code == 403
    response = _client(world["admin"]).get(url)
    assert response.status_code == 200
    body = response.content.decode()
    data = json.loads(body)
    assert data["fiche"]["nom"] == "Martin" and data["fiche"]["nir_enregistre"] is True
    assert NIR not in body and NIR[-3:] + '"' not in body
    assert data["coordonnees"] == [{"type": "Courriel", "valeur": "lea@exemple.fr"}]
    assert len(data["historique"]) == 1 and len(data["consentements"]) == 1
    assert data["consultations"][0]["agent"] == world["agent"].get_full_name()
    assert AuditEvent.objects.filter(action="citizen.exported").count() == 1


def test_duplicates_are_proposed_merged_and_unmerged_from_the_pages(world):
    twin = CitizenRecordFactory(
        organisation=world["org"],
        first_name="Lea",
        last_name="MARTIN",
        birth_date=dt.date(1990, 1, 2),
    )
    client = _client(world["agent"])
    page = client.get(reverse("contacts_backoffice:citizen_duplicates")).content.decode()
    assert "Mêmes nom, prénom et date de naissance" in page
    url = reverse("contacts_backoffice:citizen_merge", args=[world["citizen"].pk, twin.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    twin.refresh_from_db()
    assert twin.merged_into == world["citizen"]
    merge = world["citizen"].merges_received.get()
    unmerge = reverse("contacts_backoffice:citizen_unmerge", args=[merge.pk])
    assert _client(world["outsider"]).post(unmerge).status_code == 404
    assert client.post(unmerge).status_code == 302
    twin.refresh_from_db()
    assert twin.merged_into is None


def test_a_proposal_is_dismissed_and_the_dismissal_undone_from_the_duplicates_page(world):
    from parvis.contacts.models import CitizenDistinctPair

    twin = CitizenRecordFactory(
        organisation=world["org"],
        first_name="Léa",
        last_name="Martin",
        birth_date=dt.date(1990, 1, 2),
    )
    client = _client(world["agent"])
    duplicates = reverse("contacts_backoffice:citizen_duplicates")
    page = client.get(duplicates).content.decode()
    assert "Ce ne sont pas les mêmes personnes" in page and 'id="doublons"' in page
    url = reverse("contacts_backoffice:citizens_mark_distinct", args=[world["citizen"].pk, twin.pk])
    assert client.get(url).status_code == 405  # a POST only
    assert _client(world["outsider"]).post(url).status_code == 404
    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(world["agent"])
    assert csrf.post(url).status_code == 403  # CSRF token required
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == duplicates + "#doublons"
    body = response.content.decode()
    assert "elles ne seront plus proposées comme doublon" in body
    assert "1 proposition" not in body and "Aucun doublon probable." in body
    pair = CitizenDistinctPair.objects.get()
    assert "Fiches déclarées distinctes" in body
    undo = reverse("contacts_backoffice:citizens_unmark_distinct", args=[pair.pk])
    assert _client(world["outsider"]).post(undo).status_code == 404
    response = client.post(undo, follow=True)
    assert response.redirect_chain[-1][0] == duplicates + "#fiches-distinctes"
    assert "La déclaration est annulée" in response.content.decode()
    assert "1 proposition" in response.content.decode()
    assert not CitizenDistinctPair.objects.exists()


def test_the_agent_notes_and_withdraws_sms_consent_on_a_number_of_the_record(world):
    channel("telephone")
    citizen = world["citizen"]
    point = records.citizen_contact_point_add(
        principal=world["agent"], citizen=citizen, kind="phone", value="06 12 34 56 78"
    )
    client = _client(world["agent"])
    page = client.get(_detail(citizen)).content.decode()
    assert "N’a pas accepté les SMS." in page
    consent = reverse("contacts_backoffice:citizen_sms_consent", args=[citizen.pk, point.pk])
    refused = client.post(consent, {}, follow=True)
    assert "Indiquez par quel canal" in refused.content.decode()
    assert _client(world["outsider"]).post(consent, {"channel": "telephone"}).status_code == 404
    response = client.post(consent, {"channel": "telephone"}, follow=True)
    assert response.redirect_chain[-1][0] == _detail(citizen) + "#coordonnees"
    body = response.content.decode()
    assert "L’accord de l’usager pour recevoir des SMS est noté." in body
    assert "Accepte les SMS depuis le" in body and world["agent"].get_full_name() in body
    point.refresh_from_db()
    assert point.sms_allowed and point.sms_consent_channel_id == "telephone"
    withdraw = reverse(
        "contacts_backoffice:citizen_sms_consent_withdraw", args=[citizen.pk, point.pk]
    )
    body = client.post(withdraw, follow=True).content.decode()
    assert "plus aucun SMS à ce numéro" in body and "SMS refusés depuis le" in body
    point.refresh_from_db()
    assert not point.sms_allowed and point.sms_opt_out_by == world["agent"]


def test_a_visit_recorded_from_the_record_page_joins_the_record(world):
    from parvis.contacts.models import Conversation
    from parvis.directory.tests.factories import MotifFactory

    motif = MotifFactory(organisation=world["org"])
    client = _client(world["agent"])
    url = reverse("contacts_backoffice:visit_record") + f"?usager={world['citizen'].pk}"
    page = client.get(url).content.decode()
    assert "Elle rejoint la fiche de" in page
    response = client.post(
        reverse("contacts_backoffice:visit_record"),
        {
            "usager": world["citizen"].pk,
            "site": world["site"].pk,
            "motif": motif.pk,
            "outcome": "answered",
            "minutes": 10,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Conversation.objects.get(channel_id="guichet").citizen == world["citizen"]
    # Another organisation's record cannot be named.
    other = CitizenRecordFactory(organisation=world["other"])
    assert (
        client.get(reverse("contacts_backoffice:visit_record") + f"?usager={other.pk}").status_code
        == 404
    )


def test_the_record_forms_offer_french_empty_choices(world):
    # Django's « --------- » was the empty choice of the organisation and the channel.
    client = _client(world["admin"])
    new = client.get(reverse("contacts_backoffice:citizen_create")).content.decode()
    edit = client.get(
        reverse("contacts_backoffice:citizen_edit", args=[world["citizen"].pk])
    ).content.decode()
    empty = re.compile(r'<option value=""[^>]*>([^<]*)</option>')
    assert empty.findall(new) == ["Choisir", "Aucun"]  # organisation, preferred channel
    assert empty.findall(edit) == ["Aucun"]
