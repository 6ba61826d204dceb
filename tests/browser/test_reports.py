"""Periodic reports in a real browser: a reader finds an organisation's report in the
archive, reads it, downloads its PDF and subscribes; axe-core finds nothing serious on
the archive, the report, the subscription form and the confirmation page."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import cast

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from parvis.directory.models import Organisation
from parvis.directory.tests.factories import OrganisationFactory
from parvis.quality.models import Level
from parvis.reports import services
from parvis.reports.models import PeriodKind, ReportSubscription, SubscriptionStatus
from parvis.reports.tests.factories import result
from parvis.testing.browser import axe_serious_violations

pytestmark = pytest.mark.browser

MONTH = dt.date(2026, 10, 1)
GENERATED = dt.datetime(2026, 11, 16, 5, 0, tzinfo=dt.UTC)


def _assert_accessible(page: Page) -> None:
    violations = axe_serious_violations(page)
    assert violations == [], violations


def test_a_reader_reads_downloads_and_subscribes(page, live_server):
    caf = cast(Organisation, OrganisationFactory(slug="caf-gironde", name="CAF de la Gironde"))
    rate = "taux-appels-decroches"
    result(rate, organisation=caf, month=MONTH, value=0.874, n=500, ci=(0.842, 0.901))
    result(rate, organisation=caf, month=dt.date(2026, 9, 1), value=0.85, n=500)
    result(rate, level=Level.NATIONAL, month=MONTH, value=0.81, n=2000, label="Tous organismes")
    services.report_generate(
        organisation=caf, kind=PeriodKind.MONTHLY, period_start=MONTH, now=GENERATED, notify=False
    )

    page.goto(live_server.url + reverse("reports:index"))
    _assert_accessible(page)
    page.get_by_role("link", name="CAF de la Gironde").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Rapports de qualité — CAF de la Gironde"
    )
    _assert_accessible(page)
    page.get_by_role(
        "link", name="Rapport mensuel de qualité — CAF de la Gironde — octobre 2026", exact=True
    ).click()
    expect(page.get_by_role("heading", level=2, name="Chiffres clés")).to_be_visible()
    figures = page.get_by_role("table", name="Chiffres clés, octobre 2026")
    expect(figures.get_by_role("row", name=re.compile("Taux d’appels décrochés"))).to_contain_text(
        "87,4 %"
    )
    _assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Télécharger le PDF")).click()
    download = download_info.value
    assert download.suggested_filename == "rapport-caf-gironde-2026-10.pdf"
    reader = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    assert "87,4" in reader.pages[0].extract_text()

    # Subscribe from the report, then confirm from the email.
    page.get_by_role("link", name="Recevoir les prochains rapports").click()
    expect(page.get_by_label("Rapports à recevoir")).to_have_value("caf-gironde")
    _assert_accessible(page)
    page.get_by_label("Votre adresse électronique").fill("lecteur@exemple.fr")
    page.get_by_role("button", name="M’abonner").click()
    expect(page.get_by_text("C’est noté.")).to_be_visible()
    [message] = mail.outbox
    link = re.search(r"https?://\S+/abonnement/confirmer/\S+/", str(message.body))
    assert link is not None
    path = link.group(0).split("://", 1)[1]
    page.goto(live_server.url + path[path.index("/") :])
    _assert_accessible(page)
    page.get_by_role("button", name="Confirmer mon abonnement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre abonnement est confirmé")
    _assert_accessible(page)
    assert ReportSubscription.objects.get().status == SubscriptionStatus.CONFIRMED
