"""Celery's join guard: interleaved eager runs must not break later tests (CI, stop 20)."""

from __future__ import annotations

from celery._state import task_join_will_block
from celery.result import EagerResult, denied_join_result

from parvis.testing.celery_state import allow_result_joins


def test_interleaved_eager_runs_leave_the_guard_raised_until_it_is_lowered() -> None:
    # Two threads' eager runs: the first saves « lowered », the second saves « raised »;
    # the first restores before the second, so the second restores « raised » for good.
    first, second = denied_join_result(), denied_join_result()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    second.__exit__(None, None, None)
    assert task_join_will_block()

    allow_result_joins()

    assert not task_join_will_block()
    assert EagerResult("id", 1, "SUCCESS").get() == 1
