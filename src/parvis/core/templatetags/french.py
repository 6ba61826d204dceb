"""French typography in templates: ``{% load french %}``."""

from __future__ import annotations

from django import template

from parvis.core.text import of

register = template.Library()


@register.filter(name="of", is_safe=True)
def of_filter(text: object) -> str:
    """``{{ month_label|of }}``: « d’octobre 2026 », « de mars 2026 » (``core.text.of``)."""
    return of(str(text))
