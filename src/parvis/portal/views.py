"""Public portal pages: home, the mandatory footer pages and the neutral-brand stylesheet."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET

from parvis.core.breadcrumb import breadcrumb
from parvis.core.charter import CHARTER_REASON_HELP, CharterReason
from parvis.core.retention import registered_retentions
from parvis.portal.theme import neutral_dsfr_stylesheet

# Date of the last accessibility self-assessment shown on the declaration; update it with
# the audit grid whenever the pages are assessed again.
ACCESSIBILITY_ASSESSMENT_DATE = "novembre 2026"
ACCESSIBILITY_DECLARATION_DATE = "23 novembre 2026"


def _retention() -> dict[str, int]:
    """Retention durations of what the daily purge (``accounts.services.purge_expired_data``)
    applies itself; the apps' own purges describe themselves (``_registered_retentions``)."""
    return {
        "axes_days": settings.RETENTION_AXES_DAYS,
        "revoked_tokens_days": settings.RETENTION_REVOKED_TOKENS_DAYS,
        "audit_days": settings.RETENTION_AUDIT_DAYS,
        "audit_years": settings.RETENTION_AUDIT_DAYS // 365,
        "session_hours": settings.SESSION_COOKIE_AGE // 3600,
        "realtime_hours": settings.RETENTION_REALTIME_EVENTS_HOURS,
        "api_token_days": settings.API_TOKEN_DEFAULT_DAYS,
        "voice_original_days": settings.VOICE_ORIGINAL_RETENTION_DAYS,
        "voice_contact_days": settings.VOICE_CONTACT_RETENTION_DAYS,
        "simplification_original_days": settings.SIMPLIFICATION_ORIGINAL_RETENTION_DAYS,
        "pending_accounts_days": settings.RETENTION_PENDING_ACCOUNTS_DAYS,
    }


def _registered_retentions() -> list[dict[str, str]]:
    """One row per purge registered with ``core.retention`` (the contact hub's messages,
    records, calls, surveys…, the outbound log): the page cannot drift from the purge."""
    return [
        {
            "data": str(retention.data),
            "purpose": str(retention.purpose),
            "legal_basis": str(retention.legal_basis),
            "duration": retention.duration() if retention.duration is not None else "",
        }
        for retention in registered_retentions()
        if retention.described
    ]


def _charter_context() -> dict[str, Any]:
    from parvis.simplification.models import DeclineReason

    return {
        "reasons": [
            (label, CHARTER_REASON_HELP.get(code, "")) for code, label in CharterReason.choices
        ],
        "decline_reasons": [label for _, label in DeclineReason.choices],
        "retention": _retention(),
    }


def _page(
    template: str,
    title: str,
    extra: Callable[[], dict[str, Any]] | None = None,
    *,
    with_breadcrumb: bool = True,
) -> Callable[[HttpRequest], HttpResponse]:
    """A public page; ``with_breadcrumb=False`` for the home page, whose trail would read
    « Accueil › Accueil »."""

    @require_GET
    def view(request: HttpRequest) -> HttpResponse:
        context: dict[str, Any] = {
            "title": title,
            "breadcrumb": breadcrumb() if with_breadcrumb else None,
        }
        if extra is not None:
            context.update(extra())
        return render(request, template, context)

    view.__name__ = template.rsplit("/", 1)[-1].removesuffix(".html")
    view.__doc__ = f"{title} (public page)."
    return view


def _site_context() -> dict[str, Any]:
    return {
        "retention": _retention(),
        "registered_retentions": _registered_retentions(),
        "site_url": settings.SITE_URL,
        "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
        "csrf_cookie_days": settings.CSRF_COOKIE_AGE // 86400,
        "session_cookie_name": settings.SESSION_COOKIE_NAME,
        "assessment_date": ACCESSIBILITY_ASSESSMENT_DATE,
        "declaration_date": ACCESSIBILITY_DECLARATION_DATE,
        "host": {
            "name": settings.PARVIS_HOST_NAME,
            "address": settings.PARVIS_HOST_ADDRESS,
            "contact": settings.PARVIS_HOST_CONTACT,
        },
        "publication_director": settings.PARVIS_PUBLICATION_DIRECTOR,
        "operator_address": settings.PARVIS_OPERATOR_ADDRESS,
    }


home = _page("portal/home.html", "Accueil", with_breadcrumb=False)
sitemap = _page("portal/sitemap.html", "Plan du site")
accessibility = _page("portal/accessibility.html", "Déclaration d’accessibilité", _site_context)
legal_notice = _page("portal/legal_notice.html", "Mentions légales", _site_context)
personal_data = _page("portal/personal_data.html", "Données personnelles", _site_context)
cookies = _page("portal/cookies.html", "Gestion des cookies", _site_context)
charter = _page("portal/charter.html", "Charte de modération", _charter_context)


@require_GET
def dsfr_neutral_css(request: HttpRequest) -> HttpResponse:
    """The DSFR stylesheet without the Marianne font, for the neutral brand."""
    stylesheet = neutral_dsfr_stylesheet()
    if request.headers.get("If-None-Match") == stylesheet.etag:
        response: HttpResponse = HttpResponseNotModified()
    elif "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(stylesheet.gzipped, content_type="text/css; charset=utf-8")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(stylesheet.content, content_type="text/css; charset=utf-8")
    response["ETag"] = stylesheet.etag
    patch_vary_headers(response, ["Accept-Encoding"])
    patch_cache_control(response, public=True, max_age=24 * 3600)
    return response
