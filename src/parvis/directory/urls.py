from django.urls import path

from parvis.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
]
