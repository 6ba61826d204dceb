"""Demo quality results: fifteen months of contacts behind every public indicator page,
map and report (issue 16), so that the latest due report and the last complete month
each have their month a year before.

A bulk loader, like ``voice_demo._backdate``: the hub's rows are written as the hub would
have left them once each contact was over, never through its services (tens of thousands
of contacts in seconds; no transition log but the reopenings, no message, no event):

* conversations on every channel, month after month up to yesterday, at the demo's own
  places (each local service's counter and queues, the national contact centres, the
  Carsat's regional platform): phone and chat with waits in seconds, answered, abandoned
  (a few within 5 seconds) or left to voicemail; emails and SMS answered in working
  days, with the deadlines the hub announces at queueing (``directory.servicelevels``);
  counter visits; visits at France Services sites, under the structure that runs the site
  (as ``visit_record`` writes them) and, for a part, under the partner whose démarche it
  was (the per-partner figures of a site's page); outcomes, reopenings within 7 days;
* post-contact questionnaires after eight in ten of the contacts that may draw them
  (``contacts.surveys``), a little more than half answered: at least 100 answers a month
  for the CAF, the CPAM, the DGFiP and France Travail, so that satisfaction shows;
* each organisation its own profile (answer rate, waits, a slow improvement over the
  year, La Réunion slower), so that rankings, maps and trends have something to say;
* a few targets (``IndicatorTarget``), some met and some missed, and declared figures:
  missed appointments (``rendez-vous-non-honores``, declared only) with their source, and
  a declared answer rate that the computed one covers, shown beside it;

then ``quality.services.refresh`` over the fifteen months. Deterministic (its own
seeded generator; dates relative to today) and created once: a rerun finds the demo's
declared figures and adds nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import F, Max, Model
from django.utils import timezone

from parvis.contacts import surveys
from parvis.contacts.models import (
    OUTCOME_TABLE_VERSION,
    Conversation,
    ConversationTransition,
    Outcome,
    Queue,
    Status,
    SurveyAnswer,
    SurveyChannel,
    SurveyInvitation,
    SurveyStatus,
)
from parvis.core.models import ReferenceCounter
from parvis.directory import servicelevels
from parvis.directory.models import Channel, LocalService, Motif, Organisation, Site
from parvis.quality import services as quality
from parvis.quality.models import DeclaredResult, Indicator, IndicatorTarget, Level

SEED = 1616
# The month under way and the fourteen before: the latest due monthly report (the month
# before last until the 16th) compares itself with the same month a year earlier, as do
# the cards of the last complete month (« Un an avant »).
MONTHS = 15
DECLARED_SOURCE = "Agenda des rendez-vous (export mensuel)"
# Contacts a month for the whole demo, by scale (spread over its places by weight).
MONTHLY_CONTACTS = {"small": 2000, "medium": 4000, "large": 8000}


@dataclass(frozen=True)
class Profile:
    """How an organisation's contacts go: its phone answer rate and mean waits (phone and
    chat in seconds, emails and SMS in hours)."""

    answered: float
    phone_wait: float
    chat_wait: float
    written_hours: float


PROFILES = {
    "caf": Profile(0.82, 150, 50, 30),
    "assurance-maladie": Profile(0.89, 90, 40, 22),
    "dgfip": Profile(0.76, 230, 70, 60),
    "france-travail": Profile(0.72, 200, 60, 40),
    "assurance-retraite": Profile(0.90, 70, 40, 35),
}
DEFAULT_PROFILE = Profile(0.85, 120, 50, 36)
# Share of each organisation in the demo's contacts, and of its channels.
WEIGHTS = {
    "caf": 0.28,
    "assurance-maladie": 0.24,
    "dgfip": 0.18,
    "france-travail": 0.18,
    "assurance-retraite": 0.07,
}
FRANCE_SERVICES_SHARE = 0.12
# The demo adviser's France Services site (``agent.fs@``) receives this share of the
# visits at France Services; half of a site's visits are partners' démarches.
ADVISER_SITE_SHARE = 0.4
PARTNERS_SHARE = 0.5
# Of an organisation's contacts: at its national contact centre (when it has one), the
# rest in its local services (phone, written, counter).
CENTRE_SHARE = {"caf": 0.55, "assurance-maladie": 0.5, "dgfip": 0.5, "assurance-retraite": 0.35}
CENTRE_CHANNELS = {"telephone": 0.62, "chat": 0.1, "courriel": 0.22, "sms": 0.06}
LOCAL_CHANNELS = {"telephone": 0.38, "courriel": 0.22, "sms": 0.06, "guichet": 0.34}
FRANCE_SERVICES_PARTNERS = {
    "caf": 0.4,
    "assurance-maladie": 0.25,
    "france-travail": 0.15,
    "dgfip": 0.1,
    "ants": 0.1,
}
# Slower overseas, a little better in Moselle (a multiplier of waits).
SLOWER = {"974": 1.35, "971": 1.3, "973": 1.4, "57": 0.9}
# Of the contacts that may draw questions: asked, and of those asked, answering.
ASKED, ANSWERING = 0.8, 0.55
# Targets: (indicator, organisation, value); the profiles above meet some and miss others.
TARGETS = (
    ("taux-appels-decroches", "caf", 0.80),
    ("taux-appels-decroches", "dgfip", 0.9),
    ("taux-appels-decroches", "assurance-maladie", 0.85),
    ("taux-appels-decroches", "france-travail", 0.80),
    ("attente-moyenne-telephone", "dgfip", 180.0),
    ("attente-moyenne-telephone", "assurance-maladie", 120.0),
    ("courriels-repondus-2-jours", "dgfip", 0.7),
    ("courriels-repondus-2-jours", "caf", 0.6),
    ("satisfaction-moyenne", "caf", 3.5),
    ("satisfaction-part-satisfaits", "france-travail", 0.75),
    ("france-services-bout-en-bout", "caf", 0.4),
    ("rendez-vous-non-honores", "caf", 0.08),
)
NO_SHOW = {"caf": 0.09, "assurance-maladie": 0.06, "dgfip": 0.11}


@dataclass
class Place:
    """Where contacts of one channel arrive: a queue, or a site for counter visits."""

    organisation: Organisation
    channel: str
    weight: float
    departement: str
    queue: Queue | None = None
    site: Site | None = None
    france_services: bool = False


def demo_quality_seed(*, scale: str = "small", now: dt.datetime | None = None) -> int:
    """Create the demo's year of contacts and compute its results; how many contacts
    (0 when the demo already holds them, or lacks its places)."""
    if DeclaredResult.objects.filter(source=DECLARED_SOURCE).exists():
        return 0
    now = now or timezone.now()
    today = timezone.localdate(now)
    first_month = _add_months(today.replace(day=1), -(MONTHS - 1))
    last_day = today - dt.timedelta(days=1)
    rng = random.Random(SEED)
    with transaction.atomic():
        places = _places()
        if not places:
            return 0
        created = _contacts(places, rng, first_month, last_day, MONTHLY_CONTACTS.get(scale, 2000))
        _targets()
        _declared(first_month, today)
    quality.refresh(first_day=first_month, last_day=last_day, today=today)
    return created


# --- Places --------------------------------------------------------------------------------


def _add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def _queue(
    organisation: Organisation,
    slug: str,
    name: str,
    channels: tuple[str, ...],
    *,
    departement: str,
    site: Site | None = None,
    local_service: LocalService | None = None,
    calendar_site: Site | None = None,
) -> Queue:
    """The demo's queue of that slug (those of ``contacts_demo`` included), else a new one."""
    queue, created = Queue.objects.get_or_create(
        organisation=organisation,
        slug=slug,
        defaults={
            "name": name,
            "site": site,
            "local_service": local_service,
            "calendar_site": calendar_site,
            "departement_id": departement,
        },
    )
    if created:
        queue.channels.set(Channel.objects.filter(slug__in=channels))
        queue.motifs.set(Motif.objects.filter(organisation=organisation, is_active=True))
    return queue


