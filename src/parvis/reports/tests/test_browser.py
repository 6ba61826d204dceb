"""Report pages in a real browser: axe-core finds no serious violation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parvis.reports import services
from parvis.reports.models import PeriodKind
from parvis.reports.tests.conftest import GENERATED, MONTH
from parvis.testing.browser import axe_serious_violations

pytestmark = pytest.mark.browser


def test_the_national_report_tables_scroll_from_the_keyboard(page, live_server, world):
    """Every scrollable table container takes the focus (« scrollable-region-focusable »)."""
    services.report_generate(
        organisation=None, kind=PeriodKind.MONTHLY, period_start=MONTH, now=GENERATED, notify=False
    )
    page.goto(live_server.url + reverse("reports:national_detail", args=["2026-10"]))
    containers = page.locator(".fr-table__container")
    assert containers.count() >= 2
    for index in range(containers.count()):
        assert containers.nth(index).get_attribute("tabindex") == "0"
    assert axe_serious_violations(page) == []


def test_the_api_docs_page_says_it_is_in_french(page, live_server):
    page.goto(live_server.url + "/api/v1/docs")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert [v["id"] for v in axe_serious_violations(page) if v["id"] == "html-has-lang"] == []
