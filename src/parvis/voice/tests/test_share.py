"""Sharing an experience through the three-step form, the private link, assisted
recording at a counter, and the abuse protections of the forms."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from unittest import mock

import pytest
from django.urls import reverse

from parvis.accounts.models import Role
from parvis.accounts.tests.factories import CitizenFactory, MembershipFactory, UserFactory
from parvis.core.crypto import decrypt_text
from parvis.directory.tests.factories import SiteFactory
from parvis.voice.models import Experience
from parvis.voice.models import ExperienceStatus as S
from parvis.voice.services import VoiceError, validate_happened_on
from parvis.voice.tests.factories import ExperienceFactory

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")

STORY = {
    "title": "Accueil <script>alert(1)</script> rapide",
    "text": "Je m'appelle Paul Martin, joignable au 06 11 22 33 44. Tout s'est bien passé.",
    "tone": "positif",
    "happened_on": "2026-01-15",
}


def _choose(client, site):
    search = client.get(
        reverse("voice:share"),
        {"organisation": site.organisation.slug, "commune": site.commune.name},
    )
    assert search.status_code == 200
    assert f'value="site:{site.pk}"' in search.content.decode()
    response = client.post(reverse("voice:share"), {"choice": f"site:{site.pk}"})
    assert response.status_code == 302 and response["Location"] == reverse("voice:share_story")


def _tell(client, **overrides):
    response = client.post(reverse("voice:share_story"), {**STORY, **overrides})
    assert response.status_code == 302, response.content.decode()[:2000]


def test_citizen_shares_in_three_steps_without_account(
    client, site, smtp_inbox, django_capture_on_commit_callbacks
):
    _choose(client, site)
    _tell(client)
    recap = client.get(reverse("voice:share_contact"))
    body = recap.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert(1)" not in body
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            reverse("voice:share_contact"), {"email": "paul@example.org", "accept_charter": "on"}
        )
    assert sent.status_code == 302 and sent["Location"] == reverse("voice:share_done")
    experience = Experience.objects.get()
    assert experience.site == site and experience.local_service == site.local_service
    assert experience.commune == site.commune and experience.departement_id == "33"
    assert experience.status == S.IN_MODERATION and experience.source == "web"
    assert "06 11 22 33 44" not in experience.masked_text
    done = client.get(reverse("voice:share_done")).content.decode()
    assert "/temoigner/suivi/" in done
    # the short reference is stored and shown on the confirmation and the follow-up page
    assert experience.reference and experience.reference.startswith("EXP-")
    assert f'id="experience-reference">{experience.reference}<' in done
    link = done.split('id="private-link" href="')[1].split('"')[0]
    # the secret waits in the session encrypted, never in clear
    assert link.rstrip("/").rsplit("/", 1)[1] not in str(client.session["voice:last"])
    # the same link was emailed, through a real SMTP server
    [message] = smtp_inbox.to("paul@example.org")
    assert link in message.get_body(("plain",)).get_content()
    follow = client.get(link.replace("http://127.0.0.1:8000", ""))
    assert follow.status_code == 200
    assert follow["Referrer-Policy"] == "same-origin"
    assert "En modération" in follow.content.decode()
    assert experience.reference in follow.content.decode()


def test_steps_keep_what_was_typed_and_need_their_predecessors(client, site):
    assert client.get(reverse("voice:share_story")).status_code == 302
    _choose(client, site)
    too_long = client.post(reverse("voice:share_story"), {**STORY, "title": "x" * 201})
    assert too_long.status_code == 400
    body = too_long.content.decode()
    assert "Le titre est trop long : 200 caractères au plus (il en compte 201)." in body
    assert "joignable au 06 11 22 33 44" in body  # the story typed is kept
    assert "N’écrivez pas de données personnelles" in body
    assert (
        client.post(reverse("voice:share_story"), {**STORY, "text": "y" * 5001}).status_code == 400
    )
    _tell(client)
    back = client.get(reverse("voice:share_story")).content.decode()
    assert "Paul Martin" in back  # going back shows the draft


def test_step_two_errors_are_plain_french_naming_the_field_in_a_summary(client, site):
    _choose(client, site)
    response = client.post(reverse("voice:share_story"), {**STORY, "title": "x", "text": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Assurez-vous" not in body and "Ce champ est obligatoire" not in body
    assert (
        '<a href="#id_title">Titre de votre expérience</a>\xa0: '
        "Le titre est trop court : écrivez au moins 3 caractères." in body
    )
    assert '<a href="#id_text">Ce qui s’est passé</a>\xa0: Racontez ce qui s’est passé.' in body


def test_step_one_sent_empty_says_what_to_fill_in(client):
    response = client.get(reverse("voice:share"), {"organisation": "", "commune": "", "q": ""})
    body = response.content.decode()
    assert "La recherche n’a pas pu être lancée" in body
    assert "Choisissez un organisme, ou indiquez une commune ou le nom du lieu" in body
    assert "La recherche n’a pas pu être lancée" not in (
        client.get(reverse("voice:share")).content.decode()
    )


@pytest.mark.parametrize(
    ("happened_on", "message"),
    [
        ("0001-01-01", "Indiquez une date à partir du 01/01/2000."),
        ("31/12/1999", "Indiquez une date à partir du 01/01/2000."),
        ("2999-01-01", "La date ne peut pas être dans le futur."),
    ],
)
def test_the_date_of_the_story_is_checked_where_it_is_typed(client, site, happened_on, message):
    """The service's one rule, shown next to the field at step 2, not at the last step."""
    _choose(client, site)
    response = client.post(reverse("voice:share_story"), {**STORY, "happened_on": happened_on})
    assert response.status_code == 400
    assert response.context["form"].errors["happened_on"] == [message]
    assert message in response.content.decode()


