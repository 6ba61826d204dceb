"""``parvis route``: one routing worker (see ``parvis.routing.worker``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from parvis.routing import worker


class Command(BaseCommand):
    help = "Run a routing worker: decisions, offer expiry, tiers, presence and callbacks."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Take what is due, sweep once, stop."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            from django.utils import timezone

            from parvis.routing import engine

            now = timezone.now()
            worker.sweep(now=now)
            taken = engine.process_due(now=now)
            self.stdout.write(f"Décisions prises : {taken}")
            return
        worker.run_forever()
