"""Reads of the supervision wallboard: the routed queues a supervisor sees and their
figures, the agents of a queue with their presence and current work, the contacts
waiting in it.

Scope: a routed queue (one with a ``QueuePolicy``) is supervised by whoever holds
``Perm.SUPERVISE`` over it (``visible_to(principal, …, Perm.SUPERVISE)``); every read
below starts from ``supervised_queues`` so the scoped query is the permission check.

Figures (formulas of ``core.metrics``, counted by SQL for all the queues at once in one
statement, whatever their number: see ``_periods``):

- a contact counts in the period it **entered the queue** (``Conversation.queued_at``,
  kept when an offer lapses; a contact put back in its queue enters it again): the day
  (local midnight on the queue's calendar) and the last 30 minutes;
- answered: taken by an agent after it entered (``assigned_at ≥ queued_at``), within the
  target when ``assigned_at − queued_at ≤ T``; abandoned: outcome « abandon » without an
  answer, at ``resolved_at``; under ``SHORT_ABANDON_SECONDS`` it is a short abandon,
  counted apart;
- a queue whose target is in working days (email, SMS) counts the contacts **answered**
  in the period (``first_answered_at``): within the target when answered before the end
  of the N-th working day after their arrival, on the queue's calendar;
- handling time = talk + hold + wrap-up: the hub's ``handling_seconds`` (a call, answer
  to hang-up, hold included) or, for a chat without it, assignment to resolution; plus
  the queue's wrap-up time.

Per agent: presence and current work, never a ranking (agents' statistics fall under
labour law).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    Expression,
    F,
    FloatField,
    Func,
    Min,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import Membership, Role
from parvis.accounts.scoping import Perm, has_permission, visible_to
from parvis.contacts.models import Conversation, Outcome, Queue, QueueMember, Status
from parvis.contacts.selectors import (
    BUSINESS_TIME_CHANNELS,
    QUEUE_CALENDAR_DEPARTEMENT,
    calendar_of_queue,
)
from parvis.core import metrics
from parvis.core.french import number, with_unit
from parvis.core.memo import ProcessMemo
from parvis.directory import servicelevels
from parvis.directory.servicelevels import Place
from parvis.routing.errors import RoutingError
from parvis.routing.models import (
    STAFFED,
    AgentState,
    AgentWork,
    Entry,
    EntryState,
    Presence,
    QueuePolicy,
    Tier,
)

RECENT_MINUTES = 30
NOT_FOUND = "File introuvable."
# The figures of the day scan every contact of the day: on a live wallboard (no ``now``
# given) they are kept a few seconds per set of queues, so supervisors refreshing at once
# cost one scan; the live state (waiting, presence) is always read fresh.
FIGURES_SECONDS = 5.0
_figures = ProcessMemo("routing.wallboard_figures", ttl=FIGURES_SECONDS)

# --- Scope ---------------------------------------------------------------------------------


def supervised_queues(principal: Any) -> QuerySet[Queue]:
    """Active routed queues over which ``principal`` holds ``Perm.SUPERVISE``."""
    return visible_to(
        principal,
        Queue.objects.filter(is_active=True, policy__isnull=False),
        Perm.SUPERVISE,
    )


def supervises(principal: Any) -> bool:
    """Whether the wallboard is for ``principal`` (the menu and the pages ask the same)."""
    return has_permission(principal, Perm.SUPERVISE) and supervised_queues(principal).exists()


def queue_for_supervisor(principal: Any, queue_id: int) -> Queue:
    """A supervised queue with its policy; outside the scope: ``not_found`` (404)."""
    queue = (
        supervised_queues(principal)
        .select_related("policy", "policy__overflow_queue", "organisation", "site__commune")
        .filter(pk=queue_id)
        .first()
    )
    if queue is None:
        raise RoutingError("not_found", NOT_FOUND, status=404)
    return queue


def supervised_agent(principal: Any, user_id: int) -> Any:
    """An agent who is a member of a queue ``principal`` supervises; else ``not_found``."""
    queues = supervised_queues(principal).values("pk")
    user = (
        get_user_model()
        .objects.filter(pk=user_id, queue_memberships__queue__in=queues)
        .distinct()
        .first()
    )
    if user is None:
        raise RoutingError("not_found", "Agent introuvable.", status=404)
    return user


def waiting_conversation(principal: Any, queue: Queue, reference: str) -> Conversation:
    """A contact waiting (or offered) in a supervised queue, by its reference."""
    conversation = (
        visible_to(principal, Conversation.objects.filter(queue=queue), Perm.SUPERVISE)
        .filter(reference=reference, status__in=(Status.QUEUED, Status.OFFERED))
        .first()
    )
    if conversation is None:
        raise RoutingError("not_found", "Ce contact n’attend plus dans cette file.", status=404)
    return conversation


def member_candidates(principal: Any, queue: Queue) -> QuerySet[Any]:
    """People of the supervisor's scope who take contacts (agents, supervisors) and are
    not yet members of ``queue``."""
    memberships = visible_to(
        principal,
        Membership.objects.filter(role__in=(Role.AGENT, Role.SUPERVISOR)),
        Perm.SUPERVISE,
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=memberships.values("user"))
        .exclude(queue_memberships__queue=queue)
        .order_by("full_name", "email")
    )


def overflow_targets(principal: Any, queue: Queue) -> QuerySet[Queue]:
    """Queues a supervised queue may overflow to: the other active queues of its
    organisation the supervisor sees."""
    return (
        visible_to(principal, Queue.objects.filter(is_active=True), Perm.SUPERVISE)
        .filter(organisation_id=queue.organisation_id)
        .exclude(pk=queue.pk)
        .order_by("-is_triage", "name")
    )


def wrap_up_code_missing(conversation: Conversation) -> bool:
    """A queue that requires a wrap-up code (``QueuePolicy.wrap_up_code_required``) is
    not resolved before the contact's motif is set: the motif is the code the quality
    indicators group contacts by (the outcome is required everywhere already)."""
    if conversation.motif_id is not None or conversation.queue_id is None:
        return False
    return QueuePolicy.objects.filter(
        queue_id=conversation.queue_id, wrap_up_code_required=True
    ).exists()


# --- Figures -------------------------------------------------------------------------------


class Seconds(Func):
    """``end − start`` in seconds, as a float, on PostgreSQL and SQLite. On PostgreSQL
    ``date_part`` (a float) rather than ``EXTRACT`` (a numeric since PostgreSQL 14, about
    three times slower per row: the wallboard evaluates it on every chat of the day)."""

    output_field = FloatField()
    arity = 2

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="date_part('epoch', %(expressions)s)",
            arg_joiner=" - ",
            **extra,
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            **extra,
        )


class AmongQueues(Expression):
    """``queue_id IN (…)``: the supervisor's queues, as a condition. On PostgreSQL the ids
    are one parameter, an array (``queue_id = ANY(%s::bigint[])``), rather than one
    parameter each: the wallboard names its 200 queues in four statements, and each id
    bound apart went through Django's lookup and psycopg's quoting. The plan is the same
    (PostgreSQL hashes the list either way); elsewhere (SQLite) a plain ``IN``. No ids:
    no row (Django's ``EmptyResultSet``, as ``queue_id__in=[]``)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, ids: Sequence[int], column: str = "queue_id") -> None:
        super().__init__()
        self.column: Any = F(column)
        self.ids = [int(pk) for pk in ids]

    def get_source_expressions(self) -> list[Any]:
        return [self.column]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.column,) = exprs

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        if not self.ids:
            raise EmptyResultSet
        column, params = compiler.compile(self.column)
        if connection.vendor == "postgresql":
            return f"{column} = ANY(%s::bigint[])", (*params, self.ids)
        placeholders = ", ".join(["%s"] * len(self.ids))
        return f"{column} IN ({placeholders})", (*params, *self.ids)


