"""The ``date`` filter every template uses, French first of the month included.

A template builtin (``TEMPLATES["OPTIONS"]["builtins"]``), loaded after Django's own, so
``{{ value|date:"j F Y" }}`` writes « 1er décembre 2026 » in pages, e-mails, SMS texts and
PDFs alike without a ``{% load %}``: the rule lives in ``parvis.core.french.date``.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import dateformat

from parvis.core import french

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(value: Any, arg: str | None = None) -> str:
    """Django's ``date`` filter, writing « 1er » for the first of the month before its name."""
    if value in (None, ""):
        return ""
    try:
        return french.date(value, arg)
    except AttributeError:
        try:
            return dateformat.format(value, arg or "")
        except AttributeError:
            return ""
