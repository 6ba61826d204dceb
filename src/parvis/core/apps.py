from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "parvis.core"
    label = "core"
    verbose_name = "Plateforme"
    default_auto_field = "django.db.models.BigAutoField"
