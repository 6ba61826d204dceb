"""The webhook door in front of Django: ``POST /hooks/<endpoint uuid>/`` in the event loop.

Providers post one message a request, hundreds a second. Through Django each request
crosses the whole middleware stack and then waits its turn in the one thread a process
runs sync views in, while its row commits and its task is published; the door's own work
(a signature, a JSON parse, one row) is a fraction of that. So ``parvis.asgi`` puts this
door in front of Django for that one route:

- only a well-formed ``POST /hooks/<uuid>/`` is answered here; anything else (another
  method, another path, a NUL byte in the address or a header, a host outside
  ``ALLOWED_HOSTS``, a plain-HTTP request to redirect under ``SECURE_SSL_REDIRECT``)
  goes to Django untouched, which answers as before;
- the checks are the view's (``contacts.hooks.inbound_hook``), in its order, with the
  same answers built by the same functions: unknown or inactive endpoint 404, rate limit
  429 (``core.ratelimit.hit``, the same counter, called from a thread so that the loop
  never waits on Redis), size 413 (a ``Content-Length`` over the connector's limit is refused before
  reading, and reading stops at the limit), signature 401, unreadable body 400, 202;
- the headers Django's middleware adds (security headers, CSP, ``Vary``,
  ``Content-Language``…) are learnt once per process from one request through Django's
  own stack (``_middleware_headers``), so a middleware added later is followed without
  a change here; ``X-Request-Id`` is echoed or made, and bound in the logs, as
  ``RequestIdMiddleware`` does; an unexpected error is answered by the project's 500
  handler;
- endpoints are kept ``CONTACTS_HOOK_ENDPOINT_CACHE_SECONDS`` (5) in the process (a
  deactivation applies within that time; an edit in the process at once); a signature
  the kept secrets refuse is checked again against the database, so a rotated secret is
  never refused;
- rows are stored by ``services.ingestion.inbound_store_many`` gathered across the
  requests in flight (``RowStore``): while one transaction commits, the next requests
  queue, and the next transaction stores them all, with one durable commit and one task
  (``contacts.process_inbound_batch``) for the lot. A request is answered 202 only once
  its row is committed; a lost task is recovered by the requeue sweep, as ever.

Logs hold no personal data: the refusals log the endpoint's id and the refusal's code.
"""

from __future__ import annotations

import asyncio
import io
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import unquote

import structlog
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.asgi import ASGIRequest
from django.core.handlers.base import BaseHandler
from django.db import close_old_connections
from django.http import HttpResponse
from django.urls import get_resolver
from django.utils import timezone
from django.utils.datastructures import CaseInsensitiveMapping
from django.utils.log import log_response

from parvis.contacts import hooks
from parvis.contacts.signatures import HEADER, SignatureError, verify
from parvis.core.memo import ProcessMemo
from parvis.core.ratelimit import configured_limit, hit

