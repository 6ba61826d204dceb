"""Deterministic demo data: local services, sites, France Services, users for every role.

Fixed seed, Faker ``fr_FR``, bulk inserts keyed by deterministic slugs: a rerun creates
only what is missing and changes nothing that exists. Demo data is a bulk loader, so
it writes no audit rows; it refuses to run in the production profile.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from faker import Faker

from parvis.accounts.models import ApiToken, Membership, Role, User
from parvis.accounts.services import api_token_create
from parvis.core.text import sort_key
from parvis.demo.accounts import DEMO_CITIZEN, DEMO_PASSWORD
from parvis.demo.desk_demo import demo_desk_seed
from parvis.directory.models import (
    Channel,
    LocalService,
    OpeningHours,
    Organisation,
    Site,
)
from parvis.directory.services import taxonomy_load
from parvis.territories.models import Commune, Departement

SEED = 2026
Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class Scale:
    departements: tuple[str, ...] | None  # None: every département with communes
    france_services_per_departement: int
    agents_per_service: int


# A mainland mix, Alsace-Moselle (own holidays), Corsica and two overseas départements.
SMALL_DEPARTEMENTS = ("33", "69", "57", "974")
MEDIUM_DEPARTEMENTS = (
    *SMALL_DEPARTEMENTS,
    "75",
    "13",
    "59",
    "35",
    "31",
    "44",
    "67",
    "2A",
    "971",
    "973",
    "06",
    "34",
    "63",
    "87",
    "21",
    "29",
)
SCALES = {
    "small": Scale(SMALL_DEPARTEMENTS, 2, 2),
    "medium": Scale(MEDIUM_DEPARTEMENTS, 6, 4),
    "large": Scale(None, 30, 30),
}

# Organisations with local services in every demo département (the others are national).
LOCAL_ORGANISATIONS = ("caf", "assurance-maladie", "assurance-retraite", "france-travail", "dgfip")
LOCAL_NAMES = {
    "caf": "CAF",
    "assurance-maladie": "CPAM",
    "assurance-retraite": "Carsat",
    "france-travail": "France Travail",
    "dgfip": "Direction départementale des finances publiques",
}
FRANCE_SERVICES_PARTNERS = (
    "caf",
    "assurance-maladie",
    "assurance-retraite",
    "msa",
    "france-travail",
    "dgfip",
    "ants",
    "justice",
    "la-poste",
)
# Each channel comes with its detail (``directory.channels``): a counter has an address,
# a phone and an email; France Services an address and a phone; a contact centre a phone
# (also for SMS) and a website (its contact form and chat).
COUNTER_CHANNELS = ("guichet", "telephone", "courriel")
CONTACT_CENTRE_CHANNELS = ("telephone", "courriel", "chat", "sms")
# National contact centres: their public number and website. They stand in the first demo
# département for their time zone and serve all France (``Site.coverage``).
NATIONAL_CONTACT_CENTRES = {
    "caf": ("32 30", "https://www.caf.fr"),
    "assurance-maladie": ("36 46", "https://www.ameli.fr"),
    "dgfip": ("0 809 401 401", "https://www.impots.gouv.fr"),
}


# A contact centre serving listed départements: the retirement platform of Rhône-Alpes,
# created when the Rhône is among the demo départements.
@dataclass(frozen=True)
class RegionalContactCentre:
    slug: str
    name: str
    organisation: str
    seat: str  # the département of its commune (time zone, holidays)
    phone: str
    departements: tuple[str, ...]


REGIONAL_CONTACT_CENTRE = RegionalContactCentre(
    slug="centre-contact-carsat-rhone-alpes",
    name="Plateforme téléphonique Carsat Rhône-Alpes",
    organisation="assurance-retraite",
    seat="69",
    phone="39 60",
    departements=("01", "07", "26", "38", "42", "69", "73", "74"),
)
# Mon–Fri 8:30–12:00 and 13:30–16:30; Wednesday mornings only at France Services.
COUNTER_HOURS = [(day, dt.time(8, 30), dt.time(12, 0)) for day in range(5)] + [
    (day, dt.time(13, 30), dt.time(16, 30)) for day in range(5)
]
FRANCE_SERVICES_HOURS = [(day, dt.time(9, 0), dt.time(12, 30)) for day in range(5)] + [
    (day, dt.time(14, 0), dt.time(17, 30)) for day in (0, 1, 3, 4)
]

# Preposition + article of the demo départements' names (INSEE "TNCC"), for
# « CAF de la Gironde », « CAF du Rhône »; others fall back to « CAF – Ain (01) ».
DEPARTEMENT_OF = {
    "33": "de la Gironde",
    "69": "du Rhône",
    "57": "de la Moselle",
    "974": "de La Réunion",
    "75": "de Paris",
    "13": "des Bouches-du-Rhône",
    "59": "du Nord",
    "35": "d’Ille-et-Vilaine",
    "31": "de la Haute-Garonne",
    "44": "de la Loire-Atlantique",
    "67": "du Bas-Rhin",
    "2A": "de Corse-du-Sud",
    "971": "de la Guadeloupe",
    "973": "de la Guyane",
    "06": "des Alpes-Maritimes",
    "34": "de l’Hérault",
    "63": "du Puy-de-Dôme",
    "87": "de la Haute-Vienne",
    "21": "de la Côte-d’Or",
    "29": "du Finistère",
}


def departement_label(departement: Departement) -> str:
    return DEPARTEMENT_OF.get(departement.code, f"– {departement.name} ({departement.code})")


class DemoRefused(Exception):
    pass


def _bulk(model: type[Model], objects: list[Any], progress: Progress | None, label: str) -> int:
    """Insert ``objects`` whose unique keys may already exist; returns the number sent."""
    for start in range(0, len(objects), 2000):
        model._default_manager.bulk_create(objects[start : start + 2000], ignore_conflicts=True)
        if progress:
            progress(label, len(objects[start : start + 2000]))
    return len(objects)


def _largest_communes(departement: Departement, count: int) -> list[Commune]:
    return list(
        Commune.objects.filter(departement=departement).order_by("-population", "code")[
            : max(count, 1)
        ]
    )


def _demo_user(email: str, full_name: str, **flags: Any) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, full_name=full_name, **flags)
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def _membership(user: User, role: str, **scope: Any) -> None:
    Membership.objects.get_or_create(user=user, role=role, **scope)


def demo_seed(
    *, scale: str = "small", progress: Progress | None = None, with_voice: bool = True
) -> dict[str, int]:
    """Create the demo data of ``scale`` (small, medium, large); returns row counts.

    ``with_voice`` also creates experiences through the voice services (language engine,
    moderation, answers), the rest of the demo's activity, and refreshes the public read
    model, figures and, last, the open-data files.
    """
    if settings.IS_PRODUCTION:
        raise DemoRefused("Les données de démonstration sont refusées en production.")
    if scale not in SCALES:
        raise DemoRefused(f"Échelle inconnue : {scale} (small, medium ou large).")
    if not Commune.objects.exists():
        raise DemoRefused(
            "Les territoires ne sont pas chargés : lancez d’abord « parvis load_reference »."
        )
    if not Organisation.objects.exists():
        taxonomy_load()
    before = _counts()
    with transaction.atomic():
        _seed(SCALES[scale], scale, progress)
    from parvis.demo.commitments_demo import demo_commitments_seed  # after the accounts

    created_assessments = demo_commitments_seed()
    created_experiences = created_requests = created_conversations = created_history = 0
    created_reports = 0
    if with_voice:
        from parvis.demo.voice_demo import demo_voice_seed

        created_experiences = demo_voice_seed(scale=scale, seed=SEED)
        if progress:
            progress("Expériences", created_experiences)
        from parvis.demo.simplification_demo import demo_simplification_seed

        created_requests = demo_simplification_seed()
        if progress:
            progress("Demandes de simplification", created_requests)
        from parvis.demo.citizens_demo import demo_citizens_seed
        from parvis.demo.contacts_demo import demo_contacts_seed

        created_conversations = demo_contacts_seed()
        demo_desk_seed()  # the agent desk: templates, conversations waiting in members' queues
        demo_citizens_seed()  # citizen records, consents, visits (citizens_demo, issue 14)
        if progress:
            progress("Conversations", created_conversations)
        from parvis.demo.surveys_demo import demo_surveys_seed  # answered, after the contacts

        demo_surveys_seed()
        from parvis.demo.routing_demo import demo_routing_seed  # policies, tiers, skills

        demo_routing_seed()
        from parvis.demo.quality_demo import demo_quality_seed, demo_reports_seed

        created_history = demo_quality_seed(scale=scale)  # last: reads every contact
        if progress:
            progress("Contacts de l’année (résultats de qualité)", created_history)
        created_reports = demo_reports_seed()  # reads the results just computed
        if progress:
            progress("Rapports de qualité", created_reports)
        from parvis.publication.services import opendata_export

        # Last, every time (a rerun refreshes a demo's stale files): the open-data files
        # read everything seeded above, simplification requests and quality results
        # included. The beat's exports take over from there (within 15 minutes of a change).
        opendata_export()
    after = _counts()
    counts = {name: after[name] - before[name] for name in after}
    return counts | {
        "experiences": created_experiences,
        "simplification_requests": created_requests,
        "conversations": created_conversations,
        "quality_history_contacts": created_history,
        "quality_reports": created_reports,
        "commitment_assessments": created_assessments,
        "total": sum(after.values()),
    }


def _counts() -> dict[str, int]:
    return {
        "local_services": LocalService.objects.count(),
        "sites": Site.objects.count(),
        "opening_hours": OpeningHours.objects.count(),
        "site_partners": Site.partners.through.objects.count(),
        "site_channels": Site.channels.through.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
    }


def _seed(scale: Scale, scale_name: str, progress: Progress | None) -> None:
    rng = random.Random(SEED)
    fake = Faker("fr_FR")
    fake.seed_instance(SEED)
    # The taxonomy's administrations (France Services operators are seeded below).
    organisations = {o.slug: o for o in Organisation.objects.administrations()}
    channels = {c.slug: c for c in Channel.objects.all()}
    departements = list(
        Departement.objects.filter(code__in=scale.departements)
        if scale.departements
        else Departement.objects.filter(communes__isnull=False).distinct()
    )
    departements.sort(key=lambda d: d.code)

    services: list[LocalService] = []
    service_territory: list[tuple[str, str]] = []
    for departement in departements:
        for slug in LOCAL_ORGANISATIONS:
            name = f"{LOCAL_NAMES[slug]} {departement_label(departement)}"
            service_slug = f"{slug}-{departement.code.lower()}"
            services.append(
                LocalService(
                    organisation=organisations[slug],
                    slug=service_slug,
                    name=name,
                    sort_key=sort_key(name),
                    main_departement=departement,
                    email=f"contact.{service_slug}@demo.parvis.fr",
                )
            )
            service_territory.append((service_slug, departement.code))
    _bulk(LocalService, services, progress, "Services locaux")
    service_by_slug = {
        s.slug: s for s in LocalService.objects.filter(slug__in=[s.slug for s in services])
    }
    _bulk(
        LocalService.departements.through,
        [
            LocalService.departements.through(
                localservice_id=service_by_slug[s].pk, departement_id=code
            )
            for s, code in service_territory
        ],
        progress,
        "Territoires couverts",
    )

    sites: list[Site] = []
    site_channels: list[tuple[str, tuple[str, ...]]] = []
    site_hours: list[tuple[str, list[tuple[int, dt.time, dt.time]]]] = []
    france_services: list[str] = []
    largest = {
        departement.code: _largest_communes(departement, scale.france_services_per_departement + 1)
        for departement in departements
    }
    # France Services sites are run by their commune (two in three) or La Poste: each
    # commune operator is an organisation of its own (kind « structure porteuse »).
    _bulk(
        Organisation,
        [
            Organisation(
                slug=f"commune-{commune.code.lower()}",
                name=f"Commune de {commune.name}",
                sort_key=sort_key(f"Commune de {commune.name}"),
                kind=Organisation.Kind.FRANCE_SERVICES_OPERATOR,
            )
            for communes in largest.values()
            for index, commune in enumerate(communes[1:], start=1)
            if index % 3 != 0
        ],
        progress,
        "Structures porteuses France Services",
    )
    operators = {
        o.slug: o
        for o in Organisation.objects.filter(kind=Organisation.Kind.FRANCE_SERVICES_OPERATOR)
    }
    for departement in departements:
        communes = largest[departement.code]
        main = communes[0]
        for slug in LOCAL_ORGANISATIONS:
            service = service_by_slug[f"{slug}-{departement.code.lower()}"]
            name = f"Accueil {service.name}"
            site_slug = f"accueil-{service.slug}"
            sites.append(
                Site(
                    kind=Site.Kind.COUNTER,
                    slug=site_slug,
                    name=name,
                    sort_key=sort_key(name),
                    organisation=service.organisation,
                    local_service=service,
                    commune=main,
                    address=f"{rng.randint(1, 120)} {fake.street_name()}",
                    postcode=(main.postcodes or [""])[0],
                    phone=f"09 69 {rng.randint(10, 99)} "
                    f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
                    email=f"accueil.{service.slug}@demo.parvis.fr",
                )
            )
            site_channels.append((site_slug, COUNTER_CHANNELS))
            site_hours.append((site_slug, COUNTER_HOURS))
        for index, commune in enumerate(communes[1:], start=1):
            name = f"France Services {commune.name}"
            site_slug = f"france-services-{commune.code.lower()}-{index}"
            operator = (
                organisations["la-poste"]
                if index % 3 == 0
                else operators[f"commune-{commune.code.lower()}"]
            )
            sites.append(
                Site(
                    kind=Site.Kind.FRANCE_SERVICES,
                    slug=site_slug,
                    name=name,
                    sort_key=sort_key(name),
                    commune=commune,
                    organisation=operator,
                    address=f"{rng.randint(1, 60)} {fake.street_name()}",
                    postcode=(commune.postcodes or [""])[0],
                    phone=f"05 {rng.randint(10, 99)} {rng.randint(10, 99)} "
                    f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
                )
            )
            site_channels.append((site_slug, ("guichet", "telephone")))
            site_hours.append((site_slug, FRANCE_SERVICES_HOURS))
            france_services.append(site_slug)
    for slug, (phone, website) in NATIONAL_CONTACT_CENTRES.items():
        name = f"Centre de contact national – {organisations[slug].short_name}"
        site_slug = f"centre-contact-{slug}"
        commune = _largest_communes(departements[0], 1)[0]
        sites.append(
            Site(
                kind=Site.Kind.CONTACT_CENTRE,
                coverage=Site.Coverage.NATIONAL,
                slug=site_slug,
                name=name,
                sort_key=sort_key(name),
                organisation=organisations[slug],
                commune=commune,
                postcode=(commune.postcodes or [""])[0],
                phone=phone,
                website=website,
            )
        )
        site_channels.append((site_slug, CONTACT_CENTRE_CHANNELS))
        site_hours.append((site_slug, [(d, dt.time(8, 0), dt.time(18, 0)) for d in range(5)]))
    regional = REGIONAL_CONTACT_CENTRE
    covered: list[tuple[str, str]] = []
    seat = next((d for d in departements if d.code == regional.seat), None)
    if seat is not None:
        commune = _largest_communes(seat, 1)[0]
        sites.append(
            Site(
                kind=Site.Kind.CONTACT_CENTRE,
                coverage=Site.Coverage.DEPARTEMENTS,
                slug=regional.slug,
                name=regional.name,
                sort_key=sort_key(regional.name),
                organisation=organisations[regional.organisation],
                commune=commune,
                phone=regional.phone,
            )
        )
        site_channels.append((regional.slug, ("telephone",)))
        site_hours.append((regional.slug, [(d, dt.time(8, 0), dt.time(17, 0)) for d in range(5)]))
        covered = [(regional.slug, code) for code in regional.departements]
    _bulk(Site, sites, progress, "Sites")

    site_ids = dict(Site.objects.filter(slug__in=[s.slug for s in sites]).values_list("slug", "pk"))
    new_site_ids = {site_ids[slug] for slug, _ in site_hours} - set(
        OpeningHours.objects.filter(site_id__in=site_ids.values()).values_list("site_id", flat=True)
    )
    _bulk(
        OpeningHours,
        [
            OpeningHours(site_id=site_ids[slug], weekday=day, opens=opens, closes=closes)
            for slug, hours in site_hours
            if site_ids[slug] in new_site_ids
            for day, opens, closes in hours
        ],
        progress,
        "Horaires",
    )
    _bulk(
        Site.channels.through,
        [
            Site.channels.through(site_id=site_ids[slug], channel_id=channels[c].pk)
            for slug, slugs in site_channels
            for c in slugs
        ],
        progress,
        "Canaux",
    )
    _bulk(
        Site.covered_departements.through,
        [
            Site.covered_departements.through(site_id=site_ids[slug], departement_id=code)
            for slug, code in covered
        ],
        progress,
        "Départements servis",
    )
    _bulk(
        Site.partners.through,
        [
            Site.partners.through(site_id=site_ids[slug], organisation_id=organisations[p].pk)
            for slug in france_services
            for p in FRANCE_SERVICES_PARTNERS
        ],
        progress,
        "Partenaires",
    )

    _seed_named_accounts(organisations, service_by_slug, site_ids, france_services)
    _seed_quality_managers(organisations)
    _seed_agents(scale, fake, service_by_slug.values(), site_ids, progress)


def _seed_named_accounts(
    organisations: dict[str, Organisation],
    services: dict[str, LocalService],
    site_ids: dict[str, int],
    france_services: list[str],
) -> None:
    """The documented accounts of README and ``demo_logins`` (one per role)."""
    admin = _demo_user(
        "admin@demo.parvis.fr",
        "Alex Administrateur",
        is_platform_admin=True,
        is_staff=True,
        is_superuser=True,
    )
    assert admin.pk
    _demo_user("moderation@demo.parvis.fr", "Morgane Modératrice", is_platform_moderator=True)
    caf_admin = _demo_user("admin.caf@demo.parvis.fr", "Claire Administratrice")
    _membership(caf_admin, Role.ORGANISATION_ADMIN, organisation=organisations["caf"])
    if not ApiToken.objects.filter(organisation=organisations["caf"]).exists():
        # A read token the CAF's regional dashboard would use (its secret is not kept).
        api_token_create(
            actor=caf_admin,
            organisation=organisations["caf"],
            name="Tableau de bord régional (lecture)",
            scope=ApiToken.Scope.READ,
        )
    caf33 = services.get("caf-33")
    if caf33 is not None:
        _membership(
            _demo_user("qualite.caf33@demo.parvis.fr", "Quentin Qualité"),
            Role.QUALITY_MANAGER,
            local_service=caf33,
        )
        _membership(
            _demo_user("superviseur.caf33@demo.parvis.fr", "Sophie Superviseure"),
            Role.SUPERVISOR,
            local_service=caf33,
        )
        _membership(
            _demo_user("agent.caf33@demo.parvis.fr", "Antoine Agent"),
            Role.AGENT,
            site_id=site_ids["accueil-caf-33"],
        )
        # The CAF's level-2 referent, who also answers France Services' escalations.
        _membership(
            _demo_user("referent.caf33@demo.parvis.fr", "Rachida Référente"),
            Role.AGENT,
            local_service=caf33,
        )
    cpam69 = services.get("assurance-maladie-69")
    if cpam69 is not None:
        _membership(
            _demo_user("agent.cpam69@demo.parvis.fr", "Amina Agente"),
            Role.AGENT,
            local_service=cpam69,
        )
    if france_services:
        _membership(
            _demo_user("agent.fs@demo.parvis.fr", "Fabien Conseiller"),
            Role.AGENT,
            site_id=site_ids[france_services[0]],
        )
    _demo_user(DEMO_CITIZEN, "Camille Usagère")  # no role: a citizen's account


def _seed_quality_managers(organisations: dict[str, Organisation]) -> None:
    """A national quality manager per organisation (no login: unusable password), who
    writes the demo answers and templates of the organisations other than the CAF
    (whose answers come from admin.caf@ and qualite.caf33@)."""
    for slug, organisation in sorted(organisations.items()):
        if slug == "caf":
            continue
        email = f"qualite.{slug}@agents.demo.parvis.fr"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, full_name=f"Équipe qualité – {organisation.name}")
            user.set_unusable_password()
            user.save()
        _membership(user, Role.QUALITY_MANAGER, organisation=organisation)


def _seed_agents(
    scale: Scale,
    fake: Faker,
    services: Iterable[LocalService],
    site_ids: dict[str, int],
    progress: Progress | None,
) -> None:
    """Anonymous-looking agents (no login: unusable password) to give volume."""
    users: list[User] = []
    grants: list[tuple[str, str, int]] = []
    roles = (Role.AGENT, Role.AGENT, Role.AGENT, Role.SUPERVISOR, Role.QUALITY_MANAGER)
    for service in sorted(services, key=lambda s: s.slug):
        for index in range(scale.agents_per_service):
            email = f"{service.slug}.{index + 1}@agents.demo.parvis.fr"
            user = User(email=email, full_name=fake.name())
            user.set_unusable_password()
            users.append(user)
            grants.append((email, roles[index % len(roles)], service.pk))
    _bulk(User, users, progress, "Agents")
    user_ids = dict(
        User.objects.filter(email__in=[u.email for u in users]).values_list("email", "pk")
    )
    existing = set(
        Membership.objects.filter(user_id__in=user_ids.values()).values_list("user_id", flat=True)
    )
    _bulk(
        Membership,
        [
            Membership(user_id=user_ids[email], role=role, local_service_id=service_id)
            for email, role, service_id in grants
            if user_ids[email] not in existing
        ],
        progress,
        "Habilitations",
    )
