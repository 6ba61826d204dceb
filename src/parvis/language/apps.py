from django.apps import AppConfig


class LanguageConfig(AppConfig):
    name = "parvis.language"
    label = "language"
    default_auto_field = "django.db.models.BigAutoField"
