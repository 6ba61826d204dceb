from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "parvis.backoffice"
    label = "backoffice"
    verbose_name = "Espace agents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from parvis.backoffice.menu import register_menu

        register_menu()
