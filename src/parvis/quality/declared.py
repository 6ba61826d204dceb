"""Declared results: the figures an organisation declares itself, imported from a CSV file
(the back office, the API) or from JSON records (the API), all or nothing.

The file (``TABLE_SCHEMA``, a Table Schema): UTF-8 (a byte-order mark is accepted),
comma-separated, one header row, then one figure per line::

    indicateur,niveau,territoire,mois,valeur,effectif,numerateur,denominateur
    rendez-vous-non-honores,organisation,,2026-03,"12,5",1840,230,1840
    taux-appels-decroches,service,caf-gironde,2026-03,87.4,5210,,

* ``indicateur``: a code of the published catalogue (``GET /api/v1/qualite/indicateurs``);
* ``niveau``: ``site``, ``service`` (local service), ``departement``, ``region`` or
  ``organisation`` (the organisation as a whole), one the indicator is computed at;
* ``territoire``: the public code of the place: a site's or a local service's code (its
  slug, as in the directory and its open data), a département's or a région's INSEE code
  (« 2A », « 974 », « 75 »; a leading zero a spreadsheet dropped is put back), the
  organisation's code or nothing at the ``organisation`` level. It is stored under the
  key results use (``Result.key``: a site's or a service's id, the INSEE code, the
  organisation's slug);
* ``mois``: ``AAAA-MM``, not after the current month;
* ``valeur``: a number with ``.`` or ``,`` as decimal mark (quote it when it has a comma);
  a share is written in percent, 0 to 100 (« 87,5 » is 87.5 %) and stored between 0 and 1;
  seconds, working days and scores out of 5 as they are;
* ``effectif``: n, the number of cases (or answers) behind the value, an integer ≥ 1;
* ``numerateur`` and ``denominateur`` (optional, both or neither): for a share, the
  numbers of cases it divides (the value must agree with them within 0.5 point).

Column names are read without case or accents (« Numérateur » is ``numerateur``);
blank lines are skipped. At most ``MAX_BYTES`` bytes and ``MAX_LINES`` lines. Every line
is checked against the Table Schema, then against the domain (the indicator exists and
is published, the level is one of its levels, the territory exists and belongs to the
organisation, the principal may declare for it, the month is not in the future, the value
is within its unit's range, no line twice); any error refuses the whole file and the
report gives each one with its line (the file's line: the header is line 1) and column.
A good file is upserted on (indicator, organisation, level, territory, month), audited,
and the results of the months it touches are recomputed after commit (Celery, or in
place when the broker refuses the task) so that the figures show « déclaré ».

Who may declare: a person holding ``Perm.MANAGE_QUALITY`` (a quality manager, an
organisation admin) over the site, the local service, or the organisation itself for the
other levels; or a write API token of the organisation.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import structlog
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from parvis.accounts.models import ApiToken
from parvis.accounts.scoping import Perm, grants_for, has_permission, is_platform_admin
from parvis.accounts.services import audit_record
from parvis.core.french import number, percent, with_article
from parvis.core.text import has_lone_surrogate, strip_controls
from parvis.directory.models import LocalService, Organisation, Site
from parvis.quality.models import DeclaredResult, Indicator, Level, Unit
from parvis.territories.models import Departement, Region

logger = structlog.get_logger(__name__)

MAX_BYTES = 2 * 1024 * 1024
MAX_LINES = 10_000
# ``Result.declared_source`` holds the source and « (JJ/MM/AAAA) » in 200 characters.
SOURCE_MAX_LENGTH = 180
EARLIEST_MONTH = dt.date(2015, 1, 1)
# A share's value and its numerator ÷ denominator may differ by rounding: 0.5 point.
SHARE_TOLERANCE = 0.005
# n is stored in a 32-bit positive integer.
MAX_N = 1_000_000_000
# A numerator or a denominator (a count, or a sum of seconds) stays below this.
MAX_COUNT = 1e15

LEVELS: tuple[str, ...] = (
    Level.SITE,
    Level.SERVICE,
    Level.DEPARTEMENT,
    Level.REGION,
    Level.ORGANISATION,
)
COLUMNS: tuple[str, ...] = (
    "indicateur",
    "niveau",
    "territoire",
    "mois",
    "valeur",
    "effectif",
    "numerateur",
    "denominateur",
)
# Every column but numerateur and denominateur, which a file may leave out together.
REQUIRED_COLUMNS = COLUMNS[:6]
NUMBER_PATTERN = r"-?[0-9]+([.,][0-9]+)?"

TABLE_SCHEMA: dict[str, Any] = {
    "$schema": "https://specs.frictionlessdata.io/schemas/table-schema.json",
    "name": "resultats-declares",
    "title": "Résultats de qualité déclarés par un organisme",
    "description": (
        "Fichier CSV en UTF-8, séparé par des virgules, avec une ligne d’en-tête : un "
        "résultat par ligne. Un fichier qui compte une seule ligne en erreur est refusé en "
        "entier. Au plus 2 Mo et 10 000 lignes. Les colonnes numerateur et denominateur "
        "peuvent être omises ensemble ; l’ordre des colonnes est libre."
    ),
    "fields": [
        {
            "name": "indicateur",
            "type": "string",
            "title": "Indicateur",
            "description": "Code d’un indicateur publié du catalogue.",
            "constraints": {"required": True, "pattern": "[a-z0-9]+(-[a-z0-9]+)*", "maxLength": 60},
        },
        {
            "name": "niveau",
            "type": "string",
            "title": "Niveau",
            "description": "Niveau d’agrégation, l’un de ceux de l’indicateur.",
            "constraints": {"required": True, "enum": list(LEVELS)},
        },
        {
            "name": "territoire",
            "type": "string",
            "title": "Territoire",
            "description": (
                "Code du lieu ou du service local (tel que dans l’annuaire), code INSEE du "
                "département ou de la région, code de l’organisme (ou vide) au niveau "
                "organisation."
            ),
            "constraints": {"pattern": "[-A-Za-z0-9_]+", "maxLength": 140},
        },
        {
            "name": "mois",
            "type": "yearmonth",
            "title": "Mois",
            "description": "AAAA-MM ; pas après le mois en cours.",
            "constraints": {"required": True},
        },
        {
            "name": "valeur",
            "type": "string",
            "title": "Valeur",
            "description": (
                "Nombre, virgule ou point décimal. Une part s’écrit en pourcentage, de 0 à "
                "100 ; des secondes, des jours ouvrés ou une note sur 5 telles quelles."
            ),
            "constraints": {"required": True, "pattern": NUMBER_PATTERN},
        },
        {
            "name": "effectif",
            "type": "integer",
            "title": "Effectif (n)",
            "description": "Nombre de cas ou de réponses sur lesquels porte la valeur.",
            "constraints": {"required": True, "minimum": 1, "maximum": MAX_N},
        },
        {
            "name": "numerateur",
            "type": "string",
            "title": "Numérateur",
            "description": "Facultatif (avec le dénominateur) : nombre de cas comptés.",
            "constraints": {"pattern": NUMBER_PATTERN},
        },
        {
            "name": "denominateur",
            "type": "string",
            "title": "Dénominateur",
            "description": "Facultatif (avec le numérateur) : nombre de cas pris en compte.",
            "constraints": {"pattern": NUMBER_PATTERN},
        },
    ],
    "missingValues": [""],
}

# What a value that does not match a field's pattern should look like (French).
PATTERN_HINTS = {
    "indicateur": "Code d’indicateur attendu : minuscules, chiffres et tirets.",
    "territoire": "Code attendu : lettres, chiffres, tirets (par exemple caf-gironde, 33, 2A).",
    "valeur": "Un nombre est attendu, par exemple 87,5 ou 87.5 (sans espace ni « % »).",
    "numerateur": "Un nombre est attendu, par exemple 230.",
    "denominateur": "Un nombre est attendu, par exemple 1840.",
}

# The range of a declared value, in the unit it is written in (a share in percent).
UNIT_RANGES: dict[str, tuple[float, float, str]] = {
    Unit.SHARE: (0.0, 100.0, "une part s’écrit en pourcentage, de 0 à 100"),
    Unit.SECONDS: (0.0, 31 * 86_400.0, "des secondes, de 0 à 2 678 400 (31 jours)"),
    Unit.WORKING_DAYS: (0.0, 366.0, "des jours ouvrés, de 0 à 366"),
    Unit.SCORE: (1.0, 5.0, "une note de 1 à 5"),
}

YEARMONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


@dataclass(frozen=True)
class LineError:
    """One refusal: ``line`` of the file (the header is 1; 0 for the file as a whole; a
    record's position, from 1, for JSON records), ``column`` (empty for the line or the
    file), ``message`` in French."""

    line: int
    column: str
    message: str


@dataclass(frozen=True)
class ImportReport:
    created: int
    updated: int
    errors: list[LineError]
    # The file is over ``MAX_BYTES`` (the API's 413); more than ``MAX_LINES`` lines is an
    # error of the file like any other.
    too_large: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def _refused(*errors: LineError, too_large: bool = False) -> ImportReport:
    return ImportReport(created=0, updated=0, errors=list(errors), too_large=too_large)


# --- Reading -------------------------------------------------------------------------------


def _column_name(raw: str) -> str:
    """« Numérateur » → « numerateur »: case, accents and spaces do not count."""
    text = unicodedata.normalize("NFKD", raw.strip().lstrip("\ufeff"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def _header_errors(header: list[str]) -> tuple[list[str], list[LineError]]:
    names = [_column_name(cell) for cell in header]
    errors = []
    if len(names) == 1 and ";" in header[0]:
        return names, [
            LineError(
                1,
                "",
                "Le séparateur attendu est la virgule ; ce fichier semble séparé par des "
                "points-virgules. Enregistrez-le en « CSV UTF-8 (délimité par des virgules) ».",
            )
        ]
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        if name in seen:
            errors.append(LineError(1, name, f"La colonne « {name} » figure deux fois."))
        elif name not in COLUMNS:
            shown = name or f"n° {position} (sans nom)"
            errors.append(
                LineError(
                    1,
                    name,
                    f"Colonne inconnue « {shown} » ; colonnes attendues : {', '.join(COLUMNS)}.",
                )
            )
        seen.add(name)
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            errors.append(LineError(1, name, f"Colonne obligatoire absente : {name}."))
    if ("numerateur" in seen) != ("denominateur" in seen):
        missing = "denominateur" if "numerateur" in seen else "numerateur"
        errors.append(
            LineError(
                1,
                missing,
                "Les colonnes numerateur et denominateur vont ensemble : "
                f"ajoutez la colonne {missing}.",
            )
        )
    return names, errors


@dataclass
class _Parsed:
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    too_large: bool = False
    # Too many lines: refused whole, its lines not checked.
    too_long: bool = False


def _clean_cell(line: int, column: str, value: str, errors: list[LineError]) -> str:
    if has_lone_surrogate(value):
        errors.append(
            LineError(line, column, "Caractère invalide : le texte n’est pas de l’UTF-8.")
        )
        return ""
    return strip_controls(value).strip()


def _read_csv(data: bytes) -> _Parsed:
    parsed = _Parsed()
    if len(data) > MAX_BYTES:
        parsed.too_large = True
        parsed.errors.append(
            LineError(
                0, "", f"Le fichier dépasse la taille maximale de {MAX_BYTES // 1024 // 1024} Mo."
            )
        )
        return parsed
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        parsed.errors.append(
            LineError(
                line,
                "",
                "Le fichier n’est pas encodé en UTF-8 (premier octet invalide à cette ligne) : "
                "enregistrez-le en « CSV UTF-8 ».",
            )
        )
        return parsed
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        parsed.errors.append(LineError(1, "", f"En-tête illisible ({error})."))
        return parsed
    if header is None or not any(cell.strip() for cell in header):
        parsed.errors.append(
            LineError(
                1,
                "",
                "Le fichier est vide : la première ligne nomme les colonnes "
                f"({', '.join(COLUMNS[:6])}…).",
            )
        )
        return parsed
    names, header_errors = _header_errors(header)
    if header_errors:
        parsed.errors.extend(header_errors)
        return parsed
    line = reader.line_num
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            parsed.errors.append(
                LineError(
                    reader.line_num, "", f"Ligne illisible (guillemet non fermé ?) : {error}."
                )
            )
            break
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(parsed.rows) >= MAX_LINES:
            parsed.too_long = True
            parsed.errors.append(
                LineError(start, "", f"Le fichier dépasse {number(MAX_LINES)} lignes de résultats.")
            )
            return parsed
        if len(cells) != len(names):
            parsed.errors.append(
                LineError(
                    start,
                    "",
                    f"La ligne compte {len(cells)} cellule(s) au lieu de {len(names)} : une "
                    'virgule décimale doit être entre guillemets ("87,5").',
                )
            )
            continue
        parsed.rows.append(
            (
                start,
                {
                    n: _clean_cell(start, n, c, parsed.errors)
                    for n, c in zip(names, cells, strict=True)
                },
            )
        )
    if not parsed.rows and not parsed.errors:
        parsed.errors.append(LineError(0, "", "Le fichier ne contient aucun résultat."))
    return parsed


def _record_value(value: Any) -> str | None:
    """A JSON value as the text a CSV cell would hold; ``None`` when it is not a scalar."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if value == value and abs(value) != float("inf") else None
    if isinstance(value, str):
        return value
    return None


