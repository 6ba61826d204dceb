"""Writes of the citizen record (issue 14): identity, contact points and their SMS
consent, file numbers, the NIR, consents to share with other organisations, merges,
pairs declared distinct and the access log.

A record is edited only by a principal working in its organisation (a consent lets
other organisations read, never write); the one exception is the citizen themself, who
joins their published experiences to the records holding their proven address. Every
change a person makes is audited (``citizen.*``, ``consent.*``; French labels in
``contacts/audit.py``); audit data holds identifiers and codes only, never a name, an
address or the NIR.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.db.models.functions import Coalesce
from django.utils import timezone

from parvis.accounts.services import audit_record
from parvis.contacts.errors import ContactError
from parvis.contacts.identity import (  # noqa: F401  (the rules, re-exported for callers)
    IDENTITY_PURPOSE,
    NIR_PURPOSE,
    identity_digest,
    mask_nir,
    nir_digest,
    nir_is_valid,
    normalise_nir,
    normalise_phone,
    works_in,
)
from parvis.contacts.models import (
    CATEGORY_FIELDS,
    AccessibilityNeed,
    CitizenConsent,
    CitizenDistinctPair,
    CitizenExperienceLink,
    CitizenFileNumber,
    CitizenMerge,
    CitizenRecord,
    ConsentPurpose,
    ContactKind,
    ContactPoint,
    ContactSettings,
    Conversation,
    DataCategory,
    FileNumberKind,
    PreferredLanguage,
    RecordAccess,
)
from parvis.contacts.services.conversations import contact_point_find_or_create
from parvis.core.crypto import encrypt_text, keyed_digest
from parvis.core.text import clean_text, search_key
from parvis.directory.models import Channel, Organisation

ACCESS_WINDOW = dt.timedelta(minutes=15)
CONSENT_MAX_DAYS = 366  # « 12 months at most », a leap year included


# --- Rules ----------------------------------------------------------------------------------


def _person(principal: Any) -> Any:
    """The user to name as the one who acted (``None`` for an API token or the system)."""
    return principal if getattr(principal, "is_authenticated", False) else None


def _require_own(principal: Any, citizen: CitizenRecord) -> None:
    if not works_in(principal, citizen.organisation_id):
        raise ContactError("not_found", "Fiche usager introuvable.", status=404)


def nir_allowed(organisation_id: int) -> bool:
    """The organisation's setting (no row: not allowed)."""
    return ContactSettings.objects.filter(
        organisation_id=organisation_id, nir_allowed=True
    ).exists()


def _check_birth_date(birth_date: dt.date | None) -> None:
    if birth_date is not None and not (dt.date(1900, 1, 1) <= birth_date <= timezone.localdate()):
        raise ContactError(
            "invalid_birth_date",
            "La date de naissance doit être comprise entre 1900 et aujourd’hui.",
            "birth_date",
        )


def _check_choices(values: Iterable[str], allowed: Iterable[str], field: str) -> list[str]:
    values = list(dict.fromkeys(values))
    if set(values) - set(allowed):
        raise ContactError("invalid_choice", "Une valeur de la liste est inconnue.", field)
    return values


# --- Identity -------------------------------------------------------------------------------


IDENTITY_FIELDS = (
    "first_name",
    "last_name",
    "birth_date",
    "display_name",
    "preferred_channel",
    "preferred_language",
    "accessibility_needs",
)


def _apply_identity(citizen: CitizenRecord, changes: dict[str, Any]) -> list[str]:
    changed: list[str] = []
    for name, value in changes.items():
        if name not in IDENTITY_FIELDS:
            raise TypeError(f"Unknown field {name}")
        if name in {"first_name", "last_name", "display_name"}:
            value = clean_text(value)[:150]
        if name == "birth_date":
            _check_birth_date(value)
        if name == "preferred_language" and value not in PreferredLanguage.values:
            raise ContactError("invalid_choice", "Langue inconnue.", name)
        if name == "accessibility_needs":
            value = _check_choices(value, AccessibilityNeed.values, name)
        if name == "preferred_channel" and isinstance(value, str):
            value = Channel.objects.filter(slug=value).first()
        if getattr(citizen, name) != value:
            setattr(citizen, name, value)
            changed.append(name)
    citizen.name_key = search_key(
        " ".join((citizen.last_name, citizen.first_name, citizen.display_name))
    )
    citizen.identity_digest = identity_digest(
        citizen.first_name, citizen.last_name, citizen.birth_date
    )
    return changed


