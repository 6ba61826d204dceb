"""The database adapter of the routing engine: the rules of ``routing.core`` applied to
the rows of ``routing.models``, with the database as the only source of truth.

A decision runs in one transaction: take the trigger, lock the agent's state (``SKIP
LOCKED``: an agent another worker is deciding for is skipped, never waited for), read the
heads of the agent's queues in sort-key order (entries locked with ``SKIP LOCKED`` on
PostgreSQL, so score order holds among unlocked eligible contacts: at most workers − 1
positions of inversion; SQLite serialises the whole transaction, ``IMMEDIATE``), pick the
work with ``core.pick_work``, make the hub's move through ``contacts.services`` (``offer``,
or ``assign`` for a queue that assigns directly), book the units and write the decision.
No contact goes to two agents (the entry's row and the hub's status move once), no agent
beyond capacity (the agent's row is locked while its units change).

One trigger, one decision, no model instances read on routing's side; a batch of them
(``process_batch``) in one transaction of a few indexed statements on PostgreSQL (psycopg
prepares them, so each is planned once per connection):

1. the triggers taken (deleted) with, for a contact, its waiting entry and the members
   of its queue present with room for it (ranked in Python by the strategy, round
   robin's cursor read fresh), and for an agent trigger, the agent's row locked with
   their levels and languages and the heads of all their queues (index scans of
   ``routing_entry_head``: queue, state, sort key, id; ``LIMIT``, ``SKIP LOCKED``):
   ``_TAKE_TRIGGERS_AND_AGENTS``;
2. for contacts, the agent each ranks first, locked and read the same way
   (``_AGENTS_AND_HEADS``);
3. routing's writes (entry, work, units, round robin's cursor, the agent's next trigger
   when room is left, the decision rows) and the hub's assignment (the conversations and
   their log rows, ``lifecycle.assign_by_system_ctes``) in one data-modifying ``WITH``;
4. the hub's events log, a statement of its own after the conversations' locks.

An agent decision is three statements besides ``BEGIN`` and ``COMMIT``, a contact
decision four. SQLite runs the same reads one by one and the writes one by one. An agent
with room left after a decision (three chats) gets a trigger of their own written with
it: one short transaction per assignment.

Every function takes ``now`` (the injectable clock of the simulator and the tests).
"""

# The statements name their tables from the models' ``db_table``, never from input.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import structlog
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from parvis.accounts.models import Membership
from parvis.contacts.models import Conversation, QueueMember
from parvis.contacts.services import lifecycle
from parvis.core.memo import ProcessMemo
from parvis.core.prepared import prepared_cursor
from parvis.core.workflow import System
from parvis.directory.models import LocalService, Site
from parvis.routing import core
from parvis.routing.models import (
    AgentSkill,
    AgentState,
    AgentWork,
    Decision,
    Entry,
    EntryState,
    OfferMode,
    Presence,
    QueuePolicy,
    Skill,
    Strategy,
    Tier,
    Trigger,
    TriggerKind,
)

logger = structlog.get_logger(__name__)

ROUTING = System("routing", "routage")
HEAD_SIZE = 5  # entries read per queue: enough, nearly always, for the first eligible one
HEAD_SIZE_FALLBACK = 200
CANDIDATES_LOGGED = 5
LOCKED_RETRY_SECONDS = 0.05  # a contact whose agents were all being decided for

# How long a process keeps the policies and the agents' scopes: a change saved in another
# process reaches this one within that time (``services.configuration`` wakes the queue
# again once it has passed).
MEMO_SECONDS = 5.0
_policies = ProcessMemo("routing.policies", ttl=MEMO_SECONDS)
# Agents' sites and organisations, read only for queues whose tiers name some.
_scopes = ProcessMemo("routing.scopes", ttl=MEMO_SECONDS)


def forget_caches(**kwargs: Any) -> None:
    _policies.forget()
    _scopes.forget()


def connect_caches() -> None:
    """Clear this process's caches on every change of what they hold (``AppConfig.ready``);
    another process sees the change within the memo's few seconds. Levels, languages
    and memberships of queues are read at each decision, never kept."""
    _policies.forget_on_change(QueuePolicy, Tier)
    _scopes.forget_on_change(Membership)


def epoch(moment: dt.datetime) -> float:
    return moment.timestamp()


def units_of(channel: str) -> int:
    return core.units_for(channel, settings.ROUTING_CHANNEL_UNITS)


def _smallest_units() -> int:
    """The fewest units a contact takes (an agent with less free can take nothing)."""
    return min(settings.ROUTING_CHANNEL_UNITS.values(), default=1)


# --- Policies, as the pure core sees them ---------------------------------------------------


@dataclass(frozen=True)
class PolicyView:
    rule: core.QueueRule
    offer_mode: str
    offer_seconds: int
    skill_id: int | None
    queue_name: str
    # Some tier names sites or organisations: the agents' memberships are read.
    scoped: bool = False
    wrap_up_seconds: int = 0


def _load_policies() -> dict[int, PolicyView]:
    tiers: dict[int, list[core.TierRule]] = {}
    tier_rows = Tier.objects.prefetch_related("sites", "organisations").order_by(
        "policy_id", "position"
    )
    for tier in tier_rows:
        tiers.setdefault(tier.policy_id, []).append(
            core.TierRule(
                min_wait=float(tier.min_wait_seconds),
                min_level=tier.min_level,
                sites=frozenset(site.pk for site in tier.sites.all()),
                organisations=frozenset(org.pk for org in tier.organisations.all()),
                position=tier.position,
            )
        )
    views: dict[int, PolicyView] = {}
    for policy in QueuePolicy.objects.select_related("queue").filter(queue__is_active=True):
        rules = tuple(tiers.get(policy.pk, ())) or core.OPEN_TO_ALL
        views[policy.queue_id] = PolicyView(
            rule=core.QueueRule(
                id=policy.queue_id,
                strategy=policy.strategy,
                weight=policy.priority_weight,
                cap=float(policy.bonus_cap),
                tiers=rules,
                round_robin_last=policy.round_robin_last,
                paused=policy.is_paused,
            ),
            offer_mode=policy.offer_mode,
            offer_seconds=policy.offer_seconds,
            skill_id=policy.skill_id,
            queue_name=policy.queue.name,
            scoped=any(tier.sites or tier.organisations for tier in rules),
            wrap_up_seconds=policy.wrap_up_seconds,
        )
    return views


def policies() -> dict[int, PolicyView]:
    """Routed queues (those with a policy) by queue id, cached a few seconds."""
    return _policies.get("all", _load_policies)


def policy_of(queue_id: int | None, *, fresh: bool = False) -> PolicyView | None:
    if queue_id is None:
        return None
    if fresh:
        _policies.forget()
    return policies().get(queue_id)


# --- The rows of a decision, read with plain statements ---------------------------------------
#
# A decision is on the hot path of every contact: it reads with a handful of indexed
# statements and no model instances (the values the pure core needs, converted here).

_ENTRY = Entry._meta.db_table
_STATE = AgentState._meta.db_table
_WORK = AgentWork._meta.db_table
_DECISION = Decision._meta.db_table
_TRIGGER = Trigger._meta.db_table
_POLICY = QueuePolicy._meta.db_table
_TIER = Tier._meta.db_table
_SKILLED = AgentSkill._meta.db_table
_SKILL = Skill._meta.db_table
_MEMBER = QueueMember._meta.db_table


