"""Delays people can trust: the public answer delay counts working days of the
experience's place from its publication, the same number on the page, in the API, in the
figures and in the open data; « en retard » compares the stored due date with the time the
page is read."""

from __future__ import annotations

import datetime as dt
import importlib
import json
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from parvis.directory import servicelevels
from parvis.directory.tests.factories import LocalServiceFactory
from parvis.publication import selectors, services
from parvis.publication.models import FigureScope, PublicExperience
from parvis.publication.selectors import ExperienceFilters
from parvis.quality import services as quality_services
from parvis.territories.tests.factories import DepartementFactory
from parvis.voice import selectors as voice_selectors
from parvis.voice.models import Experience, ExperienceStatus
from parvis.voice.tests.factories import ExperienceFactory, PublicAnswerFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
# Thursday 30 April 2026; Friday 1 May is a holiday, then a weekend.
PUBLISHED = dt.datetime(2026, 4, 30, 9, tzinfo=PARIS)
# Tuesday 5 May: two working days (4 and 5 May), five calendar days.
ANSWERED = dt.datetime(2026, 5, 5, 16, tzinfo=PARIS)


def _answered(service, **kwargs) -> PublicExperience:
    answer = PublicAnswerFactory(
        published=True,
        experience__complaint=True,
        experience__local_service=service,
        experience__published_at=PUBLISHED,
        experience__status=ExperienceStatus.ANSWERED,
        experience__answered_at=ANSWERED,
        published_at=ANSWERED,
        **kwargs,
    )
    row = services.publication_sync(experience_id=answer.experience_id)
    assert row is not None
    return row


