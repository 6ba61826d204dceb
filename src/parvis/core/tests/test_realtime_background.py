"""A routing worker's live updates leave in the background (``publish_in_background``):
the caller does not wait for Redis, a failure is logged, and the choice is restored."""

from __future__ import annotations

import asyncio
import threading

from parvis.core import realtime


def test_background_sends_do_not_wait_and_failures_are_only_logged():
    done = threading.Event()

    async def slow() -> None:
        await asyncio.sleep(0.3)
        done.set()

    async def broken() -> None:
        raise ConnectionError("redis down")

    previous = realtime.publish_in_background()
    try:
        realtime._publisher.run(slow())
        realtime._publisher.run(broken())  # not raised here
        assert not done.is_set()  # run() did not wait for the coroutine (no stopwatch)
        assert done.wait(2)
    finally:
        assert realtime.publish_in_background(previous) is True
    assert realtime._publisher.background is previous
