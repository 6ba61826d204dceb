"""The lifecycle kit on a tiny machine of its own: a door that people and a timer open,
close and lock (no table: the object and its log are plain Python)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest

from parvis.core.workflow import (
    CREATION,
    Acting,
    Machine,
    Move,
    Requirement,
    Step,
    System,
    WorkflowError,
    acting_as,
    all_of,
    any_of,
    anyone,
    is_system,
    label_of,
    person_of,
    user_of,
)


@dataclass
class Door:
    pk: int | None = 1
    status: str = "closed"
    opened_at: dt.datetime | None = None
    lock_code: str = ""
    saved: int = 0


@dataclass
class Rows:
    rows: list[dict[str, Any]] = field(default_factory=list)

    def create(self, **columns: Any) -> dict[str, Any]:
        self.rows.append(columns)
        return columns

    def bulk_create(self, logs: list[DoorLog]) -> list[dict[str, Any]]:
        self.rows += [log.columns for log in logs]
        return [log.columns for log in logs]


class DoorLog:
    objects = Rows()

    def __init__(self, **columns: Any) -> None:
        self.columns = columns


def _save(door: Door, step: Step) -> None:
    door.saved += 1


def _opened(door: Door, step: Step) -> None:
    door.opened_at = step.now


def _lock_code(door: Door, step: Step) -> None:
    door.lock_code = step.reason


entered: list[str] = []

STATES = {"closed": "Fermée", "open": "Ouverte", "locked": "Verrouillée"}
KEEPER = acting_as("gardien")


def _machine() -> Machine:
    DoorLog.objects = Rows()
    return Machine(
        name="door",
        states=STATES,
        moves=[
            Move("build", {CREATION}, "closed", "Construire"),
            Move("open", {"closed"}, "open", "Ouvrir", effects=(_opened,)),
            Move("close", {"open"}, "closed", "Fermer", guard=any_of(KEEPER, is_system)),
            Move(
                "lock",
                {"closed"},
                "locked",
                "Verrouiller",
                guard=KEEPER,
                requires=(Requirement("reason", "reason_required", "Indiquez un code."),),
                effects=(_lock_code,),
                forbidden_message="Seul le gardien verrouille.",
            ),
            Move(
                "unlock",
                {"locked"},
                "closed",
                "Déverrouiller",
                guard=KEEPER,
                requires=(
                    Requirement(
                        "key", "wrong_key", "Cette clé n’ouvre pas.", frozenset({"k1", "k2"})
                    ),
                ),
            ),
        ],
        log_model=DoorLog,
        log_object_field="door",
        on_enter={"closed": (lambda door, step: entered.append(step.move.name),)},
        save=_save,
    )


@pytest.fixture
def door_machine() -> Machine:
    entered.clear()
    return _machine()


def test_reading_the_table(door_machine):
    assert [m.name for m in door_machine.moves_from("closed")] == ["open", "lock"]
    assert door_machine.move_between("locked", "closed").name == "unlock"
    assert door_machine.move_between("open", "locked") is None
    assert door_machine["open"].label == "Ouvrir"
    assert door_machine.label("open") == "Ouverte" and door_machine.label("") == "création"
    assert door_machine.pairs()[("closed", "locked")] == "lock"
    assert door_machine.state_of(Door(pk=None)) == CREATION


def test_a_move_by_name_changes_the_state_runs_effects_saves_and_logs(door_machine):
    door = Door()
    now = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
    step = door_machine.apply(
        door, move="open", principal=Acting(None, "visiteur"), note="  essai ", now=now
    )
    assert door.status == "open" and door.opened_at == now and door.saved == 1
    assert (step.source, step.target, step.move.name) == ("closed", "open", "open")
    assert step.log == {
        "door": door,
        "from_status": "closed",
        "to_status": "open",
        "move": "open",
        "actor": None,
        "actor_label": "visiteur",
        "reason_code": "",
        "note": "essai",
        "created_at": now,
    }


def test_a_move_by_target_state_and_on_enter_effects(door_machine):
    door = Door(status="open")
    door_machine.apply(door, to="closed", principal=System("timer"))
    assert door.status == "closed" and entered == ["close"]
    assert DoorLog.objects.rows[-1]["actor_label"] == "système"
    assert DoorLog.objects.rows[-1]["move"] == "close"


def test_creation_is_the_move_from_the_empty_state(door_machine):
    door = Door(pk=None, status="")
    door_machine.apply(door, move="build", principal=None)
    assert door.status == "closed" and DoorLog.objects.rows[-1]["from_status"] == ""


def test_unknown_move(door_machine):
    with pytest.raises(WorkflowError) as refused:
        door_machine.apply(Door(), move="fly", principal=None)
    assert (refused.value.code, refused.value.status) == ("unknown_move", 422)
    assert refused.value.message == "Ce changement d’état n’existe pas."


@pytest.mark.parametrize(("how", "value"), [("move", "close"), ("to", "open")])
def test_move_not_allowed_from_this_state(door_machine, how, value):
    door = Door(status="locked")
    with pytest.raises(WorkflowError) as refused:
        door_machine.apply(door, principal=System("timer"), **{how: value})
    assert (refused.value.code, refused.value.status) == ("transition_not_allowed", 409)
    target = "Fermée" if how == "move" else "Ouverte"
    assert refused.value.message == f"Impossible de passer de « Verrouillée » à « {target} »."
    assert door.status == "locked" and door.saved == 0 and not DoorLog.objects.rows


def test_unknown_target_state_is_named_as_given(door_machine):
    with pytest.raises(WorkflowError) as refused:
        door_machine.apply(Door(), to="ajar", principal=None)
    assert refused.value.code == "transition_not_allowed"
    assert "« ajar »" in refused.value.message


def test_guard_refuses(door_machine):
    door = Door(status="open")
    with pytest.raises(WorkflowError) as refused:
        door_machine.apply(door, move="close", principal=Acting(None, "visiteur"))
    assert (refused.value.code, refused.value.status) == ("forbidden", 403)
    assert refused.value.message == "Ce changement d’état ne vous est pas permis."
    with pytest.raises(WorkflowError) as refused:
        door_machine.apply(Door(), move="lock", principal=System("timer"), reason="1234")
    assert refused.value.message == "Seul le gardien verrouille."
    assert door.status == "open" and not DoorLog.objects.rows


def test_requirements(door_machine):
    keeper = Acting(None, "gardien")
    with pytest.raises(WorkflowError) as refused:
        door_machine.apply(Door(), move="lock", principal=keeper, reason="  ")
    assert (refused.value.code, refused.value.field, refused.value.status) == (
        "reason_required",
        "reason",
        422,
    )
    door = Door()
    door_machine.apply(door, move="lock", principal=keeper, reason="1234")
    assert door.lock_code == "1234"
    with pytest.raises(WorkflowError) as refused:
        door_machine.apply(door, move="unlock", principal=keeper, inputs={"key": "k9"})
    assert (refused.value.code, refused.value.field) == ("wrong_key", "key")
    door_machine.apply(door, move="unlock", principal=keeper, inputs={"key": "k2"})
    assert door.status == "closed"


def test_validate_runs_after_the_guard_and_before_the_requirements(door_machine):
    seen: list[str] = []

    def validate(move: Move) -> None:
        seen.append(move.name)
        raise WorkflowError("too_long", "Trop long.", field="comment")

    with pytest.raises(WorkflowError) as refused:
        door_machine.apply(Door(), move="lock", principal=System("x"), validate=validate)
    assert refused.value.code == "forbidden" and seen == []
    with pytest.raises(WorkflowError) as refused:
        door_machine.apply(
            Door(), move="lock", principal=Acting(None, "gardien"), validate=validate
        )
    assert refused.value.code == "too_long" and seen == ["lock"]


def test_log_fields_and_explicit_actor_label(door_machine):
    door = Door()
    door_machine.apply(
        door,
        move="open",
        principal=None,
        actor_label="Équipe",
        log_fields=lambda step: {"is_public": step.target == "open"},
    )
    assert DoorLog.objects.rows[-1]["is_public"] is True
    assert DoorLog.objects.rows[-1]["actor_label"] == "Équipe"


def test_allowed_moves_for_a_principal(door_machine):
    assert [m.name for m in door_machine.allowed(Door(), Acting(None, "gardien"))] == [
        "open",
        "lock",
    ]
    assert [m.name for m in door_machine.allowed(Door(), System("timer"))] == ["open"]


def test_messages_and_field_can_be_the_lifecycle_s_own():
    machine = Machine(
        name="request",
        states={"a": "A", "b": "B"},
        moves=[Move("go", {"a"}, "b", "Aller")],
        messages={"transition_not_allowed": "Une demande « {source} » reste « {target} »."},
        not_allowed_field="status",
    )
    with pytest.raises(WorkflowError) as refused:
        machine.apply(Door(status="b"), to="a", principal=None)
    assert refused.value.message == "Une demande « B » reste « A »."
    assert refused.value.field == "status"


def test_default_save_cleans_then_saves():
    calls: list[str] = []

    class Thing:
        pk = 3
        status = "a"

        def full_clean(self) -> None:
            calls.append("clean")

        def save(self) -> None:
            calls.append("save")

    machine = Machine(name="t", states={"a": "A", "b": "B"}, moves=[Move("go", {"a"}, "b", "")])
    machine.apply(Thing(), move="go", principal=None)
    assert calls == ["clean", "save"]


@pytest.mark.parametrize(
    ("moves", "message"),
    [
        ([Move("a", {"x"}, "y", ""), Move("a", {"y"}, "x", "")], "declared twice"),
        ([Move("a", {"x"}, "z", "")], "unknown state"),
        ([Move("a", {"x"}, "y", ""), Move("b", {"x"}, "y", "")], "both go"),
    ],
)
def test_a_badly_declared_table_fails_at_import(moves, message):
    with pytest.raises(ValueError, match=message):
        Machine(name="bad", states={"x": "X", "y": "Y"}, moves=moves)


def test_name_xor_target():
    machine = _machine()
    with pytest.raises(TypeError):
        machine.apply(Door(), principal=None)
    with pytest.raises(TypeError):
        machine.apply(Door(), move="open", to="open", principal=None)


def test_principals():
    token = object()
    assert person_of(Acting(token, "site partenaire")) is token
    assert person_of(System("inbound_message")) is None
    assert person_of(Acting(System("timer"), "système")) is None
    assert label_of(System("timer", label="minuterie")) == "minuterie"
    assert label_of(token) == ""
    assert user_of(token) is None
    assert is_system(Acting(System("timer"), "système"), None)
    assert not is_system(Acting(None, "auteur"), None)
    assert anyone(None, None)
    assert all_of(anyone, is_system)(System("t"), None)
    assert not all_of(anyone, is_system)(None, None)
    assert acting_as("modérateur", also=lambda who, obj: who == "m")(Acting("m", "modérateur"), 0)
    assert not acting_as("modérateur", also=lambda who, obj: who == "m")(
        Acting("x", "modérateur"), 0
    )


@pytest.mark.django_db
def test_the_log_actor_is_the_account_behind_the_principal():
    from parvis.accounts.tests.factories import UserFactory

    user = UserFactory()
    assert user_of(user) == user
    assert user_of(Acting(user, "modérateur")) == user


def test_several_moves_in_a_row_save_once_and_log_each(door_machine):
    door = Door(pk=None, status="")
    steps = door_machine.apply_all(door, principal=System("timer"), moves=("build", "open"))
    assert [step.source for step in steps] == [CREATION, "closed"]
    assert door.status == "open" and door.opened_at is not None and door.saved == 1
    assert [
        (row["from_status"], row["to_status"], row["move"]) for row in DoorLog.objects.rows
    ] == [
        (CREATION, "closed", "build"),
        ("closed", "open", "open"),
    ]
    assert [step.log for step in steps] == DoorLog.objects.rows


def test_several_moves_write_nothing_when_one_is_refused(door_machine):
    door = Door(status="closed")
    with pytest.raises(WorkflowError) as refused:
        door_machine.apply_all(door, principal=System("timer"), moves=("open", "lock"))
    assert refused.value.code == "transition_not_allowed"  # locking starts from closed
    assert door.saved == 0 and not DoorLog.objects.rows
