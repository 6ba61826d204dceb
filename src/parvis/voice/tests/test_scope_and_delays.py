"""Scope that matches the work, delays people can trust (issue 11, items 1 and 2).

An experience is about its competent local service, stored at submission when the
citizen chose none, so a France Services recording reaches the local team of the partner;
the team of a site reads what was recorded there. The public answer is due a target of
working days of the experience's place after its publication: the date is stored at
publication, follows the answer policy, and « en retard » compares it with the time of
reading.
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from parvis.accounts.models import Role
from parvis.accounts.tests.factories import MembershipFactory, UserFactory
from parvis.directory.tests.factories import (
    LocalServiceFactory,
    OrganisationFactory,
    SiteFactory,
)
from parvis.publication.models import PublicExperience
from parvis.territories.tests.factories import CommuneFactory, DepartementFactory
from parvis.voice import selectors, services
from parvis.voice.models import AnswerPolicy, Experience
from parvis.voice.models import ExperienceStatus as S
from parvis.voice.services import Actor
from parvis.voice.tests.factories import MASKED_TEXT, MASKED_TITLE, ExperienceFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def _paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=PARIS)


class Gironde:
    """The CAF with its Gironde and Rhône services, a CAF counter in Bordeaux and a France
    Services site in Gironde (run by a commune) where the CAF is a partner."""

    def __init__(self) -> None:
        gironde = DepartementFactory()
        rhone = DepartementFactory(code="69", name="Rhône")
        self.caf = OrganisationFactory(slug="caf", name="Caisse d’allocations familiales")
        self.cpam = OrganisationFactory(slug="assurance-maladie", name="Assurance Maladie")
        self.caf33 = LocalServiceFactory(
            organisation=self.caf, name="CAF de la Gironde", main_departement=gironde
        )
        self.caf69 = LocalServiceFactory(
            organisation=self.caf, name="CAF du Rhône", main_departement=rhone
        )
        self.cpam33 = LocalServiceFactory(organisation=self.cpam, main_departement=gironde)
        self.counter = SiteFactory(local_service=self.caf33)
        self.france_services = SiteFactory(
            france_services=True, commune=CommuneFactory(departement=gironde)
        )
        self.france_services.partners.add(self.caf, self.cpam)

    def member(self, role: str = Role.AGENT, **scope: Any) -> Any:
        scope.setdefault("organisation", None)
        return MembershipFactory(role=role, **scope).user


@pytest.fixture
def world() -> Gironde:
    return Gironde()


def _submit(world: Gironde, **kwargs: Any) -> Experience:
    kwargs.setdefault("organisation", world.caf)
    return services.experience_submit(
        title="Accueil pour mon dossier",
        text="L’usager a été bien reçu pour son dossier d’allocation logement.",
        **kwargs,
    ).experience


def _publish(experience: Experience) -> Experience:
    """What the engine and a moderator do (the engine is not the subject here)."""
    Experience.objects.filter(pk=experience.pk).update(
        status=S.IN_MODERATION,
        masked_title=MASKED_TITLE,
        masked_text=MASKED_TEXT,
        processed_at=timezone.now(),
    )
    experience.refresh_from_db()
    return services.experience_publish(
        experience=experience, moderator=UserFactory(platform_moderator=True)
    )


# --- The competent local service, stored at submission ---------------------------------


def test_submission_stores_the_competent_local_service_when_none_was_chosen(world):
    # a France Services site of Gironde: the partner's service of Gironde
    assert _submit(world, site=world.france_services).local_service == world.caf33
    assert (
        _submit(world, organisation=world.cpam, site=world.france_services).local_service
        == world.cpam33
    )
    # the organisation's own counter: its local service
    assert _submit(world, site=world.counter).local_service == world.caf33
    # recorded at a counter about the organisation, no site named: the counter's département
    agent = world.member(site=world.france_services)
    assisted = _submit(
        world,
        actor=agent,
        actor_label=Actor.AGENT,
        assisted_by=agent,
        assisted_site=world.france_services,
    )
    assert assisted.local_service == world.caf33 and assisted.site is None
    assert assisted.departement_id == "33"
    # a chosen local service is kept; nothing known of the place: the national level
    assert (
        _submit(world, local_service=world.caf69, site=world.france_services).local_service
        == world.caf69
    )
    assert _submit(world).local_service is None
    # an inactive service is not competent
    world.caf33.is_active = False
    world.caf33.save()
    assert _submit(world, site=world.france_services).local_service is None


def test_a_france_services_recording_reaches_the_local_caf_team(client, world):
    adviser = world.member(site=world.france_services)
    client.force_login(adviser)
    response = client.post(
        reverse("voice_backoffice:assisted_create"),
        {
            "assisted_site": world.france_services.pk,
            "organisation": world.caf.pk,
            "title": "Aide pour ma déclaration",
            "text": "L’usager explique qu’on l’a bien aidé à remplir sa déclaration.",
            "tone": "positif",
            "consent": "on",
        },
    )
    assert response.status_code == 302
    experience = Experience.objects.get()
    assert experience.local_service == world.caf33  # stored at submission
    _publish(experience)
    detail = reverse("voice_backoffice:experience_detail", kwargs={"uuid": experience.uuid})
    listing = reverse("voice_backoffice:experience_list")

    caf33_agent = world.member(local_service=world.caf33)
    caf33_supervisor = world.member(Role.SUPERVISOR, local_service=world.caf33)
    for reader in (caf33_agent, caf33_supervisor, adviser):
        client.force_login(reader)
        assert str(experience.uuid) in client.get(listing).content.decode()
        page = client.get(detail)
        assert page.status_code == 200 and MASKED_TEXT[:20] in page.content.decode()
        # reading is not answering
        compose = reverse("voice_backoffice:answer_compose", kwargs={"uuid": experience.uuid})
        assert compose not in page.content.decode()
        assert client.get(compose).status_code == 403

    # the local quality manager answers it
    caf33_quality = world.member(Role.QUALITY_MANAGER, local_service=world.caf33)
    client.force_login(caf33_quality)
    compose = reverse("voice_backoffice:answer_compose", kwargs={"uuid": experience.uuid})
    assert compose in client.get(detail).content.decode()
    assert client.get(compose).status_code == 200

    # another organisation, another département, another site: outside the scope
    for outsider in (
        world.member(organisation=world.cpam),
        world.member(local_service=world.cpam33),
        world.member(local_service=world.caf69),
        world.member(site=world.counter),
    ):
        client.force_login(outsider)
        assert client.get(detail).status_code == 404
        assert str(experience.uuid) not in client.get(listing).content.decode()


def test_the_team_of_a_site_reads_what_it_recorded_there(client, world):
    """Through ``assisted_site`` too, when the experience names no site."""
    adviser = world.member(site=world.france_services)
    experience = _publish(
        _submit(
            world,
            actor=adviser,
            actor_label=Actor.AGENT,
            assisted_by=adviser,
            assisted_site=world.france_services,
        )
    )
    colleague = world.member(site=world.france_services)
    client.force_login(colleague)
    detail = reverse("voice_backoffice:experience_detail", kwargs={"uuid": experience.uuid})
    assert client.get(detail).status_code == 200
    assert list(selectors.experiences_for_service(colleague)) == [experience]


def test_every_role_with_a_menu_entry_to_the_experiences_finds_them(client, world):
    """The menu shows « Expériences des usagers » to every role of a service: none of them
    lands on an empty page while experiences about the service are published."""
    experience = ExperienceFactory(published=True, local_service=world.caf33)
    for role in (Role.AGENT, Role.SUPERVISOR, Role.QUALITY_MANAGER):
        client.force_login(world.member(role, local_service=world.caf33))
        dashboard = client.get(reverse("backoffice:dashboard")).content.decode()
        assert reverse("voice_backoffice:experience_list") in dashboard
        listing = client.get(reverse("voice_backoffice:experience_list")).content.decode()
        assert str(experience.uuid) in listing
        # the page's shortcuts are only those the role opens
        overdue = reverse("voice_backoffice:overdue")
        assert (overdue in listing) == (role == Role.QUALITY_MANAGER)


def test_the_list_shows_the_oldest_unanswered_first(client, world):
    now = timezone.now()

    def published(days_ago: int, **kwargs: Any) -> Experience:
        experience = ExperienceFactory(local_service=world.caf33, **kwargs)
        Experience.objects.filter(pk=experience.pk).update(
            published_at=now - dt.timedelta(days=days_ago)
        )
        return experience

    recent_answered = published(2, answered=True)
    old_answered = published(90, answered=True)
    waiting = published(5, published=True)
    waiting_longest = published(40, published=True)
    reader = world.member(local_service=world.caf33)
    ordered = list(selectors.experiences_for_service(reader))
    assert ordered == [waiting_longest, waiting, recent_answered, old_answered]
    client.force_login(reader)
    page = client.get(reverse("voice_backoffice:experience_list")).content.decode()
    positions = [page.index(str(e.uuid)) for e in ordered]
    assert positions == sorted(positions)


# --- The answer due date ------------------------------------------------------------------


def test_the_due_date_counts_working_days_of_the_place_from_the_publication(settings, world):
    """Published Thursday 30 April 2026 in Gironde, target 3 working days: 1 May (Friday)
    is a holiday, then a weekend; 4, 5 and 6 May are the three days, so the answer is due
    before 7 May 00:00 there; late from then on, not before."""
    settings.VOICE_ANSWER_TARGET_WORKING_DAYS = 3
    experience = ExperienceFactory(
        published=True, local_service=world.caf33, published_at=_paris(2026, 4, 30, 9)
    )
    due = selectors.answer_due_at_for(experience)
    assert due == _paris(2026, 5, 7)
    Experience.objects.filter(pk=experience.pk).update(answer_due_at=due)
    experience.refresh_from_db()
    assert not selectors.is_late(experience, now=_paris(2026, 5, 6, 23, 59))
    assert selectors.is_late(experience, now=_paris(2026, 5, 7, 0, 0))
    # La Réunion has its own calendar (20 December) and time zone
    reunion = LocalServiceFactory(
        organisation=world.caf, main_departement=DepartementFactory(reunion=True)
    )
    overseas = ExperienceFactory(
        published=True,
        local_service=reunion,
        departement=reunion.main_departement,
        published_at=dt.datetime(2027, 12, 16, 6, tzinfo=dt.UTC),  # Thursday, 10:00 there
    )
    assert selectors.answer_due_at_for(overseas) == dt.datetime(
        2027, 12, 23, tzinfo=ZoneInfo("Indian/Reunion")
    )  # 17, 21, 22 December: the 18-19 weekend and the 20 December holiday skipped


def test_publication_stores_the_due_date(world, django_capture_on_commit_callbacks):
    experience = _submit(world, site=world.counter)
    with django_capture_on_commit_callbacks(execute=True):
        experience = _publish(experience)
    experience.refresh_from_db()
    assert experience.answer_due_at is not None
    assert experience.answer_due_at == selectors.answer_due_at_for(experience)
    assert experience.answer_due_at > experience.published_at
    # and the public read model has its copy
    row = PublicExperience.objects.get(uuid=experience.uuid)
    assert row.answer_due_at == experience.answer_due_at


def test_reminders_count_from_the_publication_not_the_submission(settings, world):
    """Submitted a month before its publication: the reminder waits for the due date."""
    settings.VOICE_ANSWER_TARGET_WORKING_DAYS = 3
    experience = ExperienceFactory(published=True, local_service=world.caf33)
    Experience.objects.filter(pk=experience.pk).update(
        submitted_at=_paris(2026, 3, 30, 9), published_at=_paris(2026, 4, 30, 9)
    )
    experience.refresh_from_db()
    due = selectors.answer_due_at_for(experience)
    world.member(Role.QUALITY_MANAGER, organisation=world.caf)
    day_before = due - dt.timedelta(hours=12)  # noon of the last day of the target
    assert services.experiences_follow_up_answers(now=day_before)["reminded"] == 0
    assert services.experiences_follow_up_answers(now=due + dt.timedelta(hours=12)) == {
        "reminded": 1,
        "escalated": 0,
    }


def test_a_new_answer_policy_moves_the_due_dates_of_unanswered_experiences(
    settings, world, django_capture_on_commit_callbacks
):
    settings.VOICE_ANSWER_TARGET_WORKING_DAYS = 10
    published_at = _paris(2026, 4, 30, 9)
    waiting = ExperienceFactory(
        published=True, local_service=world.caf33, published_at=published_at
    )
    answered = ExperienceFactory(
        answered=True, local_service=world.caf33, published_at=published_at
    )
    elsewhere = ExperienceFactory(published=True, published_at=published_at)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.experiences_answer_due_refresh(include_answered=True) == 3
    ten_days = selectors.answer_due_at_for(waiting)
    admin = world.member(Role.ORGANISATION_ADMIN, organisation=world.caf)
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_policy_save(
            actor=admin,
            organisation=world.caf,
            target_working_days=3,
            escalation_working_days=2,
        )
    for experience in (waiting, answered, elsewhere):
        experience.refresh_from_db()
    assert waiting.answer_due_at == _paris(2026, 5, 7)
    assert answered.answer_due_at == ten_days  # an answered experience keeps its history
    assert elsewhere.answer_due_at == ten_days  # another organisation
    # the public copy follows (the change is announced to publication)
    assert PublicExperience.objects.get(uuid=waiting.uuid).answer_due_at == _paris(2026, 5, 7)
    # nothing changed, nothing announced; back to the default when the policy goes
    assert services.experiences_answer_due_refresh(organisation=world.caf) == 0
    services.answer_policy_delete(actor=admin, policy=AnswerPolicy.objects.get())
    waiting.refresh_from_db()
    assert waiting.answer_due_at == ten_days
    # an agent does not set the target
    with pytest.raises(services.VoiceError) as refused:
        services.answer_policy_save(
            actor=world.member(organisation=world.caf),
            organisation=world.caf,
            target_working_days=1,
            escalation_working_days=1,
        )
    assert refused.value.status == 403


def test_the_admin_saves_the_policy_through_the_service(client, settings, world):
    settings.VOICE_ANSWER_TARGET_WORKING_DAYS = 10
    waiting = ExperienceFactory(
        published=True, local_service=world.caf33, published_at=_paris(2026, 4, 30, 9)
    )
    client.force_login(UserFactory(platform_admin=True))
    response = client.post(
        reverse("admin:voice_answerpolicy_add"),
        {
            "organisation": world.caf.pk,
            "target_working_days": 3,
            "escalation_working_days": 2,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    waiting.refresh_from_db()
    assert waiting.answer_due_at == _paris(2026, 5, 7)
    policy = AnswerPolicy.objects.get()
    client.post(reverse("admin:voice_answerpolicy_delete", args=[policy.pk]), {"post": "yes"})
    assert not AnswerPolicy.objects.exists()
    waiting.refresh_from_db()
    assert waiting.answer_due_at == selectors.answer_due_at_for(waiting)
    assert waiting.answer_due_at > _paris(2026, 5, 7)


# --- Backfill -----------------------------------------------------------------------------

migration = importlib.import_module("parvis.voice.migrations.0007_competent_service_and_due_dates")


def test_the_backfill_gives_old_rows_their_competent_service_and_due_date(settings, world):
    settings.VOICE_ANSWER_TARGET_WORKING_DAYS = 3
    published_at = _paris(2026, 4, 30, 9)
    adviser = world.member(site=world.france_services)
    # stored the old way: a France Services recording with no local service
    recorded = ExperienceFactory(
        published=True,
        local_service=None,
        organisation=world.caf,
        site=world.france_services,
        departement=world.france_services.commune.departement,
        is_assisted=True,
        assisted_by=adviser,
        assisted_site=world.france_services,
        published_at=published_at,
    )
    # recorded with no site but at a counter
    at_counter = ExperienceFactory(
        published=True,
        local_service=None,
        organisation=world.caf,
        departement=None,
        assisted_site=world.france_services,
        published_at=published_at,
    )
    # a partner's France Services site once gave its own local service, of another body
    foreign = ExperienceFactory(
        in_moderation=True, local_service=world.cpam33, organisation=world.caf
    )
    Experience.objects.filter(pk=foreign.pk).update(site=world.france_services)
    national = ExperienceFactory(
        published=True, local_service=None, organisation=world.caf, departement=None
    )
    chosen = ExperienceFactory(published=True, local_service=world.caf69, published_at=published_at)
    Experience.objects.update(answer_due_at=None)
    AnswerPolicy.objects.create(
        organisation=world.caf, target_working_days=4, escalation_working_days=1
    )

    migration.forward(apps, None)

    for experience in (recorded, at_counter, foreign, national, chosen):
        experience.refresh_from_db()
    assert recorded.local_service == world.caf33 and at_counter.local_service == world.caf33
    assert foreign.local_service == world.caf33
    assert national.local_service is None and chosen.local_service == world.caf69
    # due dates: the organisation's policy (4 working days) from the publication
    assert recorded.answer_due_at == _paris(2026, 5, 8)
    assert chosen.answer_due_at == selectors.answer_due_at_for(chosen)
    assert national.answer_due_at == selectors.answer_due_at_for(national)
    assert foreign.answer_due_at is None  # not published
    # the France Services team of Gironde reads it now
    reader = world.member(local_service=world.caf33)
    assert recorded in selectors.experiences_for_service(reader)
    # twice is the same as once
    migration.forward(apps, None)
    recorded.refresh_from_db()
    assert recorded.local_service == world.caf33 and recorded.answer_due_at == _paris(2026, 5, 8)


def test_the_reference_backfill_numbers_old_experiences_after_the_counter(world):
    """Experiences from before references get ``EXP-<year>-<n>`` in submission order, after
    the numbers the counter already gave that year; running it again changes nothing."""
    from parvis.core.models import ReferenceCounter
    from parvis.core.services import next_reference

    backfill = importlib.import_module("parvis.voice.migrations.0010_backfill_references")
    new = ExperienceFactory(organisation=world.caf)
    Experience.objects.filter(pk=new.pk).update(reference=next_reference("EXP", 2026))
    older = ExperienceFactory(organisation=world.caf)
    oldest = ExperienceFactory(organisation=world.caf)
    last_year = ExperienceFactory(organisation=world.caf)
    Experience.objects.filter(pk=older.pk).update(
        reference=None, submitted_at=_paris(2026, 3, 2, 10)
    )
    Experience.objects.filter(pk=oldest.pk).update(
        reference=None,
        submitted_at=_paris(2026, 1, 1, 0, 30),  # 31 Dec 2025 in UTC
    )
    Experience.objects.filter(pk=last_year.pk).update(
        reference=None, submitted_at=_paris(2025, 6, 1, 9)
    )
    given = next_reference("EXP", 2026)  # the counter has moved on since
    last = int(given.rsplit("-", 1)[1])

    backfill.forward(apps, None)

    for experience in (new, older, oldest, last_year):
        experience.refresh_from_db()
    assert oldest.reference == f"EXP-2026-{last + 1:05d}"
    assert older.reference == f"EXP-2026-{last + 2:05d}"
    assert last_year.reference == "EXP-2025-00001"
    assert new.reference and new.reference != older.reference
    assert next_reference("EXP", 2026) == f"EXP-2026-{last + 3:05d}"
    assert ReferenceCounter.objects.get(prefix="EXP", year=2025).last == 1
    backfill.forward(apps, None)
    older.refresh_from_db()
    assert older.reference == f"EXP-2026-{last + 2:05d}"