# The queues ``contacts_demo`` creates for these local services take their history.
KNOWN_QUEUES = {
    ("caf-33", "telephone"): "caf33-telephone",
    ("caf-33", "ecrits"): "caf33-ecrits",
    ("assurance-maladie-69", "telephone"): "cpam69-contacts",
    ("assurance-maladie-69", "ecrits"): "cpam69-contacts",
}


def _places() -> list[Place]:
    organisations = {o.slug: o for o in Organisation.objects.administrations()}
    places: list[Place] = []
    counters = list(
        Site.objects.filter(kind=Site.Kind.COUNTER, local_service__isnull=False)
        .select_related("organisation", "local_service", "commune")
        .order_by("slug")
    )
    local = {slug: [c for c in counters if c.organisation.slug == slug] for slug in WEIGHTS}
    centres = {
        s.organisation.slug: s
        for s in Site.objects.filter(kind=Site.Kind.CONTACT_CENTRE)
        .select_related("organisation", "commune")
        .order_by("slug")
    }
    for slug, share in WEIGHTS.items():
        organisation = organisations.get(slug)
        if organisation is None or not local[slug]:
            continue
        centre = centres.get(slug)
        at_centre = CENTRE_SHARE.get(slug, 0.0) if centre else 0.0
        if centre is not None and at_centre:
            code = centre.commune.departement_id
            voice = _queue(
                organisation,
                f"{centre.slug}-telephone",
                f"{centre.name} – téléphone et tchat",
                ("telephone", "chat"),
                departement=code,
                site=centre,
            )
            written = voice
            if slug != "assurance-retraite":
                written = _queue(
                    organisation,
                    f"{centre.slug}-ecrits",
                    f"{centre.name} – courriels et SMS",
                    ("courriel", "sms"),
                    departement=code,
                    site=centre,
                )
            channels = CENTRE_CHANNELS if slug != "assurance-retraite" else {"telephone": 1.0}
            for channel, part in channels.items():
                queue = voice if channel in ("telephone", "chat") else written
                places.append(
                    Place(organisation, channel, share * at_centre * part, code, queue=queue)
                )
        for counter in local[slug]:
            service = counter.local_service
            assert service is not None
            code = counter.commune.departement_id
            phone = _known(service, "telephone") or _queue(
                organisation,
                f"{service.slug}-telephone",
                f"{service.name} – téléphone",
                ("telephone",),
                departement=code,
                site=counter,
            )
            written = _known(service, "ecrits") or _queue(
                organisation,
                f"{service.slug}-ecrits",
                f"{service.name} – courriels et SMS",
                ("courriel", "sms"),
                departement=code,
                local_service=service,
                calendar_site=counter,
            )
            each = share * (1 - at_centre) / len(local[slug])
            for channel, part in LOCAL_CHANNELS.items():
                if channel == "guichet":
                    places.append(Place(organisation, channel, each * part, code, site=counter))
                else:
                    queue = phone if channel == "telephone" else written
                    places.append(Place(organisation, channel, each * part, code, queue=queue))
    france_services = list(
        Site.objects.filter(kind=Site.Kind.FRANCE_SERVICES)
        .select_related("organisation", "commune")
        .order_by("slug")
    )
    adviser = Site.objects.filter(
        kind=Site.Kind.FRANCE_SERVICES, memberships__user__email="agent.fs@demo.parvis.fr"
    ).first() or (france_services[0] if france_services else None)
    for site in france_services:
        code = site.commune.departement_id
        each = FRANCE_SERVICES_SHARE * (
            ADVISER_SITE_SHARE
            if site == adviser
            else (1 - ADVISER_SITE_SHARE) / max(1, len(france_services) - 1)
        )
        places.append(
            Place(
                site.organisation,
                "guichet",
                each * (1 - PARTNERS_SHARE),
                code,
                site=site,
                france_services=True,
            )
        )
        for slug, part in FRANCE_SERVICES_PARTNERS.items():
            if slug in organisations:
                places.append(
                    Place(
                        organisations[slug],
                        "guichet",
                        each * PARTNERS_SHARE * part,
                        code,
                        site=site,
                        france_services=True,
                    )
                )
    return places


