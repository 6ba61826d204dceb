"""Writes of the simplification app: propose, mask, moderate and decide, support.

Every status change goes through ``simplification_request_transition``, which applies a
move of ``workflow.LIFECYCLE`` (writing the history row) and writes the audit row, then, after
commit, tells the ``publication`` app (``events.request_changed``) and notifies the
proposer (Celery task). Services raise ``SimplificationError`` (a stable ``code`` and a
French message) or ``PermissionDenied``; views and the API translate them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import structlog
from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from parvis.accounts.models import ApiToken, User
from parvis.accounts.scoping import Perm, has_permission, roles_of
from parvis.accounts.services import audit_record
from parvis.core.crypto import decrypt_text, email_digest, encrypt_text
from parvis.core.errors import ParvisError
from parvis.core.http import absolute_url
from parvis.core.queue import send_on_commit
from parvis.core.services import next_reference
from parvis.core.text import search_key
from parvis.core.workflow import Move, Step, WorkflowError
from parvis.directory.models import Motif, Organisation, Theme
from parvis.messaging.services import message_send_now
from parvis.simplification import events, workflow
from parvis.simplification.models import (
    FINAL_STATUSES,
    PUBLIC_STATUSES,
    ProposerKind,
    SimplificationRequest,
    Source,
    Status,
    StatusChange,
    Support,
)

logger = structlog.get_logger(__name__)

# Size limits, shared by the form, the API schemas and the services.
PROCEDURE_MAX = 200
TEXT_MAX = 3000
COMMENT_MAX = 1000
CERFA_PATTERN = r"^[0-9]{5}(\*[0-9]{2})?$"
_CERFA_NOISE = re.compile(r"(?i)cerfa|n°|no\.?|\s")
SUPPORT_SALT = "parvis.simplification.support"
# References read SIMP-<year>-<n>, numbered per year by ``core.services.next_reference``.
REFERENCE_PREFIX = "SIMP"


class SimplificationError(ParvisError):
    """A refusal of the domain, with a stable ``code``, a French ``message`` and the field."""

    statuses = {"transition_not_allowed": 409, "not_masked": 409}


def support_token_max_age() -> int:
    return settings.SIMPLIFICATION_SUPPORT_TOKEN_MAX_AGE


def normalise_cerfa(value: str) -> str:
    """« Cerfa n° 10840*07 » → « 10840*07 »; raise if it is not a Cerfa number."""
    cleaned = _CERFA_NOISE.sub("", value or "")
    if cleaned and not re.match(CERFA_PATTERN, cleaned):
        raise SimplificationError(
            "invalid_cerfa",
            "Le numéro Cerfa comporte 5 chiffres, suivis éventuellement d’une étoile et de "
            "2 chiffres (par exemple 10840*07).",
            "cerfa_number",
        )
    return cleaned


def _require_text(value: str, field: str, label: str, maximum: int) -> str:
    if not value or not value.strip():
        raise SimplificationError("required", f"Indiquez {label}.", field)
    if len(value) > maximum:
        raise SimplificationError(
            "too_long",
            f"Ce texte est trop long ({len(value)} caractères, {maximum} au plus).",
            field,
        )
    return value.strip()


def _after_commit_changed(request: SimplificationRequest, change: StatusChange | None) -> None:
    from parvis.simplification import tasks

    request_id = request.pk
    events.request_changed.send_on_commit(request_id)
    if change is not None:
        change_id = change.pk
        send_on_commit(tasks.notify_proposer, change_id)


# --- Propose ------------------------------------------------------------------------------


@transaction.atomic
def simplification_request_propose(
    *,
    organisation: Organisation,
    procedure_name: str,
    difficulty: str,
    proposal: str,
    cerfa_number: str = "",
    motif: Motif | None = None,
    theme: Theme | None = None,
    proposer_email: str = "",
    proposer_user: User | None = None,
    proposer_kind: str | None = None,
    api_token: ApiToken | None = None,
    now: dt.datetime | None = None,
) -> SimplificationRequest:
    """Record a proposal; nothing is public until moderation publishes the masked texts.

    A signed-in user who holds a role in any organisation proposes as an agent. The texts
    are masked by the language engine in a Celery task after commit.
    """
    now = now or timezone.now()
    if not organisation.is_active:
        raise SimplificationError(
            "unknown_organisation", "Cet organisme n’est plus actif.", "organisation"
        )
    if motif is not None and motif.organisation_id != organisation.pk:
        raise SimplificationError(
            "motif_mismatch", "Ce motif ne correspond pas à l’organisme choisi.", "motif"
        )
    texts = {
        "procedure_name": _require_text(
            procedure_name, "procedure_name", "la démarche ou le formulaire", PROCEDURE_MAX
        ),
        "difficulty": _require_text(difficulty, "difficulty", "ce qui est difficile", TEXT_MAX),
        "proposal": _require_text(proposal, "proposal", "votre proposition", TEXT_MAX),
    }
    if proposer_kind is None:
        is_agent = proposer_user is not None and bool(roles_of(proposer_user))
        proposer_kind = ProposerKind.AGENT if is_agent else ProposerKind.CITIZEN
    email = (proposer_email or "").strip()
    year = timezone.localtime(now).year
    request = SimplificationRequest(
        reference=next_reference(REFERENCE_PREFIX, year),
        year=year,
        organisation=organisation,
        motif=motif,
        theme=theme,
        cerfa_number=normalise_cerfa(cerfa_number),
        original_texts_encrypted=encrypt_text(json.dumps(texts, ensure_ascii=False)),
        proposer_kind=proposer_kind,
        proposer_user=proposer_user,
        proposer_email_encrypted=encrypt_text(email) if email else "",
        proposer_email_digest=email_digest(email, purpose="simplification") if email else "",
        source=Source.API if api_token is not None else Source.WEB,
        api_token=api_token,
        submitted_at=now,
        status_changed_at=now,
    )
    change = workflow.LIFECYCLE.apply(
        request,
        move="propose",
        principal=proposer_user or api_token,
        actor_label=_actor_label(proposer_user or api_token),
        now=now,
    ).log
    audit_record(
        actor=proposer_user or api_token,
        action="simplification.request_proposed",
        target=request,
        data={
            "reference": request.reference,
            "source": request.source,
            "proposer_kind": proposer_kind,
        },
    )
    from parvis.simplification import tasks

    request_id = request.pk
    send_on_commit(tasks.mask_request_texts, request_id)
    if email or proposer_user is not None:
        change_id = change.pk
        send_on_commit(tasks.notify_proposer, change_id)
    logger.info(
        "simplification_request_proposed", reference=request.reference, source=str(request.source)
    )
    return request


def original_texts(request: SimplificationRequest) -> dict[str, str]:
    """The proposer's own words, for moderators only (empty once purged)."""
    if not request.original_texts_encrypted:
        return {}
    return json.loads(decrypt_text(request.original_texts_encrypted))


