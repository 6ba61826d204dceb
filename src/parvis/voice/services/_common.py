"""What every part of voice's services shares: the domain error, the capacities in
which moves are made and the text limits (the text cleaning is ``core.text.clean_text``).
"""

from __future__ import annotations

from typing import Any

import structlog

from parvis.accounts.models import ApiToken
from parvis.core.errors import ParvisError
from parvis.core.workflow import WorkflowError
from parvis.voice.events import experience_changed
from parvis.voice.models import Experience, ExperienceStatus

# One logger for the package: log records keep the name they had before the split.
logger = structlog.get_logger("parvis.voice.services")

S = ExperienceStatus
TITLE_MAX = 200
TEXT_MAX = 5000
ANSWER_MIN = 10


class VoiceError(ParvisError):
    """A domain rule refused the action; ``code`` is stable, ``message`` is French."""


class Actor:
    """Capacities in which moves are made (recorded in the logs' ``actor_label``)."""

    AUTHOR = "auteur"
    MODERATOR = "modérateur"
    SYSTEM = "système"
    AGENT = "agent d’accueil"
    SERVICE = "service concerné"
    PARTNER = "site partenaire (API)"


def unnamed_author(actor: Any, actor_label: str) -> Any:
    """Who the logs of a move keep: nobody for the author's own moves. Staff of the
    organisation read the history and the audit journal; they must not learn who wrote
    an experience (the citizen may share it by joining it to their citizen record). The
    experience's ``author`` keeps the account for « Mes expériences »."""
    return None if actor_label == Actor.AUTHOR else actor


def _voice_error(error: WorkflowError) -> VoiceError:
    return VoiceError(error.code, error.message, field=error.field, status=error.status)


def _changed_on_commit(experience: Experience) -> None:
    experience_changed.send_on_commit(experience.pk)


def is_api_token(principal: Any) -> bool:
    return isinstance(principal, ApiToken)
