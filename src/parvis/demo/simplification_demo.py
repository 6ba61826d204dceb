"""Demo simplification requests, one or more in every state of the lifecycle, and a
history of some seventy more filed over the last fourteen months.

They go through the same services as real ones (proposal, masking, moderation,
decisions, with their dated public history and audit rows), so the back-office queue,
the public list and the follow-up page have something to show. The history is dated
through the services' ``now``: each request is filed on its day and moves on days or
weeks later, so the follow-up page publishes its rates (``MIN_N`` requests per
organisation and year) for the organisations with the most requests. Its dates and
paths come from a seeded random generator: the same on every run. A rerun adds nothing
once they exist.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

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
    """Create the demo requests and their history; how many were created (0 on a rerun).

    The history goes first: references are numbered per year in the order requests are
    filed (``core.services.next_reference``), and today's showcase is filed last."""
    history = demo_simplification_history_seed()
    return history + _showcase_seed()


def _demo_staff() -> tuple[User, User] | None:
    """The demo's moderator and deciding admin (None before the accounts are seeded)."""
    moderator = User.objects.filter(email="moderation@demo.parvis.fr").first()
    decider = User.objects.filter(email="admin@demo.parvis.fr").first()
    if moderator is None or decider is None:
        return None
    return moderator, decider


def _showcase_seed() -> int:
    """One or more requests in every state, filed today."""
    from parvis.simplification.services import (
        simplification_request_mask,
        simplification_request_propose,
        simplification_request_transition,
        support_by_account,
    )

    if SimplificationRequest.objects.filter(procedure_name__in=DEMO_PROCEDURES).exists():
        return 0
    staff = _demo_staff()
    citizen = User.objects.filter(email=DEMO_CITIZEN).first()
    if staff is None:
        return 0
    moderator, decider = staff
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


# --- History: requests filed over the last fourteen months -----------------------------------

# (theme, procedure, difficulty, proposal) by organisation; each history request takes one,
# in turn. How many requests each organisation gets: the CAF, the Assurance maladie and
# France Travail pass the follow-up's publication threshold, the DGFiP stays below it.
HISTORY_TOPICS: dict[str, list[tuple[str, str, str, str]]] = {
    "caf": [
        (
            "complexite",
            "Déclaration trimestrielle de ressources",
            "Chaque trimestre, il faut ressaisir des revenus que la CAF connaît déjà.",
            "Préremplir la déclaration avec les revenus transmis par l’employeur.",
        ),
        (
            "pieces-justificatives",
            "Attestation de scolarité",
            "L’attestation de scolarité est redemandée chaque année pour chaque enfant.",
            "Vérifier la scolarité directement auprès des établissements.",
        ),
        (
            "delai",
            "Versement de l’aide au logement",
            "Le premier versement arrive trois mois après la demande.",
            "Verser une avance dès que le dossier est complet.",
        ),
        (
            "dematerialisation",
            "Espace personnel caf.fr",
            "Le téléversement d’un justificatif échoue sans message sur téléphone.",
            "Indiquer la taille et le format acceptés avant l’envoi.",
        ),
        (
            "information",
            "Courrier de régularisation",
            "Le courrier annonce un trop-perçu sans dire comment il a été calculé.",
            "Joindre le détail du calcul mois par mois.",
        ),
    ],
    "assurance-maladie": [
        (
            "complexite",
            "Déclaration de médecin traitant",
            "Changer de médecin traitant demande un formulaire signé par les deux médecins.",
            "Permettre la déclaration en ligne par le nouveau médecin seul.",
        ),
        (
            "delai",
            "Remboursement des soins à l’étranger",
            "Le remboursement des soins reçus en Europe prend plusieurs mois.",
            "Un suivi en ligne du dossier et un délai annoncé.",
        ),
        (
            "pieces-justificatives",
            "Indemnités journalières",
            "L’attestation de salaire est demandée alors que l’employeur l’a transmise.",
            "Ne plus la demander quand la déclaration sociale nominative suffit.",
        ),
        (
            "accessibilite",
            "Compte ameli",
            "Les messages du compte ameli ne se lisent pas avec un lecteur d’écran.",
            "Rendre la messagerie du compte accessible.",
        ),
    ],
    "france-travail": [
        (
            "complexite",
            "Actualisation mensuelle",
            "L’actualisation redemande chaque mois les mêmes informations.",
            "Ne demander que ce qui a changé depuis le mois précédent.",
        ),
        (
            "injoignable",
            "Conseiller référent",
            "Le conseiller référent ne répond pas aux messages pendant des semaines.",
            "Un délai de réponse garanti et un remplaçant désigné.",
        ),
        (
            "pieces-justificatives",
            "Ouverture des droits",
            "L’attestation employeur manque alors que l’employeur dit l’avoir envoyée.",
            "Dire au demandeur quelles pièces sont arrivées et lesquelles manquent.",
        ),
    ],
    "dgfip": [
        (
            "information",
            "Avis d’impôt",
            "L’avis ne dit pas pourquoi le taux de prélèvement a changé.",
            "Expliquer le nouveau taux sur l’avis.",
        ),
    ],
}
HISTORY_COUNTS = {"caf": 30, "assurance-maladie": 26, "france-travail": 18, "dgfip": 6}
HISTORY_PROCEDURES = {topic[1] for topics in HISTORY_TOPICS.values() for topic in topics}
HISTORY_DAYS = 425  # some fourteen months
HISTORY_SEED = 2026


