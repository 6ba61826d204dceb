"""The routing rules, pure (the standard library and ``parvis.core.french`` only): one
engine that the database adapter (``routing.engine``) and the in-memory adapter
(``routing.memory``, used by the simulator and the property tests) both call, so both
route alike.

**Priority.** ``score = w × wait + min(bonus, cap)`` where ``bonus`` sums the urgency,
vulnerability, channel and supervisor bonuses: waiting counts without limit and bonuses
are capped, so inside one queue a contact that arrived more than ``cap / w`` seconds after
another never goes first. The order inside a queue does not change with time: it is the
order of ``sort_key = arrived_at − min(bonus, cap) / w`` (``score = w × (now − sort_key)``),
which the database indexes per queue; across queues an agent's choice compares live scores
at decision time.

**Eligibility.** An agent may get a contact when present (``available``), with the free
units its channel takes, a member of its queue, not among those who let the offer lapse,
holding the language skill it needs, and admitted by one of the queue's tiers open at this
wait (``min_wait`` reached; when an adviser asked a referent, the tiers of level ≥ 2 at
once and only them). A queue without tiers has one: any member, at once.

**Referents.** Work of a queue where the agent holds a level below 2 is level-1 work for
them; an agent holding level ≥ 2 somewhere takes level-1 work only when none of those
queues has a contact eligible for them (the adapters apply it when they pick work).

**Strategies** choose among eligible agents: longest idle, least occupied, best skill
level, round robin (after the queue's last agent, by id), ring-all (every eligible agent
at once, the first to accept wins).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from parvis.core.french import plural_suffix, with_unit

AVAILABLE = "available"

LONGEST_IDLE = "longest_idle"
LEAST_OCCUPIED = "least_occupied"
BEST_SKILL = "best_skill"
ROUND_ROBIN = "round_robin"
RING_ALL = "ring_all"
STRATEGIES = (LONGEST_IDLE, LEAST_OCCUPIED, BEST_SKILL, ROUND_ROBIN, RING_ALL)

# Why an agent was not offered a contact (the decision log's ``skipped``).
SKIP_PRESENCE = "presence"
SKIP_CAPACITY = "capacity"
SKIP_MEMBER = "not_member"
SKIP_DECLINED = "declined"
SKIP_LANGUAGE = "language"
SKIP_TIER = "tier"
SKIP_REFERENT = "referent_work_elsewhere"

SKIP_LABELS = {
    SKIP_PRESENCE: "pas disponible",
    SKIP_CAPACITY: "capacité atteinte",
    SKIP_MEMBER: "pas membre de la file",
    SKIP_DECLINED: "proposition déjà laissée passer",
    SKIP_LANGUAGE: "langue non maîtrisée",
    SKIP_TIER: "palier pas encore ouvert pour son niveau ou son site",
    SKIP_REFERENT: "référent attendu dans une file d’expertise",
}


@dataclass(frozen=True)
class TierRule:
    min_wait: float = 0.0
    min_level: int = 1
    sites: frozenset[int] = frozenset()
    organisations: frozenset[int] = frozenset()
    position: int = 1


OPEN_TO_ALL = (TierRule(),)


@dataclass(frozen=True)
class QueueRule:
    id: int
    strategy: str = LONGEST_IDLE
    weight: float = 1.0
    cap: float = 600.0
    tiers: tuple[TierRule, ...] = OPEN_TO_ALL
    round_robin_last: int | None = None
    paused: bool = False

    def __post_init__(self) -> None:
        if self.weight <= 0:
            raise ValueError("weight must be > 0")
        if self.cap < 0:
            raise ValueError("cap must be >= 0")
        if self.strategy not in STRATEGIES:
            raise ValueError(f"unknown strategy {self.strategy!r}")


@dataclass
class AgentView:
    id: int
    presence: str = AVAILABLE
    capacity: int = 100
    used: int = 0
    idle_since: float = 0.0
    levels: dict[int, int] = field(default_factory=dict)  # queue id → level (members only)
    languages: frozenset[str] = frozenset()
    sites: frozenset[int] = frozenset()
    organisations: frozenset[int] = frozenset()

    @property
    def free(self) -> int:
        return self.capacity - self.used

    def is_referent(self) -> bool:
        return any(level >= 2 for level in self.levels.values())


@dataclass
class EntryView:
    id: int
    queue_id: int
    arrived_at: float
    bonus: float = 0.0
    units: int = 100
    language: str = ""
    escalated: bool = False
    declined: frozenset[int] = frozenset()


# --- Priority ------------------------------------------------------------------------------


def capped(bonus: float, cap: float) -> float:
    return min(max(bonus, 0.0), cap)


def sort_key(arrived_at: float, bonus: float, weight: float, cap: float) -> float:
    """The time-invariant order inside a queue (smaller first)."""
    return arrived_at - capped(bonus, cap) / weight


def live_score(now: float, arrived_at: float, bonus: float, weight: float, cap: float) -> float:
    """The score at ``now``, to compare contacts of different queues."""
    return weight * (now - arrived_at) + capped(bonus, cap)


def entry_score(now: float, entry: EntryView, queue: QueueRule) -> float:
    return live_score(now, entry.arrived_at, entry.bonus, queue.weight, queue.cap)


def entry_sort_key(entry: EntryView, queue: QueueRule) -> float:
    return sort_key(entry.arrived_at, entry.bonus, queue.weight, queue.cap)


# --- Capacity ------------------------------------------------------------------------------


def units_for(channel: str, table: dict[str, int], default: int = 100) -> int:
    """The units a contact of ``channel`` takes out of an agent's capacity (e.g. call 100,
    chat 33, email 12 out of 100: three chats at most; a call needs 100 free units)."""
    return table.get(channel, default)


def fits(agent: AgentView, units: int) -> bool:
    return agent.free >= units


# --- Tiers ---------------------------------------------------------------------------------


def tier_admits(tier: TierRule, agent: AgentView, queue_id: int) -> bool:
    level = agent.levels.get(queue_id)
    if level is None or level < tier.min_level:
        return False
    if tier.sites and not (tier.sites & agent.sites):
        return False
    return not (tier.organisations and not (tier.organisations & agent.organisations))


def tier_opens_at(arrived_at: float, tier: TierRule) -> float:
    """The instant a tier opens for an entry: the one expression that both the opening
    test and the scheduling use (``now - arrived_at >= min_wait`` can disagree with it
    by one rounding, and a tier would then be open but never scheduled, or the reverse)."""
    return arrived_at + tier.min_wait


def escalation_tiers(queue: QueueRule) -> list[TierRule]:
    """The tiers an escalation opens at once, for good: those admitting level ≥ 2. The
    adviser asked for a referent, so another adviser of level 1 does not take the contact
    back, however long it waits; in a queue without such a tier, every tier."""
    return [tier for tier in queue.tiers if tier.min_level >= 2] or list(queue.tiers)


def open_tiers(queue: QueueRule, entry: EntryView, now: float) -> list[TierRule]:
    if entry.escalated:
        return escalation_tiers(queue)
    return [tier for tier in queue.tiers if tier_opens_at(entry.arrived_at, tier) <= now]


def wait_threshold(agent: AgentView, queue: QueueRule) -> float | None:
    """The wait from which some tier admits ``agent`` in ``queue`` (``None``: never)."""
    waits = [tier.min_wait for tier in queue.tiers if tier_admits(tier, agent, queue.id)]
    return min(waits) if waits else None


def next_tier_opening(queue: QueueRule, arrived_at: float, now: float) -> float | None:
    """When the next tier still shut at ``now`` opens (``None``: every tier is open)."""
    later = [opens for tier in queue.tiers if (opens := tier_opens_at(arrived_at, tier)) > now]
    return min(later) if later else None


# --- Eligibility ---------------------------------------------------------------------------


def skip_reason(agent: AgentView, entry: EntryView, queue: QueueRule, now: float) -> str | None:
    """Why ``agent`` may not get ``entry`` now, or ``None`` when they may."""
    if agent.presence != AVAILABLE:
        return SKIP_PRESENCE
    if queue.id not in agent.levels:
        return SKIP_MEMBER
    if not fits(agent, entry.units):
        return SKIP_CAPACITY
    if agent.id in entry.declined:
        return SKIP_DECLINED
    if entry.language and entry.language not in agent.languages:
        return SKIP_LANGUAGE
    if not any(tier_admits(tier, agent, queue.id) for tier in open_tiers(queue, entry, now)):
        return SKIP_TIER
    return None


def is_level_one_work(agent: AgentView, queue_id: int) -> bool:
    return agent.levels.get(queue_id, 0) < 2


def expert_queue_ids(agent: AgentView) -> set[int]:
    return {queue_id for queue_id, level in agent.levels.items() if level >= 2}


# --- Strategies ----------------------------------------------------------------------------


def strategy_key(
    strategy: str, agent: AgentView, queue_id: int, round_robin_last: int | None
) -> tuple[float, ...]:
    """Smaller first. Ties fall to the longest idle, then the smallest id."""
    idle = (agent.idle_since, float(agent.id))
    if strategy == LEAST_OCCUPIED:
        return (agent.used / agent.capacity if agent.capacity else 1.0, *idle)
    if strategy == BEST_SKILL:
        return (-float(agent.levels.get(queue_id, 0)), *idle)
    if strategy == ROUND_ROBIN:
        last = round_robin_last if round_robin_last is not None else -1
        # Ids after the last one first, in order; then wrap around.
        return (0.0 if agent.id > last else 1.0, float(agent.id))
    return idle  # longest idle, and ring-all's order of display


def rank_agents(
    agents: Iterable[AgentView], queue: QueueRule
) -> list[tuple[AgentView, tuple[float, ...]]]:
    """Eligible agents in the strategy's order, with the key that ordered them."""
    keyed = [
        (agent, strategy_key(queue.strategy, agent, queue.id, queue.round_robin_last))
        for agent in agents
    ]
    keyed.sort(key=lambda pair: pair[1])
    return keyed