def _known(service: LocalService, kind: str) -> Queue | None:
    slug = KNOWN_QUEUES.get((service.slug, kind))
    return Queue.objects.filter(slug=slug).first() if slug else None


# --- Contacts ------------------------------------------------------------------------------


def _reserve(year: int, count: int) -> Iterator[str]:
    """``count`` references ``CONV-<year>-<n>`` taken from the hub's counter at once."""
    counter, _ = ReferenceCounter.objects.get_or_create(
        prefix="CONV", year=year, defaults={"last": 0}
    )
    ReferenceCounter.objects.filter(pk=counter.pk).update(last=F("last") + count)
    first = counter.last + 1
    return (f"CONV-{year}-{n:05d}" for n in range(first, first + count))


Row = dict[str, Any]


def _moment(
    rng: random.Random, day: dt.date, zone: ZoneInfo, opens: float, closes: float
) -> dt.datetime:
    """A moment of ``day`` between two local hours, in UTC."""
    hours = rng.uniform(opens, closes)
    local = dt.datetime.combine(day, dt.time(), tzinfo=zone) + dt.timedelta(hours=hours)
    return local.astimezone(dt.UTC)


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def _insert(model: type[Model], rows: list[Row], *, ids: bool = False) -> None:
    """Write ``rows`` (attribute name → value; a field left out takes its default) by
    ``executemany``, the values adapted as the backend's operations adapt them: tens of
    thousands of rows where ``bulk_create`` would spend minutes preparing each field.
    ``ids=True``: the rows carry their ``id``, and the table's sequence follows."""
    fields = [f for f in model._meta.concrete_fields if ids or not f.primary_key]
    ops = connection.ops
    adapters: list[Callable[[Any], Any] | None] = []
    for field in fields:
        kind = field.get_internal_type()
        if kind == "DateTimeField":
            adapters.append(ops.adapt_datetimefield_value)
        elif kind == "DateField":
            adapters.append(ops.adapt_datefield_value)
        elif kind == "JSONField":
            encoder = getattr(field, "encoder", None)
            adapters.append(functools.partial(ops.adapt_json_value, encoder=encoder))
        elif kind in ("CharField", "TextField", "SlugField"):
            adapters.append(lambda v: v if v is None or type(v) is str else str(v))
        else:
            adapters.append(None)
    defaults = {f.attname: f.get_default() for f in fields}
    names = ", ".join(ops.quote_name(f.column) for f in fields)
    sql = (
        f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({names})"  # noqa: S608
        f" VALUES ({', '.join(['%s'] * len(fields))})"
    )
    values = [
        tuple(
            adapt(value) if adapt is not None else value
            for adapt, value in zip(
                adapters, (row.get(f.attname, defaults[f.attname]) for f in fields), strict=True
            )
        )
        for row in rows
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(values), 2000):
            cursor.executemany(sql, values[start : start + 2000])
        if ids:
            for statement in ops.sequence_reset_sql(no_style(), [model]):
                cursor.execute(statement)


