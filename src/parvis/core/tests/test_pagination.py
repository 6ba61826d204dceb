"""List pagination: one reading of ``?page=`` (404 when unusable, or first page, leniently)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.http import Http404
from django.template.loader import render_to_string
from django.test import RequestFactory

from parvis.core.pagination import paginate, querystring_without_page, requested_page_number


def _get(query: str):
    return RequestFactory().get(f"/liste?{query}")


def test_paginate_returns_the_page_with_its_elided_links():
    page = paginate(_get("page=2"), list(range(45)), per_page=20)
    assert page.number == 2 and list(page.object_list) == list(range(20, 40))
    assert list(page.pages_list) == [1, 2, 3]


def test_a_page_past_the_last_is_a_404():
    with pytest.raises(Http404):
        paginate(_get("page=4"), list(range(45)), per_page=20)


@pytest.mark.parametrize("value", ["0", "-1", "abc", ""])
def test_an_unreadable_page_is_the_first(value):
    """« ?page=abc » lists the first page, as ``requested_page_number`` reads it."""
    assert paginate(_get(f"page={value}"), list(range(45)), per_page=20).number == 1


def test_a_known_count_is_not_counted_again():
    class Uncountable(list):
        def count(self, *args):  # list.count would be called by Paginator.count
            raise AssertionError("counted")

        def __len__(self):
            raise AssertionError("counted")

    # The selector found 45 (of more rows): the last page stops at the 45th.
    page = paginate(_get("page=3"), Uncountable(range(100)), per_page=20, count=45)
    assert page.paginator.num_pages == 3 and list(page.object_list) == list(range(40, 45))


@pytest.mark.parametrize(
    ("query", "number"), [("", 1), ("page=3", 3), ("page=0", 1), ("page=-2", 1), ("page=x", 1)]
)
def test_requested_page_number_falls_back_to_the_first_page(query, number):
    assert requested_page_number(_get(query)) == number


def test_querystring_keeps_the_filters_without_the_page():
    assert querystring_without_page(_get("q=caf&page=2&statut=recue")) == "q=caf&statut=recue"


def _links(page_obj, request) -> dict[str, str]:
    """Each pagination link's label → its opening tag."""
    context = {"page_obj": page_obj, "request": request}
    html = render_to_string("core/pagination.html", context)
    return {
        label.strip(): tag
        for tag, label in re.findall(r"(<a [^>]*>)([^<]*)</a>", html)
        if label.strip()
    }


def test_the_pagination_disables_the_links_that_lead_nowhere():
    """A disabled link has no href and says so (aria-disabled), as DSFR prescribes: axe
    then exempts its grey from the contrast ratio, and screen readers announce it."""
    request = RequestFactory().get("/liste/", {"q": "délai"})
    first = paginate(request, list(range(100)))
    links = _links(first, request)
    for label in ("Première page", "Page précédente"):
        assert 'aria-disabled="true"' in links[label] and "href" not in links[label]
    assert 'href="?q=d%C3%A9lai&amp;page=2"' in links["Page suivante"]
    assert 'aria-current="page"' in links["1"]

    last = paginate(RequestFactory().get("/liste/", {"page": "5"}), list(range(100)))
    links = _links(last, request)
    for label in ("Page suivante", "Dernière page"):
        assert 'aria-disabled="true"' in links[label] and "href" not in links[label]
    assert "aria-disabled" not in links["Première page"]


def test_list_pages_use_the_accessible_pagination():
    """django-dsfr's {% dsfr_pagination %} leaves disabled links without aria-disabled."""
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for path in root.glob("*/templates/**/*.html")
        if "dsfr_pagination" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
