"""Back-office pages of the directory (espace agents › annuaire)."""

from django.urls import path

from parvis.directory import backoffice_views as views

app_name = "directory_backoffice"
urlpatterns = [
    path("", views.site_list, name="site_list"),
    path("lieux/nouveau/", views.site_create, name="site_create"),
    path("lieux/<slug:slug>/coordonnees/", views.site_details, name="site_details"),
    path("lieux/<slug:slug>/horaires/", views.site_hours, name="site_hours"),
    path("lieux/<slug:slug>/exceptions/", views.site_exceptions, name="site_exceptions"),
    path(
        "lieux/<slug:slug>/exceptions/<int:pk>/supprimer/",
        views.site_exception_delete,
        name="site_exception_delete",
    ),
    path("organismes/<slug:slug>/engagements/", views.commitment_list, name="commitment_list"),
    path(
        "organismes/<slug:slug>/engagements/<int:number>/",
        views.commitment_edit,
        name="commitment_edit",
    ),
]
