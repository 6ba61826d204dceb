"""The contact hub's entries in the side menu of the espace agents (see ``core.menu``),
registered from ``ContactsConfig.ready()``: shown to principals whose scope holds queues
of the organisation the switcher points at (or any, without one)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from parvis.core.menu import MenuEntry, MenuSection, Viewer, register

SECTION = "contacts"


def _has_queues(viewer: Viewer) -> bool:
    from parvis.contacts.selectors import has_contact_queues

    return viewer.remember(
        "contacts.has_queues", lambda: has_contact_queues(viewer.principal, viewer.organisation)
    )


def _records_visits(viewer: Viewer) -> bool:
    # The visit page refuses (403) anyone with no active site where they serve citizens
    # (``selectors.visit_sites_for``); the menu asks the shared question (an active site
    # in scope) and the role (no query: the grants are the principal's, cached).
    from parvis.accounts.scoping import Perm, has_permission
    from parvis.directory.menu import has_active_sites

    return (
        _has_queues(viewer)
        and has_permission(viewer.principal, Perm.REPLY)
        and has_active_sites(viewer)
    )


def register_menu() -> None:
    register(
        MenuSection(key=SECTION, label=_("Contacts des usagers"), order=40, visible=_has_queues),
        MenuEntry(
            key="contacts.conversations",
            label=_("Conversations"),
            url_name="contacts_backoffice:conversation_list",
            section=SECTION,
            order=10,
            visible=_has_queues,
            active_for=("contacts_backoffice:conversation_detail",),
        ),
        MenuEntry(
            key="contacts.queues",
            label=_("Files d’attente"),
            url_name="contacts_backoffice:queue_list",
            section=SECTION,
            order=20,
            visible=_has_queues,
        ),
        MenuEntry(
            key="contacts.visit",
            label=_("Enregistrer une visite"),
            url_name="contacts_backoffice:visit_record",
            section=SECTION,
            order=30,
            visible=_records_visits,
        ),
    )
    register_citizen_menu()


def register_citizen_menu() -> None:
    """Citizen records (issue 14): any principal whose scope holds the hub's queues sees
    the records of their organisations (and those shared with them by consent)."""
    register(
        MenuEntry(
            key="contacts.citizens",
            label=_("Fiches usagers"),
            url_name="contacts_backoffice:citizen_list",
            section=SECTION,
            order=25,
            visible=_has_queues,
            active_for=(
                "contacts_backoffice:citizen_detail",
                "contacts_backoffice:citizen_create",
                "contacts_backoffice:citizen_edit",
                "contacts_backoffice:citizen_duplicates",
                "contacts_backoffice:citizen_merge",
                "contacts_backoffice:citizen_consent_capture",
                "contacts_backoffice:citizen_accesses",
            ),
        ),
    )