@transaction.atomic
def citizen_record_create(
    *, principal: Any, organisation: Organisation, nir: str = "", **identity: Any
) -> CitizenRecord:
    """A new record of ``organisation`` (``identity``: fields of ``IDENTITY_FIELDS``)."""
    if not works_in(principal, organisation.pk):
        raise ContactError("forbidden", "Vous ne travaillez pas pour cet organisme.", status=403)
    citizen = CitizenRecord(organisation=organisation)
    _apply_identity(citizen, identity)
    if not (citizen.first_name or citizen.last_name or citizen.display_name):
        raise ContactError("name_required", "Indiquez au moins un nom.", "last_name")
    citizen.full_clean()
    citizen.save()
    if nir:
        _set_nir(citizen, nir)
        citizen.save(update_fields=["nir_encrypted", "nir_digest"])
    audit_record(
        actor=principal,
        action="citizen.created",
        target=citizen,
        data={"nir": bool(nir)},
        organisation=organisation,
    )
    return citizen


@transaction.atomic
def citizen_record_update(
    *, principal: Any, citizen: CitizenRecord, **identity: Any
) -> CitizenRecord:
    _require_own(principal, citizen)
    changed = _apply_identity(citizen, identity)
    if not changed:
        return citizen
    citizen.updated_at = timezone.now()
    citizen.full_clean()
    citizen.save()
    audit_record(
        actor=principal,
        action="citizen.updated",
        target=citizen,
        data={"fields": changed},
        organisation=citizen.organisation,
    )
    return citizen


def _set_nir(citizen: CitizenRecord, nir: str) -> None:
    if not nir_allowed(citizen.organisation_id):
        raise ContactError(
            "nir_not_allowed", "Cet organisme n’est pas autorisé à enregistrer le NIR.", "nir"
        )
    value = normalise_nir(nir)
    if not nir_is_valid(value):
        raise ContactError(
            "invalid_nir",
            "Le NIR doit compter 15 caractères, clé comprise, et sa clé doit être juste.",
            "nir",
        )
    citizen.nir_encrypted = encrypt_text(value)
    citizen.nir_digest = keyed_digest(value, purpose=NIR_PURPOSE)


@transaction.atomic
def citizen_nir_set(*, principal: Any, citizen: CitizenRecord, nir: str) -> CitizenRecord:
    """Record (or clear, with "") the NIR, where the organisation's setting allows it."""
    _require_own(principal, citizen)
    if nir:
        _set_nir(citizen, nir)
    else:
        citizen.nir_encrypted = citizen.nir_digest = ""
    citizen.save(update_fields=["nir_encrypted", "nir_digest"])
    audit_record(
        actor=principal,
        action="citizen.nir_changed",
        target=citizen,
        data={"cleared": not nir},
        organisation=citizen.organisation,
    )
    return citizen


@transaction.atomic
def contact_settings_save(
    *, principal: Any, organisation: Organisation, nir_allowed: bool
) -> ContactSettings:
    """The organisation admin's setting. Turning the NIR off erases every stored NIR."""
    from parvis.accounts.scoping import Perm, require_permission

    require_permission(principal, Perm.MANAGE_MEMBERS, organisation)
    row, _ = ContactSettings.objects.get_or_create(organisation=organisation)
    row.nir_allowed = nir_allowed
    row.save()
    if not nir_allowed:
        CitizenRecord.objects.filter(organisation=organisation).exclude(nir_digest="").update(
            nir_encrypted="", nir_digest=""
        )
    audit_record(
        actor=principal,
        action="contact_settings.changed",
        target=row,
        data={"nir_allowed": nir_allowed},
        organisation=organisation,
    )
    return row


# --- Contact points and file numbers --------------------------------------------------------