def _read_records(records: Iterable[Any]) -> _Parsed:
    parsed = _Parsed()
    for position, record in enumerate(records, start=1):
        if position > MAX_LINES:
            parsed.too_long = True
            parsed.errors.append(
                LineError(position, "", f"Au plus {MAX_LINES} résultats par envoi.")
            )
            return parsed
        if not isinstance(record, Mapping):
            parsed.errors.append(LineError(position, "", "Un objet JSON est attendu."))
            continue
        row: dict[str, str] = {}
        for key, value in record.items():
            name = _column_name(str(key))
            if name not in COLUMNS:
                shown = re.sub(r"[^-\w]", "?", str(key))[:60]
                parsed.errors.append(
                    LineError(
                        position, shown, f"Champ inconnu ; champs attendus : {', '.join(COLUMNS)}."
                    )
                )
                continue
            text = _record_value(value)
            if text is None:
                parsed.errors.append(
                    LineError(position, name, "Une valeur simple est attendue (texte ou nombre).")
                )
                continue
            row[name] = _clean_cell(position, name, text, parsed.errors)
        parsed.rows.append((position, row))
    if not parsed.rows and not parsed.errors:
        parsed.errors.append(LineError(0, "", "Aucun résultat envoyé."))
    return parsed


# --- Checking ------------------------------------------------------------------------------


