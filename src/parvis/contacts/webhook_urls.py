"""Back-office pages of organisations' webhooks (``/espace-agents/webhooks/``)."""

from django.urls import path

from parvis.contacts import webhook_views as views

app_name = "contacts_webhooks"

urlpatterns = [
    path("organismes/<slug:slug>/", views.webhook_list, name="list"),
    path("<int:pk>/", views.webhook_detail, name="detail"),
    path("<int:pk>/secret/", views.webhook_rotate, name="rotate"),
    path("<int:pk>/supprimer/", views.webhook_delete, name="delete"),
]
