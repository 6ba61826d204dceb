"""Factories of the post-contact questions and retention tests (issue 14, parts 5–6)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from parvis.contacts.models import (
    ContactPoint,
    Outcome,
    Status,
    SurveyChannel,
    SurveyInvitation,
    SurveyStatus,
)
from parvis.contacts.services.conversations import contact_point_find_or_create
from parvis.contacts.tests.factories import (  # noqa: F401 - re-exported for the surveys' tests
    CitizenRecordFactory,
    ConversationFactory,
    channel,
)


def contact_point(  # type: ignore[no-untyped-def]
    organisation, kind: str, value: str, *, citizen=None, sms_consent: bool = False
) -> ContactPoint:
    """``sms_consent``: the number accepted SMS (the citizen texted from it)."""
    point = contact_point_find_or_create(organisation_id=organisation.pk, kind=kind, value=value)
    if sms_consent:
        ContactPoint.objects.filter(pk=point.pk).update(
            sms_consent_at=timezone.now(), sms_consent_channel=channel("sms")
        )
        point.refresh_from_db()
    if citizen is not None:
        ContactPoint.objects.filter(pk=point.pk).update(citizen=citizen)
        point.citizen = citizen
    return point


class ResolvedConversationFactory(ConversationFactory):
    status = Status.RESOLVED
    outcome = Outcome.ANSWERED
    outcome_version = 1
    resolved_at = factory.LazyFunction(timezone.now)
    channel = factory.LazyFunction(lambda: channel("sms"))


class SurveyInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyInvitation

    conversation = factory.SubFactory(ResolvedConversationFactory)
    organisation = factory.LazyAttribute(lambda o: o.conversation.organisation)
    channel = factory.LazyAttribute(lambda o: o.conversation.channel)
    queue = factory.LazyAttribute(lambda o: o.conversation.queue)
    outcome = Outcome.ANSWERED
    questionnaire = "post_contact"
    version = 1
    via = SurveyChannel.SMS
    status = SurveyStatus.SENT
    sent_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))
