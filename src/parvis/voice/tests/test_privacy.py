"""Nothing personal goes public: encryption, masking by the engine, purge, key rotation."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.utils import timezone

from parvis.core import crypto
from parvis.voice import services
from parvis.voice.models import AnswerStatus, Experience, PublicAnswer
from parvis.voice.models import ExperienceStatus as S
from parvis.voice.services import submission
from parvis.voice.tests.factories import ExperienceFactory, PublicAnswerFactory

pytestmark = pytest.mark.django_db

STORY = (
    "Bonjour, je m'appelle Jean Dupont. J'ai appelé le service au 06 12 34 56 78 et mon "
    "courriel est jean.dupont@example.org. Le conseiller a été très aimable."
)


def _submit(service, **kwargs):
    return services.experience_submit(
        organisation=service.organisation,
        local_service=service,
        title=kwargs.pop("title", "Très bon accueil de Jean Dupont"),
        text=kwargs.pop("text", STORY),
        tone="positif",
        **kwargs,
    )


def test_submission_encrypts_the_original_and_masks_it_in_a_task(
    service, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted = _submit(service, email="Jean.Dupont@Example.org")
    experience = Experience.objects.get(pk=submitted.experience.pk)
    # the originals are encrypted at rest and only decrypt with the keys
    for field in ("original_title_encrypted", "original_text_encrypted", "author_email_encrypted"):
        assert "Dupont" not in getattr(experience, field)
    assert crypto.decrypt_text(experience.original_text_encrypted) == STORY
    assert crypto.decrypt_text(experience.author_email_encrypted) == "jean.dupont@example.org"
    digest = crypto.email_digest("jean.dupont@example.org", purpose="voice")
    assert experience.author_email_digest == digest
    # the engine ran (eager task after commit) and the experience waits for a moderator
    assert experience.status == S.IN_MODERATION
    assert experience.processed_at is not None
    public = f"{experience.masked_title} {experience.masked_text}"
    for secret in ("Dupont", "06 12 34 56 78", "jean.dupont@example.org"):
        assert secret not in public
    assert "[TÉLÉPHONE]" in experience.masked_text and "[NOM]" in experience.masked_text
    assert "[COURRIEL]" in experience.masked_text
    labels = {entity["label"] for entity in experience.entities}
    assert {"PHONE", "EMAIL", "PERSON"} <= labels
    assert experience.qualification["tone"] == "positif"
    # the link's secret is not stored, only its digest
    assert experience.private_token_digest == services.private_token_digest(submitted.private_token)
    assert submitted.private_token not in experience.private_token_digest


def test_nothing_is_published_automatically(service, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submitted = _submit(service, text="Tout s'est très bien passé, merci à l'équipe !")
    submitted.experience.refresh_from_db()
    assert submitted.experience.status == S.IN_MODERATION
    assert submitted.experience.published_at is None


def test_sensitive_text_is_flagged(service, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submitted = _submit(
            service,
            text="Mon dossier d'invalidité pour mon cancer est bloqué "
            "depuis des mois, je n'en peux plus.",
        )
    experience = Experience.objects.get(pk=submitted.experience.pk)
    assert experience.is_sensitive
    assert "sante" in experience.sensitive_categories


def test_correction_during_moderation_is_analysed_again(
    service, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted = _submit(service)
    experience = Experience.objects.get(pk=submitted.experience.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.experience_correct(
            experience=experience,
            title="Accueil rapide",
            text="Finalement, tout a été réglé en une visite. Merci.",
        )
    experience.refresh_from_db()
    assert experience.status == S.IN_MODERATION
    assert "Dupont" not in experience.masked_text
    assert "réglé en une visite" in experience.masked_text
    assert list(experience.transitions.values_list("to_status", flat=True)) == [
        S.SUBMITTED,
        S.IN_MODERATION,
        S.SUBMITTED,
        S.IN_MODERATION,
    ]


def test_unavailable_qualification_means_individual_review(monkeypatch):
    from parvis.language import engine
    from parvis.language.services import ReferenceDataMissing
    from parvis.voice import analysis

    monkeypatch.undo()  # the real analysis.qualify, with an engine that has no reference data

    def missing(texts):
        raise ReferenceDataMissing("aucun motif")

    monkeypatch.setattr(engine, "qualify_many", missing)
    result = analysis.qualify("Un texte quelconque")
    assert result["sensitive"]["flag"] is True
    assert result["error"] == analysis.UNAVAILABLE


def test_daily_purge_erases_originals_after_the_delay(settings):
    settings.VOICE_ORIGINAL_RETENTION_DAYS = 30
    due = ExperienceFactory(
        published=True,
        email="a@example.org",
        original_purge_due_at=timezone.now() - dt.timedelta(minutes=1),
    )
    PublicAnswerFactory(experience=due, status=AnswerStatus.DRAFT)
    later = ExperienceFactory(
        published=True, original_purge_due_at=timezone.now() + dt.timedelta(days=1)
    )
    rejected = ExperienceFactory(rejected=True, email="b@example.org")
    from parvis.voice.tasks import purge_originals

    assert purge_originals.delay().get() == 1
    due.refresh_from_db()
    assert due.original_text_encrypted == "" and due.original_title_encrypted == ""
    assert due.original_purged_at is not None
    assert due.masked_text  # the public, masked words stay
    # still waiting for its answer: the author's email is kept to tell them of it, and the
    # service's draft keeps its text
    assert due.author_email_encrypted and due.contact_purged_at is None
    assert due.answer.original_text_encrypted
    later.refresh_from_db()
    assert later.original_text_encrypted
    # a rejected experience has no answer to wait for: its contact is erased now
    rejected.refresh_from_db()
    assert rejected.author_email_encrypted == "" and rejected.contact_purged_at
    assert rejected.original_text_encrypted  # its original waits for its own deadline


def test_contact_waits_for_the_answer_within_its_own_limit(settings):
    settings.VOICE_CONTACT_RETENTION_DAYS = 365
    now = timezone.now()
    waiting = ExperienceFactory(
        published=True, email="attend@example.org", published_at=now - dt.timedelta(days=364)
    )
    too_long = ExperienceFactory(
        published=True, email="trop@example.org", published_at=now - dt.timedelta(days=366)
    )
    services.experiences_purge_due(now=now)
    waiting.refresh_from_db()
    too_long.refresh_from_db()
    assert waiting.author_email_encrypted and waiting.contact_purged_at is None
    assert too_long.author_email_encrypted == "" and too_long.contact_purged_at is not None


def test_answer_originals_are_erased_after_the_delay_drafts_are_kept(settings):
    settings.VOICE_ORIGINAL_RETENTION_DAYS = 30
    now = timezone.now()
    old = PublicAnswerFactory(
        status=AnswerStatus.PUBLISHED, published_at=now - dt.timedelta(days=31)
    )
    recent = PublicAnswerFactory(
        status=AnswerStatus.PUBLISHED, published_at=now - dt.timedelta(days=29)
    )
    draft = PublicAnswerFactory(status=AnswerStatus.DRAFT)
    PublicAnswer.objects.filter(pk=draft.pk).update(updated_at=now - dt.timedelta(days=90))
    services.experiences_purge_due(now=now)
    for answer in (old, recent, draft):
        answer.refresh_from_db()
    assert old.original_text_encrypted == "" and old.masked_text  # the public text stays
    assert recent.original_text_encrypted and draft.original_text_encrypted


def test_publication_sets_the_configurable_purge_deadline(settings, moderator):
    settings.VOICE_ORIGINAL_RETENTION_DAYS = 3
    experience = ExperienceFactory(in_moderation=True)
    services.experience_publish(experience=experience, moderator=moderator)
    assert experience.original_purge_due_at - experience.published_at == dt.timedelta(days=3)


def test_rotation_re_encrypts_with_the_new_key(settings):
    from parvis.simplification.services import original_texts
    from parvis.simplification.tests.factories import SimplificationRequestFactory

    old_key = settings.PARVIS_ENCRYPTION_KEYS[0]
    experience = ExperienceFactory(email="c@example.org")
    answer = PublicAnswerFactory()
    proposal = SimplificationRequestFactory(
        proposer_email_encrypted=crypto.encrypt_text("p@example.org")
    )
    new_key = Fernet.generate_key().decode()
    settings.PARVIS_ENCRYPTION_KEYS = [new_key, old_key]
    out = io.StringIO()
    call_command("rotate_encryption", stdout=out)
    assert "voice.Experience : 2 enregistrement(s)" in out.getvalue()
    assert "simplification.SimplificationRequest : 1 enregistrement(s)" in out.getvalue()
    assert "4 enregistrement(s) rechiffré(s) en tout" in out.getvalue()
    settings.PARVIS_ENCRYPTION_KEYS = [new_key]  # the old key is dropped
    experience.refresh_from_db()
    answer.refresh_from_db()
    proposal.refresh_from_db()
    assert crypto.decrypt_text(proposal.proposer_email_encrypted) == "p@example.org"
    assert original_texts(proposal)
    assert crypto.decrypt_text(experience.original_text_encrypted).startswith("J’ai appelé")
    assert crypto.decrypt_text(experience.author_email_encrypted) == "c@example.org"
    assert crypto.decrypt_text(answer.original_text_encrypted).startswith("Merci")


def test_originals_are_never_in_the_admin(client):
    from parvis.accounts.tests.factories import UserFactory

    experience = ExperienceFactory(in_moderation=True, email="d@example.org")
    client.force_login(UserFactory(platform_admin=True))
    listing = client.get("/admin/voice/experience/")
    page = client.get(f"/admin/voice/experience/{experience.pk}/change/")
    for response in (listing, page):
        assert response.status_code == 200
        body = response.content.decode()
        assert "Lefèvre" not in body and "06 12 34 56 78" not in body
        assert experience.original_text_encrypted not in body
        assert "d@example.org" not in body


def test_analyses_whose_message_was_lost_are_sent_again(
    service, settings, django_capture_on_commit_callbacks
):
    """A submission saved while the broker was down (its message never sent) is analysed
    by the periodic sweeper; recent ones are not sent again (their message may still be
    on its way)."""
    from parvis.voice.models import PublicAnswer

    with django_capture_on_commit_callbacks(execute=False):  # the messages are "lost"
        lost = _submit(service).experience
        recent = _submit(service, title="Très bon accueil encore").experience
    answer = PublicAnswerFactory(masked_at=None, masked_text="")
    old = timezone.now() - dt.timedelta(minutes=10)
    Experience.objects.filter(pk=lost.pk).update(updated_at=old)
    PublicAnswer.objects.filter(pk=answer.pk).update(updated_at=old)

    assert services.pending_analyses_requeue() == {"experiences": 1, "answers": 1}

    lost.refresh_from_db()
    recent.refresh_from_db()
    answer.refresh_from_db()
    assert lost.status == S.IN_MODERATION and "[NOM]" in lost.masked_text
    # only the stale one was sent again; the recent one rode along in its batch
    assert recent.status == S.IN_MODERATION
    assert answer.masked_at is not None and answer.masked_text
    assert services.pending_analyses_requeue() == {"experiences": 0, "answers": 0}
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "parvis.voice.tasks.requeue_pending" in schedule


def _waiting(service, django_capture_on_commit_callbacks, count):
    with django_capture_on_commit_callbacks(execute=False):  # messages not delivered yet
        return [
            _submit(service, title=f"Très bon accueil numéro {i}").experience for i in range(count)
        ]


def test_waiting_experiences_are_analysed_together_oldest_first(
    service, django_capture_on_commit_callbacks
):
    first, second, third = _waiting(service, django_capture_on_commit_callbacks, 3)

    done = services.experiences_analyse_batch(first_id=third.pk, limit=2)

    # its own experience first, then the oldest waiting one
    assert sorted(e.pk for e in done) == sorted([third.pk, first.pk])
    for experience in (first, second, third):
        experience.refresh_from_db()
    assert first.status == third.status == S.IN_MODERATION
    assert "[NOM]" in first.masked_text and "[TÉLÉPHONE]" in third.masked_text
    assert second.status == S.SUBMITTED
    # the others' own messages find nothing left, or the rest
    assert services.experiences_analyse_batch(first_id=first.pk) == [second]


def test_a_claimed_experience_is_not_analysed_twice_until_its_claim_expires(
    service, django_capture_on_commit_callbacks
):
    (experience,) = _waiting(service, django_capture_on_commit_callbacks, 1)
    claimed_at = timezone.now()
    Experience.objects.filter(pk=experience.pk).update(analysis_claimed_at=claimed_at)

    assert services.experiences_analyse_batch(first_id=experience.pk) == []

    expired = claimed_at - services.ANALYSIS_CLAIM_TIMEOUT - dt.timedelta(seconds=1)
    Experience.objects.filter(pk=experience.pk).update(analysis_claimed_at=expired)
    assert [e.pk for e in services.experiences_analyse_batch(first_id=experience.pk)] == [
        experience.pk
    ]


def test_a_correction_after_the_claim_is_analysed_in_its_own_turn(
    service, django_capture_on_commit_callbacks
):
    (experience,) = _waiting(service, django_capture_on_commit_callbacks, 1)
    claimed = list(Experience.objects.select_related("organisation").filter(pk=experience.pk))
    Experience.objects.filter(pk=experience.pk).update(analysis_claimed_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=False):
        services.experience_correct(
            experience=Experience.objects.get(pk=experience.pk),
            title="Nouveau titre de Jean Dupont",
            text="Version corrigée : Jean Dupont a été très aimable au 06 12 34 56 78.",
        )

    # the batch that claimed the first version does not apply its now stale analysis
    assert submission._analyse_and_apply(claimed) == []
    # the correction's own message takes the new version (its claim was dropped)
    (done,) = services.experiences_analyse_batch(first_id=experience.pk)
    assert done.status == S.IN_MODERATION and "Version corrigée" in done.masked_text


def test_one_experience_failing_does_not_hold_back_its_batch(
    service, django_capture_on_commit_callbacks, monkeypatch
):
    from django.core.exceptions import ValidationError

    good, bad = _waiting(service, django_capture_on_commit_callbacks, 2)
    apply = submission._apply_analysis

    def failing_for_bad(experience, result):
        if experience.pk == bad.pk:
            raise ValidationError("invalide")
        apply(experience, result)

    # Patched where ``_analyse_and_apply`` looks it up.
    monkeypatch.setattr(submission, "_apply_analysis", failing_for_bad)

    assert [e.pk for e in services.experiences_analyse_batch(first_id=good.pk)] == [good.pk]
    bad.refresh_from_db()
    assert bad.status == S.SUBMITTED and bad.masked_text == ""


def test_the_private_link_travels_encrypted_through_the_broker(
    service, monkeypatch, django_capture_on_commit_callbacks
):
    from parvis.voice import tasks

    sent: list[tuple] = []
    monkeypatch.setattr(tasks.send_private_link, "delay", lambda *args: sent.append(args))
    monkeypatch.setattr(tasks.process_experience, "delay", lambda *args: None)
    with django_capture_on_commit_callbacks(execute=True):
        submitted = _submit(service, email="jean.dupont@example.org")

    ((experience_id, argument),) = sent
    assert experience_id == submitted.experience.pk
    assert submitted.private_token not in argument
    assert crypto.decrypt_text(argument) == submitted.private_token
