"""core.events: the one after-commit announcement mechanism between apps."""

from __future__ import annotations

import pytest
from django.db import transaction

from parvis.core.events import Event


def test_subscribers_are_called_once_each_with_the_id():
    changed = Event("test.changed")
    seen: list[int] = []
    changed.subscribe(seen.append)
    changed.subscribe(seen.append)  # subscribing twice does not call twice
    changed(7)
    changed.send(8)
    assert seen == [7, 8]
    changed.unsubscribe(seen.append)
    changed(9)
    assert seen == [7, 8]


@pytest.mark.django_db(transaction=True)
def test_send_on_commit_waits_for_the_commit_and_skips_a_rollback():
    changed = Event("test.changed")
    seen: list[int] = []
    changed.subscribe(seen.append)
    with transaction.atomic():
        changed.send_on_commit(1)
        assert seen == []
    assert seen == [1]
    try:
        with transaction.atomic():
            changed.send_on_commit(2)
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    assert seen == [1]


@pytest.mark.django_db(transaction=True)
def test_in_transaction_subscribers_run_inside_the_senders_transaction():
    """They write rows that must commit or roll back with the change."""
    changed = Event("test.changed")
    inside: list[tuple[int, bool]] = []
    after: list[int] = []
    changed.subscribe(
        lambda pk: inside.append((pk, transaction.get_connection().in_atomic_block)),
        in_transaction=True,
    )
    changed.subscribe(after.append)
    with transaction.atomic():
        changed.send_on_commit(1)
        assert inside == [(1, True)] and after == []
    assert after == [1]
    changed.send(2)  # a direct send calls both kinds
    assert [pk for pk, _ in inside] == [1, 2] and after == [1, 2]


def test_in_transaction_subscribers_may_read_the_instance_the_sender_holds():
    from parvis.core.events import sent_instance

    class Thing:
        def __init__(self, pk: int) -> None:
            self.pk = pk

    event = Event("test.instance")
    seen: list[object] = []
    event.subscribe(lambda pk: seen.append(sent_instance(Thing, pk)), in_transaction=True)
    thing = Thing(7)
    event.send_on_commit(7, instance=thing)
    event.send_on_commit(8, instance=thing)  # another id: not that instance
    event.send_on_commit(7)
    assert seen == [thing, None, None]
    assert sent_instance(Thing, 7) is None  # only while the subscribers run


@pytest.mark.django_db(transaction=True)
def test_send_many_calls_a_many_variant_once_and_the_others_per_id():
    """Routing's decisions of one transaction: the events log writes them in one go."""
    from parvis.core.events import sent_instance

    changed = Event("test.changed")
    batches: list[list[int]] = []
    singles: list[tuple[int, object]] = []
    after: list[int] = []

    class Thing:
        def __init__(self, pk: int) -> None:
            self.pk = pk

    three = Thing(3)

    def single(pk: int) -> None:
        singles.append((pk, sent_instance(Thing, pk)))

    changed.subscribe(lambda pk: None, in_transaction=True, many=batches.append)
    changed.subscribe(single, in_transaction=True)
    changed.subscribe(after.append)
    with transaction.atomic():
        changed.send_many_on_commit([3, 4], instances={3: three})
        assert batches == [[3, 4]]
        assert singles == [(3, three), (4, None)]
        assert after == []
    assert after == [3, 4]
    changed.send_many_on_commit([])
    assert batches == [[3, 4]]
