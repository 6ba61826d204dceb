"""The facts aggregated inside PostgreSQL (``facts_sql``) are those of the Python builder
(``facts.Builder``) on the same rows: places, local days overseas, waits in seconds and in
working days across week-ends and holidays of Alsace-Moselle and La Réunion, abandons,
deadlines, outcomes, reopenings, France Services, questionnaires and their answers."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection, transaction

from parvis.contacts.models import (
    ConversationTransition,
    Outcome,
    Queue,
    Status,
    SurveyAnswer,
    SurveyInvitation,
)
from parvis.contacts.tests.factories import (
    ConversationFactory,
    QueueFactory,
    channel,
    triage_queue,
)
from parvis.directory.models import Site
from parvis.directory.tests.factories import (
    LocalServiceFactory,
    MotifFactory,
    OrganisationFactory,
    SiteFactory,
)
from parvis.quality import facts_sql, measures, services
from parvis.quality.models import DailyFact
from parvis.territories.tests.factories import CommuneFactory, DepartementFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="facts_sql runs on PostgreSQL only"
    ),
]

UTC = dt.UTC
FIRST, LAST = dt.date(2026, 4, 28), dt.date(2026, 5, 20)  # 1 and 8 May, Ascension
KEYS = ("organisation_id", "local_service_id", "site_id", "departement_id", "channel_id")
KEYS += ("motif_id", "queue_id")


def _places() -> list[Queue | Site]:
    """Queues and counters over Gironde, Moselle (its own holidays), La Réunion (UTC+4),
    a France Services site, a queue named by its local service only and a national one."""
    gironde = DepartementFactory()
    moselle = DepartementFactory(code="57", name="Moselle")
    reunion = DepartementFactory(code="974", name="La Réunion")
    organisation = OrganisationFactory()
    MotifFactory(organisation=organisation)
    bordeaux = SiteFactory(organisation=organisation, commune=CommuneFactory(departement=gironde))
    metz = SiteFactory(
        organisation=organisation, commune=CommuneFactory(code="57463", departement=moselle)
    )
    saint_denis = SiteFactory(
        organisation=organisation, commune=CommuneFactory(code="97411", departement=reunion)
    )
    france_services = SiteFactory(
        kind=Site.Kind.FRANCE_SERVICES,
        local_service=None,
        organisation=OrganisationFactory(),
        commune=CommuneFactory(code="57227", departement=moselle),
    )
    written = QueueFactory(
        organisation=organisation,
        site=None,
        local_service=LocalServiceFactory(organisation=organisation, main_departement=reunion),
        departement=reunion,
    )
    # The national triage queue: no site, no département (the metropolitan calendar).
    national = triage_queue(organisation)
    # Another organisation's triage queue, placed by its local service's main département.
    other = OrganisationFactory()
    by_service = triage_queue(other)
    by_service.local_service = LocalServiceFactory(organisation=other, main_departement=reunion)
    by_service.save()
    return [
        QueueFactory(site=bordeaux, organisation=organisation),
        QueueFactory(site=metz, organisation=organisation),
        QueueFactory(site=saint_denis, organisation=organisation),
        written,
        national,
        by_service,
        QueueFactory(site=None, organisation=organisation, departement=moselle),
        bordeaux,
        france_services,
    ]


def _rows(rng: random.Random) -> None:
    places = _places()
    outcomes = [
        Outcome.ANSWERED,
        Outcome.ANSWERED_END_TO_END,
        Outcome.ORIENTED_PARTNER,
        Outcome.ABANDONED,
    ]
    for index in range(400):
        place = places[index % len(places)]
        is_site = isinstance(place, Site)
        slug = "guichet" if is_site else rng.choice(["telephone", "chat", "courriel", "sms"])
        # Around the window's edges too, at any hour (local midnight falls on other UTC
        # hours overseas).
        queued = dt.datetime(2026, 4, 26, tzinfo=UTC) + dt.timedelta(
            minutes=rng.randrange(0, 60 * 24 * 27)
        )
        values: dict = {"channel": channel(slug), "reference": f"CONV-2026-F{index:05d}"}
        if is_site:
            values |= {"site": place, "queue": None, "organisation": place.organisation}
        else:
            values |= {"queue": place, "organisation": place.organisation}
            values["queued_at"] = queued
        fate = rng.random()
        seconds = slug in ("telephone", "chat")
        if is_site:
            values |= {
                "resolved_at": queued,
                "status": Status.RESOLVED,
                "outcome": rng.choice([Outcome.ANSWERED_END_TO_END, Outcome.ANSWERED]),
            }
        elif fate < 0.65:
            wait = (
                dt.timedelta(seconds=rng.uniform(0, 700))
                if seconds
                else dt.timedelta(hours=rng.uniform(0, 400))
            )
            answered = queued + wait
            values |= {
                "first_answered_at": answered,
                "resolved_at": answered + dt.timedelta(hours=rng.uniform(0, 100)),
                "status": Status.RESOLVED,
                "outcome": rng.choice(outcomes[:3]),
            }
        elif fate < 0.85:
            values |= {
                "resolved_at": queued
                + dt.timedelta(seconds=rng.uniform(0, 40 if seconds else 9e5)),
                "status": Status.RESOLVED,
                "outcome": Outcome.ABANDONED,
            }
        if rng.random() < 0.5 and "resolved_at" in values:
            values["announced_deadline"] = queued + dt.timedelta(days=rng.uniform(0, 8))
        if rng.random() < 0.3:
            values["motif"] = place.organisation.motifs.first()
        conversation = ConversationFactory(**values)
        if "resolved_at" in values and rng.random() < 0.3:
            ConversationTransition.objects.create(
                conversation=conversation,
                from_status=Status.RESOLVED,
                to_status=Status.QUEUED,
                move=rng.choice(["reopen", "reopen", "assign"]),
                created_at=values["resolved_at"] + dt.timedelta(days=rng.uniform(0, 12)),
            )
        if "resolved_at" in values and rng.random() < 0.5:
            invitation = SurveyInvitation.objects.create(
                questionnaire="post_contact",
                version=1,
                organisation=conversation.organisation,
                conversation=conversation,
                via="sms",
                status=rng.choice(["sent", "answered", "queued", "failed"]),
                channel_id=slug,
                site=conversation.site or (place.site if not is_site else None),
                queue=conversation.queue,
                motif=conversation.motif,
                outcome=conversation.outcome,
                resolved_at=conversation.resolved_at,
            )
            for question in rng.sample(["satisfaction", "effort", "resolved"], rng.randint(0, 3)):
                value = rng.randint(0, 1) if question == "resolved" else rng.randint(1, 5)
                SurveyAnswer.objects.create(invitation=invitation, question=question, value=value)


def _from_table() -> dict[tuple, dict[str, float]]:
    return {
        (row["day"], *(row[k] for k in KEYS)): {c: row[c] for c in measures.all_columns()}
        for row in DailyFact.objects.values("day", *KEYS, *measures.all_columns())
    }


def test_facts_aggregated_in_postgresql_are_those_of_the_python_builder():
    _rows(random.Random(16))
    built = services.facts_build(FIRST, LAST)
    expected = {tuple(key): values for key, values in built.items()}
    with transaction.atomic():
        inserted = facts_sql.insert_contact_facts(FIRST, LAST)
    found = _from_table()
    assert inserted == len(found) == len(expected) > 100
    assert found.keys() == expected.keys()
    integers = set(measures.integer_columns())
    for key, values in expected.items():
        for column, value in values.items():
            if column in integers:
                assert found[key][column] == value, (key, column)
            else:
                assert found[key][column] == pytest.approx(value, rel=1e-12, abs=1e-9), (
                    key,
                    column,
                )
    # Every measure the rows can give is exercised.
    totals = {c: sum(v[c] for v in expected.values()) for c in integers}
    for column in (
        "answered",
        "abandoned",
        "within_deadline",
        "answered_no_reopen",
        "fs_end_to_end",
        "survey_answered",
        "fcr_yes",
        "satisfaction_ge4",
        "effort_n",
        "abandon_b00",
        "wait_b05",
    ):
        assert totals[column] > 0, column
    assert {key[4] for key in expected} >= {"974", "57", "33", None}


def test_facts_refresh_uses_the_database_and_keeps_the_other_facts():
    _rows(random.Random(3))
    expected = {tuple(k): v for k, v in services.facts_build(FIRST, LAST).items()}
    rows = services.facts_refresh(first_day=FIRST, last_day=LAST)
    assert rows == len(expected) == DailyFact.objects.count()
    # Again: the days are replaced, not added to.
    assert services.facts_refresh(first_day=FIRST, last_day=LAST) == rows
    assert _from_table().keys() == expected.keys()


@pytest.mark.django_db(transaction=True)
def test_a_refresh_waits_for_another_refresh_to_end_and_writes_the_facts_once():
    """Two refreshes at once would each insert the days' facts (delete-then-insert under
    READ COMMITTED): the second waits on the refresh lock until the first commits."""
    import threading

    from django.db import connections

    _rows(random.Random(5))
    expected = len(services.facts_build(FIRST, LAST))
    started, done = threading.Event(), threading.Event()

    def second_refresh() -> None:
        try:
            started.set()
            services.facts_refresh(first_day=FIRST, last_day=LAST)
        finally:
            connections.close_all()
            done.set()

    with transaction.atomic():
        services.serialise_refreshes()  # the first refresh, mid-way
        DailyFact.objects.filter(day__gte=FIRST, day__lte=LAST).delete()
        worker = threading.Thread(target=second_refresh)
        worker.start()
        assert started.wait(5)
        assert not done.wait(1.5), "the second refresh did not wait for the first"
        services.facts_refresh(first_day=FIRST, last_day=LAST)  # same transaction
    assert done.wait(30)
    worker.join()
    assert DailyFact.objects.filter(day__gte=FIRST, day__lte=LAST).count() == expected
