"""Events of simplification (``core.events``): sent after commit with a request id."""

from __future__ import annotations

from parvis.core.events import Event

request_changed = Event("simplification.request_changed")
