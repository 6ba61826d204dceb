"""Events of the contact hub (``core.events``), sent after commit with a conversation id.

Subscribers (outbound webhooks, the desk's real-time relay, later the quality facts)
register in their ``AppConfig.ready``; the hub never imports them.
"""

from __future__ import annotations

from parvis.core.events import Event

conversation_created = Event("contacts.conversation_created")
conversation_assigned = Event("contacts.conversation_assigned")
conversation_resolved = Event("contacts.conversation_resolved")
conversation_changed = Event("contacts.conversation_changed")  # any other move
message_received = Event("contacts.message_received")  # sent with the message id
