from typing import Any

from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "parvis.voice"
    label = "voice"
    verbose_name = "Expériences des usagers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from parvis.accounts.events import email_verified
        from parvis.accounts.scoping import register
        from parvis.core.crypto import register_encrypted
        from parvis.voice.menu import register_menu
        from parvis.voice.models import (
            AnswerTemplate,
            AnswerTransition,
            Experience,
            ExperienceTransition,
            PublicAnswer,
        )

        register_menu()

        # An experience is about its local service (the competent one, stored at
        # submission) and its site; a site's team also reaches what it recorded at its
        # counter (``assisted_site``: a France Services recording about a partner).
        register(
            Experience,
            organisation="organisation",
            local_service="local_service",
            site=("site", "assisted_site"),
        )
        for model in (PublicAnswer, ExperienceTransition):
            register(
                model,
                organisation="experience__organisation",
                local_service="experience__local_service",
                site=("experience__site", "experience__assisted_site"),
            )
        register(
            AnswerTransition,
            organisation="answer__experience__organisation",
            local_service="answer__experience__local_service",
            site=("answer__experience__site", "answer__experience__assisted_site"),
        )
        # An organisation's templates, or a local service's own (its quality team's).
        register(
            AnswerTemplate, organisation="organisation", local_service="local_service", site=None
        )

        register_encrypted(
            Experience,
            "original_title_encrypted",
            "original_text_encrypted",
            "author_email_encrypted",
        )
        register_encrypted(PublicAnswer, "original_text_encrypted")
        user_logged_in.connect(_attach_experiences, dispatch_uid="voice-attach-experiences")
        email_verified.subscribe(_attach_experiences_of)


def _attach_experiences(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from parvis.voice.services import experiences_attach_by_email

    experiences_attach_by_email(user=user)


def _attach_experiences_of(user_id: int) -> None:
    """A confirmed new address: its experiences join the account, as at login."""
    from parvis.accounts.models import User
    from parvis.voice.services import experiences_attach_by_email

    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        experiences_attach_by_email(user=user)
