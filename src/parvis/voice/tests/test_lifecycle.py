"""The experience lifecycle, move by move: every allowed move, every refused one."""

from __future__ import annotations

import pytest

from parvis.accounts.models import AuditEvent, Role
from parvis.accounts.tests.factories import MembershipFactory, UserFactory
from parvis.voice.models import PUBLIC_STATUSES, ExperienceTransition
from parvis.voice.models import ExperienceStatus as S
from parvis.voice.services import MOVES, Actor, VoiceError, experience_transition
from parvis.voice.tests.factories import ExperienceFactory

pytestmark = pytest.mark.django_db

ALL = [S.SUBMITTED, S.IN_MODERATION, S.PUBLISHED, S.REJECTED, S.ANSWERED, S.ARCHIVED, S.WITHDRAWN]
EXPECTED = {
    # the published table, written out: a change to MOVES must change this test
    "analyse": ({S.SUBMITTED}, S.IN_MODERATION, Actor.SYSTEM),
    "correct": ({S.SUBMITTED, S.IN_MODERATION}, S.SUBMITTED, Actor.AUTHOR),
    "publish": ({S.IN_MODERATION}, S.PUBLISHED, Actor.MODERATOR),
    "reject": ({S.IN_MODERATION}, S.REJECTED, Actor.MODERATOR),
    "reopen": ({S.REJECTED}, S.IN_MODERATION, Actor.MODERATOR),
    "answer": ({S.PUBLISHED}, S.ANSWERED, Actor.SERVICE),
    "archive": ({S.PUBLISHED, S.ANSWERED}, S.ARCHIVED, Actor.MODERATOR),
    "withdraw": (set(ALL) - {S.WITHDRAWN}, S.WITHDRAWN, Actor.AUTHOR),
}
CASES = [(move, status) for move in EXPECTED for status in ALL]


def test_the_table_is_the_expected_one():
    assert set(MOVES) == set(EXPECTED) | {"submit"}
    for name, (sources, target, _actor) in EXPECTED.items():
        assert set(MOVES[name].sources) == sources, name
        assert MOVES[name].target == target, name


@pytest.mark.parametrize(("move", "status"), CASES)
def test_each_move_from_each_state(move, status, django_capture_on_commit_callbacks, moderator):
    sources, target, actor = EXPECTED[move]
    person = moderator if actor == Actor.MODERATOR else None
    experience = ExperienceFactory(status=status)
    reason = "off_topic" if move == "reject" else ""
    if status not in sources:
        with pytest.raises(VoiceError) as refused:
            experience_transition(
                experience=experience,
                move=move,
                actor=person,
                actor_label=actor,
                reason_code=reason,
            )
        assert refused.value.code == "transition_not_allowed"
        assert refused.value.status == 409
        experience.refresh_from_db()
        assert experience.status == status
        assert not ExperienceTransition.objects.filter(experience=experience).exists()
        return
    with django_capture_on_commit_callbacks() as callbacks:
        experience_transition(
            experience=experience,
            move=move,
            actor=person,
            actor_label=actor,
            reason_code=reason,
            note="Note interne",
        )
    experience.refresh_from_db()
    assert experience.status == target
    transition = ExperienceTransition.objects.get(experience=experience)
    assert (transition.from_status, transition.to_status) == (status, target)
    assert transition.move == move and transition.actor == person
    assert transition.actor_label == actor and transition.reason_code == reason
    assert transition.note == "Note interne"
    audit = AuditEvent.objects.get(action=f"experience.{move}", target_id=str(experience.pk))
    assert audit.data == {"from": status, "to": target, "reason": reason}
    assert audit.organisation_id == experience.organisation_id
    # publication is told after commit, only of moves that can change what is public
    touches_public = status in PUBLIC_STATUSES or target in PUBLIC_STATUSES
    assert len(callbacks) == (1 if touches_public else 0)


@pytest.mark.parametrize("move", sorted(EXPECTED))
def test_a_move_refuses_the_wrong_actor(move):
    sources, _target, _actor = EXPECTED[move]
    experience = ExperienceFactory(status=sorted(sources)[0])
    wrong = Actor.PARTNER
    with pytest.raises(VoiceError) as refused:
        experience_transition(
            experience=experience, move=move, actor_label=wrong, reason_code="off_topic"
        )
    assert refused.value.code == "forbidden"


