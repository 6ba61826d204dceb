"""Security registry entries of the contact hub (see core/tests/route_registry.py)."""

from parvis.core.tests.route_registry import RelationCase, Route


def _chat_endpoint(w, k):  # type: ignore[no-untyped-def]
    from parvis.contacts.tests.factories import InboundEndpointFactory

    endpoint = InboundEndpointFactory(organisation=w[k].org, connector="chat")
    return {"organisation": endpoint.organisation.slug}


def _conversation(w, k):  # type: ignore[no-untyped-def]
    from parvis.contacts.tests.factories import ConversationFactory, QueueFactory

    queue = QueueFactory(site=w[k].site, organisation=w[k].org)
    return {"reference": ConversationFactory(queue=queue).reference}


def _survey_link(w, k):  # type: ignore[no-untyped-def]
    from parvis.contacts import surveys
    from parvis.contacts.tests.factories import QueueFactory
    from parvis.contacts.tests.survey_factories import (
        ResolvedConversationFactory,
        SurveyInvitationFactory,
    )

    queue = QueueFactory(site=w[k].site, organisation=w[k].org)
    invitation = SurveyInvitationFactory(conversation=ResolvedConversationFactory(queue=queue))
    return {"token": surveys.link_token(invitation.pk)}


HTML_ROUTES = {
    # The citizens' chat widget (anonymous; the WebSocket checks origin, token, limits).
    "contacts:chat": Route("public", kwargs=_chat_endpoint),
    # The post-contact questions: anonymous, the signed, expiring token is the only key.
    "contacts:survey": Route("public", kwargs=_survey_link),
    # Lists scoped by their selectors: nothing organisation-bound in the URL.
    "contacts_backoffice:conversation_list": Route("login"),
    "contacts_backoffice:queue_list": Route("login"),
    "contacts_backoffice:visit_record": Route("login"),
}


# --- Citizen records (issue 14) ------------------------------------------------------------


def _record(w, k):  # type: ignore[no-untyped-def]
    from parvis.contacts.tests.factories import CitizenRecordFactory

    return {"pk": CitizenRecordFactory(organisation=w[k].org).pk}


def _merge(w, k):  # type: ignore[no-untyped-def]
    from parvis.contacts.models import CitizenMerge
    from parvis.contacts.tests.factories import CitizenRecordFactory

    org = w[k].org
    merge = CitizenMerge.objects.create(
        organisation=org,
        survivor=CitizenRecordFactory(organisation=org),
        merged=CitizenRecordFactory(organisation=org),
        moved={},
    )
    return {"merge": merge.pk}


def _two_records(w, k):  # type: ignore[no-untyped-def]
    from parvis.contacts.tests.factories import CitizenRecordFactory

    first, other = CitizenRecordFactory.create_batch(2, organisation=w[k].org)
    return {"pk": first.pk, "other": other.pk}


def _distinct_pair(w, k):  # type: ignore[no-untyped-def]
    from parvis.contacts.models import CitizenDistinctPair

    ids = _two_records(w, k)
    pair = CitizenDistinctPair.objects.create(
        organisation=w[k].org, first_id=ids["pk"], second_id=ids["other"]
    )
    return {"pair": pair.pk}


def _record_child(kind):  # type: ignore[no-untyped-def]
    def build(w, k):  # type: ignore[no-untyped-def]
        from parvis.contacts.models import CitizenFileNumber, ContactPoint
        from parvis.contacts.tests.factories import CitizenConsentFactory, CitizenRecordFactory

        record = CitizenRecordFactory(organisation=w[k].org)
        if kind == "point":
            child = ContactPoint.objects.create(
                organisation=w[k].org,
                citizen=record,
                kind="email",
                value_digest=f"d{record.pk}",
                value_encrypted="x",
            )
        elif kind == "number":
            child = CitizenFileNumber.objects.create(
                citizen=record, kind="organisation_file_number", value="42"
            )
        else:
            child = CitizenConsentFactory(citizen=record)
        return {"pk": record.pk, kind: child.pk}

    return build


def _consent_for_b(w, kwargs):  # type: ignore[no-untyped-def]
    from parvis.contacts.tests.factories import CitizenConsentFactory

    CitizenConsentFactory(citizen_id=kwargs["pk"], organisations=[w["b"].org])