@dataclass(frozen=True)
class Period:
    """One queue's figures over a period (the day, the last 30 minutes)."""

    entered: int = 0
    answered: int = 0
    answered_within: int = 0
    abandoned: int = 0  # after the short-abandon limit
    abandoned_after_threshold: int = 0
    short_abandons: int = 0
    handled: int = 0  # resolved after an agent took it (the handling time's sample)
    talk_seconds: float | None = None
    wrap_up_seconds: int = 0

    @property
    def service_level(self) -> float | None:
        return metrics.service_level_ratio(
            answered_within=self.answered_within,
            answered=self.answered,
            abandoned_after_threshold=self.abandoned_after_threshold,
        )

    @property
    def abandon_rate(self) -> float | None:
        return metrics.abandon_rate_ratio(
            abandoned_after_short=self.abandoned, entered_queue=self.entered
        )

    @property
    def handling_seconds(self) -> float | None:
        if self.talk_seconds is None:
            return None
        return metrics.handling_time(talk=self.talk_seconds, wrap_up=float(self.wrap_up_seconds))


# Read after the queue's name and joined by « ; » (« File X : file en pause ; des contacts
# attendent… »): lower case.
ALERTS = {
    "service_level_day": _("niveau de service du jour sous la cible"),
    "service_level_recent": _("niveau de service des 30 dernières minutes sous la cible"),
    "nobody_staffed": _("des contacts attendent et aucun agent n’est en service"),
    "waiting_past_target": _("des contacts attendent depuis plus longtemps que le délai visé"),
    "paused": _("file en pause"),
}


