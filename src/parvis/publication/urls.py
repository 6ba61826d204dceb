"""Public pages of publication, mounted at the site root: only under experiences/ and donnees/."""

from django.urls import path

from parvis.publication import views

app_name = "publication"
urlpatterns = [
    path("experiences/", views.experience_list, name="experience_list"),
    path("experiences/chiffres/", views.figures, name="figures"),
    path("experiences/services/<slug:slug>/", views.service_figures, name="service_figures"),
    path("experiences/<uuid:uuid>/", views.experience_detail, name="experience_detail"),
    path("donnees/", views.opendata_index, name="opendata"),
    path("donnees/fichiers/<str:name>", views.opendata_download, name="opendata_file"),
]
