"""The agents' shell in templates: ``backoffice/base.html`` (the one base of every
back-office page, whatever app renders it) draws the side menu, the organisation
switcher and the breadcrumb with these tags; views only give a ``title`` and, when the
page sits below another, a ``breadcrumb`` (``core.breadcrumb.breadcrumb``)."""

from __future__ import annotations

from typing import Any

from django import template

from parvis.backoffice import shell
from parvis.core.breadcrumb import Breadcrumb

register = template.Library()


@register.inclusion_tag("backoffice/sidemenu.html", takes_context=True)
def agents_sidemenu(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    choices = shell.organisation_choices(request)
    return {
        "sidemenu": shell.sidemenu(request),
        "organisations": choices if len(choices) > 1 else [],
        "current_organisation": shell.current_organisation(request),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def agents_breadcrumb(context: template.Context) -> Breadcrumb:
    return shell.agents_breadcrumb(context.get("breadcrumb"))
