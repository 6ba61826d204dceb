"""Writes of the reports app: generating a report, and the subscriptions' lifecycle.

- ``report_generate`` renders the report of one organisation (none: national) for one
  month or year, makes its tagged PDF and archives both; generating the same period again
  replaces the archived report (one per organisation × kind × period). After commit, the
  confirmed subscribers get one email each (``tasks.notify_subscribers``), once per report
  whatever the regenerations (an idempotency key per report and subscriber).
- ``reports_generate_due`` is the beat's daily sweep: the previous month's reports once it
  is frozen (the 16th, quality freezes a month at M+15), the previous year's from
  16 January, for every organisation with results and nationally; what exists already is
  left alone, so a lost run is made up the next day.
- Subscriptions: ``subscription_request`` (double opt-in: a pending row and a
  confirmation link sent at once, through the outbound door), ``subscription_confirm``,
  ``subscription_unsubscribe`` (one click; the address is erased at once). The answer to a
  request never says whether the address was already subscribed: the page is the same, and
  only the mailbox's owner reads which email came.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

import structlog
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from parvis.accounts.services import audit_record
from parvis.core.crypto import (
    DecryptionError,
    decrypt_text,
    email_digest,
    encrypt_text,
    keyed_digest,
)
from parvis.core.errors import ParvisError
from parvis.core.http import absolute_url
from parvis.core.queue import send_on_commit
from parvis.directory.models import Organisation
from parvis.messaging.services import message_queue, message_send_now
from parvis.quality.selectors import add_months
from parvis.reports import content as report_content_module
from parvis.reports import rendering
from parvis.reports.content import Period, period_of
from parvis.reports.models import (
    ACTIVE,
    PeriodKind,
    Report,
    ReportSubscription,
    SubscriptionStatus,
)

logger = structlog.get_logger(__name__)

# A month's results are frozen at M+15 days (quality.periods.FREEZE_DAYS): its report is
# due from the 16th of the next month.
GENERATION_DAY = 16
EMAIL_PURPOSE = "reports"


class ReportsError(ParvisError):
    statuses = {"token_invalid": 400, "token_expired": 400, "not_found": 404}


# --- Generation ------------------------------------------------------------------------------


def report_generate(
    *,
    organisation: Organisation | None,
    kind: str,
    period_start: dt.date,
    notify: bool = True,
    now: dt.datetime | None = None,
) -> Report:
    """Generate (or generate again) the report of ``organisation`` (None: national) for
    the month or year starting ``period_start``; its subscribers are emailed after commit
    (once per report) unless ``notify`` is false. The PDF is made before the transaction
    opens (a second or so), so the write itself is short."""
    if kind not in PeriodKind.values:
        raise ReportsError("kind_invalid", "Périodicité inconnue : mensuel ou annuel.", "kind")
    now = now or timezone.now()
    period = period_of(kind, period_start)
    if period.start > timezone.localdate(now):
        raise ReportsError(
            "period_future", "Cette période n’a pas encore commencé.", "period_start"
        )
    content = report_content_module.report_content(organisation, period)
    body = rendering.render_body(content)
    pdf = rendering.render_pdf(
        rendering.pdf_document(title=content.title, body=body, generated_at=now)
    )
    with transaction.atomic():
        report = _report_save(
            organisation=organisation, period=period, content=content, body=body, pdf=pdf, now=now
        )
        if notify:
            from parvis.reports import tasks

            send_on_commit(tasks.notify_subscribers, report.pk)
    logger.info(
        "report_generated",
        report_id=report.pk,
        kind=kind,
        period=period.code,
        national=organisation is None,
        pdf_bytes=len(pdf),
    )
    return report


def _report_save(
    *,
    organisation: Organisation | None,
    period: Period,
    content: report_content_module.ReportContent,
    body: str,
    pdf: bytes,
    now: dt.datetime,
) -> Report:
    """Archive the report of the period (the one row of its organisation × kind ×
    period, replaced when generated again) and its audit row."""
    report = (
        Report.objects.select_for_update()
        .filter(organisation=organisation, kind=period.kind, period_start=period.start)
        .first()
    )
    created = report is None
    if report is None:
        report = Report(
            organisation=organisation, kind=period.kind, period_start=period.start, created_at=now
        )
    else:
        report.generations += 1
    report.title = content.title
    report.html = body
    report.sha256 = hashlib.sha256(pdf).hexdigest()
    report.pdf_size = len(pdf)
    report.catalogue_versions = content.catalogue_versions
    report.generated_at = now
    report.pdf = pdf
    report.full_clean()
    report.save()
    audit_record(
        actor=None,
        action="reports.report_generated" if created else "reports.report_regenerated",
        target=report,
        organisation=organisation,
        # « octobre 2026 » or « 2026 »: a year's report is not « du 1er janvier »
        data={"kind": period.kind, "period": period.label},
    )
    return report


def last_due_periods(today: dt.date) -> list[Period]:
    """The latest month and year whose reports are due on ``today``."""
    month = today.replace(day=1)
    last_month = add_months(month, -1 if today.day >= GENERATION_DAY else -2)
    due_year = today.year - 1 if (today.month, today.day) >= (1, GENERATION_DAY) else today.year - 2
    return [
        Period(PeriodKind.MONTHLY, last_month),
        Period(PeriodKind.YEARLY, dt.date(due_year, 1, 1)),
    ]


def reports_generate_due(
    *,
    today: dt.date | None = None,
    organisations: Iterable[Organisation] | None = None,
    notify: bool = True,
) -> list[Report]:
    """Generate the due reports that do not exist yet (see the module docstring): the
    national one and those of ``organisations`` (default: every organisation with
    results in the period), emailing their subscribers unless ``notify`` is false."""
    today = today or timezone.localdate()
    made = []
    for period in last_due_periods(today):
        scopes: list[Organisation | None] = [
            None,
            *(
                report_content_module.organisations_with_results(period)
                if organisations is None
                else organisations
            ),
        ]
        for organisation in scopes:
            exists = Report.objects.filter(
                organisation=organisation, kind=period.kind, period_start=period.start
            ).exists()
            if exists:
                continue
            if organisation is None and not report_content_module.has_national_results(period):
                continue
            made.append(
                report_generate(
                    organisation=organisation,
                    kind=period.kind,
                    period_start=period.start,
                    notify=notify,
                )
            )
    return made


# --- Subscriptions ---------------------------------------------------------------------------


def _token_digest(token: str) -> str:
    return keyed_digest(token, purpose="reports.link")


def _confirmation_days() -> int:
    return int(settings.REPORTS_CONFIRMATION_DAYS)


def _scope_label(organisation: Organisation | None) -> str:
    return organisation.name if organisation is not None else "l’ensemble des organismes"


def _unsubscribe_url(token: str) -> str:
    return absolute_url(reverse("reports:unsubscribe", args=[token]))


def unsubscribe_headers(token: str) -> dict[str, str]:
    """RFC 2369 and RFC 8058: mail clients offer their own one-click unsubscribe."""
    return {
        "List-Unsubscribe": f"<{_unsubscribe_url(token)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


@transaction.atomic
def subscription_request(*, email: str, organisation: Organisation | None) -> None:
    """Ask for ``organisation``'s reports (None: national) at ``email``.

    A new or still pending address gets a confirmation link (a pending row, the link's
    secret known only from the email); an address already confirmed gets a reminder
    with its unsubscribe link instead. The caller says the same thing in both cases.
    """
    email = email.strip()
    digest = email_digest(email, purpose=EMAIL_PURPOSE)
    now = timezone.now()
    subscription = (
        ReportSubscription.objects.select_for_update()
        .filter(email_digest=digest, organisation=organisation, status__in=ACTIVE)
        .first()
    )
    if subscription is not None and subscription.status == SubscriptionStatus.CONFIRMED:
        token = _unsubscribe_token(subscription)
        message_send_now(
            template="reports/emails/already_subscribed",
            to=email,
            context={
                "scope": _scope_label(organisation),
                "archive_url": _archive_url(organisation),
                "unsubscribe_url": _unsubscribe_url(token),
            },
            owner=subscription,
            headers=unsubscribe_headers(token),
        )
        logger.info("report_subscription_reminded", subscription_id=subscription.pk)
        return
    token = secrets.token_urlsafe(32)
    if subscription is None:
        subscription = ReportSubscription(
            organisation=organisation, email_digest=digest, created_at=now
        )
    subscription.email_encrypted = encrypt_text(email)
    subscription.confirmation_token_digest = _token_digest(token)
    subscription.requested_at = now
    subscription.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            subscription.save()
    except IntegrityError:
        # The same address asked twice at once: the other request sent the link.
        logger.info("report_subscription_request_raced")
        return
    message_send_now(
        template="reports/emails/confirm",
        to=email,
        context={
            "scope": _scope_label(organisation),
            "url": absolute_url(reverse("reports:confirm", args=[token])),
            "days": _confirmation_days(),
        },
        owner=subscription,
    )
    logger.info("report_subscription_requested", subscription_id=subscription.pk)


def _unsubscribe_token(subscription: ReportSubscription) -> str:
    """The unsubscribe secret of a confirmed subscription; a new one if the stored copy
    can no longer be read (its encryption key was retired)."""
    try:
        return decrypt_text(subscription.unsubscribe_token_encrypted)
    except DecryptionError:
        token = secrets.token_urlsafe(32)
        subscription.unsubscribe_token_digest = _token_digest(token)
        subscription.unsubscribe_token_encrypted = encrypt_text(token)
        subscription.save(update_fields=["unsubscribe_token_digest", "unsubscribe_token_encrypted"])
        return token


def _archive_url(organisation: Organisation | None) -> str:
    if organisation is None:
        return absolute_url(reverse("reports:index"))
    return absolute_url(reverse("reports:organisation", args=[organisation.slug]))


def subscription_by_confirmation(token: str) -> ReportSubscription:
    """The pending subscription a confirmation link stands for, or a French refusal."""
    subscription = (
        ReportSubscription.objects.select_related("organisation")
        .filter(confirmation_token_digest=_token_digest(token))
        .exclude(confirmation_token_digest="")
        .first()
    )
    if subscription is None or subscription.status == SubscriptionStatus.UNSUBSCRIBED:
        raise ReportsError(
            "token_invalid",
            "Ce lien de confirmation est invalide ou a déjà servi : vérifiez qu’il a été "
            "copié en entier, ou abonnez-vous de nouveau.",
        )
    if subscription.status == SubscriptionStatus.PENDING and (
        timezone.now() - subscription.requested_at > dt.timedelta(days=_confirmation_days())
    ):
        raise ReportsError(
            "token_expired",
            "Ce lien de confirmation a expiré : abonnez-vous de nouveau pour en recevoir un autre.",
        )
    return subscription


@transaction.atomic
def subscription_confirm(*, token: str) -> ReportSubscription:
    """Confirm a subscription (a second confirmation changes nothing)."""
    subscription = subscription_by_confirmation(token)
    subscription = ReportSubscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.status == SubscriptionStatus.CONFIRMED:
        return subscription
    unsubscribe = secrets.token_urlsafe(32)
    subscription.status = SubscriptionStatus.CONFIRMED
    subscription.confirmed_at = timezone.now()
    subscription.unsubscribe_token_digest = _token_digest(unsubscribe)
    subscription.unsubscribe_token_encrypted = encrypt_text(unsubscribe)
    subscription.full_clean(validate_constraints=False)
    subscription.save()
    logger.info("report_subscription_confirmed", subscription_id=subscription.pk)
    return subscription


def subscription_by_unsubscribe(token: str) -> ReportSubscription | None:
    """The subscription an unsubscribe link stands for (confirmed or already ended)."""
    if not token:
        return None
    return (
        ReportSubscription.objects.select_related("organisation")
        .filter(unsubscribe_token_digest=_token_digest(token))
        .first()
    )


@transaction.atomic
def subscription_unsubscribe(*, token: str) -> ReportSubscription | None:
    """End the subscription of an unsubscribe link; the address is erased at once. None
    when the link stands for nothing (the caller says the same: no report will come)."""
    found = subscription_by_unsubscribe(token)
    if found is None:
        return None
    subscription = ReportSubscription.objects.select_for_update().get(pk=found.pk)
    if subscription.status != SubscriptionStatus.UNSUBSCRIBED:
        subscription.status = SubscriptionStatus.UNSUBSCRIBED
        subscription.unsubscribed_at = timezone.now()
        subscription.email_encrypted = ""
        subscription.email_digest = ""
        subscription.confirmation_token_digest = ""
        subscription.unsubscribe_token_encrypted = ""
        subscription.save()
        logger.info("report_unsubscribed", subscription_id=subscription.pk)
    return subscription


def subscriptions_purge_pending(*, now: dt.datetime | None = None) -> int:
    """Delete the subscriptions never confirmed within the link's validity."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=_confirmation_days())
    deleted, _ = ReportSubscription.objects.filter(
        status=SubscriptionStatus.PENDING, requested_at__lt=cutoff
    ).delete()
    return deleted


