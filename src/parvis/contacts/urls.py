"""Public pages of the contact hub (mounted at /contact/): the web chat widget."""

from django.urls import path

from parvis.contacts import views

app_name = "contacts"
urlpatterns = [
    path("<slug:organisation>/chat/", views.chat_page, name="chat"),
]
