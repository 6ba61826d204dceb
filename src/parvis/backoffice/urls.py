from django.urls import path

from parvis.backoffice import views

app_name = "backoffice"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("mes-enregistrements/", views.recordings, name="recordings"),
    path("organisme-affiche/", views.organisation_switch, name="organisation-switch"),
    path("organismes/<slug:slug>/membres/", views.members, name="members"),
    path("habilitations/<int:pk>/modifier/", views.membership_change, name="membership-change"),
    path("habilitations/<int:pk>/retirer/", views.membership_revoke, name="membership-revoke"),
    path("organismes/<slug:slug>/jetons/", views.tokens, name="tokens"),
    path("jetons/<int:pk>/revoquer/", views.token_revoke, name="token-revoke"),
    path("organismes/<slug:slug>/journal/", views.audit, name="audit"),
]