# --- Sending a report ----------------------------------------------------------------------


def report_notify_subscribers(*, report_id: int) -> int:
    """Queue one email per confirmed subscriber of the report's organisation (or of the
    national reports): the link to the report and the one-click unsubscribe link. Once per
    report and subscriber (idempotency key). Returns how many were queued."""
    report = Report.objects.select_related("organisation").filter(pk=report_id).first()
    if report is None:
        return 0
    subscribers = ReportSubscription.objects.filter(
        organisation=report.organisation, status=SubscriptionStatus.CONFIRMED
    ).exclude(email_encrypted="")
    view = _report_url(report)
    queued = 0
    for subscription in subscribers.iterator():
        try:
            address = decrypt_text(subscription.email_encrypted)
        except DecryptionError:
            logger.warning("report_subscriber_unreadable", subscription_id=subscription.pk)
            continue
        token = _unsubscribe_token(subscription)
        message_queue(
            template="reports/emails/report",
            to=address,
            context={
                "title": report.title,
                "kind": report.get_kind_display().lower(),
                "url": view,
                "pdf_url": _report_url(report, pdf=True),
                "unsubscribe_url": _unsubscribe_url(token),
            },
            owner=report,
            idempotency_key=f"reports.report:{report.pk}:{subscription.pk}",
            headers=unsubscribe_headers(token),
        )
        queued += 1
    logger.info("report_subscribers_notified", report_id=report.pk, queued=queued)
    return queued


def _report_url(report: Report, *, pdf: bool = False) -> str:
    name = "reports:" + ("pdf" if pdf else "detail")
    if report.organisation is None:
        name = "reports:national_" + ("pdf" if pdf else "detail")
        return absolute_url(reverse(name, args=[report.period_code]))
    return absolute_url(reverse(name, args=[report.organisation.slug, report.period_code]))
