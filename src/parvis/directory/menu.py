"""The directory's entry in the side menu of the espace agents (see ``core.menu``),
registered from ``DirectoryConfig.ready()``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from parvis.accounts.scoping import Perm, has_permission
from parvis.core.menu import MenuEntry, Viewer, register


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
