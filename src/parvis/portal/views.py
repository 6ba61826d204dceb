"""Public portal pages: home and the mandatory footer pages."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET


def _page(template: str, title: str):  # type: ignore[no-untyped-def]
    @require_GET
    def view(request: HttpRequest) -> HttpResponse:
        return render(request, template, {"title": title, "settings_retention": _retention()})

    view.__name__ = template.rsplit("/", 1)[-1].removesuffix(".html").replace("-", "_")
    return view


def _retention() -> dict[str, int]:
    return {
        "axes_days": settings.RETENTION_AXES_DAYS,
        "revoked_tokens_days": settings.RETENTION_REVOKED_TOKENS_DAYS,
        "audit_days": settings.RETENTION_AUDIT_DAYS,
        "session_hours": settings.SESSION_COOKIE_AGE // 3600,
        "realtime_hours": settings.RETENTION_REALTIME_EVENTS_HOURS,
    }


home = _page("portal/home.html", "Accueil")
sitemap = _page("portal/sitemap.html", "Plan du site")
accessibility = _page("portal/accessibility.html", "Déclaration d’accessibilité")
legal_notice = _page("portal/legal_notice.html", "Mentions légales")
personal_data = _page("portal/personal_data.html", "Données personnelles")
cookies = _page("portal/cookies.html", "Gestion des cookies")
