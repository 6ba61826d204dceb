"""Events of the directory (``core.events``): sent after commit with the id of what changed.

``publication`` re-exports the directory's open data soon after a change and subscribes
in its ``AppConfig.ready``; the directory never imports it. Every directory write
(services and the Django admin) sends the event of the entity it changed; a change of a
site's opening hours or exceptions is a change of the site.
"""

from __future__ import annotations

from parvis.core.events import Event

organisation_changed = Event("directory.organisation_changed")
local_service_changed = Event("directory.local_service_changed")
site_changed = Event("directory.site_changed")

ALL = (organisation_changed, local_service_changed, site_changed)
