"""The hub's back-office pages: conversations, queues, the counter visit, the chat reply."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from parvis.accounts.models import Role
from parvis.accounts.tests.factories import MembershipFactory
from parvis.contacts.backoffice_views import duration_fr
from parvis.contacts.models import Conversation, Direction, Outcome, Status
from parvis.contacts.services.chat import chat_message_accept
from parvis.contacts.services.visits import visit_record
from parvis.contacts.tests.factories import (
    ConversationFactory,
    InboundEndpointFactory,
    QueueFactory,
    channel,
)
from parvis.core.menu import Viewer, build
from parvis.directory.tests.factories import MotifFactory, OrganisationFactory, SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    channel("guichet")
    return SiteFactory()


@pytest.fixture
def agent(site):
    return MembershipFactory(organisation=site.organisation, role=Role.AGENT).user


def test_duration_in_french():
    assert duration_fr(dt.timedelta(minutes=4)) == "4\xa0min"
    assert duration_fr(dt.timedelta(hours=2, minutes=5)) == "2\xa0h\xa005"
    assert duration_fr(dt.timedelta(days=4, hours=3)) == "4\xa0j\xa03\xa0h"
    assert duration_fr(dt.timedelta(days=4)) == "4\xa0j"


def test_the_list_shows_the_scope_with_wait_and_lateness(client, site, agent):
    queue = QueueFactory(site=site, organisation=site.organisation)
    now = timezone.now()
    late = ConversationFactory(
        queue=queue,
        queued_at=now - dt.timedelta(hours=3),
        first_answer_due_at=now - dt.timedelta(minutes=1),
    )
    other = ConversationFactory()
    client.force_login(agent)
    response = client.get(reverse("contacts_backoffice:conversation_list"))
    page = response.content.decode()
    assert late.reference in page and other.reference not in page
    assert "3\xa0h\xa000" in page and "fr-badge--error" in page
    filtered = client.get(
        reverse("contacts_backoffice:conversation_list"), {"statut": Status.RESOLVED}
    )
    assert late.reference not in filtered.content.decode()


def test_the_detail_is_404_for_another_organisation_and_login_for_anonymous(client, agent):
    foreign = ConversationFactory()
    url = reverse("contacts_backoffice:conversation_detail", args=[foreign.reference])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/compte/connexion/" in anonymous["Location"]
    client.force_login(agent)
    assert client.get(url).status_code == 404


def test_queues_show_waiting_counts_and_the_oldest_wait(client, site, agent):
    queue = QueueFactory(site=site, organisation=site.organisation, name="Accueil téléphonique")
    now = timezone.now()
    ConversationFactory(queue=queue, queued_at=now - dt.timedelta(minutes=42))
    ConversationFactory(queue=queue, queued_at=now - dt.timedelta(minutes=5))
    ConversationFactory(queue=queue, status=Status.ASSIGNED)
    client.force_login(agent)
    page = client.get(reverse("contacts_backoffice:queue_list")).content.decode()
    assert "Accueil téléphonique" in page and "42\xa0min" in page
    assert f'data-queue="{queue.pk}"' in page


def test_the_menu_shows_the_hub_to_principals_with_queues(site, agent):
    labels = lambda: [  # noqa: E731
        child.label
        for item in build(Viewer(agent, site.organisation), path="/")
        for child in item.children
    ]
    # Every organisation has its triage queue: an organisation-level agent finds the hub.
    assert {"Conversations", "Files d’attente"} <= set(labels())
    QueueFactory(site=site, organisation=site.organisation)
    assert {"Conversations", "Files d’attente", "Enregistrer une visite"} <= set(labels())


def test_the_visit_entry_needs_an_active_site_in_scope(client, site, agent):
    site.is_active = False
    site.save()
    labels = [
        child.label
        for item in build(Viewer(agent, site.organisation), path="/")
        for child in item.children
    ]
    assert "Conversations" in labels and "Enregistrer une visite" not in labels
    client.force_login(agent)
    assert client.get(reverse("contacts_backoffice:visit_record")).status_code == 403


def test_an_agent_records_a_visit_in_a_few_fields(client, site, agent):
    motif = MotifFactory(organisation=site.organisation)
    QueueFactory(site=site, organisation=site.organisation)
    client.force_login(agent)
    url = reverse("contacts_backoffice:visit_record")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "site": site.pk,
            "motif": motif.pk,
            "outcome": Outcome.ANSWERED,
            "minutes": 12,
            "documents": ["identite", "avis-imposition"],
            "other_documents": "Relevé CAF",
        },
    )
    assert response.status_code == 302
    visit = Conversation.objects.get(channel_id="guichet")
    assert visit.status == Status.RESOLVED and visit.site == site
    assert visit.handling_seconds == 720 and visit.outcome == Outcome.ANSWERED
    assert visit.transitions.get().move == "record_visit"
    assert "Relevé CAF" in visit.qualification["visit"]["documents"]


def test_a_france_services_adviser_records_a_visit_about_a_partners_motif(client):
    channel("guichet")
    fs_site = SiteFactory(france_services=True)
    caf, cpam = OrganisationFactory(name="CAF"), OrganisationFactory(name="CPAM")
    fs_site.partners.add(caf, cpam)
    caf_motif = MotifFactory(organisation=caf, label="Prime d’activité")
    MotifFactory(organisation=cpam, label="Carte Vitale")
    foreign = MotifFactory(label="Motif d’un organisme non partenaire")
    adviser = MembershipFactory(organisation=None, site=fs_site, role=Role.AGENT).user
    client.force_login(adviser)
    url = reverse("contacts_backoffice:visit_record")
    page = client.get(url).content.decode()
    # The partners' motifs, grouped by organisation; none outside the partners.
    assert '<optgroup label="CAF">' in page and '<optgroup label="CPAM">' in page
    assert "Prime d’activité" in page and "Carte Vitale" in page
    assert foreign.label not in page
    # French empty choices (site, motif, outcome), not Django's « --------- ».
    empty = re.findall(r'<option value=""[^>]*>([^<]*)</option>', page)
    assert empty == ["Choisir un lieu", "Choisir un motif", "Choisir une issue"]
    assert "---------" not in page
    fields = {"site": fs_site.pk, "outcome": Outcome.ANSWERED, "minutes": 15}
    response = client.post(url, {**fields, "motif": caf_motif.pk})
    assert response.status_code == 302
    visit = Conversation.objects.get(channel_id="guichet")
    # The motif says whom the visit was about; the operator keeps its conversation.
    assert visit.motif == caf_motif and visit.site == fs_site
    assert visit.organisation == fs_site.organisation
    refused = client.post(url, {**fields, "motif": foreign.pk})
    assert refused.status_code == 400
    assert "Sélectionnez un choix valide" in refused.content.decode()


def test_a_motif_outside_the_sites_partners_is_refused_in_french(site, agent):
    from parvis.contacts.errors import ContactError

    fs_site = SiteFactory(france_services=True, organisation=site.organisation)
    fs_site.partners.add(OrganisationFactory())
    outsider = MotifFactory()
    with pytest.raises(ContactError) as refused:
        visit_record(principal=agent, site=fs_site, motif=outsider, outcome="answered", minutes=5)
    assert refused.value.message == (
        "Ce motif n’appartient ni à l’organisme du lieu d’accueil ni à l’un de ses "
        "organismes partenaires."
    )
    partner_motif = MotifFactory(organisation=fs_site.partners.get())
    # A partner's motif is for its France Services sites only, not another counter.
    with pytest.raises(ContactError):
        visit_record(principal=agent, site=site, motif=partner_motif, outcome="answered", minutes=5)
    visit = visit_record(
        principal=agent, site=fs_site, motif=partner_motif, outcome="answered", minutes=5
    )
    assert visit.motif == partner_motif


def test_a_visit_follows_a_prior_conversation(site, agent):
    prior = ConversationFactory(queue=QueueFactory(site=site, organisation=site.organisation))
    visit = visit_record(
        principal=agent,
        site=site,
        motif=None,
        outcome=Outcome.ANSWERED_END_TO_END,
        minutes=20,
        conversation=prior,
    )
    # An open prior conversation is the one the visit resolves.
    assert visit == prior and visit.status == Status.RESOLVED


def test_a_visit_offers_only_counter_outcomes_and_names_what_is_missing(client, site, agent):
    client.force_login(agent)
    url = reverse("contacts_backoffice:visit_record")
    page = client.get(url).content.decode()
    select = page.split('name="outcome"', 1)[1].split("</select>", 1)[0]
    offered = re.findall(r'<option value="([^"]*)"', select)
    assert offered == ["", "answered", "answered_end_to_end", "oriented_partner", "out_of_scope"]
    for phone_or_mail in ("Message vocal", "Rappel sans réponse", "Indésirable", "Abandon"):
        assert phone_or_mail not in select
    assert "Transmis au niveau 2" not in select
    empty = client.post(url, {"site": site.pk, "minutes": 10})
    assert empty.status_code == 400
    html = unescape(empty.content.decode())
    summary = html.split('id="visit-errors"', 1)[1].split("</div>", 1)[0]
    assert "La visite n’a pas été enregistrée" in summary
    assert "Motif\xa0: Choisissez le motif de la visite." in summary
    assert "Issue\xa0: Choisissez l’issue de la visite." in summary
    assert "Ce champ est obligatoire" not in html


def test_a_visit_refuses_a_phone_or_mail_outcome(site, agent):
    from parvis.contacts.errors import ContactError

    with pytest.raises(ContactError) as refused:
        visit_record(principal=agent, site=site, motif=None, outcome="voicemail", minutes=5)
    assert (refused.value.code, refused.value.field) == ("outcome_not_for_channel", "outcome")
    assert not Conversation.objects.exists()


def test_a_visit_elsewhere_is_refused(site, agent):
    from parvis.contacts.errors import ContactError

    with pytest.raises(ContactError):
        visit_record(principal=agent, site=SiteFactory(), motif=None, outcome="answered", minutes=5)


def test_an_agent_answers_a_chat_from_the_conversation_page(
    client, agent, site, django_capture_on_commit_callbacks
):
    channel("chat")
    endpoint = InboundEndpointFactory(organisation=site.organisation, connector="chat")
    chat_message_accept(endpoint=endpoint, session="f" * 32, sequence=0, text="Bonjour")
    conversation = Conversation.objects.get(channel_id="chat")
    client.force_login(agent)
    url = reverse("contacts_backoffice:conversation_detail", args=[conversation.reference])
    page = client.get(url).content.decode()
    assert "Bonjour" in page and "Répondre sur le chat" in page
    assert "<dt>Agent</dt><dd>non attribuée</dd>" in page  # not « personne »
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"text": "Bonjour, que puis-je faire ?"})
    assert response.status_code == 302
    assert conversation.messages.filter(direction=Direction.OUTBOUND).count() == 1


def test_an_empty_chat_reply_is_summarised_as_on_the_desk(client, agent, site):
    channel("chat")
    endpoint = InboundEndpointFactory(organisation=site.organisation, connector="chat")
    chat_message_accept(endpoint=endpoint, session="e" * 32, sequence=0, text="Bonjour")
    conversation = Conversation.objects.get(channel_id="chat")
    client.force_login(agent)
    url = reverse("contacts_backoffice:conversation_detail", args=[conversation.reference])
    response = client.post(url, {"text": ""})
    assert response.status_code == 400
    html = unescape(response.content.decode())
    # The desk's DSFR error summary (contacts/_form_errors.html), the field named and linked.
    summary = html.split('id="reply-errors"', 1)[1].split("</div>", 1)[0]
    assert "data-error-summary" in html
    assert "Votre réponse n’a pas été envoyée" in summary
    assert 'href="#id_text"' in summary
    assert "Votre réponse\xa0: Écrivez votre réponse avant de l’envoyer." in summary
    assert "Ce champ est obligatoire" not in html
    assert not conversation.messages.filter(direction=Direction.OUTBOUND).exists()


def test_the_dashboard_counts_what_waits_and_links_to_its_list(client, site, agent):
    queue = QueueFactory(site=site, organisation=site.organisation)
    ConversationFactory(queue=queue, queued_at=timezone.now())
    ConversationFactory(queue=queue, status=Status.ASSIGNED)
    client.force_login(agent)
    page = client.get(reverse("backoffice:dashboard")).content.decode()
    assert 'data-todo="contacts.queued"' in page
    listed = reverse("contacts_backoffice:conversation_list") + "?statut=queued&amp;a_prendre=1"
    assert f'href="{listed}" data-count="1"' in page


def test_the_contacts_panel_is_for_who_takes_or_follows_contacts(client, site):
    queue = QueueFactory(site=site, organisation=site.organisation)
    ConversationFactory(queue=queue, queued_at=timezone.now())

    def panel_of(role: str) -> bool:
        user = MembershipFactory(organisation=site.organisation, role=role).user
        client.force_login(user)
        page = client.get(reverse("backoffice:dashboard")).content.decode()
        return 'data-todo="contacts.queued"' in page

    assert panel_of(Role.SUPERVISOR) and panel_of(Role.ORGANISATION_ADMIN)
    # A quality manager may read the conversations, but taking them is not their to-do.
    assert not panel_of(Role.QUALITY_MANAGER)


def test_a_closed_conversation_reads_cloturee_not_the_verb_fermer(client, site, agent):
    # « Close » was the msgid: Django's French catalog made it the verb « Fermer ».
    queue = QueueFactory(site=site, organisation=site.organisation)
    ConversationFactory(queue=queue, status=Status.CLOSED)
    client.force_login(agent)
    page = client.get(reverse("contacts_backoffice:conversation_list")).content.decode()
    assert f'<option value="{Status.CLOSED}">Clôturée</option>' in page
    assert page.count("Clôturée") == 2  # the filter's option and the conversation's row
    assert "Fermer<" not in page.replace('title="Fermer le menu">Fermer<', "")


def test_invalid_filters_list_nothing_and_say_why(client, site, agent):
    # The whole scope under filters that seemed applied read as the drill-down's contacts.
    shown = ConversationFactory(queue=QueueFactory(site=site, organisation=site.organisation))
    client.force_login(agent)
    url = reverse("contacts_backoffice:conversation_list")
    assert shown.reference in client.get(url).content.decode()
    for query, error in (
        ({"organisme": OrganisationFactory().slug}, "Organisme\xa0: Cet organisme n’est pas dans"),
        ({"mois": "2026-13"}, "Mois\xa0: Le mois s’écrit AAAA-MM."),
    ):
        response = client.get(url, {**query, "lieu": f"site-{site.pk}"})
        page = unescape(response.content.decode())
        assert response.status_code == 200
        assert "Aucune conversation n’est affichée\xa0: certains filtres sont invalides" in page
        assert error in page and shown.reference not in page
    # The invalid criterion is not carried again by the filters' form.
    assert 'name="mois"' not in page and f'value="site-{site.pk}"' in page


def test_a_local_service_manager_filters_on_the_organisation_of_their_service(client, site):
    # The organisation is outside a local service's territorial scope, not its own contacts.
    manager = MembershipFactory(
        organisation=None, local_service=site.local_service, role=Role.QUALITY_MANAGER
    ).user
    queue = QueueFactory(site=site, organisation=site.organisation)
    own = ConversationFactory(queue=queue)
    client.force_login(manager)
    response = client.get(
        reverse("contacts_backoffice:conversation_list"),
        {"organisme": site.organisation.slug, "lieu": f"service-{site.local_service_id}"},
    )
    page = unescape(response.content.decode())
    assert "invalides" not in page and own.reference in page
    assert str(site.organisation) in page  # the drill-down's summary


def test_a_conversation_late_on_its_target_shows_the_date_promised_to_the_citizen(
    client, site, agent
):
    """The queue's first-answer target (stricter) and the commitment the acknowledgement
    announced are two dates: the page shows both, each named, so « en retard » never reads
    as a broken promise when the promise still holds."""
    queue = QueueFactory(site=site, organisation=site.organisation)
    now = timezone.now()
    conversation = ConversationFactory(
        queue=queue,
        queued_at=now - dt.timedelta(days=3),
        first_answer_due_at=now - dt.timedelta(days=1),
        announced_deadline=dt.datetime(2031, 1, 9, 18, 0, tzinfo=dt.UTC),
    )
    client.force_login(agent)
    page = client.get(
        reverse("contacts_backoffice:conversation_detail", args=[conversation.reference])
    ).content.decode()
    assert "fr-badge--error" in page
    assert "Délai annoncé à l’usager</dt><dd>9 janvier 2031" in page
