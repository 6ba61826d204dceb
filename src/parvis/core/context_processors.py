"""Template context shared by every page: brand and the DSFR site configuration.

django-dsfr's own context processor queries the database on every request; this one
keeps the configuration in the cache for a minute.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, When
from django.http import HttpRequest

SITE_CONFIG_CACHE_KEY = "parvis:dsfr-site-config"


_MISSING = object()


def _site_config() -> Any:
    """The configuration row, or ``None`` when there is none; either is cached (a missing
    row is cached as ``False``, or every request would look for it again)."""
    from dsfr.models import DsfrConfig

    config = cache.get(SITE_CONFIG_CACHE_KEY, _MISSING)
    if config is _MISSING:
        # One query whether or not a French row exists (the French one first, else any).
        config = DsfrConfig.objects.order_by(
            Case(When(language="fr", then=0), default=1), "pk"
        ).first()
        cache.set(SITE_CONFIG_CACHE_KEY, config or False, 60)
    return config or None


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "SITE_CONFIG": _site_config(),
        "SITE_TITLE": settings.PARVIS_SITE_TITLE,
        "SOURCE_URL": settings.PARVIS_SOURCE_URL,
        "BRAND": settings.PARVIS_BRAND,
        "BRAND_IS_STATE": settings.PARVIS_BRAND == "state",
        "BRAND_PRIMARY_COLOR": settings.PARVIS_PRIMARY_COLOR,
        "BRAND_LOGO_URL": settings.PARVIS_LOGO_URL,
        "OPERATOR_NAME": settings.PARVIS_OPERATOR_NAME,
        "CONTACT_EMAIL": settings.PARVIS_CONTACT_EMAIL,
    }
