"""Quality results in a real browser (issue 16's « Done when »): a reader finds an
indicator on a local service's page, opens its table view with the keyboard and downloads
its CSV; axe-core finds nothing serious on the organisation, indicator and methodology
pages."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from parvis.directory.tests.factories import LocalServiceFactory, OrganisationFactory
from parvis.quality import selectors
from parvis.quality.models import Indicator, Level, Result
from parvis.testing.browser import axe_serious_violations

pytestmark = pytest.mark.browser

MONTH = dt.date(2026, 10, 1)
RATE = "taux-appels-decroches"
SATISFACTION = "satisfaction-part-satisfaits"


def _result(code, level, organisation, key, month, **values) -> None:
    indicator = Indicator.objects.get(code=code)
    Result.objects.create(
        indicator=indicator,
        version=indicator.version,
        level=level,
        organisation=organisation,
        key=key,
        month=month,
        **values,
    )


@pytest.fixture
def gironde():
    """A year of results for the CAF and its service in Gironde (the rate of calls
    answered, and a satisfaction share on a sample), the last month too small to publish
    at the service."""
    caf = OrganisationFactory(slug="caf", name="Caisse d’allocations familiales")
    service = LocalServiceFactory(organisation=caf, slug="caf-gironde", name="CAF de la Gironde")
    for back in range(13):
        month = selectors.add_months(MONTH, -back)
        rate = 0.80 + back / 200
        _result(
            RATE,
            Level.SERVICE,
            caf,
            str(service.pk),
            month,
            value=rate,
            n=300 + back,
            numerator=round(rate * (300 + back)),
            denominator=300 + back,
            label=service.name,
        )
        _result(RATE, Level.ORGANISATION, caf, "caf", month, value=0.85, n=9000, label=caf.name)
        _result(RATE, Level.DEPARTEMENT, caf, "33", month, value=rate, n=300, label="Gironde (33)")
        _result(RATE, Level.NATIONAL, None, "", month, value=0.83, n=40000, label="Tous organismes")
        _result(
            SATISFACTION,
            Level.SERVICE,
            caf,
            str(service.pk),
            month,
            value=None if back == 0 else 0.7,
            n=60 if back == 0 else 150,
            ci_low=0.62,
            ci_high=0.77,
            response_rate=0.3,
            label=service.name,
        )
    return service


def _assert_accessible(page) -> None:
    violations = axe_serious_violations(page)
    assert violations == [], violations


def test_read_an_indicator_on_a_service_page_open_its_table_and_download_its_csv(
    page, live_server, gironde
):
    page.goto(live_server.url + reverse("publication:quality_index"))
    page.get_by_role("link", name="Caisse d’allocations familiales").click()
    page.get_by_role("link", name="CAF de la Gironde").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CAF de la Gironde")

    card = page.locator("#indicateur-taux-appels-decroches")
    expect(card.get_by_role("heading", name="Taux d’appels décrochés")).to_be_visible()
    expect(card).to_contain_text("80,0 %")
    expect(card).to_contain_text("sur 300 cas")
    expect(card).to_contain_text("Caisse d’allocations familiales (national) : 85,0 %")
    expect(card).to_contain_text("Tous organismes : 83,0 %")
    # Below the publication minimum: the reason, never a value.
    satisfaction = page.locator("#indicateur-satisfaction-part-satisfaits")
    expect(satisfaction).to_contain_text("Donnée insuffisante (moins de 100 réponses)")

    # The table view, opened with the keyboard: from the « Graphique » tab, the arrow key.
    chart_tab = card.get_by_role("tab", name="Graphique")
    table_tab = card.get_by_role("tab", name="Tableau")
    table = card.get_by_role("table")
    expect(card.locator("canvas")).to_be_visible()
    expect(table).to_be_hidden()
    chart_tab.focus()
    page.keyboard.press("ArrowRight")
    expect(table_tab).to_have_attribute("aria-selected", "true")
    expect(table).to_be_visible()
    expect(table.locator("tr", has_text="novembre 2025")).to_contain_text("85,5\u202f%")
    expect(table.locator("tr", has_text="octobre 2026")).to_contain_text("80\u202f%")
    expect(table.locator("tr", has_text="octobre 2026")).to_contain_text("(n = 300)")

    with page.expect_download() as download_info:
        card.get_by_role("link", name="Télécharger (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows[-1]["mois"] == "2026-10" and rows[-1]["valeur"] == "0.8"
    assert rows[-1]["libelle"] == "CAF de la Gironde" and rows[-1]["n"] == "300"
    assert len(rows) == 12

    _assert_accessible(page)


@pytest.mark.parametrize(
    ("name", "args", "heading"),
    [
        ("quality_organisation", ["caf"], "Caisse d’allocations familiales"),
        ("quality_indicator", [RATE], "Taux d’appels décrochés"),
        ("quality_methodology", [], "Méthodologie des résultats de qualité"),
    ],
)
def test_the_quality_pages_are_accessible(page, live_server, gironde, name, args, heading):
    response = page.goto(live_server.url + reverse(f"publication:{name}", args=args))
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    _assert_accessible(page)
    page.set_viewport_size({"width": 360, "height": 800})
    _assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_month_is_chosen_with_the_keyboard(page, live_server, gironde):
    page.goto(live_server.url + reverse("publication:quality_service", args=["caf", "caf-gironde"]))
    page.get_by_label("Mois", exact=True).select_option(label="octobre 2025")
    page.get_by_role("button", name="Afficher").press("Enter")
    expect(page.get_by_role("heading", name="Résultats d’octobre 2025")).to_be_visible()
    expect(page.locator("#indicateur-taux-appels-decroches")).to_contain_text("86,0 %")
