"""A batch of announcements sent to Redis in a few trips (``redis_fanout.send_all``) reaches
every channel as channels-redis's own ``group_send`` would, message by message, in the
batch's order, on a real Redis and through the layer's own ``receive``."""

from __future__ import annotations

import asyncio
import os
import uuid
from typing import Any

import pytest
import redis
from channels_redis.core import RedisChannelLayer

from parvis.core import realtime, redis_fanout
from parvis.testing.loops import run_in_fresh_loop

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


def _redis_reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(not _redis_reachable(), reason="no Redis on this machine")

BATCH = [
    (["desk-conversation-7", "desk-queue-3", "desk-user-11"], {"type": "e", "n": 1}),
    (["desk-conversation-8", "desk-queue-3"], {"type": "e", "n": 2}),
    (["routing-wallboard"], {"type": "e", "n": 3}),
    (["nobody-listens"], {"type": "e", "n": 4}),
]


async def _deliveries(send: Any) -> dict[str, list[int]]:
    """Subscribe channels to the batch's groups, send the batch with ``send``, and read
    what each channel receives."""
    layer = RedisChannelLayer(hosts=[REDIS_URL], prefix=f"test-{uuid.uuid4().hex[:8]}")
    received = await _deliveries_on(layer, send)
    await layer.flush()
    await layer.close_pools()
    return received


async def _deliveries_on(layer: Any, send: Any) -> dict[str, list[int]]:
    desk_agent = await layer.new_channel()  # a desk page: its queue and its own list
    viewer = await layer.new_channel()  # a page open on conversation 7
    supervisor = await layer.new_channel()
    for group, channel in [
        ("desk-queue-3", desk_agent),
        ("desk-user-11", desk_agent),
        ("desk-conversation-7", viewer),
        ("routing-wallboard", supervisor),
        ("desk-queue-3", supervisor),
    ]:
        await layer.group_add(group, channel)
    await send(layer, BATCH)
    received: dict[str, list[int]] = {}
    for name, channel in [("desk_agent", desk_agent), ("viewer", viewer), ("sup", supervisor)]:
        received[name] = []
        while True:
            try:
                message = await asyncio.wait_for(layer.receive(channel), 0.3)
            except TimeoutError:
                break
            received[name].append(message["n"])
    return received


def test_a_batch_reaches_each_channel_as_group_send_does_in_the_batch_order():
    expected = run_in_fresh_loop(_deliveries, realtime._send_all)
    batched = run_in_fresh_loop(_deliveries, redis_fanout.send_all)
    assert expected == {"desk_agent": [1, 1, 2], "viewer": [1], "sup": [1, 2, 3]}
    assert batched == expected


def test_a_batch_stops_at_a_channel_s_capacity_as_group_send_does():
    async def scenario(send: Any) -> tuple[list[int], list[int]]:
        layer = RedisChannelLayer(
            hosts=[REDIS_URL], prefix=f"test-{uuid.uuid4().hex[:8]}", capacity=3
        )
        # a process's channels share one Redis key, and its capacity
        first, second = await layer.new_channel(), await layer.new_channel()
        await layer.group_add("g-first", first)
        await layer.group_add("g-second", second)
        await send(layer, [(["g-first", "g-second"], {"type": "e", "n": n}) for n in range(4)])
        read = []
        for channel in (first, second):
            got = []
            while True:
                try:
                    got.append((await asyncio.wait_for(layer.receive(channel), 0.3))["n"])
                except TimeoutError:
                    break
            read.append(got)
        await layer.flush()
        await layer.close_pools()
        return read[0], read[1]

    expected = run_in_fresh_loop(scenario, realtime._send_all)
    assert expected == ([0, 1], [0])  # three messages fit, the rest is dropped
    assert run_in_fresh_loop(scenario, redis_fanout.send_all) == expected


