"""The public archive: lists, a report's page, its PDF download; generation by the beat's
daily sweep and by ``parvis report_generate``."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader

from parvis.accounts import audit
from parvis.accounts.models import AuditEvent
from parvis.reports import services
from parvis.reports.models import PeriodKind, Report
from parvis.reports.tests.conftest import GENERATED, MONTH

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(world) -> Report:  # type: ignore[no-untyped-def]
    return services.report_generate(
        organisation=world.caf,
        kind=PeriodKind.MONTHLY,
        period_start=MONTH,
        now=GENERATED,
        notify=False,
    )


def test_the_archive_the_report_page_and_its_pdf(client, report):
    index = client.get(reverse("reports:index")).content.decode()
    assert "CAF de la Gironde" in index
    archive = client.get(reverse("reports:organisation", args=["caf-gironde"]))
    assert archive.status_code == 200
    assert report.title in archive.content.decode()

    page = client.get(reverse("reports:detail", args=["caf-gironde", "2026-10"]))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("<h1") == 1 and f"<h1>{report.title}</h1>" in html
    assert "Chiffres clés" in html and "87,4\u202f%" in html
    assert "Synthèse du mois d’octobre 2026" in html  # never « du mois de octobre »
    assert "Classement d’octobre 2026" in html
    assert 'href="/resultats/rapports/organismes/caf-gironde/2026-10/rapport.pdf"' in html

    download = client.get(reverse("reports:pdf", args=["caf-gironde", "2026-10"]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == (
        'attachment; filename="rapport-caf-gironde-2026-10.pdf"'
    )
    reader = PdfReader(io.BytesIO(download.content))
    assert "87,4" in reader.pages[0].extract_text()


@pytest.mark.parametrize(
    "path",
    [
        ("reports:detail", ["caf-gironde", "2026-09"]),  # no report that month
        ("reports:detail", ["caf-gironde", "2026-13"]),
        ("reports:detail", ["caf-gironde", "26-10"]),
        ("reports:pdf", ["inconnu", "2026-10"]),
        ("reports:national_detail", ["2026-10"]),
        ("reports:national_pdf", ["2026"]),
        ("reports:organisation", ["inconnu"]),
    ],
)
def test_what_does_not_exist_is_a_404(client, report, path):
    name, args = path
    assert client.get(reverse(name, args=args)).status_code == 404


def test_the_national_report_pages(client, world):
    services.report_generate(
        organisation=None, kind=PeriodKind.MONTHLY, period_start=MONTH, now=GENERATED, notify=False
    )
    page = client.get(reverse("reports:national_detail", args=["2026-10"]))
    assert page.status_code == 200 and "Tous organismes" in page.content.decode()
    pdf = client.get(reverse("reports:national_pdf", args=["2026-10"]))
    assert pdf["Content-Disposition"] == 'attachment; filename="rapport-national-2026-10.pdf"'
    assert "Rapports nationaux" in client.get(reverse("reports:index")).content.decode()


def test_the_daily_sweep_makes_the_due_reports_once(world):
    # 15 November: October is not frozen yet, September is due (nothing to report).
    assert services.last_due_periods(dt.date(2026, 11, 15))[0].start == dt.date(2026, 9, 1)
    made = services.reports_generate_due(today=dt.date(2026, 11, 16))
    assert sorted((r.scope_slug, r.kind, r.period_code) for r in made) == [
        ("caf-gironde", "monthly", "2026-10"),
        ("caf-gironde", "yearly", "2025"),  # its October 2025 figure
        ("cpam-gironde", "monthly", "2026-10"),
        ("national", "monthly", "2026-10"),
    ]  # no national report for 2025: no national figure that year
    assert services.reports_generate_due(today=dt.date(2026, 11, 17)) == []
    assert AuditEvent.objects.filter(action="reports.report_generated").count() == 4
    # the journal names the period as the report does, a year as a year
    yearly = AuditEvent.objects.get(action="reports.report_generated", data__kind="yearly")
    assert audit.details(yearly.action, yearly.data) == "type : Annuel, période : 2025"
    # From 16 January, the year before.
    periods = services.last_due_periods(dt.date(2027, 1, 16))
    assert [(p.kind, p.code) for p in periods] == [("monthly", "2026-12"), ("yearly", "2026")]
    assert services.last_due_periods(dt.date(2027, 1, 15))[1].code == "2025"


def test_the_command_generates_a_month_a_year_or_the_national_report(world, capsys):
    call_command("report_generate", "--organisation", "caf-gironde", "--month", "2026-10")
    call_command("report_generate", "--national", "--year", "2026", "--sans-courriel")
    assert (
        "Rapport mensuel de qualité — CAF de la Gironde — octobre 2026" in capsys.readouterr().out
    )
    assert set(Report.objects.values_list("kind", "period_start", "organisation__slug")) == {
        ("monthly", MONTH, "caf-gironde"),
        ("yearly", dt.date(2026, 1, 1), None),
    }
    for arguments, message in (
        (["--organisation", "inconnu", "--month", "2026-10"], "Organisme inconnu"),
        (["--national", "--month", "2026-13"], "Période invalide"),
        (["--national", "--year", "2026-10"], "Période invalide"),
        (["--national", "--month", "2099-01"], "pas encore commencé"),
    ):
        with pytest.raises(CommandError, match=message):
            call_command("report_generate", *arguments)