def _check_field(descriptor: Mapping[str, Any], raw: str) -> tuple[Any, str | None]:
    """One cell against its Table Schema field: the typed value, or a French message."""
    name, kind = descriptor["name"], descriptor["type"]
    constraints = descriptor.get("constraints", {})
    if raw == "":
        return None, "Valeur obligatoire." if constraints.get("required") else None
    if (maximum := constraints.get("maxLength")) and len(raw) > maximum:
        return None, f"Au plus {maximum} caractères."
    value: Any = raw
    if kind == "integer":
        if not re.fullmatch(r"[0-9]+", raw):
            return None, "Un nombre entier est attendu (sans espace ni décimale)."
        if len(raw.lstrip("0")) > 15:
            return None, f"Au plus {number(constraints.get('maximum', MAX_N))}."
        value = int(raw)
        if (minimum := constraints.get("minimum")) is not None and value < minimum:
            return None, f"Au moins {minimum}."
        if (maximum := constraints.get("maximum")) is not None and value > maximum:
            return None, f"Au plus {number(maximum)}."
    elif kind == "yearmonth":
        match = YEARMONTH.fullmatch(raw)
        if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1:
            return None, "Un mois AAAA-MM est attendu, par exemple 2026-03."
        value = dt.date(int(match.group(1)), int(match.group(2)), 1)
    if (choices := constraints.get("enum")) and value not in choices:
        return None, f"Valeur inconnue « {raw} » ; valeurs possibles : {', '.join(choices)}."
    if (pattern := constraints.get("pattern")) and not re.fullmatch(pattern, raw):
        return None, PATTERN_HINTS.get(name, "Le format n’est pas valide.")
    return value, None


