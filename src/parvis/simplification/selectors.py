"""Reads of the simplification app: public listing, follow-up figures, back office, open data.

Public selectors only ever return requests in a public status and only their masked
fields are rendered; back-office selectors are scoped by ``accounts.scoping``.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from parvis.accounts.scoping import Perm, can_moderate, visible_to
from parvis.core.crypto import email_digest
from parvis.core.http import absolute_url
from parvis.core.numbers import one_decimal
from parvis.core.text import search_key
from parvis.directory.models import Organisation
from parvis.simplification.models import (
    PUBLIC_STATUSES,
    STATUS_PUBLIC_CODES,
    DeclineReason,
    SimplificationRequest,
    Status,
    StatusChange,
)

# Below this count no rate, share or median is published (too few to mean anything).
MIN_N = 10
OPEN_STATUSES = (Status.SUBMITTED, Status.RECEIVED, Status.UNDER_STUDY, Status.ACCEPTED)


def public_history() -> Prefetch:
    return Prefetch(
        "history",
        queryset=StatusChange.objects.filter(is_public=True).order_by("created_at", "id"),
        to_attr="public_history",
    )


# The years of submission the public list and the follow-up can be filtered on.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def requests_for_public(
    *,
    organisation: Organisation | str | None = None,
    status: str | None = None,
    year: int | None = None,
    theme: str | None = None,
    q: str = "",
) -> QuerySet[SimplificationRequest]:
    """Published requests, newest published first, with the filters of the public list."""
    queryset = (
        SimplificationRequest.objects.filter(status__in=PUBLIC_STATUSES)
        .select_related("organisation", "theme", "motif")
        .order_by("-received_at", "-id")
    )
    if isinstance(organisation, Organisation):
        queryset = queryset.filter(organisation=organisation)
    elif organisation:
        queryset = queryset.filter(organisation__slug=organisation)
    if status:
        queryset = queryset.filter(status=status)
    if year:
        queryset = queryset.filter(year=year)
    if theme:
        queryset = queryset.filter(theme_id=theme)
    words = search_key(q or "").split()[:8]
    if (q or "").strip() and not words:
        return queryset.none()  # « 😀 », « ??? »: no word to look for, nothing found
    for word in words:
        queryset = queryset.filter(search_text__contains=word)
    return queryset


def request_for_public(reference: str) -> SimplificationRequest:
    """One published request with its public history; ``DoesNotExist`` otherwise."""
    return requests_for_public().prefetch_related(public_history()).get(reference=reference)


# --- A signed-in person's own requests ------------------------------------------------------


def requests_supported_by(user: Any) -> QuerySet[SimplificationRequest]:
    """The requests a signed-in person supported: with their account, or with their
    account's current address (a support by email is confirmed by a link, and an
    account's support holds its address's digest too), most recently published first."""
    if not getattr(user, "is_authenticated", False):
        return SimplificationRequest.objects.none()
    digest = email_digest(user.email, purpose="simplification")
    supported = Q(supports__user=user) | Q(supports__email_digest=digest)
    ids = SimplificationRequest.objects.filter(supported).values("pk")
    return (
        SimplificationRequest.objects.filter(pk__in=ids)
        .select_related("organisation")
        .order_by("-received_at", "-id")
    )


def requests_proposed_by(user: Any) -> QuerySet[SimplificationRequest]:
    """The requests proposed while signed in to this account, newest first (whatever
    their status: the proposer sees those still waiting or not published too)."""
    if not getattr(user, "is_authenticated", False):
        return SimplificationRequest.objects.none()
    return (
        SimplificationRequest.objects.filter(proposer_user=user)
        .select_related("organisation")
        .order_by("-submitted_at", "-id")
    )


def public_years() -> list[int]:
    return sorted(
        set(
            SimplificationRequest.objects.filter(status__in=PUBLIC_STATUSES)
            .values_list("year", flat=True)
            .distinct()
        ),
        reverse=True,
    )


def organisations_with_requests() -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(simplification_requests__status__in=PUBLIC_STATUSES)
        .distinct()
        .order_by("sort_key")
    )


# --- Follow-up per organisation and year ----------------------------------------------------


@dataclass
class FollowUp:
    """Figures of one organisation for one year (requests submitted that year)."""

    organisation: Organisation
    year: int
    counts: dict[str, int] = field(default_factory=dict)
    durations: list[float] = field(default_factory=list)  # days, decided requests

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def decided_n(self) -> int:
        return len(self.durations)

    @property
    def done_n(self) -> int:
        return self.counts.get(Status.DONE, 0)

    @property
    def median_days_to_decision(self) -> float | None:
        if self.decided_n < MIN_N:
            return None
        return one_decimal(statistics.median(self.durations))

    @property
    def done_rate(self) -> float | None:
        """Share of the year's published requests that are done, in percent."""
        if self.total < MIN_N:
            return None
        return one_decimal(100 * self.done_n / self.total)

    def count(self, status: str) -> int:
        return self.counts.get(status, 0)

    @property
    def status_counts(self) -> list[int]:
        """Counts in the order of ``PUBLIC_STATUSES`` (table columns)."""
        return [self.count(status) for status in PUBLIC_STATUSES]

    def as_dict(self) -> dict[str, Any]:
        return {
            "organisation": self.organisation.slug,
            "organisation_name": self.organisation.name,
            "year": self.year,
            "total": self.total,
            "counts": {
                STATUS_PUBLIC_CODES.public(status): self.count(status) for status in PUBLIC_STATUSES
            },
            "decided_n": self.decided_n,
            "median_days_to_decision": self.median_days_to_decision,
            "done_n": self.done_n,
            "done_rate": self.done_rate,
        }


