"""Factories of voice. Originals are really encrypted (``core.crypto``) so tests can prove
what is decrypted where; traits give each lifecycle state coherent dates.

    ExperienceFactory()                      # submitted, not yet masked
    ExperienceFactory(in_moderation=True)    # masked, waiting for a moderator
    ExperienceFactory(published=True)        # public, waiting for an answer
    ExperienceFactory(answered=True)         # with a published PublicAnswer
    ExperienceFactory(sensitive=True, in_moderation=True)
    ExperienceFactory(published=True, complaint=True, themes=[theme])  # as listed publicly
    PublicAnswerFactory(published=True)      # published two days after its experience
"""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from parvis.core.crypto import email_digest, encrypt_text
from parvis.directory.tests.factories import LocalServiceFactory, SiteFactory
from parvis.voice.models import (
    AnswerStatus,
    AnswerTemplate,
    Experience,
    ExperienceStatus,
    PublicAnswer,
    Tone,
)
from parvis.voice.services import private_token_digest

ORIGINAL_TITLE = "Rendez-vous avec Madame Lefèvre"
ORIGINAL_TEXT = (
    "J’ai appelé le 06 12 34 56 78 et Madame Lefèvre m’a très bien reçu pour mon dossier "
    "de prime d’activité."
)
MASKED_TITLE = "Rendez-vous avec Madame [NOM]"
MASKED_TEXT = (
    "J’ai appelé le [TÉLÉPHONE] et Madame [NOM] m’a très bien reçu pour mon dossier "
    "de prime d’activité."
)
AUTHOR_EMAIL = "usager@example.org"
COMPLAINT_MASKED_TEXT = "Le conseiller [NOM] m’a rappelé au [TÉLÉPHONE] après trois semaines."


def _masked_entities() -> list[dict[str, object]]:
    phone = ORIGINAL_TEXT.index("06 12")
    name = ORIGINAL_TEXT.index("Lefèvre")
    title_name = ORIGINAL_TITLE.index("Lefèvre")
    return [
        {
            "start": title_name,
            "end": title_name + 7,
            "label": "PERSON",
            "field": "title",
            "source": "engine",
        },
        {"start": phone, "end": phone + 14, "label": "PHONE", "field": "text", "source": "engine"},
        {"start": name, "end": name + 7, "label": "PERSON", "field": "text", "source": "engine"},
    ]


class ExperienceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Experience
        skip_postgeneration_save = True

    class Params:
        token = factory.Sequence(lambda n: f"jeton-prive-de-test-{n:04d}")
        original_title = ORIGINAL_TITLE
        original_text = ORIGINAL_TEXT
        email = ""

        in_moderation = factory.Trait(
            status=ExperienceStatus.IN_MODERATION,
            masked_title=MASKED_TITLE,
            masked_text=MASKED_TEXT,
            entities=factory.LazyFunction(_masked_entities),
            processed_at=factory.LazyFunction(timezone.now),
            qualification=factory.LazyFunction(
                lambda: {
                    "tone": "positif",
                    "sensitive": {"flag": False, "categories": [], "triggers": []},
                }
            ),
        )
        published = factory.Trait(
            in_moderation=True,
            status=ExperienceStatus.PUBLISHED,
            published_at=factory.LazyFunction(timezone.now),
            original_purge_due_at=factory.LazyFunction(
                lambda: timezone.now() + dt.timedelta(days=30)
            ),
        )
        answered = factory.Trait(
            published=True,
            status=ExperienceStatus.ANSWERED,
            answered_at=factory.LazyFunction(timezone.now),
            answer=factory.RelatedFactory(
                "parvis.voice.tests.factories.PublicAnswerFactory",
                "experience",
                status=AnswerStatus.PUBLISHED,
            ),
        )
        rejected = factory.Trait(
            in_moderation=True,
            status=ExperienceStatus.REJECTED,
            rejection_reason="off_topic",
            rejected_at=factory.LazyFunction(timezone.now),
            original_purge_due_at=factory.LazyFunction(
                lambda: timezone.now() + dt.timedelta(days=30)
            ),
        )
        sensitive = factory.Trait(
            is_sensitive=True,
            sensitive_categories=factory.LazyFunction(lambda: ["sante"]),
        )
        # A negative experience with an author email, a title of its own and a masked text
        # quoting an agent: what the public listing, search and figures are tested on.
        # Declared after in_moderation, so its texts win over it with published=True.
        complaint = factory.Trait(
            email=AUTHOR_EMAIL,
            tone=Tone.NEGATIVE,
            masked_title=factory.Sequence(lambda n: f"Expérience numéro {n}"),
            masked_text=COMPLAINT_MASKED_TEXT,
        )

    local_service = factory.SubFactory(LocalServiceFactory)
    organisation = factory.LazyAttribute(lambda o: o.local_service.organisation)
    site = None
    departement = factory.LazyAttribute(lambda o: o.local_service.main_departement)
    status = ExperienceStatus.SUBMITTED
    tone = Tone.POSITIVE
    happened_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=3))
    original_title_encrypted = factory.LazyAttribute(lambda o: encrypt_text(o.original_title))
    original_text_encrypted = factory.LazyAttribute(lambda o: encrypt_text(o.original_text))
    author_email_encrypted = factory.LazyAttribute(
        lambda o: encrypt_text(o.email) if o.email else ""
    )
    author_email_digest = factory.LazyAttribute(
        lambda o: email_digest(o.email, purpose="voice") if o.email else ""
    )
    private_token_digest = factory.LazyAttribute(lambda o: private_token_digest(o.token))

    @factory.post_generation
    def themes(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.themes.set(extracted)


class PublicAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublicAnswer

    class Params:
        text = "Merci pour votre retour, nous avons transmis vos remerciements à l’équipe."

        published = factory.Trait(
            status=AnswerStatus.PUBLISHED,
            published_at=factory.LazyAttribute(
                lambda o: (o.experience.published_at or timezone.now()) + dt.timedelta(days=2)
            ),
        )

    experience = factory.SubFactory(ExperienceFactory, published=True)
    status = AnswerStatus.DRAFT
    signed_by_organisation = factory.LazyAttribute(lambda o: o.experience.organisation)
    signed_by_service = factory.LazyAttribute(lambda o: o.experience.local_service)
    original_text_encrypted = factory.LazyAttribute(lambda o: encrypt_text(o.text))
    masked_text = factory.LazyAttribute(lambda o: o.text)
    masked_at = factory.LazyFunction(timezone.now)
    published_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == AnswerStatus.PUBLISHED else None
    )


class AnswerTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnswerTemplate

    organisation = factory.SubFactory("parvis.directory.tests.factories.OrganisationFactory")
    title = factory.Sequence(lambda n: f"Remerciements {n}")
    body = (
        "Bonjour, merci pour votre témoignage. [À COMPLÉTER : ce que le service a fait]. "
        "Cordialement, l’équipe."
    )


__all__ = [
    "AUTHOR_EMAIL",
    "COMPLAINT_MASKED_TEXT",
    "MASKED_TEXT",
    "ORIGINAL_TEXT",
    "AnswerTemplateFactory",
    "ExperienceFactory",
    "PublicAnswerFactory",
    "SiteFactory",
]
