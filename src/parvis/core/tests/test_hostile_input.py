"""Hostile input never gives a 5xx: a sweep over every route and API operation.

Every route of the URL resolver and every operation of the OpenAPI document is looked up
in the security registry (``route_registry``), reached with a principal that gets to its
handler (the baseline answer proves it), then sent NUL bytes, lone surrogates, huge and
negative numbers, thousands of parameters and wrong content types: in the path, in each
query parameter (the registry's, those of the page's GET forms and links, those the
operation declares), in the fields of the page's POST forms (sent to their action) and in
each leaf of the operation's JSON body. A 5xx fails the test, which lists every probe
that got one.

PostgreSQL refuses NUL in text where SQLite stores it, so CI runs the sweep in its
PostgreSQL pass (``once``); every route's access rules are walked in the SQLite pass
(``test_route_security``). Each probe runs in a savepoint
rolled back afterwards, with the client's cookies restored and rate-limit counters
cleared, so every probe meets the same world and a database error cannot poison the next.
CSRF checks stay on, with a valid token, as a browser's page would send it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import pytest
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import get_resolver, reverse

from parvis.accounts.tests.factories import UserFactory
from parvis.api.root import api
from parvis.core.tests.route_registry import (
    API_OPERATIONS,
    HTML_ROUTES,
    Operation,
    OrgWorld,
    Route,
    org_world,
    walk_urls,
)
from parvis.testing.ci import once

# PostgreSQL refuses NUL where SQLite stores it: the sweep runs in that pass of CI
pytestmark = [pytest.mark.django_db, once]

# Query-string and form values, percent-encoded as sent.
NUL = "a%00b"
SURROGATE = "%ED%A0%80"  # U+D800 written as UTF-8 would be: not valid UTF-8
HUGE = "9" * 30
NEGATIVE = "-1"
QUERY_VALUES = {"NUL": NUL, "surrogate": SURROGATE, "huge": HUGE, "negative": NEGATIVE}
MANY_PARAMETERS = "&".join(f"p{i}={i}" for i in range(2_500))
FORM = "application/x-www-form-urlencoded"
WRONG_BODIES = {
    "multipart without boundary": ("multipart/form-data", b"--x\r\n\r\nvaleur\r\n--x--"),
    "JSON": ("application/json", b'{"titre": "a\\u0000b", "texte": "\\ud800"}'),
    "text/plain": ("text/plain", b"a\x00b"),
    "form not UTF-8": (FORM, b"q=\xff\xfe&texte=\xed\xa0\x80"),
    "form in UTF-16": (f"{FORM}; charset=utf-16", "q=a\x00b".encode("utf-16")),
}
API_WRONG_BODIES = {
    **WRONG_BODIES,
    "form-encoded": (FORM, b"texts=a%00b"),
    "broken JSON": ("application/json", b'{"texts": ['),
    "JSON not UTF-8": ("application/json", b'{"text": "\xff\xfe"}'),
    "JSON array": ("application/json", b"[]"),
    "JSON with raw NUL": ("application/json", b'{"a": "\x00"}'),
}
# Headers a server in front may or may not refuse (a cookie may write NUL as \000).
HOSTILE_HEADERS = {
    "session cookie with NUL": ("HTTP_COOKIE", 'sessionid="abcdefghijklmnop\\000"'),
    "bearer token with NUL": ("HTTP_AUTHORIZATION", "Bearer pvs_a\x00b_c"),
    "language with NUL": ("HTTP_ACCEPT_LANGUAGE", "fr\x00"),
}
TEXT_INPUTS = {"text", "search", "email", "url", "tel", "password", "textarea", ""}
NUMBER_INPUTS = {"number", "date", "time", "datetime-local", "month", "week", "range"}
SKIPPED_INPUTS = {"file", "submit", "button", "image", "reset"}
EXCLUDED_PREFIXES = ("admin/", "static/", "media/")
# CSRF checks stay on (the test client skips them unless told): every client sends this
# secret as its cookie and as the header, as a page of parvis would.
CSRF_SECRET = "hostileinputsweep0123456789abcde"
CSRF = {"HTTP_X_CSRFTOKEN": CSRF_SECRET}


# --- Principals ------------------------------------------------------------------------


@dataclass
class Principals:
    """Signed-in clients of organisation A's world, made on first use."""

    world: dict[str, OrgWorld]
    clients: dict[str, Client] = field(default_factory=dict)

    def client(self, who: str) -> Client:
        if who not in self.clients:
            client = Client(raise_request_exception=False, enforce_csrf_checks=True)
            client.cookies["csrftoken"] = CSRF_SECRET
            users: dict[str, Callable[[], Any]] = {
                "admin": lambda: self.world["a"].admin,
                "agent": lambda: self.world["a"].agent,
                "platform admin": lambda: UserFactory(platform_admin=True),
                "citizen": lambda: self.world["a"].citizen,
            }
            if who in users:
                client.force_login(users[who]())
            self.clients[who] = client
        return self.clients[who]

    def bearer(self) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.world['a'].raw_token}", **CSRF}


