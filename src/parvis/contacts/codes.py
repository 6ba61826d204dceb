"""Public codes of the contact hub's states, as the API and the webhooks publish them
(``core.codes.PublicCodes``: frozen; internal codes may be renamed, these never are)."""

from __future__ import annotations

from parvis.contacts.models import Outcome, Status
from parvis.core.codes import PublicCodes

STATUS_PUBLIC_CODES = PublicCodes(
    {
        Status.NEW: "nouvelle",
        Status.QUEUED: "en-file",
        Status.OFFERED: "proposee",
        Status.ASSIGNED: "prise-en-charge",
        Status.WAITING_CITIZEN: "attente-usager",
        Status.WAITING_PARTNER: "attente-partenaire",
        Status.RESOLVED: "resolue",
        Status.CLOSED: "close",
    }
)

OUTCOME_PUBLIC_CODES = PublicCodes(
    {
        Outcome.ANSWERED: "reponse-apportee",
        Outcome.ANSWERED_END_TO_END: "demarche-de-bout-en-bout",
        Outcome.ORIENTED_PARTNER: "oriente-partenaire",
        Outcome.ESCALATED_LEVEL2: "transmis-niveau-2",
        Outcome.OUT_OF_SCOPE: "hors-champ",
        Outcome.ABANDONED: "abandon",
        Outcome.VOICEMAIL: "message-vocal",
        Outcome.CALLBACK_FAILED: "rappel-sans-reponse",
        Outcome.DUPLICATE: "doublon",
        Outcome.SPAM: "indesirable",
    }
)

# Event kinds are published as they are stored (``conversation_created``…): frozen too.
EVENT_KINDS = ("conversation_created", "conversation_assigned", "conversation_resolved")
