"""Post a signed delivery to an inbound endpoint, as a provider would (a local
simulator of every webhook channel; the body is a file or standard input).

    manage.py hook_post <endpoint uuid> message.eml [--url http://127.0.0.1:8000]
    echo "Bonjour" | manage.py hook_post <endpoint uuid> - --message-id sms-42

The endpoint's secret is read from the database (encrypted at rest), so the command runs
where the instance's settings and keys are.
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.request
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parvis.contacts.connectors.base import MESSAGE_ID_HEADER
from parvis.contacts.models import InboundEndpoint
from parvis.contacts.signatures import HEADER, sign
from parvis.core.crypto import decrypt_text


class Command(BaseCommand):
    help = "Envoie un contenu signé au point d’entrée /hooks/<uuid>/ (simulateur)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("endpoint", help="UUID du point d’entrée")
        parser.add_argument("file", help="Fichier à envoyer (« - » : entrée standard)")
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="Adresse de parvis")
        parser.add_argument("--content-type", default="application/octet-stream")
        parser.add_argument("--message-id", default="", help=f"En-tête {MESSAGE_ID_HEADER}")

    def handle(self, *args: Any, **options: Any) -> None:
        endpoint = InboundEndpoint.objects.filter(uuid=options["endpoint"]).first()
        if endpoint is None or not endpoint.secret_encrypted:
            raise CommandError("Point d’entrée inconnu ou sans secret.")
        if options["file"] == "-":
            body = sys.stdin.buffer.read()
        else:
            with open(options["file"], "rb") as source:
                body = source.read()
        headers = {
            HEADER: sign(body, [decrypt_text(endpoint.secret_encrypted)]),
            "Content-Type": options["content_type"],
        }
        if options["message_id"]:
            headers[MESSAGE_ID_HEADER] = options["message_id"]
        url = f"{options['url'].rstrip('/')}/hooks/{endpoint.uuid}/"
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                status, answer = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, answer = error.code, error.read()
        self.stdout.write(f"{status} {answer.decode('utf-8', 'replace')}")
        if status >= 400:
            raise CommandError(f"Refusé ({status}).")
