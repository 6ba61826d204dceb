"""French everywhere: no stored code reaches a person, on the demo as each role meets it.

On the demo ``test_seed_demo`` seeds (one seeding for both: it takes minutes), every
demo role lands on its home, opens each entry of its side menu and the first detail page
each list links to; the public pages are read anonymously; a few actions send the emails
people receive. ``leaked_codes`` must find nothing in any of them (see
``parvis.testing.stored_codes`` for the vocabulary). The Django admin speaks French too:
app and model names, singular and plural.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.apps import apps
from django.core import mail
from django.test import Client
from django.utils import timezone

from parvis.accounts.models import User
from parvis.demo.accounts import DEMO_ACCOUNTS, DEMO_CITIZEN
from parvis.testing.stored_codes import leaked_codes, visible_text, vocabulary

pytestmark = pytest.mark.django_db

MENU_LINK = re.compile(r'class="fr-sidemenu__link"[^>]*href="([^"#?]+)"')
HREF = re.compile(r'href="(/[^"#?]*)"')
MAIN = re.compile(r"<main\b.*?</main>", re.DOTALL)
AGENTS_HOME = "/espace-agents/"
CITIZEN_HOME = "/temoigner/mes-experiences/"


def _main(html: str) -> str:
    found = MAIN.search(html)
    return found.group(0) if found else html


def _first_detail(html: str, list_url: str, skip: set[str]) -> str | None:
    """The first link of a list page's content to a page below it (a detail page)."""
    for href in HREF.findall(_main(html)):
        if href.startswith(list_url) and href != list_url and href not in skip:
            return href
    return None


class Walk:
    """Pages read so far and the codes found in each."""

    def __init__(self) -> None:
        self.codes = vocabulary()
        self.leaks: dict[str, list[str]] = {}
        self.failures: dict[str, int] = {}
        self.seen: set[tuple[str, str]] = set()

    def read(self, client: Client, url: str, who: str) -> str:
        self.seen.add((who, url))
        response = client.get(url, follow=True)
        if response.status_code != 200:
            self.failures[f"{who} {url}"] = response.status_code
            return ""
        html = response.content.decode()
        found = leaked_codes(html, codes=self.codes)
        if found:
            self.leaks[f"{who} {url}"] = found
        return html

    def role(self, client: Client, who: str, home: str) -> None:
        html = self.read(client, home, who)
        menu = list(dict.fromkeys(MENU_LINK.findall(html)))
        if not menu:  # a citizen: the first page their home links to
            detail = next((h for h in HREF.findall(_main(html)) if h != home), None)
            if detail:
                self.read(client, detail, who)
        for url in menu:
            page = self.read(client, url, who) if (who, url) not in self.seen else ""
            detail = _first_detail(page, url, set(menu))
            if detail and (who, detail) not in self.seen:
                self.read(client, detail, who)


def _public_urls(client: Client) -> list[str]:
    from parvis.directory.models import LocalService, Organisation, Site
    from parvis.publication.models import PublicExperience
    from parvis.simplification.models import PUBLIC_STATUSES, SimplificationRequest

    experience = PublicExperience.objects.filter(is_answered=True).first()
    request = SimplificationRequest.objects.filter(status__in=PUBLIC_STATUSES).first()
    service = LocalService.objects.filter(sites__isnull=False).first()
    urls = [
        "/",
        "/experiences/",
        "/experiences/chiffres/",
        "/simplification/",
        "/simplification/suivi/",
        "/annuaire/",
        "/annuaire/recherche/?q=caf",
        "/annuaire/organismes/caf/engagements/",  # the demo's self-assessments
        "/donnees/",
    ]
    if experience is not None:
        urls.append(f"/experiences/{experience.uuid}/")
    if request is not None:
        urls.append(f"/simplification/{request.reference}/")
    if service is not None:
        urls += [
            f"/annuaire/organismes/{service.organisation.slug}/",
            f"/annuaire/services/{service.slug}/",
            f"/experiences/services/{service.slug}/",
        ]
        site = Site.objects.filter(local_service=service).first()
        if site is not None:
            urls.append(f"/annuaire/lieux/{site.slug}/")
    assert Organisation.objects.exists()
    return urls


