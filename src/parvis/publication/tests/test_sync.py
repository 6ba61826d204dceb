"""The read model follows voice: only masked, published data; gone when not public."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from parvis.directory.tests.factories import ThemeFactory
from parvis.publication import services
from parvis.publication.models import PublicExperience
from parvis.quality.models import Result
from parvis.voice import events
from parvis.voice.models import AnswerStatus, ExperienceStatus
from parvis.voice.tests.factories import (
    AUTHOR_EMAIL,
    ORIGINAL_TEXT,
    ExperienceFactory,
    PublicAnswerFactory,
)

pytestmark = pytest.mark.django_db


def _public_values(row: PublicExperience) -> str:
    return " ".join(str(getattr(row, f.attname)) for f in PublicExperience._meta.concrete_fields)


def test_a_published_experience_gets_a_public_row_with_masked_data_only():
    experience = ExperienceFactory(
        complaint=True, published=True, masked_text="Merci à [NOM] pour son aide."
    )

    row = services.publication_sync(experience_id=experience.pk)

    assert row is not None
    assert row.uuid == experience.uuid
    assert row.text == "Merci à [NOM] pour son aide."
    assert row.title == experience.masked_title
    values = _public_values(row)
    assert ORIGINAL_TEXT not in values and AUTHOR_EMAIL not in values
    assert "gAAAAA" not in values  # nothing copied from an encrypted field
    assert row.organisation_id == experience.organisation_id
    assert row.published_month == timezone.localdate(experience.published_at).replace(day=1)


def test_the_voice_event_after_commit_builds_the_row(django_capture_on_commit_callbacks):
    experience = ExperienceFactory(complaint=True, published=True)

    with django_capture_on_commit_callbacks(execute=True):
        from django.db import transaction

        transaction.on_commit(lambda: events.experience_changed(experience.pk))

    assert PublicExperience.objects.filter(uuid=experience.uuid).exists()


@pytest.mark.parametrize(
    "status",
    [ExperienceStatus.SUBMITTED, ExperienceStatus.IN_MODERATION, ExperienceStatus.REJECTED],
)
def test_an_undecided_or_rejected_experience_is_never_public(status):
    experience = ExperienceFactory(complaint=True, status=status)

    assert services.publication_sync(experience_id=experience.pk) is None
    assert not PublicExperience.objects.exists()


def test_a_withdrawn_experience_disappears_with_its_page(client, publish):
    row = publish()
    assert client.get(f"/experiences/{row.uuid}/").status_code == 200
    experience = row.experience_id

    from parvis.voice.models import Experience

    Experience.objects.filter(pk=experience).update(
        status=ExperienceStatus.WITHDRAWN, withdrawn_at=timezone.now()
    )
    events.experience_changed(experience)  # eager Celery in tests: synced at once

    assert not PublicExperience.objects.filter(experience_id=experience).exists()
    assert client.get(f"/experiences/{row.uuid}/").status_code == 404
    assert client.get("/experiences/?q=conseiller").context["count"] == 0


def test_an_archived_experience_stays_at_its_permanent_address():
    experience = ExperienceFactory(complaint=True, published=True)
    experience.status = ExperienceStatus.ARCHIVED
    experience.save()

    row = services.publication_sync(experience_id=experience.pk)

    assert row is not None and row.is_archived


def test_a_published_answer_is_copied_masked_with_its_delay_and_feedback():
    # Published on Thursday 30 April 2026 in Gironde, answered on Tuesday 5 May: 1 May is a
    # holiday, then a weekend, so two working days (five calendar days).
    paris = ZoneInfo("Europe/Paris")
    published_at = dt.datetime(2026, 4, 30, 9, tzinfo=paris)
    experience = ExperienceFactory(complaint=True, published=True, published_at=published_at)
    answer = PublicAnswerFactory(
        published=True,
        experience__complaint=True,
        experience=experience,
        masked_text="Bonjour [NOM], c’est corrigé.",
        published_at=dt.datetime(2026, 5, 5, 16, tzinfo=paris),
        helpful_yes=3,
        helpful_no=1,
    )
    experience.status = ExperienceStatus.ANSWERED
    experience.save()

    row = services.publication_sync(experience_id=experience.pk)

    assert row is not None and row.is_answered
    assert row.answer_text == "Bonjour [NOM], c’est corrigé."
    assert row.answer_signer == experience.local_service.name
    assert row.answer_published_at == answer.published_at
    assert row.answer_delay_days == 2
    assert (row.helpful_yes, row.helpful_no) == (3, 1)
    assert "gAAAAA" not in _public_values(row)


def test_an_answer_in_draft_or_moderation_is_not_public():
    answer = PublicAnswerFactory(
        published=True, experience__complaint=True, status=AnswerStatus.IN_MODERATION
    )

    row = services.publication_sync(experience_id=answer.experience_id)

    assert row is not None and not row.is_answered and row.answer_text == ""


def test_themes_follow_the_experience():
    delay, reception = ThemeFactory(slug="delai"), ThemeFactory(slug="accueil")
    experience = ExperienceFactory(complaint=True, published=True, themes=[delay])
    row = services.publication_sync(experience_id=experience.pk)
    assert row is not None
    assert list(row.themes.values_list("slug", flat=True)) == ["delai"]

    experience.themes.set([reception])
    services.publication_sync(experience_id=experience.pk)

    assert list(row.themes.values_list("slug", flat=True)) == ["accueil"]


def test_a_deleted_experience_is_removed():
    experience = ExperienceFactory(complaint=True, published=True)
    services.publication_sync(experience_id=experience.pk)
    experience_id = experience.pk
    experience.delete()

    assert services.publication_sync(experience_id=experience_id) is None
    assert not PublicExperience.objects.exists()


def test_rebuild_syncs_every_public_experience_and_drops_stale_rows():
    public = ExperienceFactory.create_batch(3, published=True, complaint=True)
    gone = ExperienceFactory(complaint=True, published=True)
    services.publication_sync(experience_id=gone.pk)
    gone.status = ExperienceStatus.WITHDRAWN
    gone.save()
    ExperienceFactory(complaint=True, status=ExperienceStatus.IN_MODERATION)

    result = services.publication_rebuild(batch_size=2)

    assert result == {"synced": 3, "removed": 1}
    assert set(PublicExperience.objects.values_list("experience_id", flat=True)) == {
        e.pk for e in public
    }


def test_the_rebuild_command(capsys):
    ExperienceFactory(complaint=True, published=True)
    from django.core.management import call_command

    call_command("publication_rebuild", "--figures")

    assert PublicExperience.objects.count() == 1
    out = capsys.readouterr().out
    assert "Expériences publiées : 1" in out
    # --figures computes the figures of the experiences: the quality indicators.
    assert "Chiffres (indicateurs de qualité des expériences)" in out
    assert Result.objects.filter(indicator__code="experiences-repondues", n=1).count() >= 1
