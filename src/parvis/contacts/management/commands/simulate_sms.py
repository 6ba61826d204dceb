"""Play an SMS gateway against a running parvis: post a signed inbound SMS (or a delivery
receipt) to an SMS endpoint's ``/hooks/<uuid>/`` door."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parvis.contacts import simulators
from parvis.contacts.models import InboundEndpoint
from parvis.core.crypto import decrypt_text


def endpoint_secret(endpoint: str, secret: str) -> str:
    """``secret`` if given, else the endpoint's own (read from this instance's database)."""
    if secret:
        return secret
    row = InboundEndpoint.objects.filter(uuid=endpoint).first()
    if row is None or not row.secret_encrypted:
        raise CommandError("Secret inconnu : passez --secret (point d’entrée absent ici).")
    return decrypt_text(row.secret_encrypted)


class Command(BaseCommand):
    help = "Envoie un SMS entrant (ou un accusé de réception) signé à un point d’entrée SMS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="instance parvis")
        parser.add_argument("--endpoint", required=True, help="UUID du point d’entrée SMS")
        parser.add_argument("--secret", default="", help="secret du point d’entrée")
        parser.add_argument("--from", dest="sender", default="+33612345678")
        parser.add_argument("--to", default="", help="numéro de l’organisme (défaut : le sien)")
        parser.add_argument("--text", default="Bonjour, où en est mon dossier ?")
        parser.add_argument("--id", dest="message_id", default="", help="identifiant fournisseur")
        parser.add_argument(
            "--receipt",
            default="",
            metavar="MESSAGE_ID",
            help="envoie un accusé pour ce message sortant au lieu d’un SMS",
        )
        parser.add_argument("--status", default="delivered", help="statut de l’accusé")
        parser.add_argument("--error", default="", help="erreur de l’accusé")

    def handle(self, *args: Any, **options: Any) -> None:
        secret = endpoint_secret(options["endpoint"], options["secret"])
        if options["receipt"]:
            payload = simulators.receipt_payload(
                message_id=options["receipt"], status=options["status"], error=options["error"]
            )
        else:
            payload = simulators.sms_payload(
                sender=options["sender"],
                to=options["to"],
                text=options["text"],
                message_id=options["message_id"],
            )
        url = simulators.hook_url(options["url"], options["endpoint"])
        status, text = simulators.send_signed(url, payload, secret)
        self.stdout.write(f"{status} {payload['id']}")
        if status >= 400:
            raise CommandError(f"Refusé ({status}) : {text[:500]}")
