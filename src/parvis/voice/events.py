"""After-commit notifications of experience changes, for apps that keep a copy.

``publication`` keeps the public read model of published experiences; it subscribes in
its ``AppConfig.ready``. voice services call ``experience_changed`` inside
``transaction.on_commit`` after any change that may alter what is public.
"""

from __future__ import annotations

from collections.abc import Callable

_subscribers: list[Callable[[int], None]] = []


def subscribe(callback: Callable[[int], None]) -> None:
    if callback not in _subscribers:
        _subscribers.append(callback)


def experience_changed(experience_id: int) -> None:
    for callback in list(_subscribers):
        callback(experience_id)
