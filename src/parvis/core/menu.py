"""The side menu of the espace agents: a registry that each app fills from its ``ready()``.

An app declares its back-office pages here (label, URL name, who sees them, order,
optional section) instead of the shell naming other apps' URLs. The shell
(``backoffice``) builds the menu of the signed-in principal on every back-office page.

Visibility callables receive a ``Viewer``: the principal (a user) and the organisation
the organisation switcher points at. They answer with the same ``accounts.scoping``
checks the page itself makes, so no entry leads to a page its viewer may not open. The
menu only chooses which links to show: it never filters data (scoping does).

Core imports no parvis app: entries name URLs by string and carry callables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.urls import reverse
from django.utils.functional import Promise

Label = str | Promise
T = TypeVar("T")


@dataclass(frozen=True)
class Viewer:
    """Who the menu is built for: the principal and the organisation it points at.

    ``remember`` keeps an answer for the viewer's lifetime (one menu built), so a check
    shared by a section and its entries, or by several apps, runs one query."""

    principal: Any
    organisation: Any | None = None
    _answers: dict[str, Any] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def remember(self, key: str, compute: Callable[[], T]) -> T:
        if key not in self._answers:
            self._answers[key] = compute()
        return self._answers[key]


def always(viewer: Viewer) -> bool:
    return True


@dataclass(frozen=True)
class MenuSection:
    """A collapsible group of entries. ``label`` may depend on the viewer (for instance
    the name of the organisation the switcher points at)."""

    key: str
    label: Label | Callable[[Viewer], Label]
    order: int = 100
    visible: Callable[[Viewer], bool] = always


@dataclass(frozen=True)
class MenuEntry:
    """One link of the side menu.

    ``url_kwargs`` builds the URL's arguments from the viewer (``None`` hides the entry,
    e.g. when no organisation is selected). ``active_for`` lists other URL names
    (``namespace:name``) on which the entry is highlighted; otherwise the entry whose
    URL is the longest prefix of the current path is (``exact`` entries only on their
    own URL).
    """

    key: str
    label: Label
    url_name: str
    visible: Callable[[Viewer], bool] = always
    order: int = 100
    section: str = ""
    url_kwargs: Callable[[Viewer], dict[str, Any] | None] | None = None
    active_for: tuple[str, ...] = ()
    exact: bool = False


@dataclass
class MenuItem:
    """What the side-menu template renders."""

    label: str
    link: str = ""
    is_active: bool = False
    children: list[MenuItem] = field(default_factory=list)


_ENTRIES: dict[str, MenuEntry] = {}
_SECTIONS: dict[str, MenuSection] = {}


def register(*entries: MenuEntry | MenuSection) -> None:
    """Add entries or sections (called from an ``AppConfig.ready()``; a key registered
    again replaces the previous one)."""
    for entry in entries:
        if isinstance(entry, MenuSection):
            _SECTIONS[entry.key] = entry
        else:
            _ENTRIES[entry.key] = entry


def registered_entries() -> list[MenuEntry]:
    return sorted(_ENTRIES.values(), key=lambda entry: (entry.order, entry.key))


def _link(entry: MenuEntry, viewer: Viewer) -> str | None:
    kwargs: dict[str, Any] | None = {}
    if entry.url_kwargs is not None:
        kwargs = entry.url_kwargs(viewer)
        if kwargs is None:
            return None
    if not entry.visible(viewer):
        return None
    return reverse(entry.url_name, kwargs=kwargs)


def build(viewer: Viewer, *, path: str, view_name: str = "") -> list[MenuItem]:
    """The menu items ``viewer`` sees, with the one matching ``path`` marked active."""
    links = [(entry, link) for entry in registered_entries() if (link := _link(entry, viewer))]
    active = _active_entry(links, path, view_name)
    top: list[tuple[int, str, MenuItem]] = []
    sections: dict[str, MenuItem] = {}
    for entry, link in links:
        item = MenuItem(label=str(entry.label), link=link, is_active=entry is active)
        if not entry.section:
            top.append((entry.order, entry.key, item))
            continue
        section = _SECTIONS[entry.section]
        if entry.section not in sections:
            if not section.visible(viewer):
                continue
            label = section.label(viewer) if callable(section.label) else section.label
            sections[entry.section] = MenuItem(label=str(label))
            top.append((section.order, section.key, sections[entry.section]))
        sections[entry.section].children.append(item)
        sections[entry.section].is_active |= item.is_active
    return [item for _, _, item in sorted(top, key=lambda row: (row[0], row[1]))]


def section_items(viewer: Viewer, key: str) -> list[MenuItem]:
    """The links of one section that ``viewer`` sees (e.g. on a dashboard)."""
    section = _SECTIONS.get(key)
    if section is None or not section.visible(viewer):
        return []
    return [
        MenuItem(label=str(entry.label), link=link)
        for entry in registered_entries()
        if entry.section == key and (link := _link(entry, viewer))
    ]


def _active_entry(
    links: list[tuple[MenuEntry, str]], path: str, view_name: str
) -> MenuEntry | None:
    for entry, _ in links:
        if view_name and view_name in entry.active_for:
            return entry
    candidates = [
        (len(link), entry)
        for entry, link in links
        if path == link or (not entry.exact and path.startswith(link))
    ]
    return max(candidates, key=lambda row: row[0])[1] if candidates else None
