"""The application database exists before anything migrates it.

``make install`` (and so ``make run``) first touches the database with ``migrate``. When
``DATABASE_URL`` names a PostgreSQL database that does not exist yet, the local profile
creates it through the ``postgres`` maintenance database (as Django's test runner does);
the production profile stops with the ``createdb`` command to run, since where the
database lives and who owns it is the operator's decision. Either way the operator reads
one sentence, not a traceback.
"""

from __future__ import annotations

import shlex
from typing import Any

import psycopg
from django.conf import settings
from django.core.management import CommandError
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from psycopg import sql

MAINTENANCE_DATABASES = ("postgres", "template1")


def createdb_command(settings_dict: dict[str, Any]) -> str:
    """The ``createdb`` command line that creates the configured database."""
    command = ["createdb"]
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if settings_dict.get(key):
            command += [flag, str(settings_dict[key])]
    return shlex.join([*command, str(settings_dict["NAME"])])


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _maintenance_connection(params: dict[str, Any]) -> psycopg.Connection[Any]:
    """A connection to the server's maintenance database, with the application's
    credentials; the last failure when none answers."""
    failure: Exception | None = None
    for name in MAINTENANCE_DATABASES:
        try:
            return psycopg.connect(**{**params, "dbname": name}, autocommit=True)
        except psycopg.Error as error:
            failure = error
    assert failure is not None
    raise failure


def ensure_database(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """Make sure the PostgreSQL database of ``alias`` exists; True when it was created
    here (local profile). Raises ``CommandError`` with one sentence when it is missing in
    production, or when the server cannot be reached."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return False  # SQLite creates its file on first use
    try:
        connection.ensure_connection()
    except OperationalError as error:
        refusal = error
    else:
        return False
    settings_dict = connection.settings_dict
    name = settings_dict["NAME"]
    where = f"{settings_dict.get('HOST') or 'localhost'}:{settings_dict.get('PORT') or 5432}"
    try:
        maintenance = _maintenance_connection(connection.get_connection_params())
    except psycopg.Error as error:
        raise CommandError(
            f"PostgreSQL at {where} does not accept the connection: {_first_line(error)}"
        ) from None
    with maintenance:
        exists = maintenance.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists:  # the database is there: something else refused (rights, …)
            raise CommandError(
                f'PostgreSQL database "{name}" at {where} refuses the connection: '
                f"{_first_line(refusal)}"
            ) from None
        command = createdb_command(settings_dict)
        if settings.IS_PRODUCTION:
            raise CommandError(
                f'The PostgreSQL database "{name}" does not exist at {where}; create it, '
                f"then run this command again: {command}"
            )
        try:
            maintenance.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.Error as error:
            raise CommandError(
                f'The PostgreSQL database "{name}" does not exist at {where} and cannot be '
                f"created with these credentials ({_first_line(error)}); run: {command}"
            ) from None
    return True
