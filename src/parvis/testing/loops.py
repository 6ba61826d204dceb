"""Async test bodies run in their own thread and event loop.

Playwright's sync API (browser tests, in the same process under xdist) keeps an event
loop running in the main thread, where pytest-asyncio cannot start another: a test
marked ``asyncio`` that follows a browser test in the same worker fails, and its
never-awaited coroutine then fails whichever test the garbage collector meets next.
Async tests are plain tests that call ``run_in_fresh_loop`` instead (with
``django_db(transaction=True)``: the body reads the database from another thread).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_in_fresh_loop(coroutine_function: Callable[..., Coroutine[Any, Any, T]], *args: Any) -> T:
    """Run ``coroutine_function(*args)`` to completion in a new thread and event loop."""
    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(asyncio.run, coroutine_function(*args)).result()


# Seconds a WebSocket test waits to connect or for a frame: channels' default of 1 s
# timed out at the start of a loaded CI run (five test workers setting up databases).
WS_TIMEOUT = 10
