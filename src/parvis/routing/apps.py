from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "parvis.routing"
    label = "routing"
    verbose_name = "Routage des contacts"

    def ready(self) -> None:
        from parvis.routing import audit, subscriptions  # noqa: F401  (audit labels)

        subscriptions.connect()
        from parvis.routing.services import retention

        retention.register()  # presence history, on the personal-data page
        from parvis.routing import menu

        menu.register_menu()
        from parvis.routing.services import callbacks

        callbacks.connect()  # the hub's waiting room: estimated wait, callbacks
