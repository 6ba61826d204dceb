"""The contact hub's scoping relations (``accounts.scoping.Relation``): how citizen
records and conversations are reached beyond the territorial scope.

- **Organisation** (``organisation``): any grant in the record's organisation (its own,
  a local service's or a site's) sees its citizen records and their whole timeline: the
  conversations of its records, whatever their queue or site.
- **Consent** (``consent``): an active ``CitizenConsent`` on a record covers the
  organisations the principal works in (``scoping.organisations_of``): the record itself
  whatever the categories, its contact points, file numbers and conversations only if
  the consent shares that category. A withdrawal or the expiry stops it at once (the
  condition is evaluated at each query).
- **Queue membership** (``queue_membership``): a ``QueueMember`` of a queue sees its
  conversations (a principal holding a grant somewhere: an agent, a partner referent).

Routing registers the assignment the same way (``scoping.relate(Conversation, ...)``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from parvis.accounts.models import ApiToken
from parvis.accounts.scoping import Grant, Relation, organisations_of, register


def _consents(grants: list[Grant], **category: bool) -> Any:
    from parvis.contacts.models import CitizenConsent

    return (
        CitizenConsent.objects.active()
        .filter(organisations__in=organisations_of(grants), **category)
        .values("citizen")
    )


def consent_relation(citizen_lookup: str, *, category: str | None = None) -> Relation:
    """Objects whose record (``citizen_lookup``, ``pk`` for the record itself) is shared
    with one of the principal's organisations by an active consent (for ``category``)."""
    flags = {f"shares_{category}": True} if category else {}

    def condition(principal: Any, grants: list[Grant]) -> Q | None:
        if not grants:
            return None
        return Q(**{f"{citizen_lookup}__in": _consents(grants, **flags)})

    return Relation(f"consent:{category or 'record'}", condition)


def organisation_relation(organisation_lookup: str) -> Relation:
    """Objects of a record of an organisation the principal works in."""

    def condition(principal: Any, grants: list[Grant]) -> Q | None:
        if not grants:
            return None
        return Q(**{f"{organisation_lookup}__in": organisations_of(grants)})

    return Relation("organisation", condition)


def queue_membership_relation(queue_lookup: str) -> Relation:
    """Conversations of a queue the principal (a person with a grant) is a member of."""

    def condition(principal: Any, grants: list[Grant]) -> Q | None:
        if not grants or isinstance(principal, ApiToken) or principal.pk is None:
            return None
        from parvis.contacts.models import QueueMember

        return Q(
            **{f"{queue_lookup}__in": QueueMember.objects.filter(user=principal).values("queue")}
        )

    return Relation("queue_membership", condition)


def conversation_relations(prefix: str) -> list[Relation]:
    """Relations of a conversation, or of a model reaching it through ``prefix``."""
    return [
        organisation_relation(f"{prefix}citizen__organisation"),
        consent_relation(f"{prefix}citizen", category="timeline"),
        queue_membership_relation(f"{prefix}queue"),
    ]


def register_citizen_records() -> None:
    """Citizen records and what hangs from them: any grant in the organisation, or a
    consent (the record whatever the categories; the rest per category)."""
    from parvis.contacts import models as m

    def in_organisation(prefix: str) -> dict[str, Any]:
        return {
            "organisation": f"{prefix}organisation",
            "local_service": f"{prefix}organisation__local_services",
            "site": f"{prefix}organisation__sites",
        }

    register(m.CitizenRecord, **in_organisation(""), relations=[consent_relation("pk")])
    register(
        m.ContactPoint,
        **in_organisation(""),
        relations=[consent_relation("citizen", category="contact_points")],
    )
    register(
        m.CitizenFileNumber,
        **in_organisation("citizen__"),
        relations=[consent_relation("citizen", category="file_numbers")],
    )
    # The organisations a consent covers see it (how and when it was captured).
    register(m.CitizenConsent, **in_organisation("citizen__"), relations=[_covering_consents()])
    register(m.CitizenMerge, **in_organisation(""))
    register(m.CitizenDistinctPair, **in_organisation(""))
    register(m.RecordAccess, **in_organisation(""))
    register(m.CitizenExperienceLink, **in_organisation("citizen__"))
    register(m.ContactSettings, organisation="organisation", local_service=None, site=None)


def _covering_consents() -> Relation:
    def condition(principal: Any, grants: list[Grant]) -> Q | None:
        if not grants:
            return None
        from parvis.contacts.models import CitizenConsent

        covering = CitizenConsent.objects.active().filter(
            organisations__in=organisations_of(grants)
        )
        return Q(pk__in=covering.values("pk"))

    return Relation("consent:covering", condition)
