from django.urls import path  # noqa: F401

app_name = "voice_backoffice"
urlpatterns: list = []