@dataclass(frozen=True)
class QueueBoard:
    """One line of the wallboard."""

    queue: Queue
    policy: QueuePolicy
    waiting: int
    offered: int
    oldest_arrival: dt.datetime | None
    presence: dict[str, int]
    day: Period
    recent: Period
    now: dt.datetime
    alerts: tuple[str, ...] = field(default=())
    # Waiting or offered past the target's delay (seconds, or working days on the
    # queue's calendar): late already, though no service level counts them until they
    # are answered or abandoned.
    past_target: int = 0

    @property
    def longest_wait_seconds(self) -> float | None:
        if self.oldest_arrival is None:
            return None
        return max(0.0, (self.now - self.oldest_arrival).total_seconds())

    @property
    def staffed(self) -> int:
        return sum(self.presence.get(p, 0) for p in STAFFED)

    @property
    def members(self) -> int:
        return sum(self.presence.values())

    @property
    def alert_labels(self) -> list[str]:
        return [str(ALERTS[code]) for code in self.alerts]


def _alerts(board: QueueBoard) -> tuple[str, ...]:
    target = board.policy.service_level_share
    alerts = []
    if board.policy.is_paused:
        alerts.append("paused")
    for code, period in (("service_level_day", board.day), ("service_level_recent", board.recent)):
        level = period.service_level
        if level is not None and level < target:
            alerts.append(code)
    if board.waiting + board.offered and not board.staffed:
        alerts.append("nobody_staffed")
    if board.past_target:
        alerts.append("waiting_past_target")
    return tuple(alerts)


def _day_starts(places: dict[int, Place], now: dt.datetime) -> dict[int, dt.datetime]:
    """Local midnight of each queue's calendar (an overseas queue's day is its own)."""
    starts = {}
    for queue_id, place in places.items():
        local = now.astimezone(place.tzinfo)
        starts[queue_id] = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return starts


def _working_days_cutoff(place: Place, days: int, now: dt.datetime) -> dt.datetime:
    """The earliest arrival whose answer today is still within ``days`` working days:
    a deadline grows with the arrival date, so one moment splits within from late."""
    today = servicelevels.local_date(now, place)
    return _cutoff_on_calendar(today, days, place.departement_code, place.timezone)


@functools.lru_cache(maxsize=256)
def _cutoff_on_calendar(
    today: dt.date, days: int, departement_code: str | None, zone: str
) -> dt.datetime:
    """``_working_days_cutoff`` for one calendar (holidays of the département, time zone):
    200 email queues of one département walk back the same days once."""
    place = servicelevels.Place(zone, departement_code)
    day = today
    for _step in range(400):  # a year of closures at most
        previous = day - dt.timedelta(days=1)
        if servicelevels.add_working_days(previous, days, place) < today:
            break
        day = previous
    return dt.datetime.combine(day, dt.time(), tzinfo=place.tzinfo)


def _grouped(ids_by_key: dict[Any, list[int]], build: Any, *, whole: bool = True) -> Q:
    """OR of ``build(key) & queue in ids`` for each group of queues sharing a key. One
    group that is the ``whole`` query (limited to its queues already) needs no list: the
    common case (one time zone, one target) evaluates no list per row."""
    if whole and len(ids_by_key) == 1:
        return build(next(iter(ids_by_key)))
    condition = Q(pk__in=[])
    for key, ids in ids_by_key.items():
        condition |= Q(queue_id__in=ids) & build(key)
    return condition


def _target(policy: QueuePolicy, place: Place, now: dt.datetime) -> tuple[int | None, dt.datetime]:
    """A queue's service-level target at ``now``: its seconds (``None`` when the target
    is in working days) and the arrival before which a contact not yet answered is past
    it (``now`` less the seconds, or the working-days cutoff on the queue's calendar)."""
    if policy.service_level_working_days is not None:
        return None, _working_days_cutoff(place, policy.service_level_working_days, now)
    seconds = policy.service_level_seconds or 0
    return seconds, now - dt.timedelta(seconds=seconds)


