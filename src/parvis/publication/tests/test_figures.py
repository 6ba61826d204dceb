"""Figures on known data: counts, shares, answer rate, median and 90th percentile of
answer delays, the n ≥ 10 rule, ranking, months and the 12-month window, themes with
trend, moderation statistics."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from parvis.core.charter import CharterReason
from parvis.directory.tests.factories import LocalServiceFactory, OrganisationFactory, ThemeFactory
from parvis.publication import selectors, services
from parvis.publication.models import LAST_12_MONTHS, FigureScope, FigureSummary
from parvis.publication.services import add_months, percentile
from parvis.territories import calendar
from parvis.voice.models import ExperienceStatus
from parvis.voice.tests.factories import ExperienceFactory, PublicAnswerFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def _answered(service, published_on: dt.date, working_days: int, **kwargs):
    """Answered ``working_days`` working days of the service's département after the
    experience's publication (the answer delay is counted so)."""
    code = service.main_departement_id
    answer = PublicAnswerFactory(
        published=True,
        experience__complaint=True,
        experience__local_service=service,
        experience__published_at=_moment(published_on),
        experience__status=ExperienceStatus.ANSWERED,
        published_at=_moment(calendar.add_working_days(published_on, working_days, code)),
        **kwargs,
    )
    return services.publication_sync(experience_id=answer.experience_id)


def test_percentiles_interpolate_between_closest_ranks():
    assert percentile({}, 0.5) is None
    assert percentile({4: 1}, 0.9) == 4.0
    # 1..10: median 5.5, 90th percentile 9.1 (as PostgreSQL's percentile_cont).
    values = dict.fromkeys(range(1, 11), 1)
    assert percentile(values, 0.5) == 5.5
    assert percentile(values, 0.9) == pytest.approx(9.1)
    assert percentile({0: 3, 10: 1}, 0.5) == 0.0


def test_add_months():
    assert add_months(dt.date(2026, 1, 1), -1) == dt.date(2025, 12, 1)
    assert add_months(dt.date(2026, 11, 1), 14) == dt.date(2028, 1, 1)


def test_service_figures_on_known_data(publish):
    service = LocalServiceFactory(slug="caf-33", name="CAF de la Gironde")
    day = dt.date(2026, 5, 10)
    # 10 answered with delays 1..10 working days (the Ascension holiday and weekends
    # between); 2 not answered; tones: 4 positive, 8 negative.
    for delay in range(1, 11):
        _answered(service, day, delay, experience__tone="positif" if delay <= 4 else "negatif")
    for _ in range(2):
        publish(local_service=service, published_at=_moment(day), tone="negatif")

    services.figures_refresh(today=TODAY)

    month = selectors.figures_for(scope=FigureScope.SERVICE, key="caf-33", period="2026-05")
    window = selectors.figures_for(scope=FigureScope.SERVICE, key="caf-33")
    for summary in (month, window):
        assert summary is not None
        assert summary.label == "CAF de la Gironde"
        assert (summary.experiences, summary.positive, summary.negative) == (12, 4, 8)
        assert summary.positive_share == pytest.approx(4 / 12)
        assert summary.answer_rate == pytest.approx(10 / 12)
        assert summary.delay_median_days == 5.5
        assert summary.delay_p90_days == pytest.approx(9.1)
        assert summary.delays_shown
    assert window.period == LAST_12_MONTHS and window.month is None
    # As the API publishes it: one decimal for delays, a thousandth for shares.
    published = window.as_dict()
    assert published["delay_p90_days"] == 9.1
    assert (published["positive_share"], published["answer_rate"]) == (0.333, 0.833)


def test_published_figures_are_rounded_to_one_decimal():
    """A percentile interpolated in floating point is published with one decimal."""
    summary = FigureSummary(
        experiences=12,
        answered=12,
        delay_median_days=27.900000000000002,
        delay_p90_days=29.000000000000004,
        refreshed_at=timezone.now(),
    )
    published = summary.as_dict()
    assert (published["delay_median_days"], published["delay_p90_days"]) == (27.9, 29.0)
    assert published["answer_rate"] == 1.0


