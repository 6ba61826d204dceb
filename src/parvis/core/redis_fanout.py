"""Live updates fanned out to a Redis channel layer's groups in a few trips, and a
process that does it for a routing worker.

Nothing here imports Django's models: the publishing process (``PublisherProcess``) is a
fresh interpreter that builds the layer from its class and configuration, without
setting Django up.
"""

from __future__ import annotations

import asyncio
import collections
import os
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

import structlog
from django.utils.module_loading import import_string

logger = structlog.get_logger(__name__)

Messages = list[tuple[list[str], dict[str, Any]]]

# Seconds the publishing process gives Redis for one hand-over before dropping it.
SEND_TIMEOUT_SECONDS = 2.0
# Hand-overs the publishing process holds while Redis is slow (the oldest dropped beyond:
# a few seconds of a busy worker's transactions).
HELD_HAND_OVERS = 2_000


# channels-redis's own delivery script (``RedisChannelLayer.group_send``, 4.x): each
# message joins its channel's sorted set unless the channel is at capacity; here a
# microsecond apart, so that a channel reads a batch's messages in the batch's order.
_GROUP_SEND_LUA = """
    local over_capacity = 0
    local current_time = tonumber(ARGV[#ARGV - 1])
    local expiry = ARGV[#ARGV]
    for i=1,#KEYS do
        if redis.call('ZCOUNT', KEYS[i], '-inf', '+inf') < tonumber(ARGV[i + #KEYS]) then
            redis.call('ZADD', KEYS[i], current_time + i / 1000000, ARGV[i])
            redis.call('EXPIRE', KEYS[i], expiry)
        else
            over_capacity = over_capacity + 1
        end
    end
    return over_capacity
"""


async def send_all(layer: Any, messages: Messages) -> None:
    """``RedisChannelLayer.group_send`` for a batch, in one trip to Redis per shard to
    read the groups' members and one more where someone listens, instead of two to four
    trips per group (a routing decision announces to four groups: the trips were a
    quarter of the worker's CPU, on a thread sharing the GIL with the next decision).

    Same effect as calling ``group_send`` for each group of each message: the groups'
    expired members are dropped, each member channel receives each message once per
    group, a channel at capacity skips it. It reads the layer's key layout and
    serialisation through its own helpers; ``test_realtime_batch`` checks it against
    real Redis and a real consumer."""
    cutoff = int(time.time()) - layer.group_expiry
    groups = list(dict.fromkeys(group for names, _ in messages for group in names))
    by_shard: dict[int, list[str]] = collections.defaultdict(list)
    for group in groups:
        assert layer.require_valid_group_name(group), "Group name not valid"
        by_shard[layer.consistent_hash(group)].append(group)
    members: dict[str, list[str]] = {}
    for index, names in by_shard.items():
        pipe = layer.connection(index).pipeline(transaction=False)
        for group in names:
            key = layer._group_key(group)
            pipe.zremrangebyscore(key, min=0, max=cutoff)
            pipe.zrange(key, 0, -1)
        replies = await pipe.execute()
        for group, channels in zip(names, replies[1::2], strict=True):
            members[group] = [channel.decode("utf8") for channel in channels]
    # (channel key, serialised message, capacity) per shard, in the order group_send would
    deliveries: dict[int, list[tuple[str, bytes, int]]] = collections.defaultdict(list)
    for names, message in messages:
        for group in names:
            if not members[group]:
                continue
            keys_by_shard, message_by_key, capacity_by_key = layer._map_channel_keys_to_connection(
                members[group], message
            )
            for index, keys in keys_by_shard.items():
                deliveries[index].extend(
                    (key, message_by_key[key], capacity_by_key[key]) for key in keys
                )
    now = time.time()
    for index, items in deliveries.items():
        keys = [key for key, _, _ in items]
        pipe = layer.connection(index).pipeline(transaction=False)
        for key in dict.fromkeys(keys):
            pipe.zremrangebyscore(key, min=0, max=int(now) - int(layer.expiry))
        pipe.eval(
            _GROUP_SEND_LUA,
            len(items),
            *keys,
            *(payload for _, payload, _ in items),
            *(capacity for _, _, capacity in items),
            now,
            layer.expiry,
        )
        over_capacity = (await pipe.execute())[-1]
        if over_capacity:
            logger.info("realtime_channels_over_capacity", channels=over_capacity)


