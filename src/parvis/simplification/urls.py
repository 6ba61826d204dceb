"""Public pages of simplification requests (mounted at /simplification/)."""

from django.urls import path

from parvis.simplification import views

app_name = "simplification"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("proposer/", views.propose, name="propose"),
    path("proposer/merci/", views.proposed, name="proposed"),
    path("suivi/", views.follow_up, name="follow_up"),
    path("mes-demandes/", views.mine, name="mine"),
    path("soutien/<str:token>/", views.support_confirm, name="support_confirm"),
    path("<str:reference>/", views.request_detail, name="detail"),
    path("<str:reference>/soutenir/", views.support, name="support"),
]
