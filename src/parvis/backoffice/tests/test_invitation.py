"""An organisation's administrator adds a person who has no account: the account is
created inactive with its role, an invitation goes by email (a real SMTP server), the
person chooses a password and lands on the espace agents; the link serves once."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from parvis.accounts.models import AuditEvent, Membership, Role, User
from parvis.accounts.tests.factories import DEFAULT_PASSWORD, MembershipFactory, UserFactory
from parvis.directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

SITE_URL = "https://parvis.example.fr"
EMAIL = "nadia.benali@caf.fr"
PASSWORD = "une file sans attente au guichet"
LINK = re.compile(re.escape(SITE_URL) + r"(/compte/invitation/[^/\s]+/[^/\s]+/)")


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


def _admin_of(organisation):  # type: ignore[no-untyped-def]
    return MembershipFactory(organisation=organisation, role=Role.ORGANISATION_ADMIN).user


def _invite(client, organisation, capture, **fields):  # type: ignore[no-untyped-def]
    url = reverse("backoffice:members", kwargs={"slug": organisation.slug})
    data = {"email": EMAIL, "role": Role.AGENT, "scope": f"organisation:{organisation.pk}"}
    with capture(execute=True):
        return client.post(url, {**data, **fields})


def test_a_person_without_account_is_invited_chooses_a_password_and_lands_on_the_espace(
    client, smtp_inbox, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory()
    client.force_login(_admin_of(organisation))

    # Without a name, the form says what it needs, in French, and creates nothing.
    unnamed = _invite(client, organisation, django_capture_on_commit_callbacks)
    assert unnamed.status_code == 400
    assert "indiquez le prénom et le nom" in unnamed.content.decode()
    assert not User.objects.filter(email=EMAIL).exists()

    response = _invite(
        client,
        organisation,
        django_capture_on_commit_callbacks,
        full_name="Nadia Benali",
    )
    assert response.status_code == 302
    user = User.objects.get(email=EMAIL)
    assert not user.is_active and not user.has_usable_password()
    assert Membership.objects.get(user=user).role == Role.AGENT
    members = client.get(response["Location"]).content.decode()
    assert "invitation en attente" in members and "reçoit une invitation" in members

    [message] = smtp_inbox.to(EMAIL)
    assert message["Subject"].startswith("Votre compte agent")
    match = LINK.search(message.get_body(("plain",)).get_content())
    assert match
    path = match.group(1)

    client.logout()
    page = client.get(path)  # a mail scanner opening the link changes nothing
    assert page.status_code == 200 and "Choisir votre mot de passe" in page.content.decode()
    assert page["Referrer-Policy"] == "same-origin"
    mismatch = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD + "x"})
    assert mismatch.status_code == 400
    accepted = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert accepted.status_code == 302 and accepted["Location"] == reverse("backoffice:dashboard")
    user.refresh_from_db()
    assert user.is_active and user.check_password(PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert {"account.invited", "account.invitation_accepted"} <= set(
        AuditEvent.objects.filter(target_id=str(user.pk)).values_list("action", flat=True)
    )

    # The link served once.
    client.logout()
    again = client.get(path)
    assert again.status_code == 400 and "Invitation expirée" in again.content.decode()


def test_an_invitation_is_resent_and_a_deactivated_account_is_refused(
    client, smtp_inbox, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory()
    client.force_login(_admin_of(organisation))
    named = {"full_name": "Nadia Benali"}
    _invite(client, organisation, django_capture_on_commit_callbacks, **named)
    again = _invite(client, organisation, django_capture_on_commit_callbacks)
    assert again.status_code == 302
    assert len(smtp_inbox.to(EMAIL)) == 2  # the same role again: the invitation is resent
    assert Membership.objects.filter(user__email=EMAIL).count() == 1

    gone = UserFactory(email="ancien.agent@caf.fr", is_active=False)
    gone.last_login = gone.date_joined
    gone.save()
    refused = _invite(
        client, organisation, django_capture_on_commit_callbacks, email=gone.email, **named
    )
    assert refused.status_code == 400
    assert "désactivé" in refused.content.decode()
    assert not Membership.objects.filter(user=gone).exists()
    assert DEFAULT_PASSWORD  # the factory's accounts keep a usable password


def test_a_role_is_refused_to_an_impossible_address_and_asks_confirmation_for_a_citizen(
    client, django_capture_on_commit_callbacks
):
    """A local part over 64 characters (no mail server takes it) and a name over 200 are
    refused in French; a citizen's own account (no role, opened on the public site) gets a
    role only once the administrator confirms it."""
    organisation = OrganisationFactory()
    client.force_login(_admin_of(organisation))
    capture = django_capture_on_commit_callbacks

    too_long = _invite(client, organisation, capture, email=f"{'a' * 65}@caf.fr", full_name="A B")
    assert too_long.status_code == 400
    assert "64 caractères au plus avant « @ »" in too_long.content.decode()
    long_name = _invite(client, organisation, capture, full_name="N" * 201)
    assert long_name.status_code == 400 and not User.objects.filter(email=EMAIL).exists()

    citizen = UserFactory(email="lea.martin@example.fr")
    asked = _invite(client, organisation, capture, email=citizen.email)
    assert asked.status_code == 400
    assert "compte sans aucun rôle" in asked.content.decode()
    assert not Membership.objects.filter(user=citizen).exists()
    confirmed = _invite(
        client, organisation, capture, email=citizen.email, confirm_citizen_account="on"
    )
    assert confirmed.status_code == 302
    assert Membership.objects.get(user=citizen).role == Role.AGENT
    # An agent of another organisation is no citizen: no confirmation asked.
    other_agent = MembershipFactory(role=Role.AGENT).user
    assert _invite(client, organisation, capture, email=other_agent.email).status_code == 302
