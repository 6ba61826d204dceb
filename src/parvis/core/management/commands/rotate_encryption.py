"""Re-encrypt every stored ciphertext with the first key of PARVIS_ENCRYPTION_KEYS.

Rotation: put the new key first in ``PARVIS_ENCRYPTION_KEYS`` (keep the old one after
it), run this command, then remove the old key. It covers every field the apps register
with ``core.crypto.register_encrypted`` (citizens' originals and contacts, answers,
simplification requests).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from parvis.core.crypto import rotate_registered


class Command(BaseCommand):
    help = "Rechiffre avec la clé courante toutes les données chiffrées (textes, adresses)."

    def handle(self, *args: Any, **options: Any) -> None:
        changed = rotate_registered()
        for label, count in changed.items():
            self.stdout.write(f"{label} : {count} enregistrement(s) rechiffré(s).")
        total = sum(changed.values())
        self.stdout.write(self.style.SUCCESS(f"{total} enregistrement(s) rechiffré(s) en tout."))
