"""Demo citizen records (issue 14): CAF de la Gironde citizens whose emails, SMS and calls
of the demo contacts join their records (through ``citizen_contact_point_add``), with
file numbers, accessibility needs, a NIR (the CAF's setting allows it), a probable
duplicate to merge, counter visits, a France Services visit shared with the CAF by
the citizen's consent (captured at the counter by « agent.fs »), and the demo citizen's
account's own CAF record, to which she joined her published CAF experience.

Everything goes through the citizen record services, acting as the demo agents (and as
the demo citizen for her experience). Idempotent: a rerun finds the CAF's demo records
and adds nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from parvis.accounts.models import User
from parvis.contacts import selectors
from parvis.contacts.models import CitizenRecord, ContactSettings, Outcome
from parvis.contacts.services import records, visit_record
from parvis.demo import contacts_texts as texts
from parvis.demo.accounts import DEMO_CITIZEN
from parvis.directory.models import Motif, Organisation, Site


def _nir(body: str) -> str:
    number = int(body.replace("2A", "19").replace("2B", "18"))
    return f"{body}{97 - number % 97:02d}"


def _caf_indices(rows: Sequence[tuple[str, ...]]) -> list[int]:
    return [index for index, row in enumerate(rows) if row[0] == "caf"]


# (first name, last name, birth date, accessibility needs, file numbers)
CAF_CITIZENS = [
    (
        "Léa",
        "Martin",
        dt.date(1988, 3, 14),
        ["reading_difficulty"],
        [("family_benefits_number", "3312345")],
    ),
    ("Karim", "Benali", dt.date(1975, 11, 2), [], [("family_benefits_number", "3398765")]),
    (
        "Sophie",
        "Lefèvre",
        dt.date(1992, 7, 21),
        ["hearing_impaired"],
        [("family_benefits_number", "3355501")],
    ),
    (
        "Jean",
        "Dupont",
        dt.date(1959, 1, 30),
        ["reduced_mobility"],
        [("tax_number", "1234567890123")],
    ),
    (
        "Aminata",
        "Diallo",
        dt.date(2001, 5, 9),
        ["interpreter_needed"],
        [("family_benefits_number", "3377002")],
    ),
    ("Marc", "Girard", dt.date(1983, 9, 17), [], []),
]


@transaction.atomic
def demo_citizens_seed() -> int:
    """Create the demo citizen records; returns how many."""
    caf = Organisation.objects.filter(slug="caf").first()
    counter = Site.objects.filter(slug="accueil-caf-33").first()
    agent = User.objects.filter(email="agent.caf33@demo.parvis.fr").first()
    if caf is None or counter is None or agent is None:
        return 0
    if CitizenRecord.objects.filter(organisation=caf, last_name="Martin").exists():
        return len(_demo_citizen_record(caf, agent))  # a demo seeded before it existed
    ContactSettings.objects.update_or_create(organisation=caf, defaults={"nir_allowed": True})
    emails, sms, calls = (
        _caf_indices(texts.EMAILS),
        _caf_indices(texts.SMS),
        _caf_indices(texts.CALLS),
    )
    created: list[CitizenRecord] = []
    for index, (first, last, birth, needs, numbers) in enumerate(CAF_CITIZENS):
        citizen = records.citizen_record_create(
            principal=agent,
            organisation=caf,
            first_name=first,
            last_name=last,
            birth_date=birth,
            preferred_channel="courriel" if index % 2 else "sms",
            accessibility_needs=needs,
        )
        # The demo contacts' senders (contacts_demo: usager<n>@exemple.fr, +3367012<n>,
        # +3361450<n>): their conversations join the record.
        if index < len(emails):
            _point(agent, citizen, "email", f"usager{emails[index] + 1}@exemple.fr")
        if index < len(sms):
            _point(agent, citizen, "phone", f"+3367012{sms[index]:04d}")
        if index < len(calls):
            _point(agent, citizen, "phone", f"+3361450{calls[index]:04d}")
        for kind, value in numbers:
            records.citizen_file_number_add(
                principal=agent, citizen=citizen, kind=kind, value=value
            )
        created.append(citizen)
    records.citizen_nir_set(principal=agent, citizen=created[3], nir=_nir("1590133063042"))
    records.citizen_contact_point_add(
        principal=agent,
        citizen=created[0],
        kind="postal_address",
        value="12 rue des Vignes, 33000 Bordeaux",
    )
    # A probable duplicate: the same person typed again at the counter.
    created.append(
        records.citizen_record_create(
            principal=agent,
            organisation=caf,
            first_name="Karim",
            last_name="BENALI",
            birth_date=dt.date(1975, 11, 2),
            display_name="M. Benali",
        )
    )
    caf_motif = Motif.objects.filter(organisation=caf, is_active=True).order_by("position").first()
    if caf_motif is not None:
        for citizen in created[:3]:
            visit_record(
                principal=agent,
                site=counter,
                motif=caf_motif,
                outcome=Outcome.ANSWERED,
                minutes=12,
                citizen=citizen,
            )
    created += _france_services_visit(caf, created[0])
    created += _cpam_citizens()
    created += _demo_citizen_record(caf, agent)
    return len(created)


def _demo_citizen_record(caf: Organisation, agent: User) -> list[CitizenRecord]:
    """The demo citizen (« usager@ », Camille Usagère) is known to the CAF: the counter
    agent gave her record her account's address, and she joined her first published CAF
    experience to it from « Mes expériences », so « agent.caf33 » reads its published
    masked text in her timeline. Nothing when her record is there already (she may have
    withdrawn the experience since: her choice stands)."""
    from parvis.publication.models import PublicExperience
    from parvis.voice.models import Experience

    citizen = User.objects.filter(email=DEMO_CITIZEN).first()
    if (
        citizen is None
        or selectors.citizen_records_of_account(citizen, organisation_id=caf.pk).exists()
    ):
        return []
    record = records.citizen_record_create(
        principal=agent,
        organisation=caf,
        first_name="Camille",
        last_name="Usagère",
        preferred_channel="courriel",
    )
    _point(agent, record, "email", DEMO_CITIZEN)
    published = (
        PublicExperience.objects.filter(
            organisation=caf,
            uuid__in=Experience.objects.filter(author=citizen).values("uuid"),
        )
        .order_by("published_at", "pk")
        .first()
    )
    if published is not None:
        records.citizen_experience_link(
            actor=citizen, citizen=record, experience_uuid=published.uuid
        )
    return [record]


def _cpam_citizens() -> list[CitizenRecord]:
    """Two CPAM du Rhône citizens, for « agent.cpam69 », from the demo contacts' senders."""
    cpam = Organisation.objects.filter(slug="assurance-maladie").first()
    agent = User.objects.filter(email="agent.cpam69@demo.parvis.fr").first()
    if cpam is None or agent is None:
        return []
    emails = [i for i, row in enumerate(texts.EMAILS) if row[0] == cpam.slug]
    made = []
    for index, (first, last, birth) in enumerate(
        [("Nadia", "Roux", dt.date(1969, 4, 8)), ("Thomas", "Petit", dt.date(1996, 12, 1))]
    ):
        citizen = records.citizen_record_create(
            principal=agent, organisation=cpam, first_name=first, last_name=last, birth_date=birth
        )
        if index < len(emails):
            _point(agent, citizen, "email", f"usager{emails[index] + 1}@exemple.fr")
        made.append(citizen)
    return made


