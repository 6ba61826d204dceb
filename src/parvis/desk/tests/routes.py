"""Security registry entries of the agent desk (see core/tests/route_registry.py)."""

from parvis.core.tests.route_registry import Route


def _conversation(w, k):  # type: ignore[no-untyped-def]
    from parvis.contacts.tests.factories import ConversationFactory, QueueFactory

    queue = QueueFactory(site=w[k].site, organisation=w[k].org)
    return {"reference": ConversationFactory(queue=queue).reference}


# Actions are POST only: the walk's GET gets 405 in scope, 404 outside it.
_POST_ONLY = {"agent_status": 405, "admin_status": 405}

HTML_ROUTES = {
    "desk:home": Route("login"),
    "desk:fragment_mine": Route("login"),
    "desk:fragment_waiting": Route("login"),
    "desk:fragment_offers": Route("login"),
    "desk:presence": Route("login", **_POST_ONLY),
    "desk:conversation": Route("scoped", kwargs=_conversation),
    "desk:fragment_conversation": Route("scoped", kwargs=_conversation),
    **{
        f"desk:{name}": Route("scoped", kwargs=_conversation, **_POST_ONLY)
        for name in (
            "take",
            "reply",
            "callback",
            "note",
            "transfer",
            "handoff",
            "escalate",
            "resolve",
            "release",
            "motif",
            "offer_answer",
            "priority",
        )
    },
}
