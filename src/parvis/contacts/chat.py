"""The web chat's rules that are neither reads nor writes: sessions and their signed resume
tokens, the origin check, and whether a queue can answer now.

A chat session is a random id the server issues; the widget keeps only a signed token
(``django.core.signing``, valid ``CONTACTS_CHAT_RESUME_MAX_AGE`` seconds) naming that
session and its organisation, so a reload rejoins the same conversation and nobody can
name another session. The consumer joins the one group derived from a verified session
(``session_group``): a citizen never chooses a group, so an agent's group cannot be joined.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.http.request import split_domain_port, validate_host

from parvis.contacts.models import InboundEndpoint, Queue, QueueMember
from parvis.core import french
from parvis.core.french import time_of_day
from parvis.directory import servicelevels

TOKEN_SALT = "parvis.contacts.chat.session"  # noqa: S105 - a salt, not a secret
SESSION_PATTERN = re.compile(r"[0-9a-f]{32}")


class InvalidToken(Exception):
    """The resume token is altered, expired, or names another organisation."""


@dataclass(frozen=True)
class ChatSession:
    session: str
    organisation_id: int

    @property
    def group(self) -> str:
        return session_group(self.session)

    @property
    def token(self) -> str:
        return signing.dumps({"s": self.session, "o": self.organisation_id}, salt=TOKEN_SALT)


def session_group(session: str) -> str:
    """The channel-layer group of a chat session (what the outbound provider publishes to)."""
    if not SESSION_PATTERN.fullmatch(session):
        raise ValueError("not a chat session id")
    return f"chat-session-{session}"


def session_new(organisation_id: int) -> ChatSession:
    return ChatSession(secrets.token_hex(16), organisation_id)


def session_resume(token: str, *, organisation_id: int) -> ChatSession:
    """The session named by ``token``, if it is genuine, recent and of this organisation."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=settings.CONTACTS_CHAT_RESUME_MAX_AGE)
    except signing.BadSignature as error:  # SignatureExpired is a BadSignature
        raise InvalidToken("bad or expired token") from error
    if not isinstance(data, dict):
        raise InvalidToken("malformed token")
    session, organisation = data.get("s"), data.get("o")
    if not isinstance(session, str) or not SESSION_PATTERN.fullmatch(session):
        raise InvalidToken("malformed session")
    if organisation != organisation_id:
        raise InvalidToken("another organisation's session")
    return ChatSession(session, organisation_id)


def origin_allowed(origin: str) -> bool:
    """Whether a WebSocket's ``Origin`` is parvis's own pages: its host is one of
    ``ALLOWED_HOSTS`` or the origin is that of ``SITE_URL``. No origin: refused."""
    if not origin:
        return False
    parts = urlsplit(origin)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return False
    site = urlsplit(str(settings.SITE_URL))
    if (parts.scheme, parts.netloc) == (site.scheme, site.netloc):
        return True
    host, _port = split_domain_port(parts.netloc)
    return bool(host) and validate_host(host, settings.ALLOWED_HOSTS)


# --- Can the queue answer now? ------------------------------------------------------------


def queue_place(queue: Queue) -> servicelevels.Place:
    """The place whose calendar the queue keeps (its site, the site it names, its
    département, else the metropolitan calendar)."""
    return servicelevels.place_for(
        site=queue.site or queue.calendar_site,
        departement_code=str(queue.departement_id) if queue.departement_id else None,
    )


def queue_is_open(queue: Queue, *, now: dt.datetime) -> bool:
    """Whether ``now`` falls in the opening hours of the queue's place."""
    place = queue_place(queue)
    today = servicelevels.local_date(now, place)
    local = now.astimezone(place.tzinfo).time()
    for _day, intervals in servicelevels.business_intervals(place, today, 1):
        for interval in intervals:
            if interval.opens <= local < interval.closes:
                return True
    return False


def agents_available(queue: Queue) -> bool:
    """Whether someone may answer the queue now. Today: the queue has a member; routing
    replaces this with presence (agents logged in, not at capacity)."""
    return QueueMember.objects.filter(queue=queue, user__is_active=True).exists()


OPENING_HORIZON_DAYS = 14  # how far the closed chat looks for its next opening


def opening_wording(opening: dt.datetime, *, now: dt.datetime) -> str:
    """« aujourd’hui à 13 h 30 », « demain à 8 h 30 », « lundi 7 décembre à 8 h 30 »
    (``opening`` in its place's zone)."""
    days = (opening.date() - now.astimezone(opening.tzinfo).date()).days
    day = {0: "aujourd’hui", 1: "demain"}.get(days) or french.date(opening, "l j F")
    return f"{day} à {time_of_day(opening)}"


@dataclass(frozen=True)
class Availability:
    """What the widget tells the citizen as it opens. ``reopens``: when a closed chat
    opens next (« lundi 7 décembre à 8 h 30 »), "" beyond ``OPENING_HORIZON_DAYS``."""

    is_open: bool
    has_agents: bool
    reopens: str = ""

    @property
    def live(self) -> bool:
        return self.is_open and self.has_agents

    @property
    def message(self) -> str:
        if not self.is_open:
            reopens = f" Il ouvre {self.reopens}." if self.reopens else ""
            return (
                f"Le chat est fermé en ce moment.{reopens} Vous pouvez déjà nous laisser "
                "un message : il sera lu à l’ouverture, et nous vous répondrons par "
                "courriel si vous nous indiquez votre adresse."
            )
        if not self.has_agents:
            return (
                "Aucun agent n’est disponible pour le moment. Laissez-nous un message : "
                "nous vous répondrons dès que possible, par courriel si vous nous "
                "indiquez votre adresse."
            )
        return "Un agent va vous répondre. Écrivez votre message ci-dessous."


def chat_queue(endpoint: InboundEndpoint) -> Queue:
    """The queue a chat endpoint feeds: its own, else its organisation's triage queue."""
    if endpoint.queue_id:
        return endpoint.queue  # type: ignore[return-value]
    return Queue.objects.get(organisation_id=endpoint.organisation_id, is_triage=True)


def availability(endpoint: InboundEndpoint, *, now: dt.datetime) -> Availability:
    queue = chat_queue(endpoint)
    if queue_is_open(queue, now=now):
        return Availability(True, agents_available(queue))
    opening = next_opening(queue, now=now)
    reopens = opening_wording(opening, now=now) if opening is not None else ""
    return Availability(False, agents_available(queue), reopens=reopens)


def next_opening(queue: Queue, *, now: dt.datetime) -> dt.datetime | None:
    """Start of the queue's next opening interval after ``now``, in its place's zone."""
    place = queue_place(queue)
    local = now.astimezone(place.tzinfo)
    for day, intervals in servicelevels.business_intervals(
        place, local.date(), OPENING_HORIZON_DAYS
    ):
        for interval in intervals:
            start = dt.datetime.combine(day, interval.opens, tzinfo=place.tzinfo)
            if start > local:
                return start
    return None


def week_hours(endpoint: InboundEndpoint, *, now: dt.datetime) -> list[tuple[dt.date, tuple]]:
    """(local date, opening intervals) of the chat's next seven days, today first: the
    hours a closed chat shows."""
    place = queue_place(chat_queue(endpoint))
    return servicelevels.business_intervals(place, servicelevels.local_date(now, place), 7)
