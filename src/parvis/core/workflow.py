"""Lifecycles as declared tables of moves: one kit for every state machine of parvis.

A lifecycle (experience, public answer, simplification request, and the contact hub's
conversation next) declares its moves in a ``Machine``. Each ``Move`` has a name, the
states it leaves from (``CREATION``, the empty string, is the creation of the object), the
state it reaches, a French label, a guard (a predicate over the principal and the object),
the inputs it requires (a coded reason, a public comment...) and its side effects (dates,
purge deadlines), so that what a move does sits next to the table that allows it.

``Machine.apply`` is the only code that changes a state: it resolves the move by name or by
target state, checks it, runs the effects, saves the object and writes one row of the
lifecycle's transition log (a concrete subclass of ``core.models.TransitionLog``). A refusal
raises ``WorkflowError``, which each app adapts into its own domain error. Audit rows,
events and notifications stay in the app's service, which calls ``apply`` inside its own
transaction.

Principals: a user, an API token, ``System(reason)`` for a move nobody makes by hand (a
timer, an inbound message, the language engine), or ``Acting(who, capacity)`` for someone
acting in a named capacity (the author through a private link, an agent at a counter);
the capacity is what the log's ``actor_label`` shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from parvis.core.errors import ParvisError

CREATION = ""  # the source state of the move that creates the object


# --- Principals -----------------------------------------------------------------------------


@dataclass(frozen=True)
class System:
    """A move nobody makes by hand: ``reason`` says what triggered it ("timer",
    "inbound_message", "analysis"); ``label`` is what the log shows."""

    reason: str
    label: str = "système"


@dataclass(frozen=True)
class Acting:
    """``who`` (a user, an API token, a ``System``, or ``None`` for an anonymous holder of
    a private link) acting in a named ``capacity`` ("auteur", "modérateur"...)."""

    who: Any
    capacity: str


def person_of(principal: Any) -> Any:
    """The user or token behind a principal (``None`` for the system or an anonymous one)."""
    if isinstance(principal, Acting):
        principal = principal.who
    return None if isinstance(principal, System) else principal


def user_of(principal: Any) -> Any:
    """The user account behind a principal, if any (the log's ``actor``)."""
    person = person_of(principal)
    return person if isinstance(person, get_user_model()) else None


def label_of(principal: Any) -> str:
    """What the log shows of a principal when the caller gives no label."""
    if isinstance(principal, Acting):
        return principal.capacity
    if isinstance(principal, System):
        return principal.label
    return ""


# --- Guards ---------------------------------------------------------------------------------

Guard = Callable[[Any, Any], bool]  # (principal, object) -> allowed


def anyone(principal: Any, obj: Any) -> bool:
    return True


def is_system(principal: Any, obj: Any) -> bool:
    """Allowed to the system only (a timer, an inbound message, an engine)."""
    if isinstance(principal, Acting):
        principal = principal.who
    return isinstance(principal, System)


def acting_as(*capacities: str, also: Guard | None = None) -> Guard:
    """Allowed to an ``Acting`` principal in one of ``capacities`` (and, when given, if
    ``also`` accepts the person behind it)."""
    allowed = frozenset(capacities)

    def guard(principal: Any, obj: Any) -> bool:
        if not isinstance(principal, Acting) or principal.capacity not in allowed:
            return False
        return also is None or also(principal.who, obj)

    guard.__qualname__ = f"acting_as{tuple(sorted(allowed))}"
    return guard


def any_of(*guards: Guard) -> Guard:
    return lambda principal, obj: any(g(principal, obj) for g in guards)


def all_of(*guards: Guard) -> Guard:
    return lambda principal, obj: all(g(principal, obj) for g in guards)


# --- The table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    """An input a move cannot do without. ``name`` is ``reason``, ``note`` or a key of the
    ``inputs`` given to ``apply``; ``choices`` (if any) are its only valid values."""

    name: str
    code: str
    message: str  # French
    choices: frozenset[str] | None = None
    field: str | None = None  # the form field to point at; ``name`` by default

    def refuses(self, value: str) -> bool:
        value = (value or "").strip()
        return not value or (self.choices is not None and value not in self.choices)


@dataclass
class Step:
    """One move being made: handed to the effects and returned by ``apply``."""

    move: Move
    source: str
    principal: Any
    reason: str
    note: str
    inputs: Mapping[str, str]
    now: dt.datetime
    log: Any = None  # the transition-log row, once written

    @property
    def target(self) -> str:
        return self.move.target


Effect = Callable[[Any, Step], None]  # (object, step): set dates, deadlines...


@dataclass(frozen=True)
class Move:
    name: str
    sources: AbstractSet[str]  # frozen on creation; CREATION ("") for the creating move
    target: str
    label: str  # French: the button, the history line
    guard: Guard = anyone
    requires: tuple[Requirement, ...] = ()
    effects: tuple[Effect, ...] = ()
    forbidden_message: str = ""  # overrides the machine's when the guard refuses

    def __post_init__(self) -> None:
        object.__setattr__(self, "sources", frozenset(self.sources))
        object.__setattr__(self, "requires", tuple(self.requires))
        object.__setattr__(self, "effects", tuple(self.effects))


class WorkflowError(ParvisError):
    """A move the table refuses; ``code`` is stable, ``message`` is French, ``status`` the
    HTTP status the API answers with. Apps adapt it into their own domain error (same
    code, message, field and status), so each app keeps one error class."""


MESSAGES: dict[str, str] = {
    "unknown_move": "Ce changement d’état n’existe pas.",
    "transition_not_allowed": "Impossible de passer de « {source} » à « {target} ».",
    "forbidden": "Ce changement d’état ne vous est pas permis.",
}
STATUSES: dict[str, int] = {"unknown_move": 422, "transition_not_allowed": 409, "forbidden": 403}


def _default_save(obj: Any, step: Step) -> None:
    obj.full_clean()
    obj.save()


class Machine:
    """A lifecycle: its states (value → French label, e.g. ``dict(Status.choices)``), its
    moves, its log.

    ``log_model`` is the concrete ``TransitionLog`` subclass and ``log_object_field`` the
    name of its foreign key to the object. ``on_enter`` maps a state to effects run by
    every move that reaches it, after the move's own effects. ``save`` persists the object
    (``full_clean()`` then ``save()`` by default). ``messages`` override the refusals'
    French texts (``{source}`` and ``{target}`` are the states' labels).
    """

    def __init__(
        self,
        *,
        name: str,
        states: Mapping[str, Any],
        moves: Iterable[Move],
        state_field: str = "status",
        log_model: Any = None,
        log_object_field: str = "",
        on_enter: Mapping[str, Sequence[Effect]] | None = None,
        save: Callable[[Any, Step], None] = _default_save,
        messages: Mapping[str, str] | None = None,
        not_allowed_field: str | None = None,
        creation_label: str = "création",
    ) -> None:
        self.name = name
        # Labels may be lazy translations: turned into text only when shown.
        self.states = {str(value): label for value, label in states.items()}
        self.state_field = state_field
        self.log_model = log_model
        self.log_object_field = log_object_field
        self.on_enter = {state: tuple(effects) for state, effects in (on_enter or {}).items()}
        self.save = save
        self.messages = {**MESSAGES, **(messages or {})}
        self.not_allowed_field = not_allowed_field
        self.creation_label = creation_label
        self.moves: dict[str, Move] = {}
        pairs: dict[tuple[str, str], str] = {}
        for move in moves:
            if move.name in self.moves:
                raise ValueError(f"{name}: move {move.name!r} declared twice")
            for state in (*move.sources, move.target):
                if state != CREATION and state not in self.states:
                    raise ValueError(f"{name}: move {move.name!r} names unknown state {state!r}")
            for source in move.sources:
                # One move per (from, to): a target state names its move without ambiguity,
                # and the log's (from, to) tells which move was made.
                if (source, move.target) in pairs:
                    raise ValueError(
                        f"{name}: {move.name!r} and {pairs[source, move.target]!r} both go "
                        f"from {source!r} to {move.target!r}"
                    )
                pairs[source, move.target] = move.name
            self.moves[move.name] = move
        if log_model is not None and not log_object_field:
            raise ValueError(f"{name}: log_object_field is required with log_model")

    # --- Reading the table --------------------------------------------------------------

    def __getitem__(self, name: str) -> Move:
        return self.moves[name]

    def __iter__(self) -> Any:
        return iter(self.moves.values())

    def label(self, state: str) -> str:
        if state == CREATION:
            return self.creation_label
        return str(self.states.get(state, state))

    def state_of(self, obj: Any) -> str:
        """The object's state; ``CREATION`` while it is not saved yet."""
        return getattr(obj, self.state_field) if obj.pk is not None else CREATION

    def moves_from(self, state: str) -> list[Move]:
        return [move for move in self.moves.values() if state in move.sources]

    def move_between(self, source: str, target: str) -> Move | None:
        for move in self.moves_from(source):
            if move.target == target:
                return move
        return None

    def pairs(self) -> dict[tuple[str, str], str]:
        """(from, to) → move name: what a log row written without ``move`` was (the data
        migrations that backfill ``move`` freeze a copy of it)."""
        return {(source, m.target): m.name for m in self.moves.values() for source in m.sources}

    def allowed(self, obj: Any, principal: Any) -> list[Move]:
        """Moves from the object's state that ``principal`` may make (guards only)."""
        return [m for m in self.moves_from(self.state_of(obj)) if m.guard(principal, obj)]

    # --- Checking and applying ----------------------------------------------------------

    def _refuse(self, code: str, *, field: str | None = None, **labels: str) -> WorkflowError:
        return WorkflowError(
            code, self.messages[code].format(**labels), field=field, status=STATUSES[code]
        )

    def resolve(
        self, obj: Any, *, move: str | None = None, to: str | None = None, source: str | None = None
    ) -> Move:
        """The move named ``move``, or the one leading to state ``to``, if it may start
        from the object's state (or ``source``, the state a move made in memory left it
        in); else ``unknown_move`` or ``transition_not_allowed``."""
        if (move is None) == (to is None):
            raise TypeError("give either a move name or a target state")
        source = self.state_of(obj) if source is None else source
        if move is not None:
            rule = self.moves.get(move)
            if rule is None:
                raise self._refuse("unknown_move")
            if source in rule.sources:
                return rule
            target = rule.target
        else:
            assert to is not None
            found = self.move_between(source, to)
            if found is not None:
                return found
            target = to
        raise self._refuse(
            "transition_not_allowed",
            field=self.not_allowed_field,
            source=self.label(source),
            target=self.label(target),
        )

    def check(
        self,
        obj: Any,
        *,
        principal: Any,
        move: str | None = None,
        to: str | None = None,
        source: str | None = None,
    ) -> Move:
        """``resolve``, then the guard: ``forbidden`` when it refuses ``principal``."""
        rule = self.resolve(obj, move=move, to=to, source=source)
        if not rule.guard(principal, obj):
            error = self._refuse("forbidden")
            if rule.forbidden_message:
                error.message = rule.forbidden_message
                error.args = (rule.forbidden_message,)
            raise error
        return rule

    def apply(
        self,
        obj: Any,
        *,
        principal: Any,
        move: str | None = None,
        to: str | None = None,
        reason: str = "",
        note: str = "",
        inputs: Mapping[str, str] | None = None,
        actor_label: str | None = None,
        now: dt.datetime | None = None,
        validate: Callable[[Move], None] | None = None,
        log_fields: Mapping[str, Any] | Callable[[Step], Mapping[str, Any]] | None = None,
    ) -> Step:
        """Make a move: check it (table, guard, ``validate``, requirements), run its
        effects, save the object and write the log row. Call it inside a transaction;
        nothing is written when it raises.

        ``validate`` runs the caller's own checks once the move is known and allowed
        (before the requirements); ``log_fields`` adds the lifecycle's own log columns.
        """
        step = self._step(
            obj,
            principal=principal,
            move=move,
            to=to,
            reason=reason,
            note=note,
            inputs=inputs,
            now=now,
            validate=validate,
        )
        self.save(obj, step)
        if self.log_model is not None:
            step.log = self.log_model.objects.create(
                **self._log_row(obj, step, actor_label, log_fields)
            )
        return step

    def apply_all(
        self, obj: Any, *, principal: Any, moves: Sequence[str], now: dt.datetime | None = None
    ) -> list[Step]:
        """Make several moves in a row with one save and one insert of their log rows
        (a conversation opened and queued as it arrives: two round trips fewer per
        message). Each move is checked from the state the previous one left; nothing is
        written when one raises (the object in memory keeps the earlier moves' effects:
        drop it with the transaction)."""
        now = now or timezone.now()
        steps: list[Step] = []
        for move in moves:
            source = steps[-1].target if steps else None
            steps.append(self._step(obj, principal=principal, move=move, now=now, source=source))
        if not steps:
            return steps
        self.save(obj, steps[-1])
        if self.log_model is not None:
            logs = self.log_model.objects.bulk_create(
                [self.log_model(**self._log_row(obj, step, None, None)) for step in steps]
            )
            for step, log in zip(steps, logs, strict=True):
                step.log = log
        return steps

    def _step(
        self,
        obj: Any,
        *,
        principal: Any,
        move: str | None = None,
        to: str | None = None,
        reason: str = "",
        note: str = "",
        inputs: Mapping[str, str] | None = None,
        now: dt.datetime | None = None,
        validate: Callable[[Move], None] | None = None,
        source: str | None = None,
    ) -> Step:
        """Check one move and run its effects on the object, unsaved."""
        rule = self.check(obj, principal=principal, move=move, to=to, source=source)
        if validate is not None:
            validate(rule)
        inputs = dict(inputs or {})
        given = {"reason": reason, "note": note, **inputs}
        for requirement in rule.requires:
            if requirement.refuses(given.get(requirement.name, "")):
                raise WorkflowError(
                    requirement.code,
                    requirement.message,
                    field=requirement.field or requirement.name,
                )
        step = Step(
            move=rule,
            source=self.state_of(obj) if source is None else source,
            principal=principal,
            reason=reason,
            note=note.strip(),
            inputs=inputs,
            now=now or timezone.now(),
        )
        setattr(obj, self.state_field, rule.target)
        for effect in (*rule.effects, *self.on_enter.get(rule.target, ())):
            effect(obj, step)
        return step

    def _log_row(
        self,
        obj: Any,
        step: Step,
        actor_label: str | None,
        log_fields: Mapping[str, Any] | Callable[[Step], Mapping[str, Any]] | None,
    ) -> dict[str, Any]:
        extra = log_fields(step) if callable(log_fields) else (log_fields or {})
        return {
            self.log_object_field: obj,
            "from_status": step.source,
            "to_status": step.move.target,
            "move": step.move.name,
            "actor": user_of(step.principal),
            "actor_label": label_of(step.principal) if actor_label is None else actor_label,
            "reason_code": step.reason,
            "note": step.note,
            "created_at": step.now,
            **extra,
        }


__all__ = [
    "CREATION",
    "Acting",
    "Effect",
    "Guard",
    "Machine",
    "Move",
    "Requirement",
    "Step",
    "System",
    "WorkflowError",
    "acting_as",
    "all_of",
    "any_of",
    "anyone",
    "is_system",
    "label_of",
    "person_of",
    "user_of",
]
