"""Demo data of routing: skills with levels, policies with tiers on the demo queues, the
agents' presence. Idempotent.

- « CAF de la Gironde – téléphone et chat »: an **expert queue** (skill « prestations
  familiales »): level ≥ 2 at once, widened to level 1 after 60 s; longest idle agent;
  offered, 30 s to accept; 80 % answered within 20 s.
- The France Services counter queue: the **France Services escalation**: level 1 at the
  site at once, the CAF's level-2 referent after 120 s or on request.
- « CAF de la Gironde – courriels et SMS »: assigned directly to the least occupied
  agent; 90 % answered within 2 working days.
- « CPAM du Rhône – contacts »: round robin.

The referent (referent.caf33@) holds level 2 in « prestations familiales » and English;
the CAF agent level 1. The wallboard moves with ``parvis routing_burst`` (README).

The France Services queue also takes chats, and one waits escalated: Léa Martin wrote on
the site's chat, the adviser (agent.fs@) took it and asked the CAF's referent (« remonter
au niveau 2 », with the question as an internal note). The referent finds it among the
conversations offered to them as soon as they set themselves available at the desk.
"""

from __future__ import annotations

from parvis.accounts.models import User
from parvis.contacts.models import Queue, QueueMember
from parvis.demo.contacts_demo import demo_chat_session
from parvis.directory.models import Organisation
from parvis.routing.models import (
    AgentSkill,
    AgentState,
    OfferMode,
    Presence,
    QueuePolicy,
    Skill,
    Strategy,
    Tier,
)
from parvis.routing.services.entries import queue_entries_rebuild

REFERENT = "referent.caf33@demo.parvis.fr"
FS_ADVISER = "agent.fs@demo.parvis.fr"
FS_CHAT_SESSION = demo_chat_session("france-services-escalade")
FS_CHAT_EMAIL = "lea.martin@exemple.fr"
FS_CHAT_TEXT = (
    "Bonjour, la CAF me demande de rembourser 1 240 € de prime d’activité et je ne comprends "
    "pas pourquoi : ma situation n’a pas changé. Le conseiller de la France Services m’a "
    "aidée hier mais il faut quelqu’un de la CAF."
)
FS_ESCALATION_REASON = (
    "Indu de prime d’activité de 1 240 € notifié le mois dernier ; l’usagère conteste, "
    "ses ressources déclarées n’ont pas changé. Pouvez-vous vérifier le calcul et, si "
    "l’indu est fondé, lui proposer un échéancier ?"
)


def _skill(code: str, name: str, language: str = "") -> Skill:
    skill, _ = Skill.objects.get_or_create(code=code, defaults={"name": name, "language": language})
    return skill


def _level(email: str, skill: Skill, level: int) -> None:
    user = User.objects.filter(email=email).first()
    if user is not None:
        AgentSkill.objects.update_or_create(user=user, skill=skill, defaults={"level": level})


def _policy(queue: Queue | None, **values: object) -> QueuePolicy | None:
    if queue is None:
        return None
    policy, _ = QueuePolicy.objects.update_or_create(queue=queue, defaults=values)
    return policy


def _tier(policy: QueuePolicy, position: int, **values: object) -> Tier:
    tier, _ = Tier.objects.update_or_create(policy=policy, position=position, defaults=values)
    return tier


