"""Re-encrypt stored originals and contacts with the first key of PARVIS_ENCRYPTION_KEYS.

Rotation: put the new key first in ``PARVIS_ENCRYPTION_KEYS`` (keep the old one after
it), run this command, then remove the old key.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from parvis.voice.services import rotate_encryption


class Command(BaseCommand):
    help = "Rechiffre les textes originaux et les adresses avec la clé courante."

    def handle(self, *args: Any, **options: Any) -> None:
        count = rotate_encryption()
        self.stdout.write(self.style.SUCCESS(f"{count} enregistrement(s) rechiffré(s)."))
