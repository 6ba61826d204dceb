"""Test connectors of the ingestion tests: they stand in for the real channels'
(installed in the registry for one test only, by ``monkeypatch``)."""

from __future__ import annotations

from typing import ClassVar

from parvis.contacts.connectors.base import Connector
from parvis.contacts.inbound import InboundMessage
from parvis.contacts.models import InboundRow
from parvis.contacts.services import message_receive
from parvis.contacts.services.ingestion import payload_of


class RecordingConnector(Connector):
    """Turns each row's payload (UTF-8 text) into one SMS message."""

    code = "sms"
    label = "SMS (test)"
    processed: ClassVar[list[int]] = []

    def process(self, row: InboundRow) -> None:
        type(self).processed.append(row.pk)
        message_receive(
            endpoint=row.endpoint,
            inbound=InboundMessage(
                channel="sms",
                text=payload_of(row).decode("utf-8"),
                external_id=row.external_id,
                thread_key=f"test:{row.external_id}",
            ),
            row=row,
        )


class FailingConnector(Connector):
    code = "sms"
    label = "SMS (test, en panne)"

    def process(self, row: InboundRow) -> None:
        # The message text of an exception may quote the citizen: it must not be kept.
        raise RuntimeError("Je m’appelle Marie Dupont, 06 12 34 56 78")


class Crash(BaseException):
    """A worker dying mid-processing (not an ``Exception``: nothing catches it)."""


class CrashingConnector(Connector):
    code = "sms"
    label = "SMS (test, le processus meurt)"

    def process(self, row: InboundRow) -> None:
        raise Crash
