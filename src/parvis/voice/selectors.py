"""Reads of voice: moderation queue, service scope, private link, near-duplicates, who to
remind of an answer, the author's address.

Back-office selectors go through ``accounts.scoping.visible_to``: the scoped query is the
permission check. Moderation selectors are global: only platform moderators reach them
(checked by the views).
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from parvis.accounts import scoping
from parvis.accounts.models import Role
from parvis.accounts.scoping import Perm, get_visible_or_404, require_permission, visible_to
from parvis.accounts.selectors import memberships_of
from parvis.core.crypto import decrypt_text
from parvis.core.text import unaccent
from parvis.directory import servicelevels
from parvis.directory.models import LocalService, Organisation, Site
from parvis.voice.digests import author_voter_digest, private_token_digest
from parvis.voice.models import (
    PUBLIC_STATUSES,
    AnswerPolicy,
    AnswerStatus,
    AnswerTemplate,
    Experience,
    ExperienceStatus,
    ExperienceTransition,
    PublicAnswer,
)

S = ExperienceStatus
_RELATED = (
    "organisation",
    "local_service",
    "site__commune",
    "departement",
    "journey_stage",
    "channel",
    "motif",
)


# --- Moderation -------------------------------------------------------------------------


def moderation_queue() -> QuerySet[Experience]:
    """Experiences waiting for a moderator, oldest first."""
    return (
        Experience.objects.filter(status=S.IN_MODERATION)
        .select_related(*_RELATED)
        .order_by("submitted_at", "pk")
    )


def awaiting_analysis() -> QuerySet[Experience]:
    return Experience.objects.filter(status=S.SUBMITTED).order_by("submitted_at", "pk")


def answers_awaiting_moderation() -> QuerySet[PublicAnswer]:
    return (
        PublicAnswer.objects.filter(status=AnswerStatus.IN_MODERATION)
        .select_related("experience__organisation", "signed_by_service", "author")
        .order_by("updated_at", "pk")
    )


def experience_for_moderation(uuid: Any) -> Experience:
    try:
        return Experience.objects.select_related(*_RELATED).get(uuid=uuid)
    except (Experience.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def sla_thresholds() -> tuple[int, int]:
    green, orange = settings.VOICE_MODERATION_SLA_WORKING_DAYS
    return int(green), int(orange)


def sla_colour(experience: Experience, *, now: dt.datetime | None = None) -> tuple[str, int]:
    """(``green`` | ``orange`` | ``red``, working days waited) since submission."""
    waited = working_days_waited(experience, since=experience.submitted_at, now=now)
    green, orange = sla_thresholds()
    late = servicelevels.lateness(waited, at_risk_from=green, late_from=orange)
    return late.colour, waited


# --- Service levels ---------------------------------------------------------------------


def answer_targets(organisation: Organisation) -> tuple[int, int]:
    """(target, escalation delay beyond the target), in working days."""
    policy = AnswerPolicy.objects.filter(organisation=organisation).first()
    if policy is None:
        return settings.VOICE_ANSWER_TARGET_WORKING_DAYS, settings.VOICE_ESCALATION_WORKING_DAYS
    return policy.target_working_days, policy.escalation_working_days


class Placed(Protocol):
    """What ``place_of`` reads: an experience, or its public copy in ``publication``."""

    departement_id: Any
    site: Any
    local_service: Any


def place_of(experience: Placed) -> servicelevels.Place:
    """Where an experience's delays are counted: its site's (with its calendar), its
    département, its local service's main one, else the metropolitan calendar (national
    services). ``publication`` counts the public delays on the same place."""
    return servicelevels.place_for(
        departement_code=str(experience.departement_id) if experience.departement_id else None,
        site=experience.site,
        local_service=experience.local_service,
    )


def answer_delay_working_days(experience: Experience, answered_at: dt.datetime) -> int:
    """The public answer delay: working days of the experience's place from its
    publication to the answer's (the count the reminders and the due date use). The public
    page, the figures, the open data and the staff dashboards all read this one."""
    assert experience.published_at is not None
    return servicelevels.working_days_elapsed(
        experience.published_at, now=answered_at, place=place_of(experience)
    )


def answer_due_at_for(experience: Experience, *, target: int | None = None) -> dt.datetime | None:
    """End (exclusive) of the public answer target: ``target`` working days of the
    experience's place counted from its publication (the organisation's
    ``answer_targets`` when not given); ``None`` while it is not published. The
    experience is late when it is still unanswered at this moment."""
    if experience.published_at is None:
        return None
    if target is None:
        target = answer_targets(experience.organisation)[0]
    return servicelevels.working_days_deadline(
        experience.published_at, target, place_of(experience)
    )


# Who answers a published experience: the quality managers of its scope (and platform
# admins). The answer service, the answer pages and the dashboards' lateness alerts all
# ask ``may_answer``: nobody is told an answer is late who could not write it.
ANSWER_PERMISSION = Perm.MANAGE_QUALITY


def may_answer(principal: Any, experience: Experience | None = None) -> bool:
    """Whether ``principal`` may answer ``experience`` (some experience, if None)."""
    return scoping.has_permission(principal, ANSWER_PERMISSION, experience)


def is_late(experience: Experience, *, now: dt.datetime | None = None) -> bool:
    """Unanswered past its stored due date, compared with ``now`` (the time of reading)."""
    return (
        experience.status == S.PUBLISHED
        and experience.answer_due_at is not None
        and (now or timezone.now()) >= experience.answer_due_at
    )


def working_days_waited(
    experience: Experience, *, since: dt.datetime, now: dt.datetime | None = None
) -> int:
    return servicelevels.working_days_elapsed(
        since, now=now or timezone.now(), place=place_of(experience)
    )


def holders_emails(experience: Experience, role: str) -> list[str]:
    """Emails of who holds ``role`` over the experience. Admins are alerted at the
    organisation level only, as before: a local admin is not the escalation."""
    levels = (
        ("organisation",)
        if role == Role.ORGANISATION_ADMIN
        else ("organisation", "local_service", "site")
    )
    users = scoping.holders(experience, roles=[role], levels=levels)
    return list(users.values_list("email", flat=True))


def history(experience: Experience) -> QuerySet[ExperienceTransition]:
    return experience.transitions.select_related("actor").order_by("created_at", "pk")


# --- Near-duplicates --------------------------------------------------------------------

_WORD = re.compile(r"\w+")
DUPLICATE_THRESHOLD = 0.6
DUPLICATE_WINDOW_DAYS = 180
DUPLICATE_CANDIDATES = 300


def shingles(text: str, size: int = 3) -> set[tuple[str, ...]]:
    """Word ``size``-grams of the accent-free, lower-case text (placeholders included)."""
    words = _WORD.findall(unaccent(text or "").casefold())
    if len(words) < size:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def jaccard(a: set[Any], b: set[Any]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class Duplicate:
    experience: Experience
    reason: str  # "same_author" | "similar_text"
    similarity: float


def near_duplicates(experience: Experience, *, limit: int = 5) -> list[Duplicate]:
    """Other experiences from the same author (email or account), or with near-identical
    text about the same service (Jaccard similarity of word 3-grams of the masked texts)."""
    others = Experience.objects.exclude(pk=experience.pk).exclude(status=S.WITHDRAWN)
    found: dict[int, Duplicate] = {}
    same_author = Q()
    if experience.author_email_digest:
        same_author |= Q(author_email_digest=experience.author_email_digest)
    if experience.author_id:  # an account holder who gave no email
        same_author |= Q(author=experience.author_id)
    if same_author:
        for other in others.filter(same_author).order_by("-submitted_at")[:limit]:
            found[other.pk] = Duplicate(other, "same_author", 1.0)
    mine = shingles(f"{experience.masked_title} {experience.masked_text}")
    if mine:
        since = experience.submitted_at - dt.timedelta(days=DUPLICATE_WINDOW_DAYS)
        same_service = Q(organisation=experience.organisation_id)
        if experience.local_service_id:
            same_service &= Q(local_service=experience.local_service_id)
        if experience.site_id:
            same_service &= Q(site=experience.site_id)
        candidates = (
            others.filter(same_service, submitted_at__gte=since)
            .exclude(masked_text="")
            .only("pk", "uuid", "masked_title", "masked_text", "status", "submitted_at")
            .order_by("-submitted_at")[:DUPLICATE_CANDIDATES]
        )
        for other in candidates:
            if other.pk in found:
                continue
            score = jaccard(mine, shingles(f"{other.masked_title} {other.masked_text}"))
            if score >= DUPLICATE_THRESHOLD:
                found[other.pk] = Duplicate(other, "similar_text", round(score, 2))
    ranked = sorted(found.values(), key=lambda d: (-d.similarity, d.experience.pk))
    return ranked[:limit]


# --- Service scope (quality managers) --------------------------------------------------


def experiences_for_service(principal: Any, *, status: str = "") -> QuerySet[Experience]:
    """Published experiences about the principal's scope (its local service or site, the
    site where it was recorded at a counter): every role reads them, quality managers
    answer them. The unanswered first, the oldest of them first; then the others, most
    recently published first."""
    queryset = Experience.objects.filter(status__in=PUBLIC_STATUSES)
    if status:
        queryset = queryset.filter(status=status)
    return (
        visible_to(principal, queryset, Perm.VIEW)
        .select_related(*_RELATED, "answer")
        .annotate(
            answered_rank=Case(When(status=S.PUBLISHED, then=Value(0)), default=Value(1)),
            waiting_since=Case(When(status=S.PUBLISHED, then=F("published_at"))),
        )
        .order_by("answered_rank", F("waiting_since").asc(nulls_last=True), "-published_at", "pk")
    )


def experience_for_service(
    principal: Any, uuid: Any, *, permission: Perm = Perm.VIEW
) -> Experience:
    """404 outside the scope (or not yet published), 403 without ``permission`` (reading:
    ``VIEW``; answering: ``MANAGE_QUALITY``)."""
    experience = get_visible_or_404(
        principal,
        Experience.objects.filter(status__in=PUBLIC_STATUSES).select_related(*_RELATED),
        uuid=uuid,
    )
    require_permission(principal, permission, experience)
    return experience


def overdue_for(principal: Any, *, now: dt.datetime | None = None) -> QuerySet[Experience]:
    """Unanswered experiences past their answer due date at ``now`` (the time of reading,
    not a daily flag), in the principal's answering scope, the longest overdue first."""
    return (
        visible_to(
            principal,
            Experience.objects.filter(status=S.PUBLISHED, answer_due_at__lte=now or timezone.now()),
            ANSWER_PERMISSION,
        )
        .select_related(*_RELATED)
        .order_by("answer_due_at", "published_at", "pk")
    )


