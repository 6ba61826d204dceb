from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "parvis.directory"
    label = "directory"
    verbose_name = "Annuaire"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from parvis.accounts.scoping import register
        from parvis.directory.menu import register_menu
        from parvis.directory.models import (
            CommitmentAssessment,
            OpeningException,
            OpeningHours,
            Site,
        )
        from parvis.directory.servicelevels import site_business_days_memo

        register_menu()
        site_business_days_memo.forget_on_change(OpeningHours, OpeningException, Site)
        # An organisation assesses itself: only an organisation-level grant reaches it.
        register(CommitmentAssessment, organisation="organisation", local_service=None, site=None)
