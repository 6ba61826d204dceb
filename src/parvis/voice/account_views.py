"""« Mes expériences »: what a signed-in citizen does with the experiences of their
account, without the private link: read one, correct it, withdraw it, say whether the
service's answer helped.

The same voice services as the private link (``experience_correct``,
``experience_withdraw``, ``answer_feedback_record`` with the author's one voter key), so
the same rules apply whichever way the author comes. An experience is found only among
the account's own (``selectors.experience_of_author``): anyone else's is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from parvis.core.breadcrumb import Breadcrumb, breadcrumb
from parvis.core.charter import CharterReason
from parvis.core.crypto import decrypt_text
from parvis.voice import digests, selectors, services
from parvis.voice.forms import PERSONAL_DATA_REMINDER, CorrectionForm, FeedbackForm, WithdrawForm
from parvis.voice.models import Experience, ExperienceStatus
from parvis.voice.services import VoiceError
from parvis.voice.views import STATUS_EXPLANATIONS, _public_url, rate_limited

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
    answer = selectors.published_answer_of(experience)
    rated = answer is not None and selectors.author_has_rated(answer, experience)
    return render(
        request,
        "voice/my_experience.html",
        {
            "title": _title_of(experience),
            "breadcrumb": _trail(experience),
            "experience": experience,
            "explanation": STATUS_EXPLANATIONS[S(experience.status)],
            "rejection_reason": CharterReason(experience.rejection_reason).label
            if experience.rejection_reason
            else "",
            "answer": answer,
            "feedback_form": FeedbackForm() if answer is not None and not rated else None,
            "rated": rated,
            "can_correct": services.experience_correctable(experience),
            "can_withdraw": experience.status != S.WITHDRAWN,
            "history": selectors.history(experience),
            "public_url": _public_url(experience),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def my_experience_correct(request: HttpRequest, uuid: Any) -> HttpResponse:
    experience = selectors.experience_of_author(request.user, uuid)
    if not services.experience_correctable(experience):
        messages.error(
            request, "Une expérience publiée ne peut plus être corrigée ; vous pouvez la retirer."
        )
        return redirect("voice:my_experience", uuid=experience.uuid)
    status = 200
    if request.method == "POST":
        form = CorrectionForm(request.POST)
        status = 400
        if form.is_valid():
            refusal = rate_limited(request, "link")
            if refusal:
                form.add_error(None, refusal)
                status = 429
            else:
                try:
                    services.experience_correct(experience=experience, **form.cleaned_data)
                except VoiceError as error:
                    form.add_error(
                        error.field if error.field in form.fields else None, error.message
                    )
                    status = error.status
                else:
                    messages.success(
                        request,
                        "Votre correction est enregistrée : elle sera relue avant publication.",
                    )
                    return redirect("voice:my_experience", uuid=experience.uuid)
    else:
        form = CorrectionForm(
            initial={
                "title": decrypt_text(experience.original_title_encrypted),
                "text": decrypt_text(experience.original_text_encrypted),
            }
        )
    return render(
        request,
        "voice/my_experience_correct.html",
        {
            "title": "Corriger mon expérience",
            "breadcrumb": _trail(experience, page="Corriger"),
            "form": form,
            "experience": experience,
            "reminder": PERSONAL_DATA_REMINDER,
        },
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def my_experience_withdraw(request: HttpRequest, uuid: Any) -> HttpResponse:
    experience = selectors.experience_of_author(request.user, uuid)
    if experience.status == S.WITHDRAWN:
        messages.info(request, "Cette expérience est déjà retirée.")
        return redirect("voice:my_experience", uuid=experience.uuid)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            refusal = rate_limited(request, "link")
            if refusal:
                form.add_error(None, refusal)
                status = 429
            else:
                services.experience_withdraw(experience=experience)
                messages.success(
                    request,
                    "Votre expérience est retirée : elle n’est plus visible et son texte a été "
                    "effacé.",
                )
                return redirect("voice:my_experiences")
    return render(
        request,
        "voice/my_experience_withdraw.html",
        {
            "title": "Retirer mon expérience",
            "breadcrumb": _trail(experience, page="Retirer"),
            "form": form,
            "experience": experience,
        },
        status=status,
    )


@never_cache
@login_required
@require_POST
def my_experience_feedback(request: HttpRequest, uuid: Any) -> HttpResponse:
    """The author says whether the answer helped: the public vote's service, flagged as
    the author's, once (the same key as through the private link)."""
    experience = selectors.experience_of_author(request.user, uuid)
    answer = selectors.published_answer_of(experience)
    form = FeedbackForm(request.POST)
    if answer is None:
        messages.error(request, "Cette expérience n’a pas de réponse publiée.")
    elif not form.is_valid():
        messages.error(request, "Répondez par oui ou par non.")
    else:
        try:
            services.answer_feedback_record(
                answer=answer,
                helpful=form.cleaned_data["helpful"],
                voter=digests.author_voter_digest(experience.private_token_digest),
                is_author=True,
            )
        except VoiceError as error:
            messages.info(request, error.message)
        else:
            messages.success(request, "Merci, votre avis sur cette réponse est enregistré.")
    return redirect("voice:my_experience", uuid=experience.uuid)
