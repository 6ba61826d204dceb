"""The wallboard's figures as counted by SQL equal a direct count, contact by contact,
of the definitions (``core.metrics``, ``docs/routing.md`` › Supervision), on seeded
random days: queues with different targets, a queue in working days, an overseas queue
whose day starts at its own midnight, moments where the last 30 minutes cross a
midnight, and the awkward rows (an assignment before the contact entered the queue, an
answered contact closed as abandoned, a chat without handling time, yesterday's
contacts, contacts still waiting)."""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from typing import Any

import pytest

from parvis.accounts.models import Role
from parvis.accounts.tests.factories import MembershipFactory
from parvis.contacts.models import Conversation, Outcome, Status
from parvis.contacts.selectors import BUSINESS_TIME_CHANNELS, place_of_queue
from parvis.contacts.tests.factories import ConversationFactory, QueueFactory, channel
from parvis.core import metrics
from parvis.directory import servicelevels
from parvis.routing import selectors
from parvis.routing.tests.factories import QueuePolicyFactory
from parvis.territories.tests.factories import DepartementFactory

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
UTC = dt.UTC
MOMENTS = [
    dt.datetime(2025, 3, 12, 12, 0, tzinfo=PARIS),  # a Wednesday at noon
    dt.datetime(2025, 3, 12, 0, 10, tzinfo=PARIS),  # the last 30 minutes cross midnight
    dt.datetime(2025, 3, 11, 22, 30, tzinfo=UTC),  # already tomorrow in La Réunion
    dt.datetime(2025, 3, 17, 9, 0, tzinfo=PARIS),  # a Monday: working days span a weekend
]


def _queues() -> list[Any]:
    """Phone queues with two targets, a chat queue, an email queue in working days, and
    an overseas phone queue (no site: the calendar of its département), one organisation."""
    phone = QueuePolicyFactory(service_level_seconds=20, wrap_up_seconds=30)
    organisation, site = phone.queue.organisation, phone.queue.site
    policies = [
        phone,
        QueuePolicyFactory(
            queue=QueueFactory(organisation=organisation, site=site), service_level_seconds=60
        ),
        QueuePolicyFactory(
            queue=QueueFactory(organisation=organisation, site=site),
            service_level_seconds=30,
            wrap_up_seconds=0,
        ),
        QueuePolicyFactory(
            queue=QueueFactory(organisation=organisation, site=site),
            service_level_seconds=None,
            service_level_working_days=2,
        ),
        QueuePolicyFactory(
            queue=QueueFactory(
                organisation=organisation,
                site=None,
                departement=DepartementFactory(code="974", name="La Réunion"),
            ),
            service_level_seconds=20,
        ),
    ]
    return [policy.queue for policy in policies]


def _random_day(queues: list[Any], now: dt.datetime, rng: random.Random) -> None:
    channels = {slug: channel(slug) for slug in ("telephone", "chat", "courriel")}
    for n in range(160):
        queue = queues[n % len(queues)]
        email = queue.policy.service_level_working_days is not None
        slug = "courriel" if email else rng.choice(["telephone", "telephone", "chat"])
        # From eight days ago (emails) or thirty hours ago to a minute ahead of now's
        # window edges, with a cluster around the last 30 minutes and the midnights.
        span = dt.timedelta(days=8) if email else dt.timedelta(hours=30)
        queued = now - dt.timedelta(seconds=rng.uniform(0, span.total_seconds()))
        if rng.random() < 0.3:
            queued = now - dt.timedelta(minutes=rng.choice([29.9, 30, 30.1, 31, 5]))
        fields: dict[str, Any] = {"queue": queue, "channel": channels[slug], "queued_at": queued}
        draw = rng.random()
        wait = rng.choice([0, 2, 4.999, 5, 10, 19.5, 20, 20.5, 30, 45, 60, 61, 300])
        if draw < 0.5:  # answered, resolved or still in hand
            assigned = queued + dt.timedelta(seconds=wait)
            fields |= {"status": Status.ASSIGNED, "assigned_at": assigned}
            if email or rng.random() < 0.2:
                fields["first_answered_at"] = min(
                    now, assigned + dt.timedelta(hours=rng.uniform(0, 60))
                )
            if rng.random() < 0.8:
                fields |= {
                    "status": Status.RESOLVED,
                    "resolved_at": assigned + dt.timedelta(seconds=rng.uniform(30, 900)),
                    "outcome": rng.choice([Outcome.ANSWERED, Outcome.ANSWERED, Outcome.ABANDONED]),
                }
                if slug == "telephone" and rng.random() < 0.8:
                    fields["handling_seconds"] = rng.randint(10, 600)
        elif draw < 0.8:  # abandoned, perhaps after an offer assigned before it re-entered
            fields |= {
                "status": Status.RESOLVED,
                "resolved_at": queued + dt.timedelta(seconds=wait),
                "outcome": Outcome.ABANDONED,
            }
            if rng.random() < 0.2:
                fields["assigned_at"] = queued - dt.timedelta(minutes=3)
        elif draw < 0.9:  # waiting
            fields["status"] = Status.QUEUED
        else:  # resolved without an answer nor an abandon
            fields |= {
                "status": Status.RESOLVED,
                "resolved_at": queued + dt.timedelta(seconds=wait),
                "outcome": Outcome.ANSWERED,
            }
        ConversationFactory(**fields)