@transaction.atomic
def citizen_contact_point_add(
    *, principal: Any, citizen: CitizenRecord, kind: str, value: str
) -> ContactPoint:
    """Attach an address to the record (the organisation's contact point for it, found by
    its digest; one a connector already created is attached, not duplicated)."""
    _require_own(principal, citizen)
    value = clean_text(value)
    if kind not in ContactKind.values or not value:
        raise ContactError("invalid_contact_point", "Indiquez une coordonnée valide.", "value")
    if kind == ContactKind.EMAIL and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise ContactError("invalid_email", "Adresse électronique invalide.", "value")
    if kind == ContactKind.PHONE:
        value = normalise_phone(value)
        if not re.fullmatch(r"\+?\d{6,15}", value):
            raise ContactError("invalid_phone", "Numéro de téléphone invalide.", "value")
    point = contact_point_find_or_create(
        organisation_id=citizen.organisation_id, kind=kind, value=value[:500]
    )
    if point.citizen_id not in (None, citizen.pk):
        raise ContactError(
            "contact_point_taken",
            "Cette coordonnée est déjà sur une autre fiche : proposez une fusion.",
            "value",
            status=409,
        )
    point.citizen = citizen
    point.save(update_fields=["citizen"])
    _attach_conversations(citizen, point)
    audit_record(
        actor=principal,
        action="citizen.contact_point_added",
        target=citizen,
        data={"kind": kind},
        organisation=citizen.organisation,
    )
    return point


def _attach_conversations(citizen: CitizenRecord, point: ContactPoint) -> None:
    """The conversations that came from ``point`` and belong to nobody join the record
    (its history starts with them), and its last contact follows."""
    orphans = Conversation.objects.filter(contact_point=point, citizen__isnull=True)
    latest = orphans.aggregate(at=Max(Coalesce("last_message_at", "created_at")))["at"]
    orphans.update(citizen=citizen)
    if latest and (citizen.last_contact_at is None or latest > citizen.last_contact_at):
        citizen.last_contact_at = latest
        citizen.save(update_fields=["last_contact_at"])


@transaction.atomic
def citizen_contact_point_remove(*, principal: Any, point: ContactPoint) -> None:
    """Detach the address from its record (the contact point stays: conversations
    reference it)."""
    citizen = point.citizen
    if citizen is None:
        return
    _require_own(principal, citizen)
    point.citizen = None
    point.save(update_fields=["citizen"])
    audit_record(
        actor=principal,
        action="citizen.contact_point_removed",
        target=citizen,
        data={"kind": point.kind},
        organisation=citizen.organisation,
    )


def _phone_point_of_own_record(principal: Any, point: ContactPoint) -> CitizenRecord:
    citizen = point.citizen
    if citizen is None:
        raise ContactError("not_found", "Coordonnée introuvable.", status=404)
    _require_own(principal, citizen)
    if point.kind != ContactKind.PHONE:
        raise ContactError(
            "not_a_phone", "Seul un numéro de téléphone peut recevoir des SMS.", "point"
        )
    return citizen


@transaction.atomic
def sms_consent_record(
    *, principal: Any, point: ContactPoint, channel: Channel | str, now: dt.datetime | None = None
) -> ContactPoint:
    """The citizen told an agent (through ``channel``: at the counter, on the phone…)
    that this number may receive SMS. A fresh, explicit consent: it also lifts an
    earlier « STOP » or withdrawal, which is why it is audited with the channel."""
    citizen = _phone_point_of_own_record(principal, point)
    if isinstance(channel, str):
        channel = Channel.objects.get(slug=channel)
    point.sms_consent_at = now or timezone.now()
    point.sms_consent_channel = channel
    point.sms_consent_by = _person(principal)
    lifted = point.sms_opt_out_at is not None
    point.sms_opt_out_at = None
    point.sms_opt_out_by = None
    point.save(
        update_fields=[
            "sms_consent_at",
            "sms_consent_channel",
            "sms_consent_by",
            "sms_opt_out_at",
            "sms_opt_out_by",
        ]
    )
    audit_record(
        actor=principal,
        action="citizen.sms_consent_recorded",
        target=citizen,
        data={"point_id": point.pk, "channel": channel.slug, "opt_out_lifted": lifted},
        organisation=citizen.organisation,
    )
    return point


