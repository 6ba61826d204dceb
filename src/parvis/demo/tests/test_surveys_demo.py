"""The demo's post-contact questions ask only citizens who can be reached, once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from parvis.contacts.models import Outcome, Status, SurveyInvitation
from parvis.contacts.tests.factories import CitizenRecordFactory, ConversationFactory, channel
from parvis.demo.surveys_demo import demo_surveys_seed

pytestmark = pytest.mark.django_db


def _resolved(**kwargs):  # type: ignore[no-untyped-def]
    now = timezone.now()
    return ConversationFactory(
        status=Status.CLOSED,
        outcome=Outcome.ANSWERED,
        resolved_at=now,
        closed_at=now,
        channel=channel("telephone"),
        **kwargs,
    )


def test_only_reachable_citizens_are_asked_and_only_once():
    reachable = _resolved()
    reachable.citizen = CitizenRecordFactory(organisation=reachable.organisation)
    reachable.save(update_fields=["citizen"])
    # A contact of the quality history: nobody to write to (no record, no number, no
    # chat session); it brings its own questionnaire or none.
    history = _resolved()

    demo_surveys_seed()
    demo_surveys_seed()

    asked = SurveyInvitation.objects.values_list("conversation_id", flat=True)
    assert list(asked) == [reachable.pk]
    assert history.pk not in asked