_mask = workflow.mask


def _search_text(request: SimplificationRequest) -> str:
    return search_key(
        " ".join(
            (
                request.reference,
                request.cerfa_number,
                request.procedure_name,
                request.difficulty,
                request.proposal,
            )
        )
    )


@transaction.atomic
def simplification_request_mask(*, request: SimplificationRequest) -> SimplificationRequest:
    """Mask personal data of the proposer's texts (language engine); idempotent."""
    request = SimplificationRequest.objects.select_for_update().get(pk=request.pk)
    if request.masked_at is not None or not request.original_texts_encrypted:
        return request
    texts = original_texts(request)
    changed = False
    for field, maximum in (
        ("procedure_name", PROCEDURE_MAX),
        ("difficulty", None),
        ("proposal", None),
    ):
        masked, touched = _mask(texts.get(field, ""))
        setattr(request, field, masked[:maximum] if maximum else masked)
        changed = changed or touched
    request.masking_changed = changed
    request.masked_at = timezone.now()
    request.search_text = _search_text(request)
    request.save(
        update_fields=[
            "procedure_name",
            "difficulty",
            "proposal",
            "masking_changed",
            "masked_at",
            "search_text",
            "updated_at",
        ]
    )
    return request


can_moderate = workflow.can_moderate
can_decide = workflow.can_decide


