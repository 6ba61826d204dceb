"""The desk's entry in the side menu of the espace agents (``core.menu``): shown to
whoever takes or answers (``Perm.TAKE``) and to a referent with a conversation assigned
to them (the same check as the page)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from parvis.core.menu import MenuEntry, Viewer, register


def _has_desk(viewer: Viewer) -> bool:
    from parvis.desk.selectors import has_desk

    return viewer.remember("desk.has_desk", lambda: has_desk(viewer.principal))


def register_menu() -> None:
    register(
        MenuEntry(
            key="desk.home",
            label=_("Poste de travail"),
            url_name="desk:home",
            order=5,
            visible=_has_desk,
            active_for=("desk:conversation",),
        ),
    )