def _number(raw: str) -> float:
    return float(Decimal(raw.replace(",", ".")))


@dataclass(frozen=True)
class _Place:
    key: str
    obj: Any  # what the principal must hold MANAGE_QUALITY over


class _Context:
    """Look-ups shared by the lines of one import (one query per kind of thing)."""

    def __init__(self, principal: Any, organisation: Organisation) -> None:
        self.principal = principal
        self.organisation = organisation
        self.indicators = {i.code: i for i in Indicator.objects.all()}
        self.month_limit = timezone.localdate().replace(day=1)
        self._sites: dict[str, Site | None] = {}
        self._services: dict[str, LocalService | None] = {}
        self._allowed: dict[tuple[str, int], bool] = {}
        self._scope_message: str | None = None
        self.departements = set(Departement.objects.values_list("code", flat=True))
        self.regions = set(Region.objects.values_list("code", flat=True))

    def site(self, slug: str) -> Site | None:
        if slug not in self._sites:
            self._sites[slug] = Site.objects.filter(slug=slug).first()
        return self._sites[slug]

    def service(self, slug: str) -> LocalService | None:
        if slug not in self._services:
            self._services[slug] = LocalService.objects.filter(slug=slug).first()
        return self._services[slug]

    def allowed(self, obj: Any) -> bool:
        cell = (type(obj).__name__, obj.pk)
        if cell not in self._allowed:
            self._allowed[cell] = _may_declare(self.principal, self.organisation, obj)
        return self._allowed[cell]

    def out_of_scope(self) -> str:
        """Why a territory was refused, naming what the person's quality role covers in the
        organisation: « Votre rôle se limite à la CAF de la Gironde : … ». A quality
        manager of a local service or a site is one, just not for this territory."""
        if self._scope_message is None:
            names: list[str] = []
            if not isinstance(self.principal, ApiToken):
                grants = [
                    g for g in grants_for(self.principal) if Perm.MANAGE_QUALITY in g.permissions
                ]
                services = {g.local_service_id for g in grants if g.local_service_id}
                sites = {g.site_id for g in grants if g.site_id}
                names = [
                    with_article(service)
                    for service in LocalService.objects.filter(
                        pk__in=services, organisation=self.organisation
                    ).order_by("name")
                ] + [
                    with_article(site)
                    for site in Site.objects.filter(pk__in=sites).order_by("name")
                ]
            refused = "vous ne pouvez pas déclarer de résultats pour ce territoire."
            if names:
                scope = " et ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
                self._scope_message = f"Votre rôle se limite à {scope} : {refused}"
            else:
                self._scope_message = refused[0].upper() + refused[1:]
        return self._scope_message


