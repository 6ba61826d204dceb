"""Per-process memos: kept for their time to live, cleared by edits in the process."""

from __future__ import annotations

import pytest

from parvis.core.memo import ProcessMemo
from parvis.directory.tests.factories import OrganisationFactory


def test_a_value_is_loaded_once_within_its_time_to_live(monkeypatch):
    memo = ProcessMemo("test-ttl", ttl=60.0)
    loads: list[int] = []

    def load() -> int:
        loads.append(1)
        return len(loads)

    assert memo.get("key", load) == memo.get("key", load) == 1
    monkeypatch.setattr(memo, "ttl", 0.0)
    assert memo.get("key", load) == 2
    ProcessMemo.forget_all()
    monkeypatch.setattr(memo, "ttl", 60.0)
    assert memo.get("key", load) == 3


@pytest.mark.django_db
def test_saving_a_watched_model_clears_the_memo():
    from parvis.directory.models import Organisation

    memo = ProcessMemo("test-organisations", ttl=60.0)
    memo.forget_on_change(Organisation)
    assert memo.get("names", lambda: "avant") == "avant"
    OrganisationFactory()
    assert memo.get("names", lambda: "après") == "après"
