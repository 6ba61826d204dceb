import factory

from parvis.core.text import search_key, sort_key
from parvis.territories.calendar import departement_timezone, holiday_subdivision
from parvis.territories.models import Commune, CommuneAlias, Departement, Region


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "75"
    name = "Nouvelle-Aquitaine"
    sort_key = factory.LazyAttribute(lambda o: sort_key(o.name))


class DepartementFactory(factory.django.DjangoModelFactory):
    """Gironde by default; ``DepartementFactory(code="974", name="La Réunion")`` gets the
    time zone and holiday calendar of its code."""

    class Meta:
        model = Departement
        django_get_or_create = ("code",)

    code = "33"
    name = "Gironde"
    sort_key = factory.LazyAttribute(lambda o: sort_key(o.name))
    region = factory.SubFactory(RegionFactory)
    timezone = factory.LazyAttribute(lambda o: departement_timezone(o.code))
    holiday_subdivision = factory.LazyAttribute(lambda o: holiday_subdivision(o.code) or "")

    class Params:
        moselle = factory.Trait(
            code="57",
            name="Moselle",
            region=factory.SubFactory(RegionFactory, code="44", name="Grand Est"),
        )
        reunion = factory.Trait(
            code="974",
            name="La Réunion",
            is_overseas=True,
            region=factory.SubFactory(
                RegionFactory, code="04", name="La Réunion", is_overseas=True
            ),
        )
        polynesie = factory.Trait(
            code="987",
            name="Polynésie française",
            is_overseas=True,
            is_collectivity=True,
            region=None,
        )


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"33{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    sort_key = factory.LazyAttribute(lambda o: sort_key(o.name))
    search_key = factory.LazyAttribute(lambda o: search_key(o.name))
    departement = factory.SubFactory(DepartementFactory)
    postcodes = factory.LazyFunction(lambda: ["33000"])


class CommuneAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommuneAlias

    code = factory.Sequence(lambda n: f"33{(n + 500) % 1000:03d}")
    name = factory.Sequence(lambda n: f"Ancienne commune {n}")
    search_key = factory.LazyAttribute(lambda o: search_key(o.name))
    kind = CommuneAlias.Kind.DELEGATED
    commune = factory.SubFactory(CommuneFactory)
