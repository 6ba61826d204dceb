"""Public pages of the contact hub: the web chat widget, served from parvis's own pages
(third-party embedding comes later). The page works from its WebSocket
(``contacts.consumers.ChatConsumer``); it says in French, before any script runs, whether
someone can answer now."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from parvis.contacts import chat, selectors


@never_cache
def chat_page(request: HttpRequest, organisation: str) -> HttpResponse:
    endpoint = selectors.chat_endpoint_of(organisation)
    if endpoint is None:
        raise Http404("Cet organisme ne propose pas de chat.")
    now = timezone.now()
    availability = chat.availability(endpoint, now=now)
    return render(
        request,
        "contacts/chat.html",
        {
            "title": f"Discuter avec {endpoint.organisation.name_with_article}",
            "organisation": endpoint.organisation,
            "availability": availability,
            # Closed: the hours, said before the citizen writes.
            "week_hours": [] if availability.is_open else chat.week_hours(endpoint, now=now),
            "max_chars": settings.CONTACTS_CHAT_MAX_MESSAGE_CHARS,
        },
    )
