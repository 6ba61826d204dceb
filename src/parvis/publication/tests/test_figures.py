"""The figures of the experiences are indicators of the quality catalogue: counts,
shares, answer rate, median and 9th decile of answer delays, refusals in moderation, the
publication minimum, ranking, months and the 12-month window, themes with trend, and
the figures pages reading them (not a second engine)."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.utils import timezone

from parvis.core.charter import CharterReason
from parvis.directory.tests.factories import LocalServiceFactory, OrganisationFactory, ThemeFactory
from parvis.publication import selectors
from parvis.publication.models import LAST_12_MONTHS, FigureScope
from parvis.quality import services as quality_services
from parvis.quality.models import Result
from parvis.territories import calendar
from parvis.voice.models import ExperienceStatus
from parvis.voice.tests.factories import ExperienceFactory

pytestmark = pytest.mark.django_db

THIS_MONTH = timezone.localdate().replace(day=1)
LAST_MONTH = quality_services.add_months(THIS_MONTH, -1)
DAY = LAST_MONTH + dt.timedelta(days=9)
PERIOD = LAST_MONTH.strftime("%Y-%m")


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def _published(service, day: dt.date = DAY, **kwargs):
    return ExperienceFactory(
        complaint=True, published=True, local_service=service, published_at=_moment(day), **kwargs
    )


def _answered(service, working_days: int, day: dt.date = DAY, **kwargs):
    """Answered ``working_days`` working days of the service's département after its
    publication (the answer delay is counted so)."""
    answered_on = calendar.add_working_days(day, working_days, service.main_departement_id)
    return _published(
        service,
        day,
        status=ExperienceStatus.ANSWERED,
        answered_at=_moment(answered_on),
        **kwargs,
    )


def _refresh() -> None:
    quality_services.voice_refresh()


def test_service_figures_on_known_data():
    service = LocalServiceFactory(slug="caf-33", name="CAF de la Gironde")
    # 10 answered with delays 1..10 working days; 2 not answered; 4 positive, 8 negative.
    for delay in range(1, 11):
        _answered(service, delay, tone="positif" if delay <= 4 else "negatif")
    for _ in range(2):
        _published(service, tone="negatif")

    _refresh()

    place = {"organisation_id": service.organisation_id, "key": str(service.pk)}
    month = selectors.figures_for(scope=FigureScope.SERVICE, period=PERIOD, **place)
    window = selectors.figures_for(scope=FigureScope.SERVICE, **place)
    for figures in (month, window):
        assert figures is not None
        assert (figures.label, figures.code) == ("CAF de la Gironde", "caf-33")
        assert (figures.experiences, figures.answered) == (12, 10)
        cells = figures.cells
        assert cells["positive"].shown.value == pytest.approx(4 / 12)
        assert cells["negative"].shown.numerator == 8
        assert cells["answered"].shown.value == pytest.approx(10 / 12)
        # Whole working days, nearest rank: the 5th and the 9th of ten delays.
        assert cells["delay_median"].shown.value == 5
        assert cells["delay_p90"].shown.value == 9
        assert cells["delay_median"].text == "5,0\xa0j. ouvrés"
    assert window.period == LAST_12_MONTHS and window.month is None
    assert month.month == LAST_MONTH
    # The month is the stored quality result itself.
    stored = Result.objects.get(
        indicator__code="experiences-repondues", level="service", key=str(service.pk)
    )
    assert (stored.month, stored.n, stored.value) == (LAST_MONTH, 12, pytest.approx(10 / 12))


def test_below_the_minimum_no_rate_is_published_and_the_place_is_not_ranked():
    small = LocalServiceFactory(slug="petit", name="Petit service")
    big = LocalServiceFactory(slug="grand", name="Grand service")
    for _ in range(9):
        _published(small, tone="positif")
    for _ in range(30):
        _published(big, tone="negatif")

    _refresh()

    figures = selectors.figures_for(
        scope=FigureScope.SERVICE, organisation_id=small.organisation_id, key=str(small.pk)
    )
    assert figures is not None and figures.experiences == 9
    assert not figures.is_rated
    assert figures.cells["positive"].text == "Donnée insuffisante"
    assert figures.cells["positive"].shown.numerator is None
    ranking = selectors.figures_ranking(scope=FigureScope.SERVICE, period=PERIOD)
    assert [(p.code, p.rank) for p in ranking] == [("grand", 1), ("petit", None)]


def test_ranking_by_answer_rate_then_positive_share():
    a = LocalServiceFactory(slug="a", organisation=OrganisationFactory(slug="org-a", name="A"))
    b = LocalServiceFactory(slug="b", organisation=OrganisationFactory(slug="org-b", name="B"))
    # 40 each: a answers all, negative; b answers none, positive (intervals apart).
    for _ in range(40):
        _answered(a, 1, tone="negatif")
        _published(b, tone="positif")

    _refresh()

    by_answer = selectors.figures_ranking(scope=FigureScope.ORGANISATION, period=PERIOD)
    by_positive = selectors.figures_ranking(
        scope=FigureScope.ORGANISATION, period=PERIOD, sort=selectors.FigureSort.POSITIVE
    )
    by_number = selectors.figures_ranking(
        scope=FigureScope.ORGANISATION, sort=selectors.FigureSort.EXPERIENCES
    )
    assert [(p.code, p.rank) for p in by_answer] == [("org-a", 1), ("org-b", 2)]
    assert [p.code for p in by_positive] == ["org-b", "org-a"]
    assert [(p.code, p.rank) for p in by_number] == [("org-a", 1), ("org-b", 2)]


def test_months_window_and_national_and_departement_levels():
    service = LocalServiceFactory()
    _published(service, DAY)
    _published(service, quality_services.add_months(LAST_MONTH, -2) + dt.timedelta(days=1))
    _published(service, quality_services.add_months(LAST_MONTH, -13))  # out of the window

    quality_services.voice_refresh(months=15)

    national = selectors.figures_for(scope=FigureScope.NATIONAL)
    assert national is not None and national.experiences == 2
    assert national.label == "France entière"
    assert len(selectors.figures_periods()) == 3
    assert selectors.figures_periods()[0] == PERIOD
    months = selectors.figures_by_month(level=FigureScope.NATIONAL)
    assert [m.experiences for m in months] == [1, 1, 1]
    assert months[-1].month == LAST_MONTH
    departement = selectors.figures_for(
        scope=FigureScope.DEPARTEMENT,
        organisation_id=service.organisation_id,
        key=service.main_departement_id,
    )
    assert departement is not None and departement.experiences == 2


def test_top_themes_with_trend_from_the_quality_facts():
    delay = ThemeFactory(slug="delai", label="Délais")
    reception = ThemeFactory(slug="accueil", label="Accueil")
    service = LocalServiceFactory(slug="s")
    for _ in range(10):
        _published(service, themes=[delay])
    _published(service, quality_services.add_months(DAY, -1), themes=[delay, reception])

    _refresh()

    month = selectors.figures_for(
        scope=FigureScope.SERVICE,
        organisation_id=service.organisation_id,
        key=str(service.pk),
        period=PERIOD,
    )
    assert month is not None
    assert selectors.figure_themes(month) == [
        {"slug": "delai", "label": "Délais", "count": 10, "previous": 1}
    ]


def test_moderation_refusals_by_reason():
    service = LocalServiceFactory(slug="s")
    reasons = [CharterReason.INSULT] * 6 + [CharterReason.OFF_TOPIC] * 2
    for reason in reasons:
        ExperienceFactory(
            complaint=True,
            local_service=service,
            status=ExperienceStatus.REJECTED,
            rejection_reason=reason,
            rejected_at=_moment(DAY),
        )
    for _ in range(2):
        _published(service)

    _refresh()

    month = selectors.figures_for(
        scope=FigureScope.SERVICE,
        organisation_id=service.organisation_id,
        key=str(service.pk),
        period=PERIOD,
    )
    assert month is not None
    assert month.moderated == 10
    assert month.cells["rejected"].shown.value == pytest.approx(0.8)
    assert selectors.figure_rejections(month) == [
        {"code": "insult", "label": str(CharterReason.INSULT.label), "count": 6},
        {"code": "off_topic", "label": str(CharterReason.OFF_TOPIC.label), "count": 2},
    ]


def test_the_indicators_agree_with_a_direct_count_of_the_experiences():
    """Recount: each experiences indicator of the catalogue, nationally for the month,
    against a count made straight from the experiences' rows."""
    from parvis.voice.models import Experience, Tone
    from parvis.voice.selectors import answer_delay_working_days

    services = [LocalServiceFactory() for _ in range(3)]
    for index in range(36):
        service = services[index % 3]
        tone = (Tone.POSITIVE, Tone.NEGATIVE, Tone.NEUTRAL)[index % 3 if index % 4 else 1]
        day = DAY + dt.timedelta(days=index % 5)
        if index % 3:
            _answered(service, 1 + index % 7, day, tone=tone)
        else:
            _published(service, day, tone=tone)
    for index in range(4):
        ExperienceFactory(
            complaint=True,
            local_service=services[index % 3],
            status=ExperienceStatus.REJECTED,
            rejection_reason=CharterReason.DUPLICATE,
            rejected_at=_moment(DAY),
        )

    _refresh()

    figures = selectors.figures_for(scope=FigureScope.NATIONAL, period=PERIOD)
    assert figures is not None
    published = Experience.objects.filter(published_at__isnull=False)
    answered = published.filter(answered_at__isnull=False)
    delays = sorted(answer_delay_working_days(e, e.answered_at) for e in answered)

    def nearest_rank(q: float) -> int:
        return delays[math.ceil(q * len(delays)) - 1]

    count = published.count()
    assert figures.experiences == count == 36
    cells = figures.cells
    assert cells["positive"].shown.value == pytest.approx(
        published.filter(tone=Tone.POSITIVE).count() / count
    )
    assert cells["negative"].shown.value == pytest.approx(
        published.filter(tone=Tone.NEGATIVE).count() / count
    )
    assert cells["answered"].shown.value == pytest.approx(answered.count() / count)
    assert cells["delay_median"].shown.value == nearest_rank(0.5)
    assert cells["delay_p90"].shown.value == nearest_rank(0.9)
    rejected = Experience.objects.filter(rejected_at__isnull=False).count()
    assert cells["rejected"].shown.value == pytest.approx(rejected / (rejected + count))


