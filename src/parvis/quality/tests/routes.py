"""Security registry entries of quality results (merged by ``core/tests/route_registry``).

The managers' pages name an organisation (other organisation → 404, an agent without
the quality manager's role → 403); the import of declared figures and its template need
that role somewhere; the catalogue is for platform admins.
"""

from __future__ import annotations

from typing import Any

from parvis.core.tests.route_registry import Route


def _org(w: Any, k: str) -> dict[str, Any]:
    return {"slug": w[k].org.slug}


def _org_indicator(w: Any, k: str) -> dict[str, Any]:
    return {"slug": w[k].org.slug, "code": "taux-appels-decroches"}


def _service(w: Any, k: str) -> dict[str, Any]:
    return {"slug": w[k].org.slug, "service": w[k].service.slug}


def _indicator(w: Any, k: str) -> dict[str, Any]:
    return {"code": "taux-appels-decroches"}


HTML_ROUTES: dict[str, Route] = {
    "quality_backoffice:home": Route("login", agent_status=403),
    "quality_backoffice:dashboard": Route("scoped", kwargs=_org, agent_status=403),
    "quality_backoffice:indicator_detail": Route("scoped", kwargs=_org_indicator, agent_status=403),
    "quality_backoffice:targets": Route("scoped", kwargs=_org, agent_status=403),
    "quality_backoffice:service_dashboard": Route("scoped", kwargs=_service, agent_status=403),
    "quality_backoffice:declared_import": Route("login", agent_status=403),
    "quality_backoffice:declared_template": Route("login", agent_status=403),
    "quality_backoffice:catalogue": Route("platform"),
    "quality_backoffice:indicator_edit": Route("platform", kwargs=_indicator),
}
