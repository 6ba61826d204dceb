"""Events of accounts (``core.events``): sent after commit with a user id.

``email_verified``: an account's owner proved an address (a confirmed change of address).
``voice`` subscribes in its ``AppConfig.ready`` and gathers the experiences shared
without an account from that address, as it does at login.
"""

from __future__ import annotations

from parvis.core.events import Event

email_verified = Event("accounts.email_verified")
