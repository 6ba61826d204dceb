"""Public pages of the territories, mounted at /territoires/."""

from django.urls import path

from parvis.territories import views

app_name = "territories"
urlpatterns = [
    path("", views.departement_list, name="departement_list"),
    path("departements/<str:code>/", views.departement_detail, name="departement_detail"),
]