def follow_up(
    *,
    organisation: Organisation | str | None = None,
    year: int | None = None,
    theme: str | None = None,
) -> list[FollowUp]:
    """Counts by status, median days from submission to decision and done rate.

    Decision = the first time the request was accepted or declined. Two queries: counts
    grouped in the database, then the (few) decision durations for the medians.
    """
    base = requests_for_public(organisation=organisation, year=year, theme=theme).order_by()
    rows: dict[tuple[int, int], FollowUp] = {}
    organisations: dict[int, None] = {}  # ids, in first-seen order
    for item in base.values("organisation_id", "year", "status").annotate(n=Count("id")):
        organisations.setdefault(item["organisation_id"], None)
        key = (item["organisation_id"], item["year"])
        rows.setdefault(key, FollowUp(organisation=None, year=item["year"]))  # type: ignore[arg-type]
        rows[key].counts[item["status"]] = item["n"]
    for organisation_id, year_, submitted_at, decided_at in base.filter(
        decided_at__isnull=False
    ).values_list("organisation_id", "year", "submitted_at", "decided_at"):
        rows[(organisation_id, year_)].durations.append(
            (cast(dt.datetime, decided_at) - submitted_at).total_seconds() / 86400
        )
    by_id = Organisation.objects.in_bulk(list(organisations))
    for (organisation_id, _), row in rows.items():
        row.organisation = by_id[organisation_id]
    return sorted(rows.values(), key=lambda r: (-r.year, r.organisation.sort_key))


# --- Back office ------------------------------------------------------------------------------


def requests_for_backoffice(
    principal: Any, *, status: str | None = None, open_only: bool = False
) -> QuerySet[SimplificationRequest]:
    """Requests a quality manager may act on (oldest first); platform moderators see all."""
    queryset = SimplificationRequest.objects.select_related("organisation", "theme")
    if not can_moderate(principal):  # platform moderators and admins: every organisation
        queryset = visible_to(principal, queryset, Perm.MANAGE_QUALITY)
    if status:
        queryset = queryset.filter(status=status)
    elif open_only:
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    return queryset.order_by("submitted_at", "id")


def may_use_backoffice(principal: Any) -> bool:
    """Platform moderators, and quality managers of a whole organisation: requests concern
    an organisation's national forms, so a local service's quality team (who holds the
    permission on its service only) would find an empty queue."""
    if can_moderate(principal):
        return True
    return visible_to(principal, Organisation.objects.all(), Perm.MANAGE_QUALITY).exists()


def counts_by_status(queryset: QuerySet[SimplificationRequest]) -> dict[str, int]:
    return dict(
        queryset.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )


# --- Open data ------------------------------------------------------------------------------


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None


def simplification_requests_for_open_data() -> Iterator[dict[str, Any]]:
    """Every published request as an open-data row: public fields only, no personal data.

    Keys follow ``publication.opendata.SIMPLIFICATION_FIELDS`` (French column names) and
    statuses are public codes (``STATUS_PUBLIC_CODES``);
    ``reference``, ``cerfa``, the per-status dates and ``historique`` (list of
    ``{statut, date, commentaire, auteur}``) are there too for the JSON export.
    """
    base_url = absolute_url()
    queryset = (
        SimplificationRequest.objects.filter(status__in=PUBLIC_STATUSES)
        .select_related("organisation", "theme")
        .prefetch_related(public_history())
        .order_by("id")
    )
    for request in queryset.iterator(chunk_size=500):
        history = request.public_history  # type: ignore[attr-defined]
        dates: dict[str, str | None] = {}
        for change in history:
            dates.setdefault(STATUS_PUBLIC_CODES.public(change.to_status), _iso(change.created_at))
        yield {
            "identifiant": str(request.uuid),
            "reference": request.reference,
            "url": base_url + reverse("simplification:detail", args=[request.reference]),
            "organisme": request.organisation.slug,
            "organisme_nom": request.organisation.name,
            "theme": request.theme_id,
            "demarche": request.procedure_name,
            "cerfa": request.cerfa_number or None,
            "difficulte": request.difficulty,
            "proposition": request.proposal,
            "statut": STATUS_PUBLIC_CODES.public(request.status),
            "statut_libelle": Status(request.status).label,
            "motif_refus": (
                DeclineReason(request.decline_reason).label if request.decline_reason else None
            ),
            "motif_refus_code": request.decline_reason or None,
            "explication_refus": request.decline_explanation or None,
            "date_depot": timezone.localtime(request.submitted_at).date().isoformat(),
            "date_statut": timezone.localtime(request.status_changed_at).date().isoformat(),
            "date_publication": _iso(request.received_at),
            "date_decision": _iso(request.decided_at),
            "date_realisation": _iso(request.done_at),
            "dates_statuts": dates,
            "soutiens": request.support_count,
            "annee": request.year,
            "historique": [
                {
                    "statut": STATUS_PUBLIC_CODES.public(change.to_status),
                    "date": _iso(change.created_at),
                    "auteur": change.public_actor,
                    "commentaire": change.public_comment or None,
                }
                for change in history
            ],
        }


def requests_for_quality(start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    """Published simplification requests received in ``[start, end)``, for the quality
    indicators: organisation, motif, the moment received and whether a decision was
    given (accepted, done or declined). Ids and moments only."""
    rows = (
        SimplificationRequest.objects.filter(received_at__gte=start, received_at__lt=end)
        .values("organisation_id", "motif_id", "received_at", "decided_at")
        .order_by()
    )
    return [dict(row) for row in rows]
