"""Factories of publication's tests, including small voice factories.

``ExperienceFactory`` and ``PublicAnswerFactory`` create voice rows directly (the voice
app's own factories may replace them later). The encrypted fields hold recognisable
markers so tests can prove nothing of them reaches public tables or exports.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from parvis.directory.models import JourneyStage, Theme
from parvis.directory.tests.factories import (
    ChannelFactory,
    LocalServiceFactory,
    MotifFactory,
    SiteFactory,
)
from parvis.voice.models import (
    AnswerStatus,
    Experience,
    ExperienceStatus,
    PublicAnswer,
    Tone,
)

SECRET_TEXT = "Texte original de Jean Dupont, 06 12 34 56 78"
SECRET_EMAIL = "jean.dupont@example.org"

__all__ = [
    "SECRET_EMAIL",
    "SECRET_TEXT",
    "ChannelFactory",
    "ExperienceFactory",
    "JourneyStageFactory",
    "MotifFactory",
    "PublicAnswerFactory",
    "SiteFactory",
    "ThemeFactory",
]


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"theme-{n}")
    label = factory.Sequence(lambda n: f"Thème {n}")
    sp_tag = "relation"


class JourneyStageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JourneyStage
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"etape-{n}")
    label = factory.Sequence(lambda n: f"Étape {n}")


class ExperienceFactory(factory.django.DjangoModelFactory):
    """A submitted experience; ``published=True`` publishes it (masked texts only)."""

    class Meta:
        model = Experience
        skip_postgeneration_save = True

    local_service = factory.SubFactory(LocalServiceFactory)
    organisation = factory.LazyAttribute(lambda o: o.local_service.organisation)
    departement = factory.LazyAttribute(lambda o: o.local_service.main_departement)
    status = ExperienceStatus.SUBMITTED
    tone = Tone.NEGATIVE
    happened_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=3))
    masked_title = factory.Sequence(lambda n: f"Expérience numéro {n}")
    masked_text = "Le conseiller [NOM] m’a rappelé au [TÉLÉPHONE] après trois semaines."
    original_title_encrypted = "gAAAAA-chiffre-titre"
    original_text_encrypted = f"gAAAAA-chiffre-{SECRET_TEXT}"
    author_email_encrypted = f"gAAAAA-chiffre-{SECRET_EMAIL}"
    author_email_digest = "d" * 64

    class Params:
        published = factory.Trait(
            status=ExperienceStatus.PUBLISHED,
            published_at=factory.LazyFunction(timezone.now),
        )

    @factory.post_generation
    def themes(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.themes.set(extracted)


class PublicAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublicAnswer

    experience = factory.SubFactory(ExperienceFactory, published=True)
    status = AnswerStatus.PUBLISHED
    signed_by_service = factory.LazyAttribute(lambda o: o.experience.local_service)
    signed_by_organisation = factory.LazyAttribute(lambda o: o.experience.organisation)
    original_text_encrypted = "gAAAAA-chiffre-reponse"
    masked_text = "Bonjour, votre dossier est traité. Le service."
    published_at = factory.LazyAttribute(
        lambda o: (o.experience.published_at or timezone.now()) + dt.timedelta(days=2)
    )
