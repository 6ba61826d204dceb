"""WebSocket URL patterns, mounted by ``asgi.py`` (named apart from a future ``routing`` app)."""

from django.urls import path

from parvis.contacts.consumers import ChatConsumer
from parvis.core.consumers import EventsConsumer

websocket_urlpatterns = [
    path("ws/events/", EventsConsumer.as_asgi()),
    # The citizens' web chat (anonymous; origin, token and rate limits checked inside).
    path("ws/chat/<slug:organisation>/", ChatConsumer.as_asgi()),
]
