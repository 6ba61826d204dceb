"""Quality results' entries in the side menu of the espace agents (see ``core.menu``),
registered from ``QualityConfig.ready()``: the dashboard, the targets and the import of
declared figures of the organisation the switcher points at (for who manages its
quality), and the indicator catalogue (platform admins)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from parvis.accounts.scoping import Perm, has_permission, is_platform_admin
from parvis.core.menu import MenuEntry, MenuSection, Viewer, register
from parvis.directory.menu import manages_quality

SECTION = "quality"


def _organisation_slug(viewer: Viewer) -> dict[str, Any] | None:
    return {"slug": viewer.organisation.slug} if viewer.organisation is not None else None


def _platform_admin(viewer: Viewer) -> bool:
    return is_platform_admin(viewer.principal)


def _manages_a_service_only(viewer: Viewer) -> bool:
    """A quality manager of local services (not of the organisation the switcher points
    at): their services' indicators, through the section's home."""
    if manages_quality(viewer):
        return False
    return viewer.remember(
        "quality.manages_somewhere",
        lambda: has_permission(viewer.principal, Perm.MANAGE_QUALITY),
    )


def register_menu() -> None:
    register(
        MenuSection(
            key=SECTION,
            label=_("Résultats de qualité"),
            order=50,
            visible=lambda viewer: (
                manages_quality(viewer)
                or _manages_a_service_only(viewer)
                or _platform_admin(viewer)
            ),
        ),
        MenuEntry(
            key="quality.dashboard",
            label=_("Indicateurs de l’organisme"),
            url_name="quality_backoffice:dashboard",
            section=SECTION,
            order=10,
            url_kwargs=_organisation_slug,
            visible=manages_quality,
            active_for=("quality_backoffice:indicator_detail", "quality_backoffice:home"),
        ),
        MenuEntry(
            key="quality.services",
            label=_("Indicateurs du service"),
            url_name="quality_backoffice:home",
            section=SECTION,
            order=15,
            visible=_manages_a_service_only,
            active_for=("quality_backoffice:service_dashboard",),
        ),
        MenuEntry(
            key="quality.targets",
            label=_("Cibles"),
            url_name="quality_backoffice:targets",
            section=SECTION,
            order=20,
            url_kwargs=_organisation_slug,
            visible=manages_quality,
        ),
        MenuEntry(
            key="quality.declared_import",
            label=_("Importer des résultats déclarés"),
            url_name="quality_backoffice:declared_import",
            section=SECTION,
            order=30,
            visible=lambda viewer: manages_quality(viewer) or _manages_a_service_only(viewer),
        ),
        MenuEntry(
            key="quality.catalogue",
            label=_("Catalogue des indicateurs"),
            url_name="quality_backoffice:catalogue",
            section=SECTION,
            order=40,
            visible=_platform_admin,
            active_for=("quality_backoffice:indicator_edit",),
        ),
    )