DAY, RECENT = "day", "recent"


def _count(condition: Q | None = None) -> Count:
    """Contacts (rows read all have a ``queued_at``) meeting ``condition``. Not the
    primary key: the period's columns are all the count needs to read."""
    return Count("queued_at", filter=condition)


def _periods(
    queues: Sequence[Queue],
    policies: dict[int, QueuePolicy],
    places: dict[int, Place],
    now: dt.datetime,
) -> dict[tuple[int, str], Period]:
    """(queue id, "day" | "recent") → figures; one statement (two with a queue whose
    target is in working days).

    The day and the last 30 minutes are two halves of one ``UNION ALL``, each with its
    window in its ``WHERE``: the day's half reads the day once with eight aggregates (not
    sixteen filtered by window on every row), the recent half only the last 30 minutes
    through the ``(queue, queued_at)`` index. Conditions are written positively (``assigned
    IS NULL OR assigned < queued``), so no row evaluates a negation's null guards."""
    if not queues:
        return {}
    starts = _day_starts(places, now)
    recent = now - dt.timedelta(minutes=RECENT_MINUTES)
    by_start: dict[dt.datetime, list[int]] = defaultdict(list)
    by_seconds: dict[int, list[int]] = defaultdict(list)
    by_cutoff: dict[dt.datetime, list[int]] = defaultdict(list)
    for queue in queues:
        by_start[starts[queue.pk]].append(queue.pk)
        seconds, cutoff = _target(policies[queue.pk], places[queue.pk], now)
        if seconds is None:
            by_cutoff[cutoff].append(queue.pk)
        else:
            by_seconds[seconds].append(queue.pk)
    short = dt.timedelta(seconds=metrics.SHORT_ABANDON_SECONDS)

    # The rows read have a queue and a ``queued_at`` (the WHERE), so an answer is an
    # assignment at or after it, and « not answered » is no assignment or one before it.
    answered = Q(assigned_at__gte=F("queued_at"))
    abandoned = Q(outcome=Outcome.ABANDONED, resolved_at__isnull=False) & (
        Q(assigned_at__isnull=True) | Q(assigned_at__lt=F("queued_at"))
    )
    long_abandon = abandoned & Q(resolved_at__gte=F("queued_at") + short)
    short_abandon = abandoned & Q(resolved_at__lt=F("queued_at") + short)
    only_seconds = not by_cutoff  # no queue counts in working days
    within = _grouped(
        by_seconds,
        lambda seconds: Q(assigned_at__lte=F("queued_at") + dt.timedelta(seconds=seconds)),
        whole=only_seconds,
    )
    after = _grouped(
        by_seconds,
        lambda seconds: Q(resolved_at__gt=F("queued_at") + dt.timedelta(seconds=seconds)),
        whole=only_seconds,
    )
    seconds_queues = (
        Q() if only_seconds else Q(queue_id__in=[q for ids in by_seconds.values() for q in ids])
    )
    handled = answered & Q(resolved_at__isnull=False) & ~Q(outcome=Outcome.ABANDONED)
    talk = Case(
        When(handling_seconds__isnull=False, then=F("handling_seconds")),
        When(
            channel_id__in=sorted(BUSINESS_TIME_CHANNELS),
            then=Seconds("resolved_at", "assigned_at"),
        ),
        default=None,
        output_field=FloatField(),
    )
    aggregates: dict[str, Any] = {
        "entered": _count(),
        "answered": _count(answered & seconds_queues),
        "within": _count(answered & within),
        "abandoned": _count(long_abandon),
        "after": _count(long_abandon & after),
        "short": _count(short_abandon),
        "handled": _count(handled),
        "talk": Avg(talk, filter=handled),
    }
    # The aggregates are resolved once, for both halves (each clones it with its window).
    grouped = (
        Conversation.objects.filter(AmongQueues([queue.pk for queue in queues]))
        .values("queue_id")
        .annotate(**aggregates)
        .order_by()
    )

    def half(name: str, window: Q) -> QuerySet[Conversation, dict[str, Any]]:
        return grouped.filter(window).annotate(period=Value(name))

    day = _grouped(by_start, lambda start: Q(queued_at__gte=start))
    if len(by_start) > 1:  # overseas queues: the earliest midnight bounds the index range
        day &= Q(queued_at__gte=min(by_start))
    counts: dict[tuple[int, str], dict[str, Any]] = {
        (row["queue_id"], row["period"]): row
        for row in half(DAY, day).union(half(RECENT, Q(queued_at__gte=recent)), all=True)
    }
    if by_cutoff:
        _answered_in_working_days(counts, by_cutoff, by_start, recent=recent, now=now)
    periods = {}
    for queue in queues:
        for name in (DAY, RECENT):
            row = counts.get((queue.pk, name), {})
            periods[(queue.pk, name)] = Period(
                entered=row.get("entered", 0),
                answered=row.get("answered", 0),
                answered_within=row.get("within", 0),
                abandoned=row.get("abandoned", 0),
                abandoned_after_threshold=row.get("after", 0),
                short_abandons=row.get("short", 0),
                handled=row.get("handled", 0),
                talk_seconds=row.get("talk"),
                wrap_up_seconds=policies[queue.pk].wrap_up_seconds,
            )
    return periods