def test_today_in_the_furthest_french_time_zone_is_not_the_future():
    """At 22:00 in Paris it is already tomorrow in Wallis-et-Futuna (UTC+12)."""
    today = dt.date(2026, 3, 10)
    late = dt.datetime.combine(today, dt.time(22), tzinfo=PARIS)
    with mock.patch("django.utils.timezone.now", return_value=late):
        validate_happened_on(today + dt.timedelta(days=1))
        with pytest.raises(VoiceError) as error:
            validate_happened_on(today + dt.timedelta(days=2))
    assert (error.value.code, error.value.field) == ("date_in_future", "happened_on")


def test_honeypot_refuses_with_a_message_and_keeps_the_data(client, site):
    _choose(client, site)
    _tell(client)
    response = client.post(
        reverse("voice:share_contact"),
        {"email": "robot@example.org", "accept_charter": "on", "site_internet": "http://spam"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "ressemble à un envoi automatique" in body
    assert 'value="robot@example.org"' in body
    assert not Experience.objects.exists()


def test_rate_limit_per_ip_gives_a_french_message_and_keeps_the_data(client, site, settings):
    settings.VOICE_RATE_LIMITS = {
        **settings.VOICE_RATE_LIMITS,
        "submit_ip": (1, 3600),
        "submit_email": (5, 86400),
    }
    _choose(client, site)
    _tell(client)
    assert client.post(reverse("voice:share_contact"), {"accept_charter": "on"}).status_code == 302
    _choose(client, site)
    _tell(client, title="Deuxième visite")
    refused = client.post(
        reverse("voice:share_contact"), {"email": "paul@example.org", "accept_charter": "on"}
    )
    assert refused.status_code == 429
    body = refused.content.decode()
    assert "Trop d’envois en peu de temps" in body and "réessayez dans" in body
    assert "Deuxième visite" in body and 'value="paul@example.org"' in body
    assert Experience.objects.count() == 1


def test_rate_limit_per_email(client, site, settings):
    settings.VOICE_RATE_LIMITS = {
        **settings.VOICE_RATE_LIMITS,
        "submit_ip": (100, 3600),
        "submit_email": (1, 86400),
    }
    for expected in (302, 429):
        _choose(client, site)
        _tell(client)
        response = client.post(
            reverse("voice:share_contact"), {"email": "Paul@Example.org", "accept_charter": "on"}
        )
        assert response.status_code == expected


def test_logged_in_citizen_finds_their_experiences(client, site):
    citizen = UserFactory()
    client.force_login(citizen)
    _choose(client, site)
    _tell(client)
    client.post(reverse("voice:share_contact"), {"accept_charter": "on"})
    experience = Experience.objects.get()
    assert experience.author == citizen
    page = client.get(reverse("voice:my_experiences")).content.decode()
    assert "Déposée" in page or "En modération" in page or "Ma" in page
    assert experience.get_status_display() in page


def test_a_signed_in_citizen_starts_from_their_account_address(client, site):
    citizen = CitizenFactory(email="camille@exemple.fr")
    client.force_login(citizen)
    _choose(client, site)
    _tell(client)
    step = client.get(reverse("voice:share_contact")).content.decode()
    assert 'value="camille@exemple.fr"' in step
    assert "L’adresse de votre compte" in step
    sent = client.post(
        reverse("voice:share_contact"), {"email": "camille@exemple.fr", "accept_charter": "on"}
    )
    assert sent.status_code == 302
    experience = Experience.objects.get()
    assert experience.author == citizen
    assert decrypt_text(experience.author_email_encrypted) == "camille@exemple.fr"
    done = client.get(reverse("voice:share_done")).content.decode()
    assert "Dans « Mes expériences »" in done
    assert f'id="my-experiences-link" href="{reverse("voice:my_experiences")}"' in done
    assert "nous ne pourrons pas vous le renvoyer" not in done
    assert "Créer un compte" not in done


def test_a_signed_in_citizen_may_give_no_address_and_still_finds_it_in_their_account(client, site):
    client.force_login(CitizenFactory(email="camille@exemple.fr"))
    _choose(client, site)
    _tell(client)
    sent = client.post(reverse("voice:share_contact"), {"email": "", "accept_charter": "on"})
    assert sent.status_code == 302
    assert Experience.objects.get().author_email_encrypted == ""
    done = client.get(reverse("voice:share_done")).content.decode()
    assert "Dans « Mes expériences »" in done
    assert "Vous n’avez pas donné d’adresse" not in done


def test_a_signed_out_citizen_gets_no_address_and_keeps_the_link_warning(client, site):
    _choose(client, site)
    _tell(client)
    assert 'name="email" value=' not in client.get(reverse("voice:share_contact")).content.decode()
    client.post(reverse("voice:share_contact"), {"email": "", "accept_charter": "on"})
    done = client.get(reverse("voice:share_done")).content.decode()
    assert "Vous n’avez pas donné d’adresse" in done and "Mes expériences »" not in done


def test_an_experience_shared_without_account_is_attached_through_the_private_link(client):
    experience = ExperienceFactory(published=True, token="jeton-a-rattacher")
    follow = reverse("voice:follow", kwargs={"token": "jeton-a-rattacher"})
    attach = reverse("voice:follow_attach", kwargs={"token": "jeton-a-rattacher"})
    # signed out: invited to sign in, and a POST goes to the login page
    page = client.get(follow).content.decode()
    assert "Retrouver cette expérience dans votre compte" in page and "Connectez-vous" in page
    assert client.post(attach)["Location"].startswith(reverse("accounts:login"))
    citizen = UserFactory()
    client.force_login(citizen)
    assert "Rattacher à mon compte" in client.get(follow).content.decode()
    assert client.get(attach).status_code == 405  # never on GET
    assert client.post(attach)["Location"] == follow
    experience.refresh_from_db()
    assert experience.author == citizen
    assert "Retrouver cette expérience" not in client.get(follow).content.decode()
    assert experience.masked_title in client.get(reverse("voice:my_experiences")).content.decode()
    # another account holding the link cannot take it over
    client.force_login(UserFactory())
    refused = client.post(attach, follow=True)
    assert "déjà rattachée à un autre compte" in refused.content.decode()
    experience.refresh_from_db()
    assert experience.author == citizen


def test_experiences_shared_with_an_account_address_join_the_account_at_login(client):
    mine = ExperienceFactory(published=True, email="Camille@Exemple.fr")
    withdrawn = ExperienceFactory(published=True, email="camille@exemple.fr")
    withdrawn.status = S.WITHDRAWN
    withdrawn.save()
    someone_else = ExperienceFactory(published=True, email="autre@exemple.fr")
    citizen = UserFactory(email="camille@exemple.fr")
    client.force_login(citizen)
    for experience in (mine, withdrawn, someone_else):
        experience.refresh_from_db()
    assert mine.author == citizen
    assert withdrawn.author is None and someone_else.author is None
    page = client.get(reverse("voice:my_experiences")).content.decode()
    assert mine.masked_title in page
    # an agent's account (its address chosen by an administrator) gathers nothing
    shared = ExperienceFactory(published=True, email="agent@exemple.fr")
    client.force_login(MembershipFactory(user__email="agent@exemple.fr").user)
    shared.refresh_from_db()
    assert shared.author is None


def test_correct_then_withdraw_through_the_private_link(client, django_capture_on_commit_callbacks):
    experience = ExperienceFactory(
        in_moderation=True, token="jeton-secret-de-suivi", email="x@example.org"
    )
    follow = reverse("voice:follow", kwargs={"token": "jeton-secret-de-suivi"})
    correct = reverse("voice:correct", kwargs={"token": "jeton-secret-de-suivi"})
    form = client.get(correct).content.decode()
    assert "Madame Lefèvre" in form  # the author sees their own original to correct it
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            correct, {"title": "Bon accueil", "text": "Un accueil rapide et efficace, merci."}
        )
    assert response.status_code == 302
    experience.refresh_from_db()
    assert experience.status == S.IN_MODERATION and "rapide et efficace" in experience.masked_text
    withdraw = reverse("voice:withdraw", kwargs={"token": "jeton-secret-de-suivi"})
    assert client.post(withdraw, {}).status_code == 400  # confirmation needed
    assert client.post(withdraw, {"confirm": "on"}).status_code == 302
    experience.refresh_from_db()
    assert experience.status == S.WITHDRAWN
    assert experience.original_text_encrypted == "" and experience.author_email_encrypted == ""
    assert "Retirée par son auteur" in client.get(follow).content.decode()


def test_published_experience_cannot_be_corrected_but_can_be_withdrawn(client):
    ExperienceFactory(published=True, token="jeton-publie")
    correct = client.get(reverse("voice:correct", kwargs={"token": "jeton-publie"}))
    assert correct.status_code == 302
    page = client.get(reverse("voice:follow", kwargs={"token": "jeton-publie"})).content.decode()
    assert "Corriger" not in page and "Retirer mon expérience" in page


def test_unknown_private_link_is_404(client):
    assert client.get(reverse("voice:follow", kwargs={"token": "inconnu"})).status_code == 404


def test_an_ip_that_tries_too_many_wrong_links_is_refused(client, settings):
    settings.VOICE_RATE_LIMITS = {**settings.VOICE_RATE_LIMITS, "link_miss_ip": (3, 3600)}
    ExperienceFactory(in_moderation=True, token="jeton-du-bon-lien")
    right = reverse("voice:follow", kwargs={"token": "jeton-du-bon-lien"})
    assert client.get(right).status_code == 200  # right links are not counted
    for attempt in range(3):
        wrong = reverse("voice:follow", kwargs={"token": f"essai-{attempt}"})
        assert client.get(wrong).status_code == 404
    refused = client.get(right)
    assert refused.status_code == 429
    assert "Trop de demandes" in refused.content.decode()
    withdraw = reverse("voice:withdraw", kwargs={"token": "jeton-du-bon-lien"})
    assert client.post(withdraw, {"confirm": "on"}).status_code == 429
    # another connection is not affected
    assert client.get(right, REMOTE_ADDR="192.0.2.44").status_code == 200


def test_agent_records_an_assisted_experience(client, django_capture_on_commit_callbacks):
    france_services = SiteFactory(france_services=True)
    partner = MembershipFactory().organisation
    france_services.partners.add(partner)
    agent = MembershipFactory(organisation=None, site=france_services, role=Role.AGENT).user
    client.force_login(agent)
    url = reverse("voice_backoffice:assisted_create")
    assert client.get(url).status_code == 200
    data = {
        "assisted_site": france_services.pk,
        "organisation": partner.pk,
        "title": "Aide pour ma déclaration",
        "text": "L'usager explique qu'on l'a bien aidé à remplir sa déclaration.",
        "tone": "positif",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400 and "L’accord de l’usager" in refused.content.decode()
    too_old = client.post(url, {**data, "consent": "on", "happened_on": "1999-12-31"})
    assert too_old.context["form"].errors["happened_on"] == [
        "Indiquez une date à partir du 01/01/2000."
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "consent": "on"})
    assert response.status_code == 302
    experience = Experience.objects.get()
    assert experience.is_assisted and experience.assisted_by == agent
    assert experience.assisted_site == france_services and experience.site == france_services
    assert experience.organisation == partner and experience.source == "assisted"
    assert experience.transitions.first().actor_label == "agent d’accueil"
    done = client.get(reverse("voice_backoffice:assisted_done")).content.decode()
    assert "/temoigner/suivi/" in done


def test_assisted_site_must_be_in_the_agent_scope(client):
    agent = MembershipFactory(role=Role.AGENT).user
    other_site = SiteFactory()
    client.force_login(agent)
    response = client.post(
        reverse("voice_backoffice:assisted_create"),
        {
            "assisted_site": other_site.pk,
            "organisation": other_site.organisation.pk,
            "title": "Titre",
            "text": "Un texte assez long pour passer.",
            "tone": "neutre",
            "consent": "on",
        },
    )
    assert response.status_code in {400, 403}
    assert not Experience.objects.exists()


def test_the_tone_choices_agree_with_experience(client, site):
    _choose(client, site)
    html = client.get(reverse("voice:share_story")).content.decode()
    assert "Globalement, votre expérience était…" in html
    for label in ("Positive", "Neutre", "Négative"):
        assert f"{label}\n" in html or f">{label}<" in html or f"{label} " in html, label
    assert "Positif" not in html and "Négatif" not in html
