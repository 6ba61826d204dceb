import datetime as dt

import factory
from django.utils import timezone

from parvis.core.text import sort_key
from parvis.directory.models import (
    Channel,
    Commitment,
    CommitmentAssessment,
    CommitmentEvidence,
    JourneyStage,
    LocalService,
    Motif,
    OpeningException,
    OpeningHours,
    Organisation,
    Site,
    Theme,
)
from parvis.territories.tests.factories import CommuneFactory, DepartementFactory


class ReferenceFactory(factory.django.DjangoModelFactory):
    """A reference row (channel, theme, journey stage, organisation) found or created by
    its slug, so that tests naming the same slug share one row."""

    class Meta:
        abstract = True
        django_get_or_create = ("slug",)


class ChannelFactory(ReferenceFactory):
    class Meta:
        model = Channel

    slug = factory.Sequence(lambda n: f"canal-{n}")
    label = factory.Sequence(lambda n: f"Canal {n}")


class ThemeFactory(ReferenceFactory):
    class Meta:
        model = Theme

    slug = factory.Sequence(lambda n: f"theme-{n}")
    label = factory.Sequence(lambda n: f"Thème {n}")
    sp_tag = factory.LazyAttribute(lambda o: o.slug)


class JourneyStageFactory(ReferenceFactory):
    class Meta:
        model = JourneyStage

    slug = factory.Sequence(lambda n: f"etape-{n}")
    label = factory.Sequence(lambda n: f"Étape {n}")


class OrganisationFactory(ReferenceFactory):
    class Meta:
        model = Organisation

    slug = factory.Sequence(lambda n: f"organisme-{n}")
    name = factory.Sequence(lambda n: f"Organisme {n}")
    sort_key = factory.LazyAttribute(lambda o: sort_key(o.name))

    class Params:
        # A structure running France Services sites (a commune, an association).
        operator = factory.Trait(
            kind=Organisation.Kind.FRANCE_SERVICES_OPERATOR,
            slug=factory.Sequence(lambda n: f"commune-{n}"),
            name=factory.Sequence(lambda n: f"Commune de démonstration {n}"),
        )


class MotifFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Motif

    organisation = factory.SubFactory(OrganisationFactory)
    slug = factory.Sequence(lambda n: f"motif-{n}")
    label = factory.Sequence(lambda n: f"Motif {n}")


class LocalServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalService
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    slug = factory.Sequence(lambda n: f"service-{n}")
    name = factory.Sequence(lambda n: f"Service local {n}")
    sort_key = factory.LazyAttribute(lambda o: sort_key(o.name))
    main_departement = factory.SubFactory(DepartementFactory)

    @factory.post_generation
    def departements(obj, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            extracted = [obj.main_departement] if obj.main_departement else []
        obj.departements.set(extracted)


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    kind = Site.Kind.COUNTER
    slug = factory.Sequence(lambda n: f"site-{n}")
    name = factory.Sequence(lambda n: f"Accueil {n}")
    sort_key = factory.LazyAttribute(lambda o: sort_key(o.name))
    local_service = factory.SubFactory(LocalServiceFactory)
    organisation = factory.LazyAttribute(
        lambda o: o.local_service.organisation if o.local_service else None
    )
    commune = factory.SubFactory(CommuneFactory)
    address = "1 place de la Mairie"
    postcode = "33000"

    class Params:
        france_services = factory.Trait(
            kind=Site.Kind.FRANCE_SERVICES,
            local_service=None,
            organisation=factory.SubFactory(
                "parvis.directory.tests.factories.OrganisationFactory", operator=True
            ),
        )


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    site = factory.SubFactory(SiteFactory)
    weekday = 0
    opens = dt.time(9, 0)
    closes = dt.time(12, 0)


class OpeningExceptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningException

    site = factory.SubFactory(SiteFactory)
    date = factory.Sequence(lambda n: dt.date(2030, 1, 1) + dt.timedelta(days=n))
    is_closed = True
    label = "Fermeture exceptionnelle"


class CommitmentFactory(factory.django.DjangoModelFactory):
    """A Services Publics+ commitment, found or created by its number (0 to 8)."""

    class Meta:
        model = Commitment
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: n % 9)
    text = factory.LazyAttribute(lambda o: f"Texte de l’engagement n° {o.number}.")


class CommitmentAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitmentAssessment

    organisation = factory.SubFactory(OrganisationFactory)
    commitment = factory.SubFactory(CommitmentFactory)
    level = CommitmentAssessment.Level.IN_PROGRESS
    text = "Nous publions nos délais de réponse chaque trimestre."
    updated_at = factory.LazyFunction(timezone.now)

    class Params:
        achieved = factory.Trait(level=CommitmentAssessment.Level.ACHIEVED)


class CommitmentEvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitmentEvidence

    assessment = factory.SubFactory(CommitmentAssessmentFactory)
    label = factory.Sequence(lambda n: f"Justificatif {n}")
    url = factory.Sequence(lambda n: f"https://www.example.gouv.fr/justificatif-{n}")
    position = factory.Sequence(lambda n: n)
