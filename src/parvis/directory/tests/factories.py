import factory

from parvis.directory.models import LocalService, Motif, Organisation, Site
from parvis.territories.tests.factories import CommuneFactory, DepartementFactory


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"organisme-{n}")
    name = factory.Sequence(lambda n: f"Organisme {n}")
    sort_key = factory.LazyAttribute(lambda o: o.name.lower())


class MotifFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Motif

    organisation = factory.SubFactory(OrganisationFactory)
    slug = factory.Sequence(lambda n: f"motif-{n}")
    label = factory.Sequence(lambda n: f"Motif {n}")


class LocalServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalService

    organisation = factory.SubFactory(OrganisationFactory)
    slug = factory.Sequence(lambda n: f"service-{n}")
    name = factory.Sequence(lambda n: f"Service local {n}")
    sort_key = factory.LazyAttribute(lambda o: o.name.lower())
    main_departement = factory.SubFactory(DepartementFactory)


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    kind = Site.Kind.COUNTER
    slug = factory.Sequence(lambda n: f"site-{n}")
    name = factory.Sequence(lambda n: f"Accueil {n}")
    sort_key = factory.LazyAttribute(lambda o: o.name.lower())
    local_service = factory.SubFactory(LocalServiceFactory)
    organisation = factory.LazyAttribute(lambda o: o.local_service.organisation if o.local_service else None)
    commune = factory.SubFactory(CommuneFactory)
    address = "1 place de la Mairie"
    postcode = "33000"

    class Params:
        france_services = factory.Trait(
            kind=Site.Kind.FRANCE_SERVICES, local_service=None, organisation=None,
            operator_name="Commune de démonstration",
        )