def _next_id(model: type[Model]) -> int:
    return (model._default_manager.aggregate(last=Max("id"))["last"] or 0) + 1


def _contacts(
    places: list[Place],
    rng: random.Random,
    first_month: dt.date,
    last_day: dt.date,
    monthly: int,
) -> int:
    total_weight = sum(p.weight for p in places)
    motifs: dict[int, list[int]] = {}
    for organisation_id, motif_id in Motif.objects.filter(is_active=True).values_list(
        "organisation_id", "pk"
    ):
        motifs.setdefault(organisation_id, []).append(motif_id)
    rows: list[Row] = []
    month = first_month
    while month <= last_day:
        end = min(_add_months(month, 1) - dt.timedelta(days=1), last_day)
        days = _days(month, end)
        weekdays = [d for d in days if d.weekday() < 5] or days
        # The year improves a little, month after month (waits down, answers up).
        progress = (month.year * 12 + month.month - first_month.year * 12 - first_month.month) / (
            MONTHS - 1
        )
        volume = monthly * len(days) / 30.4
        for place in places:
            count = round(volume * place.weight / total_weight * rng.uniform(0.85, 1.15))
            zone = ZoneInfo(servicelevels.place_of_departement(place.departement).timezone)
            for _ in range(count):
                day = rng.choice(days if place.channel in ("courriel", "sms") else weekdays)
                rows.append(_conversation(place, rng, day, zone, progress, motifs))
        month = _add_months(month, 1)
    next_id = _next_id(Conversation)
    by_year: dict[int, list[Row]] = {}
    for row in rows:
        row["id"] = next_id
        next_id += 1
        by_year.setdefault(timezone.localdate(row["created_at"]).year, []).append(row)
    for year, yearly in by_year.items():
        for row, reference in zip(yearly, _reserve(year, len(yearly)), strict=True):
            row["reference"] = reference
    _insert(Conversation, rows, ids=True)
    _reopenings(rows, rng)
    _questionnaires(rows, rng)
    return len(rows)