def _send_emails(capture: Any) -> list[str]:
    """A few actions that email people: a private link, a rejection, an answer, the
    steps of a simplification request, reminders to a service, an account activation.
    Returns the private links' tokens of the two experiences (their authors' pages)."""
    from parvis.accounts.services import citizen_signup
    from parvis.core.charter import CharterReason
    from parvis.directory.models import LocalService
    from parvis.simplification.models import DeclineReason, SimplificationRequest, Status
    from parvis.simplification.services import (
        simplification_request_propose,
        simplification_request_transition,
    )
    from parvis.voice.models import Experience, ExperienceStatus
    from parvis.voice.services import (
        answer_confirm,
        answer_draft_save,
        answer_mask,
        experience_publish,
        experience_reject,
        experience_submit,
        experiences_follow_up_answers,
    )

    moderator = User.objects.get(email="moderation@demo.parvis.fr")
    quality = User.objects.get(email="admin.caf@demo.parvis.fr")
    service = LocalService.objects.get(name="CAF de la Gironde")
    text = (
        "J’ai attendu trois semaines une réponse à ma demande d’aide au logement, "
        "puis l’accueil m’a expliqué clairement ce qui manquait."
    )
    with capture(execute=True):
        submitted = [
            experience_submit(
                organisation=service.organisation,
                local_service=service,
                title=title,
                text=text,
                email=email,
            )
            for title, email in (
                ("Attente puis explication claire", "lecteur.un@example.org"),
                ("Réponse attendue", "lecteur.deux@example.org"),
            )
        ]
    # Analysed after commit (masking, qualification): both wait for a moderator.
    first, second = (Experience.objects.get(pk=s.experience.pk) for s in submitted)
    assert first.status == second.status == ExperienceStatus.IN_MODERATION
    with capture(execute=True):
        experience_reject(
            experience=first,
            moderator=moderator,
            reason=CharterReason.OFF_TOPIC,
        )
    with capture(execute=True):
        published = experience_publish(experience=second, moderator=moderator, note="Relu")
    with capture(execute=True):
        answer = answer_draft_save(
            experience=published, actor=quality, text="Merci, nous avons revu le dossier."
        )
        answer_confirm(answer=answer_mask(answer=answer), actor=quality)
    answered = Experience.objects.get(pk=second.pk)
    assert answered.status in {ExperienceStatus.ANSWERED, ExperienceStatus.PUBLISHED}
    with capture(execute=True):
        request = simplification_request_propose(
            organisation=service.organisation,
            procedure_name="Demande d’aide au logement",
            difficulty="Le formulaire demande trois fois les mêmes pièces justificatives.",
            proposal="Ne demander chaque pièce qu’une seule fois pour tout le dossier.",
            proposer_email="proposeur@example.org",
        )
    request = SimplificationRequest.objects.get(pk=request.pk)
    admin_caf = User.objects.get(email="admin.caf@demo.parvis.fr")
    for to_status, kwargs in (
        (Status.RECEIVED, {}),
        (Status.UNDER_STUDY, {}),
        (
            Status.DECLINED,
            {"reason": DeclineReason.LEGAL, "explanation": "Le décret impose ces pièces."},
        ),
    ):
        actor = moderator if to_status == Status.RECEIVED else admin_caf
        with capture(execute=True):
            simplification_request_transition(
                request=request, to_status=to_status, actor=actor, **kwargs
            )
    with capture(execute=True):
        experiences_follow_up_answers(now=timezone.now() + dt.timedelta(days=400))
    with capture(execute=True):
        citizen_signup(email="nouvel.usager@example.org", password="un-mot-de-passe-long-2026")
    return [s.private_token for s in submitted]


def _staff_details() -> dict[str, list[str]]:
    """Detail pages in every state, beyond the first of each list: the moderator opens
    each simplification request and each experience the actions above moved, the
    organisation admin each of its simplification requests."""
    from parvis.simplification.models import SimplificationRequest
    from parvis.voice.models import Experience, PublicAnswer

    requests = SimplificationRequest.objects.order_by("pk")
    references = list(requests.values_list("reference", flat=True))
    caf = list(requests.filter(organisation__slug="caf").values_list("reference", flat=True))
    # The two experiences of ``_send_emails`` (rejected, answered) and a few others.
    moved = Experience.objects.filter(
        pk__in=[
            *Experience.objects.filter(author_email_digest__gt="").values_list("pk", flat=True),
            *Experience.objects.filter(status="answered").values_list("pk", flat=True)[:2],
        ]
    )
    moderator = [f"/espace-agents/simplification/{ref}/" for ref in references]
    moderator += [f"/espace-agents/experiences/moderation/{e.uuid}/" for e in moved]
    moderator += [
        f"/espace-agents/experiences/moderation/reponses/{pk}/"
        for pk in PublicAnswer.objects.values_list("pk", flat=True)[:3]
    ]
    quality = [f"/espace-agents/experiences/{e.uuid}/" for e in moved.filter(status="answered")]
    admin = [
        "/admin/voice/experience/",
        "/admin/voice/publicanswer/",
        "/admin/accounts/auditevent/",
        "/admin/simplification/simplificationrequest/",
        *[f"/admin/voice/experience/{e.pk}/change/" for e in moved],
        *[
            f"/admin/simplification/simplificationrequest/{pk}/change/"
            for pk in requests.values_list("pk", flat=True)
        ],
    ]
    return {
        "admin@demo.parvis.fr": admin,
        "moderation@demo.parvis.fr": moderator,
        "admin.caf@demo.parvis.fr": [f"/espace-agents/simplification/{ref}/" for ref in caf]
        + quality,
    }


