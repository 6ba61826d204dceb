"""Logging in: one address whatever its case, one lockout counter per account and
client address, and a limit on the accounts one client address may try."""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.apps import apps

from parvis.accounts.models import User
from parvis.accounts.tests.factories import DEFAULT_PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

normalise_emails = importlib.import_module(
    "parvis.accounts.migrations.0003_normalise_emails"
).normalise_emails

LOGIN = "/compte/connexion/"
SPRAYED_PASSWORD = "Printemps2025!"


def test_spraying_many_accounts_from_one_address_gets_429(client, settings):
    """An attacker tries one password on many accounts, once each: no account reaches its
    own lockout, but the address does, and then even a right password is refused."""
    limit, _window = settings.ACCOUNTS_RATE_LIMITS["login_accounts_ip"]
    victims = UserFactory.create_batch(limit + 1)
    for victim in victims[:limit]:
        failed = client.post(LOGIN, {"username": victim.email, "password": SPRAYED_PASSWORD})
        assert failed.status_code == 200
    assert all(a.failures_since_start == 1 for a in AccessAttempt.objects.all())

    refused = client.post(LOGIN, {"username": victims[-1].email, "password": DEFAULT_PASSWORD})

    assert refused.status_code == 429
    body = refused.content.decode()
    assert "depuis votre connexion, sur plusieurs comptes" in body
    assert "la connexion depuis cette adresse est bloquée pendant" in body
    assert int(refused["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session
    # A client asking for JSON gets the same refusal as a problem.
    problem = client.post(
        LOGIN,
        {"username": victims[-1].email, "password": DEFAULT_PASSWORD},
        HTTP_ACCEPT="application/json",
    )
    assert problem.status_code == 429
    assert problem["Content-Type"] == "application/problem+json"
    assert problem.json()["code"] == "login_locked"
    # Another client address is not concerned.
    elsewhere = client.post(
        LOGIN,
        {"username": victims[-1].email, "password": DEFAULT_PASSWORD},
        REMOTE_ADDR="198.51.100.9",
    )
    assert elsewhere.status_code == 302


def test_one_account_failing_again_and_again_counts_once_for_the_address(client, settings):
    """An agent mistyping their own password is the account lockout's business, not a
    spraying: colleagues behind the same address still log in."""
    settings.AXES_FAILURE_LIMIT = 10
    limit, _window = settings.ACCOUNTS_RATE_LIMITS["login_accounts_ip"]
    clumsy = UserFactory()
    for _ in range(limit + 2):
        client.post(LOGIN, {"username": clumsy.email, "password": "faux"})
    colleague = MembershipFactory().user
    response = client.post(LOGIN, {"username": colleague.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302


def test_admin_login_failures_count_towards_the_same_address_limit(client, settings):
    """The limit sits on Django's authentication, so the admin's login page counts and
    is refused like the login form."""
    limit, _window = settings.ACCOUNTS_RATE_LIMITS["login_accounts_ip"]
    victims = UserFactory.create_batch(limit, platform_admin=True)
    for victim in victims:
        client.post("/admin/login/", {"username": victim.email, "password": SPRAYED_PASSWORD})
    admin = client.post("/admin/login/", {"username": victims[0].email, "password": "x"})
    assert admin.status_code == 429
    form = client.post(LOGIN, {"username": victims[0].email, "password": DEFAULT_PASSWORD})
    assert form.status_code == 429


def test_login_address_is_case_insensitive(client):
    MembershipFactory(user__email="agent@exemple.gouv.fr")
    response = client.post(
        LOGIN, {"username": " Agent@Exemple.GOUV.fr ", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/espace-agents/"


def test_failures_in_any_case_share_one_lockout_counter(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = UserFactory(email="agent@exemple.gouv.fr")
    for typed in ["Agent@Exemple.gouv.fr", "AGENT@EXEMPLE.GOUV.FR", "agent@exemple.gouv.fr"]:
        client.post(LOGIN, {"username": typed, "password": "faux"})

    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.failures_since_start) == (user.email, 3)
    locked = client.post(LOGIN, {"username": "Agent@exemple.gouv.fr", "password": DEFAULT_PASSWORD})
    assert locked.status_code == 429
    assert "Pour protéger votre compte" in locked.content.decode()


def test_admin_change_form_stores_the_address_in_lowercase(client):
    admin = UserFactory(platform_admin=True)
    agent = UserFactory(email="camille@exemple.fr", full_name="Camille Martin")
    UserFactory(email="dominique@exemple.fr")
    client.force_login(admin)
    url = f"/admin/accounts/user/{agent.pk}/change/"

    def change(email: str):
        return client.post(
            url,
            {
                "email": email,
                "full_name": agent.full_name,
                "is_active": "on",
                "memberships-TOTAL_FORMS": "0",
                "memberships-INITIAL_FORMS": "0",
                "memberships-MIN_NUM_FORMS": "0",
                "memberships-MAX_NUM_FORMS": "1000",
            },
        )

    saved = change(" Camille.Martin@Exemple.FR ")
    assert saved.status_code == 302, saved.content.decode()[:2000]
    agent.refresh_from_db()
    assert agent.email == "camille.martin@exemple.fr"

    taken = change("Dominique@Exemple.fr")
    assert taken.status_code == 200
    assert "Un compte existe déjà avec cette adresse." in taken.content.decode()
    assert User.objects.filter(email__iexact="dominique@exemple.fr").count() == 1


def test_addresses_kept_in_mixed_case_are_normalised_so_their_owners_still_log_in(client):
    """Before the admin edit form normalised, it kept what was typed; migration 0003
    rewrites those rows, except where another account holds the lowercase form."""
    kept = UserFactory(email="agent@exemple.gouv.fr")
    UserFactory(email="Agent@Exemple.gouv.fr")  # a twin: left for a human to merge
    typed = UserFactory(email="Camille.Martin@Exemple.FR")

    normalise_emails(apps, None)

    typed.refresh_from_db()
    assert typed.email == "camille.martin@exemple.fr"
    assert set(User.objects.values_list("email", flat=True)) == {
        kept.email,
        "Agent@Exemple.gouv.fr",
        "camille.martin@exemple.fr",
    }
    response = client.post(
        LOGIN, {"username": "Camille.Martin@Exemple.FR", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302


@pytest.mark.django_db(transaction=True)
def test_the_address_limit_holds_under_asgi_too(settings):
    """uvicorn serves parvis through ASGI, where axes' middleware takes its async path
    (which calls the lockout callable with other arguments). The requests run in an event
    loop of their own thread: the browser tests' sync Playwright may hold this thread's."""
    from django.test import AsyncClient

    limit, _window = settings.ACCOUNTS_RATE_LIMITS["login_accounts_ip"]
    victims = UserFactory.create_batch(limit + 1)

    async def spray() -> Any:
        client = AsyncClient()
        for victim in victims[:limit]:
            await client.post(LOGIN, {"username": victim.email, "password": SPRAYED_PASSWORD})
        return await client.post(
            LOGIN, {"username": victims[-1].email, "password": DEFAULT_PASSWORD}
        )

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as executor:
        refused = executor.submit(asyncio.run, spray()).result()
    assert refused.status_code == 429
    assert "sur plusieurs comptes" in refused.content.decode()
