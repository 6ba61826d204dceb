from django.apps import AppConfig


def _on_experience_changed(experience_id: int) -> None:
    """voice calls this after commit whenever something public may have changed."""
    from parvis.publication.tasks import sync_experience

    sync_experience.delay(experience_id)


def _on_simplification_request_changed(request_id: int) -> None:
    from parvis.publication.tasks import note_simplification_change

    note_simplification_change.delay(request_id)


class PublicationConfig(AppConfig):
    name = "parvis.publication"
    label = "publication"
    verbose_name = "Publication"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from parvis.simplification import events as simplification_events
        from parvis.voice import events as voice_events

        voice_events.subscribe(_on_experience_changed)
        simplification_events.subscribe(_on_simplification_request_changed)
