"""voice's entries in the side menu of the espace agents (see ``core.menu``), registered
from ``VoiceConfig.ready()``. Each visibility check is the one its page makes."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from parvis.accounts.scoping import Perm, has_permission
from parvis.core.menu import MenuEntry, Viewer, register
from parvis.voice.selectors import ANSWER_PERMISSION


def _can(permission: Perm) -> Callable[[Viewer], bool]:
    def visible(viewer: Viewer) -> bool:
        return has_permission(viewer.principal, permission)

    return visible


def _moderates(viewer: Viewer) -> bool:
    from parvis.voice.services import is_moderator

    return is_moderator(viewer.principal)


def _records_at_a_counter(viewer: Viewer) -> bool:
    # The page refuses (403) anyone with no active site in scope.
    from parvis.directory.menu import has_active_sites

    return has_permission(viewer.principal, Perm.VIEW) and has_active_sites(viewer)


def register_menu() -> None:
    register(
        MenuEntry(
            key="voice.experiences",
            label=_("Expériences des usagers"),
            url_name="voice_backoffice:experience_list",
            order=10,
            visible=_can(Perm.VIEW),
        ),
        MenuEntry(
            key="voice.overdue",
            label=_("Réponses en retard"),
            url_name="voice_backoffice:overdue",
            order=15,
            visible=_can(ANSWER_PERMISSION),
        ),
        MenuEntry(
            key="voice.assisted",
            label=_("Enregistrer une expérience au guichet"),
            url_name="voice_backoffice:assisted_create",
            order=20,
            visible=_records_at_a_counter,
        ),
        MenuEntry(
            key="voice.moderation",
            label=_("Modération des expériences"),
            url_name="voice_backoffice:moderation_queue",
            order=40,
            visible=_moderates,
        ),
        MenuEntry(
            key="voice.templates",
            label=_("Modèles de réponse"),
            url_name="voice_backoffice:template_list",
            order=50,
            # Quality managers (local ones included) and organisation admins: the page
            # lists the templates they manage (403 for anyone else).
            visible=_can(Perm.MANAGE_QUALITY),
        ),
    )
