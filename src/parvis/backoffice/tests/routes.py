"""Security registry entries of the espace agents (see core/tests/route_registry.py)."""

from parvis.core.tests.route_registry import Route


def _org(w, k):  # type: ignore[no-untyped-def]
    return {"slug": w[k].org.slug}


def _membership(w, k):  # type: ignore[no-untyped-def]
    return {"pk": w[k].membership.pk}


HTML_ROUTES = {
    # One's own counter recordings: nothing organisation-bound in the URL
    "backoffice:recordings": Route("login"),
    # POST only (the organisation switcher); what it accepts is in test_shell.py
    "backoffice:organisation-switch": Route("login", agent_status=405, admin_status=405),
    "backoffice:members": Route("scoped", kwargs=_org, agent_status=403),
    "backoffice:membership-change": Route("scoped", kwargs=_membership, agent_status=403),
    "backoffice:membership-revoke": Route("scoped", kwargs=_membership, agent_status=403),
    "backoffice:tokens": Route("scoped", kwargs=_org, agent_status=403),
    "backoffice:token-revoke": Route(
        "scoped", kwargs=lambda w, k: {"pk": w[k].token.pk}, agent_status=403
    ),
    "backoffice:audit": Route("scoped", kwargs=_org, agent_status=403),
}
