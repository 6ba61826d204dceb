"""A lifecycle move checks the person's scope once, on the row it locked: read off the
instance when a grant covers its own columns, asked of the database otherwise; the
move's guard reuses that answer. The refusals stay what they were."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parvis.accounts.models import Role
from parvis.accounts.scoping import Perm, has_permission
from parvis.accounts.tests.factories import MembershipFactory
from parvis.contacts import services, workflow
from parvis.contacts.errors import ContactError
from parvis.contacts.models import Conversation, Status
from parvis.contacts.tests.factories import ConversationFactory, QueueFactory, QueueMemberFactory

pytestmark = pytest.mark.django_db


def _permission_queries(captured: CaptureQueriesContext) -> list[str]:
    """The scope checks among the statements: only they ask for the person's queue
    memberships (the ``queue_membership`` relation)."""
    return [q["sql"] for q in captured.captured_queries if '"contacts_queuemember"' in q["sql"]]


def test_a_fresh_row_in_the_grants_organisation_needs_no_query():
    queue = QueueFactory()
    agent = MembershipFactory(organisation=queue.organisation, role=Role.AGENT).user
    conversation = Conversation.objects.get(pk=ConversationFactory(queue=queue).pk)
    with CaptureQueriesContext(connection) as captured:
        assert has_permission(agent, Perm.VIEW, conversation, fresh=True)
    assert _permission_queries(captured) == []


def test_a_fresh_row_out_of_scope_is_still_asked_and_refused():
    queue = QueueFactory()
    stranger = MembershipFactory(role=Role.AGENT).user  # another organisation
    conversation = Conversation.objects.get(pk=ConversationFactory(queue=queue).pk)
    with CaptureQueriesContext(connection) as captured:
        assert not has_permission(stranger, Perm.VIEW, conversation, fresh=True)
    assert len(_permission_queries(captured)) == 1


def test_without_fresh_an_instance_changed_in_memory_is_not_trusted():
    """The stored row decides: moving an instance into the agent's organisation in
    memory gives nothing."""
    queue = QueueFactory()
    stranger = MembershipFactory(role=Role.AGENT)
    conversation = ConversationFactory(queue=queue)
    conversation.organisation_id = stranger.organisation_id
    assert not has_permission(stranger.user, Perm.VIEW, conversation)


def test_a_relation_still_counts_when_the_columns_do_not():
    """A queue member of another organisation (a France Services partner) sees the
    queue's conversations: the fast path says « ask », the query says yes."""
    queue = QueueFactory()
    partner = MembershipFactory(role=Role.AGENT).user
    QueueMemberFactory(queue=queue, user=partner)
    conversation = Conversation.objects.get(pk=ConversationFactory(queue=queue).pk)
    assert has_permission(partner, Perm.VIEW, conversation, fresh=True)


def test_a_move_checks_the_scope_once_and_the_guard_reuses_it():
    queue = QueueFactory()
    partner = MembershipFactory(role=Role.AGENT).user
    QueueMemberFactory(queue=queue, user=partner)  # reached through a relation: one query
    conversation = ConversationFactory(queue=queue, status=Status.QUEUED)
    with CaptureQueriesContext(connection) as captured:
        services.conversation_assign(conversation=conversation, principal=partner)
    assert len(_permission_queries(captured)) == 1


def test_a_person_out_of_scope_gets_not_found_and_nothing_changes():
    queue = QueueFactory()
    stranger = MembershipFactory(role=Role.AGENT).user
    conversation = ConversationFactory(queue=queue, status=Status.QUEUED)
    with pytest.raises(ContactError) as raised:
        services.conversation_assign(conversation=conversation, principal=stranger)
    assert raised.value.status == 404
    conversation.refresh_from_db()
    assert conversation.status == Status.QUEUED and conversation.assignee_id is None


def test_a_conversation_that_does_not_exist_is_not_found():
    queue = QueueFactory()
    agent = MembershipFactory(organisation=queue.organisation, role=Role.AGENT).user
    with pytest.raises(ContactError) as raised:
        services.conversation_assign(conversation=Conversation(pk=987654321), principal=agent)
    assert raised.value.status == 404


def test_the_guard_does_not_trust_another_persons_answer():
    queue = QueueFactory()
    agent = MembershipFactory(organisation=queue.organisation, role=Role.AGENT).user
    stranger = MembershipFactory(role=Role.AGENT).user
    conversation = ConversationFactory(queue=queue)
    workflow.remember_seen_by(conversation, agent)
    assert workflow.can_handle(agent, conversation)
    assert not workflow.can_handle(stranger, conversation)
