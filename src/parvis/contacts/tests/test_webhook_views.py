"""The organisation admin's « Webhooks » pages: list with the last delivery, creation
with the secret shown once, rotation keeping the previous secret, deletion; scoping."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from parvis.accounts.models import Role
from parvis.accounts.tests.factories import MembershipFactory
from parvis.contacts.models import OrganisationWebhook
from parvis.contacts.services import webhooks as services
from parvis.core.crypto import decrypt_text
from parvis.directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _client(organisation, role=Role.ORGANISATION_ADMIN) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(MembershipFactory(organisation=organisation, role=role).user)
    return client


def test_an_admin_creates_a_webhook_and_sees_its_secret_once():
    organisation = OrganisationFactory()
    client = _client(organisation)
    url = reverse("contacts_webhooks:list", kwargs={"slug": organisation.slug})
    response = client.post(
        url, {"url": "http://127.0.0.1:9/parvis", "events": ["conversation_created"]}
    )
    assert response.status_code == 302
    webhook = OrganisationWebhook.objects.get()
    secret = decrypt_text(webhook.secret_encrypted)
    assert webhook.events == ["conversation_created"]
    first = client.get(url).content.decode()
    assert secret in first and "http://127.0.0.1:9/parvis" in first
    assert secret not in client.get(url).content.decode()
    assert "Webhooks" in first  # the side menu entry


def test_a_private_target_is_refused_with_a_french_message(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    organisation = OrganisationFactory()
    response = _client(organisation).post(
        reverse("contacts_webhooks:list", kwargs={"slug": organisation.slug}),
        {"url": "http://10.0.0.8/hook", "events": ["conversation_created"]},
    )
    assert response.status_code == 400
    assert "Cette adresse est refusée" in response.content.decode()
    assert not OrganisationWebhook.objects.exists()


def test_rotation_keeps_the_previous_secret_and_shows_the_new_one_once():
    organisation = OrganisationFactory()
    webhook, old = services.webhook_create(
        actor=None, organisation=organisation, url="http://127.0.0.1:9/"
    )
    client = _client(organisation)
    rotate = reverse("contacts_webhooks:rotate", kwargs={"pk": webhook.pk})
    assert client.get(rotate).status_code == 200
    assert client.post(rotate).status_code == 302
    webhook.refresh_from_db()
    new = decrypt_text(webhook.secret_encrypted)
    assert decrypt_text(webhook.previous_secret_encrypted) == old and new != old
    detail = client.get(reverse("contacts_webhooks:detail", kwargs={"pk": webhook.pk}))
    assert new in detail.content.decode()


def test_edit_and_delete():
    organisation = OrganisationFactory()
    webhook, _ = services.webhook_create(
        actor=None, organisation=organisation, url="http://127.0.0.1:9/"
    )
    client = _client(organisation)
    detail = reverse("contacts_webhooks:detail", kwargs={"pk": webhook.pk})
    response = client.post(
        detail, {"url": "http://127.0.0.1:9/autre", "events": ["conversation_resolved"]}
    )
    assert response.status_code == 302
    webhook.refresh_from_db()
    assert (webhook.url, webhook.events, webhook.is_active) == (
        "http://127.0.0.1:9/autre",
        ["conversation_resolved"],
        False,
    )
    assert (
        client.post(reverse("contacts_webhooks:delete", kwargs={"pk": webhook.pk})).status_code
        == 302
    )
    assert not OrganisationWebhook.objects.exists()


def test_agents_get_403_and_other_organisations_404():
    organisation = OrganisationFactory()
    webhook, _ = services.webhook_create(
        actor=None, organisation=organisation, url="http://127.0.0.1:9/"
    )
    agent = _client(organisation, Role.AGENT)
    assert (
        agent.get(reverse("contacts_webhooks:detail", kwargs={"pk": webhook.pk})).status_code == 403
    )
    stranger = _client(OrganisationFactory())
    assert (
        stranger.get(reverse("contacts_webhooks:detail", kwargs={"pk": webhook.pk})).status_code
        == 404
    )
    assert (
        stranger.get(
            reverse("contacts_webhooks:list", kwargs={"slug": organisation.slug})
        ).status_code
        == 404
    )
