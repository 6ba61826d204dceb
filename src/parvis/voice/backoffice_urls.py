"""Back-office pages of voice, mounted at /espace-agents/experiences/."""

from django.urls import path

from parvis.voice import backoffice_views as views

app_name = "voice_backoffice"
urlpatterns = [
    path("", views.experience_list, name="experience_list"),
    path("en-retard/", views.overdue, name="overdue"),
    path("moderation/", views.moderation_queue, name="moderation_queue"),
    path("moderation/<uuid:uuid>/", views.moderation_detail, name="moderation_detail"),
    path("moderation/reponses/<int:pk>/", views.answer_moderation, name="answer_moderation"),
    path("modeles/", views.template_list, name="template_list"),
    path("modeles/nouveau/", views.template_create, name="template_create"),
    path("modeles/<int:pk>/", views.template_edit, name="template_edit"),
    path("guichet/", views.assisted_create, name="assisted_create"),
    path("guichet/enregistree/", views.assisted_done, name="assisted_done"),
    path("<uuid:uuid>/", views.experience_detail, name="experience_detail"),
    path("<uuid:uuid>/repondre/", views.answer_compose, name="answer_compose"),
    path("<uuid:uuid>/repondre/apercu/", views.answer_preview, name="answer_preview"),
]
