"""Public pages of the periodic reports, mounted at /resultats/rapports/."""

from django.urls import path

from parvis.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("abonnement/", views.subscribe, name="subscribe"),
    path("abonnement/confirmer/<str:token>/", views.confirm, name="confirm"),
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("national/<str:period>/", views.national_detail, name="national_detail"),
    path("national/<str:period>/rapport.pdf", views.national_pdf, name="national_pdf"),
    path("organismes/<slug:slug>/", views.organisation, name="organisation"),
    path("organismes/<slug:slug>/<str:period>/", views.detail, name="detail"),
    path("organismes/<slug:slug>/<str:period>/rapport.pdf", views.pdf, name="pdf"),
]
