"""The one breadcrumb helper: a view puts ``breadcrumb(*parents, current=...)`` in its
context as ``breadcrumb``; ``parvis/base.html`` renders it with ``parvis/breadcrumb.html``
(the DSFR markup). ``current`` defaults to the page's ``title``.

Back-office pages need not build one: the agents' shell (``backoffice/base.html``)
starts every trail at « Espace agents », so their views only name the pages in between.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise

Label = str | Promise


@dataclass(frozen=True)
class Crumb:
    label: Label
    url: str


@dataclass(frozen=True)
class Breadcrumb:
    links: tuple[Crumb, ...] = ()
    current: Label | None = None  # None: the page's title

    def under(self, label: Label, url: str) -> Breadcrumb:
        """The same trail below a new first link (unless it already starts there)."""
        if self.links and self.links[0].url == url:
            return self
        return Breadcrumb((Crumb(label, url), *self.links), self.current)


def breadcrumb(*parents: tuple[Label, str], current: Label | None = None) -> Breadcrumb:
    """``parents`` are (label, URL) pairs, root first; ``current`` names the page itself."""
    return Breadcrumb(tuple(Crumb(label, url) for label, url in parents), current)
