from typing import Any

from django.apps import AppConfig


class SimplificationConfig(AppConfig):
    name = "parvis.simplification"
    label = "simplification"
    verbose_name = "Demandes de simplification"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.conf import settings
        from django.db.models.signals import pre_delete

        from parvis.accounts.scoping import Perm, register
        from parvis.core.crypto import register_encrypted
        from parvis.simplification.menu import register_menu
        from parvis.simplification.models import SimplificationRequest, StatusChange, Support

        register_menu()

        register_encrypted(
            SimplificationRequest, "original_texts_encrypted", "proposer_email_encrypted"
        )
        pre_delete.connect(
            _keep_supports_of_deleted_user,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="simplification-keep-supports",
        )

        # Requests belong to an organisation as a whole: only organisation-level grants
        # (quality managers, organisation admins) reach them, never a site's agents.
        # Quality managers moderate their organisation's requests (``scoping.can_moderate``).
        register(
            SimplificationRequest,
            organisation="organisation",
            local_service=None,
            site=None,
            moderation=Perm.MANAGE_QUALITY,
        )
        for model in (StatusChange, Support):
            register(model, organisation="request__organisation", local_service=None, site=None)


def _keep_supports_of_deleted_user(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A deleted account's supports still count: they keep their email digest only."""
    from parvis.simplification.models import Support

    Support.objects.filter(user=instance).update(user=None)