def _may_declare(principal: Any, organisation: Organisation, obj: Any) -> bool:
    if isinstance(principal, ApiToken):
        return principal.organisation_id == organisation.pk and has_permission(
            principal, Perm.API_WRITE
        )
    if isinstance(obj, Site) and obj.organisation_id != organisation.pk:
        # A France Services site declared by a partner: the partner's organisation grant.
        obj = organisation
    return has_permission(principal, Perm.MANAGE_QUALITY, obj)


def may_declare_for(principal: Any, organisation: Organisation) -> bool:
    """Whether ``principal`` may declare anything for ``organisation``: a write token of
    it, or ``MANAGE_QUALITY`` over the organisation or one of its services or sites."""
    if isinstance(principal, ApiToken):
        return _may_declare(principal, organisation, organisation)
    if is_platform_admin(principal):
        return True
    grants = [g for g in grants_for(principal) if Perm.MANAGE_QUALITY in g.permissions]
    if any(g.organisation_id == organisation.pk for g in grants):
        return True
    services = {g.local_service_id for g in grants if g.local_service_id}
    sites = {g.site_id for g in grants if g.site_id}
    return (
        bool(services)
        and LocalService.objects.filter(pk__in=services, organisation=organisation).exists()
    ) or (
        bool(sites)
        and Site.objects.filter(
            Q(organisation=organisation) | Q(partners=organisation), pk__in=sites
        ).exists()
    )


