"""The agents' shell: which organisation the side menu and the dashboard point at.

A person with roles in several organisations chooses one with the organisation
switcher; the choice is kept in the session and checked again on every request against
their memberships (a revoked membership falls back to the first one left). It only
changes where links point: every page still filters its data through
``accounts.scoping``.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import resolve, reverse

from parvis.accounts.scoping import is_platform_admin
from parvis.backoffice.selectors import member_organisation_ids, switchable_organisations
from parvis.core.breadcrumb import Breadcrumb, breadcrumb
from parvis.core.menu import MenuItem, Viewer, build
from parvis.directory.models import Organisation

SESSION_KEY = "backoffice:organisation"
ROOT_LABEL = "Espace agents"
_CHOICES = "_parvis_organisation_choices"
_CURRENT = "_parvis_current_organisation"


def organisation_choices(request: HttpRequest) -> list[Organisation]:
    """Organisations the signed-in person may point the shell at (cached per request)."""
    if not hasattr(request, _CHOICES):
        setattr(request, _CHOICES, list(switchable_organisations(request.user)))
    return getattr(request, _CHOICES)


def current_organisation(request: HttpRequest) -> Organisation | None:
    """The organisation chosen in the switcher, else the first of one's memberships."""
    if hasattr(request, _CURRENT):
        return getattr(request, _CURRENT)
    choices = organisation_choices(request)
    chosen = request.session.get(SESSION_KEY)
    current = next((o for o in choices if o.pk == chosen), None)
    if current is None and not is_platform_admin(request.user):
        current = choices[0] if choices else None  # the choices are one's own
    elif current is None:  # a platform admin: every organisation, but none by default…
        member_ids = set(member_organisation_ids(request.user))  # …except one's own
        current = next((o for o in choices if o.pk in member_ids), None)
    setattr(request, _CURRENT, current)
    return current


def choose_organisation(request: HttpRequest, slug: str) -> Organisation | None:
    """Point the shell at ``slug``; ``None`` (and no change) when it is not one of the
    person's organisations."""
    chosen = next((o for o in organisation_choices(request) if o.slug == slug), None)
    if chosen is not None:
        request.session[SESSION_KEY] = chosen.pk
        setattr(request, _CURRENT, chosen)
    return chosen


def viewer(request: HttpRequest) -> Viewer:
    return Viewer(principal=request.user, organisation=current_organisation(request))


def sidemenu(request: HttpRequest) -> list[MenuItem]:
    match = request.resolver_match or resolve(request.path_info)
    return build(viewer(request), path=request.path, view_name=match.view_name)


def agents_breadcrumb(crumb: Breadcrumb | None) -> Breadcrumb:
    """A back-office page's trail, always starting at the espace agents."""
    return (crumb or breadcrumb()).under(ROOT_LABEL, reverse("backoffice:dashboard"))
