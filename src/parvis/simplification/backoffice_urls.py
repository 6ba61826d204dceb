"""Back office of simplification requests (mounted at /espace-agents/simplification/)."""

from django.urls import path

from parvis.simplification import backoffice_views

app_name = "simplification_backoffice"
urlpatterns = [
    path("", backoffice_views.queue, name="queue"),
    path("<str:reference>/", backoffice_views.request_detail, name="detail"),
]
