"""The directory's entries in the side menu of the espace agents (see ``core.menu``),
registered from ``DirectoryConfig.ready()``: the sites' hours, and the Services Publics+
commitments of the organisation the switcher points at."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from parvis.accounts.scoping import Perm, has_permission
from parvis.core.menu import MenuEntry, Viewer, register


def has_active_sites(viewer: Viewer) -> bool:
    """Whether the viewer's scope holds an active site (where one records at a counter:
    voice's experiences, the contact hub's visits); asked once per menu."""
    from parvis.directory.selectors import sites_visible_to

    return viewer.remember(
        "directory.active_sites",
        lambda: sites_visible_to(viewer.principal).filter(is_active=True).exists(),
    )


def _views(viewer: Viewer) -> bool:
    return has_permission(viewer.principal, Perm.VIEW)


# The organisation section of the shell (``backoffice.menu.ORGANISATION_SECTION``), named
# by its key: the directory does not import the shell.
ORGANISATION_SECTION = "backoffice.organisation"


def _organisation_slug(viewer: Viewer) -> dict[str, Any] | None:
    return {"slug": viewer.organisation.slug} if viewer.organisation is not None else None


def manages_quality(viewer: Viewer) -> bool:
    """Whether the viewer manages the quality of the organisation the switcher points at
    (the commitments here, the quality results' section): asked once per menu."""
    return viewer.remember(
        "manages_quality",
        lambda: has_permission(viewer.principal, Perm.MANAGE_QUALITY, viewer.organisation),
    )


def register_menu() -> None:
    register(
        MenuEntry(
            key="directory.sites",
            label=_("Lieux d’accueil"),
            url_name="directory_backoffice:site_list",
            order=30,
            visible=_views,
        ),
        MenuEntry(
            key="directory.commitments",
            label=_("Engagements Services Publics+"),
            url_name="directory_backoffice:commitment_list",
            section=ORGANISATION_SECTION,
            order=40,
            url_kwargs=_organisation_slug,
            visible=manages_quality,
            active_for=("directory_backoffice:commitment_edit",),
        ),
    )
