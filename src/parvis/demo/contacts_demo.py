"""Demo contacts: queues, endpoints and conversations of every channel, through the hub.

Each contact arrives the way a real one does (``inbound_deliver`` on the endpoint's
connector, then ``inbound_process``): threading, qualification and deadlines are the
hub's own. Agents then take, answer and resolve some of them through the lifecycle
services, and counter visits are recorded with ``visit_record``. Finally, like
``voice_demo._backdate``, the rows are spread over the last two weeks (every time of a
conversation shifted by the same amount; its deadlines then computed again by the hub's
``deadlines_of`` at its moved arrival, and its acknowledgement made to say the moved
dates): the
one place outside ``contacts`` that writes contacts rows, as a bulk loader.

The demo endpoints share one documented secret (``DEMO_HOOK_SECRET``), so that the
simulators (``simulate_sms``, ``simulate_call``, ``simulate_email``, ``hook_post``) can
play against ``make run``. Idempotent: a rerun finds its queues and adds nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from parvis.accounts.models import User
from parvis.accounts.scoping import visible_to
from parvis.contacts.models import (
    Call,
    Conversation,
    ConversationTransition,
    Direction,
    InboundEndpoint,
    InboundRow,
    InboundStatus,
    Message,
    Outcome,
    Queue,
    QueueMember,
    Status,
)
from parvis.contacts.selectors import BUSINESS_TIME_CHANNELS, visit_motifs_for
from parvis.contacts.services import (
    conversation_assign,
    conversation_resolve,
    conversation_wait,
    inbound_deliver,
    inbound_process,
    visit_record,
)
from parvis.core.crypto import encrypt_text
from parvis.demo import contacts_texts as texts
from parvis.directory.models import Channel, LocalService, Motif, Organisation, Site

DEMO_HOOK_SECRET = "parvis-demo-webhooks-2026"  # noqa: S105 - demo data only, documented
SEED = 2026


def demo_chat_session(name: str) -> str:
    """A genuine chat session id (32 hex digits, like the widget's), the same at every
    seed: an agent's reply publishes to it as to a live session (the citizen is simply
    not connected), where a made-up key would make the sending fail."""
    return hashlib.sha256(f"parvis-demo-{name}".encode()).hexdigest()[:32]


def _queue(
    slug: str,
    *,
    organisation: Organisation,
    name: str,
    channels: list[str],
    site: Site | None = None,
    local_service: LocalService | None = None,
    calendar_site: Site | None = None,
) -> Queue:
    place = site or calendar_site
    queue, created = Queue.objects.get_or_create(
        organisation=organisation,
        slug=slug,
        defaults={
            "name": name,
            "site": site,
            "local_service": local_service,
            "calendar_site": calendar_site,
            "departement": place.commune.departement if place else None,
        },
    )
    if created:
        queue.channels.set(Channel.objects.filter(slug__in=channels))
        queue.motifs.set(Motif.objects.filter(organisation=organisation, is_active=True))
    return queue


def _endpoint(
    organisation: Organisation, connector: str, queue: Queue, address: str
) -> InboundEndpoint:
    endpoint, _ = InboundEndpoint.objects.get_or_create(
        organisation=organisation,
        connector=connector,
        name=f"Démo – {organisation.short_name or organisation.name} – {connector}",
        defaults={
            "queue": queue,
            "address": address,
            "secret_encrypted": encrypt_text(DEMO_HOOK_SECRET),
        },
    )
    return endpoint


def _members(queue: Queue, *emails: str) -> None:
    for user in User.objects.filter(email__in=emails):
        QueueMember.objects.get_or_create(queue=queue, user=user)


def _deliver(endpoint: InboundEndpoint, body: bytes, content_type: str) -> None:
    """As the webhook door does, then processed at once (the worker finds it done)."""
    inbound_deliver(endpoint=endpoint, body=body, headers={}, content_type=content_type)
    for row_id in InboundRow.objects.filter(
        endpoint=endpoint, status=InboundStatus.PENDING
    ).values_list("pk", flat=True):
        inbound_process(row_id=row_id)


def _email(sender: str, subject: str, text: str, to: str) -> bytes:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = format_datetime(timezone.now())
    mail["Message-ID"] = make_msgid(domain="demo.parvis.fr")
    mail.set_content(text)
    return bytes(mail)


@transaction.atomic
def demo_contacts_seed() -> int:
    """Create the demo contacts (small scale and up); returns how many conversations."""
    caf = Organisation.objects.filter(slug="caf").first()
    cpam = Organisation.objects.filter(slug="assurance-maladie").first()
    caf33 = LocalService.objects.filter(slug="caf-33").first()
    cpam69 = LocalService.objects.filter(slug="assurance-maladie-69").first()
    counter = Site.objects.filter(slug="accueil-caf-33").first()
    if not (caf and cpam and caf33 and cpam69 and counter):
        return 0
    if Queue.objects.filter(organisation=caf, slug="caf33-telephone").exists():
        return 0
    cpam_site = Site.objects.filter(local_service=cpam69).order_by("slug").first() or counter
    phone_q = _queue(
        "caf33-telephone",
        organisation=caf,
        name="CAF de la Gironde – téléphone et chat",
        channels=["telephone", "chat"],
        site=counter,
    )
    # Answered by the counter's team: the site makes it theirs (a site-level agent takes
    # only from the queues of their site), the local service names the whole service.
    written_q = _queue(
        "caf33-ecrits",
        organisation=caf,
        name="CAF de la Gironde – courriels et SMS",
        channels=["courriel", "sms"],
        site=counter,
        local_service=caf33,
    )
    counter_q = _queue(
        "caf33-guichet",
        organisation=caf,
        name="CAF de la Gironde – accueil",
        channels=["guichet"],
        site=counter,
    )
    cpam_q = _queue(
        "cpam69-contacts",
        organisation=cpam,
        name="CPAM du Rhône – contacts",
        channels=["courriel", "sms", "telephone"],
        local_service=cpam69,
        calendar_site=cpam_site,
    )
    caf_people = ("agent.caf33@demo.parvis.fr", "superviseur.caf33@demo.parvis.fr")
    for queue in (phone_q, written_q, counter_q):
        _members(queue, *caf_people)
    _members(cpam_q, "agent.cpam69@demo.parvis.fr")
    fs_agent = User.objects.filter(email="agent.fs@demo.parvis.fr").first()
    fs_site = (
        Site.objects.filter(memberships__user=fs_agent, kind=Site.Kind.FRANCE_SERVICES).first()
        if fs_agent
        else None
    )
    if fs_site is not None:
        fs_q = _queue(
            f"fs-{fs_site.pk}-accueil",
            organisation=fs_site.organisation,
            name=f"{fs_site.name} – accueil",
            channels=["guichet"],
            site=fs_site,
        )
        _members(fs_q, "agent.fs@demo.parvis.fr")

    # A mailbox answers at the address its service publishes (directory, open data): the
    # acknowledgement's « Courriel » and Reply-To are the address the citizen already knows.
    endpoints = {
        (caf.slug, "courriel"): _endpoint(caf, "courriel", written_q, caf33.email),
        (caf.slug, "sms"): _endpoint(caf, "sms", written_q, "+33900000033"),
        (caf.slug, "telephone"): _endpoint(caf, "telephone", phone_q, "+33969320033"),
        (caf.slug, "chat"): _endpoint(caf, "chat", phone_q, ""),
        (cpam.slug, "courriel"): _endpoint(cpam, "courriel", cpam_q, cpam69.email),
        (cpam.slug, "sms"): _endpoint(cpam, "sms", cpam_q, "+33900000069"),
        (cpam.slug, "telephone"): _endpoint(cpam, "telephone", cpam_q, "+33936460069"),
    }
    rng = random.Random(SEED)
    before = set(Conversation.objects.values_list("pk", flat=True))

    for index, (org, subject, text) in enumerate(texts.EMAILS):
        endpoint = endpoints[(org, "courriel")]
        sender = f"usager{index + 1}@exemple.fr"
        _deliver(endpoint, _email(sender, subject, text, endpoint.address), "message/rfc822")
    for index, (org, text) in enumerate(texts.SMS):
        endpoint = endpoints[(org, "sms")]
        sms = {
            "id": f"demo-sms-{index}",
            "from": f"+3367012{index:04d}",
            "to": endpoint.address,
            "text": text,
            "received_at": timezone.now().isoformat(),
        }
        _deliver(endpoint, json.dumps(sms).encode(), "application/json")
    for index, (org, text) in enumerate(texts.CHATS):
        chat_endpoint = endpoints.get((org, "chat"))
        if chat_endpoint is None:
            continue
        from parvis.contacts.services.chat import chat_message_accept

        chat_message_accept(
            endpoint=chat_endpoint,
            session=demo_chat_session(f"chat-{index}"),
            sequence=0,
            text=text,
        )
    agent = User.objects.filter(email="agent.caf33@demo.parvis.fr").first()
    cpam_agent = User.objects.filter(email="agent.cpam69@demo.parvis.fr").first()
    for index, (org, _summary) in enumerate(texts.CALLS):
        endpoint = endpoints[(org, "telephone")]
        who = agent if org == caf.slug else cpam_agent
        start = timezone.now() - dt.timedelta(minutes=30)
        events = [
            ("call_started", 0),
            ("queued", 20),
            *(
                [("answered", 95), ("ended", 95 + rng.randint(180, 600))]
                if index % 3
                else [("abandoned", 160)]
            ),
        ]
        body = [
            {
                "call_id": f"demo-call-{org}-{index}",
                "event": name,
                "timestamp": (start + dt.timedelta(seconds=offset)).isoformat(),
                "from": f"+3361450{index:04d}",
                "to": endpoint.address,
                **({"agent": str(who.pk)} if who and name == "answered" else {}),
            }
            for name, offset in events
        ]
        _deliver(endpoint, json.dumps(body).encode(), "application/json")

    # Agents at work: some taken, some waiting for the citizen, some resolved.
    new = Conversation.objects.exclude(pk__in=before).exclude(channel_id="telephone")
    outcomes = [
        Outcome.ANSWERED,
        Outcome.ANSWERED,
        Outcome.ORIENTED_PARTNER,
        Outcome.ANSWERED_END_TO_END,
    ]
    handlers = {
        caf.pk: list(
            User.objects.filter(email__in=[*caf_people, "admin.caf@demo.parvis.fr"]).order_by(
                "email"
            )
        ),
        cpam.pk: [cpam_agent] if cpam_agent else [],
    }
    for index, conversation in enumerate(new.order_by("pk")):
        if index % 4 == 0 or conversation.status != Status.QUEUED:
            continue
        person = next(
            (
                user
                for user in handlers.get(conversation.organisation_id, [])
                if visible_to(user, Conversation.objects.filter(pk=conversation.pk)).exists()
            ),
            None,
        )
        if person is None:
            continue
        conversation = conversation_assign(conversation=conversation, principal=person)
        if index % 4 == 1:
            _answer(conversation, person)
            conversation_wait(conversation=conversation, principal=person, on="citizen")
        elif index % 4 == 2:
            conversation_resolve(
                conversation=conversation, principal=person, outcome=outcomes[index % len(outcomes)]
            )
    # Counter visits: at the CAF's counter, and at the France Services site of its
    # adviser, about its partners' motifs (the site's operator may have none).
    counters = {"caf": (agent, counter), "france-services": (fs_agent, fs_site)}
    for index, (org, documents, minutes, outcome) in enumerate(texts.VISITS):
        who, where = counters[org]
        if who is None or where is None:
            continue
        motifs = list(visit_motifs_for(Site.objects.filter(pk=where.pk)))
        visit_record(
            principal=who,
            site=where,
            motif=motifs[index % len(motifs)] if motifs else None,
            outcome=outcome,
            minutes=minutes,
            documents=documents,
        )
    created = list(Conversation.objects.exclude(pk__in=before).values_list("pk", flat=True))
    _backdate(created, rng)
    return len(created)


def _answer(conversation: Conversation, person: User) -> None:
    """The agent's answer that a wait for the citizen follows (a bulk loader's row, as
    ``_backdate``'s: the channels' senders would queue real deliveries to made-up
    addresses)."""
    now = timezone.now()
    Message.objects.create(
        conversation=conversation,
        direction=Direction.OUTBOUND,
        channel_id=conversation.channel_id,
        author=person,
        body_encrypted=encrypt_text(texts.ANSWERS[conversation.channel_id]),
        created_at=now,
    )
    Conversation.objects.filter(pk=conversation.pk).update(
        last_message_at=now, first_answered_at=now
    )


# Channels on which a citizen waits on the line (their waiting contacts are minutes old):
# the hub's business-time channels.
LIVE_CHANNELS = BUSINESS_TIME_CHANNELS


def _backdate(conversation_ids: list[int], rng: random.Random) -> None:
    """Spread the demo conversations over the last two weeks (``shift_conversation``). A chat
    or a call still waiting for an agent arrived minutes ago (nobody waits days on a line),
    an e-mail or an SMS still waiting within the last five days: some late, most not."""
    waiting = dict(
        Conversation.objects.filter(
            pk__in=conversation_ids, status__in=(Status.NEW, Status.QUEUED, Status.OFFERED)
        ).values_list("pk", "channel_id")
    )
    for pk in conversation_ids:
        days, hours = rng.randint(0, 13), rng.randint(0, 6)
        delta = dt.timedelta(days=days, hours=hours)
        if waiting.get(pk) in LIVE_CHANNELS:
            delta = dt.timedelta(minutes=3 + (days * 7 + hours * 5) % 40)
        elif pk in waiting:
            delta = dt.timedelta(days=days % 5, hours=hours)
        if delta:
            shift_conversation(pk, delta)


def shift_conversation(conversation_id: int, delta: dt.timedelta) -> None:
    """Move every time of one conversation (its messages, transitions and call too) back
    by ``delta`` (forward when negative), then its deadlines to the hub's at its moved
    arrival (``_redate_deadlines``). A bulk loader's write, for the demo only."""
    fields = [
        f.name
        for f in Conversation._meta.get_fields()
        if getattr(f, "get_internal_type", lambda: "")() == "DateTimeField"
    ]
    Conversation.objects.filter(pk=conversation_id).update(
        **{name: F(name) - delta for name in fields if name}
    )
    Message.objects.filter(conversation_id=conversation_id).update(
        created_at=F("created_at") - delta
    )
    ConversationTransition.objects.filter(conversation_id=conversation_id).update(
        created_at=F("created_at") - delta
    )
    Call.objects.filter(conversation_id=conversation_id).update(
        started_at=F("started_at") - delta,
        answered_at=F("answered_at") - delta,
        ended_at=F("ended_at") - delta,
    )
    _redate_deadlines(conversation_id, delta)


