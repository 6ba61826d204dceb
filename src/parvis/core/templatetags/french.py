"""Template filters of ``parvis.core.french``: ``de_elide``, ``with_article``,
``pluralize_fr``."""

from __future__ import annotations

from typing import Any

from django import template

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
