from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "parvis.reports"
    label = "reports"
    verbose_name = "Rapports périodiques"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.conf import settings
        from django.utils.translation import gettext_lazy as _

        from parvis.core.crypto import register_encrypted
        from parvis.core.retention import days, register_purge
        from parvis.reports.models import ReportSubscription
        from parvis.reports.services import subscriptions_purge_pending

        # The subscriber's address (to send the reports) and the unsubscribe secret every
        # report email carries again.
        register_encrypted(ReportSubscription, "email_encrypted", "unsubscribe_token_encrypted")
        register_purge(
            "report_subscriptions_pending",
            subscriptions_purge_pending,
            data=_(
                "Demandes d’abonnement aux rapports jamais confirmées : adresse électronique "
                "chiffrée et son empreinte, organisme choisi, dates"
            ),
            purpose=_("Envoyer le lien de confirmation d’un abonnement aux rapports"),
            legal_basis=_("Consentement (article 6.1.a du RGPD)"),
            duration=lambda: days(
                settings.REPORTS_CONFIRMATION_DAYS, _("après l’envoi du lien de confirmation")
            ),
        )
