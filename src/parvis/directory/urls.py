"""Public URLs of the directory, mounted at /annuaire/."""

from django.urls import path

from parvis.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
    path("recherche/", views.search, name="search"),
    path("organismes/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path(
        "organismes/<slug:slug>/engagements/",
        views.organisation_commitments,
        name="organisation_commitments",
    ),
    path("services/<slug:slug>/", views.local_service_detail, name="local_service_detail"),
    path("lieux/<slug:slug>/", views.site_detail, name="site_detail"),
]
