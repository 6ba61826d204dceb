"""Writes of the contact hub, one module per concern; import from here.

- ``conversations``: contact points, threading an inbound message into a conversation,
  the queue of a new one (owner: hub core);
- ``lifecycle``: one service per move of ``contacts.workflow`` (queue, assign, release,
  wait, resume, resolve, reopen, the close sweep, routing's offer moves) (hub core);
- ``queues``: triage queues, queue choice, deadlines at queueing (hub core);
- ``qualification``: qualification on arrival, masking, agents' corrections (hub core);
- ``visits``: a counter visit recorded in one move (hub core);
- ``ingestion``: accepting a raw inbound row (idempotent), processing it through its
  connector, the requeue sweep, quarantine and purge (owner: ingestion);
- ``attachments``: checking, scanning and storing an inbound message's files (owner:
  ingestion).
"""

from parvis.contacts.services.attachments import attachments_store
from parvis.contacts.services.conversations import (
    contact_point_find_or_create,
    message_receive,
    queue_choose,
)
from parvis.contacts.services.ingestion import (
    inbound_accept,
    inbound_deliver,
    inbound_endpoint_rotate_secret,
    inbound_process,
    inbound_process_many,
    inbound_purge,
    inbound_requeue_stale,
    inbound_retry,
)
from parvis.contacts.services.lifecycle import (
    conversation_accept,
    conversation_assign,
    conversation_offer,
    conversation_offer_expire,
    conversation_queue,
    conversation_release,
    conversation_reopen,
    conversation_resolve,
    conversation_resume,
    conversation_wait,
    conversations_close_resolved,
)
from parvis.contacts.services.qualification import (
    conversation_requalify,
    message_mask,
    qualification_corrections_purge,
)
from parvis.contacts.services.queues import triage_queue_ensure
from parvis.contacts.services.visits import visit_record

__all__ = [
    "attachments_store",
    "contact_point_find_or_create",
    "conversation_accept",
    "conversation_assign",
    "conversation_offer",
    "conversation_offer_expire",
    "conversation_queue",
    "conversation_release",
    "conversation_reopen",
    "conversation_requalify",
    "conversation_resolve",
    "conversation_resume",
    "conversation_wait",
    "conversations_close_resolved",
    "inbound_accept",
    "inbound_deliver",
    "inbound_endpoint_rotate_secret",
    "inbound_process",
    "inbound_process_many",
    "inbound_purge",
    "inbound_requeue_stale",
    "inbound_retry",
    "message_mask",
    "message_receive",
    "qualification_corrections_purge",
    "queue_choose",
    "triage_queue_ensure",
    "visit_record",
]
