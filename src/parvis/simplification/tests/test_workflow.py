"""The state machine, move by move: who may make each move, what it needs, what it records."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from parvis.accounts.models import AuditEvent, Role
from parvis.accounts.services import api_token_create
from parvis.accounts.tests.factories import MembershipFactory, UserFactory
from parvis.core.charter import CharterReason
from parvis.core.workflow import Move
from parvis.simplification import events, services, workflow
from parvis.simplification.models import (
    PUBLIC_STATUSES,
    DeclineReason,
    SimplificationRequest,
    Status,
)
from parvis.simplification.services import SimplificationError
from parvis.simplification.tests.factories import SimplificationRequestFactory

pytestmark = pytest.mark.django_db

TRAIT_OF = {
    Status.SUBMITTED: {},
    Status.RECEIVED: {"received": True},
    Status.UNDER_STUDY: {"under_study": True},
    Status.ACCEPTED: {"accepted": True},
    Status.DONE: {"done": True},
    Status.DECLINED: {"declined": True},
    Status.REJECTED: {"rejected": True},
}


def _arguments(move: Move) -> dict[str, str]:
    if move.name == "reject":
        return {"reason": CharterReason.OFF_TOPIC}
    if move.name == "decline":
        return {"reason": DeclineReason.LEGAL, "explanation": "Le décret impose ces pièces."}
    if move.name == "complete":
        return {"comment": "Le formulaire tient désormais sur une page."}
    return {}


@pytest.fixture
def quality_manager():
    def make(organisation):
        return MembershipFactory(organisation=organisation, role=Role.QUALITY_MANAGER).user

    return make


@pytest.mark.parametrize(("origin", "target"), sorted(workflow.TRANSITIONS))
def test_each_allowed_move_records_history_audit_and_dates(
    origin, target, quality_manager, django_capture_on_commit_callbacks
):
    request = SimplificationRequestFactory(**TRAIT_OF[origin])
    actor = quality_manager(request.organisation)
    move = workflow.TRANSITIONS[(origin, target)]
    changed: list[int] = []
    events.request_changed.subscribe(changed.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            change = services.simplification_request_transition(
                request=request, to_status=target, actor=actor, **_arguments(move)
            )
    finally:
        events.request_changed.unsubscribe(changed.append)
    request.refresh_from_db()
    assert request.status == target
    assert (change.from_status, change.to_status) == (origin, target)
    assert change.move == move.name and change.actor_label == ""
    assert change.is_public == (target in PUBLIC_STATUSES)
    assert change.actor == actor
    assert change.public_actor == f"Équipe qualité — {request.organisation.name}"
    assert actor.full_name not in change.public_actor
    assert changed == [request.pk]
    audit = AuditEvent.objects.get(action="simplification.status_changed")
    assert audit.data == {
        "reference": request.reference,
        "from": origin,
        "to": target,
        "reason": change.reason_code,
    }
    assert audit.organisation == request.organisation
    if target == Status.RECEIVED:
        assert request.received_at == change.created_at
    if target in (Status.ACCEPTED, Status.DECLINED):
        assert request.decided_at is not None
    if target == Status.DECLINED:
        assert request.decline_reason == DeclineReason.LEGAL
        assert request.decline_explanation == "Le décret impose ces pièces."
    if target in (Status.DONE, Status.DECLINED, Status.REJECTED):
        assert request.original_texts_encrypted == ""


def _forbidden_moves():
    return [
        (origin, target)
        for origin in Status.values
        for target in Status.values
        if (origin, target) not in workflow.TRANSITIONS
    ]


@pytest.mark.parametrize(("origin", "target"), _forbidden_moves())
def test_every_other_move_is_refused(origin, target, quality_manager):
    request = SimplificationRequestFactory(**TRAIT_OF[origin])
    with pytest.raises(SimplificationError) as error:
        services.simplification_request_transition(
            request=request,
            to_status=target,
            actor=quality_manager(request.organisation),
            reason=DeclineReason.OTHER,
            explanation="x",
            comment="x",
        )
    assert error.value.code == "transition_not_allowed"
    request.refresh_from_db()
    assert request.status == origin
    assert not AuditEvent.objects.filter(action="simplification.status_changed").exists()


def test_final_statuses_have_no_way_out():
    for final in (Status.DONE, Status.DECLINED, Status.REJECTED):
        assert workflow.next_statuses(final) == []


def test_decline_needs_a_coded_reason_and_an_explanation(quality_manager):
    request = SimplificationRequestFactory(received=True)
    actor = quality_manager(request.organisation)
    with pytest.raises(SimplificationError) as error:
        services.simplification_request_transition(
            request=request, to_status=Status.DECLINED, actor=actor, explanation="Pourquoi."
        )
    assert error.value.code == "reason_required"
    with pytest.raises(SimplificationError) as error:
        services.simplification_request_transition(
            request=request, to_status=Status.DECLINED, actor=actor, reason=DeclineReason.COST
        )
    assert error.value.code == "explanation_required"


def test_done_needs_a_public_comment(quality_manager):
    request = SimplificationRequestFactory(accepted=True)
    with pytest.raises(SimplificationError) as error:
        services.simplification_request_transition(
            request=request, to_status=Status.DONE, actor=quality_manager(request.organisation)
        )
    assert error.value.code == "comment_required"


def test_publication_waits_for_masking(quality_manager):
    request = SimplificationRequestFactory(unmasked=True)
    with pytest.raises(SimplificationError) as error:
        services.simplification_request_transition(
            request=request, to_status=Status.RECEIVED, actor=quality_manager(request.organisation)
        )
    assert error.value.code == "not_masked"


def test_agent_and_other_organisation_may_not_decide(quality_manager):
    request = SimplificationRequestFactory(received=True)
    agent = MembershipFactory(organisation=request.organisation, role=Role.AGENT).user
    other = quality_manager(SimplificationRequestFactory().organisation)
    for actor in (agent, other):
        with pytest.raises(PermissionDenied):
            services.simplification_request_transition(
                request=request, to_status=Status.UNDER_STUDY, actor=actor
            )


def test_platform_moderator_publishes_but_does_not_decide():
    moderator = UserFactory(platform_moderator=True)
    request = SimplificationRequestFactory()
    change = services.simplification_request_transition(
        request=request, to_status=Status.RECEIVED, actor=moderator
    )
    assert change.public_actor == "Équipe de modération de la plateforme"
    with pytest.raises(PermissionDenied):
        services.simplification_request_transition(
            request=request, to_status=Status.ACCEPTED, actor=moderator
        )


def test_write_token_decides_but_never_publishes():
    request = SimplificationRequestFactory()
    token, _ = api_token_create(
        actor=None, organisation=request.organisation, name="outil", scope="write"
    )
    with pytest.raises(PermissionDenied):
        services.simplification_request_transition(
            request=request, to_status=Status.RECEIVED, actor=token
        )
    published = SimplificationRequestFactory(organisation=request.organisation, received=True)
    services.simplification_request_transition(
        request=published, to_status=Status.UNDER_STUDY, actor=token
    )
    assert SimplificationRequest.objects.get(pk=published.pk).status == Status.UNDER_STUDY
    audit = AuditEvent.objects.get(action="simplification.status_changed")
    assert audit.actor_label == f"token:{token.prefix}"


def test_public_comment_is_masked(quality_manager):
    request = SimplificationRequestFactory(received=True)
    change = services.simplification_request_transition(
        request=request,
        to_status=Status.UNDER_STUDY,
        actor=quality_manager(request.organisation),
        comment="Nous avons appelé Mme Martine Dubois au 06 12 34 56 78 pour en parler.",
    )
    assert "06 12 34 56 78" not in change.public_comment
    assert "Dubois" not in change.public_comment


def test_daily_purge_erases_originals_after_publication_and_ended_contacts(settings):
    import datetime as dt

    from django.utils import timezone

    from parvis.core.crypto import encrypt_text
    from parvis.simplification.tasks import purge_originals

    settings.SIMPLIFICATION_ORIGINAL_RETENTION_DAYS = 30
    now = timezone.now()
    email = {
        "proposer_email_encrypted": encrypt_text("p@example.org"),
        "proposer_email_digest": "d" * 64,
    }
    old = SimplificationRequestFactory(
        received=True, received_at=now - dt.timedelta(days=31), **email
    )
    recent = SimplificationRequestFactory(
        received=True, received_at=now - dt.timedelta(days=29), **email
    )
    waiting = SimplificationRequestFactory(**email)  # in moderation: the moderator needs it
    ended = SimplificationRequestFactory(
        done=True, status_changed_at=now - dt.timedelta(days=2), **email
    )
    just_ended = SimplificationRequestFactory(done=True, status_changed_at=now, **email)
    assert purge_originals.delay().get() == {"originals": 1, "contacts": 1}
    for request in (old, recent, waiting, ended, just_ended):
        request.refresh_from_db()
    assert old.original_texts_encrypted == "" and old.proposal  # the public text stays
    assert old.proposer_email_encrypted  # still open: each step is emailed
    assert recent.original_texts_encrypted and waiting.original_texts_encrypted
    assert ended.proposer_email_encrypted == "" and ended.proposer_email_digest == ""
    assert just_ended.proposer_email_encrypted  # its last email goes first


def test_the_table_is_the_expected_one():
    # written out: a change to workflow.LIFECYCLE must change this test
    assert {(move.name, frozenset(move.sources), move.target) for move in workflow.LIFECYCLE} == {
        ("propose", frozenset({""}), Status.SUBMITTED),
        ("publish", frozenset({Status.SUBMITTED}), Status.RECEIVED),
        ("reject", frozenset({Status.SUBMITTED}), Status.REJECTED),
        ("study", frozenset({Status.RECEIVED}), Status.UNDER_STUDY),
        ("accept", frozenset({Status.RECEIVED, Status.UNDER_STUDY}), Status.ACCEPTED),
        ("complete", frozenset({Status.ACCEPTED}), Status.DONE),
        (
            "decline",
            frozenset({Status.RECEIVED, Status.UNDER_STUDY, Status.ACCEPTED}),
            Status.DECLINED,
        ),
    }
    assert workflow.next_statuses(Status.ACCEPTED) == [Status.DONE, Status.DECLINED]


def test_a_proposal_is_the_first_move_of_the_log():
    organisation = SimplificationRequestFactory().organisation
    user = UserFactory()
    request = services.simplification_request_propose(
        organisation=organisation,
        procedure_name="Demande d’aide au logement",
        difficulty="Trop de pièces.",
        proposal="Une seule pièce.",
        proposer_user=user,
    )
    change = request.history.get()
    assert (change.from_status, change.to_status, change.move) == ("", Status.SUBMITTED, "propose")
    assert change.actor == user and not change.is_public and change.public_actor == ""


def test_quality_managers_moderate_their_organisation_s_requests_only(quality_manager):
    request = SimplificationRequestFactory()
    other = quality_manager(SimplificationRequestFactory().organisation)
    assert not services.can_moderate(other, request)
    with pytest.raises(PermissionDenied):
        services.simplification_request_transition(
            request=request, to_status=Status.RECEIVED, actor=other
        )
    change = services.simplification_request_transition(
        request=request, to_status=Status.RECEIVED, actor=quality_manager(request.organisation)
    )
    assert change.move == "publish"


def test_platform_admins_moderate_everywhere_too():
    request = SimplificationRequestFactory()
    change = services.simplification_request_transition(
        request=request,
        to_status=Status.REJECTED,
        actor=UserFactory(platform_admin=True),
        reason=CharterReason.OFF_TOPIC,
    )
    assert (change.move, change.reason_code) == ("reject", CharterReason.OFF_TOPIC)


def test_a_token_s_move_names_the_token_and_a_reason_is_kept_only_where_asked():
    request = SimplificationRequestFactory(received=True)
    token, _ = api_token_create(
        actor=None, organisation=request.organisation, name="outil", scope="write"
    )
    change = services.simplification_request_transition(
        request=request, to_status=Status.UNDER_STUDY, actor=token, reason=DeclineReason.COST
    )
    assert change.actor is None and change.actor_label == f"jeton d’API {token.prefix}"
    assert change.reason_code == ""


def test_refusal_message_names_both_statuses(quality_manager):
    request = SimplificationRequestFactory(done=True)
    with pytest.raises(SimplificationError) as error:
        services.simplification_request_transition(
            request=request, to_status="teleportee", actor=quality_manager(request.organisation)
        )
    assert error.value.message == (
        "Une demande « Réalisée » ne peut pas passer au statut « teleportee »."
    )
    assert error.value.field == "status"
