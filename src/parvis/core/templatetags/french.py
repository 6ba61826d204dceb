"""Template filters of ``parvis.core.french``: ``de_elide``, ``with_article``,
``pluralize_fr``, ``with_unit``, ``time_fr``, ``phone_fr``."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django import template
from django.utils import timezone

from parvis.core import french

register = template.Library()


@register.filter
def de_elide(value: Any) -> str:
    """``{{ organisation|de_elide }}`` → « de la CAF », « d’Antoine Agent »."""
    return french.de(value)


@register.filter(name="with_article")
def with_article(value: Any) -> str:
    """``{{ organisation|with_article }}`` → « la CAF »."""
    return french.with_article(value)


@register.filter
def pluralize_fr(count: Any, suffix: str = "s") -> str:
    """``{{ n }} soutien{{ n|pluralize_fr }}``: « 0 soutien », « 1 soutien », « 2 soutiens »."""
    return french.plural_suffix(count, suffix)


@register.filter(name="with_unit")
def with_unit(value: Any, unit: str) -> str:
    """``{{ rate|with_unit:"%" }}`` → « 87,5 % »; ``{{ seconds|with_unit:"s" }}`` → « 1 234 s »:
    a number in French (one decimal at most), then its unit after a no-break space."""
    if isinstance(value, int | float | Decimal):
        value = french.number(float(value), 1, trim=True)
    return french.with_unit(str(value), unit)


@register.filter
def time_fr(value: Any) -> str:
    """``{{ moment|time_fr }}`` → « 9 h », « 13 h 30 » (on one line); a moment in the
    current time zone, as Django's ``time`` filter shows it; « » for none."""
    if value is None:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return french.time_of_day(value)


@register.filter
def phone_fr(value: Any) -> str:
    """``{{ number|phone_fr }}`` → « 06 12 34 56 78 » for « +33612345678 »."""
    return french.phone(str(value)) if value else ""
