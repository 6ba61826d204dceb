"""Play a telephony platform against a running parvis: post the signed events of one call
(optionally shuffled and duplicated, as a real platform may deliver them) to a phone
endpoint's ``/hooks/<uuid>/`` door."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parvis.contacts import simulators
from parvis.contacts.management.commands.simulate_sms import endpoint_secret


class Command(BaseCommand):
    help = "Joue les événements d’un appel (signés) vers un point d’entrée téléphonique."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="instance parvis")
        parser.add_argument("--endpoint", required=True, help="UUID du point d’entrée")
        parser.add_argument("--secret", default="", help="secret du point d’entrée")
        parser.add_argument("--from", dest="caller", default="+33612345678")
        parser.add_argument("--to", default="+33140000000")
        parser.add_argument("--call-id", default="", help="identifiant d’appel (défaut : neuf)")
        parser.add_argument(
            "--scenario", default="answered", choices=sorted(simulators.CALL_SCENARIOS)
        )
        parser.add_argument("--agent", default="", help="id ou courriel de l’agent qui répond")
        parser.add_argument("--ivr-choice", default="1")
        parser.add_argument("--shuffle", action="store_true", help="ordre d’arrivée aléatoire")
        parser.add_argument("--duplicate", action="store_true", help="chaque événement deux fois")
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        secret = endpoint_secret(options["endpoint"], options["secret"])
        call_id = options["call_id"] or f"sim-call-{uuid.uuid4().hex[:12]}"
        events = simulators.call_events(
            scenario=options["scenario"],
            call_id=call_id,
            caller=options["caller"],
            to=options["to"],
            agent=options["agent"],
            ivr_choice=options["ivr_choice"],
        )
        if options["shuffle"] or options["duplicate"]:
            events = simulators.shuffled(
                events, seed=options["seed"], duplicate=options["duplicate"]
            )
        url = simulators.hook_url(options["url"], options["endpoint"])
        for event in events:
            status, text = simulators.send_signed(url, event, secret)
            self.stdout.write(f"{status} {call_id} {event['event']}")
            if status >= 400:
                raise CommandError(f"Refusé ({status}) : {text[:500]}")