@transaction.atomic
def sms_consent_withdraw(
    *, principal: Any, point: ContactPoint, now: dt.datetime | None = None
) -> ContactPoint:
    """The citizen told an agent they want no more SMS on this number: recorded like a
    « STOP » (``sms_opt_out_at``), with the agent who noted it."""
    citizen = _phone_point_of_own_record(principal, point)
    if point.sms_opt_out_at is not None:
        return point
    point.sms_opt_out_at = now or timezone.now()
    point.sms_opt_out_by = _person(principal)
    point.save(update_fields=["sms_opt_out_at", "sms_opt_out_by"])
    audit_record(
        actor=principal,
        action="citizen.sms_consent_withdrawn",
        target=citizen,
        data={"point_id": point.pk},
        organisation=citizen.organisation,
    )
    return point


@transaction.atomic
def citizen_file_number_add(
    *, principal: Any, citizen: CitizenRecord, kind: str, value: str
) -> CitizenFileNumber:
    _require_own(principal, citizen)
    value = re.sub(r"\s", "", clean_text(value)).upper()
    if kind not in FileNumberKind.values:
        raise ContactError("invalid_choice", "Type de numéro inconnu.", "kind")
    if not re.fullmatch(r"[0-9A-Z./-]{1,40}", value):
        raise ContactError(
            "invalid_file_number",
            "Le numéro ne peut contenir que des chiffres, des lettres, « . », « / » ou « - ».",
            "value",
        )
    number, created = CitizenFileNumber.objects.get_or_create(
        citizen=citizen, kind=kind, value=value
    )
    if created:
        audit_record(
            actor=principal,
            action="citizen.file_number_added",
            target=citizen,
            data={"kind": kind},
            organisation=citizen.organisation,
        )
    return number


@transaction.atomic
def citizen_file_number_remove(*, principal: Any, number: CitizenFileNumber) -> None:
    citizen = number.citizen
    _require_own(principal, citizen)
    kind = number.kind
    number.delete()
    audit_record(
        actor=principal,
        action="citizen.file_number_removed",
        target=citizen,
        data={"kind": kind},
        organisation=citizen.organisation,
    )


# --- Consent --------------------------------------------------------------------------------


