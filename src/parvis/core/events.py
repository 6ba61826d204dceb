"""Named after-commit announcements between apps: the one events mechanism of parvis.

An app that owns rows declares its events in its own ``events.py``
(``experience_changed = Event("voice.experience_changed")``) and sends them with the id
of what changed, after commit. Apps that keep a copy (``publication``'s read model, later
the quality indicators) subscribe from their ``AppConfig.ready()``. The owner never
imports its subscribers, so the dependency arrows keep pointing one way.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

Subscriber = Callable[[int], None]


class Event:
    def __init__(self, name: str) -> None:
        self.name = name
        self._subscribers: list[Subscriber] = []

    def __repr__(self) -> str:
        return f"Event({self.name!r})"

    def subscribe(self, callback: Subscriber) -> None:
        if callback not in self._subscribers:
            self._subscribers.append(callback)

    def unsubscribe(self, callback: Subscriber) -> None:
        if callback in self._subscribers:
            self._subscribers.remove(callback)

    def send(self, object_id: int) -> None:
        """Call every subscriber now (the caller is already after commit)."""
        for callback in list(self._subscribers):
            callback(object_id)

    __call__ = send

    def send_on_commit(self, object_id: int) -> None:
        """Call every subscriber once the current transaction commits (at once outside
        a transaction), so no subscriber reads a row that may still roll back."""
        transaction.on_commit(lambda: self.send(object_id))
