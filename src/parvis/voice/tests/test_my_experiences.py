"""« Mes expériences »: a signed-in author corrects, withdraws and rates the answer to
their experiences without the private link, under the same rules as the link."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from parvis.accounts.tests.factories import CitizenFactory
from parvis.directory.tests.factories import LocalServiceFactory, OrganisationFactory
from parvis.voice.models import (
    AnswerFeedback,
    ExperienceStatus,
    ExperienceTransition,
    PublicAnswer,
)
from parvis.voice.tests.factories import ExperienceFactory, PublicAnswerFactory

pytestmark = pytest.mark.django_db
S = ExperienceStatus


def _url(name: str, experience) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"voice:{name}", kwargs={"uuid": experience.uuid})


@pytest.fixture
def citizen():  # type: ignore[no-untyped-def]
    return CitizenFactory()


@pytest.fixture
def signed_in(client, citizen):  # type: ignore[no-untyped-def]
    client.force_login(citizen)
    return client


def test_the_author_corrects_before_publication_and_it_is_masked_again(
    signed_in, citizen, django_capture_on_commit_callbacks
):
    experience = ExperienceFactory(in_moderation=True, author=citizen)
    detail = signed_in.get(_url("my_experience", experience)).content.decode()
    assert _url("my_experience_correct", experience) in detail
    form = signed_in.get(_url("my_experience_correct", experience)).content.decode()
    assert "Madame Lefèvre" in form  # their own original, to correct it
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            _url("my_experience_correct", experience),
            {"title": "Bon accueil", "text": "Un accueil rapide et efficace, merci Paul Martin."},
        )
    assert response.status_code == 302
    assert response["Location"] == _url("my_experience", experience)
    experience.refresh_from_db()
    # analysed again, then back in the moderation queue: same rules as the private link
    assert experience.status == S.IN_MODERATION
    assert "rapide et efficace" in experience.masked_text
    assert "Martin" not in experience.masked_text
    correction = experience.transitions.get(move="correct")
    # the author's capacity, never their account: staff read this history
    assert correction.actor_label == "auteur" and correction.actor is None


def test_a_published_experience_cannot_be_corrected_but_can_be_withdrawn(signed_in, citizen):
    experience = ExperienceFactory(published=True, author=citizen)
    detail = signed_in.get(_url("my_experience", experience)).content.decode()
    assert "Corriger mon expérience" not in detail
    assert _url("my_experience_withdraw", experience) in detail
    refused = signed_in.get(_url("my_experience_correct", experience), follow=True)
    assert "ne peut plus être corrigée" in refused.content.decode()
    response = signed_in.post(
        _url("my_experience_correct", experience), {"title": "Autre", "text": "Autre texte."}
    )
    assert response.status_code == 302
    experience.refresh_from_db()
    assert experience.status == S.PUBLISHED


def test_withdrawing_asks_for_confirmation(signed_in, citizen):
    experience = ExperienceFactory(published=True, author=citizen)
    url = _url("my_experience_withdraw", experience)
    page = signed_in.get(url).content.decode()
    assert "Ce retrait est définitif" in page
    unconfirmed = signed_in.post(url, {})
    assert unconfirmed.status_code == 400
    assert "Cochez la case pour confirmer" in unconfirmed.content.decode()
    experience.refresh_from_db()
    assert experience.status == S.PUBLISHED
    done = signed_in.post(url, {"confirm": "on"})
    assert done.status_code == 302 and done["Location"] == reverse("voice:my_experiences")
    experience.refresh_from_db()
    assert experience.status == S.WITHDRAWN and experience.original_text_encrypted == ""
    listed = signed_in.get(reverse("voice:my_experiences")).content.decode()
    assert "Expérience retirée" in listed
    again = signed_in.get(url, follow=True).content.decode()
    assert "déjà retirée" in again


def test_the_author_rates_the_answer_once_whichever_way_they_come(signed_in, citizen):
    experience = ExperienceFactory(answered=True, author=citizen, token="jeton-de-l-auteur")
    answer = PublicAnswer.objects.get(experience=experience)
    detail = signed_in.get(_url("my_experience", experience)).content.decode()
    assert answer.masked_text[:30] in detail and "Cette réponse vous a-t-elle aidé" in detail
    rated = signed_in.post(_url("my_experience_feedback", experience), {"helpful": "oui"})
    assert rated.status_code == 302
    vote = AnswerFeedback.objects.get(answer=answer)
    assert vote.is_author and vote.helpful
    answer.refresh_from_db()
    assert answer.helpful_yes == 1
    page = signed_in.get(_url("my_experience", experience)).content.decode()
    assert "votre avis sur cette réponse est enregistré" in page
    assert _url("my_experience_feedback", experience) not in page
    # a second vote, from the account or through the private link, is a plain sentence
    again = signed_in.post(_url("my_experience_feedback", experience), {"helpful": "non"})
    assert "déjà donné votre avis" in signed_in.get(again["Location"]).content.decode()
    Client().post(
        reverse("voice:follow_feedback", kwargs={"token": "jeton-de-l-auteur"}), {"helpful": "non"}
    )
    assert AnswerFeedback.objects.filter(answer=answer).count() == 1
    answer.refresh_from_db()
    assert answer.helpful_no == 0


def test_no_vote_without_a_published_answer(signed_in, citizen):
    experience = ExperienceFactory(published=True, author=citizen)
    PublicAnswerFactory(experience=experience)  # a draft
    response = signed_in.post(
        _url("my_experience_feedback", experience), {"helpful": "oui"}, follow=True
    )
    assert "pas de réponse publiée" in response.content.decode()
    assert not AnswerFeedback.objects.exists()


def test_someone_elses_experience_is_not_found(signed_in):
    other = ExperienceFactory(answered=True, author=CitizenFactory())
    shared_without_account = ExperienceFactory(in_moderation=True)
    for experience in (other, shared_without_account):
        for name in ("my_experience", "my_experience_correct", "my_experience_withdraw"):
            assert signed_in.get(_url(name, experience)).status_code == 404, name
            assert signed_in.post(_url(name, experience), {"confirm": "on"}).status_code == 404
        assert (
            signed_in.post(
                _url("my_experience_feedback", experience), {"helpful": "oui"}
            ).status_code
            == 404
        )
    other.refresh_from_db()
    assert other.status == S.ANSWERED and not AnswerFeedback.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client):
    experience = ExperienceFactory(published=True, author=CitizenFactory())
    response = client.post(_url("my_experience_withdraw", experience), {"confirm": "on"})
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
    experience.refresh_from_db()
    assert experience.status == S.PUBLISHED


def test_writes_need_the_csrf_token(citizen):
    experience = ExperienceFactory(answered=True, author=citizen)
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    assert (
        client.post(_url("my_experience_withdraw", experience), {"confirm": "on"}).status_code
        == 403
    )
    assert (
        client.post(_url("my_experience_feedback", experience), {"helpful": "oui"}).status_code
        == 403
    )
    experience.refresh_from_db()
    assert experience.status == S.ANSWERED and not AnswerFeedback.objects.exists()


def test_the_answer_is_titled_with_the_services_article(signed_in, citizen):
    caf = OrganisationFactory(
        name="Caisse d’allocations familiales (CAF)", short_name="CAF", article="la"
    )
    gironde = LocalServiceFactory(organisation=caf, name="CAF de la Gironde")
    experience = ExperienceFactory(answered=True, author=citizen, local_service=gironde)
    detail = signed_in.get(_url("my_experience", experience)).content.decode()
    assert "Réponse de la CAF de la Gironde" in detail
    assert "Réponse de CAF" not in detail


def test_the_history_names_who_acted_as_the_author_reads_it(signed_in, citizen):
    experience = ExperienceFactory(published=True, author=citizen)
    for actor_label, status in (("auteur", S.SUBMITTED), ("modérateur", S.PUBLISHED)):
        ExperienceTransition.objects.create(
            experience=experience, to_status=status, move="x", actor_label=actor_label
        )
    html = signed_in.get(_url("my_experience", experience)).content.decode()
    by = re.findall(r"<tr>\s*<td>[^<]*</td>\s*<td>[^<]*</td>\s*<td>([^<]*)</td>", html)
    assert by and "Vous" in by and "La modération" in by
    assert not {"auteur", "système", "modérateur"} & set(by)


def test_every_actor_has_its_words_for_the_author():
    from parvis.voice.models import AUTHOR_VIEW_ACTORS
    from parvis.voice.services import Actor

    labels = {v for k, v in vars(Actor).items() if k.isupper()}
    assert labels == set(AUTHOR_VIEW_ACTORS)