@transaction.atomic
def consent_capture(
    *,
    principal: Any,
    citizen: CitizenRecord,
    purpose: str,
    organisations: Iterable[Organisation],
    categories: Iterable[str],
    channel: Channel | str,
    expires_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> CitizenConsent:
    """Record the citizen's consent, captured by ``principal`` through ``channel``, to
    share ``categories`` of the record with ``organisations`` for ``purpose`` until
    ``expires_at`` (12 months at most; 12 months by default)."""
    _require_own(principal, citizen)
    now = now or timezone.now()
    if purpose not in ConsentPurpose.values:
        raise ContactError("invalid_choice", "Finalité inconnue.", "purpose")
    categories = _check_choices(categories, DataCategory.values, "categories")
    if not categories:
        raise ContactError("categories_required", "Choisissez les données partagées.", "categories")
    recipients = [o for o in dict.fromkeys(organisations) if o.pk != citizen.organisation_id]
    if not recipients:
        raise ContactError(
            "organisations_required", "Choisissez au moins un autre organisme.", "organisations"
        )
    expires_at = expires_at or now + dt.timedelta(days=365)
    if not now < expires_at <= now + dt.timedelta(days=CONSENT_MAX_DAYS):
        raise ContactError(
            "invalid_expiry",
            "Le consentement expire au plus tard douze mois après son recueil.",
            "expires_at",
        )
    if isinstance(channel, str):
        channel = Channel.objects.get(slug=channel)
    consent = CitizenConsent(
        citizen=citizen,
        purpose=purpose,
        captured_channel=channel,
        captured_by=_person(principal),
        captured_at=now,
        expires_at=expires_at,
        **{field: code in categories for code, field in CATEGORY_FIELDS.items()},
    )
    consent.full_clean()
    consent.save()
    consent.organisations.set(recipients)
    audit_record(
        actor=principal,
        action="consent.captured",
        target=consent,
        data={
            "purpose": purpose,
            "categories": categories,
            "organisations": [o.pk for o in recipients],
            "channel": channel.slug,
        },
        organisation=citizen.organisation,
    )
    return consent


@transaction.atomic
def consent_withdraw(
    *, principal: Any, consent: CitizenConsent, now: dt.datetime | None = None
) -> CitizenConsent:
    """Stop the sharing at once (the scoping relations read ``withdrawn_at``)."""
    _require_own(principal, consent.citizen)
    if consent.withdrawn_at is not None:
        return consent
    consent.withdrawn_at = now or timezone.now()
    consent.withdrawn_by = _person(principal)
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    audit_record(
        actor=principal,
        action="consent.withdrawn",
        target=consent,
        organisation=consent.citizen.organisation,
    )
    return consent


# --- Merge ----------------------------------------------------------------------------------


@transaction.atomic
def citizens_merge(
    *, principal: Any, survivor: CitizenRecord, merged: CitizenRecord
) -> CitizenMerge:
    """Merge ``merged`` into ``survivor`` (same organisation): its conversations, contact
    points, file numbers, consents and linked experiences move; blank identity fields of
    the survivor are filled from it. What moved and what was filled is kept so that
    ``citizens_unmerge`` puts everything back."""
    _require_own(principal, survivor)
    if survivor.pk == merged.pk or survivor.organisation_id != merged.organisation_id:
        raise ContactError(
            "merge_not_allowed", "Seules deux fiches d’un même organisme se fusionnent."
        )
    survivor = CitizenRecord.objects.select_for_update().get(pk=survivor.pk)
    merged = CitizenRecord.objects.select_for_update().get(pk=merged.pk)
    if survivor.merged_into_id or merged.merged_into_id:
        raise ContactError("already_merged", "L’une des fiches a déjà été fusionnée.", status=409)
    moved: dict[str, Any] = {
        "conversations": list(merged.conversations.values_list("pk", flat=True)),
        "contact_points": list(merged.contact_points.values_list("pk", flat=True)),
        "file_numbers": list(merged.file_numbers.values_list("pk", flat=True)),
        "consents": list(merged.consents.values_list("pk", flat=True)),
        "experience_links": list(merged.experience_links.values_list("pk", flat=True)),
    }
    Conversation.objects.filter(pk__in=moved["conversations"]).update(citizen=survivor)
    ContactPoint.objects.filter(pk__in=moved["contact_points"]).update(citizen=survivor)
    CitizenConsent.objects.filter(pk__in=moved["consents"]).update(citizen=survivor)
    # A number or experience the survivor already holds stays on the merged record.
    held = set(survivor.file_numbers.values_list("kind", "value"))
    numbers = CitizenFileNumber.objects.filter(pk__in=moved["file_numbers"])
    moved["file_numbers"] = [n.pk for n in numbers if (n.kind, n.value) not in held]
    CitizenFileNumber.objects.filter(pk__in=moved["file_numbers"]).update(citizen=survivor)
    linked = set(survivor.experience_links.values_list("experience_uuid", flat=True))
    links = CitizenExperienceLink.objects.filter(pk__in=moved["experience_links"])
    moved["experience_links"] = [x.pk for x in links if x.experience_uuid not in linked]
    CitizenExperienceLink.objects.filter(pk__in=moved["experience_links"]).update(citizen=survivor)
    filled: list[str] = []
    for name in ("first_name", "last_name", "birth_date", "display_name", "nir_encrypted"):
        if not getattr(survivor, name) and getattr(merged, name):
            setattr(survivor, name, getattr(merged, name))
            filled.append(name)
    if "nir_encrypted" in filled:
        survivor.nir_digest = merged.nir_digest
    moved["filled"] = filled
    _apply_identity(survivor, {})
    survivor.last_contact_at = max(
        (t for t in (survivor.last_contact_at, merged.last_contact_at) if t), default=None
    )
    survivor.updated_at = timezone.now()
    survivor.save()
    merged.merged_into = survivor
    merged.save(update_fields=["merged_into"])
    # The agent merges two records once declared distinct: that declaration no longer
    # holds; it is kept in ``moved`` so that undoing the merge puts it back.
    pair = _distinct_pair_of(survivor, merged).first()
    if pair is not None:
        moved["distinct_pair"] = {
            "dismissed_by": pair.dismissed_by_id,
            "dismissed_at": pair.dismissed_at.isoformat(),
        }
        pair.delete()
    merge = CitizenMerge.objects.create(
        organisation=survivor.organisation,
        survivor=survivor,
        merged=merged,
        moved=moved,
        merged_by=_person(principal),
    )
    audit_record(
        actor=principal,
        action="citizen.merged",
        target=survivor,
        data={"merged_id": merged.pk, "merge_id": merge.pk},
        organisation=survivor.organisation,
    )
    return merge


@transaction.atomic
def citizens_unmerge(*, principal: Any, merge: CitizenMerge) -> CitizenRecord:
    """Undo a merge: what moved goes back, what was filled is emptied again."""
    merge = CitizenMerge.objects.select_for_update().get(pk=merge.pk)
    survivor, merged = merge.survivor, merge.merged
    _require_own(principal, survivor)
    if merge.undone_at is not None:
        raise ContactError("already_undone", "Cette fusion a déjà été annulée.", status=409)
    moved = merge.moved
    Conversation.objects.filter(pk__in=moved.get("conversations", []), citizen=survivor).update(
        citizen=merged
    )
    ContactPoint.objects.filter(pk__in=moved.get("contact_points", []), citizen=survivor).update(
        citizen=merged
    )
    CitizenConsent.objects.filter(pk__in=moved.get("consents", []), citizen=survivor).update(
        citizen=merged
    )
    CitizenFileNumber.objects.filter(pk__in=moved.get("file_numbers", []), citizen=survivor).update(
        citizen=merged
    )
    CitizenExperienceLink.objects.filter(
        pk__in=moved.get("experience_links", []), citizen=survivor
    ).update(citizen=merged)
    for name in moved.get("filled", []):
        setattr(survivor, name, None if name == "birth_date" else "")
        if name == "nir_encrypted":
            survivor.nir_digest = ""
    _apply_identity(survivor, {})
    survivor.updated_at = timezone.now()
    survivor.save()
    merged.merged_into = None
    merged.save(update_fields=["merged_into"])
    if distinct := moved.get("distinct_pair"):
        first, second = sorted((survivor, merged), key=lambda record: record.pk)
        CitizenDistinctPair.objects.get_or_create(
            first=first,
            second=second,
            defaults={
                "organisation_id": survivor.organisation_id,
                "dismissed_by_id": distinct["dismissed_by"],
                "dismissed_at": dt.datetime.fromisoformat(distinct["dismissed_at"]),
            },
        )
    merge.undone_at = timezone.now()
    merge.undone_by = _person(principal)
    merge.save(update_fields=["undone_at", "undone_by"])
    audit_record(
        actor=principal,
        action="citizen.unmerged",
        target=survivor,
        data={"merged_id": merged.pk, "merge_id": merge.pk},
        organisation=survivor.organisation,
    )
    return merged


# --- Pairs declared distinct -------------------------------------------------------------


def _distinct_pair_of(a: CitizenRecord, b: CitizenRecord) -> Any:
    first, second = sorted((a.pk, b.pk))
    return CitizenDistinctPair.objects.filter(first_id=first, second_id=second)


@transaction.atomic
def citizens_mark_distinct(
    *, principal: Any, first: CitizenRecord, second: CitizenRecord
) -> CitizenDistinctPair:
    """« Ce ne sont pas les mêmes personnes » : the agent dismisses a duplicate proposal,
    so that the pair is no longer proposed. Same rule as a merge (two records of one
    organisation the principal works in); declaring a pair twice changes nothing."""
    _require_own(principal, first)
    if first.pk == second.pk or first.organisation_id != second.organisation_id:
        raise ContactError(
            "distinct_not_allowed", "Seules deux fiches d’un même organisme se comparent."
        )
    low, high = sorted((first, second), key=lambda record: record.pk)
    pair, created = CitizenDistinctPair.objects.get_or_create(
        first=low,
        second=high,
        defaults={
            "organisation_id": low.organisation_id,
            "dismissed_by": _person(principal),
        },
    )
    if created:
        audit_record(
            actor=principal,
            action="citizen.marked_distinct",
            target=low,
            data={"other_id": high.pk, "pair_id": pair.pk},
            organisation=low.organisation,
        )
    return pair


@transaction.atomic
def citizens_unmark_distinct(*, principal: Any, pair: CitizenDistinctPair) -> None:
    """Undo the declaration: the pair may be proposed again."""
    first = pair.first
    _require_own(principal, first)
    other_id, pair_id = pair.second_id, pair.pk
    pair.delete()
    audit_record(
        actor=principal,
        action="citizen.unmarked_distinct",
        target=first,
        data={"other_id": other_id, "pair_id": pair_id},
        organisation=first.organisation,
    )


# --- Linked experiences ---------------------------------------------------------------------


@transaction.atomic
def citizen_experience_link(
    *, actor: Any, citizen: CitizenRecord, experience_uuid: Any
) -> CitizenExperienceLink:
    """The citizen (``actor``, signed in) joins one of their published experiences to
    their record: the record's organisation then sees its published masked text in the
    timeline, never the original. The caller has proven the experience is the actor's
    (``voice.selectors.experience_of_author``); the record must hold the actor's proven
    address (``selectors.citizen_records_of_account``)."""
    from parvis.contacts.selectors import citizen_records_of_account
    from parvis.publication.models import PublicExperience

    mine = citizen_records_of_account(actor, organisation_id=citizen.organisation_id)
    if not mine.filter(pk=citizen.pk).exists():
        raise ContactError("not_found", "Dossier usager introuvable.", status=404)
    # The public read model: what the timeline shows, so only what is public now.
    public = PublicExperience.objects.filter(uuid=experience_uuid).only("organisation_id").first()
    if public is None:
        raise ContactError(
            "experience_not_published",
            "Seule une expérience publiée peut être jointe à votre dossier usager.",
        )
    if public.organisation_id != citizen.organisation_id:
        raise ContactError(
            "experience_other_organisation",
            "Cette expérience concerne un autre organisme que celui de ce dossier usager.",
        )
    link, created = CitizenExperienceLink.objects.get_or_create(
        citizen=citizen, experience_uuid=experience_uuid
    )
    if created:
        audit_record(
            actor=actor,
            action="citizen.experience_linked",
            target=citizen,
            data={"link_id": link.pk},
            organisation=citizen.organisation,
        )
    return link


@transaction.atomic
def citizen_experience_unlink(*, actor: Any, experience_uuid: Any) -> int:
    """The citizen withdraws their experience from every record it was joined to (at any
    time, whatever the record's addresses have become since). The caller has proven the
    experience is the actor's. Returns how many links went."""
    links = list(
        CitizenExperienceLink.objects.filter(experience_uuid=experience_uuid).select_related(
            "citizen__organisation"
        )
    )
    for link in links:
        audit_record(
            actor=actor,
            action="citizen.experience_unlinked",
            target=link.citizen,
            data={"link_id": link.pk},
            organisation=link.citizen.organisation,
        )
    CitizenExperienceLink.objects.filter(pk__in=[link.pk for link in links]).delete()
    return len(links)


def citizen_export_note(*, principal: Any, citizen: CitizenRecord, fmt: str) -> None:
    """Audit a right-of-access export (the format only)."""
    audit_record(
        actor=principal,
        action="citizen.exported",
        target=citizen,
        data={"export_format": fmt},
        organisation=citizen.organisation,
    )


# --- Access log -----------------------------------------------------------------------------


def access_window(now: dt.datetime) -> dt.datetime:
    """The start of the 15-minute window holding ``now``."""
    return now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)


