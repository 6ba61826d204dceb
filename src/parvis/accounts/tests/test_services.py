"""Memberships, tokens and the purge: every change is audited, nothing personal is logged."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from parvis.accounts import services
from parvis.accounts.models import ApiToken, AuditEvent, Membership, Role
from parvis.accounts.tests.factories import DEFAULT_PASSWORD, MembershipFactory, UserFactory
from parvis.directory.tests.factories import OrganisationFactory, SiteFactory

pytestmark = pytest.mark.django_db


def test_grant_change_and_revoke_are_audited_without_personal_data():
    admin = UserFactory(platform_admin=True)
    user = UserFactory(email="camille.durand@exemple.fr")
    caf = OrganisationFactory()
    membership = services.membership_grant(
        actor=admin, user=user, role=Role.AGENT, organisation=caf
    )
    services.membership_change_role(actor=admin, membership=membership, role=Role.SUPERVISOR)
    services.membership_revoke(actor=admin, membership=membership)
    events = list(AuditEvent.objects.order_by("id"))
    assert [e.action for e in events] == [
        "membership.granted",
        "membership.role_changed",
        "membership.revoked",
    ]
    assert all(e.organisation == caf and e.actor == admin for e in events)
    assert events[1].data == {"user_id": user.pk, "from": "agent", "to": "supervisor"}
    assert "camille" not in str([e.data for e in events])
    assert not Membership.objects.exists()


def test_granting_twice_is_idempotent_and_site_grants_record_the_operator():
    site = SiteFactory()
    user = UserFactory()
    first = services.membership_grant(actor=None, user=user, role=Role.AGENT, site=site)
    again = services.membership_grant(actor=None, user=user, role=Role.AGENT, site=site)
    assert first == again
    assert AuditEvent.objects.get().organisation == site.organisation


def test_unknown_role_is_refused():
    with pytest.raises(services.AccountsError) as error:
        services.membership_grant(
            actor=None, user=UserFactory(), role="king", organisation=OrganisationFactory()
        )
    assert error.value.code == "unknown_role"


def test_purge_deletes_what_must_not_be_kept():
    org = OrganisationFactory()
    old = timezone.now() - dt.timedelta(days=400)
    revoked, _ = services.api_token_create(actor=None, organisation=org, name="vieux")
    ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=old)
    kept, _ = services.api_token_create(actor=None, organisation=org, name="actif")
    attempt = AccessAttempt.objects.create(
        username="x",
        ip_address="10.0.0.1",
        user_agent="",
        get_data="",
        post_data="",
        http_accept="",
        path_info="/",
        failures_since_start=1,
    )
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=old)
    counts = services.purge_expired_data()
    assert counts["api_tokens"] == 1 and counts["axes_attempts"] == 1
    assert list(ApiToken.objects.all()) == [kept]


def test_purge_deletes_sign_ups_never_activated(settings):
    from parvis.accounts.models import User
    from parvis.accounts.tests.factories import CitizenFactory

    settings.RETENTION_PENDING_ACCOUNTS_DAYS = 7
    old = timezone.now() - dt.timedelta(days=8)
    forgotten = CitizenFactory(pending=True, date_joined=old)
    fresh = CitizenFactory(pending=True)
    deactivated_agent = MembershipFactory(user__is_active=False, user__date_joined=old).user
    active = CitizenFactory(date_joined=old)
    assert services.purge_expired_data()["pending_accounts"] == 1
    assert not User.objects.filter(pk=forgotten.pk).exists()
    assert User.objects.filter(pk__in=[fresh.pk, deactivated_agent.pk, active.pk]).count() == 3


def test_login_is_throttled_after_repeated_failures(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = UserFactory()
    for _ in range(3):
        client.post("/compte/connexion/", {"username": user.email, "password": "faux"})
    locked = client.post(
        "/compte/connexion/", {"username": user.email, "password": DEFAULT_PASSWORD}
    )
    assert locked.status_code == 429
    assert "bloquée" in locked.content.decode()


def test_login_with_email_reaches_the_back_office(client):
    user = MembershipFactory(user__email="agent@exemple.gouv.fr").user
    response = client.post(
        "/compte/connexion/",
        {"username": "Agent@Exemple.gouv.fr", "password": DEFAULT_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/espace-agents/"
    assert client.get("/espace-agents/").status_code == 200
    assert user.pk


def test_logs_never_carry_personal_data(caplog):
    from structlog import get_logger

    with caplog.at_level(logging.INFO):
        get_logger("test").info("user_event", email="a@b.fr", user_id=3, phone="0601020304")
    text = caplog.text
    assert "a@b.fr" not in text and "0601020304" not in text
    assert "user_id" in text


@pytest.mark.parametrize(
    "password", ["court", "123456789012345", "motdepasse", "camille@exemple.fr"]
)
def test_password_rules_refuse_weak_passwords(password):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password(password, user=UserFactory.build(email="camille@exemple.fr"))


def test_login_throttling_uses_the_client_address_behind_trusted_proxies(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXY_COUNT = 1
    user = UserFactory()
    for _ in range(2):
        client.post(
            "/compte/connexion/",
            {"username": user.email, "password": "faux"},
            HTTP_X_FORWARDED_FOR="203.0.113.7",
            REMOTE_ADDR="10.0.0.1",
        )
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"
    # Another client behind the same proxy is not locked out.
    other = client.post(
        "/compte/connexion/",
        {"username": user.email, "password": DEFAULT_PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.2",
        REMOTE_ADDR="10.0.0.1",
    )
    assert other.status_code == 302