def test_below_ten_no_rate_is_shown_and_the_item_is_not_ranked(publish):
    small = LocalServiceFactory(slug="petit")
    big = LocalServiceFactory(slug="grand")
    for _ in range(9):
        publish(local_service=small, tone="positif", published_at=_moment(dt.date(2026, 6, 1)))
    for _ in range(10):
        publish(local_service=big, tone="negatif", published_at=_moment(dt.date(2026, 6, 1)))

    services.figures_refresh(today=TODAY)

    summary = selectors.figures_for(scope=FigureScope.SERVICE, key="petit")
    assert summary is not None and summary.experiences == 9
    assert summary.positive_share is None and summary.answer_rate is None
    assert summary.as_dict()["delay_median_days"] is None
    ranking = selectors.figures_ranking(scope=FigureScope.SERVICE)
    assert [(s.key, s.rank) for s in ranking] == [("grand", 1), ("petit", None)]


def test_ranking_by_answer_rate_then_positive_share():
    a = LocalServiceFactory(slug="a", organisation=OrganisationFactory(slug="org-a"))
    b = LocalServiceFactory(slug="b", organisation=OrganisationFactory(slug="org-b"))
    day = dt.date(2026, 6, 1)
    for i in range(10):
        _answered(a, day, 1, experience__tone="negatif")
        if i < 5:
            _answered(b, day, 1, experience__tone="positif")
        else:
            b_row = ExperienceFactory(
                complaint=True,
                published=True,
                local_service=b,
                tone="positif",
                published_at=_moment(day),
            )
            services.publication_sync(experience_id=b_row.pk)

    services.figures_refresh(today=TODAY)

    by_answer = selectors.figures_ranking(scope=FigureScope.ORGANISATION)
    by_positive = selectors.figures_ranking(
        scope=FigureScope.ORGANISATION, sort=selectors.FigureSort.POSITIVE
    )
    assert [s.key for s in by_answer] == ["org-a", "org-b"]
    assert [s.key for s in by_positive] == ["org-b", "org-a"]


def test_months_window_and_national_and_departement_scopes(publish):
    service = LocalServiceFactory()
    publish(local_service=service, published_at=_moment(dt.date(2026, 6, 2)))
    publish(local_service=service, published_at=_moment(dt.date(2026, 4, 2)))
    publish(local_service=service, published_at=_moment(dt.date(2025, 3, 2)))  # > 12 months

    services.figures_refresh(today=TODAY)

    national = selectors.figures_for(scope=FigureScope.NATIONAL)
    assert national is not None and national.experiences == 2
    assert selectors.figures_periods()[:2] == ["2026-06", "2026-04"]
    assert [m.period for m in selectors.figures_by_month(scope=FigureScope.NATIONAL)] == [
        "2025-03",
        "2026-04",
        "2026-06",
    ]
    departement = selectors.figures_for(
        scope=FigureScope.DEPARTEMENT, key=service.main_departement_id
    )
    assert departement is not None and departement.experiences == 2


def test_top_themes_with_trend(publish):
    delay, reception = ThemeFactory(slug="delai", label="Délais"), ThemeFactory(slug="accueil")
    service = LocalServiceFactory(slug="s")
    for _ in range(3):
        publish(local_service=service, themes=[delay], published_at=_moment(dt.date(2026, 6, 1)))
    publish(
        local_service=service, themes=[delay, reception], published_at=_moment(dt.date(2026, 5, 1))
    )

    services.figures_refresh(today=TODAY)

    june = selectors.figures_for(scope=FigureScope.SERVICE, key="s", period="2026-06")
    assert june is not None
    assert june.top_themes == [{"slug": "delai", "label": "Délais", "count": 3, "previous": 1}]


def test_moderation_statistics_count_rejections_by_reason():
    service = LocalServiceFactory(slug="s")
    rejected_at = _moment(dt.date(2026, 6, 3))
    for reason in (CharterReason.INSULT, CharterReason.INSULT, CharterReason.OFF_TOPIC):
        ExperienceFactory(
            complaint=True,
            local_service=service,
            status=ExperienceStatus.REJECTED,
            rejection_reason=reason,
            rejected_at=rejected_at,
        )
    ExperienceFactory(
        complaint=True,
        published=True,
        local_service=service,
        published_at=_moment(dt.date(2026, 6, 4)),
    )

    services.figures_refresh(today=TODAY)

    june = selectors.figures_for(scope=FigureScope.SERVICE, key="s", period="2026-06")
    assert june is not None
    assert june.rejections_by_reason == {"insult": 2, "off_topic": 1}
    assert (june.rejected, june.moderated) == (3, 4)
    assert june.rejection_rate is None  # fewer than 10 decisions


def test_refresh_replaces_previous_figures(publish):
    publish()
    services.figures_refresh()
    first = FigureSummary.objects.count()
    assert first > 0
    services.figures_refresh()
    assert FigureSummary.objects.count() == first
