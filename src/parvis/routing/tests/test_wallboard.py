"""The supervision wallboard: what a supervisor sees (and only their scope), the figures
counted on a hand-made day with the formulas of ``core.metrics``, the JSON of the same
figures, and a page whose query count does not grow with the number of queues."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parvis.accounts.models import Role
from parvis.accounts.tests.factories import MembershipFactory
from parvis.contacts.models import Outcome, Status
from parvis.contacts.tests.factories import ConversationFactory, QueueFactory, channel
from parvis.core import metrics
from parvis.core.menu import Viewer, build
from parvis.routing import selectors
from parvis.routing.models import Presence
from parvis.routing.tests.factories import QueuePolicyFactory, agent, arrive

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# A Wednesday at noon, Paris time (no public holiday that week).
NOON = dt.datetime(2025, 3, 12, 12, 0, tzinfo=PARIS)


def supervisor_of(organisation):  # type: ignore[no-untyped-def]
    return MembershipFactory(organisation=organisation, role=Role.SUPERVISOR).user


def session(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _ended(queue, *, wait: float, answered: bool, queued_at: dt.datetime, **fields):  # type: ignore[no-untyped-def]
    end = queued_at + dt.timedelta(seconds=wait)
    if answered:
        values = {
            "status": Status.RESOLVED,
            "assigned_at": end,
            "resolved_at": end + dt.timedelta(minutes=3),
            "outcome": Outcome.ANSWERED,
        }
    else:
        values = {"status": Status.RESOLVED, "resolved_at": end, "outcome": Outcome.ABANDONED}
    return ConversationFactory(
        queue=queue, channel=channel("telephone"), queued_at=queued_at, **{**values, **fields}
    )


def test_the_figures_of_a_hand_made_day_follow_the_metrics_formulas():
    policy = QueuePolicyFactory(
        service_level_seconds=20, service_level_share=0.8, wrap_up_seconds=30
    )
    queue = policy.queue
    morning = NOON - dt.timedelta(hours=2)
    recent = NOON - dt.timedelta(minutes=10)
    answered = [10.0] * 8 + [60.0] * 2
    for wait in answered:
        _ended(queue, wait=wait, answered=True, queued_at=morning, handling_seconds=120)
    short = [2.0, 3.0]
    after = [40.0, 50.0, 90.0]
    for wait in short:
        _ended(queue, wait=wait, answered=False, queued_at=morning)
    for wait in after:
        _ended(queue, wait=wait, answered=False, queued_at=recent)
    _ended(queue, wait=10.0, answered=False, queued_at=morning)  # ≥ 5 s, within T
    # Yesterday's contacts are not today's.
    _ended(queue, wait=500.0, answered=False, queued_at=NOON - dt.timedelta(days=1))

    [board] = selectors.wallboard(supervisor_of(queue.organisation), now=NOON)

    abandoned = [*short, *after, 10.0]
    expected = metrics.service_level(
        answered_waits=answered, abandoned_waits=abandoned, threshold_seconds=20
    )
    assert board.day.answered == 10 and board.day.answered_within == 8
    assert board.day.abandoned_after_threshold == 3 and board.day.short_abandons == 2
    assert board.day.service_level == expected.value == pytest.approx(8 / 13)
    assert board.day.entered == 16
    assert board.day.abandon_rate == metrics.abandon_rate(
        abandoned_waits=abandoned, entered_queue=16
    )
    assert board.day.abandon_rate == pytest.approx(4 / 16)
    assert board.day.handling_seconds == pytest.approx(120 + 30)
    # The last 30 minutes: only the three late abandons, so 0 % and an alert.
    assert board.recent.entered == 3 and board.recent.service_level == 0
    assert {"service_level_day", "service_level_recent"} <= set(board.alerts)


def test_a_chat_without_handling_seconds_counts_assignment_to_resolution():
    policy = QueuePolicyFactory(wrap_up_seconds=0)
    queued = NOON - dt.timedelta(hours=1)
    ConversationFactory(
        queue=policy.queue,
        channel=channel("chat"),
        status=Status.RESOLVED,
        queued_at=queued,
        assigned_at=queued + dt.timedelta(seconds=5),
        resolved_at=queued + dt.timedelta(seconds=5 + 240),
        outcome=Outcome.ANSWERED,
    )
    [board] = selectors.wallboard(supervisor_of(policy.queue.organisation), now=NOON)
    assert board.day.handling_seconds == pytest.approx(240)


def test_an_email_queue_counts_working_days_on_its_calendar():
    policy = QueuePolicyFactory(service_level_seconds=None, service_level_working_days=2)
    queue = policy.queue
    answered_at = NOON - dt.timedelta(hours=1)
    for queued in (
        dt.datetime(2025, 3, 11, 9, 0, tzinfo=PARIS),  # yesterday: within 2 working days
        dt.datetime(2025, 3, 10, 9, 0, tzinfo=PARIS),  # Monday: still within (due Wed night)
        dt.datetime(2025, 3, 3, 9, 0, tzinfo=PARIS),  # last week: late
    ):
        ConversationFactory(
            queue=queue,
            status=Status.ASSIGNED,
            queued_at=queued,
            assigned_at=answered_at,
            first_answered_at=answered_at,
        )
    [board] = selectors.wallboard(supervisor_of(queue.organisation), now=NOON)
    assert (board.day.answered, board.day.answered_within) == (3, 2)
    assert board.day.service_level == pytest.approx(2 / 3)


def test_live_state_waiting_contacts_longest_wait_and_agents_by_presence():
    policy = QueuePolicyFactory()
    queue = policy.queue
    agent(queue, presence=Presence.BREAK)
    agent(queue, presence=Presence.OFFLINE)
    first = arrive(queue)
    arrive(queue)
    supervisor = supervisor_of(queue.organisation)

    [board] = selectors.wallboard(supervisor)

    assert board.waiting == 2 and board.offered == 0
    assert board.longest_wait_seconds is not None and board.longest_wait_seconds >= 0
    assert board.oldest_arrival == first.routing_entry.arrived_at
    assert board.presence == {Presence.BREAK: 1, Presence.OFFLINE: 1}
    assert "nobody_staffed" in board.alerts


def test_a_supervisor_sees_only_the_routed_queues_of_their_organisation():
    mine = QueuePolicyFactory().queue
    theirs = QueuePolicyFactory().queue
    QueueFactory(organisation=mine.organisation, site=mine.site)  # not routed: not shown
    supervisor = supervisor_of(mine.organisation)
    client = session(supervisor)

    page = client.get(reverse("routing:wallboard"))
    assert page.status_code == 200
    assert f'data-queue="{mine.pk}"' in page.content.decode()
    assert f'data-queue="{theirs.pk}"' not in page.content.decode()
    assert client.get(reverse("routing:queue", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("routing:queue", args=[mine.pk])).status_code == 200

    data = client.get("/api/v1/routage/wallboard").json()
    assert [q["id"] for q in data["queues"]] == [mine.pk]


def test_an_agent_without_supervise_is_refused_and_has_no_menu_entry():
    queue = QueuePolicyFactory().queue
    member = agent(queue)
    supervisor = supervisor_of(queue.organisation)
    client = session(member)

    assert client.get(reverse("routing:wallboard")).status_code == 403
    assert client.get(reverse("routing:queue", args=[queue.pk])).status_code == 403
    assert client.get("/api/v1/routage/wallboard").status_code == 403

    def labels(user) -> list[str]:  # type: ignore[no-untyped-def]
        return [item.label for item in build(Viewer(user), path="/espace-agents/")]

    assert "Supervision" not in labels(member)
    assert "Supervision" in labels(supervisor)
    # A supervisor without any routed queue has no entry either.
    assert "Supervision" not in labels(supervisor_of(QueueFactory().organisation))


def test_the_api_gives_the_figures_of_the_page():
    policy = QueuePolicyFactory(service_level_seconds=20)
    _ended(policy.queue, wait=5, answered=True, queued_at=NOON - dt.timedelta(hours=1))
    arrive(policy.queue)
    response = session(supervisor_of(policy.queue.organisation)).get("/api/v1/routage/wallboard")
    assert response.status_code == 200
    [queue] = response.json()["queues"]
    assert set(queue) == {
        "id",
        "name",
        "organisation",
        "paused",
        "target",
        "waiting",
        "offered",
        "longest_wait_seconds",
        "past_target",
        "agents",
        "day",
        "last_30_minutes",
        "alerts",
    }
    assert queue["waiting"] == 1
    assert queue["target"] == {"share": 0.8, "seconds": 20, "working_days": None}
    assert set(queue["day"]) == {
        "entered",
        "answered",
        "answered_within",
        "abandoned",
        "abandoned_after_threshold",
        "short_abandons",
        "service_level",
        "abandon_rate",
        "handling_seconds",
    }


def test_the_wallboard_query_count_does_not_grow_with_queues(django_assert_max_num_queries):
    first = QueuePolicyFactory().queue
    organisation = first.organisation
    agent(first)
    arrive(first)
    client = session(supervisor_of(organisation))
    url = reverse("routing:wallboard")
    client.get(url)  # warm the session and the process's caches
    selectors.forget_figures()  # count the figures' query too
    with CaptureQueriesContext(connection) as one_queue:
        assert client.get(url).status_code == 200
    for _ in range(6):
        queue = QueuePolicyFactory(
            queue=QueueFactory(organisation=organisation, site=first.site)
        ).queue
        agent(queue)
        arrive(queue)
    selectors.forget_figures()
    with django_assert_max_num_queries(len(one_queue)):
        page = client.get(url)
    assert page.content.decode().count("data-queue=") == 7


def test_a_live_wallboard_counts_the_day_once_for_a_few_seconds():
    policy = QueuePolicyFactory()
    supervisor = supervisor_of(policy.queue.organisation)
    _ended(policy.queue, wait=5, answered=True, queued_at=timezone.now() - dt.timedelta(minutes=5))
    [first] = selectors.wallboard(supervisor)
    _ended(policy.queue, wait=5, answered=True, queued_at=timezone.now() - dt.timedelta(minutes=5))
    [kept] = selectors.wallboard(supervisor)
    assert kept.recent.entered == first.recent.entered == 1
    selectors.forget_figures()
    [fresh] = selectors.wallboard(supervisor)
    assert fresh.recent.entered == 2


def test_a_level_reads_with_its_base_and_the_status_time_is_the_servers():
    """An email queue nobody entered today but with one late email answered today shows
    « 0 % » with « 0 sur 1 dans le délai, 0 entré », not a bare 0 % beside « 0 entré »;
    the live status line takes the time the server wrote in the fragment."""
    policy = QueuePolicyFactory(service_level_seconds=None, service_level_working_days=2)
    queue = policy.queue
    answered_at = timezone.now() - dt.timedelta(minutes=5)
    ConversationFactory(
        queue=queue,
        status=Status.ASSIGNED,
        queued_at=answered_at - dt.timedelta(days=20),
        assigned_at=answered_at,
        first_answered_at=answered_at,
    )
    client = session(supervisor_of(queue.organisation))

    fragment = client.get(reverse("routing:fragment_wallboard")).content.decode()

    day = fragment.split("data-service-level-day>")[1].split("</td>")[0]
    assert "0 sur 1 dans le délai" in day and "0 entré dans la file" in day
    assert "0 entrés" not in day
    assert "data-updated-at=" in fragment


def test_the_queue_page_shows_its_tiers_in_french():
    """The France Services escalation as its supervisor reads it: who is admitted at each
    tier, from which wait, among which sites or organisations."""
    from parvis.directory.tests.factories import OrganisationFactory
    from parvis.routing.tests.factories import SkillFactory, TierFactory

    policy = QueuePolicyFactory(skill=SkillFactory())  # the levels are held in its skill
    TierFactory(policy=policy, position=1, name="Conseillers France Services", min_level=1)
    caf = OrganisationFactory(short_name="CAF")
    TierFactory(
        policy=policy,
        position=2,
        name="Référents des partenaires",
        min_level=2,
        min_wait_seconds=120,
    ).organisations.add(caf)
    client = session(supervisor_of(policy.queue.organisation))
    html = client.get(reverse("routing:queue", args=[policy.queue.pk])).content.decode()
    assert "Paliers" in html
    assert "1. Conseillers France Services" in html and "dès l’arrivée" in html
    assert "2. Référents des partenaires" in html and "après 120\u00a0s" in html
    assert "2 – expert" in html and "<td>CAF</td>" in html
    assert "data-escalation" in html  # its level-2 tier opens later: advisers may ask


def test_contacts_waiting_past_the_target_are_counted_and_alerted_before_any_answer():
    """A contact still waiting past the target's delay counts in no service level until it
    is answered or abandoned (the formula): the wallboard says it waits late, in seconds
    or in working days on the queue's calendar, and alerts."""
    from parvis.routing.models import Entry

    emails = QueuePolicyFactory(service_level_seconds=None, service_level_working_days=2)
    calls = QueuePolicyFactory(service_level_seconds=20, queue=QueueFactory(site=emails.queue.site))
    for queue, arrived_at in (
        (emails.queue, dt.datetime(2025, 3, 10, 9, 0, tzinfo=PARIS)),  # Monday: still within
        (emails.queue, dt.datetime(2025, 3, 3, 9, 0, tzinfo=PARIS)),  # last week: late
        (calls.queue, NOON - dt.timedelta(seconds=10)),  # within 20 s
        (calls.queue, NOON - dt.timedelta(minutes=3)),  # late
        (calls.queue, NOON - dt.timedelta(minutes=4)),  # late
    ):
        Entry.objects.filter(conversation=arrive(queue)).update(arrived_at=arrived_at)
    supervisor = supervisor_of(emails.queue.organisation)

    boards = {b.queue: b for b in selectors.wallboard(supervisor, now=NOON)}

    assert boards[emails.queue].past_target == 1 and boards[calls.queue].past_target == 2
    assert all("waiting_past_target" in b.alerts for b in boards.values())
    assert boards[emails.queue].day.service_level is None  # nobody answered: no level
    page = session(supervisor).get(reverse("routing:fragment_wallboard"))
    assert "au-delà du délai" in page.content.decode()
    assert "des contacts attendent depuis plus longtemps que le délai visé" in (
        page.content.decode()
    )
