"""« Joindre à mon dossier usager »: a signed-in citizen joins their published experience
to their citizen record at its organisation (found by their proven address), and
withdraws it; the record's agents see its published masked text only, nobody else."""

from __future__ import annotations

import re

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse

from parvis.accounts.models import AuditEvent
from parvis.accounts.tests.factories import CitizenFactory, MembershipFactory
from parvis.contacts import selectors as contact_selectors
from parvis.contacts.errors import ContactError
from parvis.contacts.models import CitizenExperienceLink, CitizenRecord
from parvis.contacts.services import records
from parvis.contacts.tests.factories import CitizenConsentFactory, CitizenRecordFactory
from parvis.publication.services import publication_sync
from parvis.voice.tests.factories import MASKED_TEXT, ExperienceFactory

pytestmark = pytest.mark.django_db

ORIGINAL_WORDS = ("Lefèvre", "06 12 34 56 78")


def _url(name: str, experience) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"voice:{name}", kwargs={"uuid": experience.uuid})


def _published(author, **kwargs):  # type: ignore[no-untyped-def]
    experience = ExperienceFactory(published=True, author=author, **kwargs)
    assert publication_sync(experience_id=experience.pk) is not None
    return experience


def _record_with_email(organisation, email: str) -> CitizenRecord:  # type: ignore[no-untyped-def]
    """A record of ``organisation`` to which one of its agents added ``email``."""
    agent = MembershipFactory(organisation=organisation).user
    record = CitizenRecordFactory(organisation=organisation)
    records.citizen_contact_point_add(principal=agent, citizen=record, kind="email", value=email)
    return record


@pytest.fixture
def citizen():  # type: ignore[no-untyped-def]
    return CitizenFactory()


@pytest.fixture
def browser(citizen):  # type: ignore[no-untyped-def]
    """The citizen's browser, with CSRF checks on as in production."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    return client


def _post(browser: Client, url: str, page: str):  # type: ignore[no-untyped-def]
    """Submit the form of ``page`` that posts to ``url``, with the page's CSRF token."""
    content = browser.get(page).content.decode()
    assert f'action="{url}"' in content, "the page offers this button"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content)
    assert token is not None
    return browser.post(url, {"csrfmiddlewaretoken": token.group(1)})


def test_the_citizen_joins_then_withdraws_their_experience_and_the_agent_sees_the_masked_text(
    browser, citizen
):
    experience = _published(citizen)
    record = _record_with_email(experience.organisation, citizen.email.upper())
    agent = MembershipFactory(organisation=experience.organisation).user
    detail = _url("my_experience", experience)
    page = browser.get(detail).content.decode()
    assert "Joindre à mon dossier usager" in page
    assert "jamais le texte d’origine" in page

    # Without the CSRF token, nothing happens.
    assert browser.post(_url("my_experience_record_link", experience)).status_code == 403
    assert not CitizenExperienceLink.objects.exists()

    response = _post(browser, _url("my_experience_record_link", experience), detail)
    assert response.status_code == 302 and response["Location"] == detail
    link = CitizenExperienceLink.objects.get()
    assert link.citizen == record and link.experience_uuid == experience.uuid
    page = browser.get(detail).content.decode()
    assert "Jointe à votre dossier le" in page
    assert _url("my_experience_record_unlink", experience) in page
    audit = AuditEvent.objects.get(action="citizen.experience_linked")
    assert audit.actor == citizen and audit.data == {"link_id": link.pk}

    items = contact_selectors.citizen_timeline(agent, record).items
    shown = [i for i in items if i.kind == "experience"]
    assert [i.text for i in shown] == [MASKED_TEXT]
    rendered = " ".join(f"{i.label} {i.text}" for i in items)
    assert not any(word in rendered for word in ORIGINAL_WORDS)

    response = _post(browser, _url("my_experience_record_unlink", experience), detail)
    assert response.status_code == 302
    assert not CitizenExperienceLink.objects.exists()
    assert AuditEvent.objects.filter(action="citizen.experience_unlinked").count() == 1
    items = contact_selectors.citizen_timeline(agent, record).items
    assert not [i for i in items if i.kind == "experience"]
    assert "Joindre à mon dossier usager" in browser.get(detail).content.decode()


