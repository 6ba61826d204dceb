"""The espace agents' own entries of the side menu (see ``core.menu``): the dashboard,
the organisation the switcher points at (members, API tokens, audit log) and the
technical administration. Registered from ``BackofficeConfig.ready()``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from parvis.accounts.scoping import Perm, has_permission, is_platform_admin
from parvis.core.menu import MenuEntry, MenuSection, Viewer, register

ORGANISATION_SECTION = "backoffice.organisation"


def _organisation_label(viewer: Viewer) -> str:
    organisation = viewer.organisation
    return str(organisation.short_name or organisation.name) if organisation else ""


def _organisation_slug(viewer: Viewer) -> dict[str, Any] | None:
    return {"slug": viewer.organisation.slug} if viewer.organisation is not None else None


def _on_organisation(permission: Perm) -> Callable[[Viewer], bool]:
    def visible(viewer: Viewer) -> bool:
        return has_permission(viewer.principal, permission, viewer.organisation)

    return visible


def _technical_admin(viewer: Viewer) -> bool:
    return bool(viewer.principal.is_staff) and is_platform_admin(viewer.principal)


def register_menu() -> None:
    register(
        MenuEntry(
            key="backoffice.dashboard",
            label=_("Tableau de bord"),
            url_name="backoffice:dashboard",
            order=0,
            exact=True,
        ),
        MenuSection(
            key=ORGANISATION_SECTION,
            label=_organisation_label,
            order=800,
            visible=lambda viewer: viewer.organisation is not None,
        ),
        MenuEntry(
            key="backoffice.members",
            label=_("Membres"),
            url_name="backoffice:members",
            section=ORGANISATION_SECTION,
            order=10,
            url_kwargs=_organisation_slug,
            visible=_on_organisation(Perm.MANAGE_MEMBERS),
            active_for=("backoffice:membership-change", "backoffice:membership-revoke"),
        ),
        MenuEntry(
            key="backoffice.tokens",
            label=_("Jetons d’API"),
            url_name="backoffice:tokens",
            section=ORGANISATION_SECTION,
            order=20,
            url_kwargs=_organisation_slug,
            visible=_on_organisation(Perm.MANAGE_TOKENS),
            active_for=("backoffice:token-revoke",),
        ),
        MenuEntry(
            key="backoffice.audit",
            label=_("Journal d’audit"),
            url_name="backoffice:audit",
            section=ORGANISATION_SECTION,
            order=30,
            url_kwargs=_organisation_slug,
            visible=_on_organisation(Perm.VIEW_AUDIT),
        ),
        MenuEntry(
            key="backoffice.technical_admin",
            label=_("Administration technique"),
            url_name="admin:index",
            order=1000,
            visible=_technical_admin,
        ),
    )
