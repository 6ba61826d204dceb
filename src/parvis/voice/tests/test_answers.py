"""Public answers: templates with placeholders, masked preview, moderation when masking
changed the text, the author's email through a real SMTP server, reminders, feedback."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from parvis.accounts.models import Role
from parvis.accounts.tests.factories import MembershipFactory, UserFactory
from parvis.directory.tests.factories import LocalServiceFactory
from parvis.territories.tests.factories import DepartementFactory
from parvis.voice import selectors, services
from parvis.voice.models import AnswerFeedback, AnswerPolicy, AnswerStatus, Experience
from parvis.voice.models import ExperienceStatus as S
from parvis.voice.services import VoiceError
from parvis.voice.tests.factories import (
    AUTHOR_EMAIL,
    AnswerTemplateFactory,
    ExperienceFactory,
    PublicAnswerFactory,
)

pytestmark = pytest.mark.django_db


def _url(name, experience):
    return reverse(f"voice_backoffice:{name}", kwargs={"uuid": experience.uuid})


def test_answer_with_template_placeholder_is_refused_until_filled(
    client, quality_manager, service, smtp_inbox, django_capture_on_commit_callbacks
):
    experience = ExperienceFactory(published=True, local_service=service, email=AUTHOR_EMAIL)
    template = AnswerTemplateFactory(organisation=service.organisation)
    client.force_login(quality_manager)
    compose = client.get(_url("answer_compose", experience) + f"?modele={template.pk}")
    assert "[À COMPLÉTER : ce que le service a fait]" in compose.content.decode()
    refused = client.post(
        _url("answer_compose", experience), {"text": template.body, "template": template.pk}
    )
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "Complétez les passages entre crochets" in body
    assert "Cordialement, l’équipe." in body  # what was typed is kept
    filled = template.body.replace(
        "[À COMPLÉTER : ce que le service a fait]", "Nous avons revu l’organisation des rendez-vous"
    )
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(
            _url("answer_compose", experience), {"text": filled, "template": template.pk}
        )
    assert saved.status_code == 302 and saved["Location"] == _url("answer_preview", experience)
    preview = client.get(_url("answer_preview", experience)).content.decode()
    assert "Nous avons revu l’organisation des rendez-vous" in preview  # masked preview
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(_url("answer_preview", experience))
    assert confirmed.status_code == 302
    experience.refresh_from_db()
    answer = experience.answer
    assert answer.status == AnswerStatus.PUBLISHED and experience.status == S.ANSWERED
    assert answer.signed_by_service == service and answer.template == template
    # the author got the answer by email, through a real SMTP server
    [message] = smtp_inbox.to(AUTHOR_EMAIL)
    assert "a répondu" in message["Subject"]
    assert "revu l’organisation des rendez-vous" in message.get_body(("plain",)).get_content()
    # and their address, no longer needed, is erased
    assert experience.author_email_encrypted == "" and experience.contact_purged_at


def test_answer_that_masking_changed_goes_to_moderation(
    quality_manager, service, moderator, django_capture_on_commit_callbacks
):
    experience = ExperienceFactory(published=True, local_service=service)
    with django_capture_on_commit_callbacks(execute=True):
        answer = services.answer_draft_save(
            experience=experience,
            actor=quality_manager,
            text="Madame Martine Leroy vous rappellera au 05 56 00 00 00 cette semaine.",
        )
    answer.refresh_from_db()
    assert answer.masking_changed
    assert "05 56 00 00 00" not in answer.masked_text and "[TÉLÉPHONE]" in answer.masked_text
    answer = services.answer_confirm(answer=answer, actor=quality_manager)
    assert answer.status == AnswerStatus.IN_MODERATION
    experience.refresh_from_db()
    assert experience.status == S.PUBLISHED  # not answered yet
    with pytest.raises(VoiceError):
        services.answer_moderate(answer=answer, moderator=moderator, approve=False)
    services.answer_moderate(answer=answer, moderator=moderator, approve=True)
    experience.refresh_from_db()
    assert experience.status == S.ANSWERED
    assert experience.transitions.get(to_status=S.ANSWERED).actor_label == "modérateur"


def test_sensitive_answer_goes_to_moderation(
    quality_manager, service, moderator, django_capture_on_commit_callbacks
):
    experience = ExperienceFactory(published=True, local_service=service)
    with django_capture_on_commit_callbacks(execute=True):
        answer = services.answer_draft_save(
            experience=experience,
            actor=quality_manager,
            text="Nous comprenons que votre dépression rende ces démarches difficiles.",
        )
    answer.refresh_from_db()
    assert answer.is_sensitive
    assert services.answer_confirm(answer=answer, actor=quality_manager).status == (
        AnswerStatus.IN_MODERATION
    )
    # publishing it is an individual decision with a recorded reason
    with pytest.raises(VoiceError) as refused:
        services.answer_moderate(answer=answer, moderator=moderator, approve=True)
    assert refused.value.code == "reason_required" and refused.value.field == "note"
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.IN_MODERATION
    services.answer_moderate(
        answer=answer, moderator=moderator, approve=True, note="Formulation bienveillante."
    )
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.PUBLISHED
    assert answer.moderation_note == "Formulation bienveillante."


def test_answer_pages_are_scoped(client, service):
    experience = ExperienceFactory(published=True, local_service=service)
    other = ExperienceFactory(published=True)
    agent = MembershipFactory(organisation=service.organisation, role=Role.AGENT).user
    manager = MembershipFactory(
        local_service=service, organisation=None, role=Role.QUALITY_MANAGER
    ).user
    client.force_login(agent)
    # an agent reads the experiences of the scope, and does not answer them
    detail = client.get(_url("experience_detail", experience))
    assert detail.status_code == 200
    assert _url("answer_compose", experience) not in detail.content.decode()
    assert client.get(_url("answer_compose", experience)).status_code == 403
    assert client.get(_url("answer_preview", experience)).status_code == 403
    assert client.get(_url("experience_detail", other)).status_code == 404
    client.force_login(manager)
    assert client.get(_url("experience_detail", experience)).status_code == 200
    assert client.get(_url("experience_detail", other)).status_code == 404
    assert client.post(_url("answer_compose", other), {"text": "x" * 20}).status_code == 404
    # experiences still in moderation are not the service's to see
    pending = ExperienceFactory(in_moderation=True, local_service=service)
    assert client.get(_url("experience_detail", pending)).status_code == 404
    detail = client.get(_url("experience_detail", experience)).content.decode()
    assert _url("answer_compose", experience) in detail
    listing = client.get(reverse("voice_backoffice:experience_list")).content.decode()
    assert str(experience.uuid) in listing and str(other.uuid) not in listing


def _noon(year: int, month: int, day: int) -> dt.datetime:
    """Noon in Paris on that day: the sweep runs with an explicit ``now``."""
    return dt.datetime(year, month, day, 12, tzinfo=ZoneInfo("Europe/Paris"))


def test_reminder_counts_working_days_across_a_holiday(settings, smtp_inbox):
    """Published Thursday 30 April 2026; 1 May (Friday) is a holiday. With a target of 3
    working days: 4, 5, 6 May are the three days; the reminder goes on 7 May, not 6 May."""
    settings.VOICE_ANSWER_TARGET_WORKING_DAYS = 3
    settings.VOICE_ESCALATION_WORKING_DAYS = 2
    service = LocalServiceFactory(main_departement=DepartementFactory(code="33"))
    experience = ExperienceFactory(published=True, local_service=service)
    Experience.objects.filter(pk=experience.pk).update(
        published_at=dt.datetime(2026, 4, 30, 9, tzinfo=dt.UTC)
    )
    manager = MembershipFactory(organisation=service.organisation, role=Role.QUALITY_MANAGER).user
    admin = MembershipFactory(organisation=service.organisation, role=Role.ORGANISATION_ADMIN).user
    assert services.experiences_follow_up_answers(now=_noon(2026, 5, 6)) == {
        "reminded": 0,
        "escalated": 0,
    }
    assert services.experiences_follow_up_answers(now=_noon(2026, 5, 7)) == {
        "reminded": 1,
        "escalated": 0,
    }
    [reminder] = smtp_inbox.to(manager.email)
    assert "Rappel" in reminder["Subject"]
    assert str(experience.uuid) in reminder.get_body(("plain",)).get_content()
    # reminded once only
    assert services.experiences_follow_up_answers(now=_noon(2026, 5, 8))["reminded"] == 0
    # 8 May (Victoire 1945) is a holiday too: escalation after 3 + 2 working days → 12 May
    assert services.experiences_follow_up_answers(now=_noon(2026, 5, 11))["escalated"] == 0
    assert services.experiences_follow_up_answers(now=_noon(2026, 5, 12))["escalated"] == 1
    [alert] = smtp_inbox.to(admin.email)
    assert "alerte" in alert["Subject"]


def test_overdue_experiences_are_listed_for_the_organisation_admin(client, service):
    """« En retard » is the due date compared with the time of reading: an experience past
    it is listed before any reminder, and one not yet due is not, whatever was sent."""
    now = timezone.now()
    escalated = ExperienceFactory(published=True, local_service=service)
    past_due = ExperienceFactory(published=True, local_service=service)
    not_yet = ExperienceFactory(published=True, local_service=service)
    Experience.objects.filter(pk=escalated.pk).update(
        answer_due_at=now - dt.timedelta(days=9), answer_escalated_at=now
    )
    Experience.objects.filter(pk=past_due.pk).update(answer_due_at=now - dt.timedelta(days=1))
    Experience.objects.filter(pk=not_yet.pk).update(
        answer_due_at=now + dt.timedelta(days=1), answer_reminded_at=now
    )
    admin = MembershipFactory(organisation=service.organisation, role=Role.ORGANISATION_ADMIN).user
    client.force_login(admin)
    page = client.get(reverse("voice_backoffice:overdue")).content.decode()
    assert "Alerte administrateur" in page
    assert page.index(str(escalated.uuid)) < page.index(str(past_due.uuid))  # longest first
    assert str(not_yet.uuid) not in page
    assert list(selectors.overdue_for(admin, now=now + dt.timedelta(days=2))) == [
        escalated,
        past_due,
        not_yet,
    ]
    client.force_login(UserFactory())
    page = client.get(reverse("voice_backoffice:overdue")).content.decode()
    assert str(escalated.uuid) not in page


def test_answer_target_per_organisation(settings):
    settings.VOICE_ANSWER_TARGET_WORKING_DAYS = 10
    experience = ExperienceFactory(published=True)
    assert selectors.answer_targets(experience.organisation) == (10, 5)
    AnswerPolicy.objects.create(
        organisation=experience.organisation, target_working_days=4, escalation_working_days=1
    )
    assert selectors.answer_targets(experience.organisation) == (4, 1)


def test_feedback_once_per_voter(client, django_capture_on_commit_callbacks):
    experience = ExperienceFactory(answered=True, token="jeton-auteur-feedback")
    url = reverse("voice:answer_feedback", kwargs={"uuid": experience.uuid})
    assert client.get(url).status_code == 200
    assert client.post(url, {"helpful": "oui"}, HTTP_USER_AGENT="Lecteur").status_code == 302
    # a second vote is not an error page: one plain sentence where the vote was
    again = client.post(url, {"helpful": "non"}, HTTP_USER_AGENT="Lecteur", follow=True)
    assert again.status_code == 200
    assert again.redirect_chain == [(f"{url}#avis-reponse", 302)]
    vote_block = again.content.decode().split('id="avis-reponse"', 1)[1]
    assert "Vous avez déjà donné votre avis sur cette réponse." in vote_block
    # another browser on the same address is another voter
    assert client.post(url, {"helpful": "non"}, HTTP_USER_AGENT="Autre").status_code == 302
    # the author votes through the private link; their vote is flagged
    follow = reverse("voice:follow_feedback", kwargs={"token": "jeton-auteur-feedback"})
    client.post(follow, {"helpful": "oui"})
    client.post(follow, {"helpful": "non"})
    answer = experience.answer
    answer.refresh_from_db()
    assert (answer.helpful_yes, answer.helpful_no) == (2, 1)
    assert AnswerFeedback.objects.filter(answer=answer, is_author=True).count() == 1


def test_one_connection_cannot_repeat_its_vote_by_changing_browser_name(client, settings):
    """Another browser on the same connection is another voter, up to
    ``VOICE_VOTES_PER_NETWORK`` votes on one answer; beyond, the vote is not counted and
    the reader is told so in one sentence. Another connection still votes."""
    settings.VOICE_VOTES_PER_NETWORK = 3
    experience = ExperienceFactory(answered=True)
    url = reverse("voice:answer_feedback", kwargs={"uuid": experience.uuid})
    for name in ("Navigateur 1", "Navigateur 2", "Navigateur 3"):
        assert client.post(url, {"helpful": "oui"}, HTTP_USER_AGENT=name).status_code == 302
    refused = client.post(url, {"helpful": "oui"}, HTTP_USER_AGENT="Navigateur 4", follow=True)
    assert refused.status_code == 200
    vote_block = refused.content.decode().split('id="avis-reponse"', 1)[1]
    assert "viennent déjà de votre connexion" in vote_block
    elsewhere = client.post(
        url, {"helpful": "non"}, HTTP_USER_AGENT="Navigateur 4", REMOTE_ADDR="192.0.2.44"
    )
    assert elsewhere.status_code == 302
    answer = experience.answer
    answer.refresh_from_db()
    assert (answer.helpful_yes, answer.helpful_no) == (3, 1)
    assert AnswerFeedback.objects.filter(answer=answer).exclude(network_digest="").count() == 4


def test_feedback_on_unpublished_answer_is_404(client):
    answer = PublicAnswerFactory(status=AnswerStatus.IN_MODERATION)
    url = reverse("voice:answer_feedback", kwargs={"uuid": answer.experience.uuid})
    assert client.get(url).status_code == 404


ANSWER_WITH_CONTACT = "Madame Martine Leroy vous rappellera au 05 56 00 00 00 cette semaine."


def _answer_in_moderation(quality_manager, service, capture):
    experience = ExperienceFactory(published=True, local_service=service)
    with capture(execute=True):
        answer = services.answer_draft_save(
            experience=experience, actor=quality_manager, text=ANSWER_WITH_CONTACT
        )
    answer.refresh_from_db()
    return services.answer_confirm(answer=answer, actor=quality_manager)


def _span_index(answer, label):
    return next(i for i, span in enumerate(answer.entities) if span["label"] == label)


def test_the_answer_moderation_page_opens_without_errors(
    client, quality_manager, service, moderator, django_capture_on_commit_callbacks
):
    """On first opening, the decision form is empty: no « Ce champ est obligatoire »."""
    answer = _answer_in_moderation(quality_manager, service, django_capture_on_commit_callbacks)
    client.force_login(moderator)
    url = reverse("voice_backoffice:answer_moderation", kwargs={"pk": answer.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert not page.context["form"].is_bound and not page.context["masking_form"].is_bound
    html = page.content.decode()
    assert "Ce champ est obligatoire" not in html and "fr-error-text" not in html
    # a decision sent without its choice is still refused, next to the field
    refused = client.post(url, {"action": "decide"})
    assert refused.status_code == 400 and "Ce champ est obligatoire" in refused.content.decode()


def test_moderator_adjusts_the_masking_of_an_answer_before_publishing_it(
    client, quality_manager, service, moderator, django_capture_on_commit_callbacks
):
    from parvis.publication.models import PublicExperience

    answer = _answer_in_moderation(quality_manager, service, django_capture_on_commit_callbacks)
    assert answer.status == AnswerStatus.IN_MODERATION
    url = reverse("voice_backoffice:answer_moderation", kwargs={"pk": answer.pk})
    client.force_login(moderator)
    page = client.get(url).content.decode()
    # each masked span is listed with what it hides, to keep or remove
    assert "[TÉLÉPHONE] ← « 05 56 00 00 00 »" in page and "Ajuster le masquage" in page
    # a fragment absent from the original: French error, nothing changed, input kept
    refused = client.post(
        url, {"action": "masking", "add_fragment": "introuvable", "add_label": "OTHER"}
    )
    assert refused.status_code == 400
    assert "n’apparaît pas dans le texte original" in refused.content.decode()
    assert 'value="introuvable"' in refused.content.decode()
    answer.refresh_from_db()
    assert answer.masked_text.count("[") == 2
    # the service's own office phone may stay public; "cette semaine" is masked instead
    adjusted = client.post(
        url,
        {
            "action": "masking",
            "remove": [str(_span_index(answer, "PHONE"))],
            "add_fragment": "cette semaine",
            "add_label": "OTHER",
        },
    )
    assert adjusted.status_code == 302 and adjusted["Location"] == url
    answer.refresh_from_db()
    assert "05 56 00 00 00" in answer.masked_text
    assert "cette semaine" not in answer.masked_text and "[MASQUÉ]" in answer.masked_text
    assert "Leroy" not in answer.masked_text  # the other mask is kept
    assert answer.status == AnswerStatus.IN_MODERATION  # no decision taken yet
    with django_capture_on_commit_callbacks(execute=True):
        decided = client.post(url, {"action": "decide", "decision": "approve"})
    assert decided.status_code == 302
    row = PublicExperience.objects.get(experience_id=answer.experience_id)
    assert row.answer_text == answer.masked_text


def test_masking_of_a_published_answer_can_be_corrected_and_the_public_page_follows(
    quality_manager, service, moderator, django_capture_on_commit_callbacks
):
    from parvis.accounts.models import AuditEvent
    from parvis.publication.models import PublicExperience

    answer = _answer_in_moderation(quality_manager, service, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_moderate(answer=answer, moderator=moderator, approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_adjust_masking(
            answer=answer, moderator=moderator, add_fragment="cette semaine", add_label="OTHER"
        )
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.PUBLISHED
    assert "cette semaine" not in answer.masked_text
    row = PublicExperience.objects.get(experience_id=answer.experience_id)
    assert row.answer_text == answer.masked_text and "cette semaine" not in row.answer_text
    entry = AuditEvent.objects.get(action="answer.masking_adjusted")
    assert entry.actor == moderator and entry.data == {"removed": 0, "added": 1}


def test_answer_masking_is_for_moderators_and_answers_past_the_draft(
    client, quality_manager, service, moderator, django_capture_on_commit_callbacks
):
    answer = _answer_in_moderation(quality_manager, service, django_capture_on_commit_callbacks)
    with pytest.raises(VoiceError) as refused:
        services.answer_adjust_masking(answer=answer, moderator=quality_manager, remove=[0])
    assert refused.value.status == 403
    draft = PublicAnswerFactory()
    with pytest.raises(VoiceError) as refused:
        services.answer_adjust_masking(answer=draft, moderator=moderator, remove=[0])
    assert refused.value.code == "not_maskable" and refused.value.status == 409
    with pytest.raises(VoiceError) as refused:
        services.answer_adjust_masking(
            answer=answer, moderator=moderator, add_fragment="Leroy", add_label="INVENTED"
        )
    assert refused.value.code == "invalid_label"
    # the service's quality manager cannot reach the moderation page
    client.force_login(quality_manager)
    url = reverse("voice_backoffice:answer_moderation", kwargs={"pk": answer.pk})
    assert client.post(url, {"action": "masking", "remove": ["0"]}).status_code == 403
    answer.refresh_from_db()
    assert "[TÉLÉPHONE]" in answer.masked_text


def test_readers_vote_from_the_public_page(client, django_capture_on_commit_callbacks):
    from parvis.publication.services import publication_sync

    experience = ExperienceFactory(answered=True)
    publication_sync(experience_id=experience.pk)
    page_url = reverse("publication:experience_detail", args=[experience.uuid])
    vote_url = reverse("voice:answer_feedback", kwargs={"uuid": experience.uuid})
    page = client.get(page_url).content.decode()
    assert f'action="{vote_url}"' in page and "Donner mon avis" in page
    with django_capture_on_commit_callbacks(execute=True):
        voted = client.post(vote_url, {"helpful": "oui", "next": page_url})
    # back to the page, at the vote block, which shows the confirmation in place of the form
    assert voted.status_code == 302 and voted["Location"] == f"{page_url}#avis-reponse"
    page = client.get(page_url).content.decode()
    top, vote_block = page.split('id="avis-reponse"', 1)
    assert "Merci, votre avis est enregistré." in vote_block
    assert "Merci, votre avis est enregistré." not in top
    assert "Donner mon avis" not in vote_block
    assert "1 personne a répondu oui" in page
    # the message is shown once: the page read again offers the form
    assert "Donner mon avis" in client.get(page_url).content.decode()
    # voting again from the page: the same block says so in a plain sentence
    again = client.post(vote_url, {"helpful": "non", "next": page_url}, follow=True)
    assert again.status_code == 200 and again.redirect_chain[-1][0].endswith("#avis-reponse")
    assert (
        "Vous avez déjà donné votre avis sur cette réponse."
        in (again.content.decode().split('id="avis-reponse"', 1)[1])
    )
    # a robot filling the hidden field is refused in French, and nothing is counted
    robot = client.post(
        vote_url, {"helpful": "non", "site_internet": "http://spam.example"}, HTTP_USER_AGENT="R"
    )
    assert robot.status_code == 400 and "envoi automatique" in robot.content.decode()
    # a "next" pointing elsewhere is not followed
    elsewhere = client.post(
        vote_url, {"helpful": "non", "next": "https://ailleurs.example/"}, HTTP_USER_AGENT="B"
    )
    assert elsewhere.status_code == 302 and elsewhere["Location"] == f"{vote_url}#avis-reponse"
    answer = experience.answer
    answer.refresh_from_db()
    assert (answer.helpful_yes, answer.helpful_no) == (1, 1)


def test_a_template_always_leaves_something_to_complete(
    client, quality_manager, service, django_capture_on_commit_callbacks
):
    client.force_login(quality_manager)
    url = reverse("voice_backoffice:template_create")
    fixed = "Bonjour, merci pour votre message. Cordialement, l’équipe."
    refused = client.post(
        url, {"organisation": service.organisation.pk, "title": "Merci", "body": fixed}
    )
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "au moins un passage à compléter" in body and "merci pour votre message" in body
    with pytest.raises(VoiceError) as error:
        services.answer_template_save(
            actor=quality_manager, organisation=service.organisation, title="Merci", body=fixed
        )
    assert error.value.code == "placeholder_missing"
    # a template made before the rule, sent as it is, is refused too
    legacy = AnswerTemplateFactory(organisation=service.organisation, body=fixed)
    experience = ExperienceFactory(published=True, local_service=service)
    with pytest.raises(VoiceError) as error:
        services.answer_draft_save(
            experience=experience, actor=quality_manager, text=fixed, template=legacy
        )
    assert error.value.code == "template_only"
    adapted = services.answer_draft_save(
        experience=experience,
        actor=quality_manager,
        text=fixed + " Votre rendez-vous du mardi est confirmé.",
        template=legacy,
    )
    assert adapted.status == AnswerStatus.DRAFT
