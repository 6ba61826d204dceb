"""French labels of the audit journal: each action's label and the labels of the codes
inside its data (states, reasons, roles...), registered by the app that owns the action.

``audit_record`` stores codes (``experience.publish``, ``{"from": "in_moderation"}``);
people read them through ``action_label`` and ``details``, which never show a code: an
unregistered action reads « Action enregistrée », an unknown data key is left out.

Each app declares its actions in its own ``audit.py`` (found on first use, like admin
modules), with the value labels taken from its models' choices::

    from parvis.accounts.audit import AuditAction, register

    register(
        AuditAction("experience.publish", "Expérience publiée", values={"to": STATES}),
    )

A new ``audit_record(action=...)`` needs its ``AuditAction``:
``accounts/tests/test_audit_labels.py`` fails on any action written in the code and
not registered.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from parvis.core import french

UNKNOWN_ACTION = _("Action enregistrée")
SYSTEM = _("Système")
UNNAMED_CITIZEN = _("Un usager")
# ``AuditEvent.actor_label`` of a citizen whose identity the organisation may not see.
CITIZEN_ACTOR = "citizen"

# Labels = {code: French label}, e.g. ``dict(ExperienceStatus.choices)``.
Labels = Mapping[str, Any]


@dataclass(frozen=True)
class AuditAction:
    """``code`` as stored; ``label`` in French; ``values`` maps a key of the row's data to
    the labels of its codes (``"from"``/``"to"`` with the states, ``"reason"``...)."""

    code: str
    label: Any
    values: Mapping[str, Labels] = field(default_factory=dict)


_ACTIONS: dict[str, AuditAction] = {}
_discovered = False


def register(*actions: AuditAction) -> None:
    for action in actions:
        _ACTIONS[action.code] = action


def registered() -> dict[str, AuditAction]:
    """Every registered action (each app's ``audit`` module imported on first call)."""
    global _discovered
    if not _discovered:
        autodiscover_modules("audit")
        _discovered = True
    return _ACTIONS


def action_label(code: str) -> str:
    action = registered().get(code)
    return str(action.label) if action is not None else str(UNKNOWN_ACTION)


def actor_label(actor_label: str) -> str:
    """The stored ``actor_label`` of a row without an account: « Système », « Un usager »
    (a citizen on their own experience, never named to the organisation), or the API
    token's prefix."""
    if actor_label == "system":
        return str(SYSTEM)
    if actor_label == CITIZEN_ACTOR:
        return str(UNNAMED_CITIZEN)
    if actor_label.startswith("token:"):
        return f"Jeton d’API {actor_label.removeprefix('token:')}…"
    return actor_label


def target_label(target_type: str) -> str:
    """``voice.experience`` → « expérience » (the model's French name)."""
    try:
        model = apps.get_model(target_type)
    except (LookupError, ValueError):
        return target_type
    return str(model._meta.verbose_name)


# What each key of the data is, in French. The value follows ``: ``; ``None`` values and
# keys not listed here are left out.
DATA_KEYS: dict[str, str] = {
    "reference": "référence",
    "role": "rôle",
    "user_id": "compte n°",
    "prefix": "jeton",
    "scope": "droits",
    "reason": "motif",
    "outcome": "issue",
    "source": "dépôt",
    "proposer_kind": "proposée par",
    "removed": "masquages retirés",
    "added": "masquages ajoutés",
    "working_days": "jours ouvrés d’attente",
    "recipients": "destinataires",
    "template_id": "modèle n°",
    "masking_changed": "masquage modifié",
    "sensitive": "sensible",
    "kind": "type",
    "commune": "commune (code INSEE)",
    "departements": "départements",
    "fields": "champs modifiés",
    "intervals": "plages horaires",
    "date": "date",
    "period": "période",
    "is_closed": "fermé",
    "created": "nouvelle date",
    "is_platform_admin": "administrateur de la plateforme",
    "target_working_days": "délai cible (jours ouvrés)",
    "escalation_working_days": "escalade après (jours ouvrés)",
    "due_dates_changed": "échéances recalculées",
    "commitment": "engagement n°",
    "evidence": "liens justificatifs",
}


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _value(value: Any, labels: Labels) -> str:
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(item, labels) for item in value)
    if isinstance(value, str) and value not in labels and _ISO_DATE.fullmatch(value):
        # Dates are stored as ISO text in the row's JSON: « 1er janvier 2025 » on the page.
        return french.date(dt.date.fromisoformat(value), "j F Y")
    return str(labels.get(value, value)) if isinstance(value, str) else str(value)


def details(code: str, data: Mapping[str, Any], *, field_labels: Labels | None = None) -> str:
    """A French one-liner of a row's data: « de « Publiée » à « Répondue », motif : … ».

    ``field_labels`` names the target model's fields (for ``fields``: which fields an
    update changed)."""
    action = registered().get(code)
    values: Mapping[str, Labels] = action.values if action is not None else {}
    values = {**values, "fields": field_labels or {}}
    parts: list[str] = []
    source, target = data.get("from"), data.get("to")
    if target not in (None, ""):
        states = values.get("to", {})
        if source not in (None, ""):  # « de « 0 » à « 300 » », not « état : « 300 » »
            parts.append(f"de « {_value(source, states)} » à « {_value(target, states)} »")
        else:
            parts.append(f"état : « {_value(target, states)} »")
    for key, name in DATA_KEYS.items():
        value = data.get(key)
        if value is None or value == "" or value == []:
            continue
        parts.append(f"{name} : {_value(value, values.get(key, {}))}")
    return ", ".join(parts)


def vocabulary() -> Iterable[str]:
    """Every stored code the journal translates: the actions and the codes of their data
    (``parvis.testing.stored_codes`` checks that none reaches a page)."""
    for action in registered().values():
        yield action.code
        for labels in action.values.values():
            yield from (str(code) for code in labels)


def _register_accounts_actions() -> None:
    from parvis.accounts.models import ApiToken, Role

    roles = dict(Role.choices)
    register(
        AuditAction("membership.granted", _("Rôle attribué"), values={"role": roles}),
        AuditAction(
            "membership.role_changed", _("Rôle modifié"), values={"from": roles, "to": roles}
        ),
        AuditAction("membership.revoked", _("Rôle retiré"), values={"role": roles}),
        AuditAction(
            "api_token.created",
            _("Jeton d’API créé"),
            values={"scope": dict(ApiToken.Scope.choices)},
        ),
        AuditAction("api_token.revoked", _("Jeton d’API révoqué")),
        AuditAction(
            "user.platform_admin_changed", _("Droits d’administrateur de la plateforme modifiés")
        ),
        AuditAction("account.signed_up", _("Compte usager créé")),
        AuditAction("account.activated", _("Compte usager activé")),
        AuditAction("account.invited", _("Agent invité à créer son mot de passe")),
        AuditAction("account.invitation_accepted", _("Invitation acceptée, compte activé")),
        AuditAction("account.deleted_by_owner", _("Compte supprimé par son titulaire")),
        AuditAction("account.password_changed", _("Mot de passe changé par son titulaire")),
        AuditAction(
            "account.email_change_requested",
            _("Changement d’adresse électronique demandé (lien envoyé à la nouvelle adresse)"),
        ),
        AuditAction("account.email_changed", _("Adresse électronique changée (vérifiée)")),
    )


_register_accounts_actions()
