"""« Mes expériences »: what a signed-in citizen does with the experiences of their
account, without the private link: read one, correct it, withdraw it, say whether the
service's answer helped, join a published one to their citizen record at its
organisation (or withdraw it from there).

The same flows as the private link (``views.author_correct``, ``author_withdraw``,
``author_feedback``: same forms, rate limit, services and messages, the author's one
voter key), so the same rules apply whichever way the author comes. An experience is
found only among the account's own (``selectors.experience_of_author``): anyone else's is a 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from parvis.accounts.selectors import verified_email
from parvis.contacts import selectors as contact_selectors
from parvis.contacts.errors import ContactError
from parvis.contacts.services import records as contact_records
from parvis.core.breadcrumb import Breadcrumb, breadcrumb
from parvis.voice import selectors
from parvis.voice.forms import PERSONAL_DATA_REMINDER
from parvis.voice.models import PUBLIC_STATUSES, Experience, ExperienceStatus
from parvis.voice.views import (
    author_correct,
    author_feedback,
    author_page_context,
    author_withdraw,
    rate_limited,
)

S = ExperienceStatus


def _title_of(experience: Experience) -> str:
    if experience.status == S.WITHDRAWN:
        return "Expérience retirée"
    return experience.masked_title or "Titre en cours de masquage"


def _trail(experience: Experience, *, page: str = "") -> Breadcrumb:
    """Mon compte › Mes expériences › the experience (› the action)."""
    parents = [
        ("Mon compte", reverse("accounts:account")),
        ("Mes expériences", reverse("voice:my_experiences")),
    ]
    if page:
        detail = reverse("voice:my_experience", kwargs={"uuid": experience.uuid})
        parents.append((_title_of(experience), detail))
    return breadcrumb(*parents, current=page or _title_of(experience))


def record_link_context(user: Any, experience: Experience) -> dict[str, Any] | None:
    """The « Joindre à mon dossier usager » box: ``linked_at`` once joined (withdrawable
    whatever the experience's status since), else for a public experience whether the
    account's proven address finds a record at its organisation; None: no box."""
    link = contact_selectors.experience_links_of(experience.uuid).first()
    if link is not None:
        return {"linked_at": link.linked_at}
    if experience.status not in PUBLIC_STATUSES:
        return None
    if not verified_email(user):
        return {"linked_at": None, "verified": False, "has_record": False}
    records = contact_selectors.citizen_records_of_account(
        user, organisation_id=experience.organisation_id
    )
    return {"linked_at": None, "verified": True, "has_record": records.exists()}


def _detail(request: HttpRequest, experience: Experience, *, status: int = 200) -> HttpResponse:
    return render(
        request,
        "voice/my_experience.html",
        {
            "title": _title_of(experience),
            "breadcrumb": _trail(experience),
            **author_page_context(experience),
            "record_link": record_link_context(request.user, experience),
        },
        status=status,
    )


@never_cache
@login_required
def my_experience(request: HttpRequest, uuid: Any) -> HttpResponse:
    return _detail(request, selectors.experience_of_author(request.user, uuid))


def _back(experience: Experience) -> str:
    return reverse("voice:my_experience", kwargs={"uuid": experience.uuid})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def my_experience_correct(request: HttpRequest, uuid: Any) -> HttpResponse:
    experience = selectors.experience_of_author(request.user, uuid)

    def page(form: forms.Form, status: int) -> HttpResponse:
        context = {
            "title": "Corriger mon expérience",
            "breadcrumb": _trail(experience, page="Corriger"),
            "form": form,
            "experience": experience,
            "reminder": PERSONAL_DATA_REMINDER,
        }
        return render(request, "voice/my_experience_correct.html", context, status=status)

    return author_correct(request, experience, back=_back(experience), page=page)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def my_experience_withdraw(request: HttpRequest, uuid: Any) -> HttpResponse:
    experience = selectors.experience_of_author(request.user, uuid)

    def page(form: forms.Form, status: int) -> HttpResponse:
        context = {
            "title": "Retirer mon expérience",
            "breadcrumb": _trail(experience, page="Retirer"),
            "form": form,
            "experience": experience,
        }
        return render(request, "voice/my_experience_withdraw.html", context, status=status)

    done = reverse("voice:my_experiences")
    return author_withdraw(request, experience, back=_back(experience), done=done, page=page)


@never_cache
@login_required
@require_POST
def my_experience_feedback(request: HttpRequest, uuid: Any) -> HttpResponse:
    """The author says whether the answer helped (the same vote as through the link)."""
    experience = selectors.experience_of_author(request.user, uuid)
    answer = selectors.published_answer_of(experience)
    if answer is None:
        messages.error(request, "Cette expérience n’a pas de réponse publiée.")
        return redirect(_back(experience))
    return author_feedback(request, experience, answer, back=_back(experience))


def _refused(
    request: HttpRequest, experience: Experience, message: str, status: int
) -> HttpResponse:
    messages.error(request, message)
    return _detail(request, experience, status=status)


@never_cache
@login_required
@require_POST
def my_experience_record_link(request: HttpRequest, uuid: Any) -> HttpResponse:
    """Join the published experience to the account's records at its organisation (every
    record holding the account's proven address: the citizen cannot tell them apart)."""
    experience = selectors.experience_of_author(request.user, uuid)
    refusal = rate_limited(request, "link")
    if refusal:
        return _refused(request, experience, refusal, 429)
    records = list(
        contact_selectors.citizen_records_of_account(
            request.user, organisation_id=experience.organisation_id
        )
    )
    if not records:
        message = (
            "Aucun dossier à votre adresse électronique auprès de l’organisme "
            f"{experience.organisation.name} : rien n’a été joint."
        )
        return _refused(request, experience, message, 400)
    try:
        with transaction.atomic():
            for record in records:
                contact_records.citizen_experience_link(
                    actor=request.user, citizen=record, experience_uuid=experience.uuid
                )
    except ContactError as error:
        return _refused(request, experience, error.message, error.status)
    messages.success(
        request,
        "Votre expérience est jointe à votre dossier usager : les agents de l’organisme "
        "en verront le texte publié, masqué.",
    )
    return redirect(_back(experience))


@never_cache
@login_required
@require_POST
def my_experience_record_unlink(request: HttpRequest, uuid: Any) -> HttpResponse:
    """Withdraw the experience from the account's records (at any time)."""
    experience = selectors.experience_of_author(request.user, uuid)
    refusal = rate_limited(request, "link")
    if refusal:
        return _refused(request, experience, refusal, 429)
    if contact_records.citizen_experience_unlink(
        actor=request.user, experience_uuid=experience.uuid
    ):
        messages.success(request, "Votre expérience n’est plus jointe à votre dossier usager.")
    else:
        messages.info(request, "Cette expérience n’était pas jointe à votre dossier usager.")
    return redirect(_back(experience))
