"""Callbacks at the desk: the agent a callback went to calls the citizen (« Rappeler »,
a click-to-call through the telephony adapter) and says how it went. Both are POSTs from
the card ``routing/callbacks/_desk_card.html`` on the desk's conversation page, back to
that page with a French message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from parvis.accounts.scoping import get_visible_or_404
from parvis.contacts import selectors as contact_selectors
from parvis.contacts.models import Conversation
from parvis.routing.errors import RoutingError
from parvis.routing.models import CallbackStatus
from parvis.routing.services import callbacks

DESK_PAGE = "desk:conversation"


def _conversation(request: HttpRequest, reference: str) -> Conversation:
    return get_visible_or_404(
        request.user, contact_selectors.conversations_for(request.user), reference=reference
    )


def _refused(request: HttpRequest, reference: str, error: RoutingError) -> HttpResponse:
    if error.status == 404:
        raise Http404 from error
    if error.status == 403:
        raise PermissionDenied from error
    messages.error(request, error.message)
    return redirect(DESK_PAGE, reference)


@never_cache
@login_required
def dial(request: HttpRequest, reference: str) -> HttpResponse:
    conversation = _conversation(request, reference)
    if request.method != "POST":  # after the scope check: outside it, 404
        return HttpResponseNotAllowed(["POST"])
    try:
        callbacks.callback_dial(principal=request.user, conversation=conversation)
    except RoutingError as error:
        return _refused(request, reference, error)
    messages.success(
        request,
        _(
            "Appel lancé : votre téléphone sonne, puis celui de l’usager. Dites ensuite si vous "
            "l’avez joint."
        ),
    )
    return redirect(DESK_PAGE, reference)


@never_cache
@login_required
def report(request: HttpRequest, reference: str) -> HttpResponse:
    conversation = _conversation(request, reference)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    answer = request.POST.get("joint", "")
    if answer not in ("oui", "non"):
        messages.error(request, _("Indiquez si vous avez joint l’usager."))
        return redirect(DESK_PAGE, reference)
    try:
        callback = callbacks.callback_report(
            principal=request.user, conversation=conversation, reached=answer == "oui"
        )
    except RoutingError as error:
        return _refused(request, reference, error)
    if callback.status == CallbackStatus.DONE:
        text = _("Rappel abouti : poursuivez et résolvez la conversation.")
    elif callback.status == CallbackStatus.FAILED:
        text = _(
            "Rappel sans réponse, tentatives épuisées : la conversation est close (rappel "
            "sans réponse)."
        )
    else:
        text = _("Rappel sans réponse : une nouvelle tentative est prévue.")
    messages.success(request, text)
    if callback.status != CallbackStatus.DONE:  # no longer theirs
        return redirect("desk:home")
    return redirect(DESK_PAGE, reference)
