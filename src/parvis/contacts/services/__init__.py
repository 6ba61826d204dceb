"""Writes of the contact hub, one module per concern; import from here.

- ``conversations``: threading an inbound message into a conversation, the lifecycle
  moves (queue, assign, wait, resolve, reopen, close sweep, counter visit), qualification
  on arrival and its corrections (owner: hub core);
- ``ingestion``: accepting a raw inbound row (idempotent), processing it through its
  connector, the requeue sweep, quarantine and purge (owner: ingestion).
"""

from parvis.contacts.services.conversations import message_receive
from parvis.contacts.services.ingestion import inbound_accept, inbound_process

__all__ = ["inbound_accept", "inbound_process", "message_receive"]
