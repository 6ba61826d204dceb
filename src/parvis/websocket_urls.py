"""WebSocket URL patterns, mounted by ``asgi.py`` (named apart from a future ``routing`` app)."""

from django.urls import path

from parvis.core.consumers import EventsConsumer

websocket_urlpatterns = [path("ws/events/", EventsConsumer.as_asgi())]
