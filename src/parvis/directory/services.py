"""Writes of the directory: reference taxonomy loading, services, sites, opening hours,
organisations' self-assessments against the Services Publics+ commitments."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from parvis.accounts.models import User
from parvis.accounts.services import audit_record
from parvis.core import french
from parvis.core.errors import ParvisError
from parvis.core.text import clean_text, sort_key, unaccent
from parvis.directory import events
from parvis.directory.channels import missing_channel_details
from parvis.directory.models import (
    ASSESSMENT_TEXT_MAX,
    COMMITMENT_NUMBERS,
    EVIDENCE_LABEL_MAX,
    EVIDENCE_MAX,
    EVIDENCE_URL_MAX,
    Channel,
    Commitment,
    CommitmentAssessment,
    CommitmentEvidence,
    JourneyStage,
    LocalService,
    Motif,
    OpeningException,
    OpeningHours,
    Organisation,
    Site,
    Theme,
)
from parvis.territories.models import Commune, Departement

TAXONOMY_PATH = Path(__file__).resolve().parent / "data" / "taxonomy.yaml"


def _split_name(name: str) -> str:
    """« Caisse d'allocations familiales (CAF) » → « CAF »; otherwise the name itself."""
    if name.endswith(")") and "(" in name:
        return name[name.rindex("(") + 1 : -1][:80]
    return name[:80]


@transaction.atomic
def taxonomy_load(*, path: Path = TAXONOMY_PATH) -> dict[str, int]:
    """Load (idempotently) organisations, motifs, themes, stages, channels and the
    Services Publics+ commitments.

    Existing rows are updated, never deleted: an administrator may have added motifs.
    """
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    counts = {
        "channels": 0,
        "journey_stages": 0,
        "themes": 0,
        "organisations": 0,
        "motifs": 0,
        "commitments": 0,
    }
    for position, (slug, label) in enumerate(data["channels"].items()):
        Channel.objects.update_or_create(slug=slug, defaults={"label": label, "position": position})
        counts["channels"] += 1
    for position, (slug, label) in enumerate(data["journey_stages"].items()):
        JourneyStage.objects.update_or_create(
            slug=slug, defaults={"label": label, "position": position}
        )
        counts["journey_stages"] += 1
    for position, (slug, theme) in enumerate(data["themes"].items()):
        Theme.objects.update_or_create(
            slug=slug,
            defaults={"label": theme["label"], "sp_tag": theme["sp_tag"], "position": position},
        )
        counts["themes"] += 1
    for slug, organisation_data in data["organisations"].items():
        name = organisation_data["name"]
        organisation, _ = Organisation.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                # The bracket's content unless the taxonomy names it (« impots.gouv »,
                # « services de proximité » are not what a page calls the organisation).
                "short_name": organisation_data.get("short_name") or _split_name(name),
                # « la » (CAF): how a sentence says the short name; none for a proper name.
                "article": organisation_data.get("article", ""),
                "sort_key": sort_key(name),
            },
        )
        counts["organisations"] += 1
        events.organisation_changed.send_on_commit(organisation.pk)
        for position, (motif_slug, label) in enumerate(organisation_data["motifs"].items()):
            Motif.objects.update_or_create(
                organisation=organisation,
                slug=motif_slug,
                defaults={"label": label, "position": position},
            )
            counts["motifs"] += 1
    for number, text in data.get("commitments", {}).items():
        if int(number) not in COMMITMENT_NUMBERS:
            raise DirectoryError(
                "unknown_commitment", f"Engagement n° {number} inconnu (de 0 à 8 seulement)."
            )
        Commitment.objects.update_or_create(number=int(number), defaults={"text": text.strip()})
        counts["commitments"] += 1
    return counts


# --- Local services, sites and opening hours -------------------------------------------
#
# Each write below is the one path for its action: views, API, admin actions, commands and
# tests call it. It validates (``full_clean``), saves, and writes the audit row in one
# transaction, and announces the change after commit (``directory.events``). Domain
# refusals raise ``DirectoryError`` with a stable ``code``.