def test_the_figures_pages_read_the_quality_results(client):
    """The pages show what the catalogue's results hold: change a stored result and the
    page follows (no second engine behind them)."""
    service = LocalServiceFactory(slug="caf-33", name="CAF de la Gironde")
    for delay in range(1, 13):
        _answered(service, delay, tone="positif")
    _refresh()

    page = client.get("/experiences/chiffres/", {"period": PERIOD})
    assert page.status_code == 200
    html = page.content.decode()
    assert "100,0\u202f%" in html
    assert "/resultats/indicateurs/experiences-repondues/" in html
    Result.objects.filter(indicator__code="experiences-repondues", month=LAST_MONTH).update(
        value=0.25
    )
    html = client.get("/experiences/chiffres/", {"period": PERIOD}).content.decode()
    assert "25,0\u202f%" in html

    service_page = client.get("/experiences/services/caf-33/")
    assert service_page.status_code == 200
    assert service_page.context["summary"].experiences == 12
    assert "/resultats/indicateurs/delai-reponse-experiences-p90/" in service_page.content.decode()
    # Below the publication minimum: « Donnée insuffisante », never a rate.
    Result.objects.filter(indicator__code="experiences-positives").update(n=3)
    month_rows = client.get("/experiences/services/caf-33/").context["months"]
    assert month_rows[-1].cells["positive"].text == "Donnée insuffisante"
