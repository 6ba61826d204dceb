"""Small reference data kept in each process for a short time.

Some reads happen on every request or every text, yet their rows change a few times a
year: the names shown on experience cards, the filter lists, what the qualifier may
predict. A ``ProcessMemo`` keeps them in the process for ``ttl`` seconds. Edits saved in
the same process clear it at once (``forget_on_change``); other processes see them when
their copy expires. Tests start each from empty (``ProcessMemo.forget_all``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Any, ClassVar, TypeVar

from django.db import models
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")


class ProcessMemo:
    instances: ClassVar[list[ProcessMemo]] = []

    def __init__(self, name: str, ttl: float) -> None:
        self.name, self.ttl = name, ttl
        self._values: dict[Hashable, tuple[float, Any]] = {}
        ProcessMemo.instances.append(self)

    def get(self, key: Hashable, load: Callable[[], T]) -> T:
        """The value kept under ``key``, or ``load()`` when missing or older than ``ttl``."""
        now = time.monotonic()
        kept = self._values.get(key)
        if kept is not None and now - kept[0] < self.ttl:
            return kept[1]
        value = load()
        self._values[key] = (now, value)
        return value

    def get_many(
        self, keys: list[Hashable], load_many: Callable[[list[Hashable]], dict[Hashable, T]]
    ) -> dict[Hashable, T]:
        """The values kept under ``keys``; the missing or stale ones loaded together
        (``load_many`` returns a value for each key it is given)."""
        now = time.monotonic()
        found: dict[Hashable, T] = {}
        missing = []
        for key in keys:
            kept = self._values.get(key)
            if kept is not None and now - kept[0] < self.ttl:
                found[key] = kept[1]
            else:
                missing.append(key)
        if missing:
            loaded = load_many(missing)
            for key in missing:
                self._values[key] = (now, loaded[key])
                found[key] = loaded[key]
        return found

    def forget(self, **signal_kwargs: Any) -> None:
        self._values.clear()

    def forget_on_change(self, *senders: type[models.Model]) -> None:
        """Clear on every save or deletion of these models in this process (from an
        ``AppConfig.ready``)."""
        for sender in senders:
            for signal in (post_save, post_delete):
                signal.connect(
                    self.forget,
                    sender=sender,
                    weak=False,
                    dispatch_uid=f"memo-{self.name}-{sender._meta.label}",
                )

    @classmethod
    def forget_all(cls) -> None:
        for memo in cls.instances:
            memo.forget()
