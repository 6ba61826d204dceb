"""Supervisors' actions: pause and resume a queue, move agents between queues, force an
agent offline, change a contact's priority, require a wrap-up code, and the overflow
sweep (a queue's settings page: ``test_configuration``). Each action is audited with
routing's codes and refused in French."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from parvis.accounts.models import AuditEvent, Role
from parvis.accounts.tests.factories import MembershipFactory
from parvis.contacts.models import QueueMember
from parvis.contacts.tests.factories import ConversationFactory, QueueFactory
from parvis.directory.tests.factories import OpeningHoursFactory
from parvis.routing import selectors
from parvis.routing.errors import RoutingError
from parvis.routing.models import (
    AgentState,
    Decision,
    Entry,
    EntryState,
    Presence,
    QueuePolicy,
    Trigger,
    TriggerKind,
)
from parvis.routing.services import configuration, supervision
from parvis.routing.tests.factories import QueuePolicyFactory, agent, arrive

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
WEDNESDAY_10 = dt.datetime(2025, 3, 12, 10, 0, tzinfo=PARIS)


def supervisor_of(organisation):  # type: ignore[no-untyped-def]
    return MembershipFactory(organisation=organisation, role=Role.SUPERVISOR).user


class Session(Client):
    """A signed-in client whose POSTs follow the redirect, so each response's messages
    are its own (the page shows, and so consumes, them)."""

    def post(self, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        return super().post(*args, follow=True, **kwargs)


def session(user) -> Client:  # type: ignore[no-untyped-def]
    client = Session()
    client.force_login(user)
    return client


def said(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in get_messages(response.wsgi_request)]


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


def test_pause_then_resume_triggers_the_available_members():
    queue = QueuePolicyFactory().queue
    available = agent(queue)
    agent(queue, presence=Presence.BREAK)
    client = session(supervisor_of(queue.organisation))

    response = client.post(reverse("routing:queue_pause", args=[queue.pk]))
    assert response.redirect_chain[-1][0] == reverse("routing:queue", args=[queue.pk])
    assert QueuePolicy.objects.get(queue=queue).is_paused
    assert "est en pause" in said(response)[0]

    again = client.post(reverse("routing:queue_pause", args=[queue.pk]))
    assert said(again) == ["Cette file est déjà en pause."]

    Trigger.objects.all().delete()
    client.post(reverse("routing:queue_resume", args=[queue.pk]))
    assert not QueuePolicy.objects.get(queue=queue).is_paused
    assert list(Trigger.objects.values_list("kind", "object_id")) == [
        (TriggerKind.AGENT, available.pk)
    ]
    assert actions() == ["routing.queue_paused", "routing.queue_resumed"]


def test_a_paused_queue_offers_nothing_and_its_contacts_keep_their_place():
    queue = QueuePolicyFactory().queue
    supervisor = supervisor_of(queue.organisation)
    supervision.queue_pause(principal=supervisor, queue_id=queue.pk)
    member = agent(queue)
    conversation = arrive(queue)
    from parvis.routing import engine

    engine.process_due()
    assert Entry.objects.get(conversation=conversation).state == "waiting"
    supervision.queue_resume(principal=supervisor, queue_id=queue.pk)
    engine.process_due()
    entry = Entry.objects.get(conversation=conversation)
    assert entry.state == "offered" and entry.offered_to == member


def test_move_add_and_remove_agents_are_audited():
    first = QueuePolicyFactory().queue
    second = QueuePolicyFactory(
        queue=QueueFactory(organisation=first.organisation, site=first.site)
    ).queue
    member = agent(first)
    newcomer = MembershipFactory(organisation=first.organisation, role=Role.AGENT).user
    client = session(supervisor_of(first.organisation))

    client.post(reverse("routing:member_move", args=[first.pk, member.pk]), {"queue": second.pk})
    assert list(QueueMember.objects.filter(user=member).values_list("queue", flat=True)) == [
        second.pk
    ]
    client.post(reverse("routing:member_add", args=[first.pk]), {"user": newcomer.pk})
    assert QueueMember.objects.filter(user=newcomer, queue=first).exists()
    client.post(reverse("routing:member_remove", args=[first.pk, newcomer.pk]))
    assert not QueueMember.objects.filter(user=newcomer).exists()
    assert actions() == [
        "routing.member_removed",
        "routing.member_added",
        "routing.member_added",
        "routing.member_removed",
    ]
    moved = AuditEvent.objects.filter(action="routing.member_added").order_by("pk").first()
    assert moved is not None and moved.data == {"queue": second.pk, "agent": member.pk}


def test_an_agent_outside_the_scope_cannot_be_added_nor_moved_elsewhere():
    queue = QueuePolicyFactory().queue
    stranger = MembershipFactory(role=Role.AGENT).user  # another organisation
    elsewhere = QueuePolicyFactory().queue
    member = agent(queue)
    client = session(supervisor_of(queue.organisation))

    response = client.post(reverse("routing:member_add", args=[queue.pk]), {"user": stranger.pk})
    assert said(response) == [
        "Choisissez un agent de votre périmètre qui n’est pas déjà dans cette file."
    ]
    response = client.post(
        reverse("routing:member_move", args=[queue.pk, member.pk]), {"queue": elsewhere.pk}
    )
    assert response.status_code == 404
    assert not AuditEvent.objects.exists()


def test_force_an_agent_offline():
    queue = QueuePolicyFactory().queue
    member = agent(queue)
    other_queue = QueuePolicyFactory().queue
    outsider = agent(other_queue)
    client = session(supervisor_of(queue.organisation))

    response = client.post(
        reverse("routing:agent_presence", args=[queue.pk, member.pk]), {"presence": "offline"}
    )
    assert said(response) == ["La présence de l’agent est maintenant « hors ligne »."]
    state = AgentState.objects.get(user=member)
    assert state.presence == Presence.OFFLINE and state.reason == "supervisor"
    assert actions() == ["routing.presence_forced"]

    busy = client.post(
        reverse("routing:agent_presence", args=[queue.pk, member.pk]), {"presence": "busy"}
    )
    assert "sélectionnez un choix valide" in said(busy)[0]
    refused = client.post(
        reverse("routing:agent_presence", args=[queue.pk, outsider.pk]), {"presence": "offline"}
    )
    assert refused.status_code == 404
    with pytest.raises(RoutingError) as error:
        supervision.agent_force_presence(principal=client_user(client), user_id=outsider.pk)
    assert error.value.status == 404


def client_user(client: Client):  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user

    return get_user(client)


def test_change_a_contacts_priority_within_the_cap_with_a_reason():
    queue = QueuePolicyFactory(bonus_cap=600, priority_weight=1.0).queue
    conversation = arrive(queue)
    before = Entry.objects.get(conversation=conversation)
    client = session(supervisor_of(queue.organisation))
    url = reverse("routing:priority", args=[queue.pk, conversation.reference])

    too_much = client.post(url, {"bonus": 601, "reason": "urgent_need"})
    assert said(too_much) == ["Le bonus doit être compris entre 0 et 600 points."]
    no_reason = client.post(url, {"bonus": 100, "reason": ""})
    assert said(no_reason) == ["Motif : ce champ est obligatoire."]

    done = client.post(url, {"bonus": 100, "reason": "fragile_situation"})
    assert said(done) == [f"La priorité du contact {conversation.reference} est modifiée."]
    conversation.refresh_from_db()
    after = Entry.objects.get(conversation=conversation)
    assert conversation.priority_bonus == 100
    assert "supervisor" in after.bonus_reasons and after.bonus == before.bonus + 100
    assert after.sort_key == pytest.approx(before.sort_key - 100)
    assert after.arrived_at == before.arrived_at
    event = AuditEvent.objects.get(action="routing.priority_changed")
    assert event.data == {
        "reference": conversation.reference,
        "from": 0,
        "to": 100,
        "reason": "fragile_situation",
    }


def test_a_contact_no_longer_waiting_cannot_change_priority():
    queue = QueuePolicyFactory().queue
    done = ConversationFactory(queue=queue, status="resolved", outcome="answered")
    client = session(supervisor_of(queue.organisation))
    response = client.post(
        reverse("routing:priority", args=[queue.pk, done.reference]),
        {"bonus": 10, "reason": "other"},
    )
    assert response.status_code == 404


def test_a_required_wrap_up_code_refuses_to_resolve_without_a_motif():
    queue = QueuePolicyFactory().queue
    target = QueueFactory(organisation=queue.organisation, site=queue.site)
    configuration.policy_update(
        principal=supervisor_of(queue.organisation),
        queue_id=queue.pk,
        changes={"wrap_up_code_required": True},
    )
    event = AuditEvent.objects.get(action="routing.policy_changed")
    assert event.data["wrap_up_code_required"] is True

    without_motif = ConversationFactory(queue=queue, motif=None)
    assert selectors.wrap_up_code_missing(without_motif)
    refusal = supervision.resolution_refusal(without_motif)
    assert refusal is not None and refusal.code == "wrap_up_code_required"
    other = ConversationFactory(queue=target, motif=None)
    assert supervision.resolution_refusal(other) is None


def _open_on_wednesdays(queue):  # type: ignore[no-untyped-def]
    OpeningHoursFactory(site=queue.site, weekday=2, opens=dt.time(8, 0), closes=dt.time(18, 0))


def test_overflow_past_a_threshold_moves_the_last_contacts_once():
    policy = QueuePolicyFactory()
    queue = policy.queue
    target = QueueFactory(organisation=queue.organisation)
    QueuePolicyFactory(queue=target)
    _open_on_wednesdays(queue)
    _open_on_wednesdays(target)
    policy.overflow_queue = target
    policy.overflow_waiting = 1
    policy.save()
    first, second, third = (arrive(queue) for _ in range(3))
    arrivals = {c.pk: Entry.objects.get(conversation=c).arrived_at for c in (first, second, third)}

    assert supervision.sweep_overflow(now=WEDNESDAY_10) == 2

    assert Entry.objects.get(conversation=first).queue_id == queue.pk
    for moved in (second, third):
        entry = Entry.objects.get(conversation=moved)
        assert entry.queue_id == target.pk and entry.arrived_at == arrivals[moved.pk]
        decision = Decision.objects.get(conversation=moved)
        assert decision.trigger == "overflow" and decision.agent is None
        assert "seuil de débordement" in decision.rule
    assert supervision.sweep_overflow(now=WEDNESDAY_10) == 0


def test_a_closed_queue_overflows_everything_to_an_open_one():
    policy = QueuePolicyFactory()  # its site has no opening hours: closed
    target = QueueFactory(organisation=policy.queue.organisation)
    _open_on_wednesdays(target)
    policy.overflow_queue = target
    policy.save()
    waiting = [arrive(policy.queue) for _ in range(2)]

    assert supervision.sweep_overflow(now=WEDNESDAY_10) == 2
    for conversation in waiting:
        conversation.refresh_from_db()
        assert conversation.queue_id == target.pk
    # Closed on Sunday too: nothing moves to a closed queue.
    other = QueuePolicyFactory()
    other.overflow_queue = target
    other.save()
    arrive(other.queue)
    sunday = dt.datetime(2025, 3, 16, 10, 0, tzinfo=PARIS)
    assert supervision.sweep_overflow(now=sunday) == 0


def test_an_idle_sweep_reads_one_statement_and_writes_nothing(
    django_assert_max_num_queries,
):
    """Each worker sweeps every second, between decisions: with nothing to do (no offer
    lapsing, no agent changing, no callback under way, no queue overflowing) it reads one
    statement that tells which sweeps have work, and writes none."""
    from django.utils import timezone

    from parvis.routing import worker

    QueuePolicyFactory()
    # A worker's connection has swept before: its first prepared statement also set the
    # session's planner settings once (``prepared_cursor``), whatever test ran before.
    worker.sweep(now=timezone.now())
    with django_assert_max_num_queries(1) as captured:
        swept = worker.sweep(now=timezone.now())
    assert set(swept.values()) == {0}
    assert not any(q["sql"].startswith(("UPDATE", "INSERT", "DELETE")) for q in captured)


def test_each_sweep_gate_opens_when_its_sweep_has_work():
    """The worker's one statement (``worker._sweeps_due``) restates each sweep's first
    read: a sweep with work must never be skipped."""
    from django.utils import timezone

    from parvis.routing import worker
    from parvis.routing.models import Callback, CallbackStatus
    from parvis.routing.services.callbacks import PENDING

    now = timezone.now()
    policy = QueuePolicyFactory()
    user = agent(policy.queue)
    conversation = arrive(policy.queue)
    assert worker._sweeps_due(now) == (False, False, False, False)

    Entry.objects.filter(conversation=conversation).update(
        state=EntryState.OFFERED, offer_expires_at=now - dt.timedelta(seconds=1)
    )
    assert worker._sweeps_due(now)[0]
    Entry.objects.filter(conversation=conversation).update(state=EntryState.WAITING)

    state = AgentState.objects.get(user=user)
    state.presence, state.wrap_up_until = Presence.WRAP_UP, now
    state.save()
    assert worker._sweeps_due(now)[1]
    lost = now - dt.timedelta(seconds=settings.ROUTING_AWAY_GRACE_SECONDS)
    state.presence, state.sockets, state.socket_lost_at = Presence.AVAILABLE, 0, lost
    state.save()
    assert worker._sweeps_due(now)[1]
    state.socket_lost_at = None
    state.save()

    callback = Callback.objects.create(
        conversation=conversation, status=CallbackStatus.DIALLING, requested_at=now
    )
    for status in (*PENDING, CallbackStatus.DIALLING):
        Callback.objects.filter(pk=callback.pk).update(status=status)
        assert worker._sweeps_due(now)[2], status
    callback.delete()

    policy.overflow_queue = QueueFactory(organisation=policy.queue.organisation)
    policy.save()
    assert worker._sweeps_due(now) == (False, False, False, True)


def test_the_worker_freezes_what_it_holds_before_its_first_decision():
    """A full collection walks every tracked object: what the worker loaded before its
    first decision is frozen, so the collections that run between decisions stay short."""
    import gc

    from parvis.routing import worker

    gc.unfreeze()
    try:
        worker.run(stop=lambda: True)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_the_worker_publishes_from_a_process_of_its_own_only_with_redis(settings, monkeypatch):
    """With Redis's channel layer, a worker hands its live updates to a publishing
    process started with it and stopped when it stops (its decisions never wait for the
    publishing); with the in-memory layer or the database relay, it publishes itself."""
    from parvis.core import realtime
    from parvis.routing import worker

    calls: list[tuple[str, ...]] = []
    monkeypatch.setattr(
        realtime._process,
        "start",
        lambda backend, config: calls.append(("start", backend, config["prefix"])) or True,
    )
    monkeypatch.setattr(realtime._process, "stop", lambda: calls.append(("stop",)))
    settings.ROUTING_PUBLISHER_PROCESS = True
    settings.REALTIME_DB_RELAY = False
    redis_layer = {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": ["redis://127.0.0.1:6379/15"], "prefix": "p"},
    }
    settings.CHANNEL_LAYERS = {"default": redis_layer}
    worker.run(stop=lambda: True)
    assert calls == [("start", "channels_redis.core.RedisChannelLayer", "p"), ("stop",)]

    calls.clear()
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    worker.run(stop=lambda: True)
    settings.CHANNEL_LAYERS = {"default": redis_layer}
    settings.REALTIME_DB_RELAY = True
    worker.run(stop=lambda: True)
    settings.REALTIME_DB_RELAY = False
    settings.ROUTING_PUBLISHER_PROCESS = False
    worker.run(stop=lambda: True)
    assert calls == []