def _redate_deadlines(conversation_id: int, delta: dt.timedelta) -> None:
    """The deadlines the hub would have stored at the conversation's moved arrival, and
    its acknowledgement saying the moved dates. Moved by the same delta of days and hours,
    deadlines fell at odd times (« 29 novembre à 06:50 ») or on days off, and the
    acknowledgement still said « reçue le 5 décembre » under a message of 30 November."""
    from django.utils import formats

    from parvis.contacts.services.queues import deadlines_of
    from parvis.core.crypto import decrypt_text

    conversation = Conversation.objects.select_related("queue", "motif").get(pk=conversation_id)
    if conversation.queue is None or conversation.resolution_due_at is None:
        return
    deadlines = deadlines_of(
        queue=conversation.queue,
        channel=conversation.channel_id,
        motif=conversation.motif,
        now=conversation.created_at,  # queued on arrival (a call: seconds later)
    )
    moved_announcement = conversation.announced_deadline
    Conversation.objects.filter(pk=conversation_id).update(
        first_answer_due_at=deadlines.first_answer_due_at,
        resolution_due_at=deadlines.resolution_due_at,
        announced_deadline=deadlines.announced_deadline,
    )

    def day(moment: dt.datetime) -> str:
        return str(formats.date_format(timezone.localtime(moment), "j F Y"))

    def received(moment: dt.datetime) -> str:
        local = timezone.localtime(moment)
        return day(local) + " à " + str(formats.time_format(local, "H\\hi"))

    first = conversation.messages.filter(direction=Direction.INBOUND).order_by("created_at").first()
    if first is None:
        return
    swaps = [(received(first.created_at + delta), received(first.created_at))]
    if moved_announcement is not None:
        swaps.append((day(moved_announcement + delta), day(deadlines.announced_deadline)))
    for message in conversation.messages.filter(is_automatic=True, direction=Direction.OUTBOUND):
        text = decrypt_text(message.body_encrypted)
        for said, meant in swaps:
            text = text.replace(said, meant)
        Message.objects.filter(pk=message.pk).update(body_encrypted=encrypt_text(text))
