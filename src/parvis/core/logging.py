"""Logging and structlog configuration.

Logs carry event names and identifiers only: never names, emails, phone numbers or free
text written by citizens. ``scrub_personal_data`` is a last line of defence that masks
values of keys known to hold personal data.
"""

from __future__ import annotations

import logging
import logging.config
from typing import Any

import structlog

PERSONAL_KEYS = frozenset(
    {
        "email",
        "username",
        "password",
        "phone",
        "first_name",
        "last_name",
        "name",
        "text",
        "address",
        "token",
        "authorization",
        "cookie",
        "ip",
        "ip_address",
    }
)


def scrub_personal_data(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    for key in list(event_dict):
        if key.lower() in PERSONAL_KEYS:
            event_dict[key] = "[masqué]"
    return event_dict


class ClientErrorsOnOneLine(logging.Filter):
    """A refusal answered with a 4xx (PermissionDenied, a suspicious request) is one log
    line: Django logs those with the exception's traceback, so any client could fill the
    logs with stack traces. The exception's class stays in the line; 5xx keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if record.exc_info and isinstance(status, int) and status < 500:
            error = record.exc_info[1]
            if error is not None:
                record.msg = f"{record.msg} ({type(error).__name__})"
            record.exc_info = None
            record.exc_text = None
        return True


def configure_logging(*, level: str = "INFO", fmt: str = "console") -> None:
    shared_processors: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        scrub_personal_data,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(
            colors=False, exception_formatter=structlog.dev.plain_traceback
        )
    )
    structlog.configure(
        processors=[
            # Below the logger's level nothing else runs (the worker's info lines, say).
            structlog.stdlib.filter_by_level,
            *shared_processors,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {
                "structlog": {
                    "()": structlog.stdlib.ProcessorFormatter,
                    "processors": [
                        structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                        renderer,
                    ],
                    "foreign_pre_chain": shared_processors,
                }
            },
            "filters": {"client_errors": {"()": ClientErrorsOnOneLine}},
            "handlers": {
                "console": {
                    "class": "logging.StreamHandler",
                    "formatter": "structlog",
                    "filters": ["client_errors"],
                }
            },
            "root": {"handlers": ["console"], "level": level},
            "loggers": {
                # Request lines carry full URLs with query strings (possible search terms).
                "django.server": {"level": "WARNING"},
                "axes": {"level": "WARNING"},
                # On the logger too, so every handler gets the record without traceback;
                # the console handler's filter covers the others (django.security.*).
                "django.request": {"filters": ["client_errors"]},
            },
        }
    )