def _conversation(
    place: Place,
    rng: random.Random,
    day: dt.date,
    zone: ZoneInfo,
    progress: float,
    motifs: dict[int, list[int]],
) -> Row:
    profile = PROFILES.get(place.organisation.slug, DEFAULT_PROFILE)
    slower = SLOWER.get(place.departement, 1.0) * (1.1 - 0.2 * progress)
    own = motifs.get(place.organisation.pk, [])
    row: Row = {
        "organisation_id": place.organisation.pk,
        "queue_id": place.queue.pk if place.queue else None,
        "site_id": place.site.pk if place.site else None,
        "channel_id": place.channel,
        "motif_id": rng.choice(own) if own and rng.random() < 0.75 else None,
        "status": Status.CLOSED,
        "outcome_version": OUTCOME_TABLE_VERSION,
        # The questionnaire's snapshot names the queue's site when the contact has none.
        "_snapshot_site": (place.site or (place.queue.site if place.queue else None)),
    }
    if place.channel == "guichet":
        arrived = _moment(rng, day, zone, 8.75, 16.5)
        minutes = rng.randint(5, 40)
        resolved = arrived + dt.timedelta(minutes=minutes)
        end_to_end = 0.5 if place.france_services else 0.2
        draw = rng.random()
        outcome = (
            Outcome.ANSWERED_END_TO_END
            if draw < end_to_end
            else Outcome.ANSWERED
            if draw < 0.85
            else Outcome.ORIENTED_PARTNER
        )
        return row | {
            "outcome": outcome,
            "created_at": arrived,
            "assigned_at": arrived,
            "resolved_at": resolved,
            "closed_at": resolved,
            "last_message_at": resolved,
            "handling_seconds": minutes * 60,
            "qualification": {"visit": {"documents": []}},
        }
    assert place.queue is not None
    if place.channel in ("telephone", "chat"):
        arrived = _moment(rng, day, zone, 8.0, 17.5)
        queued = arrived + dt.timedelta(seconds=15 if place.channel == "telephone" else 0)
        mean = (profile.phone_wait if place.channel == "telephone" else profile.chat_wait) * slower
        answer_rate = min(0.97, (profile.answered + 0.06 * progress) / max(slower, 0.9) ** 0.5)
        draw = rng.random()
        row |= {"created_at": arrived, "queued_at": queued}
        if draw < answer_rate:
            answered = queued + dt.timedelta(seconds=rng.gammavariate(1.4, mean / 1.4))
            handling = dt.timedelta(seconds=60 + rng.expovariate(1 / 300))
            resolved = answered + handling
            pick = rng.random()
            outcome = (
                Outcome.ANSWERED
                if pick < 0.82
                else Outcome.ORIENTED_PARTNER
                if pick < 0.92
                else Outcome.ESCALATED_LEVEL2
            )
            return row | {
                "outcome": outcome,
                "assigned_at": answered,
                "first_answered_at": answered,
                "resolved_at": resolved,
                "closed_at": resolved,
                "last_message_at": resolved,
                "handling_seconds": int(handling.total_seconds()),
            }
        short = rng.random() < 0.15
        left = queued + dt.timedelta(
            seconds=rng.uniform(0, 4.9) if short else 5 + rng.expovariate(1 / 90)
        )
        abandoned = draw < answer_rate + (1 - answer_rate) * 0.85
        return row | {
            "outcome": Outcome.ABANDONED if abandoned else Outcome.VOICEMAIL,
            "resolved_at": left,
            "closed_at": left,
            "last_message_at": left,
        }
    # Emails and SMS: deadlines announced at queueing, answers in working days.
    arrived = _moment(rng, day, zone, 0.0, 24.0)
    queued = arrived + dt.timedelta(minutes=1)
    place_of = servicelevels.place_of_departement(place.departement)
    queue = place.queue
    row |= {
        "created_at": arrived,
        "queued_at": queued,
        "first_answer_due_at": servicelevels.working_days_deadline(
            queued, queue.first_answer_working_days, place_of
        ),
        "resolution_due_at": servicelevels.working_days_deadline(
            queued, queue.resolution_working_days, place_of
        ),
        "announced_deadline": servicelevels.working_days_deadline(
            queued, queue.commitment_working_days, place_of
        ),
    }
    if rng.random() < 0.04:
        left = queued + dt.timedelta(hours=rng.uniform(1, 30))
        return row | {
            "outcome": rng.choice([Outcome.DUPLICATE, Outcome.OUT_OF_SCOPE, Outcome.SPAM]),
            "resolved_at": left,
            "closed_at": left,
            "last_message_at": left,
        }
    answered = queued + dt.timedelta(
        hours=rng.gammavariate(1.1, profile.written_hours * slower / 1.1)
    )
    resolved = answered + (
        dt.timedelta(hours=rng.gammavariate(1.2, 40)) if rng.random() < 0.3 else dt.timedelta()
    )
    pick = rng.random()
    outcome = (
        Outcome.ANSWERED
        if pick < 0.8
        else Outcome.ORIENTED_PARTNER
        if pick < 0.9
        else Outcome.ANSWERED_END_TO_END
        if pick < 0.95
        else Outcome.ESCALATED_LEVEL2
    )
    return row | {
        "outcome": outcome,
        "assigned_at": answered,
        "first_answered_at": answered,
        "resolved_at": resolved,
        "closed_at": resolved,
        "last_message_at": resolved,
        "handling_seconds": rng.randint(240, 1500),
    }


