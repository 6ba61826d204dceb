"""Demo experiences: submitted, masked by the language engine, moderated and answered.

They go through the same services as real ones (encryption, masking, transitions,
audit), then get dates spread over the last twelve months so the public figures have
something to show. Marked ``source="demo"``; a rerun adds nothing once they exist.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from parvis.accounts.models import User
from parvis.demo.accounts import DEMO_CITIZEN
from parvis.directory.models import Channel, JourneyStage, LocalService
from parvis.voice.models import Experience, ExperienceStatus, Tone

COUNTS = {"small": 40, "medium": 150, "large": 600}

STORIES: list[tuple[str, str, str, str, str]] = [
    # (title, text, tone, journey stage, channel)
    (
        "Accueil très humain",
        "La conseillère a pris le temps de tout m'expliquer sur la prime "
        "d'activité et m'a aidé à déclarer mes ressources en ligne. Merci à Mme Lefèvre !",
        Tone.POSITIVE,
        "demarche",
        "guichet",
    ),
    (
        "Impossible de joindre quelqu'un",
        "J'appelle depuis deux semaines, personne ne répond et "
        "le formulaire en ligne plante à la dernière étape. Rappelez-moi au 06 12 34 56 78.",
        Tone.NEGATIVE,
        "contact",
        "telephone",
    ),
    (
        "Aide au logement bloquée",
        "Mon dossier d'aide au logement est bloqué depuis trois mois "
        "car il manque une pièce que j'ai déjà envoyée deux fois. C'est épuisant.",
        Tone.NEGATIVE,
        "decision",
        "en_ligne",
    ),
    (
        "Rendez-vous utile",
        "Le rendez-vous à la France Services m'a permis de comprendre le "
        "trop-perçu et d'obtenir un échéancier. Les horaires sont pratiques.",
        Tone.POSITIVE,
        "contact",
        "guichet",
    ),
    (
        "Informations contradictoires",
        "Au téléphone on m'a dit une chose, au guichet une autre, "
        "et le courrier reçu dit encore autre chose sur mes droits au RSA.",
        Tone.NEGATIVE,
        "information",
        "courrier",
    ),
    (
        "Réponse rapide par courriel",
        "J'ai posé ma question par la messagerie de mon espace et "
        "j'ai eu une réponse claire en deux jours. Rien à redire.",
        Tone.POSITIVE,
        "information",
        "courriel",
    ),
    (
        "Délais trop longs",
        "Ma demande de prestation date de janvier, je n'ai toujours aucune "
        "nouvelle. Je vis seule avec deux enfants, je m'appelle Nadia Benali.",
        Tone.NEGATIVE,
        "decision",
        "en_ligne",
    ),
    (
        "Démarche en ligne simple",
        "La déclaration trimestrielle se fait en quelques minutes sur "
        "le site, les explications sont claires.",
        Tone.NEUTRAL,
        "demarche",
        "en_ligne",
    ),
]
ANSWER = (
    "Bonjour, merci pour votre message. Nous avons examiné votre situation et votre "
    "conseiller reprend contact avec vous cette semaine. Le service qualité de la CAF."
)


# The first experiences belong to the demo citizen's account (« Mes expériences »).
CITIZEN_EXPERIENCES = 3


def demo_voice_seed(*, scale: str, seed: int) -> int:
    """Create the demo experiences of ``scale``; returns how many were created."""
    from parvis.publication.services import figures_refresh, opendata_export, publication_rebuild
    from parvis.voice.services import (
        answer_confirm,
        answer_draft_save,
        answer_mask,
        experience_analyse,
        experience_publish,
        experience_submit,
    )

    if Experience.objects.filter(source="demo").exists():
        _give_citizen_experiences()  # a demo seeded before the citizen account existed
        return 0
    moderator = User.objects.filter(email="moderation@demo.parvis.fr").first()
    answerer = User.objects.filter(email="admin.caf@demo.parvis.fr").first()
    citizen = User.objects.filter(email=DEMO_CITIZEN).first()
    services = list(LocalService.objects.filter(organisation__slug="caf").order_by("slug"))
    if moderator is None or answerer is None or not services:
        return 0
    rng = random.Random(seed)
    stages = {s.slug: s for s in JourneyStage.objects.all()}
    channels = {c.slug: c for c in Channel.objects.all()}
    now = timezone.now()
    created: list[int] = []
    for index in range(COUNTS[scale]):
        title, text, tone, stage, channel = STORIES[index % len(STORIES)]
        service = services[index % len(services)]
        submitted = experience_submit(
            organisation=service.organisation,
            local_service=service,
            site=service.sites.first(),
            title=title,
            text=text,
            tone=tone,
            journey_stage=stages.get(stage),
            channel=channels.get(channel),
            happened_on=(now - dt.timedelta(days=rng.randint(20, 360))).date(),
            author=citizen if index < CITIZEN_EXPERIENCES else None,
        )
        experience = experience_analyse(experience=submitted.experience)
        created.append(experience.pk)
        if index % 6 == 5 or experience.status != ExperienceStatus.IN_MODERATION:
            continue  # some stay in the moderation queue
        experience = experience_publish(
            experience=experience, moderator=moderator, note="Démonstration"
        )
        if index % 3 != 0:
            answer = answer_draft_save(experience=experience, actor=answerer, text=ANSWER)
            answer_confirm(answer=answer_mask(answer=answer), actor=answerer)
    _spread_dates(created, rng, now)
    publication_rebuild()
    figures_refresh()
    opendata_export()
    return len(created)


def _give_citizen_experiences() -> None:
    citizen = User.objects.filter(email=DEMO_CITIZEN).first()
    if citizen is None or Experience.objects.filter(author=citizen).exists():
        return
    first = Experience.objects.filter(source="demo").order_by("pk")[:CITIZEN_EXPERIENCES]
    Experience.objects.filter(pk__in=list(first.values_list("pk", flat=True))).update(
        author=citizen
    )


def _spread_dates(ids: list[int], rng: random.Random, now: Any) -> None:
    """Deterministic dates over the last year: submitted, then published, then answered."""
    for pk in ids:
        submitted_at = now - dt.timedelta(days=rng.randint(5, 360), hours=rng.randint(0, 23))
        published_at = submitted_at + dt.timedelta(days=rng.randint(1, 4))
        answered_at = published_at + dt.timedelta(days=rng.randint(1, 30))
        experience = Experience.objects.select_related("answer").get(pk=pk)
        updates: dict[str, Any] = {"source": "demo", "submitted_at": submitted_at}
        if experience.published_at:
            updates["published_at"] = published_at
        if experience.answered_at:
            updates["answered_at"] = answered_at
            type(experience.answer).objects.filter(pk=experience.answer.pk).update(
                published_at=answered_at
            )
        Experience.objects.filter(pk=pk).update(**updates)