def record_access_note(
    *, agent: Any, citizen: CitizenRecord, now: dt.datetime | None = None
) -> RecordAccess | None:
    """Note that ``agent`` consulted ``citizen``: one row per agent, record and 15-minute
    window (a live refresh or a lazy load in the same window only counts a view).
    Tokens and the system are not agents: nothing is noted for them."""
    if not getattr(agent, "is_authenticated", False) or getattr(agent, "pk", None) is None:
        return None
    now = now or timezone.now()
    window = access_window(now)
    updated = RecordAccess.objects.filter(citizen=citizen, agent=agent, window_start=window)
    if updated.update(last_seen_at=now, views=F("views") + 1):
        return None
    try:
        with transaction.atomic():
            return RecordAccess.objects.create(
                organisation_id=citizen.organisation_id,
                citizen=citizen,
                agent=agent,
                window_start=window,
                last_seen_at=now,
            )
    except IntegrityError:  # the same agent in two tabs at once
        return None


def record_accesses_purge(*, now: dt.datetime | None = None) -> int:
    """Access-log rows older than ``CONTACTS_ACCESS_LOG_RETENTION_DAYS`` (daily purge)."""
    cutoff = (now or timezone.now()) - dt.timedelta(
        days=settings.CONTACTS_ACCESS_LOG_RETENTION_DAYS
    )
    deleted, _ = RecordAccess.objects.filter(window_start__lt=cutoff).delete()
    return deleted
