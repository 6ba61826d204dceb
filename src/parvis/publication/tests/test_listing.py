"""Public listing: every filter, accent-insensitive French search, sort, pagination.

Vendor-neutral: the CI runs it on SQLite (FTS5) and on PostgreSQL (tsvector).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from parvis.directory.tests.factories import (
    ChannelFactory,
    JourneyStageFactory,
    LocalServiceFactory,
    MotifFactory,
    OrganisationFactory,
    ThemeFactory,
)
from parvis.publication import search, selectors
from parvis.publication.selectors import ExperienceFilters
from parvis.territories.tests.factories import DepartementFactory
from parvis.voice.models import ExperienceStatus
from parvis.voice.tests.factories import PublicAnswerFactory

pytestmark = pytest.mark.django_db


def _found(**filters) -> list:
    rows = selectors.experiences_for_public(filters=ExperienceFilters(**filters))
    return [row.pk for row in rows]


@pytest.fixture
def two(publish):
    """Two experiences that differ on every criterion: (a, b)."""
    caf = OrganisationFactory(slug="caf")
    cpam = OrganisationFactory(slug="cpam")
    gironde = DepartementFactory()
    reunion = DepartementFactory(reunion=True)
    service_a = LocalServiceFactory(organisation=caf, slug="caf-33", main_departement=gironde)
    service_b = LocalServiceFactory(organisation=cpam, slug="cpam-974", main_departement=reunion)
    now = timezone.now()
    a = publish(
        local_service=service_a,
        motif=MotifFactory(organisation=caf, slug="rsa"),
        journey_stage=JourneyStageFactory(slug="information"),
        channel=ChannelFactory(slug="telephone"),
        tone="negatif",
        themes=[ThemeFactory(slug="delai")],
        published_at=now - dt.timedelta(days=40),
        masked_text="Un délai de traitement beaucoup trop long.",
    )
    b_experience = PublicAnswerFactory(
        published=True,
        experience__complaint=True,
        experience__local_service=service_b,
        experience__motif=MotifFactory(organisation=cpam, slug="carte-vitale"),
        experience__journey_stage=JourneyStageFactory(slug="depot"),
        experience__channel=ChannelFactory(slug="guichet"),
        experience__tone="positif",
        experience__themes=[ThemeFactory(slug="accueil")],
        experience__masked_text="Accueil chaleureux au guichet.",
        experience__status=ExperienceStatus.ANSWERED,
    ).experience
    from parvis.publication.services import publication_sync

    b = publication_sync(experience_id=b_experience.pk)
    return a, b


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ({"organisation": "caf"}, "a"),
        ({"organisation": "cpam"}, "b"),
        ({"service": "caf-33"}, "a"),
        ({"departement": "974"}, "b"),
        ({"motif": "rsa"}, "a"),
        ({"motif": "carte-vitale", "organisation": "cpam"}, "b"),
        ({"journey_stage": "depot"}, "b"),
        ({"channel": "telephone"}, "a"),
        ({"tone": "positif"}, "b"),
        ({"theme": "delai"}, "a"),
        ({"answered": True}, "b"),
        ({"answered": False}, "a"),
        ({"published_to": timezone.localdate() - dt.timedelta(days=30)}, "a"),
        ({"published_from": timezone.localdate() - dt.timedelta(days=1)}, "b"),
        ({"q": "chaleureux"}, "b"),
    ],
)
def test_each_filter(two, criteria, expected):
    a, b = two
    assert _found(**criteria) == [{"a": a, "b": b}[expected].pk]


def test_unknown_values_find_nothing(two):
    assert _found(organisation="inconnu") == []
    assert _found(service="inconnu") == []
    assert _found(motif="inconnu") == []
    assert _found(departement="2A") == []


def test_filters_combine(two):
    a, _ = two
    assert _found(organisation="caf", tone="negatif") == [a.pk]
    assert _found(organisation="caf", tone="positif") == []


@pytest.mark.parametrize("query", ["delai", "DÉLAI", "délais", "Delai traitement", "trop long"])
def test_search_ignores_accents_and_case(publish, query):
    row = publish(masked_title="Attente", masked_text="Un délai de traitement trop long.")
    publish(masked_text="Accueil parfait.")

    assert _found(q=query) == [row.pk]


def test_search_finds_title_words_too(publish):
    row = publish(masked_title="Rendez-vous annulé", masked_text="Sans prévenir.")
    assert _found(q="annule") == [row.pk]


def test_a_query_without_words_is_ignored(publish):
    rows = [publish(), publish()]
    assert sorted(_found(q=" -- ;; ")) == sorted(r.pk for r in rows)


def test_search_syntax_cannot_break_the_query(publish):
    publish(masked_text="Un délai.")
    for query in ['"délai', "délai OR", "NEAR(délai)", "délai*", "'; DROP TABLE x; --", "a:b"]:
        selectors.experiences_count(filters=ExperienceFilters(q=query))
        list(selectors.experiences_for_public(filters=ExperienceFilters(q=query)))


def test_relevance_and_date_give_different_orders(publish):
    now = timezone.now()
    relevant = publish(
        masked_title="Délai de remboursement",
        published_at=now - dt.timedelta(days=20),
        masked_text="Le délai de remboursement est un délai inacceptable, délai après délai.",
    )
    recent = publish(
        masked_title="Accueil",
        published_at=now - dt.timedelta(days=1),
        masked_text="Bon accueil malgré un petit délai au guichet et beaucoup d’autres mots.",
    )

    assert _found(q="délai", sort="date") == [recent.pk, relevant.pk]
    assert _found(q="délai", sort="pertinence") == [relevant.pk, recent.pk]
    assert _found(q="délai") == [relevant.pk, recent.pk]  # relevance by default with a query
    assert ExperienceFilters(sort="pertinence").effective_sort == "date"  # no query: by date


def test_relevance_ranks_only_the_newest_candidates(publish, monkeypatch):
    monkeypatch.setattr(search, "RELEVANCE_CANDIDATES", 2)
    now = timezone.now()
    old = publish(masked_text="délai délai délai délai", published_at=now - dt.timedelta(days=9))
    newer = [
        publish(masked_text=f"un délai {i}", published_at=now - dt.timedelta(days=i))
        for i in range(2)
    ]

    assert old.pk not in _found(q="délai", sort="pertinence")
    assert set(_found(q="délai", sort="pertinence")) == {r.pk for r in newer}


def test_newest_first_without_query(publish):
    now = timezone.now()
    rows = [publish(published_at=now - dt.timedelta(days=d)) for d in (5, 1, 3)]
    assert _found() == [rows[1].pk, rows[2].pk, rows[0].pk]


def test_count_is_capped(publish):
    for _ in range(3):
        publish()
    assert selectors.experiences_count(filters=ExperienceFilters(), cap=2) == (2, True)
    assert selectors.experiences_count(filters=ExperienceFilters(), cap=5) == (3, False)


def test_an_experience_by_its_public_identifier(publish):
    row = publish()
    assert selectors.experience_for_public(row.uuid) == row
    with pytest.raises(selectors.PublicExperience.DoesNotExist):
        selectors.experience_for_public("00000000-0000-4000-8000-000000000000")


def test_extreme_dates_do_not_fail(publish):
    publish()
    assert _found(published_from=dt.date(1, 1, 1), published_to=dt.date(9999, 12, 31))


@pytest.mark.parametrize(
    ("cap", "need"), [(3, 2), (3, 5), (10, 3), (5, 1), (6, 7), (7, 7), (7, 8), (1, 1), (6, 6)]
)
def test_listing_gives_the_same_count_and_order_whatever_the_route(publish, monkeypatch, cap, need):
    """PostgreSQL measures its way (window walk, bitmap count, further walk): same answers
    for every window and probe size (one set of experiences, read 21 ways)."""
    now = timezone.now()
    organisation = OrganisationFactory()
    matches = [
        publish(
            masked_text=f"Un délai de {i} jours.",
            published_at=now - dt.timedelta(days=2 * i + 1),
            organisation=organisation,
        )
        for i in range(7)
    ]
    for i in range(4):
        publish(
            masked_text="Accueil parfait.",
            published_at=now - dt.timedelta(days=2 * i),
            organisation=organisation,
        )
    elsewhere = publish(masked_text="Un délai ailleurs.", published_at=now - dt.timedelta(days=30))
    expected = [row.pk for row in matches]
    for window in (1, 2, 4, 7, 8, 11, 10_000):
        for probe in (1, 3, 10_000):
            monkeypatch.setattr(search, "WINDOW", window)
            monkeypatch.setattr(search, "PROBE", probe)
            _same_answers_every_route(organisation, expected, elsewhere, cap, need, (window, probe))


def _same_answers_every_route(organisation, expected, elsewhere, cap, need, route):  # type: ignore[no-untyped-def]
    """``route``: (window, probe), named by each assertion."""
    # broad (no filter: the other organisation's match comes last) and selective routes
    for sort, selective in (("date", True), ("pertinence", True), ("date", False)):
        filters = ExperienceFilters(q="delai", sort=sort)
        if selective:
            filters = ExperienceFilters(q="delai", sort=sort, organisation=organisation.slug)
        count, capped, rows = selectors.experiences_listing(filters=filters, need=need, cap=cap)
        if not selective:
            assert (count, capped) == (min(8, cap), cap < 8), route
            assert [row.pk for row in rows[:need]] == [*expected, elsewhere.pk][:need], route
            continue
        assert (count, capped) == (min(7, cap), cap < 7), (route, sort)
        got = [row.pk for row in rows[:need]]
        if sort == "date":
            assert got == expected[:need], route
        else:
            assert set(got) <= set(expected), route
    count, capped, rows = selectors.experiences_listing(
        filters=ExperienceFilters(q="delai", sort="date", tone="positif"), need=need, cap=cap
    )
    assert (count, list(rows[:need])) == (0, []), route
