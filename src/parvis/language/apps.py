from django.apps import AppConfig


class LanguageConfig(AppConfig):
    name = "parvis.language"
    label = "language"
    verbose_name = "Moteur de langue"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from parvis.directory.models import Motif, Organisation, Theme
        from parvis.language.engine import reference_memo

        # What qualification may predict changes with these rows.
        reference_memo.forget_on_change(Motif, Organisation, Theme)
