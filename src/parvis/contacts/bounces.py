"""Bounces and delivery status notifications: they update the outbox, never a conversation.

A report names the mail it is about by that mail's Message-ID, which the email provider
kept as the delivery log's ``provider_message_id``. A permanent failure moves the row to
dead letter (``bounced``, with the RFC 3463 status code: no address, no text), a
successful delivery report to delivered; a delay, a read receipt or a report about a mail
parvis does not know changes nothing.
"""

from __future__ import annotations

import structlog

from parvis.contacts.mime import DeliveryReport
from parvis.messaging.models import Channel, Delivery
from parvis.messaging.services import delivery_receipt_record

logger = structlog.get_logger(__name__)

_STATUS_CODE_CHARS = frozenset("0123456789.")


def delivery_report_record(report: DeliveryReport) -> Delivery | None:
    """Apply ``report`` to the delivery log; the row it concerned, if any."""
    if not report.original_message_id:
        logger.info("email_report_ignored", reason="no_original_message_id")
        return None
    delivery = (
        Delivery.objects.filter(
            channel=Channel.EMAIL, provider_message_id=report.original_message_id
        )
        .order_by("-pk")
        .first()
    )
    if delivery is None:
        logger.info("email_report_ignored", reason="unknown_message")
        return None
    if report.action == "failed":
        status = report.status if set(report.status) <= _STATUS_CODE_CHARS else ""
        error_class = f"bounced:{status}" if status else "bounced"
        delivery_receipt_record(
            provider=delivery.provider,
            provider_message_id=delivery.provider_message_id,
            delivered=False,
            error_class=error_class,
        )
    elif report.action in {"delivered", "relayed", "expanded"}:
        delivery_receipt_record(
            provider=delivery.provider,
            provider_message_id=delivery.provider_message_id,
            delivered=True,
        )
    delivery.refresh_from_db()
    logger.info(
        "email_report_recorded",
        delivery_id=delivery.pk,
        action=report.action,
        status=delivery.status,
    )
    return delivery
