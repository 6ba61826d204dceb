"""Public pages of voice, mounted at /temoigner/."""

from django.urls import path

from parvis.voice import account_views, views

app_name = "voice"
urlpatterns = [
    path("", views.share, name="share"),
    path("recit/", views.share_story, name="share_story"),
    path("envoi/", views.share_contact, name="share_contact"),
    path("merci/", views.share_done, name="share_done"),
    path("suivi/<str:token>/", views.follow, name="follow"),
    path("suivi/<str:token>/corriger/", views.correct, name="correct"),
    path("suivi/<str:token>/retirer/", views.withdraw, name="withdraw"),
    path("suivi/<str:token>/avis/", views.follow_feedback, name="follow_feedback"),
    path("suivi/<str:token>/rattacher/", views.follow_attach, name="follow_attach"),
    path("avis/<uuid:uuid>/", views.answer_feedback, name="answer_feedback"),
    path("mes-experiences/", views.my_experiences, name="my_experiences"),
    path("mes-experiences/<uuid:uuid>/", account_views.my_experience, name="my_experience"),
    path(
        "mes-experiences/<uuid:uuid>/corriger/",
        account_views.my_experience_correct,
        name="my_experience_correct",
    ),
    path(
        "mes-experiences/<uuid:uuid>/retirer/",
        account_views.my_experience_withdraw,
        name="my_experience_withdraw",
    ),
    path(
        "mes-experiences/<uuid:uuid>/joindre-au-dossier/",
        account_views.my_experience_record_link,
        name="my_experience_record_link",
    ),
    path(
        "mes-experiences/<uuid:uuid>/retirer-du-dossier/",
        account_views.my_experience_record_unlink,
        name="my_experience_record_unlink",
    ),
    path(
        "mes-experiences/<uuid:uuid>/avis/",
        account_views.my_experience_feedback,
        name="my_experience_feedback",
    ),
]
