"""Checks of the demo's year of quality results (``quality_demo``): published figures
(n ≥ min_n_publish) for several organisations and départements, overseas included, every
month of the last twelve; satisfaction shown for the main organisations; targets met and
missed; declared figures with their source; France Services sites as a whole; the latest
due reports; created once."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from parvis.contacts.models import Conversation, SurveyAnswer
from parvis.demo.quality_demo import DECLARED_SOURCE, demo_quality_seed
from parvis.quality import selectors
from parvis.quality.models import DeclaredResult, Indicator, Level, Result, Source

MAIN = ("caf", "assurance-maladie", "dgfip", "france-travail")


def _published(code: str, level: str) -> list[Result]:
    indicator = Indicator.objects.get(code=code)
    return [
        r
        for r in Result.objects.filter(indicator=indicator, level=level).select_related(
            "organisation"
        )
        if selectors.shown(indicator, r, r.month).value is not None
    ]


def assert_a_year_of_quality_results(client) -> None:
    """Called by ``test_seed_demo`` on the demo it seeded (a year of contacts takes a
    while to seed: one seeding serves every check)."""
    today = timezone.localdate()
    last = selectors.add_months(today.replace(day=1), -1)  # the last complete month
    year = {selectors.add_months(last, -i) for i in range(12)}

    # Calls answered: every month of the year for the five local organisations, and in
    # every demo département, La Réunion among them.
    answered = _published("taux-appels-decroches", Level.ORGANISATION)
    for slug in (*MAIN, "assurance-retraite"):
        assert year <= {r.month for r in answered if r.organisation.slug == slug}, slug
    # « Un an avant »: the last complete month's and the latest due report's month a year
    # earlier are there too (they read « pas de données » with thirteen months).
    from parvis.reports.services import last_due_periods

    report_month = last_due_periods(today)[0].start
    earlier = {selectors.add_months(last, -12), selectors.add_months(report_month, -12)}
    for slug in MAIN:
        assert earlier <= {r.month for r in answered if r.organisation.slug == slug}, slug
    by_departement = _published("taux-appels-decroches", Level.DEPARTEMENT)
    for code in ("33", "69", "57", "974"):
        assert year <= {r.month for r in by_departement if r.key == code}, code
    # Satisfaction (at least 100 answers) every month for the main organisations, and in
    # a département.
    satisfaction = _published("satisfaction-moyenne", Level.ORGANISATION)
    for slug in MAIN:
        assert year <= {r.month for r in satisfaction if r.organisation.slug == slug}, slug
    assert _published("satisfaction-moyenne", Level.DEPARTEMENT)
    # Every computed contact indicator shows somewhere every month.
    for code in (
        "attente-moyenne-telephone",
        "attente-p90-chat",
        "courriels-repondus-2-jours",
        "delai-annonce-respecte",
        "resolution-premier-contact",
        "resolution-sans-reouverture",
        "effort-moyen",
    ):
        assert year <= {r.month for r in _published(code, Level.ORGANISATION)}, code
    # France Services: end-to-end démarches for a site as a whole and for a partner.
    end_to_end = _published("france-services-bout-en-bout", Level.SITE)
    assert any(r.organisation is None for r in end_to_end)
    assert any(r.organisation and r.organisation.slug == "caf" for r in end_to_end)

    # Targets: some met, some missed on the last complete month.
    met = set()
    for code, slug in (
        ("taux-appels-decroches", "assurance-maladie"),
        ("taux-appels-decroches", "dgfip"),
    ):
        indicator = Indicator.objects.get(code=code)
        result = Result.objects.get(
            indicator=indicator, level=Level.ORGANISATION, key=slug, month=last
        )
        card = selectors.card(
            indicator,
            level=Level.ORGANISATION,
            organisation_id=result.organisation_id,
            key=slug,
            month=last,
        )
        met.add(card.meets_target)
    assert met == {True, False}
    # Declared: missed appointments with their source; a declared answer rate that the
    # computed figure covers stays visible beside it.
    no_show = Result.objects.filter(indicator__code="rendez-vous-non-honores", month=last)
    assert {r.source for r in no_show} == {Source.DECLARED}
    assert all(DECLARED_SOURCE in r.declared_source for r in no_show)
    beside = Result.objects.filter(
        indicator__code="taux-appels-decroches", key="dgfip", declared_value__isnull=False
    )
    assert beside and all(r.source == Source.COMPUTED for r in beside)
    # The public pages read them.
    response = client.get("/resultats/indicateurs/taux-appels-decroches/")
    assert response.status_code == 200

    # Created once.
    counts = Conversation.objects.count(), SurveyAnswer.objects.count(), Result.objects.count()
    assert demo_quality_seed(scale="small") == 0
    assert counts == (
        Conversation.objects.count(),
        SurveyAnswer.objects.count(),
        Result.objects.count(),
    )
    assert DeclaredResult.objects.filter(source=DECLARED_SOURCE).exists()
    assert not Conversation.objects.filter(created_at__date__gte=today + dt.timedelta(days=1))

    # The latest due reports, national and of the CAF and the CPAM, with their figures;
    # made once, emailing nobody.
    from django.core import mail

    from parvis.demo.quality_demo import REPORT_ORGANISATIONS, demo_reports_seed
    from parvis.reports.models import Report
    from parvis.reports.services import last_due_periods

    assert Report.objects.count() == 2 * (1 + len(REPORT_ORGANISATIONS))
    monthly = Report.objects.get(organisation=None, kind="monthly")
    assert monthly.period_start == last_due_periods(today)[0].start
    assert "Taux d’appels décrochés" in monthly.html
    assert {r.organisation.slug for r in Report.objects.exclude(organisation=None)} == set(
        REPORT_ORGANISATIONS
    )
    assert demo_reports_seed(today=today) == 0
    assert not [m for m in mail.outbox if "rapport" in m.subject.lower()]
    assert client.get("/resultats/rapports/").status_code == 200