class DirectoryError(ParvisError):
    """A directory rule refused the action; ``code`` is stable, ``message`` is French.

    ``errors`` maps field names to French messages when the refusal concerns fields.
    """

    def __init__(self, code: str, message: str, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(code, message)
        self.errors = errors or {}


# The dates the directory answers for: opening exceptions, schedules, open-status
# instants. Wide enough for any real use, narrow enough that time-zone and holiday
# arithmetic never reach the ends of the calendar. The form, the API and the services
# call ``validate_directory_date``, the one rule.
EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)


def validate_directory_date(day: dt.date, *, field: str = "date") -> None:
    """Refuse a date outside [``EARLIEST_DATE``, ``LATEST_DATE``] (``date_out_of_range``)."""
    if isinstance(day, dt.datetime):
        day = day.date()
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        message = (
            f"Indiquez une date entre le {EARLIEST_DATE:%d/%m/%Y} et le {LATEST_DATE:%d/%m/%Y}."
        )
        raise DirectoryError("date_out_of_range", message, {field: [message]})


WEEKDAY_LABELS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_POSTCODE = re.compile(r"^\d{5}$")
LOCAL_SERVICE_FIELDS = frozenset(
    {"name", "email", "phone", "is_active", "departements", "main_departement"}
)
SITE_FIELDS = frozenset(
    {
        "name",
        "kind",
        "address",
        "postcode",
        "commune",
        "channels",
        "partners",
        "phone",
        "email",
        "website",
        "coverage",
        "covered_departements",
        "is_active",
        "organisation",
        "local_service",
    }
)


def _full_clean(obj: models.Model, *, exclude: Iterable[str] = ()) -> None:
    """``full_clean`` with Django's errors turned into one ``DirectoryError``."""
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        errors = {
            field: [str(message) for message in messages]
            for field, messages in exc.message_dict.items()
        }
        raise DirectoryError(
            "invalid",
            "Certaines valeurs sont invalides : "
            + " ".join(message for messages in errors.values() for message in messages),
            errors,
        ) from exc


def _unique_slug(model: type[models.Model], value: str, *, max_length: int) -> str:
    base = slugify(unaccent(value))[: max_length - 4].strip("-") or "sans-nom"
    candidate, counter = base, 2
    while model._default_manager.filter(slug=candidate).exists():
        candidate = f"{base}-{counter}"
        counter += 1
    return candidate


def _check_slug(model: type[models.Model], slug: str | None, name: str, *, max_length: int) -> str:
    if not slug:
        return _unique_slug(model, name, max_length=max_length)
    if model._default_manager.filter(slug=slug).exists():
        raise DirectoryError(
            "slug_taken",
            "Cet identifiant (slug) est déjà utilisé.",
            {"slug": ["Cet identifiant est déjà utilisé."]},
        )
    return slug


