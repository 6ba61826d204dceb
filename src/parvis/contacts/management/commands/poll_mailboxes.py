"""Poll the IMAP mailboxes of email endpoints once (what the beat task does)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from parvis.contacts.imap import PollResult, mailbox_poll, mailboxes_poll
from parvis.contacts.models import Mailbox


class Command(BaseCommand):
    help = "Relève une fois les boîtes IMAP des points d’entrée courriel actifs."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--mailbox", type=int, help="identifiant d’une seule boîte")

    def handle(self, *args: Any, **options: Any) -> None:
        results: dict[int, PollResult | None]
        if options["mailbox"]:
            mailbox = Mailbox.objects.select_related("endpoint").get(pk=options["mailbox"])
            results = {mailbox.pk: mailbox_poll(mailbox=mailbox)}
        else:
            results = mailboxes_poll()
        for pk, result in results.items():
            if result is None:
                self.stderr.write(f"Boîte {pk} : échec de la relève (voir le journal)")
            else:
                self.stdout.write(
                    f"Boîte {pk} : {result.stored} nouveau(x), {result.matched} déjà reçu(s)"
                    + (" ; UIDVALIDITY changée" if result.uidvalidity_changed else "")
                )
