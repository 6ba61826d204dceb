"""Inbound HTML (an email's HTML part, a rich chat message) made safe to show agents.

``sanitise_html`` keeps the structure a reader needs (paragraphs, lists, tables, emphasis,
quotes, links) and drops everything that runs or reaches out: scripts and styles with
their content, event handlers, forms, frames, and images (a remote image in a mail is a
read receipt the citizen never agreed to; inline images arrive as attachments). Links
keep ``http``, ``https`` and ``mailto`` only and open nothing of parvis's window
(``rel="noopener noreferrer nofollow"``). The library is ``nh3`` (ammonia, maintained).
"""

from __future__ import annotations

import nh3

from parvis.core.text import strip_controls

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div",
        "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li",
        "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup", "table",
        "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}
# Removed with everything inside them (not only the tags).
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "head", "title", "noscript", "template", "object", "iframe"}
)

_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
    url_relative="deny",  # a relative link would point into parvis itself
)


def sanitise_html(html: str) -> str:
    """``html`` with only what is safe to show an agent (empty stays empty)."""
    if not html:
        return ""
    return _CLEANER.clean(strip_controls(html)).strip()
