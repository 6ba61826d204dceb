"""``/hooks/``: the contact hub's signed inbound webhooks (see ``contacts.hooks``)."""

from django.urls import path

from parvis.contacts import hooks

app_name = "hooks"

urlpatterns = [
    path("<uuid:endpoint_uuid>/", hooks.inbound_hook, name="inbound"),
]
