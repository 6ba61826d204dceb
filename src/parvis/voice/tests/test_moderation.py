"""Moderation by platform moderators: queue, decisions, masking, duplicates, bulk."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from parvis.accounts.models import Role
from parvis.accounts.tests.factories import MembershipFactory, UserFactory
from parvis.core.charter import CharterReason
from parvis.voice import selectors, services
from parvis.voice.models import Experience
from parvis.voice.models import ExperienceStatus as S
from parvis.voice.services import VoiceError
from parvis.voice.tests.factories import ExperienceFactory

pytestmark = pytest.mark.django_db


def _detail(experience):
    return reverse("voice_backoffice:moderation_detail", kwargs={"uuid": experience.uuid})


def test_queue_is_oldest_first_with_sla_colours(client, moderator):
    now = timezone.now()
    # Monday 2 March 2026, Paris: submissions 0, 3 and 10 working days before
    today = dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)
    fresh = ExperienceFactory(in_moderation=True)
    middle = ExperienceFactory(in_moderation=True)
    old = ExperienceFactory(in_moderation=True)
    Experience.objects.filter(pk=fresh.pk).update(submitted_at=now)
    Experience.objects.filter(pk=middle.pk).update(
        submitted_at=dt.datetime(2026, 2, 25, 10, tzinfo=dt.UTC)
    )
    Experience.objects.filter(pk=old.pk).update(
        submitted_at=dt.datetime(2026, 2, 16, 10, tzinfo=dt.UTC)
    )
    assert list(selectors.moderation_queue()) == [old, middle, fresh]
    colours = {e.pk: selectors.sla_colour(e, now=today) for e in selectors.moderation_queue()}
    assert colours[old.pk] == ("red", 10)
    assert colours[middle.pk] == ("orange", 3)
    client.force_login(moderator)
    page = client.get(reverse("voice_backoffice:moderation_queue"))
    assert page.status_code == 200
    body = page.content.decode()
    assert body.index(str(old.uuid)) < body.index(str(middle.uuid)) < body.index(str(fresh.uuid))
    assert 'data-sla="red"' in body and 'data-sla="green"' in body


def test_moderator_sees_original_beside_masked_and_publishes(
    client, moderator, django_capture_on_commit_callbacks
):
    experience = ExperienceFactory(in_moderation=True)
    client.force_login(moderator)
    page = client.get(_detail(experience))
    body = page.content.decode()
    assert "06 12 34 56 78" in body and "[TÉLÉPHONE]" in body  # original beside masked
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_detail(experience), {"action": "publish", "note": ""})
    assert response.status_code == 302
    experience.refresh_from_db()
    assert experience.status == S.PUBLISHED
    transition = experience.transitions.get(to_status=S.PUBLISHED)
    assert transition.actor == moderator and transition.actor_label == "modérateur"


def test_reject_with_a_coded_reason_and_a_note(client, moderator):
    experience = ExperienceFactory(in_moderation=True)
    client.force_login(moderator)
    response = client.post(_detail(experience), {"action": "reject", "reason": "other", "note": ""})
    assert response.status_code == 400
    assert "Précisez le motif" in response.content.decode()
    response = client.post(
        _detail(experience),
        {"action": "reject", "reason": "insult", "note": "Propos injurieux envers l’agent"},
    )
    assert response.status_code == 302
    experience.refresh_from_db()
    assert experience.status == S.REJECTED
    assert experience.rejection_reason == CharterReason.INSULT
    transition = experience.transitions.get(to_status=S.REJECTED)
    assert transition.reason_code == "insult" and "injurieux" in transition.note
    history = client.get(_detail(experience)).content.decode()
    assert "Propos injurieux envers l’agent" in history


def test_sensitive_needs_a_reason_and_refuses_bulk(client, moderator):
    plain = ExperienceFactory(in_moderation=True)
    sensitive = ExperienceFactory(in_moderation=True, sensitive=True)
    with pytest.raises(VoiceError) as refused:
        services.experiences_bulk_publish(experiences=[plain, sensitive], moderator=moderator)
    assert refused.value.code == "sensitive_in_bulk"
    plain.refresh_from_db()
    assert plain.status == S.IN_MODERATION  # nothing of the lot was published
    with pytest.raises(VoiceError) as refused:
        services.experience_publish(experience=sensitive, moderator=moderator)
    assert refused.value.code == "reason_required"
    services.experience_publish(
        experience=sensitive, moderator=moderator, note="Témoignage utile, rien d’identifiant"
    )
    transition = sensitive.transitions.get(to_status=S.PUBLISHED)
    assert transition.reason_code == "sensitive_reviewed"
    assert transition.note == "Témoignage utile, rien d’identifiant"


def test_a_refused_decision_reads_as_not_recorded_and_names_the_field(client, moderator):
    """« La publication a été refusée » read as if the experience were refused."""
    sensitive = ExperienceFactory(in_moderation=True, sensitive=True)
    client.force_login(moderator)
    html = client.post(_detail(sensitive), {"action": "publish", "note": ""}).content.decode()
    assert "La publication n’a pas été enregistrée" in html
    assert "a été refusée" not in html
    assert 'href="#id_note">Raison de la décision</a>\xa0: Ce témoignage est signalé' in html
    html = client.post(_detail(sensitive), {"action": "reject", "note": ""}).content.decode()
    assert "Le refus n’a pas été enregistré" in html
    assert "Ce champ est obligatoire" not in html
    assert (
        'href="#id_reason_0">Motif de la charte</a>\xa0: Choisissez le motif de la charte qui '
        "justifie le refus." in html
    )


def test_bulk_publish_through_the_queue(client, moderator):
    first, second = ExperienceFactory.create_batch(2, in_moderation=True)
    sensitive = ExperienceFactory(in_moderation=True, sensitive=True)
    client.force_login(moderator)
    page = client.get(reverse("voice_backoffice:moderation_queue")).content.decode()
    assert f'value="{sensitive.uuid}"' not in page  # no checkbox for sensitive items
    response = client.post(
        reverse("voice_backoffice:moderation_queue"),
        {"experiences": [str(first.uuid), str(second.uuid)]},
    )
    assert response.status_code == 302
    assert set(Experience.objects.filter(status=S.PUBLISHED)) == {first, second}
    # forcing a sensitive uuid into the form is refused with a French message
    response = client.post(
        reverse("voice_backoffice:moderation_queue"),
        {"experiences": [str(sensitive.uuid)]},
        follow=True,
    )
    assert "décision individuelle" in response.content.decode()
    sensitive.refresh_from_db()
    assert sensitive.status == S.IN_MODERATION


def test_moderator_adjusts_the_masking(client, moderator, django_capture_on_commit_callbacks):
    experience = ExperienceFactory(in_moderation=True)
    client.force_login(moderator)
    # remove the masking of "Lefèvre" in the text (index 2), mask "prime d’activité"
    response = client.post(
        _detail(experience),
        {
            "action": "masking",
            "remove": ["2"],
            "add_fragment": "prime d’activité",
            "add_label": "OTHER",
            "add_field": "text",
        },
    )
    assert response.status_code == 302
    experience.refresh_from_db()
    assert "Madame Lefèvre" in experience.masked_text
    assert "[MASQUÉ]" in experience.masked_text and "activité" not in experience.masked_text
    assert "[TÉLÉPHONE]" in experience.masked_text
    assert experience.masked_title == "Rendez-vous avec Madame [NOM]"
    response = client.post(
        _detail(experience),
        {
            "action": "masking",
            "add_fragment": "introuvable",
            "add_label": "OTHER",
            "add_field": "text",
        },
    )
    assert response.status_code == 400
    assert "n’apparaît pas" in response.content.decode()


def test_near_duplicates_include_the_same_account_without_email():
    author = UserFactory()
    first = ExperienceFactory(in_moderation=True, author=author)
    second = ExperienceFactory(published=True, author=author)
    stranger = ExperienceFactory(in_moderation=True)
    found = {d.experience.pk: d.reason for d in selectors.near_duplicates(first)}
    assert found.get(second.pk) == "same_author" and stranger.pk not in found
    assert not first.author_email_digest  # matched on the account, not an email


def test_near_duplicates_are_proposed(client, moderator):
    service_experience = ExperienceFactory(in_moderation=True, email="meme@example.org")
    same_author = ExperienceFactory(published=True, email="meme@example.org")
    same_text = ExperienceFactory(
        in_moderation=True, local_service=service_experience.local_service
    )
    other_service = ExperienceFactory(in_moderation=True)
    found = {d.experience.pk: d.reason for d in selectors.near_duplicates(service_experience)}
    assert found == {same_author.pk: "same_author", same_text.pk: "similar_text"}
    assert other_service.pk not in found
    client.force_login(moderator)
    page = client.get(_detail(service_experience)).content.decode()
    assert "Doublons possibles" in page and str(same_text.uuid) in page


def test_jaccard_of_shingles():
    a = selectors.shingles("Le conseiller m’a rappelé après trois semaines d’attente")
    b = selectors.shingles("le conseiller m'a rappelé après trois semaines d'attente !")
    c = selectors.shingles("Accueil chaleureux et rapide à la caisse primaire")
    assert selectors.jaccard(a, b) == 1.0
    assert selectors.jaccard(a, c) == 0.0


@pytest.mark.parametrize("role", [Role.AGENT, Role.QUALITY_MANAGER, Role.ORGANISATION_ADMIN])
def test_moderation_is_refused_to_organisation_roles(client, role):
    experience = ExperienceFactory(in_moderation=True)
    user = MembershipFactory(organisation=experience.organisation, role=role).user
    client.force_login(user)
    for url in (reverse("voice_backoffice:moderation_queue"), _detail(experience)):
        assert client.get(url).status_code == 403
    assert client.post(_detail(experience), {"action": "publish"}).status_code == 403
    experience.refresh_from_db()
    assert experience.status == S.IN_MODERATION


def test_originals_are_decrypted_only_for_moderators(client):
    experience = ExperienceFactory(published=True)
    manager = MembershipFactory(
        organisation=experience.organisation, role=Role.QUALITY_MANAGER
    ).user
    client.force_login(manager)
    page = client.get(
        reverse("voice_backoffice:experience_detail", kwargs={"uuid": experience.uuid})
    )
    assert page.status_code == 200
    assert "06 12 34 56 78" not in page.content.decode()
    client.force_login(UserFactory(platform_moderator=True))
    assert "06 12 34 56 78" in client.get(_detail(experience)).content.decode()


def test_rejection_is_emailed_with_the_charter_then_the_address_is_erased(
    moderator, smtp_inbox, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://parvis.example"
    experience = ExperienceFactory(in_moderation=True, email="refus@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.experience_reject(
            experience=experience, moderator=moderator, reason=CharterReason.OFF_TOPIC
        )
    [message] = smtp_inbox.to("refus@example.org")
    body = message.get_body(("plain",)).get_content()
    assert "Hors sujet" in body
    assert "https://parvis.example/charte-de-moderation/" in body
    experience.refresh_from_db()
    assert experience.author_email_encrypted == "" and experience.contact_purged_at


def test_the_moderation_charter_is_public_and_linked(client):
    page = client.get(reverse("portal:charter"))
    assert page.status_code == 200
    body = page.content.decode()
    for _, label in CharterReason.choices:
        assert str(label) in body
    share = client.get(reverse("voice:share")).content.decode()
    sitemap = client.get(reverse("footer-sitemap")).content.decode()
    assert reverse("portal:charter") in sitemap
    assert reverse("portal:charter") in share


def test_the_agents_page_labels_each_date_of_the_experience(client):
    experience = ExperienceFactory(published=True, happened_on=dt.date(2026, 11, 3))
    Experience.objects.filter(pk=experience.pk).update(
        submitted_at=dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC),
        published_at=dt.datetime(2026, 12, 4, 10, tzinfo=dt.UTC),
    )
    manager = MembershipFactory(
        organisation=experience.organisation, role=Role.QUALITY_MANAGER
    ).user
    client.force_login(manager)
    html = client.get(
        reverse("voice_backoffice:experience_detail", kwargs={"uuid": experience.uuid})
    ).content.decode()
    assert "<li>Expérience vécue le 3 novembre 2026</li>" in html
    assert "<li>Déposée le 20 novembre 2026</li>" in html
    assert "<li>Publiée le 4 décembre 2026</li>" in html
    assert "— le 3 novembre 2026" not in html
