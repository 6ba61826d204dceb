from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_catalogue(sender: AppConfig, **kwargs: object) -> None:
    from parvis.quality import services

    services.catalogue_sync()


class QualityConfig(AppConfig):
    name = "parvis.quality"
    label = "quality"
    verbose_name = "Résultats de qualité"

    def ready(self) -> None:
        from parvis.quality.menu import register_menu

        register_menu()
        from parvis.directory.commitments import register_indicator_source
        from parvis.quality.selectors import indicators_for_commitments

        # The public page of an organisation's commitments lists the indicators proving
        # each one (directory never imports quality).
        register_indicator_source(indicators_for_commitments)
        # The catalogue is data: every migrate (fresh install, tests) loads what is new.
        post_migrate.connect(_sync_catalogue, sender=self, dispatch_uid="quality_catalogue")
