"""Each role's home: its to-do (count, oldest age in working days, colour) and a few
figures of its scope, every count a link to the list of those items.

Selectors are tested with a fixed ``now`` (delays in working days of Gironde, the
factories' département); pages with the clock of the day.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parvis.accounts.models import ApiToken, Role
from parvis.accounts.tests.factories import MembershipFactory, UserFactory
from parvis.backoffice import selectors
from parvis.directory.servicelevels import Lateness
from parvis.directory.tests.factories import (
    LocalServiceFactory,
    OrganisationFactory,
    SiteFactory,
)
from parvis.simplification.tests.factories import SimplificationRequestFactory
from parvis.voice import selectors as voice
from parvis.voice.models import AnswerStatus, Experience, ExperienceStatus
from parvis.voice.tests.factories import (
    AnswerTemplateFactory,
    ExperienceFactory,
    PublicAnswerFactory,
)

pytestmark = pytest.mark.django_db
UTC = dt.UTC
NOW = dt.datetime(2026, 6, 15, 12, tzinfo=UTC)  # a Monday
TODO = re.compile(r'<tr data-todo="([^"]+)">.*?data-count="(\d+)"', re.S)
LINK = re.compile(r'<tr data-(?:todo|figure)="([^"]+)">.*?<a class="fr-link" href="([^"]+)"', re.S)


def _day(month: int, day: int) -> dt.datetime:
    """10:00 UTC on a day of 2026 (no public holiday in February or June in Gironde)."""
    return dt.datetime(2026, month, day, 10, tzinfo=UTC)


def _submitted(at: dt.datetime, **traits) -> Experience:
    """An experience submitted at ``at`` (``submitted_at`` is set on creation)."""
    experience = ExperienceFactory(**traits)
    Experience.objects.filter(pk=experience.pk).update(submitted_at=at)
    return experience


def _dashboard(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("backoffice:dashboard")).content.decode()


def _todo(html: str) -> dict[str, int]:
    return {key: int(count) for key, count in TODO.findall(html)}


def _links(html: str) -> dict[str, str]:
    return {key: link.replace("&amp;", "&") for key, link in LINK.findall(html)}


def _row(html: str, key: str) -> str:
    return html.split(f'data-todo="{key}"', 1)[1].split("</tr>", 1)[0]


@pytest.fixture
def service():
    return LocalServiceFactory(organisation=OrganisationFactory(slug="caf", name="CAF"))


# --- Moderation -------------------------------------------------------------------------


def test_moderation_backlog_by_age_and_sensitivity():
    _submitted(_day(6, 1), in_moderation=True)  # 10 working days: late
    _submitted(_day(6, 11), in_moderation=True, sensitive=True)  # Thursday: 2, soon late
    _submitted(NOW - dt.timedelta(hours=1), in_moderation=True)
    ExperienceFactory()  # submitted, masking not done yet
    ExperienceFactory(published=True)  # not in the queue
    PublicAnswerFactory(status=AnswerStatus.IN_MODERATION)

    backlog = voice.moderation_backlog(now=NOW)

    assert backlog.experiences == voice.Backlog(3, 10, Lateness.LATE)
    assert backlog.sensitive == 1
    assert backlog.by_lateness == {Lateness.LATE: 1, Lateness.AT_RISK: 1, Lateness.ON_TIME: 1}
    assert backlog.awaiting_analysis == 1
    assert backlog.answers.count == 1 and backlog.answers.lateness is not None


def test_moderator_dashboard_links_each_count_to_its_queue(client):
    _submitted(timezone.now() - dt.timedelta(days=30), in_moderation=True, sensitive=True)
    SimplificationRequestFactory()  # submitted: to review
    SimplificationRequestFactory(received=True)
    html = _dashboard(client, UserFactory(platform_moderator=True))

    assert _todo(html) == {
        "moderation.experiences": 1,
        "moderation.answers": 0,
        "simplification.to_review": 1,
    }
    row = _row(html, "moderation.experiences")
    assert "dont 1 sensible" in row and "fr-badge--error" in row and "en retard" in row
    links = _links(html)
    assert links["moderation.experiences"] == reverse("voice_backoffice:moderation_queue")
    assert links["simplification.to_review"] == (
        reverse("simplification_backoffice:queue") + "?statut=deposee"
    )
    assert "Réponses aux usagers" not in html  # moderators answer no one


# --- Answers: quality managers and supervisors -------------------------------------------


def test_answer_figures_of_a_scope(service):
    quality = MembershipFactory(organisation=service.organisation, role=Role.QUALITY_MANAGER).user
    # Unanswered: one overdue (its due date passed), one due later, one not yet dated.
    ExperienceFactory(
        local_service=service,
        published=True,
        published_at=_day(6, 1),
        answer_due_at=NOW - dt.timedelta(days=1),
    )
    ExperienceFactory(
        local_service=service,
        published=True,
        published_at=_day(6, 8),
        answer_due_at=NOW + dt.timedelta(days=5),
    )
    ExperienceFactory(local_service=service, published=True, published_at=_day(6, 10))
    # Answered after 10 and 2 working days; and one published 13 months ago.
    for published, answered in (
        (_day(2, 2), _day(2, 16)),
        (_day(2, 2), _day(2, 4)),
        (NOW - dt.timedelta(days=400), NOW - dt.timedelta(days=390)),
    ):
        ExperienceFactory(
            local_service=service, answered=True, published_at=published, answered_at=answered
        )
    ExperienceFactory(published=True, published_at=_day(5, 4))  # another organisation

    figures = voice.answer_figures(quality, now=NOW)

    assert figures.unanswered == voice.Backlog(3, 10, Lateness.LATE)
    assert figures.overdue == 1
    assert figures.answered == 3
    assert (figures.published_in_window, figures.answered_in_window) == (5, 2)
    assert figures.answer_rate == 40.0
    assert (figures.median_working_days, figures.median_n) == (6.0, 2)


def test_an_undated_unanswered_experience_is_late_only_past_its_target(service):
    quality = MembershipFactory(organisation=service.organisation, role=Role.QUALITY_MANAGER).user
    ExperienceFactory(local_service=service, published=True, published_at=_day(6, 1))
    figures = voice.answer_figures(quality, now=NOW)
    # 10 working days against the default target of 10: due today, soon late, not late.
    assert figures.unanswered == voice.Backlog(1, 10, Lateness.AT_RISK)
    assert figures.overdue == 0


def test_quality_manager_dashboard_counts_match_the_lists(client, service):
    quality = MembershipFactory(organisation=service.organisation, role=Role.QUALITY_MANAGER).user
    ExperienceFactory(
        local_service=service,
        published=True,
        published_at=timezone.now() - dt.timedelta(days=40),
        answer_due_at=timezone.now() - dt.timedelta(days=20),
    )
    ExperienceFactory(local_service=service, answered=True)
    SimplificationRequestFactory(organisation=service.organisation)
    ExperienceFactory(published=True)  # elsewhere

    html = _dashboard(client, quality)

    assert _todo(html) == {
        "answers.unanswered": 1,
        "answers.overdue": 1,
        "simplification.to_review": 1,
    }
    unanswered = voice.experiences_for_service(quality, status=ExperienceStatus.PUBLISHED)
    assert _todo(html)["answers.unanswered"] == unanswered.count()
    assert "fr-badge--error" in _row(html, "answers.unanswered")
    # The overdue line says how long its oldest has waited (it said « — »).
    overdue = _row(html, "answers.overdue")
    assert "fr-badge--error" in overdue and "jours ouvrés" in overdue
    links = _links(html)
    assert links["answers.unanswered"] == (
        reverse("voice_backoffice:experience_list") + "?statut=published"
    )
    assert links["answers.overdue"] == reverse("voice_backoffice:overdue")
    assert links["answers.rate"] == reverse("voice_backoffice:experience_list") + "?statut=answered"
    assert "50\u202f%" in html  # one answered of the two published this year
    assert "Modération" not in html


def test_supervisor_follows_the_answers_without_the_overdue_page(client, service):
    supervisor = MembershipFactory(organisation=service.organisation, role=Role.SUPERVISOR).user
    ExperienceFactory(local_service=service, published=True)
    html = _dashboard(client, supervisor)
    todo = _todo(html)
    # The same read as the list the count links to, whatever scope that list has.
    assert todo["answers.unanswered"] == (
        voice.experiences_for_service(supervisor, status=ExperienceStatus.PUBLISHED).count()
    )
    assert "simplification.to_review" not in todo
    assert _links(html)["answers.overdue"] == (
        reverse("voice_backoffice:experience_list") + "?statut=published"
    )
    assert "Files d’attente" in html  # the hub's queues; the wallboard comes with routing


# --- Agents at a counter ------------------------------------------------------------------


def test_only_who_may_answer_is_told_a_recorded_experience_awaits_a_late_answer(client, service):
    """An agent records an experience; the service's quality managers answer it. The
    agent follows it, but « En retard » is an alert for those who can act on it."""
    site = SiteFactory(local_service=service, organisation=service.organisation)
    agent = MembershipFactory(organisation=None, site=site, role=Role.AGENT).user
    manager = MembershipFactory(organisation=service.organisation, role=Role.QUALITY_MANAGER).user
    recorded = {"is_assisted": True, "assisted_site": site, "site": site, "local_service": service}
    for author in (agent, manager):
        late = ExperienceFactory(published=True, assisted_by=author, **recorded)
        Experience.objects.filter(pk=late.pk).update(
            published_at=NOW - dt.timedelta(days=40), answer_due_at=NOW - dt.timedelta(days=10)
        )

    assert not voice.may_answer(agent) and voice.may_answer(manager)
    published = ExperienceStatus.PUBLISHED
    assert voice.counter_backlogs(manager, now=NOW)[published].lateness == Lateness.LATE
    as_agent = voice.counter_backlogs(agent, now=NOW)[published]
    assert as_agent.count == 1 and as_agent.lateness is None

    html = _dashboard(client, agent)
    assert _todo(html)["counter.published"] == 1
    assert "En retard" not in html and "fr-badge" not in _row(html, "counter.published")


def test_agent_sees_what_they_recorded_and_where_it_stands(client, service):
    site = SiteFactory(local_service=service, organisation=service.organisation)
    agent = MembershipFactory(organisation=None, site=site, role=Role.AGENT).user
    colleague = MembershipFactory(organisation=None, site=site, role=Role.AGENT).user
    recorded = {"is_assisted": True, "assisted_site": site, "site": site, "local_service": service}
    ExperienceFactory(in_moderation=True, assisted_by=agent, **recorded)
    ExperienceFactory(in_moderation=True, assisted_by=agent, **recorded)
    ExperienceFactory(answered=True, assisted_by=agent, **recorded)
    ExperienceFactory(published=True, assisted_by=colleague, **recorded)

    html = _dashboard(client, agent)

    todo = _todo(html)
    assert todo["counter.in_moderation"] == 2
    assert todo["counter.answered"] == 1
    assert todo["counter.published"] == 0
    assert _links(html)["counter.in_moderation"] == (
        reverse("backoffice:recordings") + "?statut=in_moderation"
    )
    assert "n’est pas encore disponible" not in html  # the desk is built: linked
    assert "Réponses aux usagers" not in html

    page = client.get(reverse("backoffice:recordings") + "?statut=in_moderation")
    assert page.status_code == 200
    assert page.content.decode().count("<tr>") == 1 + 2  # header + two rows
    everything = client.get(reverse("backoffice:recordings")).content.decode()
    assert "3 expériences enregistrées" in everything


def test_recordings_page_without_any(client, service):
    agent = MembershipFactory(organisation=service.organisation, role=Role.AGENT).user
    client.force_login(agent)
    html = client.get(reverse("backoffice:recordings") + "?statut=inconnu").content.decode()
    assert "Vous n’avez enregistré aucune expérience." in html


# --- Organisation admin and platform admin ------------------------------------------------


def test_organisation_admin_sees_members_tokens_and_templates(client, service):
    organisation = service.organisation
    admin = MembershipFactory(organisation=organisation, role=Role.ORGANISATION_ADMIN).user
    agent = MembershipFactory(organisation=organisation, role=Role.AGENT).user
    MembershipFactory(user=agent, organisation=None, local_service=service, role=Role.SUPERVISOR)
    ApiToken.objects.create(organisation=organisation, name="Portail", prefix="pvs_a", digest="a")
    ApiToken.objects.create(
        organisation=organisation,
        name="Ancien",
        prefix="pvs_b",
        digest="b",
        revoked_at=timezone.now(),
    )
    AnswerTemplateFactory(organisation=organisation)
    AnswerTemplateFactory(organisation=organisation, is_active=False)
    AnswerTemplateFactory()  # another organisation

    overview = selectors.organisation_overview(admin, organisation)
    assert overview == selectors.OrganisationOverview(
        members=2, active_tokens=1, active_templates=1
    )
    html = _dashboard(client, admin)
    links = _links(html)
    assert links["organisation.members"] == reverse("backoffice:members", kwargs={"slug": "caf"})
    assert links["organisation.tokens"] == reverse("backoffice:tokens", kwargs={"slug": "caf"})
    assert links["organisation.templates"] == reverse("voice_backoffice:template_list")


def test_platform_admin_gets_a_platform_overview(client, service):
    ExperienceFactory(local_service=service, published=True)
    admin = UserFactory(platform_admin=True)
    html = _dashboard(client, admin)
    overview = selectors.platform_overview(admin)
    assert overview.experiences[ExperienceStatus.PUBLISHED] == 1
    assert overview.organisations == 1 and overview.local_services == 1
    links = _links(html)
    assert links["platform.experiences.published"] == (
        reverse("admin:voice_experience_changelist") + "?status__exact=published"
    )
    assert links["platform.organisations"] == reverse("admin:directory_organisation_changelist")
    assert "moderation.experiences" in _todo(html)  # a platform admin moderates too


def test_no_dashboard_announces_what_exists(client, service):
    users = [
        UserFactory(platform_admin=True),
        UserFactory(platform_moderator=True),
        *(
            MembershipFactory(organisation=service.organisation, role=role).user
            for role in Role.values
        ),
    ]
    for user in users:
        html = _dashboard(client, user)
        assert "prochaine version" not in html


def test_dashboard_queries_do_not_grow_with_the_scope(
    client, service, django_assert_max_num_queries
):
    admin = MembershipFactory(organisation=service.organisation, role=Role.ORGANISATION_ADMIN)
    site = SiteFactory(local_service=service, organisation=service.organisation)

    def add(n: int) -> None:
        for index in range(n):
            ExperienceFactory(local_service=service, site=site, answered=True)
            ExperienceFactory(in_moderation=True, local_service=service)
            ExperienceFactory(
                local_service=service,
                published=True,
                published_at=timezone.now() - dt.timedelta(days=7 * index + 1),
            )

    add(2)
    client.force_login(admin.user)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("backoffice:dashboard"))
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("backoffice:dashboard"))


# --- Contacts -----------------------------------------------------------------------------


def test_the_contacts_panel_says_how_long_the_oldest_waits_and_links_the_desk(client):
    """« Le plus ancien attend depuis » reads the queued conversations' oldest wait (it
    said « — » beside conversations waiting for 13 days), and the agent desk is linked
    (the page said it was not available yet)."""
    from parvis.contacts.tests.factories import (
        ConversationFactory,
        QueueFactory,
        QueueMemberFactory,
    )

    site = SiteFactory()
    agent = MembershipFactory(organisation=site.organisation, role=Role.AGENT).user
    queue = QueueFactory(site=site, organisation=site.organisation)
    QueueMemberFactory(queue=queue, user=agent)
    now = timezone.now()
    ConversationFactory(
        queue=queue,
        queued_at=now - dt.timedelta(days=13, hours=5, minutes=1),
        first_answer_due_at=now - dt.timedelta(days=11),
    )
    ConversationFactory(
        queue=queue,
        queued_at=now - dt.timedelta(minutes=3),
        first_answer_due_at=now + dt.timedelta(days=2),
    )
    html = _dashboard(client, agent)
    assert _todo(html)["contacts.queued"] == 2
    row = _row(html, "contacts.queued")
    assert "13\xa0j\xa05\xa0h" in row
    # How many are past their first answer's deadline, and the line's colour.
    assert "dont 1 en retard" in row and "fr-badge--error" in row
    assert f'href="{reverse("desk:home")}"' in html and "Ouvrir le poste de travail" in html
    assert "n’est pas encore disponible" not in html
