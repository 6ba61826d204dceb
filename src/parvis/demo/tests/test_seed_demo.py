"""seed_demo: deterministic, idempotent, refused in production, logins documented; its
experiences tell a true story (dates in order, many services, delays, queues, figures)."""

from __future__ import annotations

import datetime as dt
import io
import random
import re

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone

from parvis.accounts.models import Membership, Role, User
from parvis.contacts.models import (
    CitizenExperienceLink,
    CitizenRecord,
    SurveyAnswer,
    SurveyInvitation,
)
from parvis.demo import voice_texts
from parvis.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from parvis.demo.tests.citizens_checks import assert_demo_citizens
from parvis.demo.tests.quality_checks import assert_a_year_of_quality_results
from parvis.demo.tests.test_french_everywhere import assert_french_everywhere
from parvis.directory import servicelevels
from parvis.directory.models import LocalService, Site
from parvis.territories.services import territories_load
from parvis.testing.ci import once

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference():
    territories_load()


@once  # seeds the whole demo; the role walk seeds it on SQLite
def test_small_demo_is_complete_idempotent_and_french_everywhere(
    reference, client, django_capture_on_commit_callbacks
):
    # Two seedings in all (each takes minutes): the checks of the first demo, then what a
    # rerun must keep or mend, then the checks that the rerun's demo is still whole.
    call_command("seed_demo", "--scale", "small")
    assert LocalService.objects.filter(name="CAF de la Gironde").exists()
    reunion = Site.objects.get(slug="accueil-caf-974")
    assert reunion.timezone == "Indian/Reunion"
    france_services = Site.objects.filter(kind=Site.Kind.FRANCE_SERVICES).first()
    assert france_services.partners.count() == 9
    assert france_services.opening_hours.exists()
    assert {m.role for m in Membership.objects.all()} == set(Role.values)
    # Demo experiences went through the engine and moderation: public ones are masked.
    from parvis.publication.models import PublicExperience

    public = list(PublicExperience.objects.all())
    assert public and any(p.is_answered for p in public)
    assert all("06 12 34 56 78" not in p.text for p in public)
    for email, _ in DEMO_ACCOUNTS:
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD), email
    response = client.post(
        "/compte/connexion/", {"username": "agent.caf33@demo.parvis.fr", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    # the demo citizen lands on their own experiences
    from parvis.voice.models import Experience

    client.logout()
    citizen = client.post(
        "/compte/connexion/", {"username": "usager@demo.parvis.fr", "password": DEMO_PASSWORD}
    )
    assert citizen["Location"] == "/temoigner/mes-experiences/"
    assert Experience.objects.filter(author__email="usager@demo.parvis.fr").count() == 3
    assert_demo_citizens()  # it withdraws a consent
    assert_a_year_of_quality_results(client)
    client.logout()

    # The rerun: idempotent, and it mends a demo seeded before the citizen account existed.
    Experience.objects.filter(author__email="usager@demo.parvis.fr").update(author=None)
    counts = _rows_a_rerun_keeps()
    summary = io.StringIO()
    call_command("seed_demo", "--scale", "small", stdout=summary)
    # The summary is French, row by row: no count is shown by its code.
    assert "Conversations" in summary.getvalue() and "Comptes" in summary.getvalue()
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", summary.getvalue())
    assert counts == _rows_a_rerun_keeps()
    assert Experience.objects.filter(author__email="usager@demo.parvis.fr").count() == 3
    # Simplification requests in every state, through the services (masked, with their
    # dated public history), created once.
    from parvis.demo.simplification_demo import DEMO_PROCEDURES, HISTORY_COUNTS
    from parvis.simplification.models import SimplificationRequest, Status

    assert {r.status for r in SimplificationRequest.objects.all()} == set(Status.values)
    assert SimplificationRequest.objects.count() == 8 + sum(HISTORY_COUNTS.values())
    requests = SimplificationRequest.objects.filter(procedure_name__in=DEMO_PROCEDURES)
    assert requests.count() == 8
    assert all("06 12 34 56 78" not in r.difficulty for r in requests)
    done = requests.get(status=Status.DONE)
    assert [c.to_status for c in done.history.filter(is_public=True)] == [
        Status.RECEIVED,
        Status.ACCEPTED,
        Status.DONE,
    ]
    assert client.get("/simplification/", {"statut": "realisee"}).status_code == 200
    # The demo citizen supported two of them: « Mes demandes de simplification » shows them.
    supported = requests.filter(supports__user__email="usager@demo.parvis.fr")
    assert set(supported.values_list("status", flat=True)) == {Status.UNDER_STUDY, Status.DONE}
    # The voice demo tells the truth (one seeding serves every check: it takes a while).
    client.logout()
    _dates_are_in_order()
    _many_services_many_voices()
    _delays_on_time_and_late()
    _queues_have_work_of_every_age()
    _contacts_wait_as_on_a_real_day()
    _figures_show_at_departement_level(client)
    # Last (it acts as the demo's people do): no stored code reaches a person.
    assert_french_everywhere(django_capture_on_commit_callbacks)


def _rows_a_rerun_keeps() -> tuple[int, ...]:
    """Rows a rerun of the demo must not add to (the quality history's contacts are not
    asked a second time either, nor are the citizen records joined again)."""
    return (
        LocalService.objects.count(),
        Site.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        SurveyInvitation.objects.count(),
        SurveyAnswer.objects.count(),
        CitizenRecord.objects.count(),
        CitizenExperienceLink.objects.count(),
    )


def _dates_are_in_order():
    """happened ≤ submitted ≤ published ≤ answered, for every experience and answer, and
    each history reads in order, over the last fourteen months."""
    from parvis.publication.services import local_date
    from parvis.quality.selectors import add_months
    from parvis.voice.models import Experience
    from parvis.voice.selectors import place_of

    now = timezone.now()
    experiences = Experience.objects.select_related(
        "answer", "site__commune", "local_service"
    ).prefetch_related("transitions", "answer__transitions")
    assert experiences.count() > 150
    months = set()
    for e in experiences:
        assert e.happened_on <= servicelevels.local_date(e.submitted_at, place_of(e)), e.pk
        moments = [m.created_at for m in e.transitions.all()]  # ordered by created_at, id
        assert moments == sorted(moments)
        assert [m.pk for m in e.transitions.all()] == sorted(m.pk for m in e.transitions.all())
        assert moments[0] == e.submitted_at and moments[-1] <= now
        for decided in (e.published_at, e.rejected_at, e.withdrawn_at):
            assert decided is None or e.submitted_at < decided <= now, e.pk
        if e.published_at:
            months.add(local_date(e.published_at).replace(day=1))
        answer = getattr(e, "answer", None)
        if answer is None:
            assert e.answered_at is None
            continue
        answer_moments = [m.created_at for m in answer.transitions.all()]
        assert answer_moments == sorted(answer_moments)
        assert e.published_at < answer.created_at == answer_moments[0]
        assert answer.published_at == e.answered_at
        if e.answered_at:
            assert answer_moments[-1] == e.answered_at <= now
    # a monthly history without gaps, not one busy day
    assert len(months) >= 13
    assert all(add_months(min(months), i) in months for i in range(len(months)))


def _many_services_many_voices():
    """Several organisations and départements, online and at counters; distinct texts in
    several registers, masked by the engine; the organisations' and the local team's
    answer templates."""
    from parvis.core.crypto import decrypt_text
    from parvis.publication.models import PublicExperience
    from parvis.voice.models import AnswerTemplate, Experience, PublicAnswer

    experiences = Experience.objects.all()
    organisations = set(experiences.values_list("organisation__slug", flat=True))
    assert {"caf", "assurance-maladie", "dgfip", "france-travail", "msa", "ants"} <= organisations
    assert (
        len(set(experiences.exclude(departement=None).values_list("departement", flat=True))) >= 4
    )
    originals = [
        decrypt_text(e.original_text_encrypted)
        for e in experiences.exclude(original_text_encrypted="")
    ]
    assert len(originals) == len(set(originals)) > 150
    masked = list(experiences.exclude(masked_text="").values_list("masked_text", flat=True))
    assert len(masked) == len(set(masked))
    public = " ".join(PublicExperience.objects.values_list("text", flat=True))
    for placeholder in ("[NOM]", "[TÉLÉPHONE]", "[N° ALLOCATAIRE]", "[NIR]"):
        assert placeholder in public
    assert not re.search(r"\b0[67](?:[ .]?\d\d){4}\b", public)
    assert {"positif", "neutre", "negatif"} <= set(experiences.values_list("tone", flat=True))
    assert experiences.filter(reference__startswith="EXP-").count() == experiences.count()
    # Recorded for citizens who are not online: at a France Services site, at the counter.
    france_services = experiences.filter(
        is_assisted=True,
        assisted_by__email="agent.fs@demo.parvis.fr",
        assisted_site__kind=Site.Kind.FRANCE_SERVICES,
        site=F("assisted_site"),
    )
    assert france_services.count() >= 5
    assert len(set(france_services.values_list("organisation", flat=True))) >= 4
    assert (
        experiences.filter(
            is_assisted=True,
            assisted_by__email="agent.caf33@demo.parvis.fr",
            assisted_site__slug="accueil-caf-33",
        ).count()
        >= 3
    )
    templates = AnswerTemplate.objects.filter(is_active=True)
    for slug in ("caf", "assurance-maladie", "dgfip"):
        assert templates.filter(organisation__slug=slug, local_service=None).exists(), slug
    assert templates.filter(local_service__slug="caf-33").exists()
    assert PublicAnswer.objects.filter(template__local_service__slug="caf-33").exists()
    assert PublicAnswer.objects.filter(template=None).exists()


def _delays_on_time_and_late():
    """Answers within their target and late; unanswered experiences still on time and
    overdue. Against ``answer_due_at`` once the delays work fills it, else the same
    deadline computed here."""
    from parvis.voice.models import Experience, ExperienceStatus
    from parvis.voice.selectors import answer_targets, place_of

    now = timezone.now()
    published = Experience.objects.filter(published_at__isnull=False).select_related(
        "answer", "organisation", "site__commune", "local_service"
    )

    def due(e):
        if e.answer_due_at is not None:
            return e.answer_due_at
        target, _ = answer_targets(e.organisation)
        return servicelevels.working_days_deadline(e.published_at, target, place_of(e))

    answered = [e for e in published if e.status == ExperienceStatus.ANSWERED]
    waiting = [e for e in published if e.status == ExperienceStatus.PUBLISHED]
    assert any(e.answered_at < due(e) for e in answered)
    assert any(e.answered_at >= due(e) for e in answered)
    assert any(due(e) <= now for e in waiting)
    assert any(due(e) > now for e in waiting)


def _queues_have_work_of_every_age():
    """The moderator's queue holds experiences of several ages, sensitive ones among
    them, and answers; some experiences were rejected, some withdrawn."""
    from parvis.voice.models import AnswerStatus, Experience, ExperienceStatus, PublicAnswer

    now = timezone.now()
    queue = Experience.objects.filter(status=ExperienceStatus.IN_MODERATION)
    ages = [now - e.submitted_at for e in queue]
    assert min(ages) < dt.timedelta(days=1) and max(ages) > dt.timedelta(days=5)
    assert queue.filter(is_sensitive=True).exists()
    assert queue.filter(is_sensitive=False).exists()
    assert PublicAnswer.objects.filter(status=AnswerStatus.IN_MODERATION).exists()
    assert Experience.objects.filter(status=ExperienceStatus.REJECTED).exists()
    assert Experience.objects.filter(status=ExperienceStatus.WITHDRAWN).exists()


def _contacts_wait_as_on_a_real_day():
    """Chats and calls waiting for an agent arrived minutes ago (nobody waits days on a
    line); written contacts waiting are of several ages, some of them late."""
    from parvis.contacts.models import Conversation
    from parvis.contacts.models import Status as ContactStatus

    now = timezone.now()
    waiting = Conversation.objects.filter(status=ContactStatus.QUEUED)
    live = waiting.filter(channel_id__in=("chat", "telephone"))
    written = waiting.filter(channel_id__in=("courriel", "sms"))
    assert live.exists() and written.exists()
    assert all(now - c.created_at < dt.timedelta(hours=1) for c in live)
    ages = [now - c.created_at for c in written]
    assert min(ages) < dt.timedelta(days=1) and max(ages) > dt.timedelta(days=2)
    assert written.filter(first_answer_due_at__lt=now).exists()


def _figures_show_at_departement_level(client):
    """The indicators' publication minimums leave figures, delays included, for at least
    three départements and three local services, on the public figures page too (read
    from the quality catalogue)."""
    from parvis.publication import selectors
    from parvis.publication.models import LAST_12_MONTHS, FigureScope

    def published(place: selectors.PlaceFigures) -> bool:
        return all(
            (cell := place.cells[column]) is not None and cell.published
            for column in ("answered", "delay_median")
        )

    for scope in (FigureScope.DEPARTEMENT, FigureScope.SERVICE):
        shown = [
            p for p in selectors.figures_at(level=scope, period=LAST_12_MONTHS) if published(p)
        ]
        assert len(shown) >= 3, scope
    response = client.get("/experiences/chiffres/", {"scope": "departement"})
    assert response.status_code == 200
    assert len([row for row in response.context["ranking"] if published(row)]) >= 3


def test_demo_texts_are_drawn_the_same_way_every_time():
    told = [
        [
            (t.title, t.text, t.reply)
            for t in (
                voice_texts.tell(story, rng, villes=("Bordeaux", "Mérignac"), taken=set())
                for story in voice_texts.STORIES["caf"]
            )
            if t is not None
        ]
        for rng in (random.Random(7), random.Random(7))
    ]
    assert told[0] == told[1] and len(told[0]) == len(voice_texts.STORIES["caf"])


def test_demo_is_deterministic(reference):
    from parvis.demo.services import demo_seed

    demo_seed(scale="small", with_voice=False)  # experiences would protect the sites
    first = sorted(Site.objects.values_list("slug", "address"))
    Site.objects.all().delete()
    demo_seed(scale="small", with_voice=False)
    assert sorted(Site.objects.values_list("slug", "address")) == first


def test_demo_is_refused_in_production(reference, settings):
    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo", "--scale", "small")
    assert not Site.objects.exists()


def test_demo_needs_the_reference_data():
    with pytest.raises(CommandError, match="load_reference"):
        call_command("seed_demo")


def test_demo_logins_lists_every_documented_account(capsys):
    call_command("demo_logins", "--url", "http://127.0.0.1:8000")
    output = capsys.readouterr().out
    assert "http://127.0.0.1:8000" in output and DEMO_PASSWORD in output
    assert all(email in output for email, _ in DEMO_ACCOUNTS)


def test_demo_directory_gives_each_channel_its_detail_and_answers_saint_etienne(reference):
    from parvis.demo.services import demo_seed
    from parvis.directory import selectors
    from parvis.directory.channels import missing_channel_details

    demo_seed(scale="small", with_voice=False)
    for site in Site.objects.prefetch_related("channels"):
        values = {field: getattr(site, field) for field in ("address", "phone", "email", "website")}
        assert missing_channel_details(channels=site.channels.all(), values=values) == {}, site
    assert set(
        Site.objects.filter(kind=Site.Kind.CONTACT_CENTRE).values_list("slug", "coverage")
    ) == {
        ("centre-contact-caf", "national"),
        ("centre-contact-assurance-maladie", "national"),
        ("centre-contact-dgfip", "national"),
        ("centre-contact-carsat-rhone-alpes", "departements"),
    }
    # Saint-Étienne has no demo site: competent contact centres, then the Rhône's sites.
    found = selectors.directory_search(commune="St-Étienne")
    assert found.commune.code == "42218"
    assert "centre-contact-carsat-rhone-alpes" in {s.slug for s in found.serving_sites}
    assert found.nearest.scope == "region" and found.nearest.sites
    # Évry: the national contact centres answer; no site in Île-de-France is invented.
    found = selectors.directory_search(commune="evry")
    assert found.commune.name == "Évry-Courcouronnes"
    assert {s.slug for s in found.serving_sites} == {
        "centre-contact-caf",
        "centre-contact-assurance-maladie",
        "centre-contact-dgfip",
    }
    assert found.nearest is None


def test_demo_agents_find_conversations_waiting_at_their_desk(reference, client):
    """The README's desk login: conversations wait in the queues the agent belongs to,
    and the desk lists them."""
    from django.urls import reverse

    from parvis.demo.contacts_demo import demo_contacts_seed
    from parvis.demo.desk_demo import demo_desk_seed
    from parvis.demo.services import demo_seed
    from parvis.desk.selectors import waiting_conversations
    from parvis.voice.models import AnswerTemplate

    demo_seed(scale="small", with_voice=False)  # the contacts come with the voice part:
    demo_contacts_seed()  # seeded here without the experiences
    demo_desk_seed()
    agent = User.objects.get(email="agent.caf33@demo.parvis.fr")
    waiting = waiting_conversations(agent)
    assert len(waiting) >= 3
    client.force_login(agent)
    html = client.get(reverse("desk:home")).content.decode()
    assert all(c.reference in html for c in waiting[:3])
    # Put back in their queue, they wait since they were taken, days ago, not « 1 min »
    # against a deadline of days ago.
    for conversation in waiting:
        due = conversation.first_answer_due_at or conversation.resolution_due_at
        assert due is None or conversation.queued_at <= due, conversation.reference
    # Spread over two weeks, the conversations keep the deadlines the hub computes at
    # their arrival, and their acknowledgement says the day they arrived.
    from django.utils import formats, timezone

    from parvis.contacts.models import Conversation
    from parvis.contacts.services.queues import deadlines_of
    from parvis.core.crypto import decrypt_text

    acknowledged = 0
    for conversation in Conversation.objects.filter(queue__isnull=False).select_related(
        "queue", "motif"
    ):
        if conversation.resolution_due_at is None:
            continue
        expected = deadlines_of(
            queue=conversation.queue,
            channel=conversation.channel_id,
            motif=conversation.motif,
            now=conversation.created_at,
        )
        assert conversation.resolution_due_at == expected.resolution_due_at
        assert conversation.first_answer_due_at == expected.first_answer_due_at
        acknowledgement = conversation.messages.filter(is_automatic=True, channel_id="courriel")
        for message in acknowledgement:
            acknowledged += 1
            arrived = timezone.localtime(conversation.messages.order_by("created_at")[0].created_at)
            assert f"votre demande le {formats.date_format(arrived, 'j F Y')}" in decrypt_text(
                message.body_encrypted
            )
    assert acknowledged
    # One address per service: the acknowledgement's (the mailbox the citizen writes to)
    # is the one the directory publishes, « contact.caf-33@ », not a « contact.caf33@ » twin.
    from parvis.contacts.models import InboundEndpoint

    mailboxes = InboundEndpoint.objects.filter(connector="courriel").values_list(
        "address", flat=True
    )
    published = set(LocalService.objects.values_list("email", flat=True))
    assert sorted(mailboxes) == [
        "contact.assurance-maladie-69@demo.parvis.fr",
        "contact.caf-33@demo.parvis.fr",
    ]
    assert set(mailboxes) <= published
    assert AnswerTemplate.objects.filter(organisation__slug="caf", must_personalise=False).exists()
    # The demo citizens texted: their numbers accepted SMS, the agents may answer by SMS.
    from parvis.contacts.models import Conversation
    from parvis.desk.switches import reply_options

    texted = Conversation.objects.filter(channel_id="sms")
    assert texted.exists()
    for conversation in texted:
        sms = next(o for o in reply_options(conversation) if o.switch.channel == "sms")
        assert sms.available, sms.refusal
    # Something to answer in writing at the desk: two emails and an SMS wait in the
    # agent's queues, each with a written channel open.
    written = [c for c in waiting if c.channel_id in ("courriel", "sms")]
    assert sum(c.channel_id == "courriel" for c in written) >= 2
    assert any(c.channel_id == "sms" for c in written)
    for conversation in written:
        assert any(o.available and not o.switch.callback for o in reply_options(conversation))
        page = client.get(reverse("desk:conversation", args=[conversation.reference]))
        assert 'name="text"' in page.content.decode(), conversation.reference
    # Waiting for the citizen only after an agent's answer, never after the
    # acknowledgement alone.
    from parvis.contacts.models import Direction, Status

    for conversation in Conversation.objects.filter(status=Status.WAITING_CITIZEN):
        answers = conversation.messages.filter(direction=Direction.OUTBOUND, is_automatic=False)
        assert answers.exclude(author=None).exists(), conversation.reference
        assert conversation.first_answered_at is not None


def test_demo_emails_are_signed_by_the_records_they_join():
    """The n-th CAF email's sender is a contact point of the n-th demo record
    (``citizens_demo``): its signature is that person's."""
    from parvis.demo.citizens_demo import CAF_CITIZENS
    from parvis.demo.contacts_texts import EMAILS

    caf_emails = [text for org, _subject, text in EMAILS if org == "caf"]
    for text, (first, last, *_rest) in zip(caf_emails, CAF_CITIZENS, strict=False):
        assert f"{first} {last}" in text, (first, last)


def test_demo_open_data_files_hold_what_the_demo_seeded_last(
    reference, settings, tmp_path, monkeypatch
):
    """The open data was exported in the middle of the seeding, before the simplification
    requests and the quality results: « demandes-simplification » had no row and the
    Services Publics+ export only its header until the beat's next export. The slow parts
    (experiences, contacts, a year of results) are replaced by a result of last month."""
    import csv

    from parvis.demo import (
        citizens_demo,
        contacts_demo,
        quality_demo,
        routing_demo,
        services,
        surveys_demo,
        voice_demo,
    )
    from parvis.directory.models import Organisation
    from parvis.quality.models import Indicator, Level, Result
    from parvis.quality.selectors import add_months
    from parvis.simplification.models import SimplificationRequest
    from parvis.simplification.selectors import PUBLIC_STATUSES

    settings.MEDIA_ROOT = tmp_path

    def a_result_of_last_month(**kwargs: object) -> int:
        indicator = Indicator.objects.get(code="taux-appels-decroches")
        caf = Organisation.objects.get(slug="caf")
        Result.objects.create(
            indicator=indicator,
            version=indicator.version,
            level=Level.ORGANISATION,
            organisation=caf,
            key=caf.slug,
            label=caf.name,
            month=add_months(timezone.localdate().replace(day=1), -1),
            value=0.875,
            numerator=175,
            denominator=200,
            n=200,
        )
        return 200

    for module, name in (
        (voice_demo, "demo_voice_seed"),
        (contacts_demo, "demo_contacts_seed"),
        (services, "demo_desk_seed"),
        (citizens_demo, "demo_citizens_seed"),
        (surveys_demo, "demo_surveys_seed"),
        (routing_demo, "demo_routing_seed"),
        (quality_demo, "demo_reports_seed"),
    ):
        monkeypatch.setattr(module, name, lambda **kwargs: 0)
    monkeypatch.setattr(quality_demo, "demo_quality_seed", a_result_of_last_month)

    services.demo_seed(scale="small")

    def rows(name: str) -> list[dict[str, str]]:
        with (tmp_path / "opendata" / name).open(encoding="utf-8") as file:
            return list(csv.DictReader(file))

    published = SimplificationRequest.objects.filter(status__in=PUBLIC_STATUSES).count()
    assert published and len(rows("demandes-simplification.csv")) == published
    sp_plus = rows("resultats-services-publics-plus.csv")
    assert [(r["code_parvis"], r["valeur"]) for r in sp_plus] == [("caf", "87.5")]
