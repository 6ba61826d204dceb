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
