from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "parvis.territories"
    label = "territories"
    default_auto_field = "django.db.models.BigAutoField"
