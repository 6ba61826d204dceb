"""Security registry entries of publication (merged by ``core/tests/route_registry``).

Everything here is public and read-only: pages and API operations read the public read
model only.
"""

from __future__ import annotations

from typing import Any

from parvis.core.tests.route_registry import Operation, Route


def _experience(w: Any, k: str) -> dict[str, Any]:
    from parvis.publication.services import publication_sync
    from parvis.voice.tests.factories import ExperienceFactory

    experience = ExperienceFactory(complaint=True, published=True, local_service=w[k].service)
    publication_sync(experience_id=experience.pk)
    return {"uuid": str(experience.uuid)}


def _service(w: Any, k: str) -> dict[str, Any]:
    return {"slug": w[k].service.slug}


HTML_ROUTES: dict[str, Route] = {
    "publication:experience_list": Route("public", query="?tone=negatif&answered=non"),
    "publication:experience_detail": Route("public", kwargs=_experience),
    "publication:service_figures": Route("public", kwargs=_service),
    "publication:figures": Route("public"),
    "publication:opendata": Route("public"),
    # No export has run in the test world: the file is not there yet.
    "publication:opendata_file": Route(
        "public", kwargs=lambda w, k: {"name": "experiences.csv"}, public_status=404
    ),
}

API = "/api/v1/publications"
API_OPERATIONS: dict[tuple[str, str], Operation] = {
    ("GET", f"{API}/experiences"): Operation("public", query="?q=delai&tone=negatif"),
    ("GET", f"{API}/experiences/{{uuid}}"): Operation("public", params=_experience),
    ("GET", f"{API}/chiffres"): Operation("public", query="?scope=service"),
    ("GET", f"{API}/donnees"): Operation("public", query="?format=csv"),
}


# Quality results (/resultats/): public pages and downloads, read from quality's selectors.
def _organisation(w: Any, k: str) -> dict[str, Any]:
    return {"organisation": w[k].org.slug}


def _local_service(w: Any, k: str) -> dict[str, Any]:
    return {"organisation": w[k].org.slug, "service": w[k].service.slug}


def _france_services(w: Any, k: str) -> dict[str, Any]:
    return {"site": w[k].france_services.slug}


RATE = "taux-appels-decroches"

HTML_ROUTES.update(
    {
        "publication:quality_index": Route("public", query="?q=gironde"),
        "publication:quality_methodology": Route("public"),
        "publication:quality_indicator": Route("public", kwargs=lambda w, k: {"code": RATE}),
        "publication:quality_ranking_data": Route(
            "public", kwargs=lambda w, k: {"code": RATE, "fmt": "csv"}
        ),
        "publication:quality_map_data": Route(
            "public", kwargs=lambda w, k: {"code": RATE, "fmt": "json"}
        ),
        "publication:quality_organisation": Route("public", kwargs=_organisation),
        "publication:quality_organisation_data": Route(
            "public", kwargs=lambda w, k: {**_organisation(w, k), "code": RATE, "fmt": "csv"}
        ),
        "publication:quality_service": Route("public", kwargs=_local_service),
        "publication:quality_service_data": Route(
            "public", kwargs=lambda w, k: {**_local_service(w, k), "code": RATE, "fmt": "json"}
        ),
        "publication:quality_france_services": Route("public", kwargs=_france_services),
        "publication:quality_france_services_data": Route(
            "public", kwargs=lambda w, k: {**_france_services(w, k), "code": RATE, "fmt": "csv"}
        ),
    }
)
