"""Public pages of the contact hub (mounted at /contact/): the web chat widget, and the
post-contact questions reached by a signed link."""

from django.urls import path

from parvis.contacts import survey_views, views

app_name = "contacts"
urlpatterns = [
    path("<slug:organisation>/chat/", views.chat_page, name="chat"),
    path("avis/<str:token>/", survey_views.survey_page, name="survey"),
]