def _check_fields(data: Mapping[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise DirectoryError("unknown_field", f"Champs non modifiables : {', '.join(unknown)}.")


def _check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise DirectoryError("name_required", "Indiquez un nom.", {"name": ["Indiquez un nom."]})
    return name


# France Services operators ------------------------------------------------------------


@transaction.atomic
def france_services_operator(*, actor: Any, name: str) -> Organisation:
    """The organisation that runs France Services sites under ``name`` (a commune, La
    Poste, an association): the one of that slug or name if it exists (an administration
    such as La Poste stays one), else a new organisation of kind
    ``operateur-france-services``, which public lists of administrations leave out."""
    name = _check_name(name)
    slug = slugify(unaccent(name))[:80].strip("-")
    existing = (
        Organisation.objects.filter(slug=slug).first()
        or Organisation.objects.filter(name__iexact=name).first()
    )
    if existing is not None:
        return existing
    organisation = Organisation(
        slug=_unique_slug(Organisation, name, max_length=80),
        name=name,
        sort_key=sort_key(name),
        kind=Organisation.Kind.FRANCE_SERVICES_OPERATOR,
    )
    _full_clean(organisation)
    organisation.save()
    audit_record(
        actor=actor,
        action="organisation.created",
        target=organisation,
        data={"slug": organisation.slug, "kind": organisation.kind},
    )
    events.organisation_changed.send_on_commit(organisation.pk)
    return organisation


# Local services ----------------------------------------------------------------------


def _set_territory(
    local_service: LocalService,
    departements: Iterable[Departement],
    main_departement: Departement | None,
) -> list[Departement]:
    covered = list(dict.fromkeys(departements))
    if main_departement is None and covered:
        main_departement = covered[0]
    if main_departement is not None and main_departement not in covered:
        covered.insert(0, main_departement)
    local_service.main_departement = main_departement
    return covered


@transaction.atomic
def local_service_create(
    *,
    actor: Any,
    organisation: Organisation,
    name: str,
    departements: Iterable[Departement] = (),
    main_departement: Departement | None = None,
    slug: str | None = None,
    email: str = "",
    phone: str = "",
    is_active: bool = True,
) -> LocalService:
    """Create a local service (e.g. « CAF de la Gironde ») and the territory it covers.

    The main département (default: the first covered one) gives its time zone and is
    always part of the covered territory.
    """
    name = _check_name(name)
    local_service = LocalService(
        organisation=organisation,
        name=name,
        sort_key=sort_key(name),
        slug=_check_slug(LocalService, slug, name, max_length=120),
        email=email,
        phone=phone,
        is_active=is_active,
    )
    covered = _set_territory(local_service, departements, main_departement)
    _full_clean(local_service)
    local_service.save()
    local_service.departements.set(covered)
    audit_record(
        actor=actor,
        action="local_service.created",
        target=local_service,
        data={"slug": local_service.slug, "departements": [d.pk for d in covered]},
    )
    events.local_service_changed.send_on_commit(local_service.pk)
    return local_service


@transaction.atomic
def local_service_update(
    *, actor: Any, local_service: LocalService, data: Mapping[str, Any]
) -> LocalService:
    """Change the given fields of a local service (``LOCAL_SERVICE_FIELDS``)."""
    _check_fields(data, LOCAL_SERVICE_FIELDS)
    changed = sorted(data)
    if "name" in data:
        local_service.name = _check_name(data["name"])
        local_service.sort_key = sort_key(local_service.name)
    for field in ("email", "phone", "is_active"):
        if field in data:
            setattr(local_service, field, data[field])
    covered: list[Departement] | None = None
    if "departements" in data or "main_departement" in data:
        departements = (
            data["departements"]
            if "departements" in data
            else list(local_service.departements.all())
        )
        main = data.get(
            "main_departement",
            local_service.main_departement if "departements" not in data else None,
        )
        covered = _set_territory(local_service, departements, main)
    _full_clean(local_service)
    local_service.save()
    if covered is not None:
        local_service.departements.set(covered)
    audit_record(
        actor=actor, action="local_service.updated", target=local_service, data={"fields": changed}
    )
    events.local_service_changed.send_on_commit(local_service.pk)
    return local_service


# Sites ---------------------------------------------------------------------------------


def coverage_errors(
    *, kind: str, coverage: str, covered_departements: Iterable[Departement]
) -> dict[str, list[str]]:
    """French messages by field when a site's coverage and its départements disagree.

    The one rule, called by the services and the admin form (the kind rule is also in
    ``Site.clean``, which the admin runs too).
    """
    covered = list(covered_departements)
    if coverage != Site.Coverage.LOCAL and kind != Site.Kind.CONTACT_CENTRE:
        return {
            "coverage": [
                "Seul un centre de contact sert toute la France ou une liste de départements."
            ]
        }
    if coverage == Site.Coverage.DEPARTEMENTS and not covered:
        return {
            "covered_departements": ["Indiquez les départements servis par ce centre de contact."]
        }
    if coverage != Site.Coverage.DEPARTEMENTS and covered:
        return {
            "covered_departements": [
                "Les départements servis ne s’indiquent qu’avec la couverture "
                "« Départements listés »."
            ]
        }
    return {}


def site_rule_errors(
    *,
    kind: str,
    coverage: str,
    covered_departements: Iterable[Departement],
    channels: Iterable[Channel],
    values: Mapping[str, Any],
) -> dict[str, list[str]]:
    """Every refusal of the site rules that span fields and relations (coverage, and a
    contact detail for each channel), by field; empty when the site may be saved."""
    errors = coverage_errors(
        kind=kind, coverage=coverage, covered_departements=covered_departements
    )
    for field, messages in missing_channel_details(channels=channels, values=values).items():
        errors.setdefault(field, []).extend(messages)
    return errors


def _check_site(
    site: Site,
    partners: list[Organisation] | None,
    *,
    channels: list[Channel],
    covered: list[Departement],
) -> None:
    if site.postcode and not _POSTCODE.match(site.postcode):
        raise DirectoryError(
            "invalid_postcode",
            "Le code postal doit comporter 5 chiffres.",
            {"postcode": ["Le code postal doit comporter 5 chiffres."]},
        )
    if partners and site.kind != Site.Kind.FRANCE_SERVICES:
        raise DirectoryError(
            "partners_not_allowed",
            "Seul un site France Services accueille des organismes partenaires.",
            {"partners": ["Seul un site France Services a des partenaires."]},
        )
    coverage = coverage_errors(kind=site.kind, coverage=site.coverage, covered_departements=covered)
    if coverage:
        raise DirectoryError(
            "invalid_coverage",
            " ".join(message for messages in coverage.values() for message in messages),
            coverage,
        )
    missing = missing_channel_details(
        channels=channels,
        values={field: getattr(site, field) for field in ("address", "phone", "email", "website")},
    )
    if missing:
        raise DirectoryError(
            "channel_detail_missing",
            " ".join(message for messages in missing.values() for message in messages),
            missing,
        )


@transaction.atomic
def site_create(
    *,
    actor: Any,
    kind: str,
    name: str,
    commune: Commune,
    organisation: Organisation | None = None,
    local_service: LocalService | None = None,
    address: str = "",
    postcode: str = "",
    channels: Iterable[Channel] = (),
    partners: Iterable[Organisation] = (),
    phone: str = "",
    email: str = "",
    website: str = "",
    coverage: str = Site.Coverage.LOCAL,
    covered_departements: Iterable[Departement] = (),
    slug: str | None = None,
    is_active: bool = True,
) -> Site:
    """Create a site: a counter, a contact centre or a France Services site (with partners).

    A contact centre may serve all France (``coverage="national"``) or listed
    départements (``"departements"`` with ``covered_departements``); its commune then
    only gives its time zone and holidays. Each channel needs its contact detail
    (``directory.channels``).
    """
    name = _check_name(name)
    if organisation is None and local_service is not None:
        organisation = local_service.organisation
    partner_list = list(partners)
    channel_list = list(channels)
    covered = list(dict.fromkeys(covered_departements))
    site = Site(
        kind=kind,
        name=name,
        sort_key=sort_key(name),
        slug=_check_slug(Site, slug, name, max_length=140),
        organisation=organisation,
        local_service=local_service,
        commune=commune,
        address=address.strip(),
        postcode=postcode.strip(),
        phone=phone.strip(),
        email=email.strip(),
        website=website.strip(),
        coverage=coverage,
        is_active=is_active,
    )
    _check_site(site, partner_list, channels=channel_list, covered=covered)
    _full_clean(site)
    site.save()
    site.channels.set(channel_list)
    site.partners.set(partner_list)
    site.covered_departements.set(covered)
    audit_record(
        actor=actor,
        action="site.created",
        target=site,
        data={"slug": site.slug, "kind": site.kind, "commune": commune.pk},
    )
    events.site_changed.send_on_commit(site.pk)
    return site


@transaction.atomic
def site_update(*, actor: Any, site: Site, data: Mapping[str, Any]) -> Site:
    """Change the given fields of a site (``SITE_FIELDS``); m2m fields are replaced.

    Leaving the « Départements listés » coverage without naming départements clears them.
    """
    _check_fields(data, SITE_FIELDS)
    for field, value in data.items():
        if field in {"channels", "partners", "covered_departements"}:
            continue
        if field == "name":
            site.name = _check_name(value)
            site.sort_key = sort_key(site.name)
        elif field in {"address", "postcode", "phone", "email", "website"}:
            setattr(site, field, value.strip())
        else:
            setattr(site, field, value)
    partners = list(data["partners"]) if "partners" in data else None
    if partners is None and "kind" in data and site.kind != Site.Kind.FRANCE_SERVICES:
        partners = list(site.partners.all())
    channels = list(data["channels"]) if "channels" in data else list(site.channels.all())
    if "covered_departements" in data:
        covered = list(dict.fromkeys(data["covered_departements"]))
    elif site.coverage == Site.Coverage.DEPARTEMENTS:
        covered = list(site.covered_departements.all())
    else:
        covered = []
    _check_site(site, partners, channels=channels, covered=covered)
    _full_clean(site)
    site.save()
    if "channels" in data:
        site.channels.set(channels)
    if "partners" in data:
        site.partners.set(partners or [])
    if "covered_departements" in data or "coverage" in data:
        site.covered_departements.set(covered)
    audit_record(actor=actor, action="site.updated", target=site, data={"fields": sorted(data)})
    events.site_changed.send_on_commit(site.pk)
    return site


# Opening hours -------------------------------------------------------------------------


HOURS_WITH_OFFSET = (
    "Les horaires sont des heures locales du lieu, sans décalage horaire : écrivez "
    "09:00, pas 09:00+02:00."
)


def _refuse_offsets(times: Iterable[dt.time | None], errors: dict[str, list[str]]) -> None:
    """Opening times are wall-clock times in the site's zone: a time with a UTC offset
    (accepted by the API's ISO parser) is refused, never stored with its offset dropped
    nor compared with times without one."""
    if any(time is not None and time.tzinfo is not None for time in times):
        raise DirectoryError("hours_with_offset", HOURS_WITH_OFFSET, errors)


def validate_weekly_hours(
    hours: Iterable[tuple[int, dt.time, dt.time]],
) -> list[tuple[int, dt.time, dt.time]]:
    """Sorted intervals, or ``DirectoryError`` when one is empty, reversed or overlapping,
    or has a UTC offset.

    Touching intervals (09:00–12:00 then 12:00–14:00) are refused too: they are one
    interval and would announce a closing that does not happen.
    """
    hours = list(hours)
    for weekday, opens, closes in hours:
        _refuse_offsets((opens, closes), {str(weekday): [HOURS_WITH_OFFSET]})
    intervals = sorted(hours)
    errors: dict[str, list[str]] = {}
    for weekday, opens, closes in intervals:
        if weekday not in range(7):
            raise DirectoryError("invalid_weekday", "Jour de la semaine inconnu.")
        if opens >= closes:
            errors.setdefault(str(weekday), []).append(
                f"{WEEKDAY_LABELS[weekday]} : l’heure de fermeture ({closes:%H:%M}) doit "
                f"suivre l’heure d’ouverture ({opens:%H:%M})."
            )
    for (day_a, _opens_a, closes_a), (day_b, opens_b, _closes_b) in itertools.pairwise(intervals):
        if day_a == day_b and opens_b <= closes_a:
            errors.setdefault(str(day_a), []).append(
                f"{WEEKDAY_LABELS[day_a]} : les plages horaires se chevauchent "
                f"(reprise à {opens_b:%H:%M} avant la fermeture de {closes_a:%H:%M})."
            )
    if errors:
        code = (
            "hours_overlap"
            if any("chevauchent" in m for ms in errors.values() for m in ms)
            else "hours_reversed"
        )
        raise DirectoryError(
            code,
            " ".join(message for messages in errors.values() for message in messages),
            errors,
        )
    return intervals


@transaction.atomic
def opening_hours_replace(
    *, actor: Any, site: Site, hours: Iterable[tuple[int, dt.time, dt.time]]
) -> list[OpeningHours]:
    """Replace the whole weekly schedule of ``site`` by ``hours`` (weekday 0 = Monday).

    Times are wall-clock times in the site's own time zone.
    """
    intervals = validate_weekly_hours(hours)
    rows = [
        OpeningHours(site=site, weekday=weekday, opens=opens, closes=closes)
        for weekday, opens, closes in intervals
    ]
    for row in rows:
        _full_clean(row)
    site.opening_hours.all().delete()
    created = OpeningHours.objects.bulk_create(rows)
    audit_record(
        actor=actor, action="site.hours_replaced", target=site, data={"intervals": len(created)}
    )
    events.site_changed.send_on_commit(site.pk)
    return created


@transaction.atomic
def opening_exception_set(
    *,
    actor: Any,
    site: Site,
    date: dt.date,
    is_closed: bool = True,
    opens: dt.time | None = None,
    closes: dt.time | None = None,
    label: str = "",
) -> OpeningException:
    """Declare that ``site`` is closed, or open with special hours, on ``date``.

    An exception replaces the weekly hours *and* the public-holiday closure of that day
    (this is how a site opens on a holiday). One exception per date: setting it again
    replaces it.
    """
    validate_directory_date(date)
    _refuse_offsets((opens, closes), {"opens": [HOURS_WITH_OFFSET]})
    if not is_closed and not (opens and closes):
        raise DirectoryError(
            "special_hours_required",
            "Indiquez l’heure d’ouverture et l’heure de fermeture.",
            {"opens": ["Indiquez les horaires d’ouverture de cette date."]},
        )
    if not is_closed and opens and closes and opens >= closes:
        raise DirectoryError(
            "hours_reversed",
            "L’heure de fermeture doit suivre l’heure d’ouverture.",
            {"closes": ["L’heure de fermeture doit suivre l’heure d’ouverture."]},
        )
    exception = OpeningException.objects.filter(site=site, date=date).first()
    created = exception is None
    if exception is None:
        exception = OpeningException(site=site, date=date)
    exception.is_closed = is_closed
    exception.opens = None if is_closed else opens
    exception.closes = None if is_closed else closes
    exception.label = " ".join(label.split())[:200]
    _full_clean(exception, exclude=() if created else ("site", "date"))
    exception.save()
    audit_record(
        actor=actor,
        action="site.exception_set",
        target=site,
        data={"date": date.isoformat(), "is_closed": is_closed, "created": created},
    )
    events.site_changed.send_on_commit(site.pk)
    return exception


# The brief's vocabulary: « add » an exception (re-adding a date replaces it).
opening_exception_add = opening_exception_set


@transaction.atomic
def opening_exception_remove(*, actor: Any, exception: OpeningException) -> None:
    """Remove a dated exception: the weekly hours (and holiday rule) apply again that day."""
    site = exception.site
    date = exception.date
    exception.delete()
    audit_record(
        actor=actor, action="site.exception_removed", target=site, data={"date": date.isoformat()}
    )
    events.site_changed.send_on_commit(site.pk)


# Services Publics+ commitments: an organisation's self-assessment ---------------------

EVIDENCE_URL_MESSAGE = "Indiquez une adresse internet complète, commençant par https:// ou http://."
_EVIDENCE_URL = URLValidator(schemes=["http", "https"])


def validate_assessment_text(text: str) -> None:
    """Refuse a public text longer than ``ASSESSMENT_TEXT_MAX`` (``text_too_long``)."""
    if len(text) > ASSESSMENT_TEXT_MAX:
        message = (
            f"Le texte ne doit pas dépasser {french.number(ASSESSMENT_TEXT_MAX)} caractères "
            f"(il en compte {french.number(len(text))})."
        )
        raise DirectoryError("text_too_long", message, {"text": [message]})


def validate_evidence_url(url: str) -> None:
    """Refuse a link that is not an http(s) web address (``invalid_evidence_url``): no
    ``javascript:``, ``data:``, ``mailto:`` or ``ftp:`` link reaches a public page."""
    if not url:
        message = "Indiquez l’adresse de ce lien."
        raise DirectoryError("invalid_evidence_url", message, {"url": [message]})
    if len(url) > EVIDENCE_URL_MAX:
        message = f"L’adresse ne doit pas dépasser {EVIDENCE_URL_MAX} caractères."
        raise DirectoryError("evidence_url_too_long", message, {"url": [message]})
    try:
        _EVIDENCE_URL(url)
    except ValidationError as exc:
        raise DirectoryError(
            "invalid_evidence_url", EVIDENCE_URL_MESSAGE, {"url": [EVIDENCE_URL_MESSAGE]}
        ) from exc


def validate_evidence_label(label: str) -> None:
    """Refuse an empty or over-long label of a link (``invalid_evidence_label``)."""
    if not label:
        message = "Indiquez l’intitulé de ce lien."
    elif len(label) > EVIDENCE_LABEL_MAX:
        message = f"L’intitulé ne doit pas dépasser {EVIDENCE_LABEL_MAX} caractères."
    else:
        return
    raise DirectoryError("invalid_evidence_label", message, {"label": [message]})


def _checked_evidence(evidence: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    links = [(" ".join(label.split()), url.strip()) for label, url in evidence]
    if len(links) > EVIDENCE_MAX:
        message = f"Indiquez {EVIDENCE_MAX} liens au plus."
        raise DirectoryError("too_many_evidence_links", message, {"evidence": [message]})
    for position, (label, url) in enumerate(links):
        for rule, value, field in (
            (validate_evidence_label, label, "label"),
            (validate_evidence_url, url, "url"),
        ):
            try:
                rule(value)
            except DirectoryError as error:
                error.errors = {f"evidence_{position}_{field}": error.errors[field]}
                raise
    return links


@transaction.atomic
def commitment_assessment_save(
    *,
    actor: Any,
    organisation: Organisation,
    commitment: Commitment,
    level: str,
    text: str = "",
    evidence: Iterable[tuple[str, str]] = (),
) -> CommitmentAssessment:
    """Record ``organisation``'s self-assessment against ``commitment``: its level, what
    it does (a public text) and the links that show it (``(label, url)`` pairs, which
    replace the previous ones; http(s) only, ``EVIDENCE_MAX`` at most).

    The first save creates the assessment, the next ones update it; both are audited
    (``commitment.assessed``, from the previous level to the new one).
    """
    if level not in CommitmentAssessment.Level.values:
        message = "Choisissez un niveau parmi ceux proposés."
        raise DirectoryError("unknown_level", message, {"level": [message]})
    text = clean_text(text)
    validate_assessment_text(text)
    links = _checked_evidence(evidence)
    assessment = (
        CommitmentAssessment.objects.select_for_update()
        .filter(organisation=organisation, commitment=commitment)
        .first()
    )
    previous = assessment.level if assessment is not None else ""
    if assessment is None:
        assessment = CommitmentAssessment(organisation=organisation, commitment=commitment)
    assessment.level = level
    assessment.text = text
    assessment.updated_at = timezone.now()
    assessment.updated_by = actor if isinstance(actor, User) else None
    _full_clean(assessment)
    assessment.save()
    rows = [
        CommitmentEvidence(assessment=assessment, label=label, url=url, position=position)
        for position, (label, url) in enumerate(links)
    ]
    for row in rows:
        _full_clean(row, exclude=("assessment",))
    assessment.evidence.all().delete()
    CommitmentEvidence.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        action="commitment.assessed",
        target=assessment,
        organisation=organisation,
        data={
            "commitment": commitment.number,
            "from": previous,
            "to": level,
            "evidence": len(rows),
        },
    )
    # No ``directory.events`` here: the assessments are in none of the directory's open
    # data, and the public page reads them directly.
    return assessment