def _skip_locked() -> str:
    """Rows another worker is deciding on are passed over, never waited for (PostgreSQL;
    SQLite serialises the whole transaction)."""
    return (
        " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    )


def aware_moment(value: Any) -> dt.datetime:
    """A timestamp as a plain statement returns it (SQLite: text or naive UTC)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=dt.UTC)
    return value


def _db_time(moment: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(moment)


def _db_json(value: Any) -> Any:
    return connection.ops.adapt_json_value(value, None)


def _json_list(value: Any) -> list[Any]:
    if isinstance(value, (str, bytes)):
        value = json.loads(value)
    return list(value or [])


_cursor = prepared_cursor


def fetch_rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with _cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@lru_cache(maxsize=1)
def _scopes_sql() -> str:
    return (
        "SELECT m.user_id, m.organisation_id, ls.organisation_id, m.site_id, si.organisation_id "
        f"FROM {Membership._meta.db_table} m "
        f"LEFT JOIN {LocalService._meta.db_table} ls ON ls.id = m.local_service_id "
        f"LEFT JOIN {Site._meta.db_table} si ON si.id = m.site_id "
        "WHERE m.user_id IN ({ids})"
    )


def _load_scopes(user_ids: list[Any]) -> dict[Any, tuple[frozenset[int], frozenset[int]]]:
    """Sites and organisations of agents (read only for queues whose tiers name some)."""
    sites: dict[int, set[int]] = defaultdict(set)
    organisations: dict[int, set[int]] = defaultdict(set)
    sql = _scopes_sql().format(ids=", ".join(["%s"] * len(user_ids)))
    for user_id, org, service_org, site, site_org in fetch_rows(sql, list(user_ids)):
        organisations[user_id].update(o for o in (org, service_org, site_org) if o)
        if site:
            sites[user_id].add(site)
    return {
        user_id: (frozenset(sites[user_id]), frozenset(organisations[user_id]))
        for user_id in user_ids
    }


def scopes_of(user_ids: list[int]) -> dict[int, tuple[frozenset[int], frozenset[int]]]:
    return _scopes.get_many(list(user_ids), _load_scopes)  # type: ignore[return-value]


@dataclass(frozen=True)
class Waiting:
    """An entry read for a decision: the core's view and what the write needs."""

    view: core.EntryView
    conversation_id: int
    arrived_at: dt.datetime
    # A trigger of its own is due (read with the heads): its decision will place it.
    own_trigger: bool = False


_ENTRY_COLUMNS = (
    "id, conversation_id, queue_id, arrived_at, bonus, units, language, escalated, declined_by"
)


def _waiting(row: tuple[Any, ...]) -> Waiting:
    pk, conversation_id, queue_id, arrived, bonus, units, language, escalated, declined = row[:9]
    arrived_at = aware_moment(arrived)
    return Waiting(
        core.EntryView(
            id=pk,
            queue_id=queue_id,
            arrived_at=arrived_at.timestamp(),
            bonus=float(bonus),
            units=units,
            language=language,
            escalated=bool(escalated),
            declined=frozenset(_json_list(declined)),
        ),
        conversation_id,
        arrived_at,
        own_trigger=bool(row[9]) if len(row) > 9 else False,
    )


def _waiting_entry(entry_id: int) -> Waiting | None:
    rows = fetch_rows(
        f"SELECT {_ENTRY_COLUMNS} FROM {_ENTRY} WHERE id = %s AND state = %s",
        [entry_id, EntryState.WAITING],
    )
    return _waiting(rows[0]) if rows else None


def _locked_agent(user_id: int, routed: dict[int, PolicyView]) -> core.AgentView | None:
    """The agent as the core sees them, their row locked (``SKIP LOCKED``: an agent
    another worker is deciding for is skipped, ``None``), in one statement: presence,
    capacity, units in use, idle since, their level in each routed queue they belong to
    (the queue's skill, 1 without one) and their languages. Units this transaction's
    earlier decisions gave them are counted."""
    batch = _batch.get()
    if batch is not None and user_id in batch.agents:
        # Read (and locked) with the other agents of the batch (``_prefetch``).
        held = batch.agents[user_id]
        if held is None:
            batch.locked_out.add(user_id)
            return None
        return replace(held, used=held.used + _booked_in_this_batch(user_id))
    rows = fetch_rows(
        f"WITH s AS (SELECT presence, capacity, used_units, idle_since FROM {_STATE} "
        f"WHERE user_id = %s{_skip_locked()}), "
        f"l AS (SELECT m.queue_id AS queue_id, COALESCE(a.level, 1) AS level, '' AS language "
        f"FROM {_MEMBER} m JOIN {_POLICY} p ON p.queue_id = m.queue_id "
        f"LEFT JOIN {_SKILLED} a ON a.user_id = m.user_id AND a.skill_id = p.skill_id "
        "WHERE m.user_id = %s "
        f"UNION ALL SELECT NULL, NULL, k.language FROM {_SKILLED} a "
        f"JOIN {_SKILL} k ON k.id = a.skill_id WHERE a.user_id = %s AND k.language <> '') "
        "SELECT s.presence, s.capacity, s.used_units, s.idle_since, l.queue_id, l.level, "
        "l.language FROM s LEFT JOIN l ON 1 = 1",
        [user_id, user_id, user_id],
    )
    if not rows:
        if batch is not None:
            batch.locked_out.add(user_id)
        return None
    agent = _agent_view(user_id, rows, routed)
    return replace(agent, used=agent.used + _booked_in_this_batch(user_id))


def _agent_view(
    user_id: int, rows: list[tuple[Any, ...]], routed: dict[int, PolicyView]
) -> core.AgentView:
    """An agent from their rows (presence, capacity, used, idle since, then a queue and
    level or a language on each row)."""
    presence, capacity, used, idle_since = rows[0][:4]
    levels: dict[int, int] = {}
    languages: set[str] = set()
    for queue_id, level, language in (row[4:] for row in rows):
        if queue_id is not None and queue_id in routed:
            levels[queue_id] = level
        elif language:
            languages.add(language)
    sites: frozenset[int] = frozenset()
    organisations: frozenset[int] = frozenset()
    if any(routed[queue_id].scoped for queue_id in levels):
        sites, organisations = scopes_of([user_id])[user_id]
    return core.AgentView(
        id=user_id,
        presence=presence,
        capacity=capacity,
        used=used,
        idle_since=epoch(aware_moment(idle_since)),
        levels=levels,
        languages=frozenset(languages),
        sites=sites,
        organisations=organisations,
    )


# A contact whose own trigger is due by then is placed by that trigger's decision, which
# considers every agent with room: an agent left with room gets no trigger of their own
# for it. The margin covers the contacts that arrive while a batch is being decided (their
# trigger is due at their arrival, after the batch's ``now``): without it, each of them
# gave an agent with room a trigger that then found nothing (3,741 of 14,141 triggers in
# the benchmark's contact direction of 5 December). A tier's trigger due within it makes
# the agent wait that long at most.
PLACED_SOON = dt.timedelta(seconds=1)

# Read with the heads: whether an entry's own contact trigger is due soon (index
# ``routing_trigger_object``).
_OWN_TRIGGER = (
    f"EXISTS (SELECT 1 FROM {_TRIGGER} t WHERE t.object_id = x.id "
    f"AND t.kind = '{TriggerKind.CONTACT.value}' AND t.due_at <= %s)"
)


def _tier_wait(level: str) -> str:
    """SQL: the wait, in seconds, from which some tier of the policy ``p`` admits an
    agent of ``level`` (an SQL expression), as ``core.wait_threshold`` (a tier naming
    sites or organisations taken as admitting all): 0 in a policy without tiers (open to
    all at once), NULL when none ever does."""
    return (
        "(SELECT CASE WHEN count(*) = 0 THEN 0 ELSE min(t.min_wait_seconds) "
        f"FILTER (WHERE t.min_level <= {level}) END FROM {_TIER} t WHERE t.policy_id = p.id)"
    )


# The agents of a batch, locked and read with their levels and languages, and the heads
# of all their queues, in one statement. Rows of three kinds, told apart by which columns
# are set: an agent's (presence, capacity, units in use, idle since; then one of their
# queues and their level in it, or one of their languages: columns 0–7), a queue read
# (its id and the number of heads asked of it: columns 8–9) and a head entry (columns
# 10–19, ``_ENTRY_COLUMNS`` and whether its own trigger is due). A queue is read for the
# agents present that some tier may admit (its tiers' smallest wait at their level, or
# none: open to all at once); its cutoff is the smallest of those waits, which the
# decisions then narrow to each agent's (``core.skip_reason``: a tier naming sites or
# organisations is taken as open here), and it gives ``HEAD_SIZE`` heads per agent.
_AGENTS_AND_HEADS_CTES = (
    f"s AS (SELECT user_id, presence, capacity, used_units, idle_since FROM {_STATE} "
    "WHERE user_id = ANY({ids}) ORDER BY user_id FOR UPDATE SKIP LOCKED), "
    "l AS (SELECT m.user_id, m.queue_id, COALESCE(a.level, 1) AS level, '' AS language, "
    f"p.is_paused AS paused, {_tier_wait('COALESCE(a.level, 1)')} AS wait "
    f"FROM {_MEMBER} m JOIN {_POLICY} p ON p.queue_id = m.queue_id "
    f"LEFT JOIN {_SKILLED} a ON a.user_id = m.user_id AND a.skill_id = p.skill_id "
    "WHERE m.user_id = ANY({ids}) "
    "UNION ALL SELECT a.user_id, NULL, NULL, k.language, NULL, NULL "
    f"FROM {_SKILLED} a JOIN {_SKILL} k ON k.id = a.skill_id "
    "WHERE a.user_id = ANY({ids}) AND k.language <> ''), "
    "present AS (SELECT l.* FROM l JOIN s ON s.user_id = l.user_id "
    f"WHERE s.presence = '{Presence.AVAILABLE.value}'), "
    f"q AS (SELECT queue_id, LEAST({HEAD_SIZE} * count(*), {HEAD_SIZE_FALLBACK}) AS head, "
    "%s::timestamptz - make_interval(secs => min(wait)) AS cutoff FROM present "
    "WHERE queue_id IS NOT NULL AND wait IS NOT NULL AND NOT paused GROUP BY queue_id), "
    "h AS (SELECT e.* FROM q CROSS JOIN LATERAL ("
    f"SELECT {_ENTRY_COLUMNS}, {_OWN_TRIGGER} FROM {_ENTRY} x WHERE x.queue_id = q.queue_id "
    f"AND x.state = '{EntryState.WAITING.value}' "
    "AND x.units <= (SELECT max(capacity - used_units) FROM s "
    f"WHERE presence = '{Presence.AVAILABLE.value}') "
    "AND (x.language = '' OR x.language IN (SELECT language FROM present)) "
    "AND (x.arrived_at <= q.cutoff OR x.escalated) "
    "ORDER BY x.sort_key, x.id LIMIT q.head FOR UPDATE SKIP LOCKED) e)"
)
_AGENTS_AND_HEADS_ROWS = (
    "SELECT s.user_id, s.presence, s.capacity, s.used_units, s.idle_since, l.queue_id, "
    "l.level, l.language, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint, "
    "NULL::bigint, NULL::timestamptz, NULL::integer, NULL::integer, NULL::text, "
    "NULL::boolean, NULL::jsonb, NULL::boolean FROM s LEFT JOIN l ON l.user_id = s.user_id "
    "UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, queue_id, head, NULL, "
    "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM q "
    "UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, h.* FROM h"
)
# The agents as a parameter (``_prefetch``), or read by the statement that takes their
# triggers (``_TAKE_TRIGGERS_AND_AGENTS``).
_AGENTS_AND_HEADS = (
    "WITH " + _AGENTS_AND_HEADS_CTES.replace("{ids}", "%s::bigint[]") + " " + _AGENTS_AND_HEADS_ROWS
)


def _prefetch(batch: _Batch, user_ids: list[int], now: dt.datetime) -> None:
    """The agents of a batch's agent triggers and its contacts' first agents, read and
    locked with the heads of all their queues in one statement (PostgreSQL,
    ``_AGENTS_AND_HEADS``): the batch's decisions then read nothing more, unless a
    queue's heads run out for an agent (``_heads`` reads that queue again)."""
    ids = sorted(set(user_ids))
    _prefetched(batch, ids, fetch_rows(_AGENTS_AND_HEADS, [ids, ids, ids, now, now + PLACED_SOON]))


def _prefetched(batch: _Batch, ids: list[int], rows: Iterable[tuple[Any, ...]]) -> None:
    """The rows of ``_AGENTS_AND_HEADS`` for the agents ``ids``, kept in the batch
    (instead of what an earlier read kept)."""
    routed = policies()
    by_user: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    limits: dict[int, int] = {}
    heads: dict[int, list[Waiting]] = defaultdict(list)
    batch.agents.clear()
    batch.heads.clear()
    batch.head_limits.clear()
    for row in rows:
        if row[0] is not None:
            by_user[row[0]].append(row[1:8])
        elif row[8] is not None:
            limits[row[8]] = row[9]
        else:
            waiting = _waiting(row[10:])
            heads[waiting.view.queue_id].append(waiting)
    for user_id in ids:  # None: another worker decides for them
        found = by_user.get(user_id)
        batch.agents[user_id] = _agent_view(user_id, found, routed) if found else None
    for queue_id, limit in limits.items():
        batch.heads[queue_id] = heads.get(queue_id, [])
        batch.head_limits[queue_id] = limit


def _prefetch_candidates(batch: _Batch, taken: list[Taken], now: dt.datetime) -> list[int]:
    """The candidates of the batch's contacts, read with their triggers
    (``take_triggers``), kept for ``_candidates`` with their queues' round robin cursors;
    the agent each contact's queue ranks first, whom the batch then locks and reads with
    its agent triggers' (``_prefetch``): a batch of contacts reads two statements, not
    three per contact. The ranking is kept for the decision (``_ranking``)."""
    routed = policies()
    firsts = []
    for trigger in taken:
        waiting = trigger.entry
        view = routed.get(waiting.view.queue_id) if waiting is not None else None
        if waiting is None or view is None or view.rule.paused:
            continue
        batch.candidate_rows[waiting.view.id] = trigger.candidates
        batch.round_robin_read[view.rule.id] = trigger.round_robin_last
        ranking = _ranking(waiting, view, now)
        if ranking.ranked:
            firsts.append(ranking.ranked[0][0].id)
    return firsts


def _booked_in_this_batch(user_id: int) -> int:
    batch = _batch.get()
    return batch.units.get(user_id, 0) if batch is not None else 0


def entry_view(entry: Entry) -> core.EntryView:
    return core.EntryView(
        id=entry.pk,
        queue_id=entry.queue_id,
        arrived_at=epoch(entry.arrived_at),
        bonus=float(entry.bonus),
        units=entry.units,
        language=entry.language,
        escalated=entry.escalated,
        declined=frozenset(entry.declined_by),
    )


# --- Triggers ------------------------------------------------------------------------------

_TRIGGER_INSERT = (
    f"INSERT INTO {_TRIGGER} (kind, object_id, due_at, created_at) VALUES (%s, %s, %s, %s)"
)


def trigger_add(kind: str, object_id: int, *, due_at: dt.datetime, now: dt.datetime) -> None:
    """Work for the workers (inside the caller's transaction); they are woken after commit."""
    with _cursor() as cursor:
        cursor.execute(_TRIGGER_INSERT, [kind, object_id, _db_time(due_at), _db_time(now)])
    if due_at <= now:
        transaction.on_commit(wake)


def wake() -> None:
    from parvis.routing import worker

    worker.wake()


@dataclass(frozen=True)
class Taken:
    """A trigger taken (its row deleted) and, on PostgreSQL, the waiting entry a contact
    trigger names, read by the same statement (``entry_read``)."""

    pk: int
    kind: str
    object_id: int
    due_at: dt.datetime
    created_at: dt.datetime
    entry: Waiting | None = None
    entry_read: bool = False
    # On PostgreSQL, read with it too: the members of the entry's queue present with room
    # for it (``_candidates``' rows) and the queue's round robin cursor.
    candidates: tuple[tuple[Any, ...], ...] = ()
    round_robin_last: int | None = None


_ENTRY_OF_TRIGGER = ", ".join(f"e.{column}" for column in _ENTRY_COLUMNS.split(", "))

# PostgreSQL: the triggers taken (``t``, a ``DELETE … RETURNING``) with the waiting
# entry each contact trigger names and its queue's policy, and the candidates of those
# entries: the members of the queue present with room for it, their level in it, whether
# they speak its language and the time they are idle since, as seconds (a float: no
# timestamp to parse for each member). Rows of two kinds: a trigger's (columns 0–15: the
# trigger, ``_ENTRY_COLUMNS``, the round robin's cursor, read fresh: the agent ranked
# first is the one the decision ranks first) and a candidate's (columns 16–22: the
# entry, then the agent). ``set_config``: the decisions' relaxed commit
# (``process_batch``), set by this statement rather than by a round trip of its own.
_TAKE_CTES = (
    # The due triggers locked (``{due}``) in a CTE of their own, read once: as a subquery
    # of the ``DELETE`` (``id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)``), the
    # generic plan made while the table was nearly empty scanned the table and ran the
    # subquery again for each row, each run skipping the rows already deleted: the
    # statement took every due trigger whatever the limit (batches of 312 and 1,470 in
    # the benchmark, 1.3 s for 3,000 triggers). Deleted by their row addresses (a TID
    # scan whatever the statistics): triggers are inserted and deleted, never updated.
    "due AS MATERIALIZED ({due}), "
    f"t AS (DELETE FROM {_TRIGGER} WHERE ctid = ANY(ARRAY(SELECT ctid FROM due)) "
    "RETURNING id, kind, object_id, due_at), "
    "r AS (SELECT set_config('synchronous_commit', 'off', true)), "
    f"x AS (SELECT t.id AS trigger_id, t.kind, t.object_id, t.due_at, {_ENTRY_OF_TRIGGER}, "
    "p.round_robin_last, p.skill_id, p.is_paused FROM t CROSS JOIN r "
    f"LEFT JOIN {_ENTRY} e ON t.kind = '{TriggerKind.CONTACT.value}' AND e.id = t.object_id "
    f"AND e.state = '{EntryState.WAITING.value}' "
    f"LEFT JOIN {_POLICY} p ON p.queue_id = e.queue_id), "
    "c AS (SELECT x.id AS entry_id, s.user_id, s.capacity, s.used_units, "
    "EXTRACT(EPOCH FROM s.idle_since)::double precision AS idle, COALESCE(a.level, 1) AS level, "
    f"x.language <> '' AND EXISTS (SELECT 1 FROM {_SKILLED} b JOIN {_SKILL} k "
    "ON k.id = b.skill_id WHERE b.user_id = s.user_id AND k.language = x.language) AS speaks "
    f"FROM x JOIN {_MEMBER} m ON m.queue_id = x.queue_id "
    f"JOIN {_STATE} s ON s.user_id = m.user_id LEFT JOIN {_SKILLED} a "
    "ON a.user_id = m.user_id AND a.skill_id = x.skill_id "
    f"WHERE NOT x.is_paused AND s.presence = '{Presence.AVAILABLE.value}' "
    "AND s.used_units <= s.capacity - x.units)"
)
_TAKE_ROWS = (
    "SELECT x.*, NULL::bigint, NULL::bigint, NULL::integer, NULL::integer, "
    "NULL::double precision, NULL::integer, NULL::boolean FROM x "
    "UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
    "NULL, NULL, NULL, NULL, c.* FROM c"
)
_TAKE_TRIGGERS = f"WITH {_TAKE_CTES} {_TAKE_ROWS}"
_TAKE_COLUMNS, _AGENTS_AND_HEADS_COLUMNS = 23, 20

# Each contact's first agent as its queue's strategy would rank them (``core.strategy_key``
# in SQL: least occupied, best level, round robin after the cursor, else longest idle;
# ties to the longest idle, then the smallest id), among the members present with room,
# speaking its language, not having declined it, admitted by an open tier (a tier naming
# sites or organisations counts as admitting all). A guess: the decision ranks in Python
# (``_ranking``) and, when its first agent is another, reads them (``_prefetch``).
_FIRST_GUESS = (
    "guess AS (SELECT DISTINCT ON (c.entry_id) c.entry_id, c.user_id FROM c "
    f"JOIN x ON x.id = c.entry_id JOIN {_POLICY} p ON p.queue_id = x.queue_id "
    f"CROSS JOIN LATERAL (SELECT {_tier_wait('c.level')} AS wait) w "
    f"WHERE p.strategy <> '{core.RING_ALL}' AND (x.language = '' OR c.speaks) "
    "AND NOT COALESCE(x.declined_by, '[]'::jsonb) @> to_jsonb(c.user_id) "
    "AND w.wait IS NOT NULL "
    "AND (x.escalated OR x.arrived_at + make_interval(secs => w.wait) <= %s) "
    "ORDER BY c.entry_id, CASE p.strategy "
    f"WHEN '{core.LEAST_OCCUPIED}' THEN c.used_units::float8 / NULLIF(c.capacity, 0) "
    f"WHEN '{core.BEST_SKILL}' THEN -c.level::float8 "
    f"WHEN '{core.ROUND_ROBIN}' THEN CASE WHEN c.user_id > COALESCE(p.round_robin_last, -1) "
    "THEN 0 ELSE 1 END ELSE 0 END, "
    f"CASE WHEN p.strategy = '{core.ROUND_ROBIN}' THEN 0 ELSE c.idle END, c.user_id)"
)

# Inside a batch, the same statement locks and reads the agents of the agent triggers it
# takes, and the first agent guessed for each contact it takes (``_FIRST_GUESS``), with
# the heads of their queues (``_AGENTS_AND_HEADS``): a batch of agent triggers reads one
# statement, not two, and so does a batch of contacts whose guesses were right. Rows of
# ``_TAKE_TRIGGERS`` (0, then its columns), of ``_AGENTS_AND_HEADS`` (1, then its
# columns after the others') and the guesses (2, the agent).
_TAKE_TRIGGERS_AND_AGENTS = (
    f"WITH {_TAKE_CTES}, {_FIRST_GUESS}, agent_ids AS (SELECT array_agg(id) AS ids FROM ("
    f"SELECT object_id AS id FROM t WHERE kind = '{TriggerKind.AGENT.value}' "
    "UNION SELECT user_id FROM guess) ids), "
    + _AGENTS_AND_HEADS_CTES.replace("{ids}", "(SELECT ids FROM agent_ids)::bigint[]")
    + f" SELECT 0, taken.*, {', '.join(['NULL'] * _AGENTS_AND_HEADS_COLUMNS)} "
    f"FROM ({_TAKE_ROWS}) taken UNION ALL SELECT 1, "
    f"{', '.join(['NULL'] * _TAKE_COLUMNS)}, agents.* FROM ({_AGENTS_AND_HEADS_ROWS}) agents "
    "UNION ALL SELECT 2, user_id, "
    f"{', '.join(['NULL'] * (_TAKE_COLUMNS - 1 + _AGENTS_AND_HEADS_COLUMNS))} FROM guess"
)


def take_triggers(now: dt.datetime, limit: int = 1) -> list[Taken]:
    """The oldest due triggers (at most ``limit``), removed in one statement (inside the
    caller's transaction: decisions that fail put them back). ``SKIP LOCKED`` lets
    several workers take at once on PostgreSQL; SQLite serialises them. On PostgreSQL
    the same statement reads the waiting entry of each contact trigger and its
    candidates (``_TAKE_TRIGGERS``)."""
    due = (
        f"SELECT {{key}} FROM {_TRIGGER} WHERE due_at <= %s "
        f"ORDER BY due_at, id LIMIT {int(limit)}{_skip_locked()}"
    )
    if connection.vendor != "postgresql":
        taking = (
            f"DELETE FROM {_TRIGGER} WHERE id IN ({due.format(key='id')}) "
            "RETURNING id, kind, object_id, due_at"
        )
        rows = sorted(fetch_rows(taking, [_db_time(now)]), key=lambda row: (str(row[3]), row[0]))
        return [
            Taken(pk, kind, pk_of, aware_moment(due_at), now) for pk, kind, pk_of, due_at in rows
        ]
    batch = _batch.get()
    agents: list[tuple[Any, ...]] = []
    guessed: list[int] = []
    if batch is None:
        rows = fetch_rows(_TAKE_TRIGGERS.replace("{due}", due.format(key="ctid")), [_db_time(now)])
    else:
        rows = []
        sql = _TAKE_TRIGGERS_AND_AGENTS.replace("{due}", due.format(key="ctid"))
        for row in fetch_rows(sql, [_db_time(now), now, now, now + PLACED_SOON]):
            if row[0] == 0:
                rows.append(row[1 : _TAKE_COLUMNS + 1])
            elif row[0] == 1:
                agents.append(row[_TAKE_COLUMNS + 1 :])
            else:
                guessed.append(row[1])
    taken: list[tuple[Any, ...]] = []
    candidates: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        if row[0] is not None:
            taken.append(row)
        else:
            candidates[row[16]].append(row[17:])
    taken.sort(key=lambda row: (row[3], row[0]))
    agent_ids = sorted({row[2] for row in taken if row[1] == TriggerKind.AGENT} | set(guessed))
    if batch is not None and agent_ids:
        _prefetched(batch, agent_ids, agents)
    return [
        Taken(
            row[0],
            row[1],
            row[2],
            aware_moment(row[3]),
            now,
            _waiting(row[4:13]) if row[4] is not None else None,
            entry_read=True,
            candidates=tuple(candidates.get(row[4], ())) if row[4] is not None else (),
            round_robin_last=row[13],
        )
        for row in taken
    ]


# --- Decisions -----------------------------------------------------------------------------

# Set while the engine makes the hub's move, so routing's own follower of the hub's
# events (``services.entries.entry_sync``) does not redo what the engine writes itself.
applying: ContextVar[bool] = ContextVar("routing_applying", default=False)


@contextmanager
def _applying() -> Any:
    token = applying.set(True)
    try:
        yield
    finally:
        applying.reset(token)


@dataclass
class Outcome:
    """What a decision did (the decision row is ``decision``; ``room_left``: the agent
    can still take more)."""

    decision: Decision
    entry_id: int
    agent_id: int | None
    ring_all: tuple[int, ...] = ()
    room_left: bool = False


@dataclass
class _Batch:
    """The decisions of one transaction, written together when it ends (``_flush``):
    routing's rows in one statement, the hub's assignments in one update
    (``lifecycle.conversations_assign_by_system``). Decisions read through it what the
    earlier ones took and booked (the rows are written only at the end): an entry taken
    is no longer a head, an agent's units include what they were just given, a round
    robin's cursor has moved."""

    entries: set[int] = field(default_factory=set)
    taken_by_queue: dict[int, int] = field(default_factory=dict)
    units: dict[int, int] = field(default_factory=dict)
    round_robin: dict[int, int] = field(default_factory=dict)
    deleted: list[int] = field(default_factory=list)
    works: list[tuple[int, int, int]] = field(default_factory=list)
    triggers: list[tuple[str, int, float]] = field(default_factory=list)  # kind, id, delay
    decisions: list[Decision] = field(default_factory=list)
    assigned: list[tuple[int, int]] = field(default_factory=list)
    offered: list[int] = field(default_factory=list)  # conversations offered (not assigned)
    offers: list[tuple[int, list[int]]] = field(default_factory=list)
    # Decisions that left their agent room and nothing in sight: whether work may wait
    # for them is read once for the batch (``_resolve_work_may_wait``); their free units
    # and the queues they belong to.
    may_wait: list[tuple[Outcome, int, tuple[int, ...]]] = field(default_factory=list)
    # Read once for the batch's agent triggers (``_prefetch``): the agents (None: locked
    # by another worker) and the heads of their queues with the count asked of each.
    agents: dict[int, core.AgentView | None] = field(default_factory=dict)
    # Agents another worker was deciding for when this batch wanted them.
    locked_out: set[int] = field(default_factory=set)
    heads: dict[int, list[Waiting]] = field(default_factory=dict)
    # The candidates of the batch's contact triggers, read in one statement
    # (``_prefetch_candidates``), by entry: the rows ``_candidates`` reads.
    candidate_rows: dict[int, Sequence[tuple[Any, ...]]] = field(default_factory=dict)
    # Their rankings (``_ranking``), and the round robins' cursors read with them.
    rankings: dict[int, _Ranking] = field(default_factory=dict)
    round_robin_read: dict[int, int | None] = field(default_factory=dict)
    head_limits: dict[int, int] = field(default_factory=dict)

    def head_size(self, queue_id: int, size: int) -> int:
        """Entries to read from a queue so that ``size`` remain besides those this
        batch took (by steps of 8: a handful of statement texts to prepare)."""
        taken = self.taken_by_queue.get(queue_id, 0)
        return size + -(-taken // 8) * 8


_batch: ContextVar[_Batch | None] = ContextVar("routing_batch", default=None)


def _current() -> _Batch:
    batch = _batch.get()
    if batch is None:
        raise RuntimeError("a routing decision runs inside engine.deciding()")
    return batch


@contextmanager
def deciding(now: dt.datetime) -> Iterator[_Batch]:
    """The scope of one transaction's decisions: their writes are made when it ends
    (inside the caller's transaction; nested scopes share the outer one's batch)."""
    if _batch.get() is not None:
        yield _current()
        return
    batch = _Batch()
    token = _batch.set(batch)
    try:
        yield batch
        _flush(batch, now)
    finally:
        _batch.reset(token)


def _heads_sql(
    queues: list[tuple[int, dt.datetime, int]], agent: core.AgentView, now: dt.datetime
) -> tuple[str, list[Any]]:
    """One statement for the heads of several queues: per queue, the first waiting
    entries in sort order that fit the agent and whose wait reached the agent's tier
    (or escalated), locked ``SKIP LOCKED``; ``queues``: (queue, cutoff, how many)."""
    languages = ["", *sorted(agent.languages)]
    marks = ", ".join(["%s"] * len(languages))
    lock = _skip_locked()
    parts, params = [], []
    # The state and the limits are the code's own constants, written in the statement: a
    # prepared statement's generic plan then knows them (a parameter ``LIMIT`` made
    # PostgreSQL plan every execution again).
    state = f"'{EntryState.WAITING.value}'"
    for index, (queue_id, cutoff, limit) in enumerate(queues):
        parts.append(
            f"SELECT * FROM (SELECT {_ENTRY_COLUMNS}, {_OWN_TRIGGER} FROM {_ENTRY} x "
            f"WHERE queue_id = %s AND state = {state} AND units <= %s "
            f"AND language IN ({marks}) AND (arrived_at <= %s OR escalated) "
            f"ORDER BY sort_key, id LIMIT {int(limit)}{lock}) h{index}"
        )
        params += [_db_time(now + PLACED_SOON), queue_id, agent.free, *languages, _db_time(cutoff)]
    return " UNION ALL ".join(parts), params


def _heads(
    agent: core.AgentView, routed: dict[int, PolicyView], now: dt.datetime
) -> tuple[dict[int, list[core.EntryView]], dict[int, Waiting]]:
    """Per queue of the agent, its first waiting entries in sort order that may be
    theirs (locked, ``SKIP LOCKED``), read in one statement, and the rows by id. Entries
    this transaction's earlier decisions took are passed over."""
    batch = _current()
    queues: list[tuple[int, dt.datetime, int]] = []
    for queue_id in agent.levels:
        view = routed.get(queue_id)
        if view is None or view.rule.paused:
            continue
        threshold = core.wait_threshold(agent, view.rule)
        if threshold is None:
            continue
        cutoff = now - dt.timedelta(seconds=threshold)
        queues.append((queue_id, cutoff, batch.head_size(queue_id, HEAD_SIZE)))
    if not queues:
        return {}, {}
    found: dict[int, list[Waiting]] = defaultdict(list)
    prefetched = all(queue_id in batch.heads for queue_id, _, _ in queues)
    if prefetched:
        queues = [(q, cutoff, batch.head_limits[q]) for q, cutoff, _ in queues]
        found.update({q: batch.heads[q] for q, _, _ in queues})
    else:
        for row in fetch_rows(*_heads_sql(queues, agent, now)):
            waiting = _waiting(row)
            found[waiting.view.queue_id].append(waiting)
    clock = now.timestamp()
    for queue_id, cutoff, limit in queues:
        rows = found.get(queue_id, [])
        free = [w for w in rows if w.view.id not in batch.entries]
        if len(rows) == limit and not any(
            core.skip_reason(agent, w.view, routed[queue_id].rule, clock) is None for w in free
        ):
            # The first ones were let go by this agent, or wait for a tier not open to
            # them: read further, so no eligible contact hides behind them.
            wider = batch.head_size(queue_id, HEAD_SIZE_FALLBACK)
            sql, params = _heads_sql([(queue_id, cutoff, wider)], agent, now)
            free = [
                w for w in map(_waiting, fetch_rows(sql, params)) if w.view.id not in batch.entries
            ]
        found[queue_id] = free
    heads = {queue_id: [w.view for w in rows] for queue_id, rows in found.items() if rows}
    rows_read = {w.view.id: w for rows in found.values() for w in rows}
    return heads, rows_read


@dataclass(frozen=True)
class ContactContext:
    """When a contact triggered the decision: its entry and the agents ranked for it,
    logged as the candidates if this agent takes it."""

    entry_id: int
    candidates: list[dict[str, Any]]
    skipped: dict[str, int]


def offer_best_to(
    user_id: int,
    *,
    now: dt.datetime,
    trigger: str,
    contact: ContactContext | None = None,
) -> Outcome | None:
    """Give ``user_id`` the work they should get now, if any (inside the caller's
    transaction)."""
    routed = policies()
    agent = _locked_agent(user_id, routed)
    if agent is None or agent.presence != Presence.AVAILABLE:
        return None
    heads, rows_read = _heads(agent, routed, now)
    if not heads:
        return None
    rules = {queue_id: routed[queue_id].rule for queue_id in heads}
    clock = now.timestamp()
    chosen = core.pick_work(agent, heads, rules, clock)
    if chosen is None:
        return None
    if contact is not None and contact.entry_id == chosen.id:
        candidates, skipped = contact.candidates, contact.skipped
    else:
        alternatives = sorted(
            (e for entries in heads.values() for e in entries),
            key=lambda e: -core.entry_score(clock, e, rules[e.queue_id]),
        )[:CANDIDATES_LOGGED]
        candidates = [
            {
                "entry": e.id,
                "conversation": rows_read[e.id].conversation_id,
                "queue": e.queue_id,
                "score": round(core.entry_score(clock, e, rules[e.queue_id]), 1),
                "chosen": e.id == chosen.id,
            }
            for e in alternatives
        ]
        skipped = _skips_for_entries(agent, heads, rules, now)
    after = replace(agent, used=agent.used + chosen.units)
    others = any(
        e.id != chosen.id
        and not rows_read[e.id].own_trigger
        and core.skip_reason(after, e, rules[e.queue_id], clock) is None
        for entries in heads.values()
        for e in entries
    )
    return _apply(
        agent=agent,
        entry=rows_read[chosen.id],
        view=routed[chosen.queue_id],
        now=now,
        trigger=trigger,
        candidates=candidates,
        skipped=skipped,
        more_work=others,
    )


def _skips_for_entries(
    agent: core.AgentView,
    heads: dict[int, list[core.EntryView]],
    rules: dict[int, core.QueueRule],
    now: dt.datetime,
) -> dict[str, int]:
    skipped: dict[str, int] = {}
    for queue_id, entries in heads.items():
        for entry in entries:
            reason = core.skip_reason(agent, entry, rules[queue_id], now.timestamp())
            if reason:
                skipped[reason] = skipped.get(reason, 0) + 1
    return skipped


def _tier_rule(
    agent: core.AgentView, entry: core.EntryView, rule: core.QueueRule, now: float
) -> str:
    for tier in core.open_tiers(rule, entry, now):
        if core.tier_admits(tier, agent, rule.id):
            return core.describe_tier(tier, escalated=entry.escalated)
    return ""


def _apply(
    *,
    agent: core.AgentView,
    entry: Waiting,
    view: PolicyView,
    now: dt.datetime,
    trigger: str,
    candidates: list[dict[str, Any]],
    skipped: dict[str, int],
    ring_all_agents: Iterable[core.AgentView] = (),
    requeue: bool = True,
    more_work: bool = True,
) -> Outcome:
    """A decision, in this transaction's batch: routing's rows (entry, work, the agent's
    units, the decision, the round robin's cursor, the agent's next trigger) and the
    hub's assignment are written when the transaction's decisions end (``_flush``); an
    offer (chat, ring-all) is made at once."""
    batch = _current()
    rule = view.rule
    ev = entry.view
    clock = now.timestamp()
    score = core.entry_score(clock, ev, rule)
    strategy = rule.strategy
    label = f"{Strategy(strategy).label} · {_tier_rule(agent, ev, rule, clock)}"
    ring = strategy == core.RING_ALL and view.offer_mode == OfferMode.OFFER
    offered_all = [agent.id, *(a.id for a in ring_all_agents if a.id != agent.id)] if ring else []
    booked = not ring
    # An agent with room left (a chat among three; a ring-all offer books nothing) is
    # given their next decision as a trigger of their own, taken after this batch.
    free_after = agent.free - (ev.units if booked else 0)
    room_left = requeue and free_after >= _smallest_units()
    batch.entries.add(ev.id)
    batch.taken_by_queue[rule.id] = batch.taken_by_queue.get(rule.id, 0) + 1
    unseen = room_left and not more_work
    if unseen:
        # Nothing else they could take was among the heads read (but contacts whose
        # own trigger is due: it places them): a trigger of their own would only find
        # that again, unless some work waits unseen (locked by another worker, or past
        # the heads read), which one statement tells for the whole batch when it ends
        # (``_resolve_work_may_wait``).
        room_left = False
    if booked:
        batch.works.append((entry.conversation_id, agent.id, ev.units))
        batch.units[agent.id] = batch.units.get(agent.id, 0) + ev.units
    if strategy == core.ROUND_ROBIN:
        batch.round_robin[rule.id] = agent.id
    if room_left:
        # Nobody is woken for it: the process deciding goes on taking due triggers (the
        # worker's loop, ``process_due``) and takes it in its turn.
        batch.triggers.append((TriggerKind.AGENT, agent.id, 0.0))
    decision = Decision(
        conversation_id=entry.conversation_id,
        queue_id=rule.id,
        at=now,
        trigger=trigger,
        rule=label[:200],
        agent_id=agent.id,
        score=round(score, 3),
        wait_seconds=round((now - entry.arrived_at).total_seconds(), 3),
        candidates=candidates,
        skipped=skipped,
    )
    batch.decisions.append(decision)
    batch.offers.append((entry.conversation_id, offered_all or [agent.id]))
    if view.offer_mode == OfferMode.ASSIGN:
        batch.deleted.append(ev.id)
        batch.assigned.append((entry.conversation_id, agent.id))
    else:
        with _cursor() as cursor:
            cursor.execute(
                _OFFER_ENTRY,
                [
                    EntryState.OFFERED,
                    None if ring else agent.id,
                    _db_json(offered_all),
                    _db_time(now),
                    _db_time(now + dt.timedelta(seconds=view.offer_seconds)),
                    ev.id,
                ],
            )
        batch.offered.append(entry.conversation_id)  # the hub's move, with the batch's
    outcome = Outcome(decision, ev.id, agent.id, tuple(offered_all), room_left)
    if unseen:
        batch.may_wait.append((outcome, free_after, tuple(agent.levels)))
    return outcome


_OFFER_ENTRY = (
    f"UPDATE {_ENTRY} SET state = %s, offered_to_id = %s, offered_to_all = %s, "
    "offered_at = %s, offer_expires_at = %s WHERE id = %s"
)


def _triggers_insert(batch: _Batch, now: dt.datetime) -> tuple[str, list[Any]]:
    return (
        f"INSERT INTO {_TRIGGER} (kind, object_id, due_at, created_at) "
        f"VALUES {_marks(len(batch.triggers), '(%s, %s, %s, %s)')}",
        [
            value
            for kind, pk, delay in batch.triggers
            for value in (kind, pk, _db_time(now + dt.timedelta(seconds=delay)), _db_time(now))
        ],
    )


def _work_may_wait_pairs(batch: _Batch) -> list[tuple[int, int, int]]:
    """(agent, queue, free units) for each routed queue of the agents this batch left
    with room and nothing else in sight (``batch.may_wait``)."""
    routed = policies()
    pairs: list[tuple[int, int, int]] = []
    for outcome, free, levels in batch.may_wait:
        agent_id = outcome.agent_id
        assert agent_id is not None
        pairs += [(agent_id, q, free) for q in levels if q in routed and not routed[q].rule.paused]
    return pairs


def _agents_with_a_trigger(batch: _Batch) -> set[int]:
    """The agents this batch already gives a trigger of their own."""
    return {pk for kind, pk, _ in batch.triggers if kind == TriggerKind.AGENT}


def _work_may_wait_for(batch: _Batch, waiting: set[int], *, written: bool = False) -> None:
    """The agents of ``batch.may_wait`` for whom work may wait have room left; those
    without a trigger yet get one, written with the batch (unless ``written``: the
    batch's writes already made them)."""
    queued = _agents_with_a_trigger(batch)
    for outcome, _free, _levels in batch.may_wait:
        if outcome.agent_id in waiting:
            outcome.room_left = True
            if not written and outcome.agent_id not in queued:
                queued.add(outcome.agent_id)
                batch.triggers.append((TriggerKind.AGENT, outcome.agent_id, 0.0))
    batch.may_wait.clear()


def _resolve_work_may_wait(batch: _Batch, now: dt.datetime) -> None:
    """SQLite's reading of whether work may wait for the agents this batch left with
    room and nothing else in sight: a waiting entry of their routed queues fits their
    free units, besides those the batch took and those with a due trigger of their own.
    Those get a trigger of their own, written with the batch. (PostgreSQL answers it
    inside the batch's writes: ``_FLUSH``'s ``w5``.)"""
    if not batch.may_wait:
        return
    taken = sorted(batch.entries) or [0]
    waiting: set[int] = set()
    for agent_id, queue_id, free in _work_may_wait_pairs(batch):
        if agent_id in waiting:
            continue
        rows = fetch_rows(
            f"SELECT EXISTS (SELECT 1 FROM {_ENTRY} e WHERE e.queue_id = %s "
            f"AND e.state = %s AND e.units <= %s AND e.id NOT IN ({_marks(len(taken))}) "
            f"AND NOT EXISTS (SELECT 1 FROM {_TRIGGER} t WHERE t.kind = %s "
            "AND t.object_id = e.id AND t.due_at <= %s))",
            [
                queue_id,
                EntryState.WAITING,
                free,
                *taken,
                TriggerKind.CONTACT,
                _db_time(now + PLACED_SOON),
            ],
        )
        if rows[0][0]:
            waiting.add(agent_id)
    _work_may_wait_for(batch, waiting)


def _marks(count: int, row: str = "%s") -> str:
    return ", ".join([row] * count)


# The batch's routing writes on PostgreSQL, one statement whose text never changes
# (arrays, not a list of values per row): psycopg converts it once and PostgreSQL plans
# it once per connection, whatever the batch holds (a text per batch size was converted
# and prepared again, batch after batch: a tenth of a worker's time).
_FLUSH = (
    "WITH {assign}w0 AS (DELETE FROM " + _ENTRY + " WHERE id = ANY(%s::bigint[])), "
    f"w1 AS (INSERT INTO {_WORK} (conversation_id, user_id, units, since) "
    "SELECT c, u, n, %s FROM unnest(%s::bigint[], %s::bigint[], %s::integer[]) AS w(c, u, n)), "
    f"w2 AS (UPDATE {_STATE} SET used_units = {_STATE}.used_units + v.units "
    "FROM unnest(%s::bigint[], %s::integer[]) AS v(user_id, units) "
    f"WHERE {_STATE}.user_id = v.user_id), "
    # A round robin's cursor is moved unless another worker is moving it at this moment
    # (``SKIP LOCKED``): its move stands, and workers never queue behind one another on a
    # policy's row (50 such queues serialised four workers' commits).
    f"w3 AS (UPDATE {_POLICY} SET round_robin_last = v.user_id "
    "FROM unnest(%s::bigint[], %s::bigint[]) AS v(queue_id, user_id) "
    f"WHERE {_POLICY}.queue_id = v.queue_id AND {_POLICY}.queue_id IN (SELECT queue_id "
    f"FROM {_POLICY} WHERE queue_id = ANY(%s::bigint[]) FOR UPDATE SKIP LOCKED)), "
    f"w4 AS (INSERT INTO {_TRIGGER} (kind, object_id, due_at, created_at) "
    "SELECT k, o, d, %s FROM unnest(%s::text[], %s::bigint[], %s::timestamptz[]) AS t(k, o, d)), "
    # The agents the batch left with room and nothing else in sight (``batch.may_wait``:
    # agent, queue, free units) get a trigger of their own when a waiting entry of one of
    # their routed queues fits, besides those the batch took and those whose own trigger
    # is due (read without locks: an entry another worker holds counts; one whose
    # trigger another worker is taking too, and its decision considers this agent, or
    # retries when it finds them locked). Answered here rather than by a statement of
    # its own: the statement sees the rows as they were before its writes, as that one
    # did.
    f"w5 AS (INSERT INTO {_TRIGGER} (kind, object_id, due_at, created_at) "
    f"SELECT DISTINCT '{TriggerKind.AGENT.value}', v.agent, %s, %s "
    "FROM unnest(%s::bigint[], %s::bigint[], %s::integer[]) AS v(agent, queue, free) "
    f"WHERE v.agent <> ALL(%s::bigint[]) AND EXISTS (SELECT 1 FROM {_ENTRY} e "
    f"WHERE e.queue_id = v.queue AND e.state = '{EntryState.WAITING.value}' "
    "AND e.units <= v.free AND e.id <> ALL(%s::bigint[]) AND NOT EXISTS (SELECT 1 "
    f"FROM {_TRIGGER} t WHERE t.kind = '{TriggerKind.CONTACT.value}' AND t.object_id = e.id "
    "AND t.due_at <= %s)) RETURNING object_id), "
    # The decisions' texts and JSON come in one JSON document, a list of [trigger, rule,
    # candidates, skipped] in the order of the arrays: psycopg escapes a text array's
    # elements one regular expression at a time (a tenth of a batch's time), never a
    # single text.
    f"w6 AS (INSERT INTO {_DECISION} (conversation_id, queue_id, at, trigger, rule, agent_id, "
    "score, wait_seconds, candidates, skipped) SELECT d.c, d.q, %s, j.doc->>0, j.doc->>1, d.a, "
    "d.s, d.w, j.doc->2, j.doc->3 FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], "
    "%s::double precision[], %s::double precision[]) WITH ORDINALITY AS d(c, q, a, s, w, n) "
    "JOIN jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS j(doc, n) ON j.n = d.n "
    "ORDER BY d.n RETURNING conversation_id, id) "
    # Decision rows (conversation, id), the agents given a trigger (NULL, agent), then
    # the conversations the hub's assignment moved (NULL, NULL, then ``lean_u``'s row).
    "SELECT conversation_id, id, NULL::bigint, NULL::bigint, NULL::text, NULL::bigint, "
    "NULL::text FROM w6 UNION ALL SELECT NULL, object_id, NULL, NULL, NULL, NULL, NULL FROM w5"
    "{moved}"
)
_FLUSH_MOVED = (
    " UNION ALL SELECT NULL, NULL, id, organisation_id, reference, queue_id, channel_id FROM lean_u"
)


def _flush_sql(assign: str | None) -> str:
    """``_FLUSH``, with the hub's assignment in it when ``assign`` (its common table
    expressions, ``lifecycle.assign_by_system_ctes``)."""
    if assign is None:
        return _FLUSH.replace("{assign}", "").replace("{moved}", "")
    return _FLUSH.replace("{assign}", f"{assign}, ").replace("{moved}", _FLUSH_MOVED)


def _flush_params(batch: _Batch, now: dt.datetime) -> list[Any]:
    pairs = _work_may_wait_pairs(batch) if batch.may_wait else []
    works = batch.works
    decisions = batch.decisions
    return [
        batch.deleted,
        now,
        [w[0] for w in works],
        [w[1] for w in works],
        [w[2] for w in works],
        list(batch.units),
        list(batch.units.values()),
        list(batch.round_robin),
        list(batch.round_robin.values()),
        sorted(batch.round_robin),
        now,
        [kind for kind, _, _ in batch.triggers],
        [pk for _, pk, _ in batch.triggers],
        [now + dt.timedelta(seconds=delay) for _, _, delay in batch.triggers],
        now,
        now,
        [p[0] for p in pairs],
        [p[1] for p in pairs],
        [p[2] for p in pairs],
        sorted(_agents_with_a_trigger(batch)),
        sorted(batch.entries),
        now + PLACED_SOON,
        now,
        [d.conversation_id for d in decisions],
        [d.queue_id for d in decisions],
        [d.agent_id for d in decisions],
        [d.score for d in decisions],
        [d.wait_seconds for d in decisions],
        json.dumps(
            [[d.trigger, d.rule, d.candidates, d.skipped] for d in decisions],
            separators=(",", ":"),
        ),
    ]


def _flush(batch: _Batch, now: dt.datetime) -> None:
    """Write the batch's decisions: routing's rows in one statement on PostgreSQL (a
    data-modifying ``WITH`` ending with the decision rows, ``_FLUSH``), one after
    another on SQLite; then the hub's assignments in one go, and the offers announced
    after commit."""
    postgresql = connection.vendor == "postgresql"
    if not postgresql:
        _resolve_work_may_wait(batch, now)
    if not batch.decisions:  # then nothing may wait either (a decision makes it)
        if batch.triggers:
            with _cursor() as cursor:
                cursor.execute(*_triggers_insert(batch, now))
        return
    # On PostgreSQL the hub's assignment is written by the same statement (unless its
    # move changed: then by ``conversations_assign_by_system`` after it).
    assign = lifecycle.assign_by_system_ctes() if postgresql and batch.assigned else None
    moved: list[tuple[Any, ...]] = []
    with _cursor() as cursor:
        if postgresql:
            params = _flush_params(batch, now)
            if assign is not None:
                params = [
                    *lifecycle.assign_by_system_params(batch.assigned, principal=ROUTING, now=now),
                    *params,
                ]
            cursor.execute(_flush_sql(assign), params)
        else:
            _flush_one_by_one(cursor, batch, now)
        # Matched by conversation (one decision each in a batch), not by the order rows
        # come back in.
        rows = cursor.fetchall()
    ids = {row[0]: row[1] for row in rows if row[0] is not None}
    if postgresql:
        agents = {row[1] for row in rows if row[0] is None and row[1] is not None}
        _work_may_wait_for(batch, agents, written=True)
        moved = [row[2:] for row in rows if row[0] is None and row[1] is None]
    for decision in batch.decisions:
        decision.pk = ids[decision.conversation_id]
    with _applying():
        if assign is not None:
            lifecycle.conversations_assigned_by_system(
                batch.assigned, moved, principal=ROUTING, now=now
            )
        else:
            lifecycle.conversations_assign_by_system(batch.assigned, principal=ROUTING, now=now)
        lifecycle.conversations_offer_by_system(batch.offered, principal=ROUTING, now=now)
    _announce_offers(list(batch.offers))


def _flush_one_by_one(cursor: Any, batch: _Batch, now: dt.datetime) -> None:
    """SQLite's writes of a batch: a statement per kind of row (no arrays), the decision
    rows last (their ids are fetched by the caller)."""
    moment = _db_time(now)
    if batch.deleted:
        cursor.execute(
            f"DELETE FROM {_ENTRY} WHERE id IN ({_marks(len(batch.deleted))})", batch.deleted
        )
    if batch.works:
        cursor.execute(
            f"INSERT INTO {_WORK} (conversation_id, user_id, units, since) "
            f"VALUES {_marks(len(batch.works), '(%s, %s, %s, %s)')}",
            [value for work in batch.works for value in (*work, moment)],
        )
    for user, units in batch.units.items():
        cursor.execute(
            f"UPDATE {_STATE} SET used_units = used_units + %s WHERE user_id = %s", [units, user]
        )
    for queue, user in batch.round_robin.items():
        cursor.execute(
            f"UPDATE {_POLICY} SET round_robin_last = %s WHERE queue_id = %s", [user, queue]
        )
    if batch.triggers:
        cursor.execute(*_triggers_insert(batch, now))
    cursor.execute(
        f"INSERT INTO {_DECISION} (conversation_id, queue_id, at, trigger, rule, agent_id, "
        "score, wait_seconds, candidates, skipped) "
        f"VALUES {_marks(len(batch.decisions), '(' + _marks(10) + ')')} "
        "RETURNING conversation_id, id",
        [
            value
            for d in batch.decisions
            for value in (
                d.conversation_id,
                d.queue_id,
                moment,
                d.trigger,
                d.rule,
                d.agent_id,
                d.score,
                d.wait_seconds,
                _db_json(d.candidates),
                _db_json(d.skipped),
            )
        ],
    )


def book(*, user_id: int, conversation_id: int, units: int, now: dt.datetime) -> None:
    """Book a conversation's units on an agent (``unbook``'s twin): a plain insert, the
    caller knows no work is booked for it, and the agent's total in the same
    transaction."""
    AgentWork.objects.create(
        conversation_id=conversation_id, user_id=user_id, units=units, since=now
    )
    AgentState.objects.filter(user_id=user_id).update(used_units=F("used_units") + units)


def _announce_offers(offers: list[tuple[int, list[int]]]) -> None:
    from parvis.routing import realtime

    conversation_ids = [conversation_id for conversation_id, _ in offers]
    transaction.on_commit(lambda: realtime.offers_made(conversation_ids))


def _round_robin_last(queue_id: int) -> int | None:
    """Read at decision time: the cached policy's cursor is stale by design (this
    batch's own move first, then the cursor read with the batch's candidates)."""
    batch = _batch.get()
    if batch is not None and queue_id in batch.round_robin:
        return batch.round_robin[queue_id]
    if batch is not None and queue_id in batch.round_robin_read:
        return batch.round_robin_read[queue_id]
    rows = fetch_rows(f"SELECT round_robin_last FROM {_POLICY} WHERE queue_id = %s", [queue_id])
    return rows[0][0] if rows else None


def _candidates(entry: Waiting, view: PolicyView) -> list[core.AgentView]:
    """The members of the entry's queue present with room for it, with their level in
    the queue (and, when it needs one, whether they speak its language), in one
    statement; their sites and organisations only when a tier names some."""
    ev = entry.view
    batch = _batch.get()
    rows = batch.candidate_rows.get(ev.id) if batch is not None else None
    if rows is None:
        speaks = ""
        params: list[Any] = []
        if ev.language:
            speaks = (
                f", EXISTS (SELECT 1 FROM {_SKILLED} b JOIN {_SKILL} k ON k.id = b.skill_id "
                "WHERE b.user_id = s.user_id AND k.language = %s)"
            )
            params.append(ev.language)
        rows = fetch_rows(
            f"SELECT s.user_id, s.capacity, s.used_units, s.idle_since, "
            f"COALESCE(a.level, 1){speaks} "
            f"FROM {_MEMBER} m JOIN {_STATE} s ON s.user_id = m.user_id "
            f"LEFT JOIN {_SKILLED} a ON a.user_id = m.user_id AND a.skill_id = %s "
            "WHERE m.queue_id = %s AND s.presence = %s AND s.used_units <= s.capacity - %s",
            [*params, view.skill_id, ev.queue_id, Presence.AVAILABLE, ev.units],
        )
    return _candidates_of_rows(entry, view, rows)


def _candidates_of_rows(
    entry: Waiting, view: PolicyView, rows: Sequence[tuple[Any, ...]]
) -> list[core.AgentView]:
    """The candidates as the core sees them, from their rows (user, capacity, used, idle
    since, level, whether they speak the entry's language), the units this
    transaction's earlier decisions gave them counted."""
    ev = entry.view
    scopes = scopes_of([row[0] for row in rows]) if view.scoped else {}
    agents = []
    for row in rows:
        user_id, capacity, used, idle_since, level = row[:5]
        if not isinstance(idle_since, float):  # SQLite's, or a single entry's statement
            idle_since = epoch(aware_moment(idle_since))
        used += _booked_in_this_batch(user_id)
        if used > capacity - ev.units:
            continue  # given work by this transaction's earlier decisions
        sites, organisations = scopes.get(user_id, (frozenset(), frozenset()))
        agents.append(
            core.AgentView(
                id=user_id,
                capacity=capacity,
                used=used,
                idle_since=idle_since,
                levels={ev.queue_id: level},
                languages=frozenset([ev.language]) if ev.language and row[5] else frozenset(),
                sites=sites,
                organisations=organisations,
            )
        )
    return agents


@dataclass(frozen=True)
class _Ranking:
    """The agents eligible for an entry in its queue's order (with the keys that
    ordered them) and the others counted by reason; what it was computed from: the
    batch's bookings so far and the round robin's cursor."""

    ranked: list[tuple[core.AgentView, tuple[float, ...]]]
    skipped: dict[str, int]
    booked: int
    round_robin_last: int | None


def _ranking(entry: Waiting, view: PolicyView, now: dt.datetime) -> _Ranking:
    """Rank the candidates of ``entry`` (one reading of each agent: eligible, or
    counted by reason), once per state of the batch: the prefetch of a batch's contacts
    ranks them to know whom to lock, and the decision reuses it unless an earlier
    decision of the batch booked units or moved the round robin since."""
    batch = _batch.get()
    rule = view.rule
    if rule.strategy == core.ROUND_ROBIN:
        rule = replace(rule, round_robin_last=_round_robin_last(rule.id))
    booked = len(batch.works) if batch is not None else 0
    cached = batch.rankings.get(entry.view.id) if batch is not None else None
    if cached is not None and (cached.booked, cached.round_robin_last) == (
        booked,
        rule.round_robin_last,
    ):
        return cached
    ev = entry.view
    clock = now.timestamp()
    eligible: list[core.AgentView] = []
    skipped: dict[str, int] = {}
    for agent in _candidates(entry, view):
        reason = core.skip_reason(agent, ev, rule, clock)
        if reason is None:
            eligible.append(agent)
        else:
            skipped[reason] = skipped.get(reason, 0) + 1
    ranking = _Ranking(
        core.rank_agents(eligible, rule) if eligible else [],
        skipped,
        booked,
        rule.round_robin_last,
    )
    if batch is not None:
        batch.rankings[ev.id] = ranking
    return ranking


def route_contact(
    entry_id: int, *, now: dt.datetime, trigger: str, taken: Taken | None = None
) -> Outcome | None:
    """A contact arrived (or a tier opened): rank the agents eligible for it by the
    queue's strategy; the first that can be decided for takes their best work. It may be
    another contact (its score was higher): this one then gets a new trigger, and the
    next agents their turn with it, one decision per transaction."""
    entry = taken.entry if taken is not None and taken.entry_read else _waiting_entry(entry_id)
    if entry is None or entry.view.id in _current().entries:
        return None
    view = policies().get(entry.view.queue_id)
    if view is None or view.rule.paused:
        return None
    ev = entry.view
    ranking = _ranking(entry, view, now)
    ranked = ranking.ranked
    if not ranked:
        return None
    context = ContactContext(ev.id, _agent_candidates(ranked), ranking.skipped)
    if view.rule.strategy == core.RING_ALL and view.offer_mode == OfferMode.OFFER:
        if _locked_agent(ranked[0][0].id, policies()) is None:
            _current().triggers.append((TriggerKind.CONTACT, ev.id, LOCKED_RETRY_SECONDS))
            return None
        return _apply(
            agent=ranked[0][0],
            entry=entry,
            view=view,
            now=now,
            trigger=trigger,
            candidates=context.candidates,
            skipped=context.skipped,
            ring_all_agents=[a for a, _ in ranked],
            requeue=False,
        )
    for agent, _key in ranked[:CANDIDATES_LOGGED]:
        outcome = offer_best_to(agent.id, now=now, trigger=trigger, contact=context)
        if outcome is None:
            continue  # locked by another worker, or nothing of theirs fits: the next one
        if outcome.entry_id != ev.id:
            # The agent took a better contact (with room left, their own trigger was
            # written with it): this one goes on to its next agent in a trigger of its
            # own, so a transaction holds one decision. Taken by the same process next,
            # like an agent's: nobody is woken.
            _current().triggers.append((TriggerKind.CONTACT, ev.id, 0.0))
        return outcome
    if any(agent.id in _current().locked_out for agent, _ in ranked[:CANDIDATES_LOGGED]):
        # Eligible agents were being decided for by another worker: this contact tries
        # again once they are written (they may still have room), rather than waiting
        # for their next trigger, which nothing guarantees.
        _current().triggers.append((TriggerKind.CONTACT, ev.id, LOCKED_RETRY_SECONDS))
    return None


def _agent_candidates(
    ranked: list[tuple[core.AgentView, tuple[float, ...]]],
) -> list[dict[str, Any]]:
    return [
        {"agent": agent.id, "key": [round(k, 3) for k in key], "chosen": index == 0}
        for index, (agent, key) in enumerate(ranked[:CANDIDATES_LOGGED])
    ]


def process(trigger: Taken, *, now: dt.datetime) -> Outcome | None:
    """One decision per trigger (one transaction): an agent with room left after it gets
    a trigger of their own (written with the decision), so a freed agent takes work until
    full or nothing fits (three chats after a call), one short transaction at a time."""
    if trigger.kind == TriggerKind.AGENT:
        return offer_best_to(int(trigger.object_id), now=now, trigger="agent_freed")
    return route_contact(int(trigger.object_id), now=now, trigger="contact", taken=trigger)


def process_batch(
    *, now: dt.datetime | None = None, limit: int = 1
) -> list[tuple[Taken, Outcome | None]]:
    """Take up to ``limit`` due triggers and decide each, in one transaction whose
    writes are made together at its end (``deciding``): what each trigger decided. A
    failure rolls the whole batch back, its triggers with it (the worker then retries
    them one by one).

    On PostgreSQL the transaction's commit is relaxed (``synchronous_commit`` off, set by
    ``take_triggers``): PostgreSQL answers before its WAL reaches the disk, which took
    longer than the decisions. A decision is made again from what it started from: were
    PostgreSQL to crash within the last fraction of a second, the transaction would be
    lost whole (its triggers due again, the entries waiting, the agents' units free) and
    a worker decides again; nothing is doubled. Only an offer already announced to a
    desk could vanish, and the desk reloads what is."""
    now = now or timezone.now()
    with transaction.atomic(), deciding(now):
        # On PostgreSQL, with the relaxed commit and the agents of the agent triggers
        # (``_TAKE_TRIGGERS_AND_AGENTS``).
        triggers = take_triggers(now, limit)
        if connection.vendor == "postgresql":
            batch = _current()
            firsts = _prefetch_candidates(batch, triggers, now)
            if any(agent not in batch.agents for agent in firsts):
                # The contacts' first agents are read with the agent triggers' again, in
                # one statement (the heads of a queue are read for all its agents).
                agents = [t.object_id for t in triggers if t.kind == TriggerKind.AGENT]
                _prefetch(batch, agents + firsts, now)
        return [(trigger, process(trigger, now=now)) for trigger in triggers]


def process_next(*, now: dt.datetime | None = None) -> tuple[bool, Outcome | None]:
    """Take one due trigger and decide, in one transaction: (whether one was due, what
    was decided)."""
    decided = process_batch(now=now, limit=1)
    return bool(decided), decided[0][1] if decided else None


def process_due(*, now: dt.datetime | None = None, limit: int = 10_000, batch: int = 32) -> int:
    """Every due trigger (tests, the inline mode, the simulator), ``batch`` per
    transaction; how many were taken."""
    taken = 0
    while taken < limit:
        decided = process_batch(now=now, limit=min(batch, limit - taken))
        if not decided:
            break
        taken += len(decided)
    return taken


# --- Offers --------------------------------------------------------------------------------


def offered_to(entry: Entry, user_id: int) -> bool:
    return is_offered_to(entry.offered_to_id, entry.offered_to_all, user_id)


def is_offered_to(holder_id: int | None, offered_to_all: Any, user_id: int) -> bool:
    """The offer's rule on its columns as a row holds them (``offered_to_all``: a list, or
    the JSON text a plain statement returns on SQLite)."""
    return holder_id == user_id or user_id in _json_list(offered_to_all)


def release_entry_offer(entry: Entry, *, now: dt.datetime, declined_by: int | None) -> None:
    """An offer lapsed or was declined: the contact returns to its queue at its place
    (``arrived_at`` and ``sort_key`` kept), the units come back."""
    holder = entry.offered_to_id
    declined = list(entry.declined_by)
    # A ring-all offer that lapsed declines nobody (else nobody could be rung again).
    lapsed: list[int | None] = [holder]
    for user_id in [declined_by] if declined_by else lapsed:
        if user_id and user_id not in declined:
            declined.append(user_id)
    entry.state = EntryState.WAITING
    entry.offered_to = None
    entry.offered_to_all = []
    entry.offered_at = None
    entry.offer_expires_at = None
    entry.declined_by = declined
    entry.save(
        update_fields=[
            "state",
            "offered_to",
            "offered_to_all",
            "offered_at",
            "offer_expires_at",
            "declined_by",
        ]
    )
    unbook(entry.conversation_id, now=now)
    with _applying():
        lifecycle.conversation_offer_expire(
            conversation=Conversation(pk=entry.conversation_id), principal=ROUTING
        )
    trigger_add(TriggerKind.CONTACT, entry.pk, due_at=now, now=now)


_UNBOOK = f"DELETE FROM {_WORK} WHERE conversation_id = %s RETURNING user_id, units"
# The units given back, and the agent idle from now if that leaves them with none (the
# ``CASE`` reads the row as it was: ``used_units - units`` is what it becomes).
_GIVE_BACK = (
    f"UPDATE {_STATE} SET used_units = used_units - %s, "
    "idle_since = CASE WHEN used_units - %s = 0 THEN %s ELSE idle_since END WHERE user_id = %s"
)


def unbook(conversation_id: int, *, now: dt.datetime) -> int | None:
    """Give back the units of a conversation's work; the agent freed (``None``: none).
    Two plain statements (the work deleted and read back, the agent's units given back),
    once per contact handled."""
    if not connection.features.can_return_columns_from_insert:  # SQLite before 3.35
        work = AgentWork.objects.filter(conversation_id=conversation_id).first()
        if work is None:
            return None
        work.delete()
        freed = [(work.user_id, work.units)]
    else:
        freed = fetch_rows(_UNBOOK, [conversation_id])
        if not freed:
            return None
    ((user_id, units),) = freed
    with _cursor() as cursor:
        cursor.execute(_GIVE_BACK, [units, units, _db_time(now), user_id])
    return int(user_id)
