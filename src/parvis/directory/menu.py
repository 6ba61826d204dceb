"""The directory's entry in the side menu of the espace agents (see ``core.menu``),
registered from ``DirectoryConfig.ready()``."""

from __future__ import annotations

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


def register_menu() -> None:
    register(
        MenuEntry(
            key="directory.sites",
            label=_("Horaires des lieux"),
            url_name="directory_backoffice:site_list",
            order=30,
            visible=_views,
        )
    )
