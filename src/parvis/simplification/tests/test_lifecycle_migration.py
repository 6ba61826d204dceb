"""The data steps of migrations 0003 (``move`` backfilled from (from, to)) and 0004
(statuses and charter reasons become internal codes), run on today's models: the
functions only use ORM calls the historical models share with them. Rows are put back
in the codes each migration met (French slugs) with ``update()``."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from parvis.accounts.models import AuditEvent
from parvis.accounts.services import audit_record
from parvis.core.charter import CharterReason
from parvis.simplification import workflow
from parvis.simplification.models import (
    STATUS_PUBLIC_CODES,
    DeclineReason,
    SimplificationRequest,
    Status,
    StatusChange,
)
from parvis.simplification.tests.factories import SimplificationRequestFactory

pytestmark = pytest.mark.django_db

lifecycle_kit = importlib.import_module("parvis.simplification.migrations.0003_lifecycle_kit")
status_codes = importlib.import_module(
    "parvis.simplification.migrations.0004_status_codes_and_charter"
)
FRENCH = {new: old for old, new in status_codes.STATUSES.items()}


def _to_french_codes() -> None:
    for new, old in FRENCH.items():
        SimplificationRequest.objects.filter(status=new).update(status=old)
        StatusChange.objects.filter(from_status=new).update(from_status=old)
        StatusChange.objects.filter(to_status=new).update(to_status=old)


def test_the_frozen_mappings_are_today_s_tables():
    assert {
        (FRENCH.get(str(source), ""), FRENCH[str(target)]): name
        for (source, target), name in workflow.LIFECYCLE.pairs().items()
    } == lifecycle_kit.REQUEST_MOVES
    # 0004's status table is the public codes' table, and its charter covers the charter.
    assert {new: old for old, new in status_codes.STATUSES.items()} == dict(STATUS_PUBLIC_CODES)
    assert set(status_codes.CHARTER.values()) == set(CharterReason.values)


def test_move_is_backfilled_from_from_and_to():
    request = SimplificationRequestFactory(declined=True)  # history written by the factory
    StatusChange.objects.update(move="")
    odd = StatusChange.objects.create(
        request=request, from_status=Status.DONE, to_status=Status.RECEIVED
    )
    _to_french_codes()
    lifecycle_kit.backfill_moves(apps, None)
    moves = dict(request.history.exclude(pk=odd.pk).values_list("to_status", "move"))
    assert moves == {"deposee": "propose", "recue": "publish", "refusee": "decline"}
    assert StatusChange.objects.get(pk=odd.pk).move == ""  # no move ever did that


def test_statuses_reasons_and_audit_data_get_the_internal_codes_and_back():
    declined = SimplificationRequestFactory(declined=True)
    rejected = SimplificationRequestFactory(rejected=True)
    _to_french_codes()
    SimplificationRequest.objects.filter(pk=rejected.pk).update(rejection_reason="hors-sujet")
    StatusChange.objects.filter(request=rejected, to_status="non-publiee").update(
        reason_code="hors-sujet"
    )
    declined_reason = declined.history.get(to_status="refusee").reason_code
    assert declined_reason in DeclineReason.values  # "doublon" stays a decline reason
    audits = [
        audit_record(
            actor=None,
            action="simplification.status_changed",
            target=rejected,
            data={
                "reference": "SIMP-2026-00001",
                "from": "deposee",
                "to": "non-publiee",
                "reason": "doublon",
            },
        ),
        audit_record(
            actor=None,
            action="simplification.status_changed",
            target=declined,
            data={
                "reference": "SIMP-2026-00002",
                "from": "recue",
                "to": "refusee",
                "reason": "doublon",
            },
        ),
    ]

    status_codes.forward(apps, None)

    rejected.refresh_from_db()
    assert (rejected.status, rejected.rejection_reason) == (Status.REJECTED, "off_topic")
    assert rejected.history.get(to_status=Status.REJECTED).reason_code == "off_topic"
    assert declined.history.get(to_status=Status.DECLINED).reason_code == declined_reason
    assert set(StatusChange.objects.values_list("to_status", flat=True)) <= set(Status.values)
    first, second = (AuditEvent.objects.get(pk=a.pk).data for a in audits)
    assert (first["from"], first["to"], first["reason"]) == ("submitted", "rejected", "duplicate")
    assert (second["from"], second["to"], second["reason"]) == ("received", "declined", "doublon")

    status_codes.backward(apps, None)

    rejected.refresh_from_db()
    assert (rejected.status, rejected.rejection_reason) == ("non-publiee", "hors-sujet")
    assert AuditEvent.objects.get(pk=audits[0].pk).data["reason"] == "doublon"
