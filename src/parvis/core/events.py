"""Named after-commit announcements between apps: the one events mechanism of parvis.

An app that owns rows declares its events in its own ``events.py``
(``experience_changed = Event("voice.experience_changed")``) and sends them with the id
of what changed, after commit. Apps that keep a copy (``publication``'s read model, later
the quality indicators) subscribe from their ``AppConfig.ready()``. The owner never
imports its subscribers, so the dependency arrows keep pointing one way.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db import transaction

M = TypeVar("M")

# The instance a sender passed with the event its in-transaction subscribers are being
# told about (``Event.send_on_commit(..., instance=)``).
_sending: ContextVar[Any] = ContextVar("parvis_event_instance", default=None)

Subscriber = Callable[[int], None]


class Event:
    def __init__(self, name: str) -> None:
        self.name = name
        self._subscribers: list[Subscriber] = []
        self._in_transaction: list[Subscriber] = []

    def __repr__(self) -> str:
        return f"Event({self.name!r})"

    def subscribe(self, callback: Subscriber, *, in_transaction: bool = False) -> None:
        """``in_transaction``: called at once, inside the sender's transaction, for a
        subscriber whose rows must commit or roll back with the change (the contact
        hub's events log: an event recorded after commit is lost when the process dies
        between the two, and costs a durable commit of its own). Keep such subscribers
        to cheap writes: a failure fails the sender's transaction."""
        target = self._in_transaction if in_transaction else self._subscribers
        if not self.is_subscribed(callback):
            target.append(callback)

    def unsubscribe(self, callback: Subscriber) -> None:
        for target in (self._subscribers, self._in_transaction):
            if callback in target:
                target.remove(callback)

    def is_subscribed(self, callback: Subscriber) -> bool:
        return callback in self._subscribers or callback in self._in_transaction

    def send(self, object_id: int) -> None:
        """Call every subscriber now (the caller is already after commit)."""
        for callback in [*self._in_transaction, *self._subscribers]:
            callback(object_id)

    __call__ = send

    def send_on_commit(self, object_id: int, *, instance: Any = None) -> None:
        """Call the in-transaction subscribers now, and every other subscriber once the
        current transaction commits (at once outside a transaction), so no subscriber
        reads a row that may still roll back. ``instance``: the object the sender holds,
        which in-transaction subscribers may read (``sent_instance``) instead of the row
        they are told about."""
        token = _sending.set(instance)
        try:
            for callback in list(self._in_transaction):
                callback(object_id)
        finally:
            _sending.reset(token)
        if self._subscribers:
            transaction.on_commit(lambda: self._send_after_commit(object_id))

    def _send_after_commit(self, object_id: int) -> None:
        for callback in list(self._subscribers):
            callback(object_id)


def sent_instance(model: type[M], object_id: int) -> M | None:
    """Inside an in-transaction subscriber: the ``model`` instance ``object_id`` its
    sender passed with the event (``None`` when it passed none), as the sender holds it
    in this transaction."""
    instance = _sending.get()
    if isinstance(instance, model) and getattr(instance, "pk", None) == object_id:
        return instance
    return None
