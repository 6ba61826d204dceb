"""Qualification on arrival with the real language engine and the shipped taxonomy
(the trained qualifier is loaded once per process; no anonymisation here)."""

from __future__ import annotations

import pytest

from parvis.contacts import services
from parvis.contacts.inbound import InboundMessage
from parvis.contacts.tests.factories import InboundEndpointFactory, channel
from parvis.directory.models import Organisation
from parvis.directory.services import taxonomy_load

pytestmark = pytest.mark.django_db


def test_a_clear_request_gets_a_motif_of_the_endpoints_organisation(settings):
    settings.CONTACTS_MASK_ON_ARRIVAL = False
    taxonomy_load()
    channel("courriel")
    caf = Organisation.objects.get(slug="caf")
    endpoint = InboundEndpointFactory(organisation=caf)
    message = services.message_receive(
        endpoint=endpoint,
        inbound=InboundMessage(
            channel="courriel",
            register="email",
            text=(
                "Bonjour,\nJe n'ai toujours pas reçu mon aide au logement (APL) de ce mois-ci "
                "alors que ma déclaration trimestrielle est faite.\nCordialement,\nM. X"
            ),
        ),
    )
    conversation = message.conversation
    details = conversation.qualification
    assert details["organisation"] == "caf"
    assert 0.0 <= conversation.qualification_confidence <= 1.0
    if conversation.needs_triage:
        assert conversation.queue.is_triage
    else:
        assert conversation.motif is not None and conversation.motif.organisation == caf
    # written to another organisation: kept as a proposal, never moved
    other = InboundEndpointFactory(organisation=Organisation.objects.get(slug="france-travail"))
    elsewhere = services.message_receive(
        endpoint=other,
        inbound=InboundMessage(
            channel="courriel", text="Mon allocation logement CAF n'est pas arrivée ce mois-ci."
        ),
    ).conversation
    assert elsewhere.organisation == other.organisation
    if elsewhere.qualification["organisation"] == "caf":
        assert elsewhere.qualification["other_organisation"] is True
        assert elsewhere.motif is None and elsewhere.needs_triage
