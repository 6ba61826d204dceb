from django.apps import AppConfig


class SimplificationConfig(AppConfig):
    name = "parvis.simplification"
    label = "simplification"
    default_auto_field = "django.db.models.BigAutoField"
