"""Staff of an organisation never learn who wrote an experience unless the citizen shares
it (joins it to their citizen record): the author's own moves keep no account in the
history nor in the organisation's audit journal, which reads « Un usager »."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from parvis.accounts.models import AuditEvent, Role
from parvis.accounts.services import CITIZEN_ACTOR, audit_record
from parvis.accounts.tests.factories import CitizenFactory, MembershipFactory
from parvis.voice import services
from parvis.voice.models import ExperienceStatus as S
from parvis.voice.models import ExperienceTransition
from parvis.voice.services import Actor
from parvis.voice.tests.factories import ExperienceFactory

pytestmark = pytest.mark.django_db

STORY = {
    "title": "Un accueil rapide",
    "text": "Tout s’est bien passé au guichet, la personne a été très claire.",
    "tone": "positif",
    "happened_on": "2026-01-15",
}


@pytest.fixture
def citizen():  # type: ignore[no-untyped-def]
    return CitizenFactory(full_name="Camille Usagère", email="camille@exemple.fr")


def _share_signed_in(client: Client, site, citizen):  # type: ignore[no-untyped-def]
    client.force_login(citizen)
    client.post(reverse("voice:share"), {"choice": f"site:{site.pk}"})
    client.post(reverse("voice:share_story"), STORY)
    sent = client.post(reverse("voice:share_contact"), {"email": "", "accept_charter": "on"})
    assert sent.status_code == 302, sent.content.decode()[:2000]
    return citizen.experiences.get()


def _journal(site, role: str) -> str:  # type: ignore[no-untyped-def]
    staff = MembershipFactory(organisation=site.organisation, role=role).user
    client = Client()
    client.force_login(staff)
    url = reverse("backoffice:audit", kwargs={"slug": site.organisation.slug})
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _traces(experience) -> list[tuple[object, str]]:  # type: ignore[no-untyped-def]
    rows = AuditEvent.objects.filter(target_type="voice.experience", target_id=str(experience.pk))
    return list(rows.values_list("actor_id", "actor_label"))


def test_the_journal_does_not_name_the_author_of_a_signed_in_submission(site, citizen):
    experience = _share_signed_in(Client(), site, citizen)
    assert experience.author == citizen  # « Mes expériences » still finds it
    # Nothing stored where the organisation reads: no account, no name.
    assert _traces(experience) == [(None, CITIZEN_ACTOR)]
    assert not experience.transitions.filter(actor__isnull=False).exists()
    html = _journal(site, Role.ORGANISATION_ADMIN)
    assert "Expérience déposée" in html and "Un usager" in html
    for secret in ("Camille", "Usagère", "camille@exemple.fr"):
        assert secret not in html


def test_the_authors_other_moves_are_unnamed_too(site, citizen):
    experience = ExperienceFactory(in_moderation=True, local_service=site.local_service)
    services.experience_attach_author(experience=experience, user=citizen)
    services.experience_correct(experience=experience, title="Titre corrigé", text=STORY["text"])
    services.experience_withdraw(experience=experience)
    experience.refresh_from_db()
    assert experience.status == S.WITHDRAWN
    moves = AuditEvent.objects.filter(
        target_id=str(experience.pk),
        action__in=["experience.author_attached", "experience.correct", "experience.withdraw"],
    )
    assert sorted(moves.values_list("actor_id", "actor_label")) == [(None, CITIZEN_ACTOR)] * 3
    assert not ExperienceTransition.objects.filter(
        experience=experience, actor__isnull=False
    ).exists()
    html = _journal(site, Role.ORGANISATION_ADMIN)
    assert "Camille" not in html and html.count("Un usager") >= 3


def test_staff_moves_keep_their_author(site, moderator):
    experience = ExperienceFactory(in_moderation=True, local_service=site.local_service)
    services.experience_publish(experience=experience, moderator=moderator)
    row = AuditEvent.objects.get(target_id=str(experience.pk), action="experience.publish")
    assert row.actor == moderator


def test_the_journal_is_refused_to_agents(client, site, citizen):
    _share_signed_in(client, site, citizen)
    agent = MembershipFactory(organisation=site.organisation, role=Role.AGENT).user
    client.force_login(agent)
    url = reverse("backoffice:audit", kwargs={"slug": site.organisation.slug})
    assert client.get(url).status_code == 403


def test_the_organisation_staff_pages_of_the_experience_do_not_name_the_author(site, citizen):
    experience = ExperienceFactory(published=True, author=citizen, local_service=site.local_service)
    for role in (Role.ORGANISATION_ADMIN, Role.AGENT, Role.QUALITY_MANAGER):
        staff = MembershipFactory(organisation=site.organisation, role=role).user
        client = Client()
        client.force_login(staff)
        for url in (
            reverse("voice_backoffice:experience_list"),
            reverse("voice_backoffice:experience_detail", kwargs={"uuid": experience.uuid}),
        ):
            response = client.get(url)
            assert response.status_code == 200, (role, url)
            body = response.content.decode()
            assert experience.masked_title in body
            for secret in ("Camille", "Usagère", "camille@exemple.fr"):
                assert secret not in body, (role, url)


def test_the_rows_written_before_forget_the_author(site, citizen):
    experience = ExperienceFactory(in_moderation=True, local_service=site.local_service)
    agent = MembershipFactory(organisation=site.organisation, role=Role.AGENT).user
    # As the code wrote them before: the author's account on the author's moves.
    web = audit_record(
        actor=citizen, action="experience.submit", target=experience, data={"source": "web"}
    )
    corrected = audit_record(actor=citizen, action="experience.correct", target=experience)
    assisted = audit_record(
        actor=agent, action="experience.submit", target=experience, data={"source": "assisted"}
    )
    logged = ExperienceTransition.objects.create(
        experience=experience, to_status=S.SUBMITTED, actor=citizen, actor_label=Actor.AUTHOR
    )
    migration = importlib.import_module("parvis.voice.migrations.0012_unnamed_author_in_logs")
    migration.forward(apps, None)
    for row in (web, corrected, assisted, logged):
        row.refresh_from_db()
    assert (web.actor, web.actor_label) == (None, CITIZEN_ACTOR)
    assert (corrected.actor, corrected.actor_label) == (None, CITIZEN_ACTOR)
    assert assisted.actor == agent  # the agent who recorded it at the counter stays
    assert logged.actor is None and logged.actor_label == Actor.AUTHOR
