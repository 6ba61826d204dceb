from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "parvis.portal"
    label = "portal"
    verbose_name = "Portail"
    default_auto_field = "django.db.models.BigAutoField"
