import factory

from parvis.territories.models import Commune, Departement, Region


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "75"
    name = "Nouvelle-Aquitaine"
    sort_key = factory.LazyAttribute(lambda o: o.name.lower())


class DepartementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ("code",)

    code = "33"
    name = "Gironde"
    sort_key = factory.LazyAttribute(lambda o: o.name.lower())
    region = factory.SubFactory(RegionFactory)
    timezone = "Europe/Paris"


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"33{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    sort_key = factory.LazyAttribute(lambda o: o.name.lower())
    departement = factory.SubFactory(DepartementFactory)
    postcodes = factory.LazyFunction(lambda: ["33000"])
