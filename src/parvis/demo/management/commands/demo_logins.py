"""Print the URL and the demo logins (used by ``make run``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from parvis.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Affiche l’adresse du portail et les comptes de démonstration."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        url = options["url"]
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"parvis : {url}"))
        self.stdout.write(f"  Espace agents : {url}/compte/connexion/")
        self.stdout.write(f"  Administration : {url}/admin/")
        self.stdout.write(f"  API : {url}/api/v1/docs")
        self.stdout.write(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD}) :")
        for email, description in DEMO_ACCOUNTS:
            self.stdout.write(f"  {email:<42} {description}")
        self.stdout.write("")
