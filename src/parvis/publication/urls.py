"""Public pages of publication, mounted at the site root: only under experiences/ and donnees/."""

from django.urls import path

from parvis.publication import quality_views, views

app_name = "publication"
urlpatterns = [
    path("experiences/", views.experience_list, name="experience_list"),
    path("experiences/chiffres/", views.figures, name="figures"),
    path("experiences/services/<slug:slug>/", views.service_figures, name="service_figures"),
    path("experiences/<uuid:uuid>/", views.experience_detail, name="experience_detail"),
    path("donnees/", views.opendata_index, name="opendata"),
    path("donnees/fichiers/<str:name>", views.opendata_download, name="opendata_file"),
]

# Quality results (issue 16), read from parvis.quality.selectors: /resultats/…
urlpatterns += [
    path("resultats/", quality_views.results_index, name="quality_index"),
    path("resultats/methodologie/", quality_views.methodology, name="quality_methodology"),
    path(
        "resultats/indicateurs/<slug:code>/",
        quality_views.indicator_results,
        name="quality_indicator",
    ),
    path(
        "resultats/indicateurs/<slug:code>/classement.<slug:fmt>",
        quality_views.ranking_data,
        name="quality_ranking_data",
    ),
    path(
        "resultats/indicateurs/<slug:code>/carte.<slug:fmt>",
        quality_views.map_data,
        name="quality_map_data",
    ),
    path(
        "resultats/france-services/<slug:site>/",
        quality_views.france_services_results,
        name="quality_france_services",
    ),
    path(
        "resultats/france-services/<slug:site>/evolution/<slug:code>.<slug:fmt>",
        quality_views.france_services_data,
        name="quality_france_services_data",
    ),
    path(
        "resultats/<slug:organisation>/",
        quality_views.organisation_results,
        name="quality_organisation",
    ),
    path(
        "resultats/<slug:organisation>/evolution/<slug:code>.<slug:fmt>",
        quality_views.organisation_data,
        name="quality_organisation_data",
    ),
    path(
        "resultats/<slug:organisation>/service/<slug:service>/",
        quality_views.service_results,
        name="quality_service",
    ),
    path(
        "resultats/<slug:organisation>/service/<slug:service>/evolution/<slug:code>.<slug:fmt>",
        quality_views.service_data,
        name="quality_service_data",
    ),
]
