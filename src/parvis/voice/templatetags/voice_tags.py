"""Template helpers of voice.

``anchored_messages``: the flash messages that belong to one block of a page (the vote
under a public answer) rather than to the top of the page. A view adds them with
``extra_tags=anchored_tags(anchor)``; ``parvis/base.html`` leaves every message tagged
``anchored`` to the block that asks for it here.
"""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def anchored_messages(context: Any, anchor: str) -> list[Any]:
    """The messages of this request flashed for the block ``anchor``."""
    stored = context.get("messages") or ()
    return [message for message in stored if anchor in (message.extra_tags or "").split()]
