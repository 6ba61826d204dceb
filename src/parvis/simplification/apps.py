from django.apps import AppConfig


class SimplificationConfig(AppConfig):
    name = "parvis.simplification"
    label = "simplification"
    verbose_name = "Demandes de simplification"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from parvis.accounts.scoping import register
        from parvis.core.crypto import register_encrypted
        from parvis.simplification.models import SimplificationRequest, StatusChange, Support

        register_encrypted(
            SimplificationRequest, "original_texts_encrypted", "proposer_email_encrypted"
        )

        # Requests belong to an organisation as a whole: only organisation-level grants
        # (quality managers, organisation admins) reach them, never a site's agents.
        register(SimplificationRequest, organisation="organisation", local_service=None, site=None)
        for model in (StatusChange, Support):
            register(model, organisation="request__organisation", local_service=None, site=None)
