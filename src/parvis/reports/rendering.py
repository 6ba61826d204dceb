"""A report's HTML and its tagged PDF (WeasyPrint, PDF/UA-1).

The body (``reports/_report_body.html``) is rendered once, at generation, from
``content.ReportContent``; the web page and the PDF both wrap that same body, so what
was archived is what people read. The PDF document (``reports/report_pdf.html``) is in
French, titled, with a heading hierarchy and a print stylesheet; WeasyPrint writes it as
``pdf/ua-1`` (tagged, with a structure tree).

WeasyPrint never reaches the network: its URL fetcher serves the static files the
document names (``parvis-static:<path>``, found by Django's static finders: the print
stylesheet and, for the State brand, the Marianne font shipped by django-dsfr) and
refuses anything else. The neutral brand uses no Marianne: its text is set in the
system's DejaVu Sans (or Liberation Sans).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import mimetypes
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from parvis.quality.selectors import MONTHS_FR
from parvis.reports.content import ReportContent

STATIC_SCHEME = "parvis-static:"
# Only what a report may embed: its stylesheet and fonts.
ALLOWED_SUFFIXES = {".css", ".woff", ".woff2", ".ttf", ".otf"}
PDF_VARIANT = "pdf/ua-1"


class RefusedURL(ValueError):
    """A report asked for something other than a local static file."""


def static_file(url: str) -> tuple[bytes, str]:
    """The bytes and type of ``parvis-static:<path>``; ``RefusedURL`` for any other URL
    (http, https, file, data...) or a file a report has no business embedding."""
    if not url.startswith(STATIC_SCHEME):
        raise RefusedURL(f"refused: {url[:80]}")
    relative = url.removeprefix(STATIC_SCHEME).split("?")[0].split("#")[0]
    if ".." in Path(relative).parts or Path(relative).suffix not in ALLOWED_SUFFIXES:
        raise RefusedURL(f"refused: {url[:80]}")
    found = finders.find(relative)
    if not found or isinstance(found, list):
        raise RefusedURL(f"not found: {relative}")
    content_type = mimetypes.guess_type(relative)[0] or "application/octet-stream"
    if relative.endswith((".woff", ".woff2")):
        content_type = f"font/{Path(relative).suffix[1:]}"
    return Path(found).read_bytes(), content_type


@functools.cache
def fetcher_class() -> type[Any]:
    """WeasyPrint's URL fetcher serving ``static_file`` only (WeasyPrint is imported on
    first use: it parses its own stylesheets at import, which every process need not)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalStaticFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            body, content_type = static_file(url)
            return URLFetcherResponse(url, body, headers={"Content-Type": content_type})

    return LocalStaticFetcher


def generated_label(moment: dt.datetime) -> str:
    """« 16 novembre 2026 à 06:00 » (the platform's time zone)."""
    local = timezone.localtime(moment)
    return f"{local.day} {MONTHS_FR[local.month - 1]} {local.year} à {local:%H:%M}"


def render_body(content: ReportContent) -> str:
    """The report's body: escaped HTML, archived with the report."""
    return render_to_string("reports/_report_body.html", {"content": content})


def pdf_document(*, title: str, body: str, generated_at: dt.datetime) -> str:
    """The standalone HTML the PDF is made from (fonts according to the brand)."""
    return render_to_string(
        "reports/report_pdf.html",
        {
            "title": title,
            "body": archived(body),
            "generated_label": generated_label(generated_at),
            "generated_iso": generated_at.isoformat(timespec="seconds"),
            "state_brand": settings.PARVIS_BRAND == "state",
            "static_scheme": STATIC_SCHEME,
            "site_title": settings.PARVIS_SITE_TITLE,
            "operator": settings.PARVIS_OPERATOR_NAME,
        },
    )


def render_pdf(document: str) -> bytes:
    """The tagged PDF (PDF/UA-1) of ``pdf_document``'s HTML."""
    from weasyprint import HTML

    # WeasyPrint narrates each rendering step at INFO: keep its warnings only.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    pdf = HTML(string=document, url_fetcher=fetcher_class()()).write_pdf(pdf_variant=PDF_VARIANT)
    assert pdf is not None
    return bytes(pdf)


def archived(body: str) -> SafeString:
    """A report body read back from the archive. It was rendered by ``render_body`` with
    Django's autoescaping, from public data only, and is stored as such."""
    return mark_safe(body)  # noqa: S308 - escaped at generation (render_body)