def _answered_in_working_days(
    counts: dict[tuple[int, str], dict[str, Any]],
    by_cutoff: dict[dt.datetime, list[int]],
    by_start: dict[dt.datetime, list[int]],
    *,
    recent: dt.datetime,
    now: dt.datetime,
) -> None:
    """Queues whose target is in working days: the contacts first answered in the period,
    within the target when they arrived after the queue's cutoff (into ``counts``)."""
    ids = [q for group in by_cutoff.values() for q in group]
    within = _grouped(by_cutoff, lambda cutoff: Q(queued_at__gte=cutoff))
    windows = {
        DAY: _grouped(by_start, lambda start: Q(first_answered_at__gte=start)),
        RECENT: Q(first_answered_at__gte=recent),
    }
    earliest = min(recent, now - dt.timedelta(days=1))  # a local midnight is less than a day ago
    aggregates: dict[str, Any] = {}
    for name, window in windows.items():
        aggregates[f"{name}_answered"] = _count(window)
        aggregates[f"{name}_within"] = _count(window & within)
    rows = (
        Conversation.objects.filter(AmongQueues(ids), first_answered_at__gte=earliest)
        .values("queue_id")
        .annotate(**aggregates)
        .order_by()
    )
    for row in rows:
        for name in (DAY, RECENT):
            counts.setdefault((row["queue_id"], name), {}).update(
                answered=row[f"{name}_answered"], within=row[f"{name}_within"]
            )


def _late_arrivals(
    queues: Sequence[Queue],
    policies: dict[int, QueuePolicy],
    places: dict[int, Place],
    now: dt.datetime,
) -> dict[dt.datetime, list[int]]:
    """Queues grouped by the arrival before which a contact still waiting is past the
    target: ``now`` less the target's seconds, or the working-days cutoff of the queue's
    calendar (``_working_days_cutoff``)."""
    by_cutoff: dict[dt.datetime, list[int]] = defaultdict(list)
    for queue in queues:
        _, cutoff = _target(policies[queue.pk], places[queue.pk], now)
        by_cutoff[cutoff].append(queue.pk)
    return by_cutoff


def _live(
    ids: list[int], late: dict[dt.datetime, list[int]] | None = None
) -> tuple[dict[int, dict[str, Any]], dict[int, dict[str, int]]]:
    """Entries waiting and offered, oldest arrival, those past the target (``late``:
    ``_late_arrivals``), and members by presence, per queue."""
    past_target = _grouped(late, lambda cutoff: Q(arrived_at__lt=cutoff)) if late else None
    entries = {
        row["queue_id"]: row
        for row in Entry.objects.filter(AmongQueues(ids))
        .values("queue_id")
        .annotate(
            waiting=Count("pk", filter=Q(state=EntryState.WAITING)),
            offered=Count("pk", filter=Q(state=EntryState.OFFERED)),
            oldest=Min("arrived_at"),
            past_target=Count("pk", filter=past_target) if past_target else Value(0),
        )
        .order_by()
    }
    presence: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        QueueMember.objects.filter(AmongQueues(ids), user__is_active=True)
        .values("queue_id", "user__routing_state__presence")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        state = row["user__routing_state__presence"] or Presence.OFFLINE
        counts = presence[row["queue_id"]]
        counts[state] = counts.get(state, 0) + row["count"]
    return entries, presence


