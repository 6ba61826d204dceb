"""Security registry entries of the directory (merged by ``core/tests/route_registry``).

Public pages and read operations are the directory itself; the back office and the hours
write are scoped to the site's organisation (other organisation → 404, agent → 403); so
are the commitments' self-assessments, which take the quality manager's role.
"""

from __future__ import annotations

from typing import Any

from parvis.core.tests.route_registry import Operation, Route


def _org(w: Any, k: str) -> dict[str, Any]:
    return {"slug": w[k].org.slug}


def _service(w: Any, k: str) -> dict[str, Any]:
    return {"slug": w[k].service.slug}


def _site(w: Any, k: str) -> dict[str, Any]:
    return {"slug": w[k].site.slug}


def _exception(w: Any, k: str) -> dict[str, Any]:
    from parvis.directory.tests.factories import OpeningExceptionFactory

    return {"slug": w[k].site.slug, "pk": OpeningExceptionFactory(site=w[k].site).pk}


def _commitment(w: Any, k: str) -> dict[str, Any]:
    from parvis.directory.tests.factories import CommitmentFactory

    return {"slug": w[k].org.slug, "number": CommitmentFactory(number=3).number}


def _hours(w: Any, k: str) -> dict[str, Any]:
    return {"hours": [{"weekday": 0, "opens": "09:00", "closes": "12:00"}]}


# "directory:organisation_list" is on the core reviewed list.
HTML_ROUTES: dict[str, Route] = {
    "directory:search": Route("public", query="?q=accueil&commune=33000"),
    "directory:organisation_detail": Route("public", kwargs=_org),
    "directory:local_service_detail": Route("public", kwargs=_service),
    "directory:site_detail": Route("public", kwargs=_site),
    "directory:organisation_commitments": Route("public", kwargs=_org),
    "directory_backoffice:site_list": Route("login"),
    "directory_backoffice:site_create": Route("login", agent_status=403),
    "directory_backoffice:site_details": Route("scoped", kwargs=_site, agent_status=403),
    "directory_backoffice:site_hours": Route("scoped", kwargs=_site, agent_status=403),
    "directory_backoffice:site_exceptions": Route("scoped", kwargs=_site, agent_status=403),
    "directory_backoffice:site_exception_delete": Route(
        "scoped",
        kwargs=_exception,
        agent_status=403,
        admin_status=405,  # POST only
    ),
    "directory_backoffice:commitment_list": Route("scoped", kwargs=_org, agent_status=403),
    "directory_backoffice:commitment_edit": Route("scoped", kwargs=_commitment, agent_status=403),
}

API = "/api/v1/annuaire"
API_OPERATIONS: dict[tuple[str, str], Operation] = {
    ("GET", f"{API}/organismes"): Operation("public"),
    ("GET", f"{API}/organismes/{{slug}}"): Operation("public", params=_org),
    ("GET", f"{API}/themes"): Operation("public"),
    ("GET", f"{API}/canaux"): Operation("public"),
    ("GET", f"{API}/etapes"): Operation("public"),
    ("GET", f"{API}/services-locaux"): Operation("public", query="?departement=33"),
    ("GET", f"{API}/services-locaux/{{slug}}"): Operation("public", params=_service),
    ("GET", f"{API}/lieux"): Operation("public", query="?type=guichet&commune=33000"),
    ("GET", f"{API}/lieux/{{slug}}"): Operation("public", params=_site),
    ("GET", f"{API}/lieux/{{slug}}/planning"): Operation("public", params=_site, query="?jours=7"),
    ("GET", f"{API}/lieux/{{slug}}/ouverture"): Operation("public", params=_site),
    ("PUT", f"{API}/lieux/{{slug}}/horaires"): Operation(
        "scoped", params=_site, body=_hours, agent_status=403
    ),
}
