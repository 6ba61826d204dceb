"""Espace agents: dashboards per role, members, API tokens, audit log and Django admin.

Status rules: anonymous → login, object outside the scope → 404, in scope without the
role → 403. Every change goes through accounts.services and leaves an audit row.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from parvis.accounts.models import ApiToken, AuditEvent, Membership, Role
from parvis.accounts.services import api_token_create, token_digest
from parvis.accounts.tests.factories import MembershipFactory, UserFactory
from parvis.core.models import WorkerHeartbeat
from parvis.directory.tests.factories import LocalServiceFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org_a():
    return OrganisationFactory(slug="caf-a", name="CAF A")


@pytest.fixture
def org_b():
    return OrganisationFactory(slug="caf-b", name="CAF B")


@pytest.fixture
def admin_a(org_a):
    return MembershipFactory(organisation=org_a, role=Role.ORGANISATION_ADMIN).user


@pytest.fixture
def agent_a(org_a):
    return MembershipFactory(organisation=org_a, role=Role.AGENT).user


def _login(client, user):
    client.force_login(user)
    return client


# --- Dashboard ----------------------------------------------------------------------


def test_dashboard_requires_login(client):
    response = client.get(reverse("backoffice:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_agent_dashboard_shows_roles_and_agent_tools(client, agent_a):
    html = _login(client, agent_a).get(reverse("backoffice:dashboard")).content.decode()
    assert "Agent" in html and "CAF A" in html
    assert "Au guichet : vos enregistrements" in html
    assert "Annuaire des services" in html
    assert "Administration des organismes" not in html
    assert reverse("admin:index") not in html
    assert 'class="fr-sidemenu"' in html


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.SUPERVISOR, "Réponses aux usagers"),
        (Role.QUALITY_MANAGER, "Réponses aux usagers"),
        (Role.ORGANISATION_ADMIN, "Administration des organismes"),
    ],
)
def test_each_role_gets_its_entry_points(client, org_a, role, expected):
    user = MembershipFactory(organisation=org_a, role=role).user
    html = _login(client, user).get(reverse("backoffice:dashboard")).content.decode()
    assert expected in html


def test_organisation_admin_dashboard_links_to_members_tokens_and_audit(client, admin_a):
    html = _login(client, admin_a).get(reverse("backoffice:dashboard")).content.decode()
    for name in ("members", "tokens", "audit"):
        assert reverse(f"backoffice:{name}", kwargs={"slug": "caf-a"}) in html


def test_platform_moderator_dashboard(client):
    user = UserFactory(platform_moderator=True)
    html = _login(client, user).get(reverse("backoffice:dashboard")).content.decode()
    assert "Modérateur de la plateforme" in html and "Expériences à modérer" in html


def test_platform_admin_sees_worker_heartbeats_and_the_admin_link(client):
    now = timezone.now()
    WorkerHeartbeat.objects.create(hostname="worker-vivant", last_seen=now)
    WorkerHeartbeat.objects.create(hostname="worker-muet", last_seen=now - dt.timedelta(hours=2))
    user = UserFactory(platform_admin=True)
    html = _login(client, user).get(reverse("backoffice:dashboard")).content.decode()
    assert reverse("admin:index") in html
    alive = html.split("worker-vivant", 1)[1].split("</tr>", 1)[0]
    stale = html.split("worker-muet", 1)[1].split("</tr>", 1)[0]
    assert "Actif" in alive and "Sans nouvelles" in stale


# --- Members ------------------------------------------------------------------------


def test_members_page_status_rules(client, org_a, org_b, admin_a, agent_a):
    url_a = reverse("backoffice:members", kwargs={"slug": org_a.slug})
    url_b = reverse("backoffice:members", kwargs={"slug": org_b.slug})
    assert client.get(url_a).status_code == 302
    assert _login(client, agent_a).get(url_a).status_code == 403
    assert (
        client.post(
            url_a,
            {"email": agent_a.email, "role": Role.SUPERVISOR, "scope": f"organisation:{org_a.pk}"},
        ).status_code
        == 403
    )
    assert _login(client, admin_a).get(url_b).status_code == 404
    assert client.get(reverse("backoffice:members", kwargs={"slug": "inconnu"})).status_code == 404
    response = client.get(url_a)
    assert response.status_code == 200
    assert agent_a.email in response.content.decode()
    assert not AuditEvent.objects.exists()


def test_members_page_lists_only_the_organisation_scope(client, org_a, org_b, admin_a):
    service = LocalServiceFactory(organisation=org_a)
    in_service = MembershipFactory(organisation=None, local_service=service).user
    other = MembershipFactory(organisation=org_b).user
    html = (
        _login(client, admin_a)
        .get(reverse("backoffice:members", kwargs={"slug": org_a.slug}))
        .content.decode()
    )
    assert in_service.email in html
    assert other.email not in html


def test_grant_a_role_by_email_is_audited(client, org_a, admin_a):
    newcomer = UserFactory(email="nouvelle.agente@caf.fr")
    service = LocalServiceFactory(organisation=org_a, name="CAF A de la Gironde")
    url = reverse("backoffice:members", kwargs={"slug": org_a.slug})
    response = _login(client, admin_a).post(
        url,
        {
            "email": "Nouvelle.Agente@caf.fr",
            "role": Role.SUPERVISOR,
            "scope": f"service:{service.pk}",
            # An account without any role yet: the form asks to confirm it.
            "confirm_citizen_account": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == url
    membership = Membership.objects.get(user=newcomer)
    assert (membership.role, membership.local_service) == (Role.SUPERVISOR, service)
    event = AuditEvent.objects.get(action="membership.granted")
    assert (event.actor, event.organisation) == (admin_a, org_a)
    assert "a été attribué" in client.get(url).content.decode()


def test_grant_refuses_an_unknown_email_and_an_outside_scope(client, org_a, org_b, admin_a):
    url = reverse("backoffice:members", kwargs={"slug": org_a.slug})
    _login(client, admin_a)
    unknown = client.post(
        url,
        {"email": "personne@exemple.fr", "role": Role.AGENT, "scope": f"organisation:{org_a.pk}"},
    )
    assert unknown.status_code == 400  # no account and no name to invite it
    assert "indiquez le prénom et le nom" in unknown.content.decode()
    someone = UserFactory()
    outside = client.post(
        url, {"email": someone.email, "role": Role.AGENT, "scope": f"organisation:{org_b.pk}"}
    )
    assert outside.status_code == 400
    assert not Membership.objects.filter(user=someone).exists()
    assert not AuditEvent.objects.exists()


def test_change_a_role_status_rules_and_audit(client, org_a, org_b, admin_a, agent_a):
    membership = Membership.objects.get(user=agent_a)
    url = reverse("backoffice:membership-change", kwargs={"pk": membership.pk})
    other = MembershipFactory(organisation=org_b)
    other_url = reverse("backoffice:membership-change", kwargs={"pk": other.pk})
    assert client.get(url).status_code == 302
    assert _login(client, agent_a).get(url).status_code == 403
    assert client.post(url, {"role": Role.ORGANISATION_ADMIN}).status_code == 403
    _login(client, admin_a)
    assert client.get(other_url).status_code == 404
    assert client.post(other_url, {"role": Role.SUPERVISOR}).status_code == 404
    assert client.get(url).status_code == 200
    response = client.post(url, {"role": Role.SUPERVISOR})
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:members", kwargs={"slug": org_a.slug})
    membership.refresh_from_db()
    other.refresh_from_db()
    assert membership.role == Role.SUPERVISOR and other.role == Role.AGENT
    event = AuditEvent.objects.get(action="membership.role_changed")
    assert event.data == {"user_id": agent_a.pk, "from": "agent", "to": "supervisor"}


def test_revoke_a_role_status_rules_and_audit(client, org_a, org_b, admin_a, agent_a):
    membership = Membership.objects.get(user=agent_a)
    url = reverse("backoffice:membership-revoke", kwargs={"pk": membership.pk})
    other = MembershipFactory(organisation=org_b)
    assert _login(client, agent_a).post(url).status_code == 403
    _login(client, admin_a)
    other_url = reverse("backoffice:membership-revoke", kwargs={"pk": other.pk})
    assert client.post(other_url).status_code == 404
    assert Membership.objects.filter(pk=other.pk).exists()
    assert "Retirer le rôle" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.filter(action="membership.revoked", organisation=org_a).count() == 1


def test_an_admin_cannot_change_or_revoke_their_own_role(client, admin_a):
    own = Membership.objects.get(user=admin_a)
    _login(client, admin_a)
    client.post(reverse("backoffice:membership-revoke", kwargs={"pk": own.pk}))
    client.post(
        reverse("backoffice:membership-change", kwargs={"pk": own.pk}), {"role": Role.AGENT}
    )
    own.refresh_from_db()
    assert own.role == Role.ORGANISATION_ADMIN
    assert not AuditEvent.objects.exists()


def test_member_actions_answer_405_to_other_methods(client, admin_a, agent_a):
    membership = Membership.objects.get(user=agent_a)
    url = reverse("backoffice:membership-revoke", kwargs={"pk": membership.pk})
    assert _login(client, admin_a).delete(url).status_code == 405


def test_member_forms_need_a_csrf_token(org_a, admin_a, agent_a):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_a)
    membership = Membership.objects.get(user=agent_a)
    response = client.post(reverse("backoffice:membership-revoke", kwargs={"pk": membership.pk}))
    assert response.status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


# --- API tokens ---------------------------------------------------------------------


def test_tokens_page_status_rules(client, org_a, org_b, admin_a, agent_a):
    url_a = reverse("backoffice:tokens", kwargs={"slug": org_a.slug})
    url_b = reverse("backoffice:tokens", kwargs={"slug": org_b.slug})
    assert client.get(url_a).status_code == 302
    assert _login(client, agent_a).get(url_a).status_code == 403
    assert (
        client.post(url_a, {"name": "x", "scope": "read", "expires_in_days": 30}).status_code == 403
    )
    _login(client, admin_a)
    assert client.get(url_b).status_code == 404
    assert (
        client.post(url_b, {"name": "x", "scope": "read", "expires_in_days": 30}).status_code == 404
    )
    assert client.get(url_a).status_code == 200
    assert not ApiToken.objects.exists()


def test_create_a_token_shows_the_secret_once_and_is_audited(client, org_a, admin_a):
    url = reverse("backoffice:tokens", kwargs={"slug": org_a.slug})
    _login(client, admin_a)
    response = client.post(
        url, {"name": "Portail usagers", "scope": "write", "expires_in_days": 90}
    )
    assert response.status_code == 302 and response["Location"] == url
    token = ApiToken.objects.get()
    assert (token.organisation, token.scope, token.created_by) == (org_a, "write", admin_a)
    assert dt.timedelta(days=89) < token.expires_at - timezone.now() <= dt.timedelta(days=90)
    first = client.get(url)
    assert "no-store" in first["Cache-Control"]
    html = first.content.decode()
    secret = html.split('id="new-token-secret"><code>', 1)[1].split("</code>", 1)[0]
    assert secret.startswith("pvs_") and token_digest(secret) == token.digest
    assert secret not in client.get(url).content.decode()
    event = AuditEvent.objects.get(action="api_token.created")
    assert (event.actor, event.organisation) == (admin_a, org_a)
    assert secret not in str(event.data)


def test_revoke_a_token_status_rules_and_audit(client, org_a, org_b, admin_a, agent_a):
    token, _ = api_token_create(actor=None, organisation=org_a, name="Intégration")
    other, _ = api_token_create(actor=None, organisation=org_b, name="Autre")
    url = reverse("backoffice:token-revoke", kwargs={"pk": token.pk})
    assert client.get(url).status_code == 302
    assert _login(client, agent_a).post(url).status_code == 403
    _login(client, admin_a)
    other_url = reverse("backoffice:token-revoke", kwargs={"pk": other.pk})
    assert client.post(other_url).status_code == 404
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    token.refresh_from_db()
    other.refresh_from_db()
    assert token.revoked_at is not None and other.revoked_at is None
    assert AuditEvent.objects.filter(action="api_token.revoked", actor=admin_a).count() == 1
    assert (
        "Révoqué le"
        in client.get(reverse("backoffice:tokens", kwargs={"slug": org_a.slug})).content.decode()
    )


# --- Audit log ----------------------------------------------------------------------


def test_audit_page_shows_the_organisation_events_only(client, org_a, org_b, admin_a, agent_a):
    api_token_create(actor=admin_a, organisation=org_a, name="Jeton A")
    api_token_create(actor=None, organisation=org_b, name="Jeton B")
    url = reverse("backoffice:audit", kwargs={"slug": org_a.slug})
    assert _login(client, agent_a).get(url).status_code == 403
    _login(client, admin_a)
    assert client.get(reverse("backoffice:audit", kwargs={"slug": org_b.slug})).status_code == 404
    html = client.get(url).content.decode()
    assert html.count("Jeton d’API créé") == 1
    assert "Événements (1)" in html


def test_audit_page_paginates(client, org_a, admin_a):
    for n in range(55):
        api_token_create(actor=admin_a, organisation=org_a, name=f"Jeton {n}")
    url = reverse("backoffice:audit", kwargs={"slug": org_a.slug})
    html = _login(client, admin_a).get(url).content.decode()
    assert "1 / 2" in html and "?page=2" in html
    assert "2 / 2" in client.get(url + "?page=2").content.decode()


def test_platform_admin_manages_any_organisation(client, org_b):
    user = UserFactory(platform_admin=True)
    _login(client, user)
    for name in ("members", "tokens", "audit"):
        url = reverse(f"backoffice:{name}", kwargs={"slug": org_b.slug})
        assert client.get(url).status_code == 200


# --- Django admin -------------------------------------------------------------------


def test_django_admin_is_for_platform_admins_only(client, admin_a):
    assert client.get("/admin/").status_code == 302
    staff_only = UserFactory(is_staff=True)
    for user in (admin_a, staff_only):
        response = _login(client, user).get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    platform_admin = UserFactory(platform_admin=True)
    assert _login(client, platform_admin).get("/admin/").status_code == 200


def test_admin_pages_of_the_platform_models(client, org_a):
    token, _ = api_token_create(actor=None, organisation=org_a, name="Jeton")
    WorkerHeartbeat.objects.create(hostname="w1", last_seen=timezone.now())
    member = MembershipFactory(organisation=org_a).user
    _login(client, UserFactory(platform_admin=True))
    for url in (
        "/admin/accounts/user/",
        f"/admin/accounts/user/{member.pk}/change/",
        "/admin/accounts/user/add/",
        "/admin/accounts/apitoken/",
        f"/admin/accounts/apitoken/{token.pk}/change/",
        "/admin/accounts/auditevent/",
        "/admin/core/workerheartbeat/",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403
    assert client.get("/admin/accounts/auditevent/add/").status_code == 403


def test_admin_revoke_action_goes_through_the_audited_service(client, org_a):
    token, _ = api_token_create(actor=None, organisation=org_a, name="Jeton")
    platform_admin = UserFactory(platform_admin=True)
    _login(client, platform_admin)
    response = client.post(
        "/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token.revoked", actor=platform_admin).exists()


def test_admin_membership_inline_is_audited(client, org_a):
    user = UserFactory()
    platform_admin = UserFactory(platform_admin=True)
    _login(client, platform_admin)
    url = f"/admin/accounts/user/{user.pk}/change/"
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "is_active": "on",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-role": Role.QUALITY_MANAGER,
        "memberships-0-organisation": org_a.pk,
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Membership.objects.filter(user=user, role=Role.QUALITY_MANAGER).exists()
    assert AuditEvent.objects.filter(action="membership.granted", actor=platform_admin).exists()


def test_granting_an_existing_role_again_changes_nothing(client, org_a, admin_a, agent_a):
    url = reverse("backoffice:members", kwargs={"slug": org_a.slug})
    response = _login(client, admin_a).post(
        url, {"email": agent_a.email, "role": Role.AGENT, "scope": f"organisation:{org_a.pk}"}
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=agent_a).count() == 1
    assert not AuditEvent.objects.exists()
    assert "a déjà ce rôle" in client.get(url).content.decode()


def test_members_page_elides_before_a_vowel(client, org_a, admin_a):
    MembershipFactory(organisation=org_a, role=Role.AGENT, user__full_name="Antoine Agent")
    html = (
        _login(client, admin_a)
        .get(reverse("backoffice:members", kwargs={"slug": org_a.slug}))
        .content.decode()
    )
    assert "le rôle d’Antoine Agent" in html and "le rôle de Antoine" not in html