@pytest.mark.parametrize("move", ["publish", "reject", "reopen", "archive"])
def test_a_moderator_move_needs_a_platform_moderator_or_admin(move):
    experience = ExperienceFactory(status=sorted(EXPECTED[move][0])[0])
    quality = MembershipFactory(
        organisation=experience.organisation, role=Role.QUALITY_MANAGER
    ).user
    for person in (None, quality, UserFactory(platform_moderator=True, is_active=False)):
        with pytest.raises(VoiceError) as refused:
            experience_transition(
                experience=experience,
                move=move,
                actor=person,
                actor_label=Actor.MODERATOR,
                reason_code="off_topic",
            )
        assert (refused.value.code, refused.value.status) == ("forbidden", 403)
    experience_transition(
        experience=experience,
        move=move,
        actor=UserFactory(platform_admin=True),
        actor_label=Actor.MODERATOR,
        reason_code="off_topic",
    )
    assert experience.status == EXPECTED[move][1]


def test_reject_needs_a_reason_code(moderator):
    experience = ExperienceFactory(in_moderation=True)
    with pytest.raises(VoiceError) as refused:
        experience_transition(
            experience=experience, move="reject", actor=moderator, actor_label=Actor.MODERATOR
        )
    assert (refused.value.code, refused.value.field, refused.value.status) == (
        "reason_required",
        "reason",
        422,
    )
    assert refused.value.message == "Indiquez un motif."


def test_unknown_move_is_refused():
    with pytest.raises(VoiceError) as refused:
        experience_transition(
            experience=ExperienceFactory(), move="teleport", actor_label=Actor.SYSTEM
        )
    assert (refused.value.code, refused.value.status) == ("unknown_move", 422)
    assert refused.value.message == "Ce changement d’état n’existe pas."


def test_refusal_messages_are_french_and_name_the_states(moderator):
    experience = ExperienceFactory(published=True)
    with pytest.raises(VoiceError) as refused:
        experience_transition(
            experience=experience, move="publish", actor=moderator, actor_label=Actor.MODERATOR
        )
    assert refused.value.message == "Impossible de passer de « Publiée » à « Publiée »."
    with pytest.raises(VoiceError) as refused:
        experience_transition(experience=experience, move="withdraw", actor_label=Actor.SYSTEM)
    assert refused.value.message == "Ce changement d’état ne vous est pas permis."


def test_dates_and_purge_deadline_follow_the_moves(settings, moderator):
    settings.VOICE_ORIGINAL_RETENTION_DAYS = 7
    experience = ExperienceFactory(in_moderation=True)
    experience_transition(
        experience=experience, move="publish", actor=moderator, actor_label=Actor.MODERATOR
    )
    assert experience.published_at is not None
    assert (experience.original_purge_due_at - experience.published_at).days == 7
    experience_transition(experience=experience, move="answer", actor_label=Actor.SERVICE)
    assert experience.answered_at is not None


def test_withdrawal_erases_texts_and_contact_at_once():
    experience = ExperienceFactory(published=True, email="usager@example.org")
    experience_transition(experience=experience, move="withdraw", actor_label=Actor.AUTHOR)
    experience.refresh_from_db()
    assert experience.status == S.WITHDRAWN and experience.withdrawn_at
    assert experience.original_text_encrypted == "" and experience.original_title_encrypted == ""
    assert experience.author_email_encrypted == "" and experience.author_email_digest == ""
    assert experience.masked_text == "" and experience.masked_title == ""
    assert experience.original_purged_at and experience.contact_purged_at


def test_reopen_clears_the_rejection(moderator):
    experience = ExperienceFactory(rejected=True)
    experience_transition(
        experience=experience, move="reopen", actor=moderator, actor_label=Actor.MODERATOR
    )
    experience.refresh_from_db()
    assert experience.status == S.IN_MODERATION
    assert experience.rejection_reason == "" and experience.original_purge_due_at is None