def _reopenings(rows: list[Row], rng: random.Random) -> None:
    """A few contacts answered come back within a week (the census resolution)."""
    _insert(
        ConversationTransition,
        [
            {
                "conversation_id": row["id"],
                "from_status": Status.CLOSED,
                "to_status": Status.QUEUED,
                "move": "reopen",
                "actor_label": "usager",
                "created_at": row["resolved_at"] + dt.timedelta(days=rng.uniform(0.2, 6.5)),
            }
            for row in rows
            if row["outcome"] in (Outcome.ANSWERED, Outcome.ANSWERED_END_TO_END)
            and rng.random() < 0.04
        ],
    )


VIA = {
    "chat": SurveyChannel.CHAT,
    "courriel": SurveyChannel.EMAIL,
    "sms": SurveyChannel.SMS,
    "telephone": SurveyChannel.SMS,
    "guichet": SurveyChannel.SMS,
}


def _answers(rng: random.Random, row: Row) -> dict[str, int]:
    """Satisfied mostly; less after a long wait or an orientation elsewhere."""
    answered, queued = row.get("first_answered_at"), row.get("queued_at")
    waited = (answered - queued).total_seconds() if answered and queued else 0.0
    long_wait = waited > (300 if row["channel_id"] in ("telephone", "chat") else 3 * 86400)
    unhappy = long_wait or row["outcome"] == Outcome.ORIENTED_PARTNER
    weights = [3, 3, 4, 5, 3] if unhappy else [1, 1, 2, 6, 7]
    satisfaction = rng.choices([1, 2, 3, 4, 5], weights=weights)[0]
    effort = max(1, min(5, 6 - satisfaction + rng.choice([-1, 0, 0, 1])))
    resolved = 1 if rng.random() < (0.85 if satisfaction >= 4 else 0.4) else 0
    return {"satisfaction": satisfaction, "effort": effort, "resolved": resolved}