@transaction.atomic
def simplification_request_correct_masking(
    *,
    request: SimplificationRequest,
    actor: User,
    procedure_name: str,
    difficulty: str,
    proposal: str,
) -> SimplificationRequest:
    """A moderator adjusts the masked texts (what the engine missed or over-masked)."""
    if not can_moderate(actor, request):
        raise PermissionDenied
    if request.masked_at is None:
        raise SimplificationError(
            "not_masked", "Le masquage automatique n’est pas terminé : réessayez dans un instant."
        )
    request.procedure_name = _require_text(
        procedure_name, "procedure_name", "la démarche ou le formulaire", PROCEDURE_MAX
    )
    request.difficulty = _require_text(difficulty, "difficulty", "ce qui est difficile", TEXT_MAX)
    request.proposal = _require_text(proposal, "proposal", "la proposition", TEXT_MAX)
    request.search_text = _search_text(request)
    request.full_clean()
    request.save()
    audit_record(
        actor=actor,
        action="simplification.masking_corrected",
        target=request,
        data={"reference": request.reference},
    )
    if request.is_public:
        _after_commit_changed(request, None)
    return request


# --- Transition ---------------------------------------------------------------------------


def _needs(rule: Move, name: str) -> bool:
    return any(requirement.name == name for requirement in rule.requires)


def _actor_label(actor: Any) -> str:
    """The log's label: a token names itself (its prefix); a person is the ``actor``."""
    return f"jeton d’API {actor.prefix}" if isinstance(actor, ApiToken) else ""


def public_actor_label(actor: Any, request: SimplificationRequest) -> str:
    """Who acted, as the public sees it: a team, never a person's name."""
    organisation = request.organisation
    if isinstance(actor, User) and not has_permission(actor, Perm.MANAGE_QUALITY, request):
        return "Équipe de modération de la plateforme"
    return f"Équipe qualité — {organisation.name}"


@transaction.atomic
def simplification_request_transition(
    *,
    request: SimplificationRequest,
    to_status: str,
    actor: User | ApiToken,
    comment: str = "",
    reason: str = "",
    explanation: str = "",
    now: dt.datetime | None = None,
) -> StatusChange:
    """Move ``request`` to ``to_status`` if the table allows it and ``actor`` may do it."""
    now = now or timezone.now()
    request = (
        SimplificationRequest.objects.select_for_update()
        .select_related("organisation")
        .get(pk=request.pk)
    )
    rule = workflow.move(request.status, to_status)
    # A coded reason is kept only by the moves that ask for one.
    reason_code = reason if rule is not None and _needs(rule, "reason") else ""

    def validate(rule: Move) -> None:
        for value, field in ((comment, "comment"), (explanation, "explanation")):
            if len(value or "") > COMMENT_MAX:
                raise SimplificationError(
                    "too_long", f"Ce texte est trop long ({COMMENT_MAX} caractères au plus).", field
                )
        if rule.target == Status.RECEIVED and request.masked_at is None:
            raise SimplificationError(
                "not_masked",
                "Le masquage automatique des données "
                "personnelles n’est pas terminé : réessayez dans un instant.",
            )

    def log_fields(step: Step) -> dict[str, Any]:
        return {
            "is_public": step.target in PUBLIC_STATUSES,
            "public_actor": public_actor_label(actor, request),
            # Agents' public words are masked too (short texts: synchronously).
            "public_comment": _mask(comment.strip())[0] if comment else "",
        }

    try:
        step = workflow.LIFECYCLE.apply(
            request,
            to=to_status,
            principal=actor,
            actor_label=_actor_label(actor),
            reason=reason_code,
            inputs={"comment": comment or "", "explanation": explanation or ""},
            now=now,
            validate=validate,
            log_fields=log_fields,
        )
    except WorkflowError as error:
        if error.code == "forbidden":
            raise PermissionDenied from error
        raise SimplificationError(error.code, error.message, error.field) from error
    change: StatusChange = step.log
    from_status = step.source
    audit_record(
        actor=actor,
        action="simplification.status_changed",
        target=request,
        data={
            "reference": request.reference,
            "from": from_status,
            "to": to_status,
            "reason": reason_code,
        },
    )
    _after_commit_changed(request, change)
    logger.info(
        "simplification_status_changed",
        reference=request.reference,
        from_status=from_status,
        to_status=to_status,
    )
    return change


def simplification_request_purge_contact(*, request: SimplificationRequest) -> None:
    """Forget the proposer's email (and its digest) once the request reached a final
    status: there is no further step to tell them of."""
    SimplificationRequest.objects.filter(pk=request.pk, status__in=FINAL_STATUSES).update(
        proposer_email_encrypted="", proposer_email_digest=""
    )


def original_retention_days() -> int:
    return settings.SIMPLIFICATION_ORIGINAL_RETENTION_DAYS


