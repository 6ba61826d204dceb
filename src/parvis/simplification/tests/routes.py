"""Security registry entries of simplification (merged by ``core/tests/route_registry``).

Public pages and reads; the back office and status changes are scoped to the request's
organisation (other organisation → 404, agent without ``MANAGE_QUALITY`` → 403).
"""

from __future__ import annotations

from typing import Any

from parvis.core.tests.route_registry import Operation, Route


def _public(w: Any, k: str) -> dict[str, Any]:
    from parvis.simplification.tests.factories import SimplificationRequestFactory

    request = SimplificationRequestFactory(organisation=w[k].org, received=True)
    return {"reference": request.reference}


def _any(w: Any, k: str) -> dict[str, Any]:
    from parvis.simplification.tests.factories import SimplificationRequestFactory

    return {"reference": SimplificationRequestFactory(organisation=w[k].org).reference}


def _token(w: Any, k: str) -> dict[str, Any]:
    from parvis.simplification.services import support_token
    from parvis.simplification.tests.factories import SimplificationRequestFactory

    request = SimplificationRequestFactory(organisation=w[k].org, received=True)
    return {"token": support_token(request, "soutien@exemple.fr")}


def _proposal(w: Any, k: str) -> dict[str, Any]:
    return {
        "organisation": w[k].org.slug,
        "procedure_name": "Demande de prime d’activité",
        "difficulty": "Les ressources trimestrielles sont difficiles à calculer.",
        "proposal": "Pré-remplir les ressources connues de l’administration.",
    }


def _study(w: Any, k: str) -> dict[str, Any]:
    return {"status": "a-l-etude", "comment": "Nous étudions la demande."}


HTML_ROUTES: dict[str, Route] = {
    "simplification:list": Route("public", query="?q=logement&statut=recue"),
    "simplification:propose": Route("public"),
    "simplification:mine": Route("login"),
    "simplification:proposed": Route("public"),
    "simplification:follow_up": Route("public"),
    "simplification:detail": Route("public", kwargs=_public),
    "simplification:support": Route("public", kwargs=_public, public_status=405),  # POST only
    "simplification:support_confirm": Route("public", kwargs=_token),
    "simplification_backoffice:queue": Route("login", agent_status=403),
    "simplification_backoffice:detail": Route("scoped", kwargs=_any, agent_status=403),
}

API = "/api/v1/simplifications"
API_OPERATIONS: dict[tuple[str, str], Operation] = {
    ("GET", API): Operation("public", query="?statut=recue&annee=2026"),
    ("GET", f"{API}/suivi"): Operation("public"),
    ("GET", f"{API}/{{reference}}"): Operation("public", params=_public),
    ("POST", API): Operation(
        "authenticated", body=_proposal, token_status=201, agent_status=401, admin_status=401
    ),
    ("POST", f"{API}/{{reference}}/statut"): Operation(
        "scoped", params=_public, body=_study, agent_status=403
    ),
}