def insee_code(raw: str) -> str:
    """« 1 » → « 01 » (a spreadsheet drops leading zeros), « 2a » → « 2A »."""
    code = raw.strip().upper()
    return code.zfill(2) if code.isdigit() and len(code) == 1 else code


def _place(context: _Context, level: str, raw: str) -> tuple[_Place | None, str | None]:
    organisation = context.organisation
    if level == Level.ORGANISATION:
        if raw and raw != organisation.slug:
            return None, (
                f"Au niveau organisation, le territoire est le code de l’organisme "
                f"(« {organisation.slug} ») ou reste vide."
            )
        return _Place(organisation.slug, organisation), None
    if not raw:
        return None, "Territoire obligatoire à ce niveau."
    if level == Level.SITE:
        site = context.site(raw)
        if site is None:
            return (
                None,
                f"Lieu inconnu « {raw} » : indiquez le code du lieu tel que dans l’annuaire.",
            )
        if (
            site.organisation_id != organisation.pk
            and not site.partners.filter(pk=organisation.pk).exists()
        ):
            return None, f"Le lieu « {raw} » n’appartient pas à {organisation.name}."
        return _Place(str(site.pk), site), None
    if level == Level.SERVICE:
        service = context.service(raw)
        if service is None:
            return None, (
                f"Service local inconnu « {raw} » : indiquez le code du service tel que "
                "dans l’annuaire."
            )
        if service.organisation_id != organisation.pk:
            return None, f"Le service local « {raw} » n’appartient pas à {organisation.name}."
        return _Place(str(service.pk), service), None
    code = insee_code(raw)
    if level == Level.DEPARTEMENT:
        if code not in context.departements:
            return None, f"Département inconnu « {raw} » : code INSEE attendu (33, 2A, 974…)."
        return _Place(code, organisation), None
    if code not in context.regions:
        return None, f"Région inconnue « {raw} » : code INSEE attendu (75, 11, 04…)."
    return _Place(code, organisation), None


@dataclass(frozen=True)
class _Declared:
    line: int
    indicator: Indicator
    level: str
    key: str
    month: dt.date
    value: float
    n: int
    numerator: float | None
    denominator: float | None

    @property
    def cell(self) -> tuple[int, str, str, dt.date]:
        return (self.indicator.pk, self.level, self.key, self.month)


