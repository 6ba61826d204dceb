"""« Mes demandes de simplification »: a signed-in person finds the requests they proposed
with their account and those they supported (with the account or, confirmed by email,
with its address), each with its public status and its public page once published."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parvis.accounts.tests.factories import CitizenFactory
from parvis.simplification import services
from parvis.simplification.tests.factories import SimplificationRequestFactory, SupportFactory

pytestmark = pytest.mark.django_db
MINE = reverse("simplification:mine")


def test_a_citizen_finds_what_they_proposed_and_supported(client, django_assert_max_num_queries):
    citizen = CitizenFactory(email="camille@exemple.fr")
    proposed_waiting = SimplificationRequestFactory(
        proposer_user=citizen, procedure_name="Carte grise en ligne"
    )
    proposed_public = SimplificationRequestFactory(
        proposer_user=citizen, under_study=True, procedure_name="Prime d’activité trimestrielle"
    )
    with_account = SimplificationRequestFactory(received=True, procedure_name="Aide au logement")
    services.support_by_account(request=with_account, user=citizen)
    by_email = SimplificationRequestFactory(accepted=True, procedure_name="Bourse de lycée")
    services.support_confirm(token=services.support_token(by_email, " Camille@Exemple.fr"))
    someone_elses = SimplificationRequestFactory(received=True, procedure_name="Permis bateau")
    SupportFactory(request=someone_elses)
    SimplificationRequestFactory(proposer_user=CitizenFactory(), procedure_name="Passeport")

    client.force_login(citizen)
    with django_assert_max_num_queries(8):
        page = client.get(MINE).content.decode()
    proposed, supported = page.split("Demandes que je soutiens")
    assert "Carte grise en ligne" in proposed and "Prime d’activité trimestrielle" in proposed
    assert "Aide au logement" in supported and "Bourse de lycée" in supported
    assert "Permis bateau" not in page and "Passeport" not in page
    # public status and public page once published; a waiting proposal has no link
    assert "Déposée, en attente de relecture" in proposed and "À l’étude" in proposed
    assert "Acceptée" in supported
    for public in (proposed_public, with_account, by_email):
        assert reverse("simplification:detail", args=[public.reference]) in page
    assert reverse("simplification:detail", args=[proposed_waiting.reference]) not in page
    assert proposed_waiting.reference in page


def test_nothing_yet_says_where_to_start(client):
    client.force_login(CitizenFactory())
    page = client.get(MINE).content.decode()
    assert f'href="{reverse("simplification:propose")}"' in page
    assert f'href="{reverse("simplification:list")}"' in page


def test_the_page_needs_a_login(client):
    response = client.get(MINE)
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
