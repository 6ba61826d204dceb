"""Pagination of list pages: one reading of ``?page=`` for every app.

``paginate`` serves every list page (public lists, back-office lists): an unreadable
``page`` (« abc », 0, -1) shows the first page, as ``requested_page_number`` reads it; a
page past the last is a 404 (« Cette page de résultats n’existe pas. »). The page it
returns carries ``pages_list``, the elided range of page numbers that
``core/pagination.html`` draws (``{% include "core/pagination.html" %}``; it marks the
links that lead nowhere ``aria-disabled``, which django-dsfr's tag does not).
``requested_page_number`` reads the number leniently (first page when unreadable), for a
caller that sizes its query before paginating; ``querystring_without_page`` keeps the
current filters for the pagination links.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Any, cast

from django.core.paginator import InvalidPage, Page, Paginator
from django.http import Http404, HttpRequest

PAGE_SIZE = 20


class ListPage(Page):
    """A page that knows which page numbers its pagination links show."""

    pages_list: Iterator[str | int]


class ListPaginator(Paginator):
    """A paginator of ``ListPage``; given ``count``, it never runs its own COUNT query."""

    def __init__(self, object_list: Any, per_page: int, *, count: int | None = None) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        if self._known_count is not None:
            return self._known_count
        return super().count

    def page(self, number: int | str) -> ListPage:
        return cast(ListPage, super().page(number))  # built by _get_page below

    def _get_page(self, *args: Any, **kwargs: Any) -> ListPage:
        # Django's hook for an alternative Page class.
        page = ListPage(*args, **kwargs)
        page.pages_list = self.get_elided_page_range(page.number)
        return page


def paginate(
    request: HttpRequest,
    object_list: Any,
    *,
    per_page: int = PAGE_SIZE,
    count: int | None = None,
) -> ListPage:
    """The requested page: the first when ``page`` is unreadable (a hand-edited or truncated
    link still lists something), a 404 past the last page.

    ``count`` is the number of items when the caller already knows it (e.g. a capped
    count from its selector), so the paginator does not count again.
    """
    paginator = ListPaginator(object_list, per_page, count=count)
    try:
        page = paginator.page(requested_page_number(request))
    except InvalidPage as exc:
        raise Http404("Cette page de résultats n’existe pas.") from exc
    return page


def requested_page_number(request: HttpRequest) -> int:
    """The page number asked for, at least 1; the first page when ``page`` is unreadable."""
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def querystring_without_page(request: HttpRequest) -> str:
    """The current query string minus ``page``: the filters the pagination links keep."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
