"""The supervision wallboard and the supervisors' actions (mounted at
/espace-agents/routage/)."""

from django.urls import path

from parvis.routing import views

app_name = "routing"
urlpatterns = [
    path("", views.wallboard, name="wallboard"),
    path("fragment/", views.fragment_wallboard, name="fragment_wallboard"),
    path("files/<int:queue_id>/", views.queue_detail, name="queue"),
    path("files/<int:queue_id>/fragment/", views.fragment_queue, name="fragment_queue"),
    path("files/<int:queue_id>/pause/", views.queue_pause, name="queue_pause"),
    path("files/<int:queue_id>/reprise/", views.queue_resume, name="queue_resume"),
    path("files/<int:queue_id>/reglages/", views.queue_settings, name="queue_settings"),
    path("files/<int:queue_id>/paliers/ajouter/", views.tier_add, name="tier_add"),
    path(
        "files/<int:queue_id>/paliers/<int:tier_id>/",
        views.tier_update,
        name="tier_update",
    ),
    path(
        "files/<int:queue_id>/paliers/<int:tier_id>/deplacer/",
        views.tier_move,
        name="tier_move",
    ),
    path(
        "files/<int:queue_id>/paliers/<int:tier_id>/supprimer/",
        views.tier_delete,
        name="tier_delete",
    ),
    path("files/<int:queue_id>/competences/", views.queue_skills, name="queue_skills"),
    path("files/<int:queue_id>/agents/ajouter/", views.member_add, name="member_add"),
    path(
        "files/<int:queue_id>/agents/<int:user_id>/retirer/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "files/<int:queue_id>/agents/<int:user_id>/deplacer/",
        views.member_move,
        name="member_move",
    ),
    path(
        "files/<int:queue_id>/agents/<int:user_id>/presence/",
        views.agent_presence,
        name="agent_presence",
    ),
    path(
        "files/<int:queue_id>/contacts/<str:reference>/priorite/",
        views.priority,
        name="priority",
    ),
]
