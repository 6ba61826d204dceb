"""The database adapter of the simulator: ``simulation.RoutingAdapter`` played against
the real engine (``routing.engine``, ``routing.services``) and the hub's own moves
(``contacts.services.lifecycle``), so a simulated day goes through every row, trigger and
transaction a real one does, in accelerated time.

Time. Every engine call gets ``now = epoch + simulated seconds``. The hub's moves do not
take a clock: ``queued_at`` (the entry's arrival, hence its sort key and tier triggers)
and ``entry_sync``'s own ``now`` come from ``django.utils.timezone.now``. So, for the
length of each call only, ``timezone.now`` returns the simulated instant; without it a
contact would arrive at the wall clock while the engine decides at the simulated one.
What reads the clock another way keeps the wall clock: model defaults bound at import
(``default=timezone.now``: the audit journal's and events' own timestamps) and anything
using ``time``. The day's figures come from the simulator's events, never from those.

Mapping. The scenario's ids are not the database's: contact ``n`` is the conversation
``SIM-n``, agent ``n`` a user, queue ``n`` a ``contacts.Queue`` with its policy. A
contact's channel is the one whose units (``ROUTING_CHANNEL_UNITS``) it takes (100: a
call, 33: a chat, 12: an email); its bonus is the conversation's ``priority_bonus``.

Decisions are taken only when the adapter asks (``engine.process_batch`` until no trigger
is due), never after commit: run it with ``ROUTING_INLINE`` off (``engine_settings``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence
from unittest import mock

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from parvis.accounts.models import Membership, Role, User
from parvis.contacts import events
from parvis.contacts.models import Conversation, Outcome, Queue, QueueMember, Status
from parvis.contacts.services import lifecycle
from parvis.core.text import sort_key
from parvis.directory.models import Channel, Organisation, Site
from parvis.routing import core, engine
from parvis.routing.errors import RoutingError
from parvis.routing.models import (
    AgentSkill,
    AgentState,
    Entry,
    EntryState,
    QueuePolicy,
    Skill,
    Tier,
    Trigger,
)
from parvis.routing.services import offers as offer_services
from parvis.routing.services import presence as presence_services
from parvis.routing.simulation import QUEUE_LABELS, Offered
from parvis.territories.calendar import departement_timezone
from parvis.territories.models import Commune, Departement, Region

# A Monday: the scenario's seconds (8:00 is 28,800) count from its midnight, UTC.
EPOCH = dt.datetime(2025, 3, 3, tzinfo=dt.UTC)
CHANNEL_LABELS = {
    "telephone": "Téléphone",
    "guichet": "Accueil physique (guichet)",
    "chat": "Messagerie instantanée (chat)",
    "courriel": "Courriel",
    "sms": "SMS",
}
# The scenario's agents are always at their desk: an offer they let lapse is one whose
# units another acceptance took in the same instant, not an absence.
NEVER_AWAY = 1_000_000
# The earliest trigger and the earliest offer expiry (``DatabaseAdapter.next_due``).
_NEXT_DUE = (
    f"SELECT (SELECT MIN(due_at) FROM {Trigger._meta.db_table}), "  # noqa: S608
    f"(SELECT MIN(offer_expires_at) FROM {Entry._meta.db_table} WHERE state = %s)"
)


def engine_settings() -> override_settings:
    """The settings a simulated day runs under: decisions only when the adapter asks, and
    no channel bonus (the scenario gives each contact its own bonus; a channel bonus
    would change how calls and chats compete for an agent)."""
    return override_settings(
        ROUTING_INLINE=False, ROUTING_CHANNEL_BONUS={}, ROUTING_MISSED_OFFERS_AWAY=NEVER_AWAY
    )


@contextlib.contextmanager
def hub_followers_muted() -> Iterator[None]:
    """Leave out the after-commit followers of the hub's conversation events (desks'
    live updates, satisfaction surveys sent through Celery) for the simulated day:
    nobody watches a throwaway database, and a survey task sent to the developer's
    broker would run against the wrong database. The in-transaction followers (routing's
    entry sync, the webhooks' event log) stay: they are the day being measured."""
    from parvis.desk.realtime import announce_on_commit

    conversation_events = (
        events.conversation_created,
        events.conversation_assigned,
        events.conversation_resolved,
        events.conversation_changed,
    )
    # ``Event`` has no public list of its after-commit followers. The desks' announcer
    # follows inside the transaction only to gather what it publishes after commit.
    saved = {event: list(event._subscribers) for event in conversation_events}
    announcing = [
        event for event in conversation_events if announce_on_commit in event._in_transaction
    ]
    for event, followers in saved.items():
        for follower in followers:
            event.unsubscribe(follower)
    for event in announcing:
        event.unsubscribe(announce_on_commit)
    try:
        yield
    finally:
        for event, followers in saved.items():
            for follower in followers:
                event.subscribe(follower)
        for event in announcing:
            event.subscribe(announce_on_commit, in_transaction=True)


class DatabaseAdapter:
    """``simulation.RoutingAdapter`` over the database engine (see the module)."""

    def __init__(self, *, epoch: dt.datetime = EPOCH, offer_seconds: float = 30.0) -> None:
        self.epoch = epoch
        self.offer_seconds = offer_seconds
        self.organisation_id = 0
        self.queue_ids: dict[int, int] = {}  # scenario queue → contacts.Queue
        self.queues: dict[int, Queue] = {}
        self.users: dict[int, User] = {}  # scenario agent → user
        self._agent_of: dict[int, int] = {}  # user id → scenario agent
        self.conversation_ids: dict[int, int] = {}  # scenario contact → conversation
        self._contact_of: dict[int, int] = {}  # conversation id → scenario contact
        self._channels: dict[int, str] = {}  # units → channel
        self._skills: dict[int, int] = {}  # scenario queue → its skill
        self._due: float | None = None
        self._due_known = False

    # --- Time -------------------------------------------------------------------------

    def moment(self, now: float) -> dt.datetime:
        return self.epoch + dt.timedelta(seconds=now)

    def seconds(self, moment: dt.datetime) -> float:
        return (moment - self.epoch).total_seconds()

    @contextlib.contextmanager
    def _at(self, now: float) -> Iterator[dt.datetime]:
        """The simulated instant, also as the hub's clock for the length of one call."""
        moment = self.moment(now)
        self._due_known = False
        with mock.patch.object(timezone, "now", new=lambda: moment):
            yield moment

    # --- The protocol ----------------------------------------------------------------

    def setup(
        self, *, queues: Sequence[core.QueueRule], agents: Sequence[core.AgentView], now: float
    ) -> list[Offered]:
        """One organisation and site, the queues with their policy, tiers and skill (a
        queue whose tiers or agents use levels gets one), the agents present."""
        if settings.ROUTING_INLINE:
            raise RuntimeError("Run the database adapter with ROUTING_INLINE off.")
        by_units: dict[int, str] = {}
        for channel, units in settings.ROUTING_CHANNEL_UNITS.items():
            by_units.setdefault(units, channel)
        self._channels = by_units
        with self._at(now) as moment:
            site = self._place(moment)
            self.organisation_id = site.organisation_id or 0
            self._queues(queues, site, moment)
            self._agents(agents, moment)
            engine.forget_caches()  # rows made in bulk send no signal
        return []

    def arrive(self, entry: core.EntryView, now: float) -> list[Offered]:
        if entry.language or entry.escalated or entry.declined:
            raise ValueError("the database adapter plays contacts without language or history")
        channel = self._channels.get(entry.units)
        if channel is None:
            raise ValueError(f"no channel takes {entry.units} units (ROUTING_CHANNEL_UNITS)")
        with self._at(now) as moment, transaction.atomic():
            # Opened and queued as an inbound message's new conversation is
            # (``conversations._new_conversation``): one insert and its log rows, then
            # ``conversation_created``, which routing follows to place the contact.
            conversation = Conversation(
                organisation_id=self.organisation_id,
                queue=self.queues[entry.queue_id],  # as chosen at arrival: in hand
                channel_id=channel,
                reference=f"SIM-{entry.id:07d}",
                priority_bonus=round(entry.bonus),
                created_at=moment,
            )
            lifecycle.open_and_queue(conversation, now=moment)
            events.conversation_created.send_on_commit(conversation.pk, instance=conversation)
            self.conversation_ids[entry.id] = conversation.pk
            self._contact_of[conversation.pk] = entry.id
        with self._at(now) as moment:
            return self._decide(moment)

    def accept(self, entry_id: int, agent_id: int, now: float) -> tuple[bool, list[Offered]]:
        with self._at(now) as moment:
            try:
                offer_services.offer_accept(
                    user=self.users[agent_id],
                    conversation=Conversation(pk=self.conversation_ids[entry_id]),
                    now=moment,
                )
            except RoutingError as error:
                if error.code not in ("offer_gone", "capacity"):
                    raise
                return self._assigned_directly(entry_id, agent_id), []
            return True, self._decide(moment)

    def finish(self, entry_id: int, agent_id: int, now: float) -> list[Offered]:
        with self._at(now) as moment:
            lifecycle.conversation_resolve(
                conversation=Conversation(pk=self.conversation_ids[entry_id]),
                principal=self.users[agent_id],
                outcome=Outcome.ANSWERED,
            )
            return self._decide(moment)

    def abandon(self, entry_id: int, now: float) -> tuple[bool, list[Offered]]:
        """Only a contact still waiting hangs up (one offered is being answered, as in
        the memory adapter); the hub resolves it from its queue, by the system."""
        conversation_id = self.conversation_ids[entry_id]
        with self._at(now) as moment:
            status = (
                Conversation.objects.filter(pk=conversation_id)
                .values_list("status", flat=True)
                .first()
            )
            if status != Status.QUEUED:
                return False, []
            lifecycle.conversation_resolve(
                conversation=Conversation(pk=conversation_id),
                principal=engine.ROUTING,
                outcome=Outcome.ABANDONED,
            )
            return True, self._decide(moment)

    def advance(self, now: float) -> list[Offered]:
        """What the ``parvis route`` worker's sweep and loop would do at ``now``."""
        with self._at(now) as moment:
            offer_services.sweep_offers(now=moment)
            return self._decide(moment)

    def next_due(self) -> float | None:
        """The earliest trigger or offer expiry, in simulated seconds (read at the end of
        the last call's decisions, or now)."""
        if not self._due_known:
            self._read_due()
        return self._due

    def _read_due(self) -> dt.datetime | None:
        """Read and keep the earliest offer expiry and trigger (one plain statement:
        asked after every event of the day, the two ORM aggregates it replaced were a
        tenth of the day's time); the earliest trigger, as a moment."""
        ((trigger, expiry),) = engine.fetch_rows(_NEXT_DUE, [EntryState.OFFERED])
        moments = [engine.aware_moment(m) for m in (trigger, expiry) if m is not None]
        self._due = self.seconds(min(moments)) if moments else None
        self._due_known = True
        return engine.aware_moment(trigger) if trigger is not None else None

    # --- Beyond the protocol (tests) ----------------------------------------------------

    def presence(self, agent_id: int, presence: str, now: float) -> list[Offered]:
        """The agent sets their presence at the desk (e.g. back after offers lapsed)."""
        with self._at(now) as moment:
            presence_services.presence_set(user=self.users[agent_id], presence=presence, now=moment)
            return self._decide(moment)

    def agent_of(self, user_id: int) -> int:
        return self._agent_of[user_id]

    def contact_of(self, conversation_id: int) -> int:
        return self._contact_of[conversation_id]

    # --- Decisions ----------------------------------------------------------------------

    def _decide(self, moment: dt.datetime) -> list[Offered]:
        """Every due trigger, by batches of ``ROUTING_BATCH_SIZE`` per transaction as the
        ``parvis route`` worker takes them (a decision may queue more: an agent with room
        left), keeping what each decided."""
        offered: list[Offered] = []
        batch = max(1, settings.ROUTING_BATCH_SIZE)
        while True:
            decided = engine.process_batch(now=moment, limit=batch)
            for _trigger, outcome in decided:
                if outcome is None or outcome.agent_id is None:
                    continue
                agents = outcome.ring_all or (outcome.agent_id,)
                offered.append(
                    Offered(
                        self._contact_of[outcome.decision.conversation_id],
                        tuple(self._agent_of[user_id] for user_id in agents),
                    )
                )
            if len(decided) == batch:
                continue
            # A short batch took every trigger due when it began; its decisions may have
            # queued more, due now. The read that tells is kept for ``next_due`` (nothing
            # changes the rows before the simulator asks), which spares an empty batch.
            due = self._read_due()
            if not decided or due is None or due > moment:
                return offered

    def _assigned_directly(self, entry_id: int, agent_id: int) -> bool:
        """A queue in ``assign`` mode gives the contact without an offer to accept."""
        return Conversation.objects.filter(
            pk=self.conversation_ids[entry_id],
            status=Status.ASSIGNED,
            assignee=self.users[agent_id],
        ).exists()

    # --- Rows -------------------------------------------------------------------------

    def _place(self, moment: dt.datetime) -> Site:
        """The few reference rows a throwaway database lacks, and the site."""
        region, _ = Region.objects.get_or_create(
            code="75", defaults={"name": "Nouvelle-Aquitaine", "sort_key": "nouvelle aquitaine"}
        )
        departement, _ = Departement.objects.get_or_create(
            code="33",
            defaults={
                "name": "Gironde",
                "sort_key": "gironde",
                "region": region,
                "timezone": departement_timezone("33"),
            },
        )
        commune, _ = Commune.objects.get_or_create(
            code="33063",
            defaults={
                "name": "Bordeaux",
                "sort_key": "bordeaux",
                "search_key": "bordeaux",
                "departement": departement,
                "postcodes": ["33000"],
            },
        )
        Channel.objects.bulk_create(
            [Channel(slug=slug, label=label) for slug, label in CHANNEL_LABELS.items()],
            ignore_conflicts=True,
        )
        stamp = moment.strftime("%Y%m%d%H%M%S%f")
        name = f"Simulation {stamp}"
        organisation = Organisation.objects.create(
            slug=f"simulation-{stamp}", name=name, sort_key=sort_key(name)
        )
        return Site.objects.create(
            kind=Site.Kind.FRANCE_SERVICES,
            slug=f"simulation-{stamp}",
            name=f"France services {name}",
            sort_key=sort_key(f"France services {name}"),
            organisation=organisation,
            commune=commune,
        )

    def _queues(self, queues: Sequence[core.QueueRule], site: Site, moment: dt.datetime) -> None:
        for rule in queues:
            for tier in rule.tiers:
                if tier.sites or tier.organisations:
                    raise ValueError("the database adapter plays tiers without sites")
        rows = Queue.objects.bulk_create(
            Queue(
                organisation_id=site.organisation_id,
                site=site,
                departement_id=site.commune.departement_id,
                name=QUEUE_LABELS.get(rule.id, f"File {rule.id}"),
                slug=f"file-{rule.id}",
            )
            for rule in queues
        )
        self.queues = {rule.id: row for rule, row in zip(queues, rows, strict=True)}
        self.queue_ids = {rule.id: row.pk for rule, row in zip(queues, rows, strict=True)}
        skills = Skill.objects.bulk_create(
            Skill(code=f"{site.slug}-{rule.id}", name=f"Compétence de la file {rule.id}")
            for rule in queues
        )
        policies = QueuePolicy.objects.bulk_create(
            QueuePolicy(
                queue_id=self.queue_ids[rule.id],
                strategy=rule.strategy,
                skill=skill,
                priority_weight=rule.weight,
                bonus_cap=round(rule.cap),
                offer_seconds=round(self.offer_seconds),
                is_paused=rule.paused,
                round_robin_last=rule.round_robin_last,
                updated_at=moment,
            )
            for rule, skill in zip(queues, skills, strict=True)
        )
        Tier.objects.bulk_create(
            Tier(
                policy=policy,
                position=position,
                min_wait_seconds=round(tier.min_wait),
                min_level=tier.min_level,
            )
            for rule, policy in zip(queues, policies, strict=True)
            if rule.tiers != core.OPEN_TO_ALL
            for position, tier in enumerate(rule.tiers, start=1)
        )
        self._skills = {rule.id: skill.pk for rule, skill in zip(queues, skills, strict=True)}

    def _agents(self, agents: Sequence[core.AgentView], moment: dt.datetime) -> None:
        if any(agent.used or agent.languages or agent.sites for agent in agents):
            raise ValueError("the database adapter starts agents free, without languages")
        password = make_password(None)
        users = User.objects.bulk_create(
            User(
                email=f"agent{agent.id}@{self.organisation_id}.simulation.invalid",
                full_name=f"Agent {agent.id}",
                password=password,
            )
            for agent in agents
        )
        for agent, user in zip(agents, users, strict=True):
            self.users[agent.id] = user
            self._agent_of[user.pk] = agent.id
        Membership.objects.bulk_create(
            Membership(user=user, role=Role.AGENT, organisation_id=self.organisation_id)
            for user in users
        )
        QueueMember.objects.bulk_create(
            QueueMember(queue_id=self.queue_ids[queue_id], user=self.users[agent.id])
            for agent in agents
            for queue_id in agent.levels
        )
        AgentSkill.objects.bulk_create(
            AgentSkill(user=self.users[agent.id], skill_id=self._skills[queue_id], level=level)
            for agent in agents
            for queue_id, level in agent.levels.items()
        )
        AgentState.objects.bulk_create(
            AgentState(
                user=self.users[agent.id],
                presence=agent.presence,
                presence_since=moment,
                capacity=agent.capacity,
                idle_since=self.moment(agent.idle_since),
                sockets=1,
            )
            for agent in agents
        )
