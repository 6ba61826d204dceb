"""The public page of the post-contact questions, reached by the signed link of an SMS or
an email (``/contact/avis/<token>/``). Anonymous: the token is the only key, expiring
(``CONTACTS_SURVEY_LINK_DAYS``); an altered link is a French 400 page, an expired one 410,
an answered one says thank you. The answers are stored by ``services.surveys``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from parvis.contacts import surveys
from parvis.contacts.errors import ContactError
from parvis.contacts.models import SurveyInvitation
from parvis.contacts.services.surveys import invitation_for_token, survey_answer_record
from parvis.core.breadcrumb import breadcrumb
from parvis.core.forms import ParvisForm

TITLE = "Votre avis sur votre contact"


class SurveyForm(ParvisForm):
    """One required radio group per question of the invitation's questionnaire."""

    def __init__(self, questionnaire: surveys.Questionnaire, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        for question in questionnaire.questions:
            self.fields[question.code] = forms.TypedChoiceField(
                label=str(question.label),
                choices=[(str(v), label) for v, label in question.choices()],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": f"Répondez à la question « {question.label} »."},
            )

    def groups(self) -> list[dict[str, Any]]:
        """What the template draws: each question with its bound field and choices."""
        return [
            {
                "question": question,
                "field": self[question.code],
                "choices": [(str(v), label) for v, label in question.choices()],
            }
            for question in self.questionnaire.questions
        ]


def _error_page(request: HttpRequest, error: ContactError) -> HttpResponse:
    return render(
        request,
        "contacts/survey_error.html",
        {"title": TITLE, "breadcrumb": breadcrumb(), "message": error.message},
        status=error.status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def survey_page(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation: SurveyInvitation = invitation_for_token(token)
    except ContactError as error:
        return _error_page(request, error)
    questionnaire = surveys.questionnaire_of(invitation.questionnaire, invitation.version)
    context: dict[str, Any] = {
        "title": TITLE,
        "breadcrumb": breadcrumb(),
        "questionnaire": questionnaire,
        "organisation": invitation.organisation,
    }
    if invitation.answered_at is not None:
        return render(request, "contacts/survey_done.html", context)
    form = SurveyForm(questionnaire, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            survey_answer_record(invitation=invitation, answers=form.cleaned_data)
        except ContactError as error:
            if error.code != "survey_already_answered":
                return _error_page(request, error)
        return redirect(request.path)
    context["form"] = form
    return render(request, "contacts/survey.html", context, status=400 if form.errors else 200)
