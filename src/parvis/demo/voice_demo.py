"""Demo experiences of the voice of users, as they would have come in over fourteen months.

Every experience goes through the same services as a real one: submission (online, or
recorded by an adviser at a France Services site or at a CAF counter), the language
engine (masking, qualification; in batches, as the worker runs it), moderation (publish,
reject), withdrawal, the service's answer (from the organisation's or the local team's
templates, masked, moderated when masking changed it). Then ``_backdate`` gives each one
the dates of its story, in order: happened ≤ submitted ≤ analysed ≤ published (or
rejected, withdrawn) ≤ answer drafted ≤ answer published, transition logs included.

The mix is chosen so that each page has something true to show: some cells (an
organisation in a département) have enough experiences for the public figures (n ≥ 10
published and answered in the last twelve months), answers on time and late, published
experiences still waiting (within their target or past it), a moderation queue of
several ages with sensitive texts, rejections and withdrawals.

Deterministic (seeded generator, fixed texts, uuids derived from the position) and
created once: a rerun finds the first demo experience and adds nothing.
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeVar

import structlog
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from parvis.accounts.models import Membership, Role, User
from parvis.core.services import next_reference
from parvis.demo import voice_texts as texts
from parvis.demo.accounts import DEMO_CITIZEN
from parvis.directory import servicelevels
from parvis.directory.models import Channel, JourneyStage, LocalService, Organisation, Site
from parvis.directory.selectors import competent_local_service
from parvis.territories.models import Commune
from parvis.voice.models import (
    PLACEHOLDER,
    AnswerStatus,
    AnswerTemplate,
    AnswerTransition,
    Experience,
    ExperienceStatus,
    ExperienceTransition,
    PublicAnswer,
)

logger = structlog.get_logger(__name__)
T = TypeVar("T")

# The first experiences belong to the demo citizen's account (« Mes expériences »).
CITIZEN_EXPERIENCES = 3
# Demo experiences get uuids derived from their position: stable URLs from one seed to
# the next, and the mark of a seeded database.
DEMO_NAMESPACE = uuid.UUID("5d1f0a52-7a53-4c4e-9c8e-2f6b1f0e0d11")
ANALYSIS_BATCH = 64
MODERATOR_NOTE = "Relu : le témoignage ne permet pas d’identifier la personne."
ANSWER_MODERATOR_NOTE = "Masquage vérifié : la réponse peut être publiée."


def demo_uuid(index: int) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, f"experience-{index}")


class Outcome(enum.StrEnum):
    ANSWERED_ON_TIME = "answered_on_time"
    ANSWERED_LATE = "answered_late"
    ANSWERED_LONG_AGO = "answered_long_ago"  # before the last twelve months: history
    OVERDUE = "overdue"  # published, unanswered, past its answer target
    WAITING = "waiting"  # published, unanswered, within its answer target
    ANSWER_IN_MODERATION = "answer_in_moderation"  # published, answer awaits a moderator
    IN_MODERATION = "in_moderation"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


ANSWERED = frozenset({Outcome.ANSWERED_ON_TIME, Outcome.ANSWERED_LATE, Outcome.ANSWERED_LONG_AGO})
UNPUBLISHED = frozenset({Outcome.IN_MODERATION, Outcome.REJECTED, Outcome.WITHDRAWN})

# A cell with public figures: 14 published and 12 answered in the last twelve months
# (the public n ≥ 10 rule, with a margin), two answered before, one of each other state.
FULL_CELL = (
    (Outcome.ANSWERED_ON_TIME,) * 8
    + (Outcome.ANSWERED_LATE,) * 4
    + (Outcome.ANSWERED_LONG_AGO,) * 2
    + (Outcome.OVERDUE, Outcome.WAITING, Outcome.IN_MODERATION)
)
FULL_CELL_EXTRAS = (
    (Outcome.REJECTED, Outcome.WITHDRAWN, Outcome.IN_MODERATION),
    (Outcome.ANSWER_IN_MODERATION, Outcome.OVERDUE),
    (Outcome.REJECTED, Outcome.IN_MODERATION),
    (Outcome.WITHDRAWN, Outcome.OVERDUE, Outcome.ANSWER_IN_MODERATION),
)
LIGHT_CELLS = (
    (Outcome.ANSWERED_ON_TIME, Outcome.OVERDUE, Outcome.WAITING),
    (Outcome.ANSWERED_LATE, Outcome.ANSWERED_ON_TIME, Outcome.IN_MODERATION),
    (Outcome.ANSWERED_LONG_AGO, Outcome.ANSWERED_ON_TIME, Outcome.REJECTED),
    (Outcome.ANSWERED_ON_TIME, Outcome.ANSWERED_LATE, Outcome.OVERDUE),
)
# Recordings at a counter, and national services, cycle through these.
RECORDED = (
    Outcome.ANSWERED_ON_TIME,
    Outcome.OVERDUE,
    Outcome.ANSWERED_LATE,
    Outcome.WAITING,
    Outcome.IN_MODERATION,
    Outcome.ANSWERED_ON_TIME,
    Outcome.ANSWERED_LONG_AGO,
)
CITIZEN = (Outcome.ANSWERED_ON_TIME, Outcome.WAITING, Outcome.IN_MODERATION)

FULL_SMALL = (
    ("caf", "33"),
    ("caf", "69"),
    ("caf", "57"),
    ("caf", "974"),
    ("assurance-maladie", "33"),
    ("assurance-maladie", "69"),
    ("dgfip", "33"),
)
FULL_MEDIUM = (
    *FULL_SMALL,
    ("caf", "75"),
    ("caf", "13"),
    ("caf", "59"),
    ("assurance-maladie", "75"),
    ("france-travail", "33"),
    ("france-travail", "75"),
)
# Local organisations of the demo (``services.LOCAL_ORGANISATIONS``) and the national
# ones experiences reach online or through France Services.
LOCAL_ORGANISATIONS = ("caf", "assurance-maladie", "assurance-retraite", "france-travail", "dgfip")
NATIONAL_ORGANISATIONS = ("msa", "ants", "urssaf", "la-poste", "justice")


@dataclass(frozen=True)
class VoiceScale:
    full_cells: tuple[tuple[str, str], ...]  # (organisation slug, département code)
    light_departements: tuple[str, ...] | None  # None: every département with services
    national_rounds: int  # each national story told this many times


def _voice_scales() -> dict[str, VoiceScale]:
    from parvis.demo.services import MEDIUM_DEPARTEMENTS

    return {
        "small": VoiceScale(FULL_SMALL, None, 1),
        "medium": VoiceScale(FULL_MEDIUM, None, 2),
        "large": VoiceScale(FULL_MEDIUM, MEDIUM_DEPARTEMENTS, 3),
    }


@dataclass
class Timeline:
    """The dates of one experience's story (aware datetimes)."""

    happened_on: dt.date
    submitted_at: dt.datetime
    analysed_at: dt.datetime
    published_at: dt.datetime | None = None
    rejected_at: dt.datetime | None = None
    withdrawn_at: dt.datetime | None = None
    answer_drafted_at: dt.datetime | None = None
    answer_sent_at: dt.datetime | None = None  # to moderation
    answered_at: dt.datetime | None = None