def demo_routing_seed() -> int:
    """Policies on the demo queues; returns how many queues are routed."""
    caf = Organisation.objects.filter(slug="caf").first()
    if caf is None:
        return 0
    benefits = _skill("prestations-familiales", "Prestations familiales")
    english = _skill("langue-anglais", "Anglais", language="en")
    _level("agent.caf33@demo.parvis.fr", benefits, 1)
    _level("superviseur.caf33@demo.parvis.fr", benefits, 1)
    _level(REFERENT, benefits, 2)
    _level(REFERENT, english, 1)
    _level("agent.fs@demo.parvis.fr", benefits, 1)

    phone = Queue.objects.filter(organisation=caf, slug="caf33-telephone").first()
    expert = _policy(
        phone,
        skill=benefits,
        strategy=Strategy.LONGEST_IDLE,
        offer_mode=OfferMode.OFFER,
        offer_seconds=30,
        wrap_up_seconds=15,
        service_level_seconds=20,
        service_level_share=0.8,
    )
    if expert is not None:
        _tier(expert, 1, name="Experts", min_level=2, min_wait_seconds=0)
        _tier(expert, 2, name="Élargi au niveau 1", min_level=1, min_wait_seconds=60)
    written = _policy(
        Queue.objects.filter(organisation=caf, slug="caf33-ecrits").first(),
        strategy=Strategy.LEAST_OCCUPIED,
        offer_mode=OfferMode.ASSIGN,
        service_level_seconds=None,
        service_level_working_days=2,
        service_level_share=0.9,
    )
    cpam_queue = Queue.objects.filter(slug="cpam69-contacts").first()
    _policy(cpam_queue, strategy=Strategy.ROUND_ROBIN, offer_mode=OfferMode.OFFER)

    fs_queue = Queue.objects.filter(slug__startswith="fs-", slug__endswith="-accueil").first()
    fs_policy = _policy(
        fs_queue, skill=benefits, strategy=Strategy.LONGEST_IDLE, offer_mode=OfferMode.OFFER
    )
    if fs_policy is not None and fs_queue is not None:
        local = _tier(fs_policy, 1, name="Conseillers France Services", min_level=1)
        if fs_queue.site_id:
            local.sites.set([fs_queue.site_id])
        referents = _tier(
            fs_policy, 2, name="Référents des partenaires", min_level=2, min_wait_seconds=120
        )
        referents.organisations.set([caf.pk])
        referent = User.objects.filter(email=REFERENT).first()
        if referent is not None:
            QueueMember.objects.get_or_create(queue=fs_queue, user=referent)
    if fs_policy is not None and fs_queue is not None:
        _france_services_escalation(fs_queue, caf)
    referent = User.objects.filter(email=REFERENT).first()
    if referent is not None and phone is not None:
        QueueMember.objects.get_or_create(queue=phone, user=referent)

    routed = [p for p in (expert, written, fs_policy) if p is not None]
    if cpam_queue is not None:
        routed.append(QueuePolicy.objects.get(queue=cpam_queue))
    # Everyone who takes from a routed queue has a state; they start offline and set
    # themselves available at the desk.
    for user_id in QueueMember.objects.filter(queue__in=[p.queue_id for p in routed]).values_list(
        "user_id", flat=True
    ):
        AgentState.objects.get_or_create(user_id=user_id, defaults={"presence": Presence.OFFLINE})
    for policy in routed:
        queue_entries_rebuild(queue_id=policy.queue_id)
    return len(routed)


def _france_services_escalation(fs_queue: Queue, caf: Organisation) -> None:
    """A chat at the France Services site that its adviser escalated to the CAF's
    referent, through the services an agent's clicks call (once: its chat session is
    its key)."""
    from parvis.contacts.models import CitizenRecord, Conversation, InboundEndpoint
    from parvis.contacts.services import handoff, records
    from parvis.contacts.services.chat import chat_message_accept
    from parvis.core.crypto import encrypt_text
    from parvis.demo.contacts_demo import DEMO_HOOK_SECRET
    from parvis.desk.services import conversation_take, desk_escalate
    from parvis.directory.models import Channel

    adviser = User.objects.filter(email=FS_ADVISER).first()
    if adviser is None:
        return
    fs_queue.channels.add(*Channel.objects.filter(slug="chat"))
    endpoint, _ = InboundEndpoint.objects.get_or_create(
        organisation=fs_queue.organisation,
        connector="chat",
        name=f"Démo – {fs_queue.site or fs_queue.organisation} – chat",
        defaults={"queue": fs_queue, "secret_encrypted": encrypt_text(DEMO_HOOK_SECRET)},
    )
    _row, created = chat_message_accept(
        endpoint=endpoint,
        session=FS_CHAT_SESSION,
        sequence=0,
        text=FS_CHAT_TEXT,
        email=FS_CHAT_EMAIL,
    )
    conversation = Conversation.objects.filter(
        channel_id="chat", thread_key=FS_CHAT_SESSION
    ).first()
    if not created or conversation is None:
        return
    # Her record at the site (citizens_demo): the chat joins her history there.
    citizen = (
        CitizenRecord.objects.filter(organisation=fs_queue.organisation, last_name="Martin")
        .order_by("pk")
        .first()
    )
    if citizen is not None and conversation.contact_point is not None:
        records.citizen_contact_point_add(
            principal=adviser, citizen=citizen, kind="email", value=FS_CHAT_EMAIL
        )
    conversation.refresh_from_db()
    if conversation.queue_id != fs_queue.pk:
        # Not qualified for the site's queue (its motifs are the partners'): it waits in
        # the operator's triage queue, which the adviser triages (as the desk demo makes
        # every member of an organisation's queues), into the site's queue.
        if conversation.queue is not None and conversation.queue.is_triage:
            QueueMember.objects.get_or_create(queue=conversation.queue, user=adviser)
        conversation = handoff.conversation_queue_change(
            conversation=conversation, principal=adviser, queue=fs_queue
        )
    conversation_take(principal=adviser, conversation=conversation)
    conversation.refresh_from_db()
    desk_escalate(principal=adviser, conversation=conversation, reason=FS_ESCALATION_REASON)
