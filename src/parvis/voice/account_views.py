"""« Mes expériences »: what a signed-in citizen does with the experiences of their
account, without the private link: read one, correct it, withdraw it, say whether the
service's answer helped.

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
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from parvis.core.breadcrumb import Breadcrumb, breadcrumb
from parvis.voice import selectors
from parvis.voice.forms import PERSONAL_DATA_REMINDER
from parvis.voice.models import Experience, ExperienceStatus
from parvis.voice.views import author_correct, author_feedback, author_page_context, author_withdraw

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


@never_cache
@login_required
def my_experience(request: HttpRequest, uuid: Any) -> HttpResponse:
    experience = selectors.experience_of_author(request.user, uuid)
    return render(
        request,
        "voice/my_experience.html",
        {
            "title": _title_of(experience),
            "breadcrumb": _trail(experience),
            **author_page_context(experience),
        },
    )


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
