from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "parvis.desk"
    label = "desk"
    verbose_name = "Poste de travail des agents"

    def ready(self) -> None:
        from parvis.accounts.selectors import register_agent_relation
        from parvis.contacts.selectors import register_kept_from
        from parvis.desk import audit, menu, realtime  # noqa: F401  (audit labels)
        from parvis.desk.selectors import escalations_kept_from, has_assigned_conversations

        menu.register_menu()
        realtime.connect()
        # A partner's referent reaches the desk through an assignment alone.
        register_agent_relation(has_assigned_conversations)
        # An escalated contact waits for a referent, not for the adviser who escalated it:
        # not counted among the conversations waiting for them (the desk's own rule).
        register_kept_from(escalations_kept_from)
