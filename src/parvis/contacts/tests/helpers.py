"""Helpers of the SMS and phone tests: deliver a webhook body as the door would, then
process its rows as the worker would."""

from __future__ import annotations

import json
from typing import Any

from parvis.contacts import connectors
from parvis.contacts.models import InboundEndpoint, InboundRow
from parvis.contacts.services import inbound_accept, inbound_process


def deliver(endpoint: InboundEndpoint, payload: Any) -> list[InboundRow]:
    """Accept ``payload`` (JSON) at ``endpoint`` and process its new rows; the rows."""
    body = json.dumps(payload).encode()
    rows = []
    for kind, external_id, raw in connectors.get(endpoint.connector).accept(body, {}):
        row, created = inbound_accept(
            endpoint=endpoint,
            channel=endpoint.connector,
            external_id=external_id,
            payload=raw,
            kind=kind,
        )
        if created:
            inbound_process(row_id=row.pk)
        row.refresh_from_db()
        rows.append(row)
    return rows
