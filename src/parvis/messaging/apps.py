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

        from django.conf import settings
        from django.utils.translation import gettext_lazy as _

        from parvis.core.retention import days, register_purge
        from parvis.messaging.services import deliveries_purge

        register_purge(
            "message_deliveries",
            deliveries_purge,
            data=_(
                "Journal des messages envoyés : empreinte chiffrée de l’adresse (jamais "
                "l’adresse elle-même), modèle du message, objet concerné, statut d’envoi, dates"
            ),
            purpose=_("Savoir si un message est bien parti et éviter les envois en double"),
            duration=lambda: days(settings.RETENTION_MESSAGE_DELIVERIES_DAYS),
        )
