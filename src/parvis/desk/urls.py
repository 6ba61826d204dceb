"""The agent desk (mounted at /espace-agents/poste/)."""

from django.urls import path

from parvis.desk import views

app_name = "desk"
urlpatterns = [
    path("", views.home, name="home"),
    path("fragments/mes-conversations/", views.fragment_mine, name="fragment_mine"),
    path("fragments/a-prendre/", views.fragment_waiting, name="fragment_waiting"),
    path("fragments/propositions/", views.fragment_offers, name="fragment_offers"),
    path("disponibilite/", views.presence, name="presence"),
    path("conversations/<str:reference>/proposition/", views.offer_answer, name="offer_answer"),
    path("conversations/<str:reference>/", views.conversation, name="conversation"),
    path(
        "conversations/<str:reference>/fragment/",
        views.fragment_conversation,
        name="fragment_conversation",
    ),
    path("conversations/<str:reference>/prendre/", views.take, name="take"),
    path("conversations/<str:reference>/repondre/", views.reply, name="reply"),
    path("conversations/<str:reference>/rappel/", views.callback, name="callback"),
    path("conversations/<str:reference>/note/", views.note, name="note"),
    path("conversations/<str:reference>/transferer/", views.transfer, name="transfer"),
    path("conversations/<str:reference>/transmettre/", views.handoff, name="handoff"),
    path("conversations/<str:reference>/niveau-2/", views.escalate, name="escalate"),
    path("conversations/<str:reference>/resoudre/", views.resolve, name="resolve"),
    path("conversations/<str:reference>/remettre-en-file/", views.release, name="release"),
    path("conversations/<str:reference>/motif/", views.motif, name="motif"),
    path("conversations/<str:reference>/priorite/", views.priority, name="priority"),
]
