"""Factories of quality results: a figure of an organisation, a target, an alert.

Indicators come from the catalogue loaded at migrate (``Indicator.objects.get(code=…)``)."""

from __future__ import annotations

import datetime as dt

import factory

from parvis.directory.tests.factories import OrganisationFactory
from parvis.quality.models import Indicator, IndicatorTarget, Level, Result, TargetAlert


def indicator(code: str = "taux-appels-decroches") -> Indicator:
    return Indicator.objects.get(code=code)


class ResultFactory(factory.django.DjangoModelFactory):
    """An organisation's national figure of a month (``level`` and ``key`` for others)."""

    class Meta:
        model = Result

    indicator = factory.LazyFunction(indicator)
    version = factory.LazyAttribute(lambda o: o.indicator.version)
    parameters = factory.LazyAttribute(lambda o: dict(o.indicator.parameters))
    organisation = factory.SubFactory(OrganisationFactory)
    level = Level.ORGANISATION
    key = factory.LazyAttribute(lambda o: o.organisation.slug if o.organisation else "")
    label = factory.LazyAttribute(lambda o: o.organisation.name if o.organisation else "")
    month = dt.date(2026, 10, 1)
    value = 0.8
    n = 200
    numerator = factory.LazyAttribute(lambda o: o.value * o.n if o.value is not None else None)
    denominator = factory.LazyAttribute(lambda o: o.n)


class IndicatorTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorTarget

    indicator = factory.LazyFunction(indicator)
    organisation = factory.SubFactory(OrganisationFactory)
    value = 0.9


class TargetAlertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TargetAlert

    indicator = factory.LazyFunction(indicator)
    organisation = factory.SubFactory(OrganisationFactory)
    month = dt.date(2026, 10, 1)
    value = 0.8
    target = 0.9
    n = 200
