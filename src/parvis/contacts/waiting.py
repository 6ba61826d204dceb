"""What the contact hub tells a citizen waiting in a queue, and how they ask to be called
back instead of waiting: the chat widget and the telephony IVR ask a ``WaitingRoom``.

Routing provides it (``routing.services.callbacks``, registered in its
``AppConfig.ready``); the hub never imports routing, so the arrows keep pointing one way.
Without a registered room (a queue nobody routes) the widget announces nothing and offers
no call back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class WaitNews:
    """What the widget shows a waiting citizen: a French sentence (position and estimated
    wait) and whether they may ask to be called back instead."""

    message: str
    callback_offered: bool


class WaitingRoom(Protocol):
    def news(self, conversation_id: int, *, now: dt.datetime) -> WaitNews | None:
        """``None``: the conversation is not waiting in a routed queue."""

    def callback_ask(
        self, *, conversation_id: int, number: str, sms_consent: bool, now: dt.datetime
    ) -> str:
        """Ask for a call back on ``number`` keeping the conversation's place; the French
        confirmation. Raises a ``ParvisError`` (French message) when it is not possible."""


_room: WaitingRoom | None = None


def register(room: WaitingRoom) -> None:
    global _room
    _room = room


def room() -> WaitingRoom | None:
    return _room