def _withdraw_consents(w, kwargs):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from parvis.contacts.models import CitizenConsent

    CitizenConsent.objects.filter(withdrawn_at=None).update(withdrawn_at=timezone.now())


def _conversation_of(kwargs):  # type: ignore[no-untyped-def]
    from parvis.contacts.models import Conversation

    return Conversation.objects.get(reference=kwargs["reference"])


def _join_queue(w, kwargs):  # type: ignore[no-untyped-def]
    from parvis.contacts.models import QueueMember

    QueueMember.objects.create(queue=_conversation_of(kwargs).queue, user=w["b"].agent)


def _leave_queue(w, kwargs):  # type: ignore[no-untyped-def]
    from parvis.contacts.models import QueueMember

    QueueMember.objects.filter(user=w["b"].agent).delete()


def _consent_on_conversation(w, kwargs):  # type: ignore[no-untyped-def]
    from parvis.contacts.tests.factories import CitizenConsentFactory, CitizenRecordFactory

    conversation = _conversation_of(kwargs)
    conversation.citizen = CitizenRecordFactory(organisation=conversation.organisation)
    conversation.save(update_fields=["citizen"])
    CitizenConsentFactory(citizen=conversation.citizen, organisations=[w["b"].org])


CONSENT = RelationCase("consent", _consent_for_b, _withdraw_consents)
POST_ONLY = {"agent_status": 405, "admin_status": 405}

HTML_ROUTES |= {
    # A conversation is also reached by a member of its queue, and through a consent
    # sharing its citizen's timeline.
    "contacts_backoffice:conversation_detail": Route(
        "scoped",
        kwargs=_conversation,
        relations=(
            RelationCase("queue_membership", _join_queue, _leave_queue),
            RelationCase("consent:timeline", _consent_on_conversation, _withdraw_consents),
        ),
    ),
    "contacts_backoffice:citizen_list": Route("login"),
    "contacts_backoffice:citizen_create": Route("login"),
    "contacts_backoffice:citizen_duplicates": Route("login"),
    "contacts_backoffice:citizen_merge": Route(
        "scoped",
        kwargs=lambda w, k: {"pk": _record(w, k)["pk"], "merged": _record(w, k)["pk"]},
    ),
    "contacts_backoffice:citizen_unmerge": Route("login", kwargs=_merge, **POST_ONLY),
    "contacts_backoffice:citizens_mark_distinct": Route("login", kwargs=_two_records, **POST_ONLY),
    "contacts_backoffice:citizens_unmark_distinct": Route(
        "login", kwargs=_distinct_pair, **POST_ONLY
    ),
    "contacts_backoffice:citizen_sms_consent": Route(
        "login", kwargs=_record_child("point"), **POST_ONLY
    ),
    "contacts_backoffice:citizen_sms_consent_withdraw": Route(
        "login", kwargs=_record_child("point"), **POST_ONLY
    ),
    "contacts_backoffice:citizen_detail": Route("scoped", kwargs=_record, relations=(CONSENT,)),
    "contacts_backoffice:citizen_timeline": Route("scoped", kwargs=_record, relations=(CONSENT,)),
    "contacts_backoffice:citizen_edit": Route("scoped", kwargs=_record),
    "contacts_backoffice:citizen_consent_capture": Route("scoped", kwargs=_record),
    "contacts_backoffice:citizen_accesses": Route("scoped", kwargs=_record, agent_status=403),
    "contacts_backoffice:citizen_export": Route("scoped", kwargs=_record, agent_status=403),
    "contacts_backoffice:citizen_contact_point_add": Route("login", kwargs=_record, **POST_ONLY),
    "contacts_backoffice:citizen_contact_point_remove": Route(
        "login", kwargs=_record_child("point"), **POST_ONLY
    ),
    "contacts_backoffice:citizen_file_number_add": Route("login", kwargs=_record, **POST_ONLY),
    "contacts_backoffice:citizen_file_number_remove": Route(
        "login", kwargs=_record_child("number"), **POST_ONLY
    ),
    "contacts_backoffice:citizen_consent_withdraw": Route(
        "login", kwargs=_record_child("consent"), **POST_ONLY
    ),
}
