"""Routing's entry in the side menu of the espace agents (``core.menu``): « Supervision »,
shown to whoever holds ``Perm.SUPERVISE`` over at least one routed queue (the same check
as the wallboard's pages and WebSocket)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from parvis.core.menu import MenuEntry, Viewer, register


def _supervises(viewer: Viewer) -> bool:
    from parvis.routing.selectors import supervises

    return viewer.remember("routing.supervises", lambda: supervises(viewer.principal))


def register_menu() -> None:
    register(
        MenuEntry(
            key="routing.wallboard",
            label=_("Supervision"),
            url_name="routing:wallboard",
            order=6,
            visible=_supervises,
            active_for=("routing:queue",),
        ),
    )
