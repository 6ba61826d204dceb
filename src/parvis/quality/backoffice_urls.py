"""Back-office pages of quality results (espace agents › qualité)."""

from django.urls import path

from parvis.quality import backoffice_views as views

app_name = "quality_backoffice"
urlpatterns = [
    path("", views.home, name="home"),
    path("organismes/<slug:slug>/", views.dashboard, name="dashboard"),
    path(
        "organismes/<slug:slug>/indicateurs/<slug:code>/",
        views.indicator_detail,
        name="indicator_detail",
    ),
    path("organismes/<slug:slug>/cibles/", views.targets, name="targets"),
    path(
        "organismes/<slug:slug>/services/<slug:service>/",
        views.service_dashboard,
        name="service_dashboard",
    ),
    path("import/", views.declared_import, name="declared_import"),
    path("import/modele.csv", views.declared_template, name="declared_template"),
    path("indicateurs/", views.catalogue, name="catalogue"),
    path("indicateurs/<slug:code>/", views.indicator_edit, name="indicator_edit"),
]