@dataclass
class Spec:
    """One experience to create: who tells what about which service, and how it ends."""

    told: texts.Told
    outcome: Outcome
    organisation: Organisation
    local_service: LocalService | None
    site: Site | None
    timeline: Timeline
    author: User | None = None
    assisted_by: User | None = None
    rejection_reason: str = ""
    experience_id: int | None = None
    answer_named: bool = False  # the answer names an agent: masked, so moderated
    position: int = 0  # in the plan: drives the uuid and the template choice

    @property
    def id(self) -> int:
        assert self.experience_id is not None, "not submitted yet"
        return self.experience_id


def demo_voice_seed(*, scale: str, seed: int) -> int:
    """Create the demo experiences of ``scale``; returns how many were created."""
    from parvis.publication.services import publication_rebuild, sync_suspended
    from parvis.quality.services import voice_refresh
    from parvis.voice import services

    if Experience.objects.filter(Q(uuid=demo_uuid(0)) | Q(source="demo")).exists():
        _give_citizen_experiences()  # a demo seeded before the citizen account existed
        return 0
    people = _People.load()
    if people is None:
        return 0
    # One rebuild of the public read model at the end, not one sync per change.
    with sync_suspended(), transaction.atomic():
        templates = _seed_templates(people)
        specs = _Planner(scale=_voice_scales()[scale], seed=seed, people=people).plan()
        if not specs:
            return 0
        _submit(specs)
        _analyse([spec.experience_id for spec in specs if spec.experience_id])
        for spec in specs:
            _conclude(spec, people, templates)
        for spec in specs:
            _backdate(spec)
        _give_references([spec.experience_id for spec in specs if spec.experience_id])
        # Answer deadlines count from publication, which the back-dating just moved.
        services.experiences_answer_due_refresh(include_answered=True)
    publication_rebuild()
    # The figures of the experiences: the quality indicators of the voice of users.
    voice_refresh()
    # The open-data files are written at the end of ``demo_seed``, once every dataset's
    # source is seeded.
    return len(specs)


