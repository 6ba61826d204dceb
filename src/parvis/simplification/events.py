"""After-commit notifications of simplification-request changes (see voice/events.py)."""

from __future__ import annotations

from collections.abc import Callable

_subscribers: list[Callable[[int], None]] = []


def subscribe(callback: Callable[[int], None]) -> None:
    if callback not in _subscribers:
        _subscribers.append(callback)


def request_changed(request_id: int) -> None:
    for callback in list(_subscribers):
        callback(request_id)
