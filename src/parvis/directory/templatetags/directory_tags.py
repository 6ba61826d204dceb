"""Display helpers of the directory: French times, opening intervals, contact details."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django import template

from parvis.core import french
from parvis.core.french import time_of_day
from parvis.directory.channels import ChannelContact, channel_contacts
from parvis.directory.hours import Interval
from parvis.directory.models import Site

register = template.Library()


@register.filter
def french_time(value: dt.time | dt.datetime | None) -> str:
    """09:00 → « 9 h », 13:30 → « 13 h 30 »."""
    return "" if value is None else time_of_day(value)


@register.filter
def intervals(value: Iterable[Interval]) -> str:
    """Intervals as French text: « 9 h à 12 h et 14 h à 17 h »; « Fermé » when empty."""
    parts = [f"{french_time(i.opens)} à {french_time(i.closes)}" for i in value]
    if not parts:
        return "Fermé"
    return ", ".join(parts[:-1]) + (" et " if len(parts) > 1 else "") + parts[-1]


@register.filter
def french_date(value: dt.date | dt.datetime) -> str:
    """« lundi 6 janvier 2030 », « mardi 1er janvier 2030 »."""
    return french.date(value, "l j F Y")


@register.filter
def served_area(site: Site) -> str:
    """Whom a contact centre answers from afar: « toute la France » or its départements;
    empty for a site serving the public that comes to it."""
    if site.coverage == Site.Coverage.NATIONAL:
        return "toute la France"
    if site.coverage == Site.Coverage.DEPARTEMENTS:
        return ", ".join(f"{d.name} ({d.code})" for d in site.covered_departements.all())
    return ""


@register.simple_tag
def site_contacts(site: Site) -> list[ChannelContact]:
    """Each channel of ``site`` with its contact detail (``directory.channels``)."""
    return channel_contacts(site)