# --- Who acts ---------------------------------------------------------------------------


@dataclass
class _People:
    moderator: User
    citizen: User | None
    caf_admin: User
    caf33_quality: User | None
    counter_agent: User | None  # agent.caf33@, at the CAF de la Gironde's counter
    counter_site: Site | None
    france_services_agent: User | None  # agent.fs@, at its France Services site
    france_services_site: Site | None
    quality: dict[str, User]  # organisation slug → national quality manager

    @classmethod
    def load(cls) -> _People | None:
        users = {
            u.email: u
            for u in User.objects.filter(
                Q(email__endswith="@demo.parvis.fr") | Q(email__startswith="qualite.")
            )
        }
        moderator = users.get("moderation@demo.parvis.fr")
        caf_admin = users.get("admin.caf@demo.parvis.fr")
        if moderator is None or caf_admin is None:
            return None
        counter_agent = users.get("agent.caf33@demo.parvis.fr")
        france_services_agent = users.get("agent.fs@demo.parvis.fr")
        return cls(
            moderator=moderator,
            citizen=users.get(DEMO_CITIZEN),
            caf_admin=caf_admin,
            caf33_quality=users.get("qualite.caf33@demo.parvis.fr"),
            counter_agent=counter_agent,
            counter_site=_site_of(counter_agent),
            france_services_agent=france_services_agent,
            france_services_site=_site_of(france_services_agent),
            quality={
                email.removeprefix("qualite.").split("@")[0]: user
                for email, user in users.items()
                if email.startswith("qualite.") and email.endswith("@agents.demo.parvis.fr")
            },
        )

    def answerer(self, experience: Experience) -> User | None:
        """Who writes the service's answer: the local quality team of the CAF de la
        Gironde, the CAF's organisation admin elsewhere, a national quality manager for
        the other organisations."""
        organisation = experience.organisation.slug
        if organisation == "caf":
            local = experience.local_service
            if local is not None and local.slug == "caf-33" and self.caf33_quality:
                return self.caf33_quality
            return self.caf_admin
        return self.quality.get(organisation)


def _site_of(user: User | None) -> Site | None:
    if user is None:
        return None
    membership = (
        Membership.objects.filter(user=user, role=Role.AGENT, site__isnull=False)
        .select_related("site__commune")
        .first()
    )
    return membership.site if membership else None


# --- Answer templates -------------------------------------------------------------------


def _seed_templates(people: _People) -> dict[tuple[str, str], list[AnswerTemplate]]:
    """Each organisation's templates (through the voice service), and the CAF de la
    Gironde's own; keyed by (organisation slug, local service slug or "")."""
    from parvis.voice.services import answer_template_save

    organisations = {o.slug: o for o in Organisation.objects.filter(slug__in=texts.TEMPLATES)}
    found: dict[tuple[str, str], list[AnswerTemplate]] = {}
    for slug, items in texts.TEMPLATES.items():
        organisation = organisations.get(slug)
        actor = people.caf_admin if slug == "caf" else people.quality.get(slug)
        if organisation is None or actor is None:
            continue
        for title, body in items:
            template = AnswerTemplate.objects.filter(
                organisation=organisation, local_service=None, title=title
            ).first() or answer_template_save(
                actor=actor, organisation=organisation, title=title, body=body
            )
            found.setdefault((slug, ""), []).append(template)
    for service_slug, items in texts.LOCAL_TEMPLATES.items():
        service = LocalService.objects.select_related("organisation").filter(slug=service_slug)
        local = service.first()
        if local is None:
            continue
        for title, body in items:
            own = AnswerTemplate.objects.filter(
                local_service=local, title=title
            ).first() or answer_template_save(
                actor=people.caf33_quality or people.caf_admin,
                organisation=local.organisation,
                local_service=local,
                title=title,
                body=body,
            )
            found.setdefault((local.organisation.slug, service_slug), []).append(own)
    return found


