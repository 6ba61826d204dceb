"""Facts and results from real rows: the figures agree with a direct recount of the raw
conversations, a contact falls in its local day, months freeze and are revised, declared
figures give way to computed ones only with enough coverage."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from parvis.contacts.models import Outcome, Status
from parvis.contacts.tests.factories import ConversationFactory, QueueFactory, channel
from parvis.directory.tests.factories import SiteFactory
from parvis.quality import services
from parvis.quality.models import DailyFact, DeclaredResult, Indicator, Level, Result, Source
from parvis.quality.selectors import ranking, shown
from parvis.territories.tests.factories import CommuneFactory, DepartementFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
MONTH = dt.date(2026, 10, 1)


def _phone_contacts(queue, count: int, seed: int = 7) -> list:
    """``count`` phone contacts in October 2026 with random waits and outcomes."""
    rng = random.Random(seed)
    made = []
    for index in range(count):
        queued = dt.datetime(2026, 10, 1, 8, tzinfo=UTC) + dt.timedelta(
            days=rng.randrange(30), minutes=rng.randrange(600)
        )
        fate = rng.random()
        values = {"queue": queue, "channel": channel("telephone"), "queued_at": queued}
        if fate < 0.7:
            answered = queued + dt.timedelta(seconds=rng.randrange(0, 400))
            values |= {
                "first_answered_at": answered,
                "assigned_at": answered,
                "resolved_at": answered + dt.timedelta(minutes=5),
                "status": Status.RESOLVED,
                "outcome": Outcome.ANSWERED,
            }
        else:
            left = queued + dt.timedelta(seconds=rng.randrange(0, 60))
            values |= {"resolved_at": left, "status": Status.RESOLVED, "outcome": Outcome.ABANDONED}
        made.append(ConversationFactory(reference=f"CONV-1999-Q{seed}-{index:04d}", **values))
    return made


def test_computed_figures_agree_with_a_direct_recount_from_raw_data():
    queue = QueueFactory()
    contacts = _phone_contacts(queue, 120)
    services.refresh(first_day=MONTH, last_day=dt.date(2026, 10, 31), today=dt.date(2026, 11, 2))

    # The recount, written from the definitions, straight from the conversations.
    entered = len(contacts)
    short = sum(
        1
        for c in contacts
        if c.outcome == Outcome.ABANDONED and (c.resolved_at - c.queued_at).total_seconds() < 5
    )
    answered = [c for c in contacts if c.first_answered_at]
    waits = sorted((c.first_answered_at - c.queued_at).total_seconds() for c in answered)

    organisation = queue.organisation
    rate = Result.objects.get(
        indicator__code="taux-appels-decroches", level=Level.ORGANISATION, month=MONTH
    )
    assert rate.value == pytest.approx(len(answered) / (entered - short))
    assert (rate.numerator, rate.denominator) == (len(answered), entered - short)
    mean = Result.objects.get(
        indicator__code="attente-moyenne-telephone", level=Level.ORGANISATION, month=MONTH
    )
    assert mean.value == pytest.approx(sum(waits) / len(waits))
    p90 = Result.objects.get(
        indicator__code="attente-p90-telephone",
        level=Level.SITE,
        month=MONTH,
        organisation=organisation,
    )
    exact = waits[int(0.9 * len(waits) + 0.999999) - 1]  # nearest rank
    # Within the stated tolerance: the upper bound of the exact value's 15-second bucket.
    assert exact <= p90.value < exact + 15.0 + 1e-9
    # Every level rolls up from the same facts.
    for level, key in (
        (Level.SITE, str(queue.site_id)),
        (Level.SERVICE, str(queue.site.local_service_id)),
        (Level.DEPARTEMENT, "33"),
        (Level.ORGANISATION, organisation.slug),
    ):
        same = Result.objects.get(
            indicator__code="taux-appels-decroches",
            level=level,
            key=key,
            organisation=organisation,
            month=MONTH,
        )
        assert same.value == pytest.approx(rate.value), level


def test_a_contact_counts_in_its_local_day_overseas():
    reunion = DepartementFactory(code="974", name="La Réunion")
    site = SiteFactory(commune=CommuneFactory(code="97411", departement=reunion))
    queue = QueueFactory(site=site)
    # 21:30 UTC on 31 October is 1:30 on 1 November at La Réunion (UTC+4).
    ConversationFactory(
        queue=queue,
        channel=channel("telephone"),
        queued_at=dt.datetime(2026, 10, 31, 21, 30, tzinfo=UTC),
    )
    services.facts_refresh(first_day=dt.date(2026, 10, 30), last_day=dt.date(2026, 11, 2))
    fact = DailyFact.objects.get(entered=1)
    assert fact.day == dt.date(2026, 11, 1) and fact.departement_id == "974"


def test_below_the_publication_minimum_nothing_is_shown_with_the_reason():
    queue = QueueFactory()
    _phone_contacts(queue, 6)
    services.refresh(first_day=MONTH, last_day=dt.date(2026, 10, 31), today=dt.date(2026, 11, 2))
    indicator = Indicator.objects.get(code="taux-appels-decroches")
    result = Result.objects.get(indicator=indicator, level=Level.ORGANISATION, month=MONTH)
    figure = shown(indicator, result, MONTH)
    assert figure.value is None and "donnée insuffisante" in figure.reason


def test_a_frozen_month_keeps_its_figures_and_records_a_dated_revision():
    queue = QueueFactory()
    _phone_contacts(queue, 40)
    october_end = dt.date(2026, 10, 31)
    services.refresh(first_day=MONTH, last_day=october_end, today=dt.date(2026, 11, 2))
    before = Result.objects.get(
        indicator__code="taux-appels-decroches", level=Level.ORGANISATION, month=MONTH
    )
    assert not before.frozen
    # A late correction after M+15: a contact more, recomputed on 20 November.
    ConversationFactory(
        queue=queue,
        channel=channel("telephone"),
        queued_at=dt.datetime(2026, 10, 20, 9, tzinfo=UTC),
    )
    services.refresh(first_day=MONTH, last_day=october_end, today=dt.date(2026, 11, 20))
    after = Result.objects.get(pk=before.pk)
    assert after.frozen and after.n == before.n + 1
    revision = after.revisions.get()
    assert (revision.previous_n, revision.n) == (before.n, after.n)


def test_a_declared_figure_gives_way_to_the_computed_one_with_enough_coverage():
    queue = QueueFactory()
    contacts = _phone_contacts(queue, 50)
    indicator = Indicator.objects.get(code="taux-appels-decroches")
    organisation = queue.organisation
    declared = DeclaredResult.objects.create(
        indicator=indicator,
        organisation=organisation,
        level=Level.ORGANISATION,
        key=organisation.slug,
        month=MONTH,
        value=0.5,
        n=1000,
        source="Baromètre interne",
    )
    services.refresh(first_day=MONTH, last_day=dt.date(2026, 10, 31), today=dt.date(2026, 11, 2))
    result = Result.objects.get(indicator=indicator, level=Level.ORGANISATION, month=MONTH)
    assert result.source == Source.DECLARED and result.value == 0.5  # 50 ÷ 1000 < 0.9
    declared.n = len(contacts)
    declared.save()
    services.results_compute(months=[MONTH], today=dt.date(2026, 11, 2))
    result = Result.objects.get(indicator=indicator, level=Level.ORGANISATION, month=MONTH)
    assert result.source == Source.COMPUTED and result.declared_value == 0.5


def test_ranks_are_shared_when_intervals_overlap():
    big_a, big_b = QueueFactory(), QueueFactory()
    _phone_contacts(big_a, 60, seed=1)
    _phone_contacts(big_b, 60, seed=2)
    services.refresh(first_day=MONTH, last_day=dt.date(2026, 10, 31), today=dt.date(2026, 11, 2))
    indicator = Indicator.objects.get(code="taux-appels-decroches")
    rows = ranking(indicator, level=Level.ORGANISATION, month=MONTH, organisation_id=None)
    # Cross-organisation ranking of a harmonised indicator: both of similar rates.
    assert [row.rank for row in rows] == [1, 1]


def test_the_catalogue_refuses_a_minimum_below_the_floor_and_loads_idempotently():
    before = Indicator.objects.count()
    services.catalogue_sync()
    assert Indicator.objects.count() == before >= 20
    satisfaction = Indicator.objects.get(code="satisfaction-moyenne")
    assert satisfaction.min_n_publish >= 100


def test_figures_read_in_french_thousands_grouped() -> None:
    from parvis.quality.selectors import formatted

    wait = Indicator.objects.get(code="attente-moyenne-telephone")
    assert formatted(wait, 2779.4) == "2\xa0779\xa0s"  # not « 2779 s »
    assert formatted(wait, 95) == "95\xa0s"
    assert formatted(Indicator.objects.get(code="taux-appels-decroches"), 0.874) == "87,4\u202f%"