@pytest.fixture
def principals() -> Principals:
    return Principals({"a": org_world("a"), "b": org_world("b")})


# --- Probes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    label: str
    method: str
    url: str
    body: bytes = b""
    content_type: str = "application/octet-stream"
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class Sweep:
    """Sends probes with one client, each in a savepoint rolled back; records the 5xx."""

    client: Client
    headers: dict[str, str] = field(default_factory=lambda: dict(CSRF))
    failures: list[str] = field(default_factory=list)
    sent: int = 0

    def send(self, probe: Probe) -> HttpResponse:
        cookies = self.client.cookies
        self.client.cookies = type(cookies)()
        self.client.cookies.update(cookies)
        savepoint = transaction.savepoint()
        try:
            response = self.client.generic(
                probe.method,
                probe.url,
                data=probe.body,
                content_type=probe.content_type,
                **{**self.headers, **dict(probe.headers)},
            )
        finally:
            transaction.savepoint_rollback(savepoint)
            self.client.cookies = cookies
            _forget_rate_limits()
        self.sent += 1
        if response.status_code >= 500:
            detail = response.content[:160].decode(errors="replace")
            self.failures.append(
                f"{probe.label}: {probe.method} {probe.url[:100]} → {response.status_code} {detail}"
            )
        return response

    def send_all(self, probes: Iterator[Probe]) -> None:
        for probe in probes:
            self.send(probe)


def _forget_rate_limits() -> None:
    """Rate limits would answer 429 before the handler after a few probes."""
    backend = getattr(cache, "_cache", None)
    if backend is not None and hasattr(backend, "get_client"):  # Redis: this worker's keys
        client = backend.get_client(None)
        keys = list(client.scan_iter(f"{cache.key_prefix}:*"))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


def _url(path: str, pairs: list[tuple[str, str]]) -> str:
    """``path`` with a query of ``pairs`` whose values are already percent-encoded."""
    query = "&".join(f"{quote(name, safe='')}={value}" for name, value in pairs)
    return f"{path}?{query}" if query else path


def _pairs(query: str) -> list[tuple[str, str]]:
    return [
        (name, value)
        for part in query.lstrip("?").split("&")
        if part
        for name, _, value in [part.partition("=")]
    ]


def _path_probes(
    label: str, method: str, path: str, query: list[tuple[str, str]], kwargs: dict[str, Any]
) -> Iterator[Probe]:
    """Each path argument replaced by hostile values; a NUL inside and at the end."""
    for name, value in kwargs.items():
        segment = f"/{quote(str(value), safe='')}"
        if segment not in path:
            continue
        for hostile in (NUL, SURROGATE, HUGE, NEGATIVE, f"{segment[1:]}%00"):
            url = _url(path.replace(segment, f"/{hostile}", 1), query)
            yield Probe(f"{label} path {name}={hostile[-12:]}", method, url)
    yield Probe(f"{label} path ending with NUL", method, _url(f"{path}%00", query))
    yield Probe(f"{label} NUL in the path", method, _url(path.rstrip("/") + "%00/", query))


def _header_probes(label: str, method: str, url: str) -> Iterator[Probe]:
    for kind, header in HOSTILE_HEADERS.items():
        yield Probe(f"{label} {kind}", method, url, headers=(header,))


