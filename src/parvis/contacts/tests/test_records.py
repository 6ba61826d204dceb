"""Citizen records (issue 14): scoping by organisation and consent, NIR, merge, access log,
timeline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from parvis.accounts.models import AuditEvent, Role
from parvis.accounts.scoping import forget_grants, has_permission, visible_to
from parvis.accounts.tests.factories import MembershipFactory
from parvis.contacts import selectors
from parvis.contacts.errors import ContactError
from parvis.contacts.models import (
    Call,
    CitizenRecord,
    ContactSettings,
    Conversation,
    Direction,
    Message,
    RecordAccess,
    Status,
)
from parvis.contacts.services import records
from parvis.contacts.tests.factories import (
    CitizenConsentFactory,
    CitizenRecordFactory,
    ConversationFactory,
    QueueFactory,
    QueueMemberFactory,
    channel,
)
from parvis.directory.tests.factories import OrganisationFactory, SiteFactory

pytestmark = pytest.mark.django_db


def _nir(body: str) -> str:
    """A NIR with its right key."""
    number = int(body.replace("2A", "19").replace("2B", "18"))
    return f"{body}{97 - number % 97:02d}"


@pytest.fixture
def caf():
    channel("guichet")
    org = OrganisationFactory(slug="caf-test")
    site = SiteFactory(organisation=org)
    agent = MembershipFactory(organisation=None, site=site, role=Role.AGENT).user
    admin = MembershipFactory(organisation=org, role=Role.ORGANISATION_ADMIN).user
    return org, site, agent, admin


@pytest.fixture
def france_services():
    operator = OrganisationFactory(slug="fs-operateur")
    site = SiteFactory(organisation=operator, france_services=True)
    agent = MembershipFactory(organisation=None, site=site, role=Role.AGENT).user
    return operator, site, agent


def _citizen(org, **kwargs):  # type: ignore[no-untyped-def]
    defaults = {"first_name": "Léa", "last_name": "Martin", "birth_date": dt.date(1990, 5, 4)}
    return CitizenRecordFactory(organisation=org, **(defaults | kwargs))


def test_any_grant_in_the_organisation_sees_its_records_and_another_organisation_does_not(
    caf, france_services
):
    org, _site, site_agent, _admin = caf
    citizen = _citizen(org)
    assert selectors.citizen_record_of(site_agent, citizen.pk) == citizen
    _op, _fs_site, fs_agent = france_services
    assert not visible_to(fs_agent, CitizenRecord.objects.all()).exists()
    assert not has_permission(fs_agent, records_perm(), citizen)


def records_perm():  # type: ignore[no-untyped-def]
    from parvis.accounts.scoping import Perm

    return Perm.VIEW


def test_consent_shares_only_its_categories_until_expiry_or_withdrawal(caf, france_services):
    org, _site, caf_agent, _admin = caf
    operator, _fs_site, fs_agent = france_services
    record = _citizen(operator)
    records.citizen_contact_point_add(
        principal=fs_agent, citizen=record, kind="email", value="lea@exemple.fr"
    )
    records.citizen_file_number_add(
        principal=fs_agent, citizen=record, kind="family_benefits_number", value="1234567"
    )
    assert not visible_to(caf_agent, CitizenRecord.objects.all()).exists()

    consent = records.consent_capture(
        principal=fs_agent,
        citizen=record,
        purpose="procedure_help",
        organisations=[org],
        categories=["identity", "file_numbers"],
        channel="guichet",
    )
    forget_grants(caf_agent)
    assert selectors.citizen_record_of(caf_agent, record.pk) == record
    assert selectors.shared_categories(caf_agent, record) == {"identity", "file_numbers"}
    assert [n.value for n in selectors.citizen_file_numbers(caf_agent, record)] == ["1234567"]
    assert selectors.citizen_contact_points(caf_agent, record) == []  # not shared
    assert selectors.citizen_timeline(caf_agent, record).items == []  # not shared
    # The capturing organisation's agents see everything.
    assert len(selectors.citizen_contact_points(fs_agent, record)) == 1
    # A consent lets read, never write.
    with pytest.raises(ContactError):
        records.citizen_record_update(principal=caf_agent, citizen=record, first_name="X")

    records.consent_withdraw(principal=fs_agent, consent=consent)
    assert not visible_to(caf_agent, CitizenRecord.objects.all()).exists()
    assert AuditEvent.objects.filter(action="consent.withdrawn").count() == 1


def test_an_expired_consent_shares_nothing(caf, france_services):
    org, _site, caf_agent, _admin = caf
    operator, _fs_site, _fs_agent = france_services
    record = _citizen(operator)
    consent = CitizenConsentFactory(citizen=record, organisations=[org])
    assert visible_to(caf_agent, CitizenRecord.objects.all()).get() == record
    consent.expires_at = timezone.now() - dt.timedelta(seconds=1)
    consent.save()
    assert not visible_to(caf_agent, CitizenRecord.objects.all()).exists()


def test_consent_expiry_is_at_most_twelve_months(caf, france_services):
    org, *_ = caf
    operator, _fs_site, fs_agent = france_services
    record = _citizen(operator)
    with pytest.raises(ContactError) as error:
        records.consent_capture(
            principal=fs_agent,
            citizen=record,
            purpose="procedure_help",
            organisations=[org],
            categories=["identity"],
            channel="guichet",
            expires_at=timezone.now() + dt.timedelta(days=400),
        )
    assert error.value.code == "invalid_expiry"


def test_queue_membership_lets_an_agent_of_another_organisation_see_its_conversations(caf):
    org, site, _agent, _admin = caf
    partner = MembershipFactory(organisation=OrganisationFactory(), role=Role.AGENT).user
    conversation = ConversationFactory(queue=QueueFactory(site=site, organisation=org))
    assert not visible_to(partner, Conversation.objects.all()).exists()
    member = QueueMemberFactory(queue=conversation.queue, user=partner)
    assert visible_to(partner, Conversation.objects.all()).get() == conversation
    member.delete()
    assert not visible_to(partner, Conversation.objects.all()).exists()


def test_nir_is_stored_encrypted_found_by_exact_digest_and_shown_masked(caf):
    org, _site, agent, admin = caf
    citizen = _citizen(org)
    nir = _nir("1900533063001")
    with pytest.raises(ContactError) as error:
        records.citizen_nir_set(principal=agent, citizen=citizen, nir=nir)
    assert error.value.code == "nir_not_allowed"
    records.contact_settings_save(principal=admin, organisation=org, nir_allowed=True)
    with pytest.raises(ContactError):
        records.citizen_nir_set(principal=agent, citizen=citizen, nir=nir[:-2] + "00")
    records.citizen_nir_set(principal=agent, citizen=citizen, nir=nir[:5] + " " + nir[5:])
    citizen.refresh_from_db()
    assert nir not in citizen.nir_encrypted and citizen.nir_digest
    assert selectors.citizen_nir_masked(agent, citizen) == "•" * 12 + nir[-3:]
    assert list(selectors.citizen_records_by_nir(agent, nir)) == [citizen]
    assert not selectors.citizen_records_by_nir(agent, nir[:-1]).exists()  # partial: no
    assert not selectors.citizen_records_by_nir(agent, nir[-3:]).exists()
    # Never through the ordinary search (names, addresses, numbers).
    assert not selectors.citizen_records_for(agent, query=nir).exists()
    # Nor from another organisation, even with a consent sharing the record.
    other_org = OrganisationFactory()
    CitizenConsentFactory(citizen=citizen, organisations=[other_org])
    outsider = MembershipFactory(organisation=other_org, role=Role.AGENT).user
    assert not selectors.citizen_records_by_nir(outsider, nir).exists()
    assert selectors.citizen_nir_masked(outsider, citizen) == ""
    assert nir not in str(AuditEvent.objects.values_list("data", flat=True))
    # Turning the setting off erases the stored NIRs.
    records.contact_settings_save(principal=admin, organisation=org, nir_allowed=False)
    citizen.refresh_from_db()
    assert citizen.nir_digest == "" and citizen.nir_encrypted == ""
    assert not ContactSettings.objects.get(organisation=org).nir_allowed


def test_search_by_name_email_phone_and_file_number(caf):
    org, _site, agent, _admin = caf
    citizen = _citizen(org, first_name="Élodie", last_name="Lefèvre")
    _citizen(org, first_name="Paul", last_name="Durand")
    records.citizen_contact_point_add(
        principal=agent, citizen=citizen, kind="email", value="Elodie@Exemple.fr"
    )
    records.citizen_contact_point_add(
        principal=agent, citizen=citizen, kind="phone", value="06 12 34 56 78"
    )
    records.citizen_file_number_add(
        principal=agent, citizen=citizen, kind="family_benefits_number", value="77 001"
    )
    for query in ("lefevre", "elodie lefèvre", "elodie@exemple.fr", "0612345678", "77001"):
        assert list(selectors.citizen_records_for(agent, query=query)) == [citizen], query
    other = MembershipFactory(organisation=OrganisationFactory(), role=Role.AGENT).user
    assert not selectors.citizen_records_for(other, query="lefevre").exists()


def test_merge_and_unmerge_are_audited_and_put_everything_back(caf):
    org, site, agent, _admin = caf
    survivor = _citizen(org)
    duplicate = _citizen(org, display_name="L. Martin")
    conversation = ConversationFactory(
        queue=QueueFactory(site=site, organisation=org), citizen=duplicate
    )
    records.citizen_file_number_add(
        principal=agent, citizen=duplicate, kind="tax_number", value="123456789"
    )
    proposals = selectors.duplicate_proposals(agent)
    assert [(p.first, p.second) for p in proposals] == [(survivor, duplicate)]

    merge = records.citizens_merge(principal=agent, survivor=survivor, merged=duplicate)
    conversation.refresh_from_db()
    duplicate.refresh_from_db()
    assert conversation.citizen == survivor and duplicate.merged_into == survivor
    assert survivor.file_numbers.get().value == "123456789"
    assert selectors.duplicate_proposals(agent) == []

    records.citizens_unmerge(principal=agent, merge=merge)
    conversation.refresh_from_db()
    duplicate.refresh_from_db()
    assert conversation.citizen == duplicate and duplicate.merged_into is None
    assert duplicate.file_numbers.get().value == "123456789"
    assert list(
        AuditEvent.objects.filter(action__startswith="citizen.")
        .order_by("pk")
        .values_list("action", flat=True)
    )[-2:] == ["citizen.merged", "citizen.unmerged"]
    with pytest.raises(ContactError):
        records.citizens_unmerge(principal=agent, merge=merge)


def test_a_pair_declared_distinct_is_no_longer_proposed_until_undone(caf):
    org, _site, agent, _admin = caf
    first, second = _citizen(org), _citizen(org, display_name="L. Martin")
    third = _citizen(org, display_name="Léa M.")
    assert len(selectors.duplicate_proposals(agent)) == 3
    # Declared from either end, stored once as the ordered pair, audited with ids only.
    pair = records.citizens_mark_distinct(principal=agent, first=second, second=first)
    again = records.citizens_mark_distinct(principal=agent, first=first, second=second)
    assert pair == again
    assert (pair.first, pair.second, pair.organisation, pair.dismissed_by) == (
        first,
        second,
        org,
        agent,
    )
    event = AuditEvent.objects.get(action="citizen.marked_distinct")
    assert event.data == {"other_id": second.pk, "pair_id": pair.pk}
    assert [(p.first, p.second) for p in selectors.duplicate_proposals(agent)] == [
        (first, third),
        (second, third),
    ]
    # Scoped like the merges: another organisation's agent neither sees nor declares.
    stranger = MembershipFactory(organisation=OrganisationFactory(), role=Role.AGENT).user
    assert not visible_to(stranger, type(pair).objects.all()).exists()
    assert list(selectors.distinct_pairs_for(agent)) == [pair]
    with pytest.raises(ContactError):
        records.citizens_mark_distinct(principal=stranger, first=first, second=third)
    with pytest.raises(ContactError):
        records.citizens_mark_distinct(
            principal=agent, first=first, second=_citizen(OrganisationFactory())
        )
    records.citizens_unmark_distinct(principal=agent, pair=pair)
    assert len(selectors.duplicate_proposals(agent)) == 3
    assert AuditEvent.objects.filter(action="citizen.unmarked_distinct").count() == 1


def test_merging_a_pair_declared_distinct_removes_the_declaration_and_unmerging_restores_it(
    caf,
):
    org, _site, agent, _admin = caf
    first, second = _citizen(org), _citizen(org)
    pair = records.citizens_mark_distinct(principal=agent, first=first, second=second)
    merge = records.citizens_merge(principal=agent, survivor=second, merged=first)
    assert not type(pair).objects.exists()
    records.citizens_unmerge(principal=agent, merge=merge)
    restored = type(pair).objects.get()
    assert (restored.first, restored.second, restored.dismissed_by) == (first, second, agent)
    assert restored.dismissed_at == pair.dismissed_at
    assert selectors.duplicate_proposals(agent) == []


def test_merge_refuses_another_organisations_records(caf):
    org, _site, agent, _admin = caf
    with pytest.raises(ContactError):
        records.citizens_merge(
            principal=agent, survivor=_citizen(org), merged=_citizen(OrganisationFactory())
        )


def test_access_log_keeps_one_row_per_agent_record_and_window(caf):
    org, _site, agent, _admin = caf
    citizen = _citizen(org)
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    for minutes in (0, 3, 14):
        records.record_access_note(
            agent=agent, citizen=citizen, now=start + dt.timedelta(minutes=minutes)
        )
    records.record_access_note(agent=agent, citizen=citizen, now=start + dt.timedelta(minutes=15))
    rows = list(RecordAccess.objects.order_by("window_start"))
    assert [(r.window_start.minute, r.views) for r in rows] == [(0, 3), (15, 1)]
    # Kept a year, then purged by the daily purge.
    assert records.record_accesses_purge(now=start + dt.timedelta(days=365, minutes=10)) == 1
    assert RecordAccess.objects.count() == 1


def _history(org, site, citizen, n):  # type: ignore[no-untyped-def]
    """``n`` interactions: conversations of 3 messages and a call every 5th."""
    queue = QueueFactory(site=site, organisation=org)
    base = timezone.now() - dt.timedelta(days=30)
    email, phone = channel("courriel"), channel("telephone")
    count = 0
    index = 0
    while count < n:
        at = base + dt.timedelta(minutes=10 * index)
        conv = ConversationFactory(
            queue=queue,
            citizen=citizen,
            channel=phone if index % 5 == 0 else email,
            created_at=at,
            status=Status.RESOLVED,
        )
        count += 1
        Message.objects.bulk_create(
            Message(
                conversation=conv,
                direction=Direction.INBOUND if k % 2 == 0 else Direction.OUTBOUND,
                channel=conv.channel,
                body_masked=f"Message {k} de la conversation {index}",
                created_at=at + dt.timedelta(minutes=k + 1),
            )
            for k in range(3)
        )
        count += 3
        if index % 5 == 0:
            from parvis.contacts.tests.factories import InboundEndpointFactory

            Call.objects.create(
                conversation=conv,
                endpoint=InboundEndpointFactory(organisation=org, connector="telephone"),
                call_id=f"call-{index}",
                started_at=at,
            )
            count += 1
        index += 1


def test_timeline_is_newest_first_paginated_filtered_and_bounded_in_queries(caf):
    org, site, agent, _admin = caf
    citizen = _citizen(org)
    _history(org, site, citizen, 500)
    with CaptureQueriesContext(connection) as first:
        page = selectors.citizen_timeline(agent, citizen)
    assert len(first.captured_queries) <= 12, [q["sql"][:120] for q in first.captured_queries]
    assert len(page.items) == 50 and page.next_cursor
    times = [i.at for i in page.items]
    assert times == sorted(times, reverse=True)
    seen = {(i.kind, i.pk) for i in page.items}
    total = len(page.items)
    cursor = page.next_cursor
    while cursor:
        forget_grants(agent)
        with CaptureQueriesContext(connection) as later:
            page = selectors.citizen_timeline(agent, citizen, before=cursor)
        assert len(later.captured_queries) <= 12
        assert not seen & {(i.kind, i.pk) for i in page.items}
        seen |= {(i.kind, i.pk) for i in page.items}
        total += len(page.items)
        cursor = page.next_cursor
    expected = (
        Conversation.objects.filter(citizen=citizen).count()
        + Message.objects.filter(conversation__citizen=citizen).count()
        + Call.objects.filter(conversation__citizen=citizen).count()
    )
    assert total == expected >= 500
    calls_only = selectors.citizen_timeline(agent, citizen, channel="telephone", limit=200)
    assert {i.channel for i in calls_only.items} == {"Téléphone"}
    assert not selectors.citizen_timeline(agent, citizen, motif="inconnu").items


def test_a_visit_elsewhere_reaches_the_timeline_only_with_a_consent_sharing_it(
    caf, france_services
):
    org, _site, caf_agent, _admin = caf
    operator, fs_site, fs_agent = france_services
    caf_record = _citizen(org)
    fs_record = _citizen(operator)
    from parvis.contacts.services import visit_record
    from parvis.directory.tests.factories import MotifFactory

    visit = visit_record(
        principal=fs_agent,
        site=fs_site,
        motif=MotifFactory(organisation=operator),
        outcome="answered",
        minutes=10,
        citizen=fs_record,
    )
    assert visit.citizen == fs_record
    assert selectors.citizen_timeline(caf_agent, caf_record).items == []
    consent = records.consent_capture(
        principal=fs_agent,
        citizen=fs_record,
        purpose="procedure_help",
        organisations=[org],
        categories=["identity", "timeline"],
        channel="guichet",
    )
    items = selectors.citizen_timeline(caf_agent, caf_record).items
    assert [i.conversation for i in items if i.kind == "conversation"] == [visit]
    assert items[0].is_visit
    records.consent_withdraw(principal=fs_agent, consent=consent)
    assert selectors.citizen_timeline(caf_agent, caf_record).items == []


def test_the_timeline_shows_a_message_without_text_by_its_subject(caf):
    """A call's record has no text: it is no « texte en cours de masquage » for ever."""
    org, site, agent, _admin = caf
    citizen = _citizen(org)
    _history(org, site, citizen, 1)
    conversation = Conversation.objects.filter(citizen=citizen).first()
    Message.objects.create(
        conversation=conversation,
        direction=Direction.INBOUND,
        channel_id="telephone",
        subject="Appel téléphonique",
    )
    texts = [
        i.text for i in selectors.citizen_timeline(agent, citizen).items if i.kind == "message"
    ]
    assert "Appel téléphonique" in texts
    assert "(texte en cours de masquage)" not in texts