logger = structlog.get_logger(__name__)

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[Any]]
Send = Callable[[Any], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PATH = re.compile(
    r"^/hooks/(?P<uuid>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/$"
)
# Headers of an answer that are the answer's own, not the middleware's.
OWN_HEADERS = frozenset({"content-type", "content-length", "allow", "x-request-id"})
# Bodies above this are checked and parsed in a thread, not in the event loop.
LOOP_WORK_BYTES = 64 * 1024
# Items one transaction of ``RowStore`` stores at most.
STORE_BATCH = 500


class _Memo(ProcessMemo):
    """A ``ProcessMemo`` read and filled from the event loop: the loading (a query) runs
    in a thread, so the door reads and writes the kept values itself."""

    MISSING: Any = object()
    LIMIT = 10_000  # random uuids must not grow it without bound

    def peek(self, key: str) -> Any:
        kept = self._values.get(key)
        if kept is not None and time.monotonic() - kept[0] < self.ttl:
            return kept[1]
        return self.MISSING

    def put(self, key: str, value: Any) -> None:
        if len(self._values) >= self.LIMIT:
            self._values.clear()
        self._values[key] = (time.monotonic(), value)

    def forget_key(self, key: str) -> None:
        self._values.pop(key, None)


endpoint_memo = _Memo("contacts-hook-endpoints", ttl=settings.CONTACTS_HOOK_ENDPOINT_CACHE_SECONDS)


@dataclass(frozen=True)
class Endpoint:
    """What the door needs of an active endpoint (secrets in clear, kept in memory only)."""

    pk: int
    uuid: str
    connector: str
    secrets: tuple[str, ...]


def _load_endpoint(endpoint_uuid: str) -> Endpoint | None:
    from parvis.contacts import selectors

    close_old_connections()
    try:
        endpoint = selectors.inbound_endpoint_for_hook(endpoint_uuid)
        if endpoint is None:
            return None
        return Endpoint(
            pk=endpoint.pk,
            uuid=str(endpoint.uuid),
            connector=endpoint.connector,
            secrets=tuple(hooks.endpoint_secrets(endpoint)),
        )
    finally:
        close_old_connections()


def _store_rows(items: list[Any]) -> list[bool]:
    from parvis.contacts.services.ingestion import inbound_store_many

    close_old_connections()  # as Django does around each request
    try:
        return inbound_store_many(items=items)
    finally:
        close_old_connections()


class RowStore:
    """Stores the items of the requests in flight together (see the module docstring).
    ``flushes`` transactions may run at once, each in a thread of ``executor``."""

    def __init__(self, executor: ThreadPoolExecutor, flushes: int = 2) -> None:
        self.executor = executor
        self.flushes = flushes
        self.running = 0
        self.waiting: list[tuple[list[Any], asyncio.Future[list[bool]]]] = []
        self.tasks: set[asyncio.Task[None]] = set()

    async def store(self, items: list[Any]) -> list[bool]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[bool]] = loop.create_future()
        self.waiting.append((items, future))
        if self.running < self.flushes:
            self.running += 1
            task = loop.create_task(self._flush())
            self.tasks.add(task)  # the loop keeps only a weak reference to its tasks
            task.add_done_callback(self.tasks.discard)
        return await future

    async def _flush(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self.waiting:
                batch: list[tuple[list[Any], asyncio.Future[list[bool]]]] = []
                count = 0
                while self.waiting and (
                    not batch or count + len(self.waiting[0][0]) <= STORE_BATCH
                ):
                    entry = self.waiting.pop(0)
                    batch.append(entry)
                    count += len(entry[0])
                items = [item for pending, _ in batch for item in pending]
                try:
                    answers = await loop.run_in_executor(
                        self.executor, _in_thread, _store_rows, items
                    )
                except Exception as error:  # the database refused: each request answers 500
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(error)
                    continue
                start = 0
                for pending, future in batch:
                    if not future.done():
                        future.set_result(answers[start : start + len(pending)])
                    start += len(pending)
        finally:
            self.running -= 1


class HookDoor:
    """ASGI application: the hook route here, everything else to ``app`` (Django)."""

    def __init__(self, app: ASGIApp, *, threads: int = 4) -> None:
        self.app = app
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="parvis-hooks")
        self.rows = RowStore(self.executor)
        self._headers: dict[bool, list[tuple[bytes, bytes]]] = {}
        self._learning = asyncio.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or not scope["path"].startswith("/hooks/")
        ):
            await self.app(scope, receive, send)
            return
        match = PATH.match(scope["path"])
        request = ASGIRequest(scope, io.BytesIO()) if match else None
        if match is None or request is None or not _ours(request):
            await self.app(scope, receive, send)
            return
        request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex
        structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            try:
                response = await self._answer(request, match["uuid"], receive)
            except Exception as error:
                logger.error("inbound_hook_failed", error=type(error).__name__)
                response = await self._run(_server_error, request, error)
            if response is not None:
                if response.status_code >= 400:  # as Django's handler logs them
                    log_response(
                        "%s: %s",
                        response.reason_phrase,
                        request.path,
                        response=response,
                        request=request,
                    )
                await self._send(response, request, request_id, send)
        finally:
            structlog.contextvars.unbind_contextvars("request_id")

    async def _run(self, function: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(
            self.executor, _in_thread, function, *args
        )

    async def _endpoint(self, endpoint_uuid: str, *, fresh: bool = False) -> Endpoint | None:
        if fresh:
            endpoint_memo.forget_key(endpoint_uuid)
        kept = endpoint_memo.peek(endpoint_uuid)
        if kept is not endpoint_memo.MISSING:
            return kept
        endpoint = await self._run(_load_endpoint, endpoint_uuid)
        endpoint_memo.put(endpoint_uuid, endpoint)
        return endpoint

    async def _answer(
        self, request: ASGIRequest, endpoint_uuid: str, receive: Receive
    ) -> HttpResponse | None:
        endpoint = await self._endpoint(endpoint_uuid)
        if endpoint is None:
            return hooks.unknown_endpoint()
        hits, window = configured_limit("CONTACTS_RATE_LIMITS", "hook_endpoint")
        limit = await self._run(
            partial(hit, "contacts_hook", endpoint.uuid, limit=hits, window_seconds=window)
        )
        if not limit.allowed:
            return hooks.rate_limited(limit.retry_after)
        maximum = hooks.connector_max_body_bytes(endpoint.connector)
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > maximum:
            return hooks.too_large(maximum)
        body = await _read_body(receive, maximum)
        if body is _DISCONNECTED:
            return None
        if body is None:
            return hooks.too_large(maximum)
        assert isinstance(body, bytes)
        received_at = timezone.now()
        signature = request.headers.get(HEADER)
        error = await self._verify(signature, body, endpoint.secrets)
        if error is not None:
            # The secrets kept may predate a rotation: the database has the last word.
            fresh = await self._endpoint(endpoint_uuid, fresh=True)
            if fresh is None:
                return hooks.unknown_endpoint()
            if fresh.secrets != endpoint.secrets:
                error = await self._verify(signature, body, fresh.secrets)
        if error is not None:
            logger.info("inbound_hook_refused", endpoint=endpoint.pk, code=error.code)
            return hooks.signature_refused(error)
        headers = CaseInsensitiveMapping(dict(request.headers))
        try:
            items = await self._loop_or_thread(
                len(body),
                _items,
                endpoint,
                body,
                headers,
                request.content_type or "",
                received_at,
            )
        except LookupError:  # no connector serves this endpoint's channel
            return hooks.no_channel()
        except ValueError:
            return hooks.unreadable_body()
        answers = await self.rows.store(items) if items else []
        accepted = sum(answers)
        return hooks.accepted(accepted, len(answers) - accepted)

    async def _loop_or_thread(self, size: int, function: Callable[..., Any], *args: Any) -> Any:
        if size > LOOP_WORK_BYTES:
            return await self._run(function, *args)
        return function(*args)

    async def _verify(
        self, signature: str | None, body: bytes, secrets: tuple[str, ...]
    ) -> SignatureError | None:
        def check() -> SignatureError | None:
            try:
                verify(signature, body, secrets)
            except SignatureError as error:
                return error
            return None

        return await self._loop_or_thread(len(body), check)

    async def _send(
        self, response: HttpResponse, request: ASGIRequest, request_id: str, send: Send
    ) -> None:
        secure = request.is_secure()
        if secure not in self._headers:
            async with self._learning:  # one probe per process and scheme
                if secure not in self._headers:
                    self._headers[secure] = await self._run(_middleware_headers, request)
        content = response.content
        headers = [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in response.items()
            if name.lower() != "content-length"
        ]
        headers += self._headers[secure]
        headers += [
            (b"content-length", str(len(content)).encode("ascii")),
            (b"x-request-id", request_id.encode("latin-1")),
        ]
        await send(
            {"type": "http.response.start", "status": response.status_code, "headers": headers}
        )
        await send({"type": "http.response.body", "body": content})


def _in_thread(function: Callable[..., Any], *args: Any) -> Any:
    """``function(*args)`` in a thread of the door, its database connections closed as
    Django closes them around each request (returned to the pool in the web process)."""
    close_old_connections()
    try:
        return function(*args)
    finally:
        close_old_connections()


def _ours(request: ASGIRequest) -> bool:
    """Whether the door may answer: what Django's middleware would refuse or redirect
    before the view (NUL bytes, an unknown host, plain HTTP to redirect) is Django's."""
    if "\x00" in request.path or "\x00" in unquote(request.META.get("QUERY_STRING", "")):
        return False
    if any("\x00" in value for key, value in request.META.items() if key[:5] == "HTTP_"):
        return False
    try:
        request.get_host()
    except DisallowedHost:
        return False
    return not (settings.SECURE_SSL_REDIRECT and not request.is_secure())


_DISCONNECTED = object()


async def _read_body(receive: Receive, maximum: int) -> bytes | object | None:
    """The body, ``None`` past ``maximum`` bytes (reading stops there), or
    ``_DISCONNECTED`` when the client left."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return _DISCONNECTED
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > maximum:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _items(
    endpoint: Endpoint,
    body: bytes,
    headers: CaseInsensitiveMapping[str],
    content_type: str,
    received_at: Any,
) -> list[Any]:
    from parvis.contacts.services.ingestion import delivery_items

    return delivery_items(
        endpoint_id=endpoint.pk,
        connector=endpoint.connector,
        body=body,
        headers=headers,
        content_type=content_type,
        received_at=received_at,
    )


def _middleware_headers(request: ASGIRequest) -> list[tuple[bytes, bytes]]:
    """The headers Django's middleware adds to the hook view's answers, learnt from one
    request through Django's own stack: a GET on the route (405 from the view, before
    any database access) with the request's host and scheme."""
    probe_scope = {
        **request.scope,
        "method": "GET",
        "headers": [
            (name, value)
            for name, value in request.scope.get("headers", ())
            if name.lower() in (b"host", b"x-forwarded-proto", b"x-forwarded-host")
        ],
        "query_string": b"",
    }
    handler = BaseHandler()
    handler.load_middleware(is_async=False)
    # The chain itself, not ``get_response``, which would log the probe's 405.
    response = handler._middleware_chain(  # type: ignore[attr-defined]
        ASGIRequest(probe_scope, io.BytesIO())
    )
    return [
        (name.lower().encode("latin-1"), value.encode("latin-1"))
        for name, value in response.items()
        if name.lower() not in OWN_HEADERS
    ]


def _server_error(request: ASGIRequest, error: Exception) -> HttpResponse:
    """The project's 500 handler, which reads the exception being handled."""
    handler = get_resolver().resolve_error_handler(500)
    try:
        raise error
    except Exception:
        return handler(request)


def mount(app: ASGIApp) -> HookDoor:
    """``app`` (Django's ASGI application) behind the door."""
    return HookDoor(app)
