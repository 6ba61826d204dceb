"""Generate (or generate again) a periodic report: ``parvis report_generate
--organisation <slug>|--national --month AAAA-MM|--year AAAA [--sans-courriel]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parvis.directory.models import Organisation
from parvis.reports import services
from parvis.reports.models import PeriodKind
from parvis.reports.selectors import period_from_code
from parvis.reports.services import ReportsError


class Command(BaseCommand):
    help = "Génère le rapport mensuel ou annuel d’un organisme, ou le rapport national."

    def add_arguments(self, parser: CommandParser) -> None:
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--organisation", help="identifiant (slug) de l’organisme")
        scope.add_argument("--national", action="store_true", help="rapport tous organismes")
        period = parser.add_mutually_exclusive_group(required=True)
        period.add_argument("--month", help="mois du rapport mensuel (AAAA-MM)")
        period.add_argument("--year", help="année du rapport annuel (AAAA)")
        parser.add_argument(
            "--sans-courriel",
            dest="notify",
            action="store_false",
            help="ne pas écrire aux abonnés",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = None
        if options["organisation"]:
            organisation = Organisation.objects.filter(slug=options["organisation"]).first()
            if organisation is None:
                raise CommandError(f"Organisme inconnu : {options['organisation']}.")
        code, expected = (
            (options["month"], PeriodKind.MONTHLY)
            if options["month"]
            else (options["year"], PeriodKind.YEARLY)
        )
        period = period_from_code(code)
        if period is None or period[0] != expected:
            raise CommandError(
                "Période invalide : --month AAAA-MM (par exemple 2026-10) ou --year AAAA."
            )
        kind, start = period
        try:
            report = services.report_generate(
                organisation=organisation, kind=kind, period_start=start, notify=options["notify"]
            )
        except ReportsError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"{report.title} : généré ({report.pdf_size} octets, SHA-256 {report.sha256[:12]}…)."
        )