def test_another_authors_experience_is_a_404(browser, citizen):
    someone = CitizenFactory()
    experience = _published(someone)
    _record_with_email(experience.organisation, citizen.email)
    _record_with_email(experience.organisation, someone.email)
    client = Client()
    client.force_login(citizen)
    for name in ("my_experience", "my_experience_record_link", "my_experience_record_unlink"):
        method = client.get if name == "my_experience" else client.post
        assert method(_url(name, experience)).status_code == 404
    assert not CitizenExperienceLink.objects.exists()


def test_an_unpublished_experience_is_refused(citizen):
    experience = ExperienceFactory(in_moderation=True, author=citizen)
    record = _record_with_email(experience.organisation, citizen.email)
    client = Client()
    client.force_login(citizen)
    page = client.get(_url("my_experience", experience)).content.decode()
    assert "Joindre à mon dossier usager" not in page  # nothing offered before publication
    response = client.post(_url("my_experience_record_link", experience))
    assert response.status_code == 422
    assert "Seule une expérience publiée" in response.content.decode()
    assert not CitizenExperienceLink.objects.exists()
    with pytest.raises(ContactError) as refused:
        records.citizen_experience_link(
            actor=citizen, citizen=record, experience_uuid=experience.uuid
        )
    assert refused.value.code == "experience_not_published"


def test_a_record_of_another_organisation_is_refused(citizen):
    experience = _published(citizen)
    elsewhere = _record_with_email(CitizenRecordFactory().organisation, citizen.email)
    with pytest.raises(ContactError) as refused:
        records.citizen_experience_link(
            actor=citizen, citizen=elsewhere, experience_uuid=experience.uuid
        )
    assert refused.value.code == "experience_other_organisation"
    assert "autre organisme" in refused.value.message
    assert not CitizenExperienceLink.objects.exists()


def test_no_record_at_the_address_is_said_and_nothing_is_offered(citizen):
    experience = _published(citizen)
    # A record of the organisation at another address, one at this address elsewhere.
    _record_with_email(experience.organisation, "quelquun@exemple.fr")
    _record_with_email(CitizenRecordFactory().organisation, citizen.email)
    client = Client()
    client.force_login(citizen)
    page = client.get(_url("my_experience", experience)).content.decode()
    assert "Aucun dossier à votre adresse électronique auprès de" in page
    assert experience.organisation.name in page
    assert _url("my_experience_record_link", experience) not in page
    response = client.post(_url("my_experience_record_link", experience))
    assert response.status_code == 400
    assert not CitizenExperienceLink.objects.exists()


def test_an_address_not_proven_finds_no_record(citizen):
    """An agent's address was typed by an administrator: it finds no record."""
    experience = _published(citizen)
    _record_with_email(experience.organisation, citizen.email)
    MembershipFactory(user=citizen)
    assert not contact_selectors.citizen_records_of_account(
        citizen, organisation_id=experience.organisation_id
    ).exists()
    client = Client()
    client.force_login(citizen)
    page = client.get(_url("my_experience", experience)).content.decode()
    assert "ce n’est pas encore le cas de ce compte" in page
    assert _url("my_experience_record_link", experience) not in page


def test_a_merged_record_is_not_offered(citizen):
    experience = _published(citizen)
    survivor = CitizenRecordFactory(organisation=experience.organisation)
    merged = _record_with_email(experience.organisation, citizen.email)
    CitizenRecord.objects.filter(pk=merged.pk).update(merged_into=survivor)
    assert not contact_selectors.citizen_records_of_account(
        citizen, organisation_id=experience.organisation_id
    ).exists()


def test_an_agent_of_another_organisation_never_sees_it(citizen):
    experience = _published(citizen)
    record = _record_with_email(experience.organisation, citizen.email)
    records.citizen_experience_link(actor=citizen, citizen=record, experience_uuid=experience.uuid)
    own_agent = MembershipFactory(organisation=experience.organisation).user
    assert [i.kind for i in contact_selectors.citizen_timeline(own_agent, record).items] == [
        "experience"
    ]
    # Another organisation sharing the record's timeline by the citizen's consent sees the
    # record and its history, but not the experience joined to this organisation.
    other = CitizenRecordFactory().organisation
    CitizenConsentFactory(citizen=record, organisations=[other], shares_timeline=True)
    outsider = MembershipFactory(organisation=other).user
    assert contact_selectors.citizen_record_of(outsider, record.pk) == record
    assert contact_selectors.citizen_timeline(outsider, record).items == []
    # Without a consent the record does not exist for them.
    lone = MembershipFactory(organisation=CitizenRecordFactory().organisation).user
    with pytest.raises(Http404):
        contact_selectors.citizen_record_of(lone, record.pk)
