"""Celery task of the post-contact questions (``services.surveys``): load by id, call one
service. Sent after commit when a conversation is resolved (``subscribe``, from
``ContactsConfig.ready``); idempotent (one invitation per conversation, one send per
invitation), so it acknowledges late."""

from __future__ import annotations

from celery import shared_task

from parvis.contacts import events
from parvis.core.queue import send


@shared_task(
    name="contacts.survey_invite",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=5,
)
def survey_invite(conversation_id: int) -> int | None:
    from parvis.contacts.services.surveys import survey_invite as invite

    invitation = invite(conversation_id=conversation_id)
    return invitation.pk if invitation is not None else None


def _on_resolved(conversation_id: int) -> None:
    # The event is sent after commit: the worker reads the resolved conversation.
    send(survey_invite, conversation_id)


def subscribe() -> None:
    events.conversation_resolved.subscribe(_on_resolved)