def _query_probes(
    label: str, method: str, path: str, query: list[tuple[str, str]], names: list[str]
) -> Iterator[Probe]:
    for name in names:
        others = [(n, v) for n, v in query if n != name]
        for kind, value in QUERY_VALUES.items():
            yield Probe(f"{label} ?{name}={kind}", method, _url(path, [*others, (name, value)]))
    yield Probe(f"{label} 2,500 parameters", method, f"{path}?{MANY_PARAMETERS}")


# --- HTML pages and their forms --------------------------------------------------------


@dataclass
class Form:
    method: str
    action: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (name, kind, value)
    buttons: list[tuple[str, str]] = field(default_factory=list)


class PageParser(HTMLParser):
    """The forms of a page (fields with their default values) and its links' queries."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._open = False
        self._select: tuple[str, str | None] | None = None
        self._textarea: tuple[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "a" and "?" in a.get("href", ""):
            self.links.append(a["href"])
        if tag == "form":
            self.forms.append(Form((a.get("method") or "get").lower(), a.get("action", "")))
            self._open = True
        if not self._open or not (name := a.get("name", "")):
            if tag == "option" and self._select is not None:
                self._option(a)
            return
        form = self.forms[-1]
        kind = a.get("type", "text").lower()
        if (tag == "input" and kind in {"submit", "image"}) or tag == "button":
            if a.get("type", "submit") == "submit":
                form.buttons.append((name, a.get("value", "")))
        elif tag == "input" and kind in {"checkbox", "radio"}:
            taken = any(existing == name for existing, _, _ in form.fields)
            if kind == "checkbox" or "checked" in a or not taken:
                if kind == "radio":
                    form.fields = [f for f in form.fields if f[0] != name]
                form.fields.append((name, kind, a.get("value", "on")))
        elif tag == "input" and kind not in SKIPPED_INPUTS:
            form.fields.append((name, kind, a.get("value", "")))
        elif tag == "textarea":
            self._textarea = (name, "")
        elif tag == "select":
            self._select = (name, None)

    def _option(self, a: dict[str, str]) -> None:
        assert self._select is not None
        name, chosen = self._select
        if chosen is None or "selected" in a:
            self._select = (name, a.get("value", ""))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea = (self._textarea[0], self._textarea[1] + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = False
        elif tag == "textarea" and self._textarea is not None:
            self.forms[-1].fields.append((self._textarea[0], "textarea", self._textarea[1]))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            self.forms[-1].fields.append((self._select[0], "select", self._select[1] or ""))
            self._select = None


@dataclass
class Page:
    get_names: list[str]  # query parameters read by the page (GET forms, links)
    post_forms: list[Form]


def _page(response: HttpResponse, url: str) -> Page:
    path = urlsplit(url).path
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return Page([], [])
    parser = PageParser()
    parser.feed(response.content.decode())
    names: list[str] = []
    for href in parser.links:
        parts = urlsplit(urljoin(url, href))
        if parts.path == path and not parts.netloc:
            names += [name for name, _ in _pairs(parts.query)]
    post_forms = []
    for form in parser.forms:
        parts = urlsplit(urljoin(url, form.action) if form.action else url)
        if (parts.netloc and parts.netloc != "testserver") or parts.path.startswith("/admin/"):
            continue
        form.action = parts.path + (f"?{parts.query}" if parts.query else "")
        if form.method == "get" and parts.path == path:
            names += [name for name, _, _ in form.fields]
        elif form.method == "post":
            post_forms.append(form)
    return Page(list(dict.fromkeys(names)), post_forms)


def _encode(pairs: list[tuple[str, str]]) -> bytes:
    return "&".join(f"{quote(name, safe='')}={value}" for name, value in pairs).encode()


def _form_probes(label: str, form: Form) -> Iterator[Probe]:
    """The form with its fields hostile (one kind at a time), for each named button."""

    def body(kinds: set[str] | None, value: Callable[[str], str], extra: list[Any]) -> bytes:
        pairs = []
        for name, kind, default in form.fields:
            encoded = quote(default, safe="")
            pairs.append((name, value(encoded) if kinds is None or kind in kinds else encoded))
        return _encode([*pairs, *extra])

    mutations: dict[str, tuple[set[str] | None, Callable[[str], str]]] = {
        "text fields with control characters": (TEXT_INPUTS, lambda v: f"{v or 'Texte'}%00%01%1B"),
        "text fields with a surrogate": (TEXT_INPUTS, lambda v: f"{v or 'Texte'}{SURROGATE}"),
        "every field with NUL": (None, lambda v: f"{v}%00"),
        "every field NUL only": (None, lambda v: "%00"),
        "numbers, dates and choices huge": (NUMBER_INPUTS | {"select", "hidden"}, lambda v: HUGE),
        "every field huge": (None, lambda v: HUGE),
        "every field negative": (None, lambda v: NEGATIVE),
    }
    for button in form.buttons[:3] or [None]:
        extra = [(button[0], quote(button[1], safe=""))] if button else []
        where = f"{label} form {form.action}" + (f" [{button[0]}={button[1]}]" if button else "")
        for kind, (kinds, value) in mutations.items():
            data = body(kinds, value, extra)
            yield Probe(f"{where} {kind}", "POST", form.action, data, FORM)
        many = body(set(), str, extra) + b"&" + MANY_PARAMETERS.encode()
        yield Probe(f"{where} 2,500 fields", "POST", form.action, many, FORM)


def _html_candidates(entry: Route) -> list[str]:
    if entry.access in {"public", "signed"}:  # a signed webhook: no session helps
        return ["anonymous"]
    if entry.access == "platform":
        return ["platform admin"]
    return ["admin", "agent", "citizen", "platform admin"]


def _html_routes() -> dict[str, list[tuple[str, Route]]]:
    """Every named route of the resolver (the API's operations apart), by app."""
    by_app: dict[str, list[tuple[str, Route]]] = defaultdict(list)
    for route, name in walk_urls(get_resolver().url_patterns):
        if route.startswith(EXCLUDED_PREFIXES):
            continue
        if route.startswith("api/v1/") and name not in HTML_ROUTES:
            continue  # an API operation: swept by test_api_operations_never_answer_5xx
        key = name or route
        by_app[key.split(":")[0].split("_")[0] if ":" in key else "portal"].append(
            (key, HTML_ROUTES.get(key))  # type: ignore[arg-type]
        )
    return dict(by_app)


HTML_APPS = sorted(_html_routes())


@pytest.mark.parametrize("app", HTML_APPS)
def test_pages_and_forms_never_answer_5xx(app: str, principals: Principals):
    failures: list[str] = []
    sent = 0
    seen_forms: set[tuple[str, tuple[str, ...]]] = set()
    for name, entry in _html_routes()[app]:
        assert entry is not None, f"{name} is not in core/tests/route_registry.py"
        kwargs = entry.kwargs(principals.world, "a")
        path = reverse(name, kwargs=kwargs)
        query = _pairs(entry.query)
        url = _url(path, query)
        for who in _html_candidates(entry):
            sweep = Sweep(principals.client(who))
            baseline = sweep.send(Probe(f"{name} baseline", "GET", url))
            if entry.access == "public" or baseline.status_code in {200, 405}:  # 405: POST only
                break
        else:
            pytest.fail(f"no principal reaches {name}: {baseline.status_code}")
        if entry.access == "public":
            assert baseline.status_code == entry.public_status, name
        if not sent:  # headers reach middleware and authentication: once per app
            sweep.send_all(_header_probes(name, "GET", url))
        page = _page(baseline, url)
        names = list(dict.fromkeys([*(n for n, _ in query), *page.get_names]))
        sweep.send_all(_query_probes(name, "GET", path, query, names))
        sweep.send_all(_path_probes(name, "GET", path, query, kwargs))
        for kind, (content_type, body) in WRONG_BODIES.items():
            sweep.send(Probe(f"{name} POST {kind}", "POST", url, body, content_type))
        for form in page.post_forms:
            key = (form.action.split("?")[0], tuple(sorted(n for n, _, _ in form.fields)))
            if key not in seen_forms:
                seen_forms.add(key)
                sweep.send_all(_form_probes(name, form))
        failures += sweep.failures
        sent += sweep.sent
    assert not failures, f"{len(failures)} of {sent} probes got a 5xx:\n" + "\n".join(failures)


# --- API operations -------------------------------------------------------------------


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    else:
        yield path, value


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _replace(value[path[0]], path[1:], new)
    return copy


def _body_probes(label: str, method: str, url: str, body: Any) -> Iterator[Probe]:
    """Each leaf of a valid body made hostile in turn, then every leaf, then wrong bodies."""

    def probe(kind: str, value: Any) -> Probe:
        # ensure_ascii writes a lone surrogate as the escape \ud800, as a client would
        return Probe(f"{label} {kind}", method, url, json.dumps(value).encode(), "application/json")

    leaves = list(_leaves(body))
    for path, value in leaves:
        where = ".".join(map(str, path))
        if isinstance(value, str):
            yield probe(f"{where} with control characters", _replace(body, path, value + "\0\1"))
            yield probe(f"{where} NUL only", _replace(body, path, "\x00"))
            yield probe(f"{where} with a lone surrogate", _replace(body, path, value + "\ud800"))
            yield probe(f"{where} with an offset", _replace(body, path, value + "+23:59"))
        elif isinstance(value, int) and not isinstance(value, bool):
            yield probe(f"{where} huge", _replace(body, path, 10**30))
            yield probe(f"{where} negative", _replace(body, path, -1))
    every: Any = body
    for path, value in leaves:
        every = _replace(every, path, 10**30 if isinstance(value, int) else "\x00\ud800")
    yield probe("every leaf hostile", every)
    for kind, (content_type, data) in API_WRONG_BODIES.items():
        yield Probe(f"{label} {kind}", method, url, data, content_type)


def _api_operations() -> dict[str, list[tuple[str, str, dict[str, Any]]]]:
    """Every operation of the OpenAPI document, by its first path segment."""
    by_section: dict[str, list[tuple[str, str, dict[str, Any]]]] = defaultdict(list)
    for path, item in api.get_openapi_schema()["paths"].items():
        for method, operation in item.items():
            section = path.removeprefix("/api/v1/").split("/")[0]
            by_section[section].append((method.upper(), path, operation))
    return dict(by_section)


def _api_principal(principals: Principals, entry: Operation) -> tuple[Client, dict[str, str], int]:
    """Anonymous for public operations, else the first of write token, organisation admin
    and agent that the registry says reaches the handler."""
    if entry.access == "public":
        return principals.client("anonymous"), dict(CSRF), entry.public_status
    if entry.token_status < 400:
        return principals.client("anonymous"), principals.bearer(), entry.token_status
    if entry.admin_status < 400:
        return principals.client("admin"), dict(CSRF), entry.admin_status
    return principals.client("agent"), dict(CSRF), entry.agent_status


@pytest.mark.parametrize("section", sorted(_api_operations()))
def test_api_operations_never_answer_5xx(section: str, principals: Principals):
    failures: list[str] = []
    sent = 0
    for method, path, operation in _api_operations()[section]:
        entry = API_OPERATIONS.get((method, path))
        assert entry is not None, f"{method} {path} is not in core/tests/route_registry.py"
        label = f"{method} {path}"
        params = entry.params(principals.world, "a")
        url = path.format(**params)
        query = _pairs(entry.query)
        body = entry.body(principals.world, "a") if entry.body else None
        data = json.dumps(body).encode() if body is not None else b""
        client, headers, expected = _api_principal(principals, entry)
        sweep = Sweep(client, headers)
        baseline = sweep.send(Probe("baseline", method, _url(url, query), data, "application/json"))
        assert baseline.status_code == expected, (label, baseline.content)
        if not sent:  # headers reach middleware and authentication: once per section
            sweep.send_all(_header_probes(label, method, _url(url, query)))
        declared = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
        names = list(dict.fromkeys([*(n for n, _ in query), *declared]))
        sweep.send_all(_query_probes(label, method, url, query, names))
        for probe in _path_probes(label, method, url, query, params):
            sweep.send(Probe(probe.label, method, probe.url, data, "application/json"))
        if method != "GET":
            sweep.send_all(_body_probes(label, method, _url(url, query), body or {}))
        failures += sweep.failures
        sent += sweep.sent
    assert not failures, f"{len(failures)} of {sent} probes got a 5xx:\n" + "\n".join(failures)
