"""Logging and structlog configuration.

Logs carry event names and identifiers only: never names, emails, phone numbers or free
text written by citizens. ``scrub_personal_data`` is a last line of defence that masks
values of keys known to hold personal data.

Request paths are logged by uvicorn (access lines, WebSocket handshakes), Django's
development server and ``django.request`` (4xx/5xx), and by parvis's own events
(``path=``). Some paths are secret links (a citizen's follow-up link shows their text
and withdraws it, a password reset link opens an account) and query strings carry search
terms (a social security number typed in a search box): ``MaskSecretPaths`` rewrites
every logged path before any handler writes it.
"""

from __future__ import annotations

import logging
import logging.config
import re
import threading
from collections.abc import Iterator
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


MASK = "[masqué]"
# Route parameters whose value is a secret or ties a secret link to an account: wherever a
# logged line carries the path of a route with one of them (read from the URLconf, so a
# new route is covered by its parameter's name), the value is masked.
# ``core/tests/test_logging.py`` fails when a route parameter named like a secret is in
# neither set.
SECRET_ROUTE_PARAMETERS = frozenset({"token", "uidb64"})
# Parameters named like a secret that are not one (an API token's id, shown to its owner).
NOT_SECRET_ROUTE_PARAMETERS = frozenset({"token_id"})
# Loggers that write request paths; uvicorn's have their own handlers (and the access
# logger does not propagate), so the filter goes on each logger, not only on ours.
PATH_LOGGERS = ("uvicorn.access", "uvicorn.error", "django.server", "django.request")

_ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")
_NAMED_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>")
# The value of a secret parameter as it appears in a logged path (percent-encoded or
# not): up to the next slash, query, fragment, space or quote.
_MASKED_SEGMENT = r"([^/?#\s\"']+)"
# A query string: after a path-like run (a slash, then no space nor quote), up to the
# next space, quote or fragment.
_QUERY = re.compile(r"(?P<path>/[^\s?\"']*)\?(?P<query>[^\s\"'#]*)")
# A query key kept as is (``page``, ``q``); anything else (a bare value) is masked whole.
_QUERY_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-\[\]]{0,40}$")
# Without the URLconf: a path (at the start, after a space, a quote or ": ") keeps its
# first segment only.
_FALLBACK = re.compile(r"(?P<head>(?:^|(?<=[\s\"'])|(?<=: ))/[^/\s\"'?]+)/[^\s\"'?]+")