# --- The plan ---------------------------------------------------------------------------


class _Planner:
    """Decides, before anything is written, every experience: its service, its story
    (distinct texts), its outcome and its dates."""

    def __init__(self, *, scale: VoiceScale, seed: int, people: _People) -> None:
        self.scale = scale
        self.rng = random.Random(seed)
        self.people = people
        self.now = timezone.now()
        # How many days back the public figures' twelve months go (they start on the
        # first day of the month eleven months ago): the answered experiences fill them,
        # month after month, and two months before give the history its earlier part.
        this_month = timezone.localdate(self.now).replace(day=1)
        months = this_month.year * 12 + this_month.month - 1 - 11
        window_start = dt.date(months // 12, months % 12 + 1, 1)
        self.window_days = (timezone.localdate(self.now) - window_start).days
        self.taken: set[str] = set()
        self.organisations = {o.slug: o for o in Organisation.objects.all()}
        self.services = {
            s.slug: s
            for s in LocalService.objects.filter(
                organisation__slug__in=LOCAL_ORGANISATIONS
            ).select_related("organisation", "main_departement")
        }
        self.counters = {
            s.local_service_id: s
            for s in Site.objects.filter(kind=Site.Kind.COUNTER, local_service__isnull=False)
            .select_related("commune")
            .order_by("slug")
        }
        self.france_services: dict[str, Site] = {}
        for site in (
            Site.objects.filter(kind=Site.Kind.FRANCE_SERVICES)
            .select_related("commune")
            .order_by("slug")
        ):
            self.france_services.setdefault(str(site.commune.departement_id), site)
        self.villes: dict[str, tuple[str, ...]] = {}
        self.stories = {slug: self._cycle(items) for slug, items in texts.STORIES.items()}
        self.sensitive = {
            slug: self._cycle([s for s in items if texts.SENSITIVE in s.tags])
            for slug, items in texts.STORIES.items()
        }
        self.rejected = self._cycle(texts.REJECTED_STORIES)
        self.moderation_count = 0

    def _cycle(self, items: list[T]) -> Iterator[T]:
        shuffled = list(items)
        self.rng.shuffle(shuffled)
        return itertools.cycle(shuffled) if shuffled else iter(())

    def plan(self) -> list[Spec]:
        specs: list[Spec | None] = []
        caf33 = self.services.get("caf-33")
        if caf33 is not None and self.people.citizen is not None:
            for outcome in CITIZEN:
                specs.append(self._spec("caf", caf33, outcome, author=self.people.citizen))
        specs += self._counter_recordings()
        specs += self._france_services_recordings()
        for index, (slug, code) in enumerate(self.scale.full_cells):
            service = self.services.get(f"{slug}-{code.lower()}")
            if service is None:
                continue
            extras = FULL_CELL_EXTRAS[index % len(FULL_CELL_EXTRAS)]
            for outcome in FULL_CELL + extras:
                specs.append(self._spec(slug, service, outcome))
        full = {f"{slug}-{code.lower()}" for slug, code in self.scale.full_cells}
        light = sorted(
            (s for s in self.services.values() if s.slug not in full),
            key=lambda s: (s.main_departement_id or "", s.organisation.slug),
        )
        for index, service in enumerate(light):
            if (
                self.scale.light_departements is not None
                and service.main_departement_id not in self.scale.light_departements
            ):
                continue
            for outcome in LIGHT_CELLS[index % len(LIGHT_CELLS)]:
                specs.append(self._spec(service.organisation.slug, service, outcome))
        specs += self._national()
        planned = [s for s in specs if s is not None]
        for position, spec in enumerate(planned):
            spec.position = position
        return planned

    def _counter_recordings(self) -> list[Spec]:
        agent, site = self.people.counter_agent, self.people.counter_site
        if agent is None or site is None or site.local_service is None:
            return []
        service = site.local_service
        specs = []
        for story, outcome in zip(texts.COUNTER_STORIES, RECORDED, strict=False):
            told = self._tell(story, service.main_departement_id or "")
            if told is not None:
                specs.append(
                    self._make(told, outcome, service.organisation, service, site, agent=agent)
                )
        return specs

    def _france_services_recordings(self) -> list[Spec]:
        agent, site = self.people.france_services_agent, self.people.france_services_site
        if agent is None or site is None:
            return []
        code = str(site.commune.departement_id)
        outcomes = itertools.cycle(RECORDED)
        specs = []
        for slug, stories in texts.FRANCE_SERVICES_STORIES.items():
            organisation = self.organisations.get(slug)
            if organisation is None:
                continue
            # The adviser chooses the competent local service, when there is one.
            service = competent_local_service(organisation=organisation, departement_code=code)
            for story in stories:
                told = self._tell(story, code)
                if told is not None:
                    specs.append(
                        self._make(told, next(outcomes), organisation, service, site, agent=agent)
                    )
        return specs

    def _national(self) -> list[Spec]:
        """National organisations: online, or at a France Services site for a guichet."""
        outcomes = itertools.cycle(RECORDED)
        sites = list(self.france_services.values())
        specs: list[Spec] = []
        for round_ in range(self.scale.national_rounds):
            for slug in NATIONAL_ORGANISATIONS:
                organisation = self.organisations.get(slug)
                if organisation is None:
                    continue
                for story in texts.STORIES.get(slug, []):
                    site = None
                    if story.channel == "guichet" and sites:
                        site = sites[(len(specs) + round_) % len(sites)]
                    code = str(site.commune.departement_id) if site else ""
                    told = self._tell(story, code)
                    if told is not None:
                        specs.append(self._make(told, next(outcomes), organisation, None, site))
        return specs

    def _spec(
        self, slug: str, service: LocalService, outcome: Outcome, *, author: User | None = None
    ) -> Spec | None:
        code = service.main_departement_id or ""
        reason = ""
        if outcome == Outcome.REJECTED:
            story, reason = next(self.rejected)
        elif outcome == Outcome.IN_MODERATION and self.moderation_count % 2 == 0:
            story = next(self.sensitive.get(slug, iter(())), None) or next(self.stories[slug])
        else:
            story = next(self.stories[slug])
        if outcome == Outcome.IN_MODERATION:
            self.moderation_count += 1
        told = self._tell(story, code)
        for _ in range(len(texts.STORIES[slug])):
            if told is not None:
                break
            told = self._tell(next(self.stories[slug]), code)
        if told is None:
            return None
        # Told at the counter: recorded at the service's own counter site.
        site = self.counters.get(service.pk) if story.channel == "guichet" else None
        spec = self._make(told, outcome, service.organisation, service, site, author=author)
        spec.rejection_reason = reason
        return spec

    def _make(
        self,
        told: texts.Told,
        outcome: Outcome,
        organisation: Organisation,
        service: LocalService | None,
        site: Site | None,
        *,
        author: User | None = None,
        agent: User | None = None,
    ) -> Spec:
        place = servicelevels.place_for(site=site, local_service=service)
        return Spec(
            told=told,
            outcome=outcome,
            organisation=organisation,
            local_service=service,
            site=site,
            timeline=self._timeline(outcome, place, organisation),
            author=author,
            assisted_by=agent,
            answer_named=outcome == Outcome.ANSWER_IN_MODERATION,
        )

    def _tell(self, story: texts.Story, code: str) -> texts.Told | None:
        return texts.tell(
            story, self.rng, villes=self._villes(code), departement=code, taken=self.taken
        )

    def _villes(self, code: str) -> tuple[str, ...]:
        if not code:
            return ()
        if code not in self.villes:
            self.villes[code] = tuple(
                Commune.objects.filter(departement_id=code)
                .order_by("-population", "code")
                .values_list("name", flat=True)[:6]
            )
        return self.villes[code]

    # -- Dates --

    def _moment(self, day: dt.date, place: servicelevels.Place) -> dt.datetime:
        """A moment of office hours on ``day`` at ``place``."""
        return dt.datetime.combine(
            day,
            dt.time(self.rng.randint(8, 17), self.rng.randint(0, 59)),
            tzinfo=place.tzinfo,
        )

    def _timeline(
        self, outcome: Outcome, place: servicelevels.Place, organisation: Organisation
    ) -> Timeline:
        from parvis.voice.selectors import answer_targets

        rng, now = self.rng, self.now
        today = servicelevels.local_date(now, place)
        target, _ = answer_targets(organisation)
        published_at: dt.datetime | None = None
        if outcome in UNPUBLISHED:
            if outcome == Outcome.IN_MODERATION:  # the queue: from a few hours to two weeks
                submitted_at = now - dt.timedelta(hours=rng.randint(2, 14 * 24))
            else:
                days = rng.randint(5, 400) if outcome == Outcome.REJECTED else rng.randint(10, 300)
                submitted_at = self._moment(today - dt.timedelta(days=days), place)
        else:
            if outcome == Outcome.WAITING:  # well within the target
                published_at = now - dt.timedelta(hours=rng.randint(3, 96))
            elif outcome == Outcome.ANSWER_IN_MODERATION:
                published_at = now - dt.timedelta(days=rng.randint(4, 8), hours=rng.randint(0, 8))
            else:
                window = self.window_days - 2  # a margin for the places' time zones
                low, high = {
                    Outcome.ANSWERED_ON_TIME: (20, window),
                    Outcome.ANSWERED_LATE: (60, window),
                    Outcome.ANSWERED_LONG_AGO: (window + 4, window + 70),  # before the window
                    # past the target by one to seven weeks of working days (a target
                    # of 10 working days: 20 to 60 calendar days unanswered)
                    Outcome.OVERDUE: (target * 7 // 5 + 6, target * 7 // 5 + 46),
                }[outcome]
                published_at = self._moment(
                    today - dt.timedelta(days=rng.randint(low, high)), place
                )
            submitted_at = published_at - dt.timedelta(hours=rng.randint(2, 70))
        analysed_at = submitted_at + dt.timedelta(minutes=rng.randint(1, 9))
        happened_on = servicelevels.local_date(submitted_at, place) - dt.timedelta(
            days=rng.randint(0, 30)
        )
        timeline = Timeline(
            happened_on=happened_on,
            submitted_at=submitted_at,
            analysed_at=analysed_at,
            published_at=published_at,
        )
        if outcome == Outcome.REJECTED:
            timeline.rejected_at = min(
                analysed_at + dt.timedelta(hours=rng.randint(3, 60)), now - dt.timedelta(hours=1)
            )
        elif outcome == Outcome.WITHDRAWN:
            timeline.withdrawn_at = min(
                analysed_at + dt.timedelta(hours=rng.randint(5, 96)), now - dt.timedelta(hours=1)
            )
        elif outcome == Outcome.ANSWER_IN_MODERATION:
            timeline.answer_drafted_at = now - dt.timedelta(hours=rng.randint(2, 40))
            timeline.answer_sent_at = timeline.answer_drafted_at + dt.timedelta(minutes=5)
        elif outcome in ANSWERED:
            assert published_at is not None
            # In working days of the experience's place from its publication, with a
            # margin on both sides of the target.
            working_days = {
                Outcome.ANSWERED_ON_TIME: (1, max(1, target - 3)),
                Outcome.ANSWERED_LATE: (target + 3, target + 20),
                Outcome.ANSWERED_LONG_AGO: (1, target + 8),
            }[outcome]
            day = servicelevels.add_working_days(
                servicelevels.local_date(published_at, place),
                rng.randint(*working_days),
                place,
            )
            answered_at = min(self._moment(day, place), now - dt.timedelta(hours=1))
            timeline.answered_at = answered_at
            timeline.answer_drafted_at = max(
                answered_at - dt.timedelta(minutes=rng.randint(20, 600)),
                published_at + dt.timedelta(minutes=10),
            )
            timeline.answer_sent_at = timeline.answer_drafted_at + dt.timedelta(minutes=5)
        return timeline


# --- Through the services ---------------------------------------------------------------


def _submit(specs: list[Spec]) -> None:
    from parvis.voice.services import Actor, experience_submit

    stages = {s.slug: s for s in JourneyStage.objects.all()}
    channels = {c.slug: c for c in Channel.objects.all()}
    for spec in specs:
        story = spec.told.story
        agent = spec.assisted_by
        submitted = experience_submit(
            organisation=spec.organisation,
            local_service=spec.local_service,
            site=spec.site,
            title=spec.told.title,
            text=spec.told.text,
            tone=story.tone,
            journey_stage=stages.get(story.stage),
            channel=channels.get(story.channel),
            happened_on=spec.timeline.happened_on,
            author=spec.author,
            actor=agent,
            actor_label=Actor.AGENT if agent is not None else Actor.AUTHOR,
            assisted_by=agent,
            assisted_site=spec.site if agent is not None else None,
        )
        spec.experience_id = submitted.experience.pk


def _analyse(ids: list[int]) -> None:
    """The language engine, in batches (as the worker runs it): masking, qualification."""
    from parvis.voice.services import experiences_analyse_batch

    pending = list(
        Experience.objects.awaiting_analysis()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    while pending:
        done = {e.pk for e in experiences_analyse_batch(first_id=pending[0], limit=ANALYSIS_BATCH)}
        pending = [pk for pk in pending[1:] if pk not in done]


def _conclude(
    spec: Spec, people: _People, templates: dict[tuple[str, str], list[AnswerTemplate]]
) -> None:
    """Moderation, withdrawal and answer, as the people concerned would do them."""
    from parvis.voice import services

    experience = Experience.objects.select_related("organisation", "local_service", "site").get(
        pk=spec.id
    )
    if experience.status != ExperienceStatus.IN_MODERATION:
        logger.warning("demo_experience_not_analysed", experience_id=experience.pk)
        return
    outcome = spec.outcome
    if outcome == Outcome.IN_MODERATION:
        return
    if outcome == Outcome.REJECTED:
        services.experience_reject(
            experience=experience, moderator=people.moderator, reason=spec.rejection_reason
        )
        return
    if outcome == Outcome.WITHDRAWN:
        services.experience_withdraw(experience=experience)
        return
    experience = services.experience_publish(
        experience=experience,
        moderator=people.moderator,
        note=MODERATOR_NOTE if experience.is_sensitive else "",
    )
    if outcome not in ANSWERED and outcome != Outcome.ANSWER_IN_MODERATION:
        return
    answerer = people.answerer(experience)
    if answerer is None:
        return
    template = _template_for(spec, experience, templates)
    answer = services.answer_draft_save(
        experience=experience,
        actor=answerer,
        text=_answer_text(spec, experience, template),
        template=template,
    )
    answer = services.answer_confirm(answer=services.answer_mask(answer=answer), actor=answerer)
    if answer.status == AnswerStatus.IN_MODERATION and outcome in ANSWERED:
        services.answer_moderate(
            answer=answer, moderator=people.moderator, approve=True, note=ANSWER_MODERATOR_NOTE
        )


def _template_for(
    spec: Spec,
    experience: Experience,
    templates: dict[tuple[str, str], list[AnswerTemplate]],
) -> AnswerTemplate | None:
    """A template of the organisation, or of the local team; one answer in five is
    written without one."""
    slug = experience.organisation.slug
    local = experience.local_service.slug if experience.local_service else ""
    choices = templates.get((slug, local), []) + templates.get((slug, ""), [])
    if not choices or spec.position % 5 == 0:
        return None
    thanks = [t for t in choices if "emerciement" in t.title]
    others = [t for t in choices if t not in thanks]
    pool = thanks if spec.told.story.tone == texts.POSITIVE and thanks else others or choices
    return pool[spec.position % len(pool)]


def _answer_text(spec: Spec, experience: Experience, template: AnswerTemplate | None) -> str:
    signer = (
        experience.local_service.name
        if experience.local_service
        else (experience.organisation.name)
    )
    reply = spec.told.reply or texts.GENERIC_REPLIES[spec.told.story.tone or texts.NEUTRAL]
    if spec.answer_named:
        reply += texts.NAMED_CONTACT.format(agent=spec.told.values["agent"])
    if template is None:
        return f"Bonjour,\n\n{reply}.\n\n{signer}"

    def fill(match: object) -> str:
        passage = str(match.group(0)).lower()  # type: ignore[attr-defined]
        if "nom du service" in passage:
            return signer
        if "délai" in passage:
            return texts.CURRENT_DELAY
        return reply

    return PLACEHOLDER.sub(fill, template.body)


# --- Dates ------------------------------------------------------------------------------


def _backdate(spec: Spec) -> None:
    """Give one experience the dates of its story: the experience, every move of its
    transition log, its answer and the answer's log. The services stamped them with the
    time of the seeding; a bulk loader may rewrite them (never a service)."""
    from parvis.voice.services import retention_days

    t = spec.timeline
    experience = Experience.objects.get(pk=spec.id)
    reached: dict[str, dt.datetime | None] = {
        ExperienceStatus.SUBMITTED: t.submitted_at,
        ExperienceStatus.IN_MODERATION: t.analysed_at,
        ExperienceStatus.PUBLISHED: t.published_at,
        ExperienceStatus.REJECTED: t.rejected_at,
        ExperienceStatus.WITHDRAWN: t.withdrawn_at,
        ExperienceStatus.ANSWERED: t.answered_at,
    }
    last = t.submitted_at
    for move in ExperienceTransition.objects.filter(experience=experience).order_by("pk"):
        moment = _planned(reached.get(move.to_status), after=last, experience=experience)
        ExperienceTransition.objects.filter(pk=move.pk).update(created_at=moment)
        last = max(last, moment)
    decided_at = t.published_at or t.rejected_at
    updates: dict[str, object] = {
        "uuid": demo_uuid(spec.position),
        "submitted_at": t.submitted_at,
        "processed_at": t.analysed_at if experience.processed_at else None,
        "analysis_claimed_at": t.analysed_at if experience.analysis_claimed_at else None,
        "published_at": t.published_at if experience.published_at else None,
        "rejected_at": t.rejected_at if experience.rejected_at else None,
        "withdrawn_at": t.withdrawn_at if experience.withdrawn_at else None,
        "answered_at": (t.answered_at or last) if experience.answered_at else None,
    }
    if experience.original_purge_due_at and decided_at:
        updates["original_purge_due_at"] = decided_at + dt.timedelta(days=retention_days())
    if experience.original_purged_at:
        updates["original_purged_at"] = t.withdrawn_at or last
    if experience.contact_purged_at:
        updates["contact_purged_at"] = t.withdrawn_at or last
    answer = PublicAnswer.objects.filter(experience=experience).first()
    if answer is not None:
        drafted_at = _planned(t.answer_drafted_at, after=last, experience=experience)
        answer_reached: dict[str, dt.datetime | None] = {
            AnswerStatus.DRAFT: drafted_at,
            AnswerStatus.IN_MODERATION: t.answer_sent_at,
            AnswerStatus.PUBLISHED: t.answered_at,
        }
        answer_last = drafted_at
        for step in AnswerTransition.objects.filter(answer=answer).order_by("pk"):
            moment = _planned(
                answer_reached.get(step.to_status), after=answer_last, experience=experience
            )
            AnswerTransition.objects.filter(pk=step.pk).update(created_at=moment)
            answer_last = max(answer_last, moment)
        PublicAnswer.objects.filter(pk=answer.pk).update(
            created_at=drafted_at,
            masked_at=drafted_at + dt.timedelta(minutes=1) if answer.masked_at else None,
            published_at=answer_last if answer.published_at else None,
            updated_at=answer_last,
        )
        if experience.answered_at:
            updates["answered_at"] = answer_last
        last = max(last, answer_last)
    updates["updated_at"] = last
    Experience.objects.filter(pk=experience.pk).update(**updates)


def _planned(
    moment: dt.datetime | None, *, after: dt.datetime, experience: Experience
) -> dt.datetime:
    """The planned moment of a move; a move the plan did not foresee (the engine judged
    otherwise, e.g. an answer published without moderation) comes a minute after the
    previous one, so the history still reads in order."""
    if moment is not None:
        return moment
    logger.warning("demo_unplanned_move", experience_id=experience.pk)
    return after + dt.timedelta(minutes=1)


def _give_references(ids: list[int]) -> None:
    """``EXP-<year>-<n>`` of the back-dated submission year, in the order of submission:
    the submission numbered them in the year of seeding."""
    experiences = Experience.objects.filter(pk__in=ids).order_by("submitted_at", "pk")
    for experience in experiences:
        year = timezone.localtime(experience.submitted_at).year
        if (experience.reference or "").startswith(f"EXP-{year}-"):
            continue
        Experience.objects.filter(pk=experience.pk).update(reference=next_reference("EXP", year))


def _give_citizen_experiences() -> None:
    citizen = User.objects.filter(email=DEMO_CITIZEN).first()
    if citizen is None or Experience.objects.filter(author=citizen).exists():
        return
    first = Experience.objects.filter(
        Q(uuid__in=[demo_uuid(i) for i in range(CITIZEN_EXPERIENCES)]) | Q(source="demo")
    ).order_by("pk")[:CITIZEN_EXPERIENCES]
    Experience.objects.filter(pk__in=list(first.values_list("pk", flat=True))).update(
        author=citizen
    )