def test_the_same_delay_on_the_page_in_the_api_the_figures_and_the_open_data(
    client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    service = LocalServiceFactory(slug="caf-33", main_departement=DepartementFactory())
    rows = [_answered(service) for _ in range(10)]  # ten: the figures show delays from n = 10
    row = rows[0]
    assert row.answer_delay_days == 2

    page = client.get(reverse("publication:experience_detail", args=[row.uuid])).content
    assert "2\xa0jours ouvrés après la publication de l’expérience" in page.decode()
    assert "après l’expérience" not in page.decode()

    body = client.get(f"/api/v1/publications/experiences/{row.uuid}").json()
    assert body["answer"]["delay_days"] == 2

    # The figures: the quality indicators of the months since April 2026.
    today = timezone.localdate()
    quality_services.voice_refresh(months=(today.year - 2026) * 12 + today.month - 3)
    summary = selectors.figures_for(
        scope=FigureScope.SERVICE,
        organisation_id=service.organisation_id,
        key=str(service.pk),
        period="2026-04",
    )
    assert summary is not None
    delays = (summary.cells["delay_median"], summary.cells["delay_p90"])
    assert [(cell.shown.value, cell.n) for cell in delays] == [(2.0, 10), (2.0, 10)]
    figures = client.get(reverse("publication:service_figures", args=["caf-33"])).content
    assert "2,0\xa0j. ouvrés" in figures.decode() and "jours calendaires" not in figures.decode()

    services.opendata_export()
    records = json.loads((tmp_path / "opendata" / "experiences.json").read_text())
    assert {r["delai_reponse_jours_ouvres"] for r in records} == {2}
    schema = json.loads((tmp_path / "opendata" / "experiences.schema.json").read_text())
    [column] = [f for f in schema["fields"] if f["name"] == "delai_reponse_jours_ouvres"]
    assert column["title"] == "Délai de réponse (jours ouvrés)"
    assert "delai_reponse_jours" not in {f["name"] for f in schema["fields"]}


def test_the_delay_is_counted_on_the_calendar_of_the_place():
    """20 December is a holiday in La Réunion, not in Gironde."""
    reunion = LocalServiceFactory(main_departement=DepartementFactory(reunion=True))
    gironde = LocalServiceFactory(main_departement=DepartementFactory())
    delays = {}
    for service in (reunion, gironde):
        answer = PublicAnswerFactory(
            published=True,
            experience__complaint=True,
            experience__local_service=service,
            experience__departement=service.main_departement,
            experience__status=ExperienceStatus.ANSWERED,
            experience__published_at=dt.datetime(2027, 12, 17, 6, tzinfo=dt.UTC),  # Friday
            published_at=dt.datetime(2027, 12, 21, 10, tzinfo=dt.UTC),  # Tuesday
        )
        row = services.publication_sync(experience_id=answer.experience_id)
        assert row is not None
        delays[service.main_departement_id] = row.answer_delay_days
    assert delays == {"974": 1, "33": 2}


def _waiting(*, published_at: dt.datetime) -> PublicExperience:
    experience = ExperienceFactory(complaint=True, published=True, published_at=published_at)
    Experience.objects.filter(pk=experience.pk).update(
        answer_due_at=voice_selectors.answer_due_at_for(experience)
    )
    row = services.publication_sync(experience_id=experience.pk)
    assert row is not None
    return row


def test_late_is_decided_when_the_page_is_read(settings):
    settings.VOICE_ANSWER_TARGET_WORKING_DAYS = 3
    row = _waiting(published_at=PUBLISHED)
    assert row.answer_due_at == dt.datetime(2026, 5, 7, tzinfo=PARIS)  # copied from voice

    on_time = selectors.answer_wait(row, now=dt.datetime(2026, 5, 6, 18, tzinfo=PARIS))
    assert on_time == selectors.AnswerWait(working_days=3, target_working_days=3, is_late=False)
    late = selectors.answer_wait(row, now=dt.datetime(2026, 5, 12, 9, tzinfo=PARIS))
    # 4, 5, 6, 7, 11, 12 May (8 May is a holiday too)
    assert late == selectors.AnswerWait(working_days=6, target_working_days=3, is_late=True)

    def found(now: dt.datetime) -> list[int]:
        _, _, rows = selectors.experiences_listing(filters=ExperienceFilters(late_at=now), need=20)
        return [r.pk for r in rows]

    assert found(dt.datetime(2026, 5, 6, 23, 59, tzinfo=PARIS)) == []
    assert found(dt.datetime(2026, 5, 7, tzinfo=PARIS)) == [row.pk]
    PublicExperience.objects.filter(pk=row.pk).update(is_answered=True)
    assert found(dt.datetime(2026, 5, 12, tzinfo=PARIS)) == []


def test_an_unanswered_page_says_how_long_the_service_has_been_silent(client, settings):
    settings.VOICE_ANSWER_TARGET_WORKING_DAYS = 10
    old = _waiting(published_at=timezone.now() - dt.timedelta(days=60))
    fresh = _waiting(published_at=timezone.now())
    silent = servicelevels.working_days_elapsed(
        old.published_at, now=timezone.now(), place=voice_selectors.place_of(old)
    )

    html = client.get(reverse("publication:experience_detail", args=[old.uuid])).content.decode()
    target = "(délai cible\xa0: 10\xa0jours ouvrés)"
    assert f"Sans réponse depuis {silent}\xa0jours ouvrés {target}" in html
    assert '<span class="fr-badge fr-badge--sm fr-badge--error">En retard</span>' in html

    html = client.get(reverse("publication:experience_detail", args=[fresh.uuid])).content.decode()
    assert "Sans réponse depuis 0\xa0jour ouvré (délai cible\xa0: 10\xa0jours ouvrés)" in html
    assert "En retard" not in html

    # the listing: its filter and its cards
    html = client.get("/experiences/?answered=en-retard").content.decode()
    assert str(old.uuid) in html and str(fresh.uuid) not in html
    assert "En retard</p>" in html
    html = client.get("/experiences/?answered=non").content.decode()
    assert html.count("En retard</p>") == 1


migration = importlib.import_module("parvis.publication.migrations.0006_working_day_delays")


def test_the_backfill_counts_old_delays_in_working_days_and_copies_scope_and_due_date():
    service = LocalServiceFactory(main_departement=DepartementFactory())
    row = _answered(service)
    experience = Experience.objects.get(pk=row.experience_id)
    due = dt.datetime(2026, 5, 15, tzinfo=PARIS)
    Experience.objects.filter(pk=experience.pk).update(answer_due_at=due)
    # as the read model held it: calendar days, no due date, no local service
    PublicExperience.objects.filter(pk=row.pk).update(
        answer_delay_days=5, answer_due_at=None, local_service=None
    )

    migration.copy_scope_and_delays(apps, None)

    row.refresh_from_db()
    assert (row.answer_delay_days, row.answer_due_at, row.local_service_id) == (
        2,
        due,
        service.pk,
    )
