"""Named after-commit announcements between apps: the one events mechanism of parvis.

An app that owns rows declares its events in its own ``events.py``
(``experience_changed = Event("voice.experience_changed")``) and sends them with the id
of what changed, after commit. Apps that keep a copy (``publication``'s read model, later
the quality indicators) subscribe from their ``AppConfig.ready()``. The owner never
imports its subscribers, so the dependency arrows keep pointing one way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db import transaction

M = TypeVar("M")

# The instance a sender passed with the event its in-transaction subscribers are being
# told about (``Event.send_on_commit(..., instance=)``).
_sending: ContextVar[Any] = ContextVar("parvis_event_instance", default=None)

Subscriber = Callable[[int], None]
# An in-transaction subscriber's variant for several objects at once (``send_many_on_commit``).
ManySubscriber = Callable[[list[int]], None]


class Event:
    def __init__(self, name: str) -> None:
        self.name = name
        self._subscribers: list[Subscriber] = []
        self._in_transaction: list[Subscriber] = []
        self._many: dict[Subscriber, ManySubscriber] = {}

    def __repr__(self) -> str:
        return f"Event({self.name!r})"

    def subscribe(
        self,
        callback: Subscriber,
        *,
        in_transaction: bool = False,
        many: ManySubscriber | None = None,
    ) -> None:
        """``in_transaction``: called at once, inside the sender's transaction, for a
        subscriber whose rows must commit or roll back with the change (the contact
        hub's events log: an event recorded after commit is lost when the process dies
        between the two, and costs a durable commit of its own). Keep such subscribers
        to cheap writes: a failure fails the sender's transaction. ``many``: the same
        subscriber for several objects at once, called by ``send_many_on_commit`` (one
        write for a batch instead of one per object)."""
        target = self._in_transaction if in_transaction else self._subscribers
        if not self.is_subscribed(callback):
            target.append(callback)
        if many is not None and in_transaction:
            self._many[callback] = many

    def unsubscribe(self, callback: Subscriber) -> None:
        for target in (self._subscribers, self._in_transaction):
            if callback in target:
                target.remove(callback)
        self._many.pop(callback, None)

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

    def send_many_on_commit(
        self, object_ids: Sequence[int], *, instances: Mapping[int, Any] | None = None
    ) -> None:
        """``send_on_commit`` for several objects one transaction changed the same way
        (routing's decisions of one transaction): in-transaction subscribers with a
        ``many`` variant are called once with every id, the others once per id.
        ``instances``: the objects the sender holds, by id (``sent_instance``)."""
        ids = list(object_ids)
        if not ids:
            return
        token = _sending.set(dict(instances or {}))
        try:
            for callback in list(self._in_transaction):
                many = self._many.get(callback)
                if many is not None:
                    many(ids)
                    continue
                for object_id in ids:
                    callback(object_id)
        finally:
            _sending.reset(token)
        if self._subscribers:
            transaction.on_commit(lambda: self._send_many_after_commit(ids))

    def _send_many_after_commit(self, object_ids: list[int]) -> None:
        for object_id in object_ids:
            self._send_after_commit(object_id)

    def _send_after_commit(self, object_id: int) -> None:
        for callback in list(self._subscribers):
            callback(object_id)


def sent_instance(model: type[M], object_id: int) -> M | None:
    """Inside an in-transaction subscriber: the ``model`` instance ``object_id`` its
    sender passed with the event (``None`` when it passed none), as the sender holds it
    in this transaction."""
    instance = _sending.get()
    if isinstance(instance, Mapping):
        instance = instance.get(object_id)
    if isinstance(instance, model) and getattr(instance, "pk", None) == object_id:
        return instance
    return None
