"""Demo simplification requests, one or more in every state of the lifecycle.

They go through the same services as real ones (proposal, masking, moderation,
decisions, with their dated public history and audit rows), so the back-office queue,
the public list and the follow-up page have something to show. A rerun adds nothing
once they exist.
"""

from __future__ import annotations

from parvis.accounts.models import User
from parvis.core.charter import CharterReason
from parvis.demo.accounts import DEMO_CITIZEN
from parvis.directory.models import Organisation, Theme
from parvis.simplification.models import DeclineReason, SimplificationRequest, Status

# (organisation, theme, procedure, Cerfa, difficulty, proposal, target status)
REQUESTS: list[tuple[str, str, str, str, str, str, str]] = [
    (
        "caf",
        "complexite",
        "Demande de prime d’activité",
        "",
        "Le formulaire demande trois fois les mêmes revenus du foyer, trimestre par trimestre.",
        "Préremplir les revenus déjà connus des impôts et de l’employeur.",
        Status.DONE,
    ),
    (
        "caf",
        "pieces-justificatives",
        "Aide personnalisée au logement",
        "10840*07",
        "Il faut joindre une attestation du bailleur que la CAF a déjà reçue l’an passé.",
        "Ne demander l’attestation qu’en cas de changement de logement.",
        Status.ACCEPTED,
    ),
    (
        "caf",
        "complexite",
        "Déclaration de changement de situation",
        "",
        "Signaler une naissance oblige à remplir deux formulaires distincts.",
        "Un seul formulaire pour tous les changements de situation familiale.",
        Status.UNDER_STUDY,
    ),
    (
        "caf",
        "pieces-justificatives",
        "Justificatif de loyer",
        "",
        "Le justificatif de loyer doit être renvoyé chaque année, même sans changement.",
        "Reconduire le justificatif tant que le bail ne change pas.",
        Status.DECLINED,
    ),
    (
        "caf",
        "complexite",
        "Allocation de rentrée scolaire",
        "",
        "Pour un enfant de plus de 16 ans, il faut une attestation de scolarité papier.",
        "Vérifier la scolarité auprès de l’Éducation nationale, sans papier.",
        Status.RECEIVED,
    ),
    (
        "assurance-maladie",
        "complexite",
        "Complémentaire santé solidaire",
        "12504*05",
        "Le formulaire fait douze pages et redemande les ressources déjà déclarées.",
        "Un formulaire court, prérempli avec les ressources connues.",
        Status.RECEIVED,
    ),
    (
        "caf",
        "complexite",
        "Demande de RSA",
        "",
        "Je veux simplifier la démarche, appelez-moi au 06 12 34 56 78, Jean Martin.",
        "Voir avec moi directement.",
        Status.REJECTED,
    ),
    (
        "caf",
        "pieces-justificatives",
        "Déménagement et aides au logement",
        "",
        "Après un déménagement, il faut refaire toute la demande d’aide au logement.",
        "Transférer le dossier existant vers le nouveau logement.",
        Status.SUBMITTED,
    ),
]
DEMO_PROCEDURES = {row[2] for row in REQUESTS}

# The moves leading to each target status, from "received".
PATHS: dict[str, list[str]] = {
    Status.RECEIVED: [],
    Status.UNDER_STUDY: [Status.UNDER_STUDY],
    Status.ACCEPTED: [Status.UNDER_STUDY, Status.ACCEPTED],
    Status.DONE: [Status.ACCEPTED, Status.DONE],
    Status.DECLINED: [Status.UNDER_STUDY, Status.DECLINED],
}


def demo_simplification_seed() -> int:
    """Create the demo requests; returns how many were created (0 on a rerun)."""
    from parvis.simplification.services import (
        simplification_request_mask,
        simplification_request_propose,
        simplification_request_transition,
        support_by_account,
    )

    if SimplificationRequest.objects.filter(procedure_name__in=DEMO_PROCEDURES).exists():
        return 0
    moderator = User.objects.filter(email="moderation@demo.parvis.fr").first()
    decider = User.objects.filter(email="admin@demo.parvis.fr").first()
    citizen = User.objects.filter(email=DEMO_CITIZEN).first()
    if moderator is None or decider is None:
        return 0
    organisations = {o.slug: o for o in Organisation.objects.all()}
    themes = {t.slug: t for t in Theme.objects.all()}
    created = 0
    for slug, theme, procedure, cerfa, difficulty, proposal, target in REQUESTS:
        organisation = organisations.get(slug)
        if organisation is None:
            continue
        request = simplification_request_propose(
            organisation=organisation,
            theme=themes.get(theme),
            procedure_name=procedure,
            cerfa_number=cerfa,
            difficulty=difficulty,
            proposal=proposal,
        )
        created += 1
        request = simplification_request_mask(request=request)
        if target == Status.SUBMITTED:
            continue
        if target == Status.REJECTED:
            simplification_request_transition(
                request=request,
                to_status=Status.REJECTED,
                actor=moderator,
                reason=CharterReason.PERSONAL_DATA,
            )
            continue
        simplification_request_transition(
            request=request, to_status=Status.RECEIVED, actor=moderator
        )
        if citizen is not None and target in SUPPORTED_BY_CITIZEN:
            # « Mes demandes de simplification » of the demo citizen is not empty.
            request.refresh_from_db()
            support_by_account(request=request, user=citizen)
        for step in PATHS[target]:
            simplification_request_transition(
                request=request,
                to_status=step,
                actor=decider,
                comment=_COMMENTS.get(step, ""),
                reason=DeclineReason.LEGAL if step == Status.DECLINED else "",
                explanation=(
                    "Le justificatif annuel est exigé par la réglementation en vigueur."
                    if step == Status.DECLINED
                    else ""
                ),
            )
    return created


# The demo citizen supported the requests reaching these states (one still open, one done).
SUPPORTED_BY_CITIZEN = frozenset({Status.UNDER_STUDY, Status.DONE})

_COMMENTS: dict[str, str] = {
    Status.UNDER_STUDY: "Nous étudions la demande avec le service concerné.",
    Status.ACCEPTED: "La simplification est retenue pour la prochaine version du formulaire.",
    Status.DONE: "Les revenus connus sont désormais préremplis.",
}
