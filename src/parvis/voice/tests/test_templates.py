"""Answer templates: one store, filed under an organisation or one of its local services.

A local quality team files, edits and withdraws its own templates; an organisation-level
quality manager or admin manages all of the organisation's; answering offers the
organisation's templates plus those of the experience's local service."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parvis.accounts.models import Role
from parvis.accounts.tests.factories import MembershipFactory
from parvis.directory.tests.factories import LocalServiceFactory
from parvis.voice import selectors, services
from parvis.voice.models import AnswerTemplate
from parvis.voice.services import VoiceError
from parvis.voice.tests.factories import AnswerTemplateFactory, ExperienceFactory

pytestmark = pytest.mark.django_db
BODY = "Bonjour, merci. [À COMPLÉTER : ce que le service a fait]. Cordialement."
MENU_ENTRY = "Modèles de réponse"


@pytest.fixture
def gironde():
    return LocalServiceFactory(name="CAF de la Gironde")


@pytest.fixture
def rhone(gironde):
    return LocalServiceFactory(organisation=gironde.organisation, name="CAF du Rhône")


@pytest.fixture
def local_manager(gironde):
    return MembershipFactory(
        organisation=None, local_service=gironde, role=Role.QUALITY_MANAGER
    ).user


def test_a_local_quality_manager_files_edits_and_withdraws_their_own_templates(
    client, gironde, rhone, local_manager
):
    national = AnswerTemplateFactory(organisation=gironde.organisation, title="Modèle national")
    theirs_elsewhere = AnswerTemplateFactory(
        organisation=gironde.organisation, local_service=rhone, title="Modèle du Rhône"
    )
    client.force_login(local_manager)
    # the menu leads to the page
    dashboard = client.get(reverse("backoffice:dashboard")).content.decode()
    assert MENU_ENTRY in dashboard
    # the form proposes their service only, already chosen
    create_url = reverse("voice_backoffice:template_create")
    form = client.get(create_url)
    assert form.status_code == 200
    choices = list(form.context["form"].fields["local_service"].queryset)
    assert choices == [gironde]
    assert form.context["form"]["local_service"].value() == gironde.pk
    assert form.context["form"]["organisation"].value() == gironde.organisation_id
    # a template for the whole organisation is not theirs to file
    refused = client.post(
        create_url,
        {"organisation": gironde.organisation_id, "title": "Pour tous", "body": BODY},
    )
    assert refused.status_code == 400
    assert "Choisissez votre service local." in refused.content.decode()
    created = client.post(
        create_url,
        {
            "organisation": gironde.organisation_id,
            "local_service": gironde.pk,
            "title": "Rendez-vous à Bordeaux",
            "body": BODY,
            "is_active": "on",
        },
    )
    assert created.status_code == 302
    template = AnswerTemplate.objects.get(title="Rendez-vous à Bordeaux")
    assert template.local_service == gironde and template.organisation == gironde.organisation
    # the list shows theirs, not the organisation's nor another service's
    listing = client.get(reverse("voice_backoffice:template_list"))
    assert list(listing.context["templates"]) == [template]
    assert "Rendez-vous à Bordeaux" in listing.content.decode()
    # they withdraw it from the choices
    edit_url = reverse("voice_backoffice:template_edit", kwargs={"pk": template.pk})
    edited = client.post(
        edit_url,
        {
            "organisation": gironde.organisation_id,
            "local_service": gironde.pk,
            "title": "Rendez-vous à Bordeaux",
            "body": BODY,
        },
    )
    assert edited.status_code == 302
    template.refresh_from_db()
    assert not template.is_active
    assert "Retiré" in client.get(reverse("voice_backoffice:template_list")).content.decode()
    # the organisation's and the other service's templates are out of reach (404)
    for other in (national, theirs_elsewhere):
        url = reverse("voice_backoffice:template_edit", kwargs={"pk": other.pk})
        assert client.get(url).status_code == 404
    # and they cannot move their template to another service
    moved = client.post(
        edit_url,
        {
            "organisation": gironde.organisation_id,
            "local_service": rhone.pk,
            "title": "Ailleurs",
            "body": BODY,
        },
    )
    assert moved.status_code == 400
    template.refresh_from_db()
    assert template.local_service == gironde


def test_an_organisation_quality_manager_manages_every_template_of_the_organisation(
    client, gironde, rhone
):
    manager = MembershipFactory(organisation=gironde.organisation, role=Role.QUALITY_MANAGER).user
    local = AnswerTemplateFactory(organisation=gironde.organisation, local_service=rhone)
    national = AnswerTemplateFactory(organisation=gironde.organisation)
    AnswerTemplateFactory()  # another organisation's
    client.force_login(manager)
    listing = client.get(reverse("voice_backoffice:template_list"))
    assert set(listing.context["templates"]) == {local, national}
    form = client.get(reverse("voice_backoffice:template_create")).context["form"]
    assert set(form.fields["local_service"].queryset) == {gironde, rhone}
    assert not form.fields["local_service"].required  # a template of the whole organisation
    assert (
        client.post(
            reverse("voice_backoffice:template_create"),
            {"organisation": gironde.organisation_id, "title": "Pour tous", "body": BODY},
        ).status_code
        == 302
    )
    assert AnswerTemplate.objects.get(title="Pour tous").local_service is None
    url = reverse("voice_backoffice:template_edit", kwargs={"pk": local.pk})
    assert client.get(url).status_code == 200


def test_a_local_service_must_belong_to_the_organisation(gironde):
    foreign = LocalServiceFactory()
    manager = MembershipFactory(organisation=gironde.organisation, role=Role.QUALITY_MANAGER).user
    with pytest.raises(VoiceError) as refused:
        services.answer_template_save(
            actor=manager,
            organisation=gironde.organisation,
            local_service=foreign,
            title="Mélange",
            body=BODY,
        )
    assert refused.value.code == "template_service_mismatch"
    assert refused.value.field == "local_service"
    assert "n’appartient pas à l’organisme choisi" in refused.value.message
    assert not AnswerTemplate.objects.exists()


def test_answering_offers_the_organisation_templates_and_the_experience_service_ones(
    client, gironde, rhone, local_manager, django_capture_on_commit_callbacks
):
    national = AnswerTemplateFactory(organisation=gironde.organisation, title="A national")
    mine = AnswerTemplateFactory(
        organisation=gironde.organisation, local_service=gironde, title="B Gironde"
    )
    other = AnswerTemplateFactory(
        organisation=gironde.organisation, local_service=rhone, title="C Rhône"
    )
    AnswerTemplateFactory(organisation=gironde.organisation, is_active=False, title="D retiré")
    AnswerTemplateFactory(title="E autre organisme")
    experience = ExperienceFactory(published=True, local_service=gironde)
    offered = selectors.answer_templates_for(
        organisation=gironde.organisation, local_service=gironde
    )
    assert list(offered) == [national, mine]
    assert list(selectors.answer_templates_for(organisation=gironde.organisation)) == [national]
    client.force_login(local_manager)
    compose_url = reverse("voice_backoffice:answer_compose", kwargs={"uuid": experience.uuid})
    page = client.get(compose_url)
    assert list(page.context["templates"]) == [national, mine]
    # another service's template cannot be sent for this experience
    with pytest.raises(VoiceError) as refused:
        services.answer_draft_save(
            experience=experience,
            actor=local_manager,
            text="Nous avons revu votre dossier cette semaine.",
            template=other,
        )
    assert refused.value.code == "template_mismatch"
    with django_capture_on_commit_callbacks(execute=True):
        answer = services.answer_draft_save(
            experience=experience,
            actor=local_manager,
            text="Nous avons revu votre dossier cette semaine.",
            template=mine,
        )
    assert answer.template == mine


def test_the_template_pages_are_for_quality_roles_only(client, gironde):
    agent = MembershipFactory(organisation=gironde.organisation, role=Role.AGENT).user
    supervisor = MembershipFactory(
        organisation=None, local_service=gironde, role=Role.SUPERVISOR
    ).user
    for user in (agent, supervisor):
        client.force_login(user)
        assert MENU_ENTRY not in client.get(reverse("backoffice:dashboard")).content.decode()
        assert client.get(reverse("voice_backoffice:template_list")).status_code == 403
        assert client.get(reverse("voice_backoffice:template_create")).status_code == 403


def test_managers_set_personalisation_and_channel_limits_with_french_errors(client, gironde):
    manager = MembershipFactory(organisation=gironde.organisation, role=Role.QUALITY_MANAGER).user
    client.force_login(manager)
    create_url = reverse("voice_backoffice:template_create")
    page = client.get(create_url).content.decode()
    assert "Doit être personnalisé avant envoi" in page
    assert "SMS : 2 segments au plus" in page  # the help text's example
    base = {"organisation": gironde.organisation_id, "title": "Rendez-vous", "is_active": "on"}
    for value, message in (("0", "Indiquez au moins 1 segment"), ("11", "10 segments au plus.")):
        refused = client.post(create_url, {**base, "body": BODY, "sms_max_segments": value})
        assert refused.status_code == 400
        assert message in refused.content.decode()
    refused = client.post(create_url, {**base, "body": BODY, "chat_max_characters": "9000"})
    assert "5000 caractères au plus." in refused.content.decode()
    # Without a passage to complete: only if it need not be personalised.
    fixed = "Bonjour, votre rendez-vous est confirmé."
    refused = client.post(create_url, {**base, "body": fixed, "must_personalise": "oui"})
    assert "au moins un passage à compléter" in refused.content.decode()
    too_long = client.post(
        create_url,
        {**base, "body": fixed, "must_personalise": "non", "sms_max_characters": "20"},
    )
    assert too_long.status_code == 400
    assert "plus que la limite SMS (20)" in too_long.content.decode()
    created = client.post(
        create_url,
        {
            **base,
            "body": fixed,
            "must_personalise": "non",
            "sms_max_segments": "1",
            "chat_max_characters": "500",
        },
    )
    assert created.status_code == 302
    template = AnswerTemplate.objects.get(title="Rendez-vous")
    assert not template.must_personalise
    assert template.channel_limits == {"sms": {"max_segments": 1}, "chat": {"max_characters": 500}}
    # Never offered for a public answer; the edit form shows what is stored.
    assert template not in selectors.answer_templates_for(
        organisation=gironde.organisation, public_answer=True
    )
    edit_url = reverse("voice_backoffice:template_edit", kwargs={"pk": template.pk})
    form = client.get(edit_url).context["form"]
    assert form["must_personalise"].value() == "non"
    assert (form["sms_max_segments"].value(), form["chat_max_characters"].value()) == (1, 500)
    # Clearing the fields lifts the limits.
    edited = client.post(edit_url, {**base, "body": fixed, "must_personalise": "non"})
    assert edited.status_code == 302
    template.refresh_from_db()
    assert template.channel_limits == {}


def test_the_service_refuses_limits_out_of_bounds():
    manager = MembershipFactory(role=Role.QUALITY_MANAGER).user
    organisation = manager.memberships.get().organisation
    for limits in ({"sms": {"max_segments": 11}}, {"fax": {"max_characters": 5}}):
        with pytest.raises(VoiceError) as refused:
            services.answer_template_save(
                actor=manager,
                organisation=organisation,
                title="Limites",
                body=BODY,
                channel_limits=limits,
            )
        assert refused.value.code == "invalid_channel_limits"
    assert not AnswerTemplate.objects.exists()
