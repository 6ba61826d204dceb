"""A lifecycle move reads its conversation through a query compiled once
(``core.prepared.CompiledGet``) and writes only the columns it changed
(``workflow._save``): the same instance as the ORM's, the same refusals, and a column
the move did not touch is left as another writer set it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from parvis.contacts import services
from parvis.contacts.models import Conversation, Outcome, Status
from parvis.contacts.services import lifecycle
from parvis.contacts.tests.factories import ConversationFactory, QueueFactory
from parvis.core.prepared import CompiledGet
from parvis.core.workflow import System

pytestmark = pytest.mark.django_db

SYSTEM = System("test")


def _columns(conversation: Conversation) -> dict[str, object]:
    return {f.attname: getattr(conversation, f.attname) for f in Conversation._meta.concrete_fields}


def test_the_compiled_lock_reads_what_the_orm_reads():
    conversation = ConversationFactory(queue=QueueFactory(), subject="Été à l’accueil")
    with transaction.atomic():
        compiled = lifecycle._LOCK.get(conversation.pk)
        orm = (
            Conversation.objects.select_for_update(of=("self",))
            .select_related("queue", "organisation")
            .get(pk=conversation.pk)
        )
    assert _columns(compiled) == _columns(orm)
    # The related rows came with it: reading them asks nothing more.
    with CaptureQueriesContext(connection) as captured:
        assert compiled.queue.pk == orm.queue.pk
        assert compiled.organisation.slug == orm.organisation.slug
    assert captured.captured_queries == []
    assert not compiled._state.adding
    assert compiled._state.db == "default"


def test_the_compiled_lock_takes_a_key_as_the_filter_would_and_finds_nothing_else():
    conversation = ConversationFactory()
    with transaction.atomic():
        assert lifecycle._LOCK.get(str(conversation.pk)).pk == conversation.pk
        assert lifecycle._LOCK.get(conversation.pk + 1000) is None
        with pytest.raises((TypeError, ValueError)):
            lifecycle._LOCK.get("douze")


@pytest.mark.django_db(transaction=True)  # autocommit, as outside the test's transaction
def test_the_compiled_lock_is_refused_outside_a_transaction_where_locks_exist():
    conversation = ConversationFactory()
    if not connection.features.has_select_for_update:
        assert lifecycle._LOCK.get(conversation.pk) is not None  # SQLite: no row locks
        return
    with pytest.raises(TransactionManagementError):
        lifecycle._LOCK.get(conversation.pk)


def test_a_query_with_no_key_filter_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    def build(pk: object):
        return Conversation.objects.all()

    with pytest.raises(ImproperlyConfigured):
        CompiledGet(build).get(1)


def test_a_move_writes_only_the_columns_it_changed():
    conversation = ConversationFactory(queue=QueueFactory(), status=Status.QUEUED)
    with CaptureQueriesContext(connection) as captured:
        services.conversation_resolve(
            conversation=conversation, principal=SYSTEM, outcome=Outcome.ANSWERED
        )
    (update,) = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
    assigned = update.split(" SET ", 1)[1].split(" WHERE ", 1)[0]
    assert '"status"' in assigned and '"resolved_at"' in assigned
    assert '"subject"' not in assigned and '"priority_bonus"' not in assigned


def test_a_column_changed_by_another_writer_is_not_overwritten():
    """An instance read before another writer's change is no longer written whole: the
    move writes its columns on the row as the lock read it."""
    conversation = ConversationFactory(queue=QueueFactory(), status=Status.QUEUED)
    Conversation.objects.filter(pk=conversation.pk).update(subject="Changé ailleurs")
    services.conversation_resolve(
        conversation=conversation, principal=SYSTEM, outcome=Outcome.ANSWERED
    )
    conversation.refresh_from_db()
    assert conversation.subject == "Changé ailleurs"
    assert conversation.status == Status.RESOLVED


def test_a_json_value_changed_in_place_is_written():
    conversation = ConversationFactory(queue=QueueFactory(), status=Status.QUEUED)
    with transaction.atomic():
        locked = lifecycle._locked(conversation, SYSTEM)
        locked.qualification["note"] = "ajoutée"
        lifecycle.apply_move(
            locked, principal=SYSTEM, move="resolve", inputs={"outcome": Outcome.ANSWERED}
        )
    conversation.refresh_from_db()
    assert conversation.qualification.get("note") == "ajoutée"


def test_a_changed_column_is_still_validated():
    conversation = ConversationFactory(queue=QueueFactory(), status=Status.QUEUED)
    with pytest.raises(ValidationError) as raised, transaction.atomic():
        locked = lifecycle._locked(conversation, SYSTEM)
        locked.subject = "x" * 301  # longer than the column allows
        lifecycle.apply_move(
            locked, principal=SYSTEM, move="resolve", inputs={"outcome": Outcome.ANSWERED}
        )
    assert "subject" in str(raised.value)
    conversation.refresh_from_db()
    assert conversation.status == Status.QUEUED


def test_a_conversation_has_no_save_of_its_own_nor_save_receivers():
    """``workflow._update_columns`` writes a move's columns without ``Model.save``: it
    would skip an override or a receiver added later. Adding one means writing the
    move through ``save(update_fields=...)`` again."""
    from django.db import models
    from django.db.models.signals import post_save, pre_save

    assert Conversation.save is models.Model.save
    assert not pre_save.has_listeners(Conversation)
    assert not post_save.has_listeners(Conversation)
