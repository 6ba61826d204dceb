"""Back office of the contact hub (mounted at /espace-agents/contacts/)."""

from django.urls import path

from parvis.contacts import backoffice_views

app_name = "contacts_backoffice"
urlpatterns = [
    path("conversations/", backoffice_views.conversation_list, name="conversation_list"),
    path(
        "conversations/<str:reference>/",
        backoffice_views.conversation_detail,
        name="conversation_detail",
    ),
    path("files/", backoffice_views.queue_list, name="queue_list"),
    path("visite/", backoffice_views.visit_record_view, name="visit_record"),
]
