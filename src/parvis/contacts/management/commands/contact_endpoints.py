"""``parvis contact_endpoints``: the inbound endpoints (organisation, channel, uuid,
address), to point the simulators at a running instance. Secrets are never printed
(``hook_secret`` rotates one and prints the new secret once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from parvis.contacts.models import InboundEndpoint


class Command(BaseCommand):
    help = "Liste les points d’entrée des contacts (organisme, canal, identifiant, adresse)."

    def handle(self, *args: Any, **options: Any) -> None:
        endpoints = InboundEndpoint.objects.select_related("organisation", "queue").order_by(
            "organisation__slug", "connector", "pk"
        )
        for endpoint in endpoints:
            state = "" if endpoint.is_active else " (inactif)"
            self.stdout.write(
                f"{endpoint.organisation.slug:<20} {endpoint.connector:<10} {endpoint.uuid}"
                f"  {endpoint.address or '-':<32} {endpoint.queue or '-'}{state}"
            )