def history_plan(today: dt.datetime) -> list[dict[str, Any]]:
    """The history's requests, oldest first: organisation, topic, the day it was filed
    and its dated moves (``[(status, moment), ...]``), none after ``today``. Pure and
    seeded: the same ``today`` gives the same plan."""
    rng = random.Random(HISTORY_SEED)
    plan: list[dict[str, Any]] = []
    for slug, count in HISTORY_COUNTS.items():
        topics = HISTORY_TOPICS[slug]
        for index in range(count):
            filed = today - dt.timedelta(
                days=rng.randint(2, HISTORY_DAYS),
                hours=rng.randint(0, 9),
                minutes=rng.randint(0, 59),
            )
            moves: list[tuple[str, dt.datetime]] = []
            if rng.random() < 0.06:
                moves.append((Status.REJECTED, filed + dt.timedelta(days=rng.randint(1, 4))))
            else:
                at = filed + dt.timedelta(days=rng.randint(1, 5), hours=rng.randint(1, 6))
                moves.append((Status.RECEIVED, at))
                roll = rng.random()
                if roll > 0.15:
                    at += dt.timedelta(days=rng.randint(3, 20))
                    moves.append((Status.UNDER_STUDY, at))
                    if roll > 0.35:
                        at += dt.timedelta(days=rng.randint(10, 75))
                        accepted = rng.random() < 0.65
                        moves.append((Status.ACCEPTED if accepted else Status.DECLINED, at))
                        if accepted and rng.random() < 0.6:
                            at += dt.timedelta(days=rng.randint(20, 150))
                            moves.append((Status.DONE, at))
            plan.append(
                {
                    "organisation": slug,
                    "topic": topics[index % len(topics)],
                    "filed": filed,
                    "moves": [(status, at) for status, at in moves if at < today],
                }
            )
    return sorted(plan, key=lambda item: item["filed"])


def demo_simplification_history_seed(*, today: dt.datetime | None = None) -> int:
    """Create the history's requests, each filed and moved on its own days; how many were
    created (0 on a rerun)."""
    from parvis.simplification.services import (
        simplification_request_mask,
        simplification_request_propose,
        simplification_request_transition,
    )

    if SimplificationRequest.objects.filter(procedure_name__in=HISTORY_PROCEDURES).exists():
        return 0
    staff = _demo_staff()
    if staff is None:
        return 0
    moderator, decider = staff
    organisations = {o.slug: o for o in Organisation.objects.all()}
    themes = {t.slug: t for t in Theme.objects.all()}
    created = 0
    for item in history_plan(today or timezone.now()):
        organisation = organisations.get(item["organisation"])
        if organisation is None:
            continue
        theme, procedure, difficulty, proposal = item["topic"]
        request = simplification_request_propose(
            organisation=organisation,
            theme=themes.get(theme),
            procedure_name=procedure,
            difficulty=difficulty,
            proposal=proposal,
            now=item["filed"],
        )
        request = simplification_request_mask(request=request)
        # Masked as it was filed, not on the day of the seed.
        SimplificationRequest.objects.filter(pk=request.pk).update(masked_at=item["filed"])
        created += 1
        for status, moment in item["moves"]:
            simplification_request_transition(
                request=request,
                to_status=status,
                actor=moderator if status in (Status.RECEIVED, Status.REJECTED) else decider,
                comment=_COMMENTS.get(status, ""),
                reason=_HISTORY_REASONS.get(status, ""),
                explanation=_HISTORY_EXPLANATIONS.get(status, ""),
                now=moment,
            )
    return created


_HISTORY_REASONS: dict[str, str] = {
    Status.REJECTED: CharterReason.PERSONAL_DATA,
    Status.DECLINED: DeclineReason.LEGAL,
}
_HISTORY_EXPLANATIONS: dict[str, str] = {
    Status.DECLINED: "La réglementation en vigueur exige cette démarche telle qu’elle est.",
}
