"""Test data of the reports: quality results written directly (as ``quality`` would
compute them), and subscriptions in each status."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import factory
from django.utils import timezone

from parvis.core.crypto import email_digest, encrypt_text, keyed_digest
from parvis.quality.models import Indicator, Level, Result, Source
from parvis.reports.models import ReportSubscription, SubscriptionStatus


def result(
    code: str,
    *,
    month: dt.date,
    value: float | None,
    n: int,
    level: str = Level.ORGANISATION,
    organisation: Any = None,
    key: str | None = None,
    label: str = "",
    numerator: float | None = None,
    denominator: float | None = None,
    ci: tuple[float, float] | None = None,
    source: str = Source.COMPUTED,
) -> Result:
    """One result row; a share's numerator and denominator default to value × n and n."""
    indicator = Indicator.objects.get(code=code)
    if key is None:
        key = organisation.slug if level == Level.ORGANISATION and organisation else ""
    if numerator is None and value is not None and indicator.unit == "share":
        numerator, denominator = round(value * n), n
    if numerator is not None and denominator and value is not None:
        value = numerator / denominator
    return Result.objects.create(
        indicator=indicator,
        version=indicator.version,
        parameters=indicator.parameters,
        level=level,
        organisation=organisation,
        key=key,
        label=label or (organisation.name if organisation and level == Level.ORGANISATION else key),
        month=month,
        value=value,
        numerator=numerator,
        denominator=denominator,
        n=n,
        ci_low=ci[0] if ci else None,
        ci_high=ci[1] if ci else None,
        source=source,
    )


class ReportSubscriptionFactory(factory.django.DjangoModelFactory):
    """A pending subscription of ``email``; ``confirmed=True`` gives it its unsubscribe
    secret (``factory.unsubscribe_token``)."""

    class Meta:
        model = ReportSubscription
        exclude = ("email",)

    email = factory.Sequence(lambda n: f"abonne{n}@exemple.fr")
    organisation = None
    email_digest = factory.LazyAttribute(lambda o: email_digest(o.email, purpose="reports"))
    email_encrypted = factory.LazyAttribute(lambda o: encrypt_text(o.email))
    confirmation_token_digest = factory.LazyFunction(
        lambda: keyed_digest(secrets.token_urlsafe(32), purpose="reports.link")
    )
    requested_at = factory.LazyFunction(timezone.now)

    class Params:
        unsubscribe_token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))
        confirmed = factory.Trait(
            status=SubscriptionStatus.CONFIRMED,
            confirmed_at=factory.LazyFunction(timezone.now),
            unsubscribe_token_digest=factory.LazyAttribute(
                lambda o: keyed_digest(o.unsubscribe_token, purpose="reports.link")
            ),
            unsubscribe_token_encrypted=factory.LazyAttribute(
                lambda o: encrypt_text(o.unsubscribe_token)
            ),
        )
