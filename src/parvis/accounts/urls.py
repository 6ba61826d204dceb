from django.urls import path

from parvis.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.account, name="account"),
    path("changer-mot-de-passe/", views.PasswordChangeView.as_view(), name="password_change"),
    path("changer-adresse/", views.email_change, name="email_change"),
    path("confirmer-adresse/<str:token>/", views.email_confirm, name="email_confirm"),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("creer/", views.signup, name="signup"),
    path("supprimer/", views.account_delete, name="delete"),
    path("creer/verifiez-vos-courriels/", views.signup_sent, name="signup_sent"),
    path("activer/nouveau-lien/", views.activation_resend, name="activation_resend"),
    path("activer/<str:uidb64>/<str:token>/", views.activate, name="activate"),
    path("invitation/<str:uidb64>/<str:token>/", views.invitation, name="invitation"),
    path("mot-de-passe-oublie/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe-oublie/envoye/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/<str:uidb64>/<str:token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/modifie/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
