"""Events of voice (``core.events``): sent after commit with an experience id.

``publication`` keeps the public read model of published experiences and subscribes in
its ``AppConfig.ready``; voice services send ``experience_changed`` after any change that
may alter what is public.
"""

from __future__ import annotations

from parvis.core.events import Event

experience_changed = Event("voice.experience_changed")