def answer_of(experience: Experience) -> PublicAnswer | None:
    return PublicAnswer.objects.filter(experience=experience).first()


# --- Counter recording ----------------------------------------------------------------


def counter_site_of(user: Any, sites: QuerySet[Site]) -> Site | None:
    """The site to preselect for an adviser recording at a counter: the one of their site
    membership (the first, in French order), else their only site in scope."""
    own = sites.filter(pk__in=memberships_of(user).filter(site__isnull=False).values("site"))
    site = own.first()
    if site is None and sites.count() == 1:
        site = sites.first()
    return site


def experience_recorded_by(principal: Any, uuid: Any) -> Experience | None:
    """An experience the principal may see (the one they just recorded), or None."""
    if not uuid:
        return None
    try:
        return (
            visible_to(principal, Experience.objects.all())
            .select_related("organisation", "local_service", "site", "assisted_site")
            .get(uuid=uuid)
        )
    except (Experience.DoesNotExist, ValueError, ValidationError):
        return None


# --- Authors ----------------------------------------------------------------------------


def experience_by_token(token: str) -> Experience:
    """The experience of a private link, or 404 (never says whether it existed). The link
    given at submission and the one sent with the publication email both open it."""
    if not token or len(token) > 100:
        raise Http404
    digest = private_token_digest(token)
    try:
        return Experience.objects.select_related(*_RELATED).get(
            Q(private_token_digest=digest) | Q(publication_link_digest=digest)
        )
    except Experience.DoesNotExist as exc:
        raise Http404 from exc