def simplification_requests_purge_due(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Daily: erase the proposer's original words the retention delay after publication
    (the moderator checked the masking meanwhile; the public, masked texts stay), and the
    contacts of requests that ended without the notification doing it."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=original_retention_days())
    originals = (
        SimplificationRequest.objects.exclude(original_texts_encrypted="")
        .filter(received_at__lte=cutoff)
        .update(original_texts_encrypted="")
    )
    contacts = (
        # a day's grace: the last step's email is sent first (tasks.notify_proposer)
        SimplificationRequest.objects.filter(
            status__in=FINAL_STATUSES, status_changed_at__lte=now - dt.timedelta(days=1)
        )
        .exclude(proposer_email_encrypted="", proposer_email_digest="")
        .update(proposer_email_encrypted="", proposer_email_digest="")
    )
    logger.info("simplification_purge_done", originals=originals, contacts=contacts)
    return {"originals": originals, "contacts": contacts}


# --- Support ------------------------------------------------------------------------------


def _require_supportable(request: SimplificationRequest) -> None:
    if not request.is_supportable:
        raise SimplificationError(
            "not_supportable",
            "Cette demande ne peut plus être soutenue : elle a déjà reçu une réponse définitive.",
        )


def support_token(request: SimplificationRequest, email: str) -> str:
    digest = email_digest(email, purpose="simplification")
    return signing.dumps({"r": str(request.uuid), "d": digest}, salt=SUPPORT_SALT)


def support_request_by_email(*, request: SimplificationRequest, email: str) -> None:
    """Send a confirmation link; the support counts only once the link is confirmed.

    Nothing is stored before confirmation, and the email is never stored (the signed
    link carries its keyed digest). Sent synchronously so the address never travels
    through the task broker.
    """
    _require_supportable(request)
    url = absolute_url(
        reverse("simplification:support_confirm", args=[support_token(request, email)])
    )
    hours = support_token_max_age() // 3600
    message_send_now(
        template="simplification/emails/support_confirm",
        to=email,
        context={"request": request, "url": url, "hours": hours},
        owner=request,
    )
    logger.info("simplification_support_link_sent", reference=request.reference)


def support_token_read(token: str) -> tuple[SimplificationRequest, str]:
    """The request and email digest a confirmation link stands for, or a French refusal."""
    try:
        data = signing.loads(token, salt=SUPPORT_SALT, max_age=support_token_max_age())
    except signing.SignatureExpired as exc:
        raise SimplificationError(
            "token_expired",
            "Ce lien de confirmation a expiré : demandez-en un nouveau depuis "
            "la page de la demande.",
        ) from exc
    except signing.BadSignature as exc:
        raise SimplificationError(
            "token_invalid",
            "Ce lien de confirmation est invalide ou incomplet : vérifiez qu’il "
            "a été copié en entier.",
        ) from exc
    try:
        request = SimplificationRequest.objects.select_related("organisation").get(
            uuid=data["r"], status__in=PUBLIC_STATUSES
        )
    except (SimplificationRequest.DoesNotExist, KeyError, ValueError, TypeError) as exc:
        raise SimplificationError("token_invalid", "Cette demande n’existe plus.") from exc
    return request, str(data.get("d", ""))


def _support_add(
    request: SimplificationRequest, *, user: User | None = None, digest: str = ""
) -> bool:
    _require_supportable(request)
    try:
        with transaction.atomic():
            Support.objects.create(request=request, user=user, email_digest=digest)
    except IntegrityError:
        return False  # already counted: uniqueness is the database's, not the IP's
    SimplificationRequest.objects.filter(pk=request.pk).update(support_count=F("support_count") + 1)
    _after_commit_changed(request, None)
    logger.info(
        "simplification_supported", reference=request.reference, by="account" if user else "email"
    )
    return True


@transaction.atomic
def support_confirm(*, token: str) -> tuple[SimplificationRequest, bool]:
    """Count the support of a confirmed email; ``False`` if that email already counted."""
    request, digest = support_token_read(token)
    if not digest:
        raise SimplificationError("token_invalid", "Ce lien de confirmation est invalide.")
    return request, _support_add(request, digest=digest)


@transaction.atomic
def support_by_account(*, request: SimplificationRequest, user: User) -> bool:
    """Count the support of a signed-in user; ``False`` if they already supported it."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied
    return _support_add(
        request, user=user, digest=email_digest(user.email, purpose="simplification")
    )
