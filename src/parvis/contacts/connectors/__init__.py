"""Transport plugins of the contact hub: one connector per ``directory.Channel`` slug.

A connector turns a stored ``InboundRow`` into hub calls (``process``) and knows how its
channel threads. Outbound sends never leave from here directly: they go through
``parvis.messaging`` (the outbound door), whose providers the connectors' modules register.
Postal mail and online forms have no connector (they are recorded by agents or arrive
through the voice and simplification forms).
"""

from parvis.contacts.connectors.base import Connector, all_connectors, get, register

__all__ = ["Connector", "all_connectors", "get", "register"]
