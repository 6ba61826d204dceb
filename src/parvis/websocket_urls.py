"""WebSocket URL patterns, mounted by ``asgi.py`` (named apart from a future ``routing`` app)."""

from django.urls import path

from parvis.contacts.consumers import ChatConsumer
from parvis.core.consumers import EventsConsumer
from parvis.desk.consumers import DeskConsumer
from parvis.routing.consumers import WallboardConsumer

websocket_urlpatterns = [
    path("ws/events/", EventsConsumer.as_asgi()),
    # The citizens' web chat (anonymous; origin, token and rate limits checked inside).
    path("ws/chat/<slug:organisation>/", ChatConsumer.as_asgi()),
    # The agent desk (signed-in agents; queue and conversation groups after scoping).
    path("ws/desk/", DeskConsumer.as_asgi()),
    # The supervision wallboard (supervisors; routed queues' groups after scoping).
    path("ws/routage/supervision/", WallboardConsumer.as_asgi()),
]
