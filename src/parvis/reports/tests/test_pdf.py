"""A generated report: its PDF's first page shows the key figures (read back with pypdf),
the PDF is tagged (PDF/UA-1), the fonts follow the brand, nothing is fetched from the
network, and no personal data reaches it."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re

import pytest
from pypdf import PdfReader

from parvis.reports import rendering, services
from parvis.reports.models import PeriodKind, Report
from parvis.reports.tests.conftest import AUTHOR_EMAIL, GENERATED, MONTH

pytestmark = pytest.mark.django_db


def _generate(world, **kwargs) -> Report:  # type: ignore[no-untyped-def]
    return services.report_generate(
        organisation=kwargs.pop("organisation", world.caf),
        kind=kwargs.pop("kind", PeriodKind.MONTHLY),
        period_start=kwargs.pop("period_start", MONTH),
        now=GENERATED,
        notify=False,
        **kwargs,
    )


def _reader(report: Report) -> PdfReader:
    return PdfReader(io.BytesIO(bytes(report.pdf)))


def _text(page) -> str:  # type: ignore[no-untyped-def]
    # Line breaks and the narrow no-break spaces of French numbers read as plain spaces.
    return re.sub(r"\s+", " ", page.extract_text().replace("\u202f", " ").replace("\xa0", " "))


def test_the_first_page_of_the_pdf_shows_the_key_figures(world):
    report = _generate(world)
    reader = _reader(report)
    first = _text(reader.pages[0])
    assert "Rapport mensuel de qualité — CAF de la Gironde — octobre 2026" in first
    assert "Chiffres clés" in first
    assert "Taux d’appels décrochés" in first
    assert "87,4 %" in first  # 437 ÷ 500, in French
    assert "500" in first  # its n
    assert "81,0 %" in first  # all organisations
    assert "Temps d’attente moyen au téléphone" in first and "42 s" in first
    # A satisfaction score on 40 answers (minimum 100) is withheld, with its reason.
    assert "Satisfaction" in first
    assert "donnée insuffisante (moins de 100 réponses)" in first
    assert "4,9" not in first
    # The archive holds what was made.
    assert hashlib.sha256(bytes(report.pdf)).hexdigest() == report.sha256
    assert report.pdf_size == len(bytes(report.pdf))
    assert report.catalogue_versions["taux-appels-decroches"] == [1]


def test_the_whole_report_evolution_territories_pain_points_and_simplification(world):
    reader = _reader(_generate(world))
    text = " ".join(_text(page) for page in reader.pages)
    # Evolution: against September and October 2025 (points, in the right direction).
    assert "+2,4 pts (en amélioration)" in text
    assert "+7,4 pts (en amélioration)" in text
    assert "−8 s (en amélioration)" in text  # waiting less is better
    # Best and worst départements: only those ranked apart, never the withheld one.
    assert "Gironde (33)" in text and "Dordogne (24)" in text
    assert "Landes" not in text
    # The negative experiences' themes, most frequent first (the quality facts').
    assert text.index("Temps d’attente") < text.index("Pièces justificatives")
    assert "5 expériences publiées sur la période, dont 4 négatives" in text
    # Simplification requests decided in October, with their public status.
    assert "Déclaration trimestrielle de ressources" in text and "Acceptée" in text
    assert "Attestation de paiement" in text and "Non retenue" in text


def test_the_pdf_is_tagged_pdf_ua_in_french_with_a_title(world):
    reader = _reader(_generate(world))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] in ("fr", "fr-FR")
    assert reader.metadata.title == "Rapport mensuel de qualité — CAF de la Gironde — octobre 2026"
    metadata = reader.xmp_metadata
    assert metadata is not None and b"pdfuaid" in metadata.stream.get_data()


def _fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_the_state_brand_sets_marianne_and_the_neutral_brand_does_not(world, settings):
    settings.PARVIS_BRAND = "state"
    assert any("Marianne" in name for name in _fonts(_reader(_generate(world))))
    settings.PARVIS_BRAND = "neutral"
    fonts = _fonts(_reader(_generate(world)))
    assert fonts and not any("Marianne" in name for name in fonts)
    assert any("DejaVu" in name or "Liberation" in name for name in fonts)


def test_rendering_fetches_nothing_but_local_static_files():
    body, content_type = rendering.static_file("parvis-static:reports/report-print.css")
    assert b"@page" in body and content_type == "text/css"
    for url in (
        "https://cdn.example.org/font.woff2",
        "http://127.0.0.1/x.css",
        "file:///etc/passwd",
        "parvis-static:../settings.py",
        "parvis-static:reports/../../settings.css",
        "parvis-static:dsfr/dist/dsfr/dsfr.module.min.js",
        "data:text/css,body{}",
    ):
        with pytest.raises(rendering.RefusedURL):
            rendering.static_file(url)
    # WeasyPrint goes through the fetcher: a remote image is skipped, the PDF still made.
    document = '<html lang="fr"><title>x</title><img src="https://example.org/x.png" alt="">'
    assert rendering.render_pdf(document).startswith(b"%PDF")


def test_no_personal_data_reaches_the_report(world):
    from parvis.reports.tests.factories import ReportSubscriptionFactory
    from parvis.voice.tests.factories import ORIGINAL_TEXT

    ReportSubscriptionFactory(organisation=world.caf, confirmed=True, email="abonne@exemple.fr")
    report = _generate(world)
    text = " ".join(_text(page) for page in _reader(report).pages) + report.html
    for personal in (AUTHOR_EMAIL, "abonne@exemple.fr", "Lefèvre", "06 12", ORIGINAL_TEXT[:30]):
        assert personal not in text


def test_generating_again_replaces_the_archived_report(world):
    first = _generate(world)
    later = GENERATED + dt.timedelta(days=30)
    again = services.report_generate(
        organisation=world.caf,
        kind=PeriodKind.MONTHLY,
        period_start=MONTH,
        now=later,
        notify=False,
    )
    assert again.pk == first.pk and again.generations == 2
    assert (again.created_at, again.generated_at) == (GENERATED, later)
    assert Report.objects.count() == 1 and again.sha256 != first.sha256


def test_the_yearly_report_pools_the_published_months(world):
    report = _generate(world, kind=PeriodKind.YEARLY, period_start=MONTH.replace(month=1))
    assert report.title == "Rapport annuel de qualité — CAF de la Gironde — 2026"
    text = " ".join(_text(page) for page in _reader(report).pages)
    # September (425/500) and October (437/500): 862 ÷ 1,000.
    assert "86,2 %" in text and "cumul des mois publiés (2 mois publiés sur 12)" in text
    # A census mean pools too: (50 × 425 + 42 × 437) ÷ 862 = 45.9 s.
    assert "46 s" in text
    # The ranking of the year's latest month with results (October here) is named.
    assert "Classement du dernier mois publié de l’année (octobre 2026)" in text
    assert "Gironde (33)" in text


def test_the_national_report_reads_the_cross_organisation_figures(world):
    report = _generate(world, organisation=None)
    assert report.title == "Rapport mensuel de qualité — Tous organismes — octobre 2026"
    text = " ".join(_text(page) for page in _reader(report).pages)
    assert "81,0 %" in text
    assert "Temps d’attente moyen" not in text  # no national figure of it here
    assert "CAF de la Gironde" in text  # the experiences' and requests' organisations
    # Nationally, organisations are ranked: the CAF's and the CPAM's intervals are apart.
    assert "Organismes les mieux et les moins bien placés" in text
    assert "Parmi les mieux placés CAF de la Gironde 87,4 %" in text
    assert "Parmi les moins bien placés CPAM de la Gironde 70,0 %" in text
