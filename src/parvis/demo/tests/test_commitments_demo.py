"""The demo's self-assessments against the Services Publics+ commitments: written
through the directory's service, once."""

from __future__ import annotations

import pytest

from parvis.accounts.models import AuditEvent
from parvis.demo.commitments_demo import ASSESSMENTS, demo_commitments_seed
from parvis.directory.models import CommitmentAssessment, CommitmentEvidence
from parvis.directory.services import taxonomy_load

pytestmark = pytest.mark.django_db


def test_demo_assessments_are_created_once_through_the_service():
    taxonomy_load()
    expected = sum(len(rows) for rows in ASSESSMENTS.values())

    assert demo_commitments_seed() == expected
    assert demo_commitments_seed() == 0

    assert CommitmentAssessment.objects.count() == expected
    assert set(CommitmentAssessment.objects.values_list("organisation__slug", flat=True)) == {
        "caf",
        "assurance-maladie",
        "dgfip",
    }
    assert CommitmentEvidence.objects.exists()
    assert AuditEvent.objects.filter(action="commitment.assessed").count() == expected