def _point(agent: User, citizen: CitizenRecord, kind: str, value: str) -> None:
    records.citizen_contact_point_add(principal=agent, citizen=citizen, kind=kind, value=value)


def _france_services_visit(caf: Organisation, caf_record: CitizenRecord) -> list[CitizenRecord]:
    """Léa Martin at « agent.fs »'s France Services counter: her record there, a visit,
    and her consent that the CAF see her identity and history (the CAF agent's timeline
    of her CAF record then shows the visit)."""
    fs_agent = User.objects.filter(email="agent.fs@demo.parvis.fr").first()
    site = (
        Site.objects.filter(memberships__user=fs_agent, kind=Site.Kind.FRANCE_SERVICES).first()
        if fs_agent
        else None
    )
    if fs_agent is None or site is None:
        return []
    record = records.citizen_record_create(
        principal=fs_agent,
        organisation=site.organisation,
        first_name=caf_record.first_name,
        last_name=caf_record.last_name,
        birth_date=caf_record.birth_date,
    )
    # About one of the CAF's motifs, a partner of the site (the operator may have none).
    visit_record(
        principal=fs_agent,
        site=site,
        motif=selectors.visit_motifs_for(Site.objects.filter(pk=site.pk))
        .filter(organisation=caf)
        .first(),
        outcome=Outcome.ANSWERED_END_TO_END,
        minutes=25,
        documents=["Avis d’imposition", "Attestation"],
        citizen=record,
    )
    records.consent_capture(
        principal=fs_agent,
        citizen=record,
        purpose="procedure_help",
        organisations=[caf],
        categories=["identity", "timeline"],
        channel="guichet",
    )
    return [record]
