from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "parvis.voice"
    label = "voice"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from parvis.core.crypto import register_encrypted
        from parvis.voice.models import Experience, PublicAnswer

        register_encrypted(
            Experience,
            "original_title_encrypted",
            "original_text_encrypted",
            "author_email_encrypted",
        )
        register_encrypted(PublicAnswer, "original_text_encrypted")
