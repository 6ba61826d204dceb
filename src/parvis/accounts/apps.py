from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "parvis.accounts"
    label = "accounts"
    verbose_name = "Comptes et habilitations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from parvis.accounts import authentication  # noqa: F401  (login failure counter)