class PublisherProcess:
    """A process of its own that sends a routing worker's live updates: the worker
    hands each transaction's announcements over a pipe (one pickled list, through
    ``multiprocessing.connection.Connection``) and goes on deciding.

    A publishing thread in the worker (``realtime.publish_in_background``) holds the
    interpreter's lock while it serialises messages and parses Redis's replies, and the
    next decision waited for it whenever PostgreSQL answered meanwhile: measured on the
    routing benchmark (200 decisions a second, two cores), publishing in the worker's
    process added 4–5 ms to the contact direction's decision p99 and about 1 ms to the
    agent direction's. In a process of its own it only shares the cores.

    The process is ``python -m parvis.core.redis_fanout`` reading its standard input (not
    a ``multiprocessing.Process``, whose « spawn » runs the parent's main script again in
    the child).
    Hand-overs waiting in the pipe are sent together. Best effort, as every live update:
    a hand-over that cannot be written (the process died) is refused (``send`` returns
    False) and the caller publishes itself; pages refetch on every reconnection."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._sending: Connection | None = None

    @property
    def running(self) -> bool:
        return self._process is not None

    def start(self, backend: str, config: dict[str, Any]) -> bool:
        """Start the process for the layer ``backend`` (its class path) built with
        ``config`` (``CHANNEL_LAYERS["default"]``'s ``BACKEND`` and ``CONFIG``); whether
        it took them."""
        self.stop()
        receiving, sending = os.pipe()
        try:
            self._process = subprocess.Popen(  # noqa: S603 (this interpreter, this module)
                [sys.executable, "-m", __name__], stdin=receiving
            )
        finally:
            os.close(receiving)
        self._sending = Connection(sending, readable=False)
        return self._write((backend, config))

    def send(self, messages: Messages) -> bool:
        """Hand ``messages`` over; whether the process took them."""
        return self._process is not None and self._write(messages)

    def stop(self, timeout: float = 5.0) -> None:
        """Close the pipe: the process sends what it holds and ends."""
        process, self._process = self._process, None
        if self._sending is not None:
            self._sending.close()
            self._sending = None
        if process is None:
            return
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def _write(self, value: Any) -> bool:
        assert self._sending is not None
        try:
            self._sending.send(value)
        except (OSError, ValueError):  # the process is gone (broken pipe, closed)
            logger.warning("realtime_publisher_process_gone")
            self.stop(timeout=0.5)
            return False
        return True


class _Inbox:
    """The hand-overs read from the pipe and not yet sent. A thread of the publishing
    process reads the pipe all the time, so that the worker's writes never wait for
    Redis: were Redis to hang, the pipe (64 KiB) would fill in a fraction of a second
    and the worker's next write, so its decisions, would wait for the send's timeout.
    Beyond ``held`` hand-overs the oldest are dropped (live updates are best effort;
    pages refetch on every reconnection)."""

    def __init__(self, held: int) -> None:
        self._waiting: collections.deque[Messages] = collections.deque(maxlen=held)
        self._changed = threading.Condition()
        self._closed = False
        self.dropped = 0

    def fill_from(self, receiving: Connection) -> None:
        """Read hand-overs until the pipe closes (the reading thread)."""
        try:
            while True:
                messages = receiving.recv()
                with self._changed:
                    if len(self._waiting) == self._waiting.maxlen:
                        self.dropped += 1
                    self._waiting.append(messages)
                    self._changed.notify()
        except (EOFError, OSError):
            pass
        finally:
            with self._changed:
                self._closed = True
                self._changed.notify()

    def take(self) -> Messages | None:
        """Every hand-over waiting, as one list, once there is one (``None``: the pipe
        closed and everything was taken)."""
        with self._changed:
            while not self._waiting and not self._closed:
                self._changed.wait()
            if not self._waiting:
                return None
            messages = [message for hand_over in self._waiting for message in hand_over]
            self._waiting.clear()
            dropped, self.dropped = self.dropped, 0
        if dropped:
            logger.warning("realtime_publisher_dropped", hand_overs=dropped)
        return messages


def serve(fd: int, held: int = HELD_HAND_OVERS) -> None:
    """The publishing process: the layer named by the first frame, then every
    hand-over until the pipe closes, those waiting together (one fan-out for several
    transactions), the pipe read by a thread of its own (``_Inbox``)."""
    receiving = Connection(fd, writable=False)
    try:
        backend, config = receiving.recv()
    except EOFError:
        return
    layer = import_string(backend)(**config)
    inbox = _Inbox(held)
    threading.Thread(target=inbox.fill_from, args=(receiving,), daemon=True).start()
    loop = asyncio.new_event_loop()
    while (messages := inbox.take()) is not None:
        try:
            sending = asyncio.wait_for(send_all(layer, messages), SEND_TIMEOUT_SECONDS)
            loop.run_until_complete(sending)
        except Exception as error:  # Redis down or slow: live updates are best effort
            logger.warning("realtime_publish_failed", error=type(error).__name__)
    loop.run_until_complete(layer.close_pools())
    loop.close()


if __name__ == "__main__":
    serve(sys.stdin.fileno())