def _check_row(
    context: _Context, line: int, row: dict[str, str], errors: list[LineError]
) -> _Declared | None:
    typed: dict[str, Any] = {}
    first = len(errors)
    failed = False
    for descriptor in TABLE_SCHEMA["fields"]:
        name = descriptor["name"]
        value, message = _check_field(descriptor, row.get(name, ""))
        if message:
            errors.append(LineError(line, name, message))
            failed = True
        typed[name] = value
    indicator = context.indicators.get(typed["indicateur"])
    if typed["indicateur"] and (indicator is None or not indicator.is_published):
        # Said even when another cell of the line is wrong too: a code that names no
        # indicator is the first thing to fix, and the other errors may follow from it.
        state = "inconnu" if indicator is None else "non publié"
        errors.insert(
            first,
            LineError(
                line,
                "indicateur",
                f"Indicateur {state} « {typed['indicateur']} » : voir le catalogue "
                "(/api/v1/qualite/indicateurs).",
            ),
        )
        return None
    if failed or indicator is None:
        return None
    level = typed["niveau"]
    if level not in indicator.levels:
        possible = ", ".join(lv for lv in indicator.levels if lv in LEVELS)
        errors.append(
            LineError(
                line,
                "niveau",
                f"L’indicateur « {indicator.code} » ne se déclare pas au niveau {level} "
                f"(niveaux : {possible}).",
            )
        )
        return None
    place, message = _place(context, level, typed["territoire"] or "")
    if place is None:
        errors.append(LineError(line, "territoire", message or "Territoire invalide."))
        return None
    if not context.allowed(place.obj):
        errors.append(
            LineError(
                line,
                "territoire",
                context.out_of_scope(),
            )
        )
        return None
    month: dt.date = typed["mois"]
    if month > context.month_limit:
        errors.append(LineError(line, "mois", f"Le mois {month:%Y-%m} est dans le futur."))
        return None
    if month < EARLIEST_MONTH:
        errors.append(LineError(line, "mois", f"Mois antérieur à {EARLIEST_MONTH:%Y-%m}."))
        return None
    try:
        written = _number(typed["valeur"])
        numerator = _number(typed["numerateur"]) if typed["numerateur"] else None
        denominator = _number(typed["denominateur"]) if typed["denominateur"] else None
    except (InvalidOperation, ValueError):  # the pattern makes this unreachable
        errors.append(LineError(line, "valeur", PATTERN_HINTS["valeur"]))
        return None
    low, high, explained = UNIT_RANGES[indicator.unit]
    if not low <= written <= high:
        errors.append(LineError(line, "valeur", f"Valeur hors limites : {explained}."))
        return None
    value = written / 100 if indicator.unit == Unit.SHARE else written
    if (numerator is None) != (denominator is None):
        missing = "denominateur" if denominator is None else "numerateur"
        errors.append(LineError(line, missing, "Le numérateur et le dénominateur vont ensemble."))
        return None
    if numerator is not None and denominator is not None:
        if max(numerator, denominator) > MAX_COUNT:
            errors.append(
                LineError(
                    line,
                    "numerateur" if numerator > MAX_COUNT else "denominateur",
                    f"Au plus {number(int(MAX_COUNT))}.",
                )
            )
            return None
        if numerator < 0 or denominator <= 0:
            errors.append(
                LineError(
                    line,
                    "denominateur" if denominator <= 0 else "numerateur",
                    "Le numérateur doit être positif ou nul, le dénominateur positif.",
                )
            )
            return None
        if indicator.unit == Unit.SHARE:
            if numerator > denominator:
                errors.append(
                    LineError(line, "numerateur", "Le numérateur dépasse le dénominateur.")
                )
                return None
            if abs(numerator / denominator - value) > SHARE_TOLERANCE:
                errors.append(
                    LineError(
                        line,
                        "valeur",
                        f"La valeur ({percent(written / 100)}) ne correspond pas au "
                        "numérateur divisé par le dénominateur "
                        f"({percent(numerator / denominator)}).",
                    )
                )
                return None
    return _Declared(
        line, indicator, level, place.key, month, value, typed["effectif"], numerator, denominator
    )


def _check_source(source: str) -> tuple[str, LineError | None]:
    if has_lone_surrogate(source):
        return "", LineError(0, "source", "Caractère invalide dans la source.")
    text = " ".join(strip_controls(source).split())
    if not text:
        return "", LineError(
            0, "source", "Indiquez la source des chiffres (système d’information, enquête…)."
        )
    if len(text) > SOURCE_MAX_LENGTH:
        return "", LineError(
            0, "source", f"La source tient en {SOURCE_MAX_LENGTH} caractères au plus."
        )
    return text, None


# --- Importing -----------------------------------------------------------------------------


def declared_import(
    *, principal: Any, organisation: Organisation, data: bytes, source: str
) -> ImportReport:
    """Import a CSV file of declared results for ``organisation`` (see the module's
    docstring): all lines or none. ``PermissionDenied`` when ``principal`` may declare
    nothing for the organisation."""
    return _import(principal, organisation, source, lambda: _read_csv(data))