def best_entry(
    now: float, entries: Sequence[EntryView], queues: dict[int, QueueRule]
) -> EntryView | None:
    """The entry with the highest live score (ties: earliest arrival, smallest id)."""
    best: EntryView | None = None
    best_key: tuple[float, float, int] | None = None
    for entry in entries:
        key = (-entry_score(now, entry, queues[entry.queue_id]), entry.arrived_at, entry.id)
        if best_key is None or key < best_key:
            best, best_key = entry, key
    return best


def pick_work(
    agent: AgentView,
    heads: dict[int, list[EntryView]],
    queues: dict[int, QueueRule],
    now: float,
) -> EntryView | None:
    """What ``agent`` should get now: ``heads`` gives, per queue, its waiting entries in
    sort order (a prefix is enough). The first eligible entry of each queue competes by
    live score; level-1 work only when no expert queue of the agent has one."""
    firsts: list[EntryView] = []
    for queue_id, entries in heads.items():
        queue = queues[queue_id]
        if queue.paused:
            continue
        for entry in entries:
            if skip_reason(agent, entry, queue, now) is None:
                firsts.append(entry)
                break
    expert = expert_queue_ids(agent)
    expert_work = [entry for entry in firsts if entry.queue_id in expert]
    return best_entry(now, expert_work or firsts, queues)


