"""The public answer's lifecycle, move by move: the table, each allowed move with its log
row, each refused one, and the services that make them."""

from __future__ import annotations

import pytest

from parvis.accounts.tests.factories import UserFactory
from parvis.voice import services
from parvis.voice.models import AnswerStatus as A
from parvis.voice.models import AnswerTransition
from parvis.voice.models import ExperienceStatus as S
from parvis.voice.services import ANSWER_LIFECYCLE, Actor, VoiceError, lifecycle
from parvis.voice.tests.factories import ExperienceFactory, PublicAnswerFactory

pytestmark = pytest.mark.django_db

ALL = [A.DRAFT, A.IN_MODERATION, A.PUBLISHED, A.REJECTED]
EXPECTED = {
    # the table, written out: a change to ANSWER_LIFECYCLE must change this test
    "write": ({"", A.DRAFT, A.REJECTED}, A.DRAFT, Actor.SERVICE),
    "send_to_moderation": ({A.DRAFT}, A.IN_MODERATION, Actor.SERVICE),
    "publish": ({A.DRAFT}, A.PUBLISHED, Actor.SERVICE),
    "approve": ({A.IN_MODERATION}, A.PUBLISHED, Actor.MODERATOR),
    "send_back": ({A.IN_MODERATION}, A.REJECTED, Actor.MODERATOR),
}


def test_the_table_is_the_expected_one():
    assert {move.name for move in ANSWER_LIFECYCLE} == set(EXPECTED)
    for name, (sources, target, _capacity) in EXPECTED.items():
        assert set(ANSWER_LIFECYCLE[name].sources) == sources, name
        assert ANSWER_LIFECYCLE[name].target == target, name


def _apply(answer, move, capacity, person):
    return lifecycle._answer_transition(
        answer, move=move, actor=person, actor_label=capacity, note="Motif du renvoi"
    )


@pytest.mark.parametrize(("move", "status"), [(m, s) for m in EXPECTED for s in ALL])
def test_each_move_from_each_state(move, status, moderator):
    sources, target, capacity = EXPECTED[move]
    person = moderator if capacity == Actor.MODERATOR else None
    answer = PublicAnswerFactory(status=status)
    if status not in sources:
        with pytest.raises(VoiceError) as refused:
            _apply(answer, move, capacity, person)
        assert (refused.value.code, refused.value.status) == ("transition_not_allowed", 409)
        answer.refresh_from_db()
        assert answer.status == status
        assert not AnswerTransition.objects.exists()
        return
    _apply(answer, move, capacity, person)
    answer.refresh_from_db()
    assert answer.status == target
    row = AnswerTransition.objects.get(answer=answer)
    assert (row.from_status, row.to_status, row.move) == (status, target, move)
    assert (row.actor, row.actor_label) == (person, capacity)
    if target == A.PUBLISHED:
        assert answer.published_at == row.created_at


@pytest.mark.parametrize("move", ["approve", "send_back"])
def test_only_platform_moderators_and_admins_moderate_answers(move, quality_manager, service):
    answer = PublicAnswerFactory(
        status=A.IN_MODERATION, experience=ExperienceFactory(published=True, local_service=service)
    )
    for person in (None, quality_manager):
        with pytest.raises(VoiceError) as refused:
            _apply(answer, move, Actor.MODERATOR, person)
        assert (refused.value.code, refused.value.status) == ("forbidden", 403)
    _apply(answer, move, Actor.MODERATOR, UserFactory(platform_admin=True))


def test_the_service_cannot_claim_to_be_a_moderator_nor_a_moderator_the_service(moderator):
    with pytest.raises(VoiceError) as refused:
        _apply(PublicAnswerFactory(), "publish", Actor.AUTHOR, None)
    assert refused.value.code == "forbidden"
    with pytest.raises(VoiceError) as refused:
        _apply(PublicAnswerFactory(status=A.IN_MODERATION), "approve", Actor.SERVICE, moderator)
    assert refused.value.code == "forbidden"


def test_sending_back_needs_a_note(moderator):
    answer = PublicAnswerFactory(status=A.IN_MODERATION)
    with pytest.raises(VoiceError) as refused:
        services.answer_moderate(answer=answer, moderator=moderator, approve=False, note=" ")
    assert (refused.value.code, refused.value.field) == ("note_required", "note")
    assert refused.value.message == "Expliquez au service ce qu’il faut reprendre."


def test_the_services_log_every_move_of_an_answer(
    quality_manager, service, moderator, django_capture_on_commit_callbacks
):
    experience = ExperienceFactory(published=True, local_service=service)
    text = "Madame Martine Leroy vous rappellera au 05 56 00 00 00 cette semaine."
    with django_capture_on_commit_callbacks(execute=True):
        answer = services.answer_draft_save(experience=experience, actor=quality_manager, text=text)
    answer.refresh_from_db()
    answer = services.answer_confirm(answer=answer, actor=quality_manager)
    services.answer_moderate(answer=answer, moderator=moderator, approve=False, note="Le nom.")
    with django_capture_on_commit_callbacks(execute=True):
        answer = services.answer_draft_save(
            experience=experience, actor=quality_manager, text="Nous vous rappelons demain."
        )
    answer.refresh_from_db()
    services.answer_confirm(answer=answer, actor=quality_manager)
    log = list(answer.transitions.values_list("from_status", "to_status", "move", "actor_label"))
    assert log == [
        ("", A.DRAFT, "write", Actor.SERVICE),
        (A.DRAFT, A.IN_MODERATION, "send_to_moderation", Actor.SERVICE),
        (A.IN_MODERATION, A.REJECTED, "send_back", Actor.MODERATOR),
        (A.REJECTED, A.DRAFT, "write", Actor.SERVICE),
        (A.DRAFT, A.PUBLISHED, "publish", Actor.SERVICE),
    ]
    assert answer.transitions.get(move="send_back").note == "Le nom."
    assert answer.transitions.get(move="send_back").actor == moderator
    experience.refresh_from_db()
    assert experience.status == S.ANSWERED


def test_a_moderator_approval_is_logged_as_approve(
    quality_manager, service, moderator, django_capture_on_commit_callbacks
):
    answer = PublicAnswerFactory(
        status=A.IN_MODERATION,
        is_sensitive=True,
        experience=ExperienceFactory(published=True, local_service=service),
    )
    services.answer_moderate(answer=answer, moderator=moderator, approve=True, note="Vérifié.")
    row = answer.transitions.get()
    assert (row.move, row.reason_code, row.note) == ("approve", "sensitive_reviewed", "Vérifié.")
