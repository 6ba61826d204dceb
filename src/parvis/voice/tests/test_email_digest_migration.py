"""Migration 0005: authors' email digests recomputed with ``core.crypto.email_digest``, so
that an experience shared before it still joins its author's account at login. Its data
steps run on today's model (they only use ORM calls the historical model shares)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from parvis.accounts.tests.factories import UserFactory
from parvis.core.crypto import email_digest
from parvis.voice import services
from parvis.voice.models import Experience
from parvis.voice.tests.factories import ExperienceFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("parvis.voice.migrations.0005_email_digest_keyed")


def _stored_the_old_way(**kwargs) -> Experience:
    experience = ExperienceFactory(published=True, **kwargs)
    legacy = migration._legacy(kwargs.get("email", "")) if kwargs.get("email") else ""
    Experience.objects.filter(pk=experience.pk).update(author_email_digest=legacy)
    return experience


def test_an_experience_shared_before_is_still_found_by_its_email():
    before = _stored_the_old_way(email="Camille@Exemple.fr")
    assert services.experiences_attach_by_email(user=UserFactory(email="x@exemple.fr")) == 0
    citizen = UserFactory(email="camille@exemple.fr")
    # the old digest no longer matches what parvis computes now
    assert services.experiences_attach_by_email(user=citizen) == 0
    migration.rekey_email_digests(apps, None)
    before.refresh_from_db()
    assert before.author_email_digest == email_digest(" CAMILLE@exemple.fr", purpose="voice")
    assert services.experiences_attach_by_email(user=citizen) == 1
    before.refresh_from_db()
    assert before.author == citizen


def test_a_digest_whose_email_is_gone_is_cleared():
    erased = _stored_the_old_way(email="parti@exemple.fr")
    Experience.objects.filter(pk=erased.pk).update(author_email_encrypted="")
    unreadable = _stored_the_old_way(email="illisible@exemple.fr")
    Experience.objects.filter(pk=unreadable.pk).update(author_email_encrypted="gAAAA-altered")
    without = _stored_the_old_way()
    migration.rekey_email_digests(apps, None)
    digests = dict(
        Experience.objects.filter(pk__in=[erased.pk, unreadable.pk, without.pk]).values_list(
            "pk", "author_email_digest"
        )
    )
    assert digests == {erased.pk: "", unreadable.pk: "", without.pk: ""}


def test_the_way_back_recomputes_the_old_digests():
    experience = _stored_the_old_way(email="camille@exemple.fr")
    migration.rekey_email_digests(apps, None)
    migration.restore_legacy_digests(apps, None)
    experience.refresh_from_db()
    assert experience.author_email_digest == migration._legacy("camille@exemple.fr")
