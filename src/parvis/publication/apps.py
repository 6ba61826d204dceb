from django.apps import AppConfig


def _on_experience_changed(experience_id: int) -> None:
    """voice calls this after commit whenever something public may have changed."""
    from parvis.core.queue import send
    from parvis.publication.services import sync_is_suspended
    from parvis.publication.tasks import sync_experience

    if sync_is_suspended():  # a bulk load, rebuilt whole at its end
        return
    send(sync_experience, experience_id)


def _on_simplification_request_changed(request_id: int) -> None:
    from parvis.core.queue import send
    from parvis.publication.tasks import note_simplification_change

    send(note_simplification_change, request_id)


def _on_directory_changed(object_id: int) -> None:
    """directory calls this after commit when an organisation, a local service, a site
    or its opening hours changed: the directory datasets are re-exported soon."""
    from parvis.core.queue import send
    from parvis.publication.tasks import note_directory_change

    send(note_directory_change, object_id)


def _on_quality_results_computed(months: int) -> None:
    """quality calls this after commit once results are computed: the quality datasets and
    the figures of the experiences (read from them) are re-exported by the next 15-minute
    export."""
    from parvis.publication import opendata, services

    for dataset in (*opendata.QUALITY_DATASETS, opendata.FIGURES_DATASET):
        services.opendata_mark_changed(dataset=dataset)


class PublicationConfig(AppConfig):
    name = "parvis.publication"
    label = "publication"
    verbose_name = "Publication"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from parvis.directory import events as directory_events
        from parvis.directory.models import LocalService, Organisation, Theme
        from parvis.publication.forms import choices_memo
        from parvis.publication.selectors import card_names_memo
        from parvis.quality import events as quality_events
        from parvis.simplification import events as simplification_events
        from parvis.territories.models import Departement
        from parvis.voice import events as voice_events

        card_names_memo.forget_on_change(Organisation, LocalService, Departement, Theme)
        # The shared cache behind it expires on its own (CHOICES_TIMEOUT).
        choices_memo.forget_on_change(Organisation, LocalService, Departement, Theme)

        voice_events.experience_changed.subscribe(_on_experience_changed)
        simplification_events.request_changed.subscribe(_on_simplification_request_changed)
        for event in directory_events.ALL:
            event.subscribe(_on_directory_changed)
        quality_events.results_computed.subscribe(_on_quality_results_computed)
