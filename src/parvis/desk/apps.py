from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "parvis.desk"
    label = "desk"
    verbose_name = "Poste de travail des agents"

    def ready(self) -> None:
        from parvis.accounts.selectors import register_agent_relation
        from parvis.desk import audit, menu, realtime  # noqa: F401  (audit labels)
        from parvis.desk.selectors import has_assigned_conversations

        menu.register_menu()
        realtime.connect()
        # A partner's referent reaches the desk through an assignment alone.
        register_agent_relation(has_assigned_conversations)