def test_a_publishing_process_delivers_hand_overs_in_order_then_refuses_once_stopped():
    """``PublisherProcess`` (a route worker's publishing): the batch reaches each channel
    as from the worker itself, several hand-overs keep their order, and a stopped
    process refuses hand-overs (the caller then publishes itself)."""
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    process = redis_fanout.PublisherProcess()
    process.start("channels_redis.core.RedisChannelLayer", {"hosts": [REDIS_URL], "prefix": prefix})

    async def scenario() -> tuple[dict[str, list[int]], list[int]]:
        layer = RedisChannelLayer(hosts=[REDIS_URL], prefix=prefix)
        ready = await layer.new_channel()
        await layer.group_add("ready", ready)
        assert process.send([(["ready"], {"type": "e", "n": 0})])
        # A fresh interpreter: its first delivery waits for it to start.
        await asyncio.wait_for(layer.receive(ready), 30)

        async def send(same_layer: Any, batch: Any) -> None:
            assert process.send(batch[:2]) and process.send(batch[2:])

        received = await _deliveries_on(layer, send)
        ordered = await layer.new_channel()
        await layer.group_add("ordered", ordered)
        for n in range(5):
            assert process.send([(["ordered"], {"type": "e", "n": n})])
        got = [(await asyncio.wait_for(layer.receive(ordered), 10))["n"] for _ in range(5)]
        await layer.flush()
        await layer.close_pools()
        return received, got

    try:
        received, ordered = run_in_fresh_loop(scenario)
    finally:
        process.stop()
    assert received == {"desk_agent": [1, 1, 2], "viewer": [1], "sup": [1, 2, 3]}
    assert ordered == [0, 1, 2, 3, 4]
    assert not process.running
    assert process.send([(["ready"], {"type": "e", "n": 9})]) is False


def test_a_dead_publishing_process_refuses_hand_overs_so_the_worker_publishes_itself():
    process = redis_fanout.PublisherProcess()
    assert process.start("channels_redis.core.RedisChannelLayer", {"hosts": [REDIS_URL]})
    child = process._process
    assert child is not None
    child.kill()
    child.wait(10)
    assert process.send([(["g"], {"type": "e", "n": 1})]) is False
    assert not process.running


def test_the_publishing_process_reads_the_pipe_while_redis_hangs():
    """A Redis that accepts connections and never answers: each fan-out waits for its
    timeout, yet the worker's hand-overs (several times the pipe's 64 KiB) are all
    taken at once, because a thread of the process reads the pipe all the time. Before,
    the pipe filled and each write waited for the process's next timeout (2 s): the
    worker's decisions waited for Redis."""
    import socket
    import time

    hung = socket.socket()
    hung.bind(("127.0.0.1", 0))
    hung.listen(16)  # connections complete in the kernel, nothing is ever read
    port = hung.getsockname()[1]
    process = redis_fanout.PublisherProcess()
    process.start(
        "channels_redis.core.RedisChannelLayer", {"hosts": [f"redis://127.0.0.1:{port}/0"]}
    )
    hand_over = [
        ([f"desk-conversation-{n}"], {"type": "e", "text": f"{n:0>200}"}) for n in range(20)
    ]  # about 5 KB pickled
    try:
        started = time.monotonic()
        # Bursts of about 100 KB (more than the pipe holds) a tenth of a second apart: the
        # process starts a fan-out, which hangs, between two bursts.
        for _ in range(5):
            for _ in range(20):
                assert process.send(hand_over)
            time.sleep(0.1)
        handed_over_in = time.monotonic() - started
    finally:
        process.stop(timeout=0.5)
        hung.close()
    # Without the reading thread, each burst waited for a fan-out's timeout (2 s).
    assert handed_over_in < 2 * redis_fanout.SEND_TIMEOUT_SECONDS


def test_the_inbox_drops_the_oldest_hand_overs_beyond_what_it_holds():
    from multiprocessing import Pipe

    receiving, sending = Pipe(duplex=False)
    inbox = redis_fanout._Inbox(held=3)
    for n in range(5):
        sending.send([(["g"], {"n": n})])
    sending.close()
    inbox.fill_from(receiving)  # until the pipe closes
    assert inbox.dropped == 2
    assert [message["n"] for _, message in inbox.take() or []] == [2, 3, 4]
    assert inbox.take() is None  # closed and empty: the process ends
