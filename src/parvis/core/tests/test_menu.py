"""core.menu: the side-menu registry (entries, sections, visibility, the active entry)
and core.breadcrumb, the one breadcrumb helper."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from parvis.core import menu
from parvis.core.breadcrumb import breadcrumb
from parvis.core.menu import MenuEntry, MenuSection, Viewer


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test (the apps' own entries are left untouched)."""
    monkeypatch.setattr(menu, "_ENTRIES", {})
    monkeypatch.setattr(menu, "_SECTIONS", {})


def _register_example() -> None:
    menu.register(
        MenuEntry(key="home", label="Accueil", url_name="portal:home", order=0, exact=True),
        MenuEntry(key="list", label="Annuaire", url_name="directory:organisation_list", order=20),
        MenuEntry(
            key="search",
            label="Recherche",
            url_name="directory:search",
            order=10,
            visible=lambda viewer: viewer.principal == "agent",
        ),
        MenuSection(key="org", label=lambda viewer: f"Organisme {viewer.organisation}", order=5),
        MenuEntry(
            key="org.page",
            label="Page",
            url_name="directory:organisation_detail",
            section="org",
            url_kwargs=lambda viewer: (
                {"slug": viewer.organisation} if viewer.organisation else None
            ),
        ),
    )


def test_entries_in_order_with_visibility_and_sections(registry):
    _register_example()
    items = menu.build(Viewer("agent", "caf"), path="/")
    assert [item.label for item in items] == ["Accueil", "Organisme caf", "Recherche", "Annuaire"]
    assert items[1].children[0].link == reverse("directory:organisation_detail", args=["caf"])
    citizen = menu.build(Viewer("usager"), path="/")
    assert [item.label for item in citizen] == [
        "Accueil",
        "Annuaire",
    ]  # no organisation: no section


def test_the_longest_matching_link_is_active_and_exact_entries_only_on_their_page(registry):
    _register_example()
    detail = reverse("directory:organisation_detail", args=["caf"])
    items = menu.build(Viewer("agent", "caf"), path=detail + "plus-loin/")
    active = [item.label for item in items if item.is_active]
    assert active == ["Organisme caf"] and items[1].children[0].is_active
    assert [i.label for i in menu.build(Viewer("agent"), path="/") if i.is_active] == ["Accueil"]
    assert not any(i.is_active for i in menu.build(Viewer("agent"), path="/ailleurs/"))


def test_section_items_for_a_dashboard(registry):
    _register_example()
    assert [i.label for i in menu.section_items(Viewer("agent", "caf"), "org")] == ["Page"]
    assert menu.section_items(Viewer("agent"), "inconnue") == []


def test_every_app_entry_names_a_real_url():
    for entry in menu.registered_entries():
        assert entry.url_kwargs is not None or reverse(entry.url_name), entry.key
        assert entry.section == "" or entry.section in menu._SECTIONS, entry.key


def test_the_breadcrumb_starts_at_home_and_ends_with_the_title():
    html = render_to_string(
        "parvis/breadcrumb.html",
        {"breadcrumb": breadcrumb(("Annuaire", "/annuaire/")), "title": "CAF de la Gironde"},
    )
    assert html.index("Accueil") < html.index("Annuaire") < html.index("CAF de la Gironde")
    assert 'aria-current="page">CAF de la Gironde<' in html
    trail = breadcrumb(("B", "/b/"), current="C").under("A", "/a/")
    assert [c.label for c in trail.links] == ["A", "B"] and trail.under("A", "/a/") is trail