def test_a_conversation_reached_through_a_consent_is_in_the_history_not_in_the_work_lists(
    caf, france_services, client
):
    """A France Services visit shared by the citizen's consent is read from the record
    (and may be opened), but it is not the CAF's work: neither the conversations list, nor
    the dashboard's « en attente d'un agent » count it; the queues listed to a person are
    those whose conversations that list shows (a member of a queue outside their scope
    sees it)."""
    org, site, caf_agent, _admin = caf
    operator, fs_site, _fs_agent = france_services
    fs_record = _citizen(operator)
    fs_queue = QueueFactory(site=fs_site)
    waiting_at_fs = ConversationFactory(queue=fs_queue, citizen=fs_record)
    own_queue = QueueFactory(site=site)
    QueueMemberFactory(queue=own_queue, user=caf_agent)
    own = ConversationFactory(queue=own_queue)
    CitizenConsentFactory(citizen=fs_record, organisations=[org], shares_timeline=True)
    forget_grants(caf_agent)

    # Readable through the consent ...
    assert selectors.conversation_for(caf_agent, waiting_at_fs.reference) == waiting_at_fs
    # ... but not listed as work.
    queued = selectors.ConversationFilters(status=Status.QUEUED)
    assert list(selectors.conversations_for_list(caf_agent, queued)) == [own]
    assert [load.queue for load in selectors.queue_loads(caf_agent)] == [own_queue]
    client.force_login(caf_agent)
    page = client.get("/espace-agents/contacts/conversations/?statut=queued")
    assert own.reference in page.content.decode()
    assert waiting_at_fs.reference not in page.content.decode()

    # A member of the France Services queue (a partner's referent) works it: listed.
    QueueMemberFactory(queue=fs_queue, user=caf_agent)
    assert set(selectors.conversations_for_list(caf_agent, queued)) == {own, waiting_at_fs}
    assert {load.queue for load in selectors.queue_loads(caf_agent)} == {own_queue, fs_queue}


def test_a_search_with_no_word_finds_nothing_rather_than_every_record(caf):
    org, _site, agent, _admin = caf
    _citizen(org, first_name="Élodie", last_name="Lefèvre")
    for query in ("😀", "???", " . - "):
        assert not selectors.citizen_records_for(agent, query=query).exists(), query
    assert selectors.citizen_records_for(agent, query="").exists()