def declared_import_records(
    *, principal: Any, organisation: Organisation, records: Iterable[Any], source: str
) -> ImportReport:
    """The same from JSON records (objects keyed by the CSV's column names, numbers or
    texts); an error's line is the record's position, from 1."""
    return _import(principal, organisation, source, lambda: _read_records(records))


def _import(principal: Any, organisation: Organisation, source: str, read: Any) -> ImportReport:
    if not may_declare_for(principal, organisation):
        raise PermissionDenied
    source, source_error = _check_source(source)
    parsed: _Parsed = read()
    errors = ([source_error] if source_error else []) + parsed.errors
    if parsed.too_large or parsed.too_long:
        return _refused(*errors, too_large=parsed.too_large)
    context = _Context(principal, organisation)
    declared: list[_Declared] = []
    first_line: dict[tuple[int, str, str, dt.date], int] = {}
    unreadable = {e.line for e in parsed.errors}
    for line, row in parsed.rows:
        if line in unreadable:
            continue  # already refused while reading (a control or invalid character)
        checked = _check_row(context, line, row, errors)
        if checked is None:
            continue
        if (previous := first_line.get(checked.cell)) is not None:
            errors.append(
                LineError(
                    line,
                    "",
                    f"Même indicateur, niveau, territoire et mois qu’à la ligne {previous}.",
                )
            )
            continue
        first_line[checked.cell] = line
        declared.append(checked)
    if errors:
        errors.sort(key=lambda e: (e.line, COLUMNS.index(e.column) if e.column in COLUMNS else -1))
        logger.info("quality_declared_refused", organisation=organisation.slug, errors=len(errors))
        return _refused(*errors)
    return _write(principal, organisation, source, declared)


def _write(
    principal: Any, organisation: Organisation, source: str, declared: list[_Declared]
) -> ImportReport:
    now = timezone.now()
    user = (
        principal
        if getattr(principal, "is_authenticated", False) and not isinstance(principal, ApiToken)
        else None
    )
    months = sorted({d.month for d in declared})
    indicators = sorted({d.indicator.code for d in declared})
    with transaction.atomic():
        existing = set(
            DeclaredResult.objects.filter(
                organisation=organisation,
                indicator__in={d.indicator for d in declared},
                month__in=months,
            ).values_list("indicator_id", "level", "key", "month")
        )
        updated = sum(1 for d in declared if d.cell in existing)
        DeclaredResult.objects.bulk_create(
            [
                DeclaredResult(
                    indicator=d.indicator,
                    organisation=organisation,
                    level=d.level,
                    key=d.key,
                    month=d.month,
                    value=d.value,
                    numerator=d.numerator,
                    denominator=d.denominator,
                    n=d.n,
                    source=source,
                    declared_at=now,
                    declared_by=user,
                )
                for d in declared
            ],
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["indicator", "organisation", "level", "key", "month"],
            update_fields=[
                "value",
                "numerator",
                "denominator",
                "n",
                "source",
                "declared_at",
                "declared_by",
            ],
        )
        created = len(declared) - updated
        audit_record(
            actor=principal,
            action="quality.declared_import",
            target=organisation,
            organisation=organisation,
            data={
                "created": created,
                "updated": updated,
                "months": [m.strftime("%Y-%m") for m in months],
                "indicators": indicators,
            },
        )
        codes = [m.isoformat() for m in months]
        transaction.on_commit(lambda: recompute(months=codes, indicators=indicators))
    logger.info(
        "quality_declared_imported",
        organisation=organisation.slug,
        created=created,
        updated=updated,
    )
    return ImportReport(created=created, updated=updated, errors=[])


def recompute(*, months: list[str], indicators: list[str]) -> None:
    """The results of the months and indicators an import touched, by Celery; in place
    when the broker refuses the task (the declared figures must not wait for a night
    that may never cover their month)."""
    from parvis.core.queue import send
    from parvis.quality import tasks

    if not send(tasks.recompute_months, months, indicators):
        tasks.recompute_months(months, indicators)
