"""Give an inbound endpoint a new signing secret and print it once (the previous one
stays valid until the next rotation):

    manage.py hook_secret <endpoint uuid>
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parvis.contacts.models import InboundEndpoint
from parvis.contacts.services import inbound_endpoint_rotate_secret


class Command(BaseCommand):
    help = "Renouvelle le secret de signature d’un point d’entrée et l’affiche une fois."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("endpoint", help="UUID du point d’entrée")

    def handle(self, *args: Any, **options: Any) -> None:
        endpoint = InboundEndpoint.objects.filter(uuid=options["endpoint"]).first()
        if endpoint is None:
            raise CommandError("Point d’entrée inconnu.")
        secret = inbound_endpoint_rotate_secret(endpoint=endpoint)
        self.stdout.write(f"/hooks/{endpoint.uuid}/ {secret}")
