"""Factories of simplification requests, with Traits for each status of the lifecycle."""

from __future__ import annotations

import datetime as dt
import json

import factory
from django.utils import timezone

from parvis.core.charter import CharterReason
from parvis.core.crypto import encrypt_text
from parvis.directory.tests.factories import OrganisationFactory
from parvis.simplification import workflow
from parvis.simplification.models import (
    DeclineReason,
    SimplificationRequest,
    Status,
    StatusChange,
    Support,
)


def _originals(o: object) -> str:
    return encrypt_text(
        json.dumps(
            {
                "procedure_name": o.procedure_name,  # type: ignore[attr-defined]
                "difficulty": o.difficulty,  # type: ignore[attr-defined]
                "proposal": o.proposal,  # type: ignore[attr-defined]
            }
        )
    )


class SimplificationRequestFactory(factory.django.DjangoModelFactory):
    """A masked request awaiting moderation; Traits move it along the lifecycle."""

    class Meta:
        model = SimplificationRequest
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    year = factory.LazyAttribute(lambda o: timezone.localtime(o.submitted_at).year)
    reference = factory.Sequence(lambda n: f"SIMP-2026-{n + 90000:05d}")
    status = Status.SUBMITTED
    procedure_name = factory.Sequence(lambda n: f"Demande d’aide au logement {n}")
    difficulty = "Le formulaire demande trois fois les mêmes informations sur le logement."
    proposal = "Pré-remplir les informations déjà connues de la caisse."
    original_texts_encrypted = factory.LazyAttribute(_originals)
    masked_at = factory.LazyFunction(timezone.now)
    search_text = factory.LazyAttribute(
        lambda o: f"{o.procedure_name} {o.difficulty} {o.proposal}".lower()
    )
    submitted_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=30))
    status_changed_at = factory.LazyAttribute(lambda o: o.submitted_at)

    class Params:
        unmasked = factory.Trait(
            masked_at=None,
            procedure_name="",
            difficulty="",
            proposal="",
            original_texts_encrypted=encrypt_text(
                json.dumps(
                    {
                        "procedure_name": "Formulaire APL",
                        "difficulty": "Trop de pièces justificatives demandées.",
                        "proposal": "Demander les pièces une seule fois.",
                    }
                )
            ),
        )
        received = factory.Trait(
            status=Status.RECEIVED,
            received_at=factory.LazyAttribute(lambda o: o.submitted_at + dt.timedelta(days=1)),
        )
        under_study = factory.Trait(
            received=True,
            status=Status.UNDER_STUDY,
        )
        accepted = factory.Trait(
            received=True,
            status=Status.ACCEPTED,
            decided_at=factory.LazyAttribute(lambda o: o.submitted_at + dt.timedelta(days=10)),
        )
        done = factory.Trait(
            accepted=True,
            status=Status.DONE,
            original_texts_encrypted="",
            done_at=factory.LazyAttribute(lambda o: o.submitted_at + dt.timedelta(days=20)),
        )
        declined = factory.Trait(
            received=True,
            status=Status.DECLINED,
            original_texts_encrypted="",
            decline_reason=DeclineReason.LEGAL,
            decline_explanation="Le décret impose ces pièces.",
            decided_at=factory.LazyAttribute(lambda o: o.submitted_at + dt.timedelta(days=5)),
        )
        rejected = factory.Trait(
            status=Status.REJECTED,
            original_texts_encrypted="",
            rejection_reason=CharterReason.OFF_TOPIC,
        )

    @factory.post_generation
    def with_history(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        """The history matching the status (submitted, received, then the current status),
        each row with its move as ``workflow.LIFECYCLE`` would write it."""
        if not create:
            return
        StatusChange.objects.create(
            request=obj, to_status=Status.SUBMITTED, move="propose", created_at=obj.submitted_at
        )
        if obj.status == Status.REJECTED:
            StatusChange.objects.create(
                request=obj,
                from_status=Status.SUBMITTED,
                to_status=Status.REJECTED,
                move="reject",
                reason_code=obj.rejection_reason,
                created_at=obj.submitted_at,
            )
        if obj.received_at:
            StatusChange.objects.create(
                request=obj,
                from_status=Status.SUBMITTED,
                to_status=Status.RECEIVED,
                move="publish",
                is_public=True,
                public_actor=f"Équipe qualité — {obj.organisation.name}",
                created_at=obj.received_at,
            )
            if obj.status not in (Status.RECEIVED,):
                StatusChange.objects.create(
                    request=obj,
                    from_status=Status.RECEIVED,
                    to_status=obj.status,
                    move=_move_name(Status.RECEIVED, obj.status),
                    is_public=True,
                    public_actor=f"Équipe qualité — {obj.organisation.name}",
                    created_at=obj.decided_at or obj.done_at or obj.received_at,
                    reason_code=obj.decline_reason,
                )


def _move_name(source: str, target: str) -> str:
    """The move of the table from ``source`` to ``target`` ("" when the table has none:
    the factory's shortcut from "received" to "done" skips "accepted")."""
    rule = workflow.move(source, target)
    return rule.name if rule is not None else ""


class SupportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Support

    request = factory.SubFactory(SimplificationRequestFactory, received=True)
    email_digest = factory.Sequence(lambda n: f"{n:064x}")