def _check_audit_journal(walk: Walk) -> None:
    """Every page of the CAF's audit journal, after moves of every kind: each action has
    its French label (« Action enregistrée » is the fallback of an unregistered one)."""
    from parvis.accounts.models import AuditEvent

    events = AuditEvent.objects.filter(organisation__slug="caf")
    actions = set(events.values_list("action", flat=True))
    assert {"experience.publish", "experience.reject", "simplification.status_changed"} <= actions
    client = Client()
    client.force_login(User.objects.get(email="admin.caf@demo.parvis.fr"))
    text = ""
    for page in range(1, events.count() // 50 + 2):
        url = f"/espace-agents/organismes/caf/journal/?page={page}"
        text += visible_text(walk.read(client, url, "admin.caf@demo.parvis.fr"))
    assert "Expérience publiée" in text and "Expérience refusée" in text
    assert "Action enregistrée" not in text


def assert_french_everywhere(capture: Any) -> None:
    """No stored code reaches a person on the seeded demo. Called by
    ``test_seed_demo.test_small_demo_is_complete_idempotent_and_french_everywhere`` on
    the demo it seeded (one seeding serves every check: it takes minutes)."""
    walk = Walk()

    mail.outbox.clear()
    tokens = _send_emails(capture)
    assert len(mail.outbox) >= 6, [m.subject for m in mail.outbox]
    for message in mail.outbox:
        found = leaked_codes(f"{message.subject}\n{message.body}", plain=True, codes=walk.codes)
        if found:
            walk.leaks[f"email « {message.subject} »"] = found

    anonymous = Client()
    for url in _public_urls(anonymous):
        walk.read(anonymous, url, "public")
    for token in tokens:  # the author's private page: status and history
        walk.read(Client(), f"/temoigner/suivi/{token}/", "auteur")

    details = _staff_details()
    for email, _description in DEMO_ACCOUNTS:
        client = Client()
        client.force_login(User.objects.get(email=email))
        walk.role(client, email, CITIZEN_HOME if email == DEMO_CITIZEN else AGENTS_HOME)
        for url in details.get(email, []):
            if (email, url) not in walk.seen:
                walk.read(client, url, email)
    # Each role opened several pages (its menu and the details behind it).
    per_role = {who: sum(1 for w, _ in walk.seen if w == who) for who, _ in DEMO_ACCOUNTS}
    assert all(count >= 2 for who, count in per_role.items() if who != DEMO_CITIZEN), per_role

    _check_audit_journal(walk)
    assert walk.failures == {}
    assert not walk.leaks, "\n".join(f"{where}: {codes}" for where, codes in walk.leaks.items())


def test_the_admin_speaks_french(client):
    """Every parvis app and model has a French name, singular and plural, and the admin
    index shows them."""
    missing = []
    for config in apps.get_app_configs():
        if not config.name.startswith("parvis."):
            continue
        if not config.models:
            continue
        if "verbose_name" not in type(config).__dict__:
            missing.append(f"app {config.label}")
        for model in config.get_models():
            options = model._meta.original_attrs
            for name in ("verbose_name", "verbose_name_plural"):
                if name not in options:
                    missing.append(f"{model._meta.label} {name}")
    assert missing == []

    client.force_login(User.objects.create_superuser("admin.test@example.org", "x" * 20))
    text = visible_text(client.get("/admin/").content.decode())
    for name in (
        "Expériences des usagers",
        "Annuaire",
        "Comptes et habilitations",
        "Services locaux",
        "Lieux d’accueil",
        "Réponses publiques",
        "Modèles de réponse",
        "Canaux",
    ):
        assert name in text, name
    for english in ("Voice", "Directory", "Accounts", "Experiences", "Local services"):
        assert english not in text, english
