"""The author is told by email when their experience is published (unless they said no),
with its public page and a private follow-up link, once, through a real SMTP server."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from parvis.messaging.models import Delivery
from parvis.voice import services
from parvis.voice.models import Experience
from parvis.voice.models import ExperienceStatus as S
from parvis.voice.tests.factories import ExperienceFactory

pytestmark = pytest.mark.django_db
EMAIL = "auteur@example.org"


def _link_in(body: str, path: str) -> str:
    return re.search(rf"https?://\S+{re.escape(path)}\S*", body).group(0)


def test_the_author_is_emailed_at_publication_with_the_public_page_and_a_follow_up_link(
    client, moderator, smtp_inbox, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://parvis.example"
    experience = ExperienceFactory(
        in_moderation=True, email=EMAIL, token="jeton-du-depot", reference="EXP-2026-00007"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.experience_publish(experience=experience, moderator=moderator)
    [message] = smtp_inbox.to(EMAIL)
    assert message["Subject"] == "Votre expérience est publiée"
    body = message.get_body(("plain",)).get_content()
    public = reverse("publication:experience_detail", kwargs={"uuid": experience.uuid})
    assert f"https://parvis.example{public}" in body
    assert "EXP-2026-00007" in body and experience.masked_title in body
    assert "jours ouvrés" in body
    # the follow-up link is a new private link (the first one's secret is not kept)
    follow = _link_in(body, "/temoigner/suivi/")
    assert "jeton-du-depot" not in follow
    page = client.get(follow.replace("https://parvis.example", ""))
    assert page.status_code == 200 and "Publiée" in page.content.decode()
    # the first link still works too
    first = reverse("voice:follow", kwargs={"token": "jeton-du-depot"})
    assert client.get(first).status_code == 200
    # only a digest of the new link is stored; the address is kept for the answer
    experience.refresh_from_db()
    token = follow.rstrip("/").rsplit("/", 1)[1]
    assert experience.publication_link_digest and token not in experience.publication_link_digest
    assert experience.author_email_encrypted and EMAIL not in experience.author_email_encrypted
    # once per experience: running the task again sends nothing
    assert services.experience_notify_publication(experience=experience) is False
    assert len(smtp_inbox.to(EMAIL)) == 1
    delivery = Delivery.objects.get(idempotency_key=f"voice.published:{experience.pk}")
    assert EMAIL not in str(delivery.__dict__)


def test_no_email_when_the_author_said_no_or_gave_no_address(
    moderator, smtp_inbox, django_capture_on_commit_callbacks
):
    declined = ExperienceFactory(
        in_moderation=True, email=EMAIL, notify_author_on_publication=False
    )
    anonymous = ExperienceFactory(in_moderation=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.experiences_bulk_publish(experiences=[declined, anonymous], moderator=moderator)
    assert smtp_inbox.to(EMAIL) == []
    declined.refresh_from_db()
    assert declined.status == S.PUBLISHED and declined.publication_link_digest is None
    assert not Delivery.objects.filter(idempotency_key__startswith="voice.published:").exists()


def test_the_share_form_asks_and_keeps_the_choice(client, site, smtp_inbox):
    search = {"organisation": site.organisation.slug, "commune": site.commune.name}
    client.get(reverse("voice:share"), search)
    client.post(reverse("voice:share"), {"choice": f"site:{site.pk}"})
    client.post(
        reverse("voice:share_story"),
        {"title": "Accueil rapide", "text": "Tout s’est bien passé au guichet.", "tone": "positif"},
    )
    page = client.get(reverse("voice:share_contact"))
    html = page.content.decode()
    assert "Me prévenir par courriel quand mon expérience est publiée" in html
    assert page.context["form"]["notify_on_publication"].value() is True  # checked by default
    # unchecked: the author said no
    sent = client.post(reverse("voice:share_contact"), {"email": EMAIL, "accept_charter": "on"})
    assert sent.status_code == 302
    assert Experience.objects.get().notify_author_on_publication is False
