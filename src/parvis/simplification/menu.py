"""simplification's entry in the side menu of the espace agents (see ``core.menu``),
registered from ``SimplificationConfig.ready()``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from parvis.core.menu import MenuEntry, Viewer, register


def _uses_backoffice(viewer: Viewer) -> bool:
    from parvis.simplification.selectors import may_use_backoffice

    return may_use_backoffice(viewer.principal)


def register_menu() -> None:
    register(
        MenuEntry(
            key="simplification.queue",
            label=_("Demandes de simplification"),
            url_name="simplification_backoffice:queue",
            order=60,
            visible=_uses_backoffice,
        )
    )
