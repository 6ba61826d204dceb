"""Demo self-assessments against the Services Publics+ commitments (CAF, Assurance
Maladie, DGFiP), so the back office and the organisations' public commitments pages have
something to show.

They go through the directory's service (validation, audit rows), written by each
organisation's quality manager of the demo (admin.caf@ for the CAF). A commitment already
assessed is left as it is: a rerun adds nothing, and what a demo user changed stays.
"""

from __future__ import annotations

from parvis.accounts.models import User
from parvis.directory.models import Commitment, CommitmentAssessment, Organisation
from parvis.directory.services import commitment_assessment_save, taxonomy_load

ACHIEVED = CommitmentAssessment.Level.ACHIEVED
IN_PROGRESS = CommitmentAssessment.Level.IN_PROGRESS
NOT_COMMITTED = CommitmentAssessment.Level.NOT_COMMITTED
SERVICES_PUBLICS_PLUS = (
    "Résultats publiés sur Services Publics+",
    "https://www.plus.transformation.gouv.fr/",
)

# organisation slug → (commitment number, level, public text, [(label, url)])
ASSESSMENTS: dict[str, list[tuple[int, str, str, list[tuple[str, str]]]]] = {
    "caf": [
        (
            0,
            ACHIEVED,
            "Nos agents d’accueil suivent une formation à l’accueil bienveillant dès leur "
            "arrivée. Une erreur de bonne foi dans une déclaration n’entraîne pas de pénalité "
            "lorsqu’elle est corrigée spontanément.",
            [("Le droit à l’erreur expliqué sur caf.fr", "https://www.caf.fr/")],
        ),
        (
            1,
            IN_PROGRESS,
            "Le 32 30 répond du lundi au vendredi de 9 h à 16 h ; chaque département garde un "
            "accueil sur rendez-vous. Les rappels sous 48 heures sont en cours de déploiement.",
            [SERVICES_PUBLICS_PLUS],
        ),
        (
            4,
            IN_PROGRESS,
            "Nous affichons dans l’espace Mon Compte le délai de traitement de chaque "
            "démarche ; l’avancement du dossier y est visible à chaque étape.",
            [
                SERVICES_PUBLICS_PLUS,
                ("Délais de traitement par département", "https://www.caf.fr/"),
            ],
        ),
        (
            5,
            ACHIEVED,
            "Nos résultats de qualité de service sont publiés chaque année, caisse par caisse.",
            [SERVICES_PUBLICS_PLUS],
        ),
    ],
    "assurance-maladie": [
        (
            1,
            ACHIEVED,
            "Le 36 46 est joignable du lundi au vendredi de 8 h 30 à 17 h 30, et le compte ameli "
            "permet la plupart des démarches en ligne à toute heure.",
            [("Nous contacter sur ameli.fr", "https://www.ameli.fr/")],
        ),
        (
            3,
            IN_PROGRESS,
            "Un conseiller qui ne peut pas répondre transmet la demande au bon service, sans que "
            "l’assuré ait à la refaire.",
            [],
        ),
        (
            6,
            IN_PROGRESS,
            "Les avis laissés après un contact sont lus chaque mois par l’équipe qualité de "
            "chaque caisse, qui en tire des actions d’amélioration.",
            [SERVICES_PUBLICS_PLUS],
        ),
    ],
    "dgfip": [
        (
            2,
            ACHIEVED,
            "Les centres des finances publiques reçoivent sur rendez-vous les usagers qui ont "
            "besoin d’un accompagnement, y compris pour déclarer en ligne avec eux.",
            [("Prendre rendez-vous sur impots.gouv.fr", "https://www.impots.gouv.fr/")],
        ),
        (
            4,
            ACHIEVED,
            "Les messages envoyés depuis l’espace particulier reçoivent une réponse dans le "
            "délai affiché au moment de l’envoi.",
            [SERVICES_PUBLICS_PLUS],
        ),
        (
            8,
            NOT_COMMITTED,
            "Notre plan de sobriété est en préparation ; il sera publié ici.",
            [],
        ),
    ],
}


def _writer(slug: str) -> User | None:
    email = "admin.caf@demo.parvis.fr" if slug == "caf" else f"qualite.{slug}@agents.demo.parvis.fr"
    return User.objects.filter(email=email).first()


def demo_commitments_seed() -> int:
    """Create the demo self-assessments that do not exist yet; returns how many."""
    if not Commitment.objects.exists():
        taxonomy_load()
    commitments = {commitment.number: commitment for commitment in Commitment.objects.all()}
    created = 0
    for slug, assessments in ASSESSMENTS.items():
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            continue
        done = set(
            CommitmentAssessment.objects.filter(organisation=organisation).values_list(
                "commitment_id", flat=True
            )
        )
        for number, level, text, evidence in assessments:
            if number in done or number not in commitments:
                continue
            commitment_assessment_save(
                actor=_writer(slug),
                organisation=organisation,
                commitment=commitments[number],
                level=level,
                text=text,
                evidence=evidence,
            )
            created += 1
    return created