def author_email_of(experience: Experience) -> str:
    return (
        decrypt_text(experience.author_email_encrypted)
        if (experience.author_email_encrypted)
        else ""
    )


def experiences_of_author(user: Any) -> QuerySet[Experience]:
    if not getattr(user, "is_authenticated", False):
        return Experience.objects.none()
    return (
        Experience.objects.filter(author=user)
        .select_related(*_RELATED)
        .order_by("-submitted_at", "-pk")
    )


def experience_of_author(user: Any, uuid: Any) -> Experience:
    """One experience of the signed-in author, or 404 (someone else's is never found)."""
    try:
        return experiences_of_author(user).get(uuid=uuid)
    except (Experience.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def published_answer_of(experience: Experience) -> PublicAnswer | None:
    """The service's answer as the public reads it, or None while there is none."""
    return (
        PublicAnswer.objects.select_related("signed_by_service", "signed_by_organisation")
        .filter(experience=experience, status=AnswerStatus.PUBLISHED)
        .first()
    )


def author_has_rated(answer: PublicAnswer, experience: Experience) -> bool:
    """Whether the author already said if the answer helped (link or account: one key)."""
    return answer.feedback.filter(
        voter_digest=author_voter_digest(experience.private_token_digest)
    ).exists()


def published_answer(uuid: Any) -> PublicAnswer:
    try:
        return PublicAnswer.objects.select_related(
            "experience", "signed_by_service", "signed_by_organisation"
        ).get(
            experience__uuid=uuid,
            status=AnswerStatus.PUBLISHED,
            experience__status__in=[S.ANSWERED, S.ARCHIVED],
        )
    except (PublicAnswer.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


# --- Answer templates -------------------------------------------------------------------
# The one template store of the house: public answers use it now, the agent desk will.
# A template belongs to an organisation (``local_service`` empty) or to one of its local
# services (its quality team's own); scoping reaches it through both paths.


def answer_templates_for(
    *,
    organisation: Organisation | int,
    local_service: LocalService | int | None = None,
    public_answer: bool = False,
) -> QuerySet[AnswerTemplate]:
    """Active templates offered when answering about ``organisation`` (and, when known,
    ``local_service``): the organisation's own plus that local service's, by title.
    ``public_answer``: only those that must be personalised (a public answer must be)."""
    own = Q(local_service__isnull=True)
    if local_service is not None:
        own |= Q(local_service=local_service)
    if public_answer:
        own &= Q(must_personalise=True)
    return (
        AnswerTemplate.objects.filter(own, organisation=organisation, is_active=True)
        .select_related("local_service")
        .order_by("title", "pk")
    )


def templates_visible_to(principal: Any) -> QuerySet[AnswerTemplate]:
    """The templates the principal manages: an organisation-level quality manager or
    admin all of the organisation's, a local one those of their local service."""
    return (
        visible_to(principal, AnswerTemplate.objects.all(), Perm.MANAGE_QUALITY)
        .select_related("organisation", "local_service")
        .order_by("organisation__sort_key", "local_service__sort_key", "title", "pk")
    )


def template_for(principal: Any, pk: int) -> AnswerTemplate:
    """404 outside the scope, 403 without ``MANAGE_QUALITY`` on the template."""
    template = get_visible_or_404(principal, AnswerTemplate.objects.all(), pk=pk)
    require_permission(principal, Perm.MANAGE_QUALITY, template)
    return template


@dataclass(frozen=True)
class TemplateOwners:
    """Where the principal may file a template: organisations (those where they act at
    organisation level, and those of their local services) and local services."""

    organisations: QuerySet[Organisation]
    local_services: QuerySet[LocalService]
    organisation_wide: bool  # may file a template for a whole organisation


def template_owners_for(principal: Any) -> TemplateOwners:
    whole = visible_to(principal, Organisation.objects.filter(is_active=True), Perm.MANAGE_QUALITY)
    services = visible_to(
        principal,
        LocalService.objects.filter(is_active=True, organisation__is_active=True),
        Perm.MANAGE_QUALITY,
    ).select_related("organisation")
    organisations = Organisation.objects.filter(
        Q(pk__in=whole.values("pk")) | Q(pk__in=services.values("organisation"))
    ).order_by("sort_key", "pk")
    return TemplateOwners(
        organisations=organisations,
        local_services=services.order_by("organisation__sort_key", "sort_key", "pk"),
        organisation_wide=whole.exists(),
    )


# --- Dashboards -------------------------------------------------------------------------
# Raw counts of a scope for the staff's home pages (the n ≥ 10 rule is for the public).
# Each count is read with the selector of the page it links to, so both agree.

# An unanswered experience is "soon late" this many working days before its target.
ANSWER_DUE_SOON_WORKING_DAYS = 2
# Answer rate and median delay: experiences published in this window, at most this many
# answers in the median (the most recent), computed in Python over working days.
FIGURES_WINDOW_DAYS = 365
MEDIAN_SAMPLE = 2000
# The moderation queue's colours are computed oldest first until the first item on time
# (every younger one is on time too); past this many late items, the rest are counted
# with the colour of the last one read.
QUEUE_SCAN = 1000


@dataclass(frozen=True)
class Backlog:
    """Items waiting: how many, and the oldest one's age in working days and colour."""

    count: int
    oldest_days: int | None = None
    lateness: servicelevels.Lateness | None = None


@dataclass(frozen=True)
class ModerationBacklog:
    experiences: Backlog
    sensitive: int  # among ``experiences``: need an individual decision
    by_lateness: dict[servicelevels.Lateness, int]  # late, at risk, on time
    awaiting_analysis: int  # submitted, masking not done yet
    answers: Backlog  # services' answers a moderator must read


@dataclass(frozen=True)
class AnswerFigures:
    """The answers of a scope: the to-do (unanswered, overdue) and the last 12 months."""

    unanswered: Backlog
    overdue: int
    answered: int  # answered or archived after an answer, all time
    published_in_window: int  # public experiences published in the last 12 months…
    answered_in_window: int  # …of which answered
    median_working_days: float | None  # publication → answer, answered in the window
    median_n: int
    # Working days the longest overdue experience has waited since its publication.
    overdue_oldest_days: int | None = None

    @property
    def answer_rate(self) -> float | None:
        """Percent of the window's public experiences that have an answer."""
        if not self.published_in_window:
            return None
        return round(100 * self.answered_in_window / self.published_in_window, 1)


def _moderation_lateness(waited: int) -> servicelevels.Lateness:
    green, orange = sla_thresholds()
    return servicelevels.lateness(waited, at_risk_from=green, late_from=orange)


def moderation_backlog(*, now: dt.datetime | None = None) -> ModerationBacklog:
    """The moderators' to-do, every organisation (only platform moderators see it): the
    experiences of ``moderation_queue`` by colour and sensitivity, the answers to read."""
    now = now or timezone.now()
    queue = moderation_queue()
    totals = queue.order_by().aggregate(
        count=Count("pk"), sensitive=Count("pk", filter=Q(is_sensitive=True))
    )
    late, at_risk = servicelevels.Lateness.LATE, servicelevels.Lateness.AT_RISK
    by_lateness = {late: 0, at_risk: 0}
    experiences = Backlog(totals["count"])
    colour = servicelevels.Lateness.ON_TIME
    scanned = 0
    for experience in queue[:QUEUE_SCAN]:  # oldest first
        waited = working_days_waited(experience, since=experience.submitted_at, now=now)
        colour = _moderation_lateness(waited)
        if not scanned:
            experiences = Backlog(totals["count"], waited, colour)
        if colour == servicelevels.Lateness.ON_TIME:
            break
        by_lateness[colour] += 1
        scanned += 1
    if scanned == QUEUE_SCAN:  # that late a queue: the rest counted like the last one read
        by_lateness[colour] += totals["count"] - scanned
    by_lateness[servicelevels.Lateness.ON_TIME] = totals["count"] - sum(by_lateness.values())

    answers = answers_awaiting_moderation()
    answer_backlog = Backlog(answers.count())
    oldest = answers.select_related("experience__site__commune", "experience__local_service")
    if answer_backlog.count and (answer := oldest.first()) is not None:
        waited = working_days_waited(answer.experience, since=answer.updated_at, now=now)
        answer_backlog = Backlog(answer_backlog.count, waited, _moderation_lateness(waited))
    return ModerationBacklog(
        experiences=experiences,
        sensitive=totals["sensitive"],
        by_lateness=by_lateness,
        awaiting_analysis=awaiting_analysis().count(),
        answers=answer_backlog,
    )


def _answer_lateness(
    experience: Experience, waited: int, now: dt.datetime
) -> servicelevels.Lateness:
    """Late once its stored due date has passed (``is_late``); soon late in the last
    working days before the target."""
    if is_late(experience, now=now):
        return servicelevels.Lateness.LATE
    if waited >= answer_targets(experience.organisation)[0] - ANSWER_DUE_SOON_WORKING_DAYS:
        return servicelevels.Lateness.AT_RISK
    return servicelevels.Lateness.ON_TIME


def answer_figures(principal: Any, *, now: dt.datetime | None = None) -> AnswerFigures:
    """Unanswered, overdue, answer rate and median answer delay of the principal's scope:
    the public experiences of ``experiences_for_service`` (the list they link to)."""
    now = now or timezone.now()
    scope = experiences_for_service(principal)
    since = now - dt.timedelta(days=FIGURES_WINDOW_DAYS)
    totals = scope.order_by().aggregate(
        unanswered=Count("pk", filter=Q(status=S.PUBLISHED)),
        overdue=Count("pk", filter=Q(status=S.PUBLISHED, answer_due_at__lte=now)),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        published_in_window=Count("pk", filter=Q(published_at__gte=since)),
        answered_in_window=Count(
            "pk", filter=Q(published_at__gte=since, answered_at__isnull=False)
        ),
    )
    unanswered = Backlog(totals["unanswered"])
    oldest = (
        experiences_for_service(principal, status=S.PUBLISHED)
        .exclude(published_at__isnull=True)
        .order_by("published_at", "pk")
        .first()
    )
    if oldest is not None and oldest.published_at is not None:
        waited = working_days_waited(oldest, since=oldest.published_at, now=now)
        unanswered = Backlog(totals["unanswered"], waited, _answer_lateness(oldest, waited, now))
    overdue_oldest_days = None
    if totals["overdue"]:
        # The oldest unanswered, when overdue itself, is the oldest overdue (same order).
        longest = oldest
        if longest is None or longest.answer_due_at is None or longest.answer_due_at > now:
            longest = (
                experiences_for_service(principal, status=S.PUBLISHED)
                .filter(answer_due_at__lte=now, published_at__isnull=False)
                .order_by("published_at", "pk")
                .first()
            )
        if longest is not None and longest.published_at is not None:
            overdue_oldest_days = working_days_waited(longest, since=longest.published_at, now=now)
    answered = (
        scope.filter(published_at__gte=since, answered_at__isnull=False)
        .select_related(None)
        .select_related("site__commune", "local_service")
        .only(
            "published_at",
            "answered_at",
            "departement_id",
            "site__name",
            "site__commune__departement_id",
            "local_service__main_departement_id",
        )
        .order_by("-answered_at", "-pk")[:MEDIAN_SAMPLE]
    )
    delays = [
        answer_delay_working_days(experience, experience.answered_at)
        for experience in answered
        if experience.published_at is not None and experience.answered_at is not None
    ]
    return AnswerFigures(
        unanswered=unanswered,
        overdue=totals["overdue"],
        answered=totals["answered"],
        published_in_window=totals["published_in_window"],
        answered_in_window=totals["answered_in_window"],
        median_working_days=float(statistics.median(delays)) if delays else None,
        median_n=len(delays),
        overdue_oldest_days=overdue_oldest_days,
    )


def counter_recordings(principal: Any, *, status: str = "") -> QuerySet[Experience]:
    """Experiences the principal recorded at a counter for a citizen (assisted), within
    their scope, the most recent first."""
    queryset = Experience.objects.filter(assisted_by=principal, is_assisted=True)
    if status:
        queryset = queryset.filter(status=status)
    return (
        visible_to(principal, queryset, Perm.VIEW)
        .select_related("organisation", "local_service", "site", "assisted_site")
        .order_by("-submitted_at", "-pk")
    )


def counter_backlogs(principal: Any, *, now: dt.datetime | None = None) -> dict[str, Backlog]:
    """Status → the principal's counter recordings in it; for those waiting (a moderator,
    an answer), the oldest one's age and colour. An answer's lateness is an alert for
    whoever may answer (``may_answer``), not for the agent who recorded the experience."""
    now = now or timezone.now()
    recordings = counter_recordings(principal)
    counts = dict(
        recordings.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    backlogs = {status: Backlog(count) for status, count in counts.items()}
    if counts.get(S.IN_MODERATION):
        oldest = recordings.filter(status=S.IN_MODERATION).order_by("submitted_at", "pk").first()
        if oldest is not None:
            waited = working_days_waited(oldest, since=oldest.submitted_at, now=now)
            backlogs[S.IN_MODERATION] = Backlog(
                counts[S.IN_MODERATION], waited, _moderation_lateness(waited)
            )
    if counts.get(S.PUBLISHED):
        oldest = (
            recordings.filter(status=S.PUBLISHED, published_at__isnull=False)
            .order_by("published_at", "pk")
            .first()
        )
        if oldest is not None and oldest.published_at is not None:
            waited = working_days_waited(oldest, since=oldest.published_at, now=now)
            lateness = _answer_lateness(oldest, waited, now) if may_answer(principal) else None
            backlogs[S.PUBLISHED] = Backlog(counts[S.PUBLISHED], waited, lateness)
    return backlogs


def experiences_for_quality(start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    """Public experiences published in ``[start, end)``, for the quality indicators: their
    places, publication moment, tone, themes and, when answered publicly, the answer
    delay in working days (``answer_delay_working_days``). Codes, ids and moments only,
    never a text."""
    from django.db.models import Prefetch

    from parvis.directory.models import Theme
    from parvis.voice.models import PUBLIC_STATUSES, Experience

    experiences = (
        Experience.objects.filter(
            published_at__gte=start, published_at__lt=end, status__in=PUBLIC_STATUSES
        )
        .select_related("site", "local_service")
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.only("pk")))
        .only(
            "organisation_id",
            "local_service_id",
            "site_id",
            "departement_id",
            "channel_id",
            "motif_id",
            "published_at",
            "answered_at",
            "tone",
            "site__commune_id",
            "site__kind",
            "local_service__main_departement_id",
        )
        .order_by()
    )
    rows = []
    for experience in experiences.iterator(chunk_size=2000):
        assert experience.published_at is not None
        answered = experience.answered_at
        rows.append(
            {
                "organisation_id": experience.organisation_id,
                "local_service_id": experience.local_service_id,
                "site_id": experience.site_id,
                "departement_id": experience.departement_id
                or (
                    experience.local_service.main_departement_id
                    if experience.local_service
                    else None
                ),
                "motif_id": experience.motif_id,
                "published_at": experience.published_at,
                "tone": experience.tone,
                "theme_ids": sorted(theme.pk for theme in experience.themes.all()),
                "answer_delay": (
                    answer_delay_working_days(experience, answered) if answered else None
                ),
            }
        )
    return rows


def experience_decisions_for_quality(start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    """Moderation decisions taken in ``[start, end)`` on experiences, for the quality
    indicators: a publication (whatever became of the experience since) or a refusal with
    its charter reason, with the experience's places and the moment of the decision. Ids,
    codes and moments only."""
    from parvis.voice.models import Experience

    fields = (
        "organisation_id",
        "local_service_id",
        "site_id",
        "departement_id",
        "motif_id",
        "local_service__main_departement_id",
    )
    rows = []
    for moment, rejected in (("published_at", False), ("rejected_at", True)):
        decisions = (
            Experience.objects.filter(**{f"{moment}__gte": start, f"{moment}__lt": end})
            .values(*fields, moment, "rejection_reason")
            .order_by()
        )
        for row in decisions.iterator(chunk_size=2000):
            rows.append(
                {
                    "organisation_id": row["organisation_id"],
                    "local_service_id": row["local_service_id"],
                    "site_id": row["site_id"],
                    "departement_id": row["departement_id"]
                    or row["local_service__main_departement_id"],
                    "motif_id": row["motif_id"],
                    "decided_at": row[moment],
                    "rejected": rejected,
                    "rejection_reason": row["rejection_reason"] if rejected else "",
                }
            )
    return rows