def _questionnaires(rows: list[Row], rng: random.Random) -> None:
    """Questions after the contacts that may draw them; about half answered."""
    questionnaire = surveys.POST_CONTACT
    next_id = _next_id(SurveyInvitation)
    invitations: list[Row] = []
    answers: list[Row] = []
    for row in rows:
        if row["outcome"] in surveys.EXCLUDED_OUTCOMES or rng.random() >= ASKED:
            continue
        sent = row["resolved_at"] + dt.timedelta(minutes=5)
        site = row["_snapshot_site"]
        invitation: Row = {
            "id": next_id,
            "questionnaire": questionnaire.code,
            "version": questionnaire.version,
            "organisation_id": row["organisation_id"],
            "conversation_id": row["id"],
            "via": VIA[row["channel_id"]],
            "status": SurveyStatus.SENT,
            "channel_id": row["channel_id"],
            "site_id": site.pk if site else None,
            "queue_id": row["queue_id"],
            "motif_id": row["motif_id"],
            "outcome": row["outcome"],
            "outcome_version": row["outcome_version"],
            "resolved_at": row["resolved_at"],
            "created_at": sent,
            "sent_at": sent,
            "expires_at": sent + dt.timedelta(days=14),
        }
        next_id += 1
        if rng.random() < ANSWERING:
            at = sent + dt.timedelta(minutes=rng.randint(5, 2880))
            invitation |= {"status": SurveyStatus.ANSWERED, "answered_at": at}
            answers.extend(
                {"invitation_id": invitation["id"], "question": q, "value": v, "created_at": at}
                for q, v in _answers(rng, row).items()
            )
        invitations.append(invitation)
    _insert(SurveyInvitation, invitations, ids=True)
    _insert(SurveyAnswer, answers)


# --- Targets and declared figures ------------------------------------------------------------


def _targets() -> None:
    indicators = {i.code: i for i in Indicator.objects.all()}
    organisations = {o.slug: o for o in Organisation.objects.administrations()}
    for code, slug, value in TARGETS:
        if code in indicators and slug in organisations:
            IndicatorTarget.objects.get_or_create(
                indicator=indicators[code],
                organisation=organisations[slug],
                defaults={"value": value},
            )


def _declared(first_month: dt.date, today: dt.date) -> None:
    """Missed appointments, declared month by month with their source; and the DGFiP's
    answer rate from its own barometer for two months, which the computed figure covers
    (it is shown, the declared one beside it)."""
    no_show = Indicator.objects.filter(code="rendez-vous-non-honores").first()
    answered = Indicator.objects.filter(code="taux-appels-decroches").first()
    organisations = {o.slug: o for o in Organisation.objects.administrations()}
    rng = random.Random(SEED + 1)
    declared_at = timezone.now()
    rows = []
    month = first_month
    while month < today.replace(day=1):
        for slug, share in NO_SHOW.items():
            if no_show is None or slug not in organisations:
                continue
            n = rng.randint(1800, 4200)
            missed = round(n * share * rng.uniform(0.85, 1.15))
            rows.append(
                DeclaredResult(
                    indicator=no_show,
                    organisation=organisations[slug],
                    level=Level.ORGANISATION,
                    key=slug,
                    month=month,
                    value=missed / n,
                    numerator=missed,
                    denominator=n,
                    n=n,
                    source=DECLARED_SOURCE,
                    declared_at=declared_at,
                )
            )
        month = _add_months(month, 1)
    dgfip = organisations.get("dgfip")
    if answered is not None and dgfip is not None:
        for back in (2, 3):
            month = _add_months(today.replace(day=1), -back)
            rows.append(
                DeclaredResult(
                    indicator=answered,
                    organisation=dgfip,
                    level=Level.ORGANISATION,
                    key=dgfip.slug,
                    month=month,
                    value=0.74,
                    n=100,  # computed n ÷ 100 ≥ 0.9: the computed figure is shown
                    source="Baromètre interne de l’accueil téléphonique",
                    declared_at=declared_at,
                )
            )
    DeclaredResult.objects.bulk_create(rows)


# --- Reports -------------------------------------------------------------------------------

# The organisations whose periodic reports the demo holds from the start, besides the
# national one; the daily sweep (``reports.generate_due``) makes the others' under
# ``make run``. A few only: each is a PDF of about a second.
REPORT_ORGANISATIONS = ("caf", "assurance-maladie")


def demo_reports_seed(*, today: dt.date | None = None) -> int:
    """The latest due monthly and yearly reports, national and of a few organisations,
    without emailing anyone; how many were made (0 when the demo already holds them)."""
    from parvis.reports.services import reports_generate_due

    organisations = list(
        Organisation.objects.filter(slug__in=REPORT_ORGANISATIONS).order_by("slug")
    )
    return len(reports_generate_due(today=today, organisations=organisations, notify=False))
