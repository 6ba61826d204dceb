"""Callbacks at the desk (mounted at /espace-agents/rappels/)."""

from django.urls import path

from parvis.routing import callback_views

app_name = "routing_callbacks"
urlpatterns = [
    path("<str:reference>/appeler/", callback_views.dial, name="dial"),
    path("<str:reference>/resultat/", callback_views.report, name="report"),
]
