"""Django's ``migrate``, after making sure the PostgreSQL database exists
(``core.database.ensure_database``): ``make install`` and ``make run`` touch the database
here first."""

from __future__ import annotations

from typing import Any

from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections

from parvis.core.database import ensure_database


class Command(DjangoMigrate):
    def handle(self, *args: Any, **options: Any) -> None:
        alias = options["database"]
        if ensure_database(alias):
            name = connections[alias].settings_dict["NAME"]
            self.stdout.write(f'Created the PostgreSQL database "{name}" (local profile).')
        super().handle(*args, **options)