def describe_tier(tier: TierRule, *, escalated: bool = False) -> str:
    """« palier 2 : niveau ≥ 2 après 120 s, 1 organisme » (the decision log's rule);
    « palier 2 : niveau ≥ 2 sur demande de remontée, 1 organisme » when an adviser asked."""
    where = []
    for count, noun in ((len(tier.sites), "site"), (len(tier.organisations), "organisme")):
        if count:
            where.append(f"{count} {noun}{plural_suffix(count)}")
    scope = f", {' et '.join(where)}" if where else ""
    wait = with_unit(f"{tier.min_wait:g}", "s")
    when = "sur demande de remontée" if escalated else f"après {wait}"
    return f"palier {tier.position} : niveau ≥ {tier.min_level} {when}{scope}"


# --- Estimated wait ------------------------------------------------------------------------


def estimated_wait(
    *,
    position: int,
    handling_seconds: Sequence[float],
    staffed_agents: int,
    cap_seconds: float,
    default_handling: float = 300.0,
    min_sample: int = 10,
) -> tuple[float, bool]:
    """Position × mean handling time (``default_handling`` below ``min_sample`` contacts)
    ÷ staffed agents, capped: (seconds, whether the cap was reached)."""
    mean = (
        sum(handling_seconds) / len(handling_seconds)
        if len(handling_seconds) >= min_sample
        else default_handling
    )
    if staffed_agents <= 0:
        return cap_seconds, True
    seconds = position * mean / staffed_agents
    return (cap_seconds, True) if seconds >= cap_seconds else (seconds, False)