def walk_routes(patterns: list[Any], prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Each endpoint of a URLconf as the chain of its patterns, includes first."""
    from django.urls import URLResolver

    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk_routes(entry.url_patterns, (*prefix, entry.pattern))
        else:
            yield (*prefix, entry.pattern)


def route_parameters(pattern: Any) -> list[str]:
    """The parameter names of one ``path()`` route or ``re_path()`` regex."""
    from django.urls.resolvers import RoutePattern

    if isinstance(pattern, RoutePattern):
        return [match["parameter"] for match in _ROUTE_PARAMETER.finditer(str(pattern))]
    return list(pattern.regex.groupindex)


def _pattern_regex(pattern: Any) -> tuple[str, bool]:
    """``pattern`` as an unanchored regex whose secret parameters (only) are capturing
    groups, cut after the last of them; and whether it has one."""
    from django.urls.resolvers import RoutePattern

    if isinstance(pattern, RoutePattern):
        route, parts, position, cut = str(pattern), [], 0, 0
        for match in _ROUTE_PARAMETER.finditer(route):
            parts.append(re.escape(route[position : match.start()]))
            name = match["parameter"]
            if name in SECRET_ROUTE_PARAMETERS:
                parts.append(_MASKED_SEGMENT)
                cut = len(parts)
            else:
                parts.append(f"(?:{pattern.converters[name].regex})")
            position = match.end()
        parts.append(re.escape(route[position:]))
        return "".join(parts[:cut] if cut else parts), bool(cut)
    # A regex route: its secret groups captured, whatever follows them kept.
    regex = pattern.regex.pattern.removeprefix("^").removesuffix(r"\Z").removesuffix("$")
    secret = any(name in SECRET_ROUTE_PARAMETERS for name in pattern.regex.groupindex)

    def group(match: re.Match[str]) -> str:
        return "(" if match["name"] in SECRET_ROUTE_PARAMETERS else "(?:"

    return _NAMED_GROUP.sub(group, regex), secret


def secret_route_patterns() -> list[re.Pattern[str]]:
    """One regex per route with a secret parameter, from the path's first slash to its
    last secret segment: whatever follows (a 404 under a secret link, the final slash
    missing) does not keep the secret from being masked."""
    from django.urls import get_resolver

    found: dict[str, re.Pattern[str]] = {}
    for chain in walk_routes(get_resolver().url_patterns):
        pieces = [_pattern_regex(pattern) for pattern in chain]
        if not any(has_secret for _regex, has_secret in pieces):
            continue
        last = max(i for i, (_regex, has_secret) in enumerate(pieces) if has_secret)
        regex = "/" + "".join(piece for piece, _has_secret in pieces[: last + 1])
        found.setdefault(regex, re.compile(regex))
    return list(found.values())


def _mask_query(match: re.Match[str]) -> str:
    pairs = []
    for pair in match["query"].split("&"):
        key, equals, _value = pair.partition("=")
        if _QUERY_KEY.match(key):
            pairs.append(f"{key}={MASK}" if equals else key)
        elif pair:
            pairs.append(MASK)
    return f"{match['path']}?{'&'.join(pairs)}"


def _mask_groups(match: re.Match[str]) -> str:
    text, offset, parts, position = match.group(0), match.start(), [], 0
    for index in range(1, match.re.groups + 1):
        if match.start(index) < 0:
            continue
        parts += [text[position : match.start(index) - offset], MASK]
        position = match.end(index) - offset
    return "".join([*parts, text[position:]])


class MaskSecretPaths(logging.Filter):
    """Rewrites the request paths a record carries (in its arguments, its message, or
    the values of a structlog event): the value of every secret route parameter becomes
    ``[masqué]``, and so does every value of a query string.

    The secret routes are read from the URLconf on first use (the filter is installed
    while the settings load). Until the URLconf can be loaded, a path is masked from its
    second segment on: too much rather than a secret.
    """

    def __init__(self) -> None:
        super().__init__()
        self._patterns: list[re.Pattern[str]] | None = None
        self._lock = threading.RLock()
        self._loading = False

    def _secret_routes(self) -> list[re.Pattern[str]] | None:
        if self._patterns is None:
            with self._lock:
                if self._patterns is None and not self._loading:
                    self._loading = True  # loading the URLconf may log: no recursion
                    try:
                        self._patterns = secret_route_patterns()
                    except Exception:  # the URLconf cannot load yet: try again next time
                        self._patterns = None
                    finally:
                        self._loading = False
        return self._patterns

    def mask(self, text: str) -> str:
        """``text`` with the secrets and query values of its paths masked."""
        if "/" not in text:
            return text
        text = _QUERY.sub(_mask_query, text)
        patterns = self._secret_routes()
        if patterns is None:
            return _FALLBACK.sub(lambda match: f"{match['head']}/{MASK}", text)
        for pattern in patterns:
            text = pattern.sub(_mask_groups, text)
        return text

    def _masked(self, value: Any) -> Any:
        return self.mask(value) if isinstance(value, str) else value

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = self.mask(record.msg)
        elif isinstance(record.msg, dict):  # a structlog event (``path=request.path``)
            record.msg = {key: self._masked(value) for key, value in record.msg.items()}
        if isinstance(record.args, tuple):
            record.args = tuple(self._masked(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: self._masked(value) for key, value in record.args.items()}
        return True


# One instance: configuring logging again never stacks a second one on a logger.
mask_secret_paths = MaskSecretPaths()


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
            "filters": {
                "client_errors": {"()": ClientErrorsOnOneLine},
                "secret_paths": {"()": lambda: mask_secret_paths},
            },
            "handlers": {
                "console": {
                    "class": "logging.StreamHandler",
                    "formatter": "structlog",
                    # Every record that reaches it (django.security.*, parvis's events).
                    "filters": ["client_errors", "secret_paths"],
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
    # On the loggers themselves, not in the dictionary above: naming uvicorn's loggers
    # there would remove the handlers uvicorn gave them (it configures logging before it
    # imports parvis). A logger's filters run before any of its handlers, whoever set them.
    for name in PATH_LOGGERS:
        logging.getLogger(name).addFilter(mask_secret_paths)
