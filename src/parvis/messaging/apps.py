from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "parvis.messaging"
    label = "messaging"
    verbose_name = "Messages sortants"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from parvis.core.crypto import register_encrypted
        from parvis.messaging.models import Delivery

        # Queued messages wait encrypted (address and rendered text) until they are sent.
        register_encrypted(Delivery, "payload_encrypted")
