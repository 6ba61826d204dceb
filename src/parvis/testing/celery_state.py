"""Celery process state that tests must start from clean.

Eager ``delay()`` wraps each run in ``denied_join_result()``, which saves and restores a
module-wide flag (not a thread-local one). When two threads run eager tasks at once (the
live server's request threads beside the test thread), their save/restore pairs interleave
and the flag can stay raised for good: every later ``result.get()`` in that process then
fails with « Never call result.get() within a task! » (CI, stop 20).
"""

from __future__ import annotations

from celery._state import _set_task_join_will_block


def allow_result_joins() -> None:
    """Lower the join guard a previous test may have left raised."""
    _set_task_join_will_block(False)
