"""The citizen's end of the web chat: one WebSocket per open widget, anonymous.

``ws/chat/<organisation slug>/[?token=<resume token>]``. On connection the consumer checks
the ``Origin`` (parvis's own pages only) and the client address's connection budget,
then either resumes the session named by a genuine token of this organisation or issues
a new one, joins that session's group only, and tells the widget its token, whether
someone can answer now, and what was already said. Messages (``{"type": "message",
"sequence": n, "text": ..., "email": ...}``) go through the hub's normal ingestion; the
agents' replies come back through the session's group (``parvis.event``), and so do
the post-contact questions once the conversation is resolved (``{"type": "survey"}``),
answered with ``{"type": "survey_answer", "token": ..., "answers": {...}}``. While the
conversation waits in a routed queue, the widget hears its position and estimated wait
(``{"type": "wait", "message", "callback"}``, after each message and on a reload) and may
ask to be called back instead, keeping its place (``{"type": "callback", "number",
"sms"}`` → ``callback_ok`` or ``callback_error``), through ``contacts.waiting``.

Close codes: 4403 origin or token refused, 4404 no chat for this organisation, 4429 too
many connections from this address.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from parvis.contacts import chat, selectors, waiting
from parvis.contacts.errors import ContactError
from parvis.contacts.models import InboundEndpoint
from parvis.contacts.services.chat import chat_message_accept
from parvis.contacts.services.surveys import pending_chat_survey, survey_chat_answer
from parvis.core import ratelimit
from parvis.core.consumers import JsonConsumer
from parvis.core.errors import ParvisError
from parvis.core.http import client_ip_from_scope
from parvis.core.realtime import ensure_relay_running
from parvis.core.text import has_lone_surrogate

MAX_SEQUENCE = 10**9


def _header(scope: dict[str, Any], name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return ""


def _hit(name: str, ip: str) -> ratelimit.RateLimit:
    limit, window = ratelimit.configured_limit("CONTACTS_CHAT_RATE_LIMITS", name)
    return ratelimit.hit(f"contacts-chat-{name}", ip, limit=limit, window_seconds=window)


@dataclass
class Opening:
    endpoint: InboundEndpoint | None = None
    session: chat.ChatSession | None = None
    availability: chat.Availability | None = None
    history: list[dict[str, str]] = field(default_factory=list)
    next_sequence: int = 0


def _opening(slug: str, token: str) -> Opening:
    endpoint = selectors.chat_endpoint_of(slug)
    if endpoint is None:
        return Opening()
    if not token:
        return Opening(
            endpoint,
            chat.session_new(endpoint.organisation_id),
            chat.availability(endpoint, now=timezone.now()),
        )
    try:
        session = chat.session_resume(token, organisation_id=endpoint.organisation_id)
    except chat.InvalidToken:
        return Opening(endpoint)
    return Opening(
        endpoint,
        session,
        chat.availability(endpoint, now=timezone.now()),
        selectors.chat_transcript(
            organisation_id=endpoint.organisation_id, session=session.session
        ),
        selectors.chat_next_sequence(endpoint=endpoint, session=session.session),
    )


class ChatConsumer(JsonConsumer):
    endpoint: InboundEndpoint
    session: chat.ChatSession | None = None

    async def connect(self) -> None:
        if not chat.origin_allowed(_header(self.scope, b"origin")):
            await self.close(code=4403)
            return
        self.ip = client_ip_from_scope(self.scope)
        if not (await sync_to_async(_hit)("connections_ip", self.ip)).allowed:
            await self.close(code=4429)
            return
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        token = (query.get("token") or [""])[0]
        slug = self.scope["url_route"]["kwargs"]["organisation"]
        opening = await database_sync_to_async(_opening)(slug, token)
        endpoint, session, availability = opening.endpoint, opening.session, opening.availability
        if endpoint is None:
            await self.close(code=4404)
            return
        await self.accept()
        if session is None or availability is None:
            await self.send_json(
                {
                    "type": "error",
                    "code": "invalid_token",
                    "message": "Cette conversation n’est plus disponible : une nouvelle "
                    "conversation commence.",
                }
            )
            await self.close(code=4403)
            return
        self.endpoint, self.session = endpoint, session
        ensure_relay_running()
        await self.channel_layer.group_add(session.group, self.channel_name)
        await self.send_json(
            {"type": "session", "token": session.token, "next_sequence": opening.next_sequence}
        )
        await self.send_json(
            {
                "type": "status",
                "live": availability.live,
                "open": availability.is_open,
                "message": availability.message,
            }
        )
        if opening.history:
            await self.send_json({"type": "history", "messages": opening.history})
            # After the contact: questions not answered yet are asked again on a reload.
            survey = await database_sync_to_async(pending_chat_survey)(
                organisation_id=endpoint.organisation_id, session=session.session
            )
            if survey is not None:
                await self.send_json(survey)
            await self._send_news()

    async def disconnect(self, code: int) -> None:
        if self.session is not None:
            await self.channel_layer.group_discard(self.session.group, self.channel_name)

    async def _error(self, code: str, message: str, sequence: Any = None) -> None:
        await self.send_json(
            {"type": "error", "code": code, "message": message, "sequence": sequence}
        )

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if self.session is None:
            return
        if isinstance(content, dict) and content.get("type") == "survey_answer":
            await self._survey_answer(content)
            return
        if isinstance(content, dict) and content.get("type") == "callback":
            await self._callback(content)
            return
        if not isinstance(content, dict) or content.get("type") != "message":
            await self._error("bad_request", "Message incompris.")
            return
        sequence, text = content.get("sequence"), content.get("text")
        email = content.get("email") or ""
        if (
            not isinstance(sequence, int)
            or isinstance(sequence, bool)
            or not 0 <= sequence < MAX_SEQUENCE
            or not isinstance(text, str)
            or not isinstance(email, str)
            or has_lone_surrogate(text + email)
        ):
            await self._error("bad_request", "Message incompris.", sequence)
            return
        if len(text) > settings.CONTACTS_CHAT_MAX_MESSAGE_CHARS:
            await self._error(
                "too_long",
                f"Votre message dépasse {settings.CONTACTS_CHAT_MAX_MESSAGE_CHARS} caractères : "
                "raccourcissez-le ou envoyez-le en plusieurs fois.",
                sequence,
            )
            return
        if email:
            try:
                validate_email(email)
            except ValidationError:
                await self._error(
                    "bad_email",
                    "Cette adresse électronique n’est pas valide (exemple : nom@domaine.fr).",
                    sequence,
                )
                return
        limited = await sync_to_async(_hit)("messages_ip", self.ip)
        if not limited.allowed:
            await self._error(
                "rate_limited",
                f"Vous avez envoyé trop de messages. Réessayez dans {limited.retry_after} "
                "secondes.",
                sequence,
            )
            return
        try:
            await database_sync_to_async(self._accept_message)(sequence, text, email)
        except ContactError as error:
            await self._error(error.code, error.message, sequence)
            return
        await self.send_json({"type": "ack", "sequence": sequence})
        await self._send_news()

    def _waiting_news(self) -> dict[str, Any] | None:
        assert self.session is not None
        room = waiting.room()
        conversation_id = selectors.chat_conversation_id(
            organisation_id=self.endpoint.organisation_id, session=self.session.session
        )
        if room is None or conversation_id is None:
            return None
        news = room.news(conversation_id, now=timezone.now())
        if news is None:
            return None
        return {"type": "wait", "message": news.message, "callback": news.callback_offered}

    async def _send_news(self) -> None:
        news = await database_sync_to_async(self._waiting_news)()
        if news is not None:
            await self.send_json(news)

    def _callback_ask(self, number: str, sms: bool) -> str:
        assert self.session is not None
        room = waiting.room()
        conversation_id = selectors.chat_conversation_id(
            organisation_id=self.endpoint.organisation_id, session=self.session.session
        )
        if room is None or conversation_id is None:
            raise ContactError(
                "callback_not_possible", "Le rappel n’est pas proposé pour cette conversation."
            )
        return room.callback_ask(
            conversation_id=conversation_id, number=number, sms_consent=sms, now=timezone.now()
        )

    async def _callback(self, content: dict[str, Any]) -> None:
        """« Être rappelé » while waiting: the place is kept, an agent calls back."""
        number, sms = content.get("number"), content.get("sms", False)
        if (
            not isinstance(number, str)
            or not isinstance(sms, bool)
            or len(number) > 40
            or has_lone_surrogate(number)
        ):
            await self.send_json(
                {
                    "type": "callback_error",
                    "code": "bad_request",
                    "field": None,
                    "message": "Demande de rappel incomprise.",
                }
            )
            return
        if not (await sync_to_async(_hit)("messages_ip", self.ip)).allowed:
            await self.send_json(
                {
                    "type": "callback_error",
                    "code": "rate_limited",
                    "field": None,
                    "message": "Trop de demandes : réessayez dans une minute.",
                }
            )
            return
        try:
            message = await database_sync_to_async(self._callback_ask)(number, sms)
        except ParvisError as error:
            await self.send_json(
                {
                    "type": "callback_error",
                    "code": error.code,
                    "field": error.field,
                    "message": error.message,
                }
            )
            return
        await self.send_json({"type": "callback_ok", "message": message})

    def _accept_message(self, sequence: int, text: str, email: str) -> None:
        assert self.session is not None
        availability = chat.availability(self.endpoint, now=timezone.now())
        chat_message_accept(
            endpoint=self.endpoint,
            session=self.session.session,
            sequence=sequence,
            text=text,
            email=email,
            left_message=not availability.live,
        )

    async def _survey_answer(self, content: dict[str, Any]) -> None:
        """The post-contact questions answered in the widget (``services.surveys``)."""
        assert self.session is not None
        token, answers = content.get("token"), content.get("answers")
        if not isinstance(token, str) or not isinstance(answers, dict) or len(token) > 500:
            await self._error("bad_request", "Réponses incomprises.")
            return
        try:
            await database_sync_to_async(survey_chat_answer)(
                organisation_id=self.endpoint.organisation_id,
                session=self.session.session,
                token=token,
                answers=answers,
            )
        except ContactError as error:
            if error.code != "survey_already_answered":
                await self.send_json(
                    {
                        "type": "survey_error",
                        "code": error.code,
                        "field": error.field,
                        "message": error.message,
                    }
                )
                return
        await self.send_json(
            {
                "type": "survey_thanks",
                "message": "Merci, vos réponses sont enregistrées. Elles nous aident à "
                "améliorer le service.",
            }
        )

    async def parvis_event(self, message: dict[str, Any]) -> None:
        await self.send_json(message["payload"])
