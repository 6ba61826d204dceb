"""Stories of the desk's tests: an organisation with a queue, its agents (members or
not), a waiting conversation with messages, reply templates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from parvis.accounts.models import Role, User
from parvis.accounts.tests.factories import MembershipFactory
from parvis.contacts.models import (
    ContactKind,
    ContactPoint,
    Conversation,
    Direction,
    Message,
    Queue,
    Status,
)
from parvis.contacts.services.conversations import contact_point_digest
from parvis.contacts.tests.factories import (
    ConversationFactory,
    QueueFactory,
    QueueMemberFactory,
    channel,
)
from parvis.core.crypto import encrypt_text
from parvis.voice.models import AnswerTemplate


@dataclass
class Desk:
    queue: Queue
    agent: User  # member of the queue
    colleague: User  # member too
    outsider: User  # an agent of the organisation, member of no queue
    supervisor: User

    @property
    def organisation(self) -> Any:
        return self.queue.organisation


def desk_story(*, queue: Queue | None = None) -> Desk:
    for slug in ("courriel", "sms", "chat", "telephone", "guichet"):
        channel(slug)
    queue = queue or QueueFactory()
    organisation = queue.organisation

    def member(role: str, *, joins: bool = True) -> User:
        user = MembershipFactory(organisation=organisation, role=role).user
        if joins:
            QueueMemberFactory(queue=queue, user=user)
        return user

    return Desk(
        queue=queue,
        agent=member(Role.AGENT),
        colleague=member(Role.AGENT),
        outsider=member(Role.AGENT, joins=False),
        supervisor=member(Role.SUPERVISOR),
    )


def waiting_conversation(
    queue: Queue, *, channel_slug: str = "courriel", **kwargs: Any
) -> Conversation:
    now = timezone.now()
    return ConversationFactory(
        queue=queue,
        channel=channel(channel_slug),
        status=Status.QUEUED,
        queued_at=now,
        **kwargs,
    )


def phone_point(
    conversation: Conversation, number: str = "+33612345678", *, sms_consent: bool = True
) -> ContactPoint:
    """The conversation's phone number; ``sms_consent``: it accepted SMS (it texted us)."""
    point = ContactPoint.objects.create(
        organisation=conversation.organisation,
        kind=ContactKind.PHONE,
        value_digest=contact_point_digest(ContactKind.PHONE, number),
        value_encrypted=encrypt_text(number),
        sms_consent_at=timezone.now() if sms_consent else None,
        sms_consent_channel=channel("sms") if sms_consent else None,
    )
    Conversation.objects.filter(pk=conversation.pk).update(contact_point=point)
    conversation.contact_point = point
    return point


def email_point(conversation: Conversation, address: str = "usager@exemple.fr") -> ContactPoint:
    point = ContactPoint.objects.create(
        organisation=conversation.organisation,
        kind=ContactKind.EMAIL,
        value_digest=contact_point_digest(ContactKind.EMAIL, address),
        value_encrypted=encrypt_text(address),
    )
    Conversation.objects.filter(pk=conversation.pk).update(contact_point=point)
    conversation.contact_point = point
    return point


def inbound(
    conversation: Conversation, text: str = "Bonjour, où en est mon dossier ?", **kwargs: Any
) -> Message:
    return Message.objects.create(
        conversation=conversation,
        direction=Direction.INBOUND,
        channel_id=conversation.channel_id,
        body_encrypted=encrypt_text(text),
        **kwargs,
    )


def template(organisation: Any, **kwargs: Any) -> AnswerTemplate:
    values = {
        "title": "Dossier en cours",
        "body": "Bonjour, votre dossier [À COMPLÉTER : état du dossier]. Cordialement.",
        "must_personalise": True,
        **kwargs,
    }
    return AnswerTemplate.objects.create(organisation=organisation, **values)