def wallboard(
    principal: Any, *, now: dt.datetime | None = None, queue_id: int | None = None
) -> list[QueueBoard]:
    """The supervisor's routed queues with their live state and figures. A constant
    number of queries whatever the number of queues. Without ``now`` (a live page), the
    figures of the periods may be up to ``FIGURES_SECONDS`` old."""
    kept = now is None
    now = now or timezone.now()
    # The calendar's département rather than two sites and their communes per queue:
    # 200 queues were 1,000 model instances to build (now 600).
    queryset = (
        supervised_queues(principal)
        .select_related("policy", "organisation")
        .annotate(calendar_departement=QUEUE_CALENDAR_DEPARTEMENT)
    )
    if queue_id is not None:
        queryset = queryset.filter(pk=queue_id)
    queues = list(queryset.order_by("organisation__name", "name"))
    policies = {queue.pk: queue.policy for queue in queues}
    places = {queue.pk: calendar_of_queue(queue.calendar_departement) for queue in queues}
    ids = list(policies)
    entries, presence = _live(ids, _late_arrivals(queues, policies, places, now))
    if kept:
        moment = now
        periods = _figures.get(tuple(ids), lambda: _periods(queues, policies, places, moment))
    else:
        periods = _periods(queues, policies, places, now)
    boards = []
    for queue in queues:
        live = entries.get(queue.pk, {})
        board = QueueBoard(
            queue=queue,
            policy=policies[queue.pk],
            waiting=live.get("waiting", 0),
            offered=live.get("offered", 0),
            oldest_arrival=live.get("oldest"),
            presence=presence.get(queue.pk, {}),
            day=periods[(queue.pk, "day")],
            recent=periods[(queue.pk, "recent")],
            now=now,
            past_target=live.get("past_target", 0),
        )
        boards.append(_with_alerts(board))
    return boards


def _with_alerts(board: QueueBoard) -> QueueBoard:
    return replace(board, alerts=_alerts(board))


# --- A queue's agents and contacts ---------------------------------------------------------


@dataclass(frozen=True)
class AgentRow:
    """An agent of a queue: presence and current work (no figures about the person)."""

    user: Any
    presence: str
    presence_label: str
    reason_label: str
    since: dt.datetime | None
    used_units: int
    capacity: int
    work: list[AgentWork]


def queue_agents(queue: Queue) -> list[AgentRow]:
    """Members of ``queue``, by name, with their state and what they hold or are offered.
    Three queries."""
    members = list(
        QueueMember.objects.filter(queue=queue, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    user_ids = [member.user_id for member in members]
    states = {state.user_id: state for state in AgentState.objects.filter(user_id__in=user_ids)}
    works: dict[int, list[AgentWork]] = defaultdict(list)
    for work in (
        AgentWork.objects.filter(user_id__in=user_ids)
        .select_related("conversation__channel", "conversation__queue")
        .order_by("since")
    ):
        works[work.user_id].append(work)
    rows = []
    for member in members:
        state = states.get(member.user_id)
        rows.append(
            AgentRow(
                user=member.user,
                presence=state.presence if state else Presence.OFFLINE,
                presence_label=str(state.get_presence_display() if state else _("hors ligne")),
                reason_label=str(state.get_reason_display()) if state and state.reason else "",
                since=state.presence_since if state else None,
                used_units=state.used_units if state else 0,
                capacity=state.capacity if state else 100,
                work=works.get(member.user_id, []),
            )
        )
    return rows


def waiting_entries(queue: Queue, *, limit: int = 50) -> list[Entry]:
    """The contacts waiting or offered in ``queue``, in the order they will be offered."""
    return list(
        Entry.objects.filter(queue=queue)
        .select_related("conversation__channel")
        .order_by("state", "sort_key", "pk")[:limit]
    )


def forget_figures() -> None:
    """Recount the periods' figures at the next read (tests, benchmarks)."""
    _figures.forget()


def queue_tiers(queue: Queue) -> list[dict[str, Any]]:
    """A queue's tiers in order, said in French for its supervisor: who is admitted
    (minimum level, the sites or organisations named) and after how long a wait."""
    rows = []
    tiers = Tier.objects.filter(policy__queue=queue).prefetch_related("sites", "organisations")
    for tier in tiers.order_by("position"):
        wait = tier.min_wait_seconds
        rows.append(
            {
                "position": tier.position,
                "name": str(tier),
                "level": tier.get_min_level_display(),
                "after": "dès l’arrivée" if wait == 0 else f"après {with_unit(number(wait), 's')}",
                "among": ", ".join(
                    [str(site) for site in tier.sites.all()]
                    + [org.short_name or org.name for org in tier.organisations.all()]
                )
                or "tous les agents de la file",
            }
        )
    return rows
