"""Send a test email to an email endpoint of the running instance.

Builds a raw mail (``message/rfc822``) and either posts it, signed, to the endpoint's
webhook (``--url``, e.g. ``http://127.0.0.1:8000``) or stores it directly as the webhook
would (no web server needed); a worker (or ``--process``) then makes the conversation.
"""

from __future__ import annotations

import urllib.request
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from parvis.contacts import connectors, signatures
from parvis.contacts.models import InboundEndpoint
from parvis.contacts.services import inbound_accept, inbound_process
from parvis.core.crypto import decrypt_text


class Command(BaseCommand):
    help = "Envoie un courriel de test à un point d’entrée courriel (simulateur)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("endpoint", help="uuid du point d’entrée (connecteur courriel)")
        parser.add_argument("--from", dest="sender", default="usager@example.org")
        parser.add_argument("--subject", default="Question sur mon dossier")
        parser.add_argument("--text", default="Bonjour, je n’ai pas reçu de réponse.")
        parser.add_argument("--html", default="", help="partie HTML (facultative)")
        parser.add_argument("--in-reply-to", default="", help="Message-ID auquel répondre")
        parser.add_argument("--attach", action="append", default=[], help="fichier à joindre")
        parser.add_argument("--eml", help="envoyer ce fichier .eml tel quel")
        parser.add_argument("--url", help="adresse de l’instance : poste le webhook signé")
        parser.add_argument("--process", action="store_true", help="traite tout de suite")

    def _mail(self, options: dict[str, Any], endpoint: InboundEndpoint) -> bytes:
        if options["eml"]:
            return Path(options["eml"]).read_bytes()
        mail = EmailMessage()
        mail["From"] = options["sender"]
        mail["To"] = endpoint.address or "contact@parvis.localhost"
        mail["Subject"] = options["subject"]
        mail["Date"] = formatdate(localtime=True)
        mail["Message-ID"] = make_msgid(domain="example.org")
        if options["in_reply_to"]:
            mail["In-Reply-To"] = options["in_reply_to"]
            mail["References"] = options["in_reply_to"]
        mail.set_content(options["text"])
        if options["html"]:
            mail.add_alternative(options["html"], subtype="html")
        for name in options["attach"]:
            path = Path(name)
            mail.add_attachment(
                path.read_bytes(),
                maintype="application",
                subtype="octet-stream",
                filename=path.name,
            )
        return bytes(mail)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            endpoint = InboundEndpoint.objects.filter(uuid=options["endpoint"]).first()
        except ValidationError:
            endpoint = None
        if endpoint is None or endpoint.connector != "courriel":
            raise CommandError("Aucun point d’entrée courriel avec cet uuid.")
        body = self._mail(options, endpoint)
        if options["url"]:
            if not options["url"].startswith(("http://", "https://")):
                raise CommandError("--url doit commencer par http:// ou https://.")
            secrets = [decrypt_text(endpoint.secret_encrypted)]
            request = urllib.request.Request(  # noqa: S310 (http(s) checked above)
                f"{options['url'].rstrip('/')}/hooks/{endpoint.uuid}/",
                data=body,
                method="POST",
                headers={
                    "Content-Type": "message/rfc822",
                    signatures.HEADER: signatures.sign(body, secrets),
                },
            )
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                self.stdout.write(f"Webhook : HTTP {response.status}")
            return
        connector = connectors.get("courriel")
        for kind, external_id, payload in connector.accept(body, {}):
            row, created = inbound_accept(
                endpoint=endpoint,
                channel="courriel",
                external_id=external_id,
                payload=payload,
                content_type="message/rfc822",
                kind=kind,
            )
            self.stdout.write(f"Entrée {row.pk} ({'nouvelle' if created else 'déjà reçue'})")
            if options["process"]:
                inbound_process(row_id=row.pk)
                self.stdout.write(self.style.SUCCESS("Traitée."))
