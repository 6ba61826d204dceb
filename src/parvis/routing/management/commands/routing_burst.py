"""``parvis routing_burst``: a burst of simulated contacts on the demo's routed queues,
answered by simulated agents, so the wallboard moves (README).

Chats arrive through the chat widget's own service and SMS through the webhook door's
ingestion, so they go the real way: qualification, queueing, routing. Simulated agents
(``agent.simule.<n>@agents.demo.parvis.fr``, members of the CAF's phone-and-chat and
written queues, levels 1 and 2) set themselves available, accept what is offered to them
after a few seconds and resolve it after a handling time; at the end they go offline.
Decisions are made by the ``route`` worker of ``make run``; this command also takes what
is due itself, so it works without it.
"""

from __future__ import annotations

import json
import random
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from parvis.accounts.models import Membership, Role, User
from parvis.contacts.models import (
    Conversation,
    InboundEndpoint,
    InboundRow,
    InboundStatus,
    Outcome,
    QueueMember,
    Status,
)
from parvis.routing import engine
from parvis.routing.errors import RoutingError
from parvis.routing.models import AgentSkill, EntryState, Skill
from parvis.routing.services import offers, presence

CHATS = [
    "Bonjour, je voudrais savoir où en est ma demande de prime d'activité.",
    "Bonjour, mon APL a baissé ce mois-ci, pouvez-vous m'expliquer pourquoi ?",
    "Je dois déclarer un changement de situation, je me suis séparée.",
    "Bonjour, je n'ai pas reçu mon allocation de rentrée scolaire.",
    "Comment faire une demande de RSA ? Je viens de perdre mon emploi.",
]
SMS = [
    "Bjr je n ai tjs pas recu mon paiement caf ce mois ci",
    "Bonjour quel document dois je envoyer pour l aide au logement",
    "Rappelez moi svp pour mon dossier de prime d activite",
]


class Command(BaseCommand):
    help = "Play a burst of simulated contacts and agents on the demo's routed queues."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seconds", type=int, default=120, help="How long (seconds).")
        parser.add_argument(
            "--per-minute", type=float, default=20.0, help="Contacts arriving per minute."
        )
        parser.add_argument("--agents", type=int, default=3, help="Simulated agents.")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        chat = InboundEndpoint.objects.filter(connector="chat", is_active=True).first()
        if chat is None or chat.queue is None:
            raise CommandError(
                "Aucun point d’entrée de chat routé : lancez d’abord « parvis seed_demo »."
            )
        sms = InboundEndpoint.objects.filter(
            connector="sms", is_active=True, organisation_id=chat.organisation_id
        ).first()
        rng = random.Random(options["seed"])
        agents = self._agents(chat, sms, options["agents"])
        handling: dict[int, float] = {}
        accepting: dict[int, float] = {}
        end = time.monotonic() + options["seconds"]
        next_arrival = time.monotonic()
        arrived = resolved = 0
        self.stdout.write(
            f"Rafale de contacts pendant {options['seconds']} s, {len(agents)} agents simulés."
        )
        try:
            while time.monotonic() < end:
                now_mono = time.monotonic()
                if now_mono >= next_arrival:
                    self._arrive(rng, chat, sms, arrived)
                    arrived += 1
                    next_arrival = now_mono + rng.expovariate(options["per_minute"] / 60)
                engine.process_due()
                for user in agents:
                    self._answer_offers(user, rng, accepting)
                resolved += self._resolve_due(agents, rng, handling)
                time.sleep(0.5)
        finally:
            for user in agents:
                presence.presence_set(user=user, presence="offline")
        self.stdout.write(
            f"Contacts arrivés : {arrived} ; résolus par les agents simulés : {resolved}."
        )

    def _agents(self, chat: InboundEndpoint, sms: InboundEndpoint | None, count: int) -> list[User]:
        assert chat.queue is not None
        skill = Skill.objects.filter(code="prestations-familiales").first()
        queues = [chat.queue] + ([sms.queue] if sms is not None and sms.queue else [])
        site = chat.queue.site
        users = []
        for index in range(count):
            user, created = User.objects.get_or_create(
                email=f"agent.simule.{index + 1}@agents.demo.parvis.fr",
                defaults={"full_name": f"Agent simulé {index + 1}"},
            )
            if created:
                user.set_unusable_password()
                user.save()
            if site is not None:
                Membership.objects.get_or_create(user=user, role=Role.AGENT, site=site)
            for queue in queues:
                QueueMember.objects.get_or_create(queue=queue, user=user)
            if skill is not None:
                AgentSkill.objects.update_or_create(
                    user=user, skill=skill, defaults={"level": 2 if index == 0 else 1}
                )
            presence.presence_set(user=user, presence="available")
            users.append(user)
        engine.forget_caches()
        return users

    def _arrive(
        self, rng: random.Random, chat: InboundEndpoint, sms: InboundEndpoint | None, n: int
    ) -> None:
        from parvis.contacts.services.chat import chat_message_accept
        from parvis.contacts.services.ingestion import inbound_deliver, inbound_process

        if sms is None or rng.random() < 0.7:
            chat_message_accept(
                endpoint=chat,
                session=f"rafale-{timezone.now():%H%M%S}-{n}",
                sequence=0,
                text=rng.choice(CHATS),
            )
            return
        body = {
            "id": f"rafale-{timezone.now().timestamp()}-{n}",
            "from": f"+336{rng.randrange(10**7, 10**8)}",
            "to": sms.address,
            "text": rng.choice(SMS),
            "received_at": timezone.now().isoformat(),
        }
        inbound_deliver(
            endpoint=sms,
            body=json.dumps(body).encode(),
            headers={},
            content_type="application/json",
        )
        for row_id in InboundRow.objects.filter(
            endpoint=sms, status=InboundStatus.PENDING
        ).values_list("pk", flat=True):
            inbound_process(row_id=row_id)

    def _answer_offers(self, user: User, rng: random.Random, accepting: dict[int, float]) -> None:
        from parvis.routing import agent_selectors

        for conversation, entry in agent_selectors.offers_for(user):
            if entry.state != EntryState.OFFERED:
                continue
            due = accepting.setdefault(conversation.pk, time.monotonic() + rng.uniform(1, 4))
            if time.monotonic() >= due:
                try:
                    offers.offer_accept(user=user, conversation=conversation)
                except RoutingError:  # another agent took it, or it lapsed: fine
                    self.stdout.write(f"Proposition {conversation.reference} déjà prise.")
                accepting.pop(conversation.pk, None)

    def _resolve_due(
        self, agents: list[User], rng: random.Random, handling: dict[int, float]
    ) -> int:
        from parvis.contacts.services import lifecycle

        done = 0
        for conversation in Conversation.objects.filter(
            assignee__in=agents, status=Status.ASSIGNED
        ):
            due = handling.setdefault(conversation.pk, time.monotonic() + rng.uniform(8, 40))
            if time.monotonic() >= due:
                with transaction.atomic():
                    lifecycle.conversation_resolve(
                        conversation=conversation,
                        principal=conversation.assignee,
                        outcome=Outcome.ANSWERED,
                    )
                handling.pop(conversation.pk, None)
                done += 1
        return done
