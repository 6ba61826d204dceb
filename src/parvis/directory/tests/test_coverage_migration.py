"""Migration 0003: existing national contact centres serve all France."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from parvis.directory.models import Site
from parvis.directory.tests.factories import SiteFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("parvis.directory.migrations.0003_national_contact_centres")


def test_contact_centres_named_national_become_national_the_others_stay_local():
    national = SiteFactory(kind=Site.Kind.CONTACT_CENTRE, name="Centre de contact national – CAF")
    regional = SiteFactory(kind=Site.Kind.CONTACT_CENTRE, name="Plateforme Carsat Rhône-Alpes")
    counter = SiteFactory(name="Accueil national des usagers")
    migration.national_contact_centres(apps, None)
    coverage = dict(Site.objects.values_list("pk", "coverage"))
    assert coverage == {national.pk: "national", regional.pk: "local", counter.pk: "local"}
