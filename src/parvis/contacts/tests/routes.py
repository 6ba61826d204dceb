"""Security registry entries of the contact hub (see core/tests/route_registry.py)."""

from parvis.core.tests.route_registry import Route


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
    "contacts_backoffice:conversation_detail": Route("scoped", kwargs=_conversation),
}
