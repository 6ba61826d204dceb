"""Writes of the contact hub, one module per concern; import from here.

- ``conversations``: threading an inbound message into a conversation, the lifecycle
  moves (queue, assign, wait, resolve, reopen, close sweep, counter visit), qualification
  on arrival and its corrections (owner: hub core);
- ``ingestion``: accepting a raw inbound row (idempotent), processing it through its
  connector, the requeue sweep, quarantine and purge (owner: ingestion);
- ``attachments``: checking, scanning and storing an inbound message's files (owner:
  ingestion).
"""

from parvis.contacts.services.attachments import attachments_store
from parvis.contacts.services.conversations import message_receive
from parvis.contacts.services.ingestion import (
    inbound_accept,
    inbound_deliver,
    inbound_endpoint_rotate_secret,
    inbound_process,
    inbound_purge,
    inbound_requeue_stale,
    inbound_retry,
)

__all__ = [
    "attachments_store",
    "inbound_accept",
    "inbound_deliver",
    "inbound_endpoint_rotate_secret",
    "inbound_process",
    "inbound_purge",
    "inbound_requeue_stale",
    "inbound_retry",
    "message_receive",
]