def _seconds(end: dt.datetime, start: dt.datetime) -> float:
    return (end - start).total_seconds()


def _direct(queue: Any, window_start: dt.datetime, now: dt.datetime) -> dict[str, Any]:
    """The figures of one queue over contacts entered since ``window_start``, one contact
    at a time, with the formulas of ``core.metrics``."""
    policy = queue.policy
    place = place_of_queue(queue)
    rows = list(Conversation.objects.filter(queue=queue, queued_at__gte=window_start))
    short = metrics.SHORT_ABANDON_SECONDS

    def answered(c: Conversation) -> bool:
        return c.assigned_at is not None and c.assigned_at >= c.queued_at

    abandoned = [
        _seconds(c.resolved_at, c.queued_at)
        for c in rows
        if c.outcome == Outcome.ABANDONED and c.resolved_at is not None and not answered(c)
    ]
    handled = [
        c for c in rows if answered(c) and c.resolved_at is not None and c.outcome != "abandoned"
    ]
    talks = [
        float(c.handling_seconds)
        if c.handling_seconds is not None
        else _seconds(c.resolved_at, c.assigned_at)
        for c in handled
        if c.handling_seconds is not None or c.channel_id in BUSINESS_TIME_CHANNELS
    ]
    if policy.service_level_working_days is None:
        level = metrics.service_level(
            answered_waits=[_seconds(c.assigned_at, c.queued_at) for c in rows if answered(c)],
            abandoned_waits=abandoned,
            threshold_seconds=policy.service_level_seconds or 0,
        )
        answered_count, within, after = level.answered, level.answered_within, None
        after = level.abandoned_after_threshold
    else:
        # Answered in the window; within when today is no later than the last working
        # day of the target counted from the arrival, on the queue's calendar.
        today = servicelevels.local_date(now, place)
        first_answers = Conversation.objects.filter(
            queue=queue, first_answered_at__gte=window_start
        )
        answered_count = first_answers.count()
        within = sum(
            servicelevels.add_working_days(
                servicelevels.local_date(c.queued_at, place),
                policy.service_level_working_days,
                place,
            )
            >= today
            for c in first_answers
        )
        after = 0
    return {
        "entered": len(rows),
        "answered": answered_count,
        "answered_within": within,
        "abandoned": sum(wait >= short for wait in abandoned),
        "abandoned_after_threshold": after,
        "short_abandons": sum(wait < short for wait in abandoned),
        "handled": len(handled),
        "abandon_rate": metrics.abandon_rate(abandoned_waits=abandoned, entered_queue=len(rows)),
        "handling_seconds": (
            metrics.handling_time(talk=sum(talks) / len(talks), wrap_up=policy.wrap_up_seconds)
            if talks
            else None
        ),
    }


def _counted(period: selectors.Period) -> dict[str, Any]:
    return {
        "entered": period.entered,
        "answered": period.answered,
        "answered_within": period.answered_within,
        "abandoned": period.abandoned,
        "abandoned_after_threshold": period.abandoned_after_threshold,
        "short_abandons": period.short_abandons,
        "handled": period.handled,
        "abandon_rate": period.abandon_rate,
        "handling_seconds": period.handling_seconds,
    }


@pytest.mark.parametrize("seed", range(3))
def test_the_counted_figures_equal_a_direct_count_of_each_contact(seed: int) -> None:
    rng = random.Random(seed)
    queues = _queues()
    supervisor = MembershipFactory(organisation=queues[0].organisation, role=Role.SUPERVISOR).user
    for now in MOMENTS:
        Conversation.objects.all().delete()
        _random_day(queues, now, rng)
        boards = {board.queue.pk: board for board in selectors.wallboard(supervisor, now=now)}
        assert set(boards) == {queue.pk for queue in queues}
        for queue in queues:
            place = place_of_queue(queue)
            midnight = dt.datetime.combine(
                servicelevels.local_date(now, place), dt.time(), tzinfo=place.tzinfo
            )
            recent = now - dt.timedelta(minutes=selectors.RECENT_MINUTES)
            board = boards[queue.pk]
            for period, start in ((board.day, midnight), (board.recent, recent)):
                expected = _direct(queue, start, now)
                counted = _counted(period)
                # SQLite's julianday() counts milliseconds: a chat's seconds within 0.01 s.
                assert counted["handling_seconds"] == pytest.approx(
                    expected["handling_seconds"], abs=0.01
                )
                expected["handling_seconds"] = counted["handling_seconds"]
                assert counted == expected, (now, queue.name, start)
