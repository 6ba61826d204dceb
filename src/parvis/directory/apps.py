from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "parvis.directory"
    label = "directory"
    verbose_name = "Annuaire"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from parvis.directory.menu import register_menu

        register_menu()
