"""Structured identifiers: emails, phones (written and spoken), NIR, IBAN, bank cards, CAF
and tax numbers, number plates, birth dates, with the checksums that validate them."""

from __future__ import annotations

import re
from collections.abc import Iterable

from parvis.language.anonymiser.base import (
    _SEPARATOR_CHARS,
    MONTHS,
    NUMBER_WORDS,
    Entity,
    _compact,
    _context,
)
from parvis.language.registers import split_email

# --- Checksums ----------------------------------------------------------------------------


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def nir_key(first13: str) -> int:
    """The key of a NIR (Corsica: 2A counts as 19, 2B as 18)."""
    number = first13.upper().replace("2A", "19").replace("2B", "18")
    return 97 - int(number) % 97


def nir_valid(compact: str) -> bool:
    compact = compact.upper()
    if len(compact) != 15 or not re.fullmatch(r"[1-478]\d{4}(\d{2}|2A|2B)\d{6}\d{2}", compact):
        return False
    return nir_key(compact[:13]) == int(compact[13:])


def iban_valid(compact: str) -> bool:
    compact = compact.upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", compact):
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


# --- Structured identifiers ---------------------------------------------------------------

# What writers put for « @ » and « . » to hide an address from robots, or say aloud:
# « (at) », « [at] », « {@} », « (a) », « arobase », a full-width « ＠ »; « [dot] », « (point) »,
# a dot with spaces around it. Such a loose dot (a space after it, brackets, a comma) is taken
# only before a usual top-level domain, so « écrivez à jean@free. Merci » keeps « Merci »; a
# dot said (« point », « dot ») or spaced on both sides goes before any.
_EMAIL_AT = (
    r"(?:\s?[@＠]{1,2}\s?|\s?[(\[{<]\s?(?:at|a|@|arobase|arrobase|arobas)\s?[)\]}>]\s?"
    r"|\s(?:arobase|arrobase|arobas|at)\s)"
)
_EMAIL_SAID_DOT = r"(?:\s\.\s|\s(?:point|dot)\s)"
_EMAIL_LOOSE_DOT = r"(?:\s\.|\.\s|\.\.|,|\s?[(\[{]\s?(?:dot|point|\.)\s?[)\]}]\s?)"
_EMAIL_USUAL_TLD = r"(?:fr|com|net|org|eu|be|ch|lu|info|io|biz|bzh|re|de|es|it|uk|ca)"
# The providers people use, whose name after « @ » is an address even without its domain
# (« jean.dupont@gmail »).
_EMAIL_PROVIDER = (
    r"(?:gmail|hotmail|yahoo|outlook|orange|wanadoo|free|laposte|sfr|icloud|live|msn|aol"
    r"|protonmail|proton|gmx|neuf|bbox)"
)
EMAIL_RE = re.compile(
    r"(?<![\w.+-])[\w.+'-]+"
    # an address read aloud: « marie point dupont arobase gmail point com »
    r"(?:\s(?:point|dot|tiret|underscore|tiret\s+du\s+bas|tiret\s+bas|trait\s+d'union)\s[\w.+'-]+){0,3}"
    rf"{_EMAIL_AT}"
    rf"(?:[\w-]+(?:(?:\.|{_EMAIL_SAID_DOT}|{_EMAIL_LOOSE_DOT})[\w-]+)*"
    rf"(?:(?:\.|{_EMAIL_SAID_DOT})(?:fr|com|net|org|eu|be|ch|info|io|biz|gouv\.fr|[a-z]{{2,24}})\b"
    rf"|{_EMAIL_LOOSE_DOT}{_EMAIL_USUAL_TLD}\b)"
    rf"|{_EMAIL_PROVIDER}\b(?![.-]?\w))",
    re.IGNORECASE,
)

PHONE_RE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s?33\s?(?:\(0\)\s?)?[1-79]|0[ .]?[1-79])(?:[ .\-/]{0,2}\d){8}(?!\d)"
    r"|(?<![\w+])(?:\+|00)\s?(?:2[1-9]\d|3[0-24-9]\d?|4\d|5\d\d?|6\d|9\d)(?:[ .\-]?\d){7,11}(?!\d)",
)

NIR_SEP = r"(?:\s?[.\-/]\s?|\s{1,3})?"
NIR_RE = re.compile(
    rf"(?<![\w])[1-478](?:{NIR_SEP}\d){{4}}{NIR_SEP}(?:\d{NIR_SEP}\d|2{NIR_SEP}[ABab])(?:{NIR_SEP}\d){{6}}"
    rf"(?:{NIR_SEP}\d{NIR_SEP}\d)?(?![\w])"
)
NIR_CONTEXT = re.compile(
    r"secu|securite sociale|\bnir\b|\bn\.?i\.?r\b|\bss\b|insee|carte vitale|assure social"
    r"|immatriculation|matricule|\bassure(?:e)?\b|\bn° d'assure|numero d'assure",
    re.IGNORECASE,
)
TAX_CONTEXT = re.compile(
    r"fisca|\bspi\b|contribuable|impot|\bnif\b|teledeclarant|avis d'imposition", re.IGNORECASE
)
CAF_CONTEXT = re.compile(
    r"allocataire|\balloc\b|\bcaf\b|\bmsa\b|n° d'alloc|numero d'alloc|\bmatricule"
    r"|allocations familiales",
    re.IGNORECASE,
)
PLATE_CONTEXT = re.compile(
    r"immatricul|plaque|voiture|vehicule|carte grise|auto\b|moto|scooter|camion|\bpv\b|amende"
    r"|radar|stationnement|fourriere|certificat|\bimmat\b|\bcession|\bantai\b|contravention"
    r"|flashe|garage|controle technique|camping|utilitaire|\bcg\b|crit'?air|\bants\b|permis"
    r"|acheteur|\bfps\b|parking|conduit",
    re.IGNORECASE,
)

IBAN_RE = re.compile(r"(?<![\w])[A-Za-z]{2}\d{2}(?:[ .\-]?[A-Za-z0-9]){11,34}", re.IGNORECASE)
CARD_RE = re.compile(r"(?<![\w])\d(?:[ .\-]?\d){12,18}(?!\w)")
LONG_DIGITS_RE = re.compile(r"(?<![\w])\d(?:(?:[ \t]{1,2}|[.\-])?\d){11,14}(?!\w)")

# The letter some caisses add after the allocataire number, in lower case after a space;
# « a » and « y » only where they cannot be the verb or the pronoun (« 1234567 a svp »,
# « num 1234567 a, j'ai rien reçu », but « 1234567 a été radié »).
_CAF_LOWER_LETTER = (
    r"[ ](?:(?![ay]\b)(?-i:[a-z])|(?-i:[ay])(?=[ \t]*(?:$|[\n,.;:!?)]"
    r"|(?:svp|stp|merci|jai|j'ai|je|jsuis|et|mais|cordialement|bonjour|bjr)\b)))"
)
CAF_RE = re.compile(
    r"(?:allocataire|\balloc\b|\bcaf\b|\bmsa\b|\bmatricule|dossier|n°\s?d'alloc)"
    r"(?:[^\n\d.?!]|\.(?!\s)){0,50}?(?<![\w])(?<![A-Za-z]-)(\d(?:[ .\-]?\d){4,9}"
    rf"(?:(?:[ /\-]?(?-i:[A-Z])|{_CAF_LOWER_LETTER}|(?-i:[a-z]))(?![\w'’]))?)"
    r"(?![\d\w]|[ .\-]\d)",
    re.IGNORECASE,
)
TAX_RE = re.compile(
    r"(?:fiscal|fiscale|\bspi\b|contribuable|\bnif\b)"
    r"[^\n\d.?!]{0,40}?(?<![\w])(\d(?:(?:[ \t]{1,3}|[.\-])?\d){11,13})(?![\d\w])",
    re.IGNORECASE,
)

_PLATE_LETTERS = "A-HJ-NP-TV-Z"
PLATE_RE = re.compile(
    rf"(?<![\w])([{_PLATE_LETTERS}]{{2}})([ .\-]?)(\d{{3}})([ .\-]?)"
    rf"([{_PLATE_LETTERS}]{{2}})(?![\w])",
    re.IGNORECASE,
)
# never the start of a longer number (« permis 13 AB 44 02 17 »: a licence's digits go on),
# nor the end of one (« pré-demande 2026-04-17-381-A22 »: a reference's last groups)
OLD_PLATE_RE = re.compile(
    r"(?<![\w])(?<!\d-)\d{1,4}[ -]?[A-Z]{1,3}[ -]?(?:\d{2}|2A|2B|97\d)(?![\w])(?![ .\-]?\d)"
)

_YEAR_WORDS = rf"(?:(?:mille|mil|deux\s+mille|dix[\s-]neuf\s+cent)(?:[\s-]+(?:{NUMBER_WORDS}))*)"
_NUMBER_WORD_RUN = rf"(?:(?:{NUMBER_WORDS}|zero)(?:[\s-]+|,\s*)){{2,7}}(?:{NUMBER_WORDS}|zero)"
_TENS = r"(?:vingt|trente|quarante|cinquante|soixante|quatre[\s-]vingts?)"
_SMALL = (
    r"(?:un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze"
    r"|seize)"
)
# a year said in words without its century (« soixante-quatre », « quatre-vingt-dix-neuf »)
# or with it (« mille neuf cent quatre-vingt-deux », « deux mille douze »)
_SPOKEN_YEAR = (
    rf"(?:(?:mille[\s-]+neuf[\s-]+cents?|dix[\s-]neuf[\s-]+cents?|deux[\s-]+mille)[\s-]+)?"
    rf"(?:{_TENS}(?:[\s-]+(?:et[\s-]+)?{_SMALL})*|(?<=mille[\s-]){_SMALL})(?![\w-])"
)
_WEEKDAY = r"(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+)?"
# « le 3 du 7 », « 14 du 5 1963 », « 12 du 12 99 », « le trois du onze quatre-vingt-cinq »:
# the day, « du », the month's number, a year or none (the loose way a date is said)
_DAY_WORDS = (
    r"(?:premier|un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze"
    r"|quinze|seize|dix[\s-](?:sept|huit|neuf)|vingt(?:[\s-](?:et[\s-])?(?:un|deux|trois"
    r"|quatre|cinq|six|sept|huit|neuf))?|trente(?:[\s-]et[\s-]un)?)"
)
_MONTH_NUMBER_WORDS = r"(?:un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze)"
_DAY_OF_MONTH = (
    r"(?:(?:0?[1-9]|[12]\d|3[01])[ \t]+du[ \t]+(?:0?[1-9]|1[0-2])(?:[ \t]+(?:19|20)?\d{2})?"
    rf"|{_DAY_WORDS}[ \t]+du[ \t]+{_MONTH_NUMBER_WORDS}(?![\w-])"
    rf"(?:[ \t]+(?:{_YEAR_WORDS}|{_SPOKEN_YEAR}))?)"
    r"(?![\w/]|[ \t]*(?:mois|courant|ans|h\b|heures?|€|euros?|%))"
)
DATE_RE = (
    # the year first (« 1979-07-23 », « 1993 04 30 »), the month and year only (« 07-1969 »,
    # « oct. 1959 »), the weekday before (« samedi 5 mai 1962 »)
    r"(?:(?:19|20)\d{2}[-/. ](?:0?[1-9]|1[0-2])[-/. ](?:0?[1-9]|[12]\d|3[01])(?![\d])"
    r"|(?:0?[1-9]|1[0-2])[-/.](?:19|20)\d{2}(?![\d])"
    rf"|(?:{MONTHS})\.?\s+(?:19|20)\d{{2}}(?![\d])"
    # the month and a year of two digits or said in words (« né en mars 84 », « née en
    # décembre soixante-seize »)
    rf"|(?:{MONTHS})\.?\s+\d{{2}}(?![\d\w/,.]|\s*(?:ans|€|euros?)\b)"
    rf"|(?:{MONTHS})\.?\s+{_SPOKEN_YEAR}"
    rf"|{_WEEKDAY}(?:1er|\d{{1,2}})\s+(?:{MONTHS})\.?\s+(?:19|20)\d{{2}}"
    r"|\d{1,2}\s?[/.\-]\s?\d{1,2}\s?[/.\-]\s?(?:19|20)?\d{2}"
    r"|\d{1,2}[ ]\d{1,2}[ ](?:19|20)\d{2}"
    # « né le 8 8 88 »: day, month and a two-digit year set apart by spaces
    r"|(?:0?[1-9]|[12]\d|3[01])[ ](?:0?[1-9]|1[0-2])[ ]\d{2}(?![ ]?\d)"
    r"|(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])(?:19|20)\d{2}"
    rf"|(?:1er|\d{{1,2}})\s+(?:{MONTHS})\.?(?:\s+(?:(?:19|20)?\d{{2}}|{_YEAR_WORDS}))?"
    rf"|(?:(?:{NUMBER_WORDS})[\s-]+)+(?:{MONTHS})\.?"
    rf"(?:\s+(?:{_YEAR_WORDS}|\d{{4}}|(?:(?:{NUMBER_WORDS})[\s-]*)+))?"
    rf"|{_DAY_OF_MONTH}"
    rf"|{_NUMBER_WORD_RUN})"
)  # a year alone (« né en 1985 ») is not a birth date: years are kept
BIRTH_RE = re.compile(
    r"(?:(?:\bne|\bnee|\bnes|\bnees)(?![\w])|\bne\(e\)|\bne\s?\(e\)|date\s+de\s+naissance|\bddn\b"
    r"|\bd\.d\.n\.?|naissance|\bnaiss\.|anniversaire\s+(?:est|c'est)?)"
    # in a transcript the answer comes on the next line, after the speaker's name (« Née le
    # ?\nAppelant : Le 17 novembre »)
    r"[^\n.?!\d]{0,40}?(?:[ \t]*\??[ \t]*\n"
    # a chat's time, bracketed or not (« [09:06] », « 09:06 - »)
    r"(?:(?:\[[\d:.,]+\]|\d{1,2}[:h]\d{2}(?:[ \t]*[-|–])?)[ \t]*)?"
    # the speaker with a colon, or a transcript's bare label (« agent né le\nappelant sept
    # juillet … »)
    r"(?:[^\n:\d]{0,25}:[^\n\d]{0,12}?|[ \t]*(?:appelant\w*|usager\w*|client\w*)(?=[ \t])"
    r"(?:[ \t]+(?:oui|euh|alors|elle|il|est|nee?|c'est|le))*))?"
    r"\s*:?\s*"
    rf"(?<![\w])({DATE_RE})(?![\w/])",
    re.IGNORECASE,
)
# « votre nom et votre date de naissance\nB : Ahamada Soilihi euh dix-sept octobre … »,
# « … dates de naissance des enfants ?\nVous : aïcha le 12/05/2014 »: the next turn answers
# the question, a name or a filler before the date.
BIRTH_ANSWER_RE = re.compile(
    r"(?:date|dates)(?:[ \t]+et[ \t]+lieux?)?[ \t]+de[ \t]+naissance[^\n.!\d]{0,40}?\n"
    r"(?:\[[\d:.,]+\][ \t]*)?"
    # the speaker with a colon, or a transcript's bare label (« appelant », « B », « — »)
    r"(?:[^\n:\d]{0,25}:|[ \t]*(?:appelant\w*|usager\w*|client\w*|a|b|[—–\-])(?=[ \t]))"
    r"[ \t]*(?:[^\n\d.?!:]{0,40}?[ \t])??(?:le[ \t]+)?"
    rf"(?<![\w])({DATE_RE})(?![\w/])",
    re.IGNORECASE,
)
# « je suis né à 97300 ... enfin à Cayenne quoi, le 30 juin 1991 »: born in a place, then the
# date with its year, whatever is said of the place.
BORN_AT_THEN_DATE_RE = re.compile(
    r"(?<![\w])nee?s?[ \t]+"
    # « vous êtes né où\nappelant : à Pointe-Noire au Congo le dix-sept mars … »: the place
    # and the date answer the question on the next turn
    r"(?:ou\b[^\n]{0,20}\n(?:\[[\d:.,]+\][ \t]*)?[^\n:\d]{0,25}:[ \t]*)?"
    r"(?:a|au|en)[ \t][^\n?!]{1,50}?,?[ \t]+le[ \t]+"
    rf"(?<![\w])({DATE_RE})(?![\w/])",
    re.IGNORECASE,
)
# « les 2 grands (2012 et 2015) »: years alone in brackets after children, their birth years.
CHILD_YEARS_BRACKET_RE = re.compile(
    r"(?<![\w])(?:enfants?|fils|filles|grands|petits|aine\w*|cadet\w*|jumea\w+|jumelles)"
    r"[ \t]*\(([ \t]*(?:19|20)\d{2}(?:[ \t]*(?:,|et|&)[ \t]*(?:19|20)\d{2})*)[ \t]*\)",
    re.IGNORECASE,
)
# « 2. Bensalem Ilyes — 05/10/2011 — fils »: a household's numbered line, a name, a date and
# the person's place in the household; the date is their birth date.
HOUSEHOLD_LINE_RE = re.compile(
    r"^[ \t>]*(?:\d{1,2}[.)]|[-*•])[ \t]+[^\n\d]{2,60}?"
    rf"(?<![\w])({DATE_RE})(?![\w/])[ \t]*[—–\-,;(/][ \t]*"
    r"(?:demandeu\w+|declarant\w*|conjoint\w*|epou\w+|fils|fille|enfant|pere|mere|concubin\w*"
    r"|partenaire|allocataire|beneficiaire)(?![\w])",
    re.IGNORECASE | re.MULTILINE,
)


# « - Léon Marchal, père, 02/09/1987 », « 3. Diallo Awa - 25/07/2012 »: a numbered or dashed
# line of a list of the household's members (named above it), a name, its place in the
# household or none, and a full date ending the line: a birth date.
HOUSEHOLD_DATE_LAST_RE = re.compile(
    r"^[ \t>]*(?:\d{1,2}[.)]|[-*•])[ \t]+[A-ZÀ-Þ][^\n\d:]{1,60}?[ \t]*[—–\-,;(][ \t]*"
    r"((?:0?[1-9]|[12]\d|3[01])[/.\-](?:0?[1-9]|1[0-2])[/.\-](?:19|20)\d{2})[ \t)]*$",
    re.MULTILINE,
)
HOUSEHOLD_HEADING_RE = re.compile(
    r"foyer|famille|membres|enfants|personnes[ \t]+a[ \t]+charge|ayants?[ \t\-]droits?"
    r"|composition|beneficiaires",
    re.IGNORECASE,
)


# « Usager : M. Karim Benali, 14/02/1981 », « Enfant 2 : Lina Benali, 03/09/2019 »: on the
# line of a person's label, a full date right after the name (a comma or a dash apart) and
# closing the value is that person's birth date (an appointment or a letter's date has its
# own label: « Date : », « RDV : »).
PERSON_DATE_LINE_RE = re.compile(
    r"^[ \t>]*(?:usager\w*|demandeu\w+|beneficiaire|allocataire|assure\w*|enfant(?:[ \t]*\d)?"
    r"|conjoint\w*|epou\w+|concubin\w*|partenaire|pere|mere|fils|fille|titulaire|requerant\w*"
    r"|defunte?|patiente?|eleve|locataire|mandant\w*|mandataire|personne[ \t]+reçue"
    r"|personne[ \t]+recue|interesse\w*)[ \t]*:[ \t]*[^\n\d:]{2,60}?[ \t]*[,–\-][ \t]*"
    r"((?:(?:0?[1-9]|[12]\d|3[01])[/.\-])?(?:0?[1-9]|1[0-2])[/.\-](?:19|20)\d{2})"
    r"[ \t]*(?:$|[,;.)(])",
    re.IGNORECASE | re.MULTILINE,
)


def _household_dates(folded: str) -> Iterable[Entity]:
    for match in HOUSEHOLD_DATE_LAST_RE.finditer(folded):
        above = folded[max(0, match.start() - 300) : match.start()]
        if HOUSEHOLD_HEADING_RE.search(above):
            yield Entity(match.start(1), match.end(1), "BIRTHDATE")
    for match in PERSON_DATE_LINE_RE.finditer(folded):
        yield Entity(match.start(1), match.end(1), "BIRTHDATE")


SPOKEN_AT_RE = re.compile(r"\s(?:arobase|arrobase|arobas|at)\s", re.IGNORECASE)
EMAIL_STOP_WORDS = frozenset(
    {"c'est", "cest", "est", "mail", "courriel", "email", "e-mail", "adresse", "mon", "ma"}
    | {"c", "sur", "a", "au", "le", "la", ":", "et"}
)


# A service's address that nobody reads (« ne-pas-repondre@caf.fr », « noreply@… »).
NO_REPLY_RE = re.compile(
    r"(?:ne[-_.]?pas[-_.]?repondre|no[-_.]?reply|do[-_.]?not[-_.]?reply|nepasrepondre)"
    r"[\w.\-]*@",
    re.IGNORECASE,
)


# A desk's address: a function, no one's name, before an administration's domain
# (« conciliation.accueil@justice.fr », « contact@caf.fr », « accueil.sip@dgfip.finances.gouv.fr »).
DESK_EMAIL_RE = re.compile(
    r"(?:(?:accueil|contact|conciliation|conciliateur|secretariat|courrier|info|infos"
    r"|service|services|permanence|direction|greffe|sip|sie|standard|juridique|social"
    r"|usagers?|public|rdv|mediation|mediateur)[.\-_]?)+@"
    r"(?:[\w\-]+\.)*(?:gouv\.fr|justice\.fr|caf\.fr|ameli\.fr|msa\.fr|urssaf\.fr"
    r"|francetravail\.fr|ants\.fr|laposte\.fr|carsat[\w\-]*\.fr|assurance-retraite\.fr)$",
    re.IGNORECASE,
)


# A mailbox named after a function at an institution's domain (« contact@caf-exemple.fr »,
# « accueil.franceservices@ville-exemple.fr », « secretariat.college-x@ac-exemple.fr »): a
# desk's, an association's or a school's. Every part of its local part names a function or
# an institution (a part may go on after a hyphen: « college-loti »): « contact.dupont@… »
# or « info-marie@… » may be a person's and stay masked, as a firm's or a professional's
# (« contact@<name>-avocats.fr ») and one given after a sender's name (« X <accueil@…> a
# écrit »). Leaking a person's address costs more than masking a desk's.
_FUNCTION_PART = (
    r"(?:accueil|contact|contacts|secretariat|info|infos|information|courrier|direction|service"
    r"|services|standard|forum|ccas|mairie|bureau|reception|inscriptions?|scolarite|admin"
    r"|administration|communication|permanence|assistance|usagers|benevoles|parents|familles"
    r"|techniques?|social|sociale|jeunesse|urbanisme|etat-civil|rh|compta|comptabilite|eleves"
    r"|mediation|solidarites?|logement|emploi|insertion|sante|enfance|education|finances"
    r"|juridique|numerique|citoyennete|relations?-usagers|secretariat-general"
    r"|maintenance|travaux|informatique|culture|sports?|proprete|voirie|environnement"
    r"|coordination)"
)
_INSTITUTION_PART = (
    r"(?:mairie|ville|caf|cpam|msa|ccas|cias|lycee|college|ecole|ac|gouv|franceservices"
    r"|france-services|fs|departement|region|agglo|metropole|association|asso"
    r"|mission-?locale|prefecture|crous|urssaf|carsat|cnav)"
)
_FUNCTION_LOCAL_PART = (
    rf"{_FUNCTION_PART}(?:[.\-_](?:{_FUNCTION_PART}|{_INSTITUTION_PART})(?:-[a-z0-9]+)*)*@"
)
# « exemple » is the made-up texts' stand-in for a town or body, so it counts only as the
# end of a named domain (« centre-exemple.fr »): a bare « rh@exemple.fr » names no institution.
# On a form an organisation fills about itself, an e-mail is the organisation's only when
# its local part names a function (« direction@centre-exemple.fr »): « Conseillère :
# Julie Martin — julie.martin@… » on such a form is a person's.
FUNCTION_LOCAL_PART_RE = re.compile(_FUNCTION_LOCAL_PART, re.IGNORECASE)
FUNCTION_EMAIL_RE = re.compile(
    rf"{_FUNCTION_LOCAL_PART}[\w.\-]*(?:(?<![\w])(?:mairie|ville|caf|cpam|msa|ccas|lycee|college"
    r"|ecole|ac|gouv|franceservices|france-services|departement|region|agglo|metropole|usagers"
    r"|association|asso|mission-?locale)|(?<=-)(?:exemple|example))(?![a-z])",
    re.IGNORECASE,
)


# A mailbox whose local part names a public desk outright (« etat-civil@<town>.fr »,
# « franceservices@<town>.fr », « coordination.franceservices@cc-… »): nobody's, whatever
# the domain (a small town's own, which no list of institutions knows).
INSTITUTION_MAILBOX_RE = re.compile(
    rf"(?:{_FUNCTION_PART}[.\-_])*(?:etat-?civil|france-?services|mairie|ccas|cias)"
    rf"(?:[.\-_](?:{_FUNCTION_PART}|{_INSTITUTION_PART}))*@",
    re.IGNORECASE,
)


# A forwarded message's header line (« De : », « À : », « Cc : »): its addresses are masked.
MAIL_HEADER_LINE_RE = re.compile(r"[ \t>]*(?:de|a|cc|cci|from|to)[ \t]*:[^\n]*$", re.IGNORECASE)


def _desk_email(folded: str, match: re.Match[str]) -> bool:
    line_start = folded.rfind("\n", 0, match.start()) + 1
    return (
        bool(FUNCTION_EMAIL_RE.match(match.group()) or INSTITUTION_MAILBOX_RE.match(match.group()))
        and not folded[max(0, match.start() - 2) : match.start()].strip().endswith("<")
        and not MAIL_HEADER_LINE_RE.match(folded, line_start, match.start())
    )


def _in_quoted_reply(text: str, start: int) -> bool:
    """In the previous message an e-mail quotes (« Le …, X a écrit : », « > … »)."""
    quoted = split_email(text).quoted
    return bool(quoted) and start >= quoted.start


def find_emails(text: str, folded: str) -> Iterable[Entity]:
    for match in EMAIL_RE.finditer(folded):
        start = match.start()
        # A desk's or a no-reply address is kept in what the writer says, but masked in the
        # previous message their e-mail quotes, whose header names the other party of the
        # thread whoever it is (the evaluation set labels every e-mail address, a firm's
        # included; leaking a person's costs more than masking a desk's).
        if (
            NO_REPLY_RE.match(match.group())
            or DESK_EMAIL_RE.fullmatch(match.group())
            or _desk_email(folded, match)
            or (
                organisation_contact(folded, start)
                and FUNCTION_LOCAL_PART_RE.match(match.group()) is not None
            )
        ) and not _in_quoted_reply(text, start):
            continue
        spoken_at = SPOKEN_AT_RE.search(match.group())
        if spoken_at and " " not in match.group()[: spoken_at.start()].strip():
            # « ferhat deux mille arobase … »: the digits said before the local part's last
            for _ in range(4):
                number = SPOKEN_NUMBER_BEFORE_RE.search(folded, max(0, start - 30), start)
                if not number:
                    break
                start = number.start()
            # « walid jacquet arobase … »: the first name said before the local part
            before = re.search(r"([a-z][a-z'\-]*)[ \t]+$", folded[max(0, start - 30) : start])
            if before and before.group(1).lower() not in EMAIL_STOP_WORDS:
                start -= len(before.group())
        if spoken_at:
            # « ioana point rusu quatre-vingt-dix arobase … »: the words said before, joined by
            # « point », « tiret » or « underscore »
            for _ in range(3):
                joined = SPOKEN_JOIN_BEFORE_RE.search(folded, max(0, start - 40), start)
                if not joined or joined.group(1).lower() in EMAIL_STOP_WORDS:
                    break
                start = joined.start()
        yield Entity(start, match.end(), "EMAIL")


SPOKEN_NUMBER_BEFORE_RE = re.compile(rf"(?<![\w'-])(?:{NUMBER_WORDS}|zero)[ \t]+$", re.IGNORECASE)
SPOKEN_JOIN_BEFORE_RE = re.compile(
    r"(?<![\w'-])([a-z0-9][a-z0-9'\-]*)[ \t]+"
    r"(?:point|dot|tiret(?:[ \t]+(?:du[ \t]+)?bas)?|underscore)"
    # a surname with its particle said apart (« karine point le bras arobase … »)
    r"[ \t]+(?:(?:le|la|de|du|des|van|von|el|ben|di|da|dos)[ \t]+)?$",
    re.IGNORECASE,
)


# A public line, not a person's phone: announced as a service's or an association's
# (« Téléphone de l'association : … », « le numéro de la mairie c'est … ») or called its
# switchboard right after (« 03 88 … , standard public »).
PUBLIC_LINE_BEFORE_RE = re.compile(
    # « merci de mettre à jour la fiche de la permanence, le numéro est désormais le … »
    r"(?:t[ée]l[ée]phone|t[ée]l\.?|num[ée]ro|ligne|standard|fiche|coordonn[ée]es)[ \t]+"
    r"(?:de[ \t]+l'|du|de[ \t]+la|des)"
    r"[ \t]*(?:association|centre|mairie|maison|service|agence|accueil|caisse|antenne|point"
    r"|permanence|tribunal|prefecture|ccas|espace|plateforme)\b[^\n]{0,50}$",
    re.IGNORECASE,
)
PUBLIC_LINE_AFTER_RE = re.compile(
    r"[ \t]*[,(\-–][ \t]*(?:le[ \t]+|du[ \t]+)?(?:standard|accueil[ \t]+t[ée]l[ée]phonique"
    r"|num[ée]ro[ \t]+(?:vert|unique|national))\b"
    # « … zéro zéro c'est le standard de la mairie »: said to be a switchboard right after
    r"|[ \t]*,?[ \t]*c'est[ \t]+(?:le[ \t]+)?standard\b"
    # « 02 96 … (mairie) »: whose line it is, alone in brackets right after it
    r"|[ \t]*\([ \t]*(?:la[ \t]+|le[ \t]+|l')?(?:mairie|caf|cpam|msa|ccas|prefecture|tribunal"
    r"|accueil|standard|agence|antenne|tresorerie|france[ \t]+services|secretariat)[ \t]*\)",
    re.IGNORECASE,
)


# « Agent : … pour un rendez-vous, appelez le 05 … »: the number the agent tells to call is
# a desk's.
AGENT_CALL_LINE_RE = re.compile(
    r"^[ \t>]*(?:\[[\d:.,]+\][ \t]*)?(?:agent|agente|conseill\w+|operat\w+)\b[^:\n]{0,30}:"
    r"[^\n]*(?<![\w])(?:appelez|composez|contactez|joignez|(?:pouvez|devez)[ \t]+(?:appeler"
    r"|composer|contacter|joindre))(?![\w])[^\n\d]{0,20}$",
    re.IGNORECASE,
)


# « Pour annuler : 05 … », « pour tout renseignement, appeler le … »: a notice's number,
# what its sender is called on (no citizen writes their own number so).
NOTICE_LINE_BEFORE_RE = re.compile(
    r"(?<![\w])pour[ \t]+(?:annuler|modifier|reporter|d[ée]placer|confirmer|tout[ \t]+"
    r"renseignement|toute[ \t]+(?:question|information|demande)|nous[ \t]+(?:joindre|contacter"
    r"|appeler|[ée]crire))\b[^\n\d]{0,30}$",
    re.IGNORECASE,
)
# « Agent : … nous répondons plus vite par téléphone, au 09 … »: the agent giving their
# service's number (« nous », « notre »), not taking down the caller's (« votre », « rappeler »).
AGENT_OWN_LINE_RE = re.compile(
    r"^[ \t>]*(?:\[[\d:.,]+\][ \t]*)?(?:agent|agente|conseill\w+|operat\w+)\b[^:\n]{0,30}:"
    r"(?=[^\n]*(?<![\w])(?:nous|notre|nos)(?![\w]))"
    r"(?![^\n]*(?<![\w])(?:votre|vos|rappel\w*|not[ée]\w*|confirm\w*|c'est[ \t]+bien)(?![\w]))",
    re.IGNORECASE,
)
# A form an organisation fills about itself (« Nom de l'organisme : … », « Nom du service :
# … », « Nom de l'établissement : … ») with no person's line: its phones and e-mails are the
# organisation's.
ORGANISATION_FORM_RE = re.compile(
    r"^[ \t>\-•*]*nom[ \t]+(?:de[ \t]+l'|de[ \t]+la[ \t]+|du[ \t]+)(?:organisme|service"
    r"|etablissement|structure|association|entreprise|societe|partenaire|ecole|college|lycee)"
    r"\b[^:\n]{0,20}:",
    re.IGNORECASE | re.MULTILINE,
)
PERSON_FIELD_RE = re.compile(
    r"^[ \t>\-•*]*(?:prenoms?|nom(?:[ \t]+(?:de[ \t]+naissance|d'usage|du[ \t]+(?:demandeur"
    r"|contact|referent|beneficiaire)|et[ \t]+prenom))?|demandeur|beneficiaire|referent"
    r"|interlocuteur|personne[ \t]+a[ \t]+contacter)[ \t]*:",
    re.IGNORECASE | re.MULTILINE,
)


def organisation_contact(folded: str, start: int) -> bool:
    """A phone or an e-mail on a form an organisation fills about itself."""
    return bool(ORGANISATION_FORM_RE.search(folded, 0, start)) and not PERSON_FIELD_RE.search(
        folded
    )


def _public_line(folded: str, start: int, end: int) -> bool:
    line_start = folded.rfind("\n", 0, start) + 1
    before = folded[line_start:start]
    return bool(
        PUBLIC_LINE_BEFORE_RE.search(before)
        or PUBLIC_LINE_AFTER_RE.match(folded, end)
        or AGENT_CALL_LINE_RE.match(before)
        or NOTICE_LINE_BEFORE_RE.search(before)
        or AGENT_OWN_LINE_RE.match(before)
        or organisation_contact(folded, start)
    )


# Digit groups right before a phone's shape, in the same run (« référence 2615 0987 6543 21 »).
DIGIT_GROUPS_BEFORE_RE = re.compile(r"(?:\d+[ .\-]){1,3}$")


def _inside_reference(folded: str, start: int) -> bool:
    """The phone's shape ends a longer run of digits announced as a reference (« référence
    2615 0987 6543 21 »): the reference's last groups, no one's line."""
    groups = DIGIT_GROUPS_BEFORE_RE.search(folded, max(0, start - 16), start)
    if groups is None:
        return False
    run = groups.start()
    return bool(OTHER_REFERENCE_RE.search(folded[max(0, run - 40) : run]))


def find_phones(text: str, folded: str) -> Iterable[Entity]:
    for match in PHONE_RE.finditer(folded):
        start, end = match.start(), match.end()
        if _public_line(folded, start, end):
            continue
        if _inside_reference(folded, start):
            continue
        while end > start and folded[end - 1] in _SEPARATOR_CHARS:
            end -= 1
        # A round number (« 05 56 00 00 00 ») is masked like any other: nothing tells a
        # switchboard's from a person's line written as a placeholder.
        yield Entity(start, end, "PHONE")


UNITS = {
    "zero": 0,
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
}
TEENS = {
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
}
TENS = {"vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60}
SPOKEN_NUMBER_RE = re.compile(
    r"(?<![\w])(?:(?:zero|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize"
    r"|quatorze|quinze|seize|vingts?|trente|quarante|cinquante|soixante|et|\d{1,2})"
    r"(?:[\s,.\-]+|$)){6,}",
    re.IGNORECASE,
)


def spoken_groups(words: list[str]) -> list[str]:
    """« zéro six douze trente-quatre » → ["0", "6", "12", "34"] (French number words)."""
    groups: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word.isdigit():
            groups.append(word)
            i += 1
            continue
        value: int | None = None
        if word == "quatre" and i + 1 < len(words) and words[i + 1] in {"vingt", "vingts"}:
            value, i = 80, i + 2
        elif word in TENS:
            value, i = TENS[word], i + 1
        if value is not None:
            if i < len(words) and words[i] == "et":
                i += 1
            if i < len(words) and value in {60, 80} and words[i] in TEENS:
                if (
                    words[i] == "dix"
                    and i + 1 < len(words)
                    and words[i + 1] in {"sept", "huit", "neuf"}
                ):
                    value += 10 + UNITS[words[i + 1]]
                    i += 2
                else:
                    value += TEENS[words[i]]
                    i += 1
            elif i < len(words) and words[i] in UNITS and words[i] != "zero":
                value += UNITS[words[i]]
                i += 1
            groups.append(str(value))
            continue
        if word == "dix" and i + 1 < len(words) and words[i + 1] in {"sept", "huit", "neuf"}:
            groups.append(str(10 + UNITS[words[i + 1]]))
            i += 2
            continue
        if word in TEENS:
            groups.append(str(TEENS[word]))
        elif word in UNITS:
            groups.append(str(UNITS[word]))
        i += 1
    return groups


def find_spoken_phones(text: str, folded: str) -> Iterable[Entity]:
    """Phone numbers read aloud in transcripts: « zéro six douze trente-quatre ... »."""
    for match in SPOKEN_NUMBER_RE.finditer(folded):
        words = [w.lower() for w in re.findall(r"[a-z]+|\d+", match.group(), re.IGNORECASE)]
        if not any(w.isalpha() and w != "et" for w in words):
            continue  # digits only: the written-number rule handles them
        digits = "".join(spoken_groups(words))
        start = match.start()
        plus = re.search(r"(?<![\w])plus[ \t]+$", folded[max(0, start - 8) : start])
        if plus:
            # « plus six huit neuf quatre-vingt-sept … »: an international number
            start -= len(plus.group())
            international = 9 <= len(digits) <= 13
        else:
            international = False
        # a number read in pairs may be one pair too long (« zéro six quatre-vingt-dix zéro
        # trois … » for an overseas mobile): 10 to 12 digits from « 0X »
        if international or (10 <= len(digits) <= 12 and re.fullmatch(r"0[1-79]\d{8,10}", digits)):
            end = match.end()
            while end > match.start() and not folded[end - 1].isalnum():
                end -= 1
            if re.search(r"(?i)[\s,.\-]et$", folded[match.start() : end]):
                end -= 3
            if _public_line(folded, start, end):
                continue
            yield Entity(start, end, "PHONE")


_KEY_WORDS = (
    r"(?:zero[ \t]+)?(?:(?:un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize"
    r"|quatorze|quinze|seize|vingts?|trente|quarante|cinquante|soixante|et)"
    r"(?:[ \t-]+|(?![\w]))){1,5}"
)
NIR_KEY_AFTER_RE = re.compile(
    r"[ \t]*[-,/(]?[ \t]*(?:(?:et|euh+|heu+|alors|avec|puis)[ \t,]+){0,3}(?:(?:la|sa)[ \t]+)?"
    r"(?:cle|clef|key)[ \t]*(?::|(?:c'est|c|est)(?:[ \t]+le)?)?[ \t]*"
    rf"(?:\d{{2}}(?!\d)|{_KEY_WORDS})\)?",
    re.IGNORECASE,
)


# « Référence de l'avis : 18 43 … », « N° de dossier : … »: a reference under its label, with
# a key that does not check, is the notice's or the file's number, not a NIR.
REFERENCE_LABEL_RE = re.compile(
    r"[ \t>\-]*(?:r[ée]f[ée]rence|ref\.?|(?:n°|num[ée]ro)[ \t]*(?:de[ \t]+|du[ \t]+)?"
    r"(?:l'avis|avis|dossier|contrat|facture|commande|recommande|suivi))"
    r"[^:\n]{0,30}:[ \t]*$",
    re.IGNORECASE,
)


# « taxe foncière 2026, avis n° 26 84 … »: a notice's number said in the sentence.
NOTICE_NUMBER_BEFORE_RE = re.compile(r"\bavis[ \t]*(?:n°|no|numero|:)[ \t:]*$", re.IGNORECASE)


def _reference_not_nir(folded: str, entity: Entity) -> bool:
    line_start = folded.rfind("\n", 0, entity.start) + 1
    compact = re.sub(r"[^0-9A-Za-z]", "", folded[entity.start : entity.end])
    labelled = REFERENCE_LABEL_RE.fullmatch(
        folded, line_start, entity.start
    ) or NOTICE_NUMBER_BEFORE_RE.search(folded, max(line_start, entity.start - 30), entity.start)
    return bool(labelled) and not nir_valid(compact)


# « numéro de demande 2026-04-000183947 »: a year and a month opening a number in groups
# joined by hyphens date a reference; a NIR never opens with a four-digit group.
DATED_REFERENCE_RE = re.compile(r"(?:19|20)\d\d-[01]\d-")


def find_nirs(text: str, folded: str) -> Iterable[Entity]:
    for entity in _find_nirs(text, folded):
        if _reference_not_nir(folded, entity):
            continue
        if DATED_REFERENCE_RE.match(folded, entity.start):
            continue
        key = NIR_KEY_AFTER_RE.match(folded, entity.end)
        if key is None:
            yield entity
            continue
        end = key.end()
        while end > entity.end and folded[end - 1] in " \t-":
            end -= 1
        if folded[end - 1] == ")" and "(" not in folded[entity.end : end]:
            end -= 1
        yield Entity(entity.start, end, "NIR")


# A NIR copied with a digit too many or too few, right after its name.
# Right after its name, any run of 12 to 16 digits is the number, even when it was copied
# with a digit too many or too few, or does not follow the NIR's structure.
LOOSE_NIR_RE = re.compile(r"(?<![\w])\d(?:(?:[ \t]{1,3}|[ \t]?[.\-/_][ \t]?)?\d){11,15}(?![\w])")
NIR_NEAR_CONTEXT = re.compile(
    r"(?:secu|securite sociale|\bnir\b|\bss\b|insee|carte vitale|assure social|n° d'assure"
    r"|numero d'assure)[^\n\d]{0,40}$",
    re.IGNORECASE,
)


def _find_nirs(text: str, folded: str) -> Iterable[Entity]:
    for match in LOOSE_NIR_RE.finditer(folded):
        compact, offsets = _compact(folded, match.start(), match.end())
        if 12 <= len(compact) <= 16 and NIR_NEAR_CONTEXT.search(
            folded[max(0, match.start() - 80) : match.start()]
        ):
            yield Entity(offsets[0], offsets[-1] + 1, "NIR")
    for match in NIR_RE.finditer(folded):
        compact, offsets = _compact(folded, match.start(), match.end())
        if len(compact) == 15:
            if (
                nir_valid(compact)
                # sex, then fourteen characters: no other number has this shape
                or re.fullmatch(
                    r"[12]\d{2}(?:0[1-9]|1[0-2]|[2-9]\d)(?:\d{2}|2A|2B)\d{8}", compact.upper()
                )
                or (
                    (_context(folded, match.start(), NIR_CONTEXT) or NIR_CONTEXT.search(folded))
                    and re.fullmatch(r"[1-478]\d{2}(0[1-9]|1[0-2]|[2-9]\d)", compact[:5])
                )
                or nir_valid(compact[:13] + compact[13:])
            ):
                yield Entity(offsets[0], offsets[-1] + 1, "NIR")
        elif len(compact) == 13 and (
            _context(folded, match.start(), NIR_CONTEXT)
            and not _context(folded, match.start(), TAX_CONTEXT)
            and re.fullmatch(r"[1-478]\d{2}(0[1-9]|1[0-2]|[2-9]\d)", compact[:5])
        ):
            yield Entity(offsets[0], offsets[-1] + 1, "NIR")


# IBAN lengths of the countries French residents most often bank in.
IBAN_LENGTHS = {
    "FR": 27,
    "MC": 27,
    "DE": 22,
    "BE": 16,
    "LU": 20,
    "CH": 21,
    "ES": 24,
    "IT": 27,
    "PT": 25,
    "NL": 18,
    "GB": 22,
    "IE": 22,
    "AT": 20,
    "PL": 28,
    "RO": 24,
    "MA": 28,
    "TN": 24,
    "DZ": 26,
    "SN": 28,
    "CI": 28,
    "TR": 26,
    "GR": 27,
    "SE": 24,
    "DK": 18,
    "FI": 18,
    "NO": 15,
}


# « F R 7 6 3 0 0 0 … »: an IBAN spelled character by character (on the phone).
SPELLED_IBAN_RE = re.compile(r"(?<![\w])[a-z][ \t][a-z](?:[ \t][a-z0-9]){13,32}(?![\w])", re.I)


def find_ibans(text: str, folded: str) -> Iterable[Entity]:
    for match in SPELLED_IBAN_RE.finditer(folded):
        compact, offsets = _compact(folded, match.start(), match.end())
        if IBAN_LENGTHS.get(compact[:2].upper()) == len(compact) and iban_valid(compact):
            yield Entity(offsets[0], offsets[-1] + 1, "IBAN")
    for match in IBAN_RE.finditer(folded):
        compact, offsets = _compact(folded, match.start(), match.end())
        known = IBAN_LENGTHS.get(compact[:2].upper())
        lengths = [known] if known else list(range(min(len(compact), 34), 14, -1))
        for length in lengths:
            if length > len(compact) or not iban_valid(compact[:length]):
                continue
            end = offsets[length - 1] + 1
            if end < len(folded) and folded[end].isalnum():
                continue  # an IBAN ends at a word boundary
            yield Entity(offsets[0], end, "IBAN")
            break


def _card_in(digits: str) -> int:
    """Length of a Luhn-valid card number at the start of ``digits``, or 0."""
    for length in (len(digits), 16, 15, 19, 14, 13, 18, 17):
        if 13 <= length <= len(digits) and luhn_valid(digits[:length]):
            return 0 if len(set(digits[:length])) == 1 else length  # 0000 0000 … is no card
    return 0


# « votre SIRET ? — c'est le 912 … »: a business registration number, no payment card.
SIRET_BEFORE_RE = re.compile(r"(?<![\w])(?:siret|siren)(?![\w])", re.IGNORECASE)


def find_cards(text: str, folded: str) -> Iterable[Entity]:
    for match in CARD_RE.finditer(folded):
        compact, offsets = _compact(folded, match.start(), match.end())
        if len(compact) == 13 and _context(folded, match.start(), TAX_CONTEXT, 80):
            continue  # a tax number that happens to pass Luhn
        if NOTICE_REFERENCE_RE.search(folded[max(0, match.start() - 30) : match.start()]):
            continue  # « avis de taxe, reference 26 75 1234567 89 »: a notice's reference
        if DATED_REFERENCE_RE.match(folded, match.start()):
            continue  # « numéro de demande 2026-04-000183947 »: a dated reference
        if len(compact) in (9, 14) and SIRET_BEFORE_RE.search(
            folded[max(0, match.start() - 60) : match.start()]
        ):
            continue  # a firm's SIRET or SIREN asked for, that happens to pass Luhn (both do)
        # The run may start with other digits (« 12 4000 0000 0000 0002 »): also try from
        # each group boundary, where a separator precedes the digit.
        starts = [0] + [i for i in range(1, len(compact)) if offsets[i] - offsets[i - 1] > 1]
        for start in starts:
            length = _card_in(compact[start:])
            if length:
                yield Entity(offsets[start], offsets[start + length - 1] + 1, "CARD")
                break


# Seven digits, as written (« 1234567 », « 123 4567 », « 12 34 567 », « 123.4567 »), with
# the letter some caisses add; never part of a longer number, an amount or a date.
BARE_CAF_RE = re.compile(
    r"(?<![\w.,/€+(-])(?<!\d[ .])"
    r"((?:\d{7}|\d{3}[ .\-]\d{4}|\d{4}[ .\-]\d{3}|\d{2}[ .\-]\d{2}[ .\-]\d{3}|\d[ .]\d{3}[ .]\d{3}"
    r"|\d{3}[ .\-]\d{2}[ .\-]\d{2}|\d{2}[ .\-]\d{3}[ .\-]\d{2}|\d(?:[ ]\d){6}"
    # eight digits, the longer numbers some caisses give (never a date: see below)
    r"|\d{8}|\d{4}[ .]\d{4}|\d{2}[ .]\d{2}[ .]\d{2}[ .]\d{2})"
    rf"(?:(?:[ /\-]?(?-i:[A-Z])|{_CAF_LOWER_LETTER}|(?-i:[a-z]))(?![\w'’]))?)"
    # a comma ends the number unless a decimal part follows (« 1234567,50 »)
    r"(?![\w/-]|,\S|[ .]?\d|[ ]?(?:€|euros?\b|eur\b|centimes?\b|%))",
    re.IGNORECASE,
)
CAF_TEXT_CONTEXT = re.compile(
    r"allocataire|\ballocs?\b|\bcaf\b|\bmsa\b|\bapl\b|\brsa\b|\baah\b|\bpaje\b|\bals\b|\balf\b"
    r"|\bars\b|\basf\b|prime d'activite|aide au logement|allocations? familiales"
    r"|complement familial|allocation de rentree|allocations?\s+(?:de\s+)?logement"
    r"|prestations?\s+familiales?|allocations?\s+familiales?|prime\s+de\s+naissance|\baeeh\b"
    r"|\bcmg\b|soutien\s+familial|quotient\s+familial|\bajpp\b|presence\s+parentale"
    r"|allocation\s+(?:aux\s+)?adultes?\s+handicapes?|complement\s+de\s+libre\s+choix"
    # the benefits spelled out, and those named without their acronym
    r"|revenu\s+de\s+solidarite|aide\s+personnalisee\s+au\s+logement|prime\s+a\s+la\s+naissance"
    r"|\bprepare\b|prestation\s+partagee|allocation\s+de\s+base|mode\s+de\s+garde|\bajpa\b"
    r"|allocation\s+journaliere|\baripa\b|\bcaisse\s+d'allocations|\bprime\s+de\s+noel"
    # as SMS and hurried messages write them (« prime dactivite », « trop percu »), and the
    # CAF's words without its name (« déclaration trimestrielle », « pension alimentaire »)
    r"|\bprime\s+d['’ ]?\s?activite|\bprime\s+activite|\btrop[\s\-]?percus?\b"
    r"|declaration\s+trimestrielle|\bdtr\b|mutualite\s+sociale\s+agricole"
    r"|\baide\s+(?:au\s+|a\s+la\s+|de\s+)?logement|pension\s+alimentaire"
    r"|\ballocations?\b(?!\s+(?:de\s+)?(?:chomage|retour|solidarite\s+specifique|d['’]aide))"
    r"|\balloc\s+fam|\balloc\s+logement|\ballocs\b",
    re.IGNORECASE,
)


# « num 482991 », « ref. 48299133 »: a number announced as such, in a CAF or MSA text; never
# the digits of a reference glued to its letters (« ticket INC-2026-3381 », « DOC-88412 »).
NUMBERED_RE = re.compile(
    r"(?:\bnum(?:ero)?|\bn°|\bno\b|\bref(?:erence)?|identifiant|matricule)\.?"
    r"[^\n\d€]{0,25}?(?<![\w])(?<![A-Za-z]-)"
    r"(\d(?:[ .\-]?\d){4,8}"
    rf"(?:(?:[ /\-]?(?-i:[A-Z])|{_CAF_LOWER_LETTER}|(?-i:[a-z]))(?![\w'’]))?)"
    r"(?![\w/*-]|,\S|[ .]?\d|[ ]?(?:€|euros?\b|eur\b|%))",
    re.IGNORECASE,
)


# « 1234567 c'est mon numéro allocataire »: the number before its name
CAF_BEFORE_NAME_RE = re.compile(
    r"(?<![\w.,/€+(-])(?<!\d[ .])(\d(?:[ .]?\d){5,7})(?![\w,/-]|[ .]?\d)"
    r"(?=[^\n\d.?!]{0,30}(?:allocataire|\balloc\b|\bcaf\b|\bmsa\b))",
    re.IGNORECASE,
)


# « dossier 31-207-5586 »: after « dossier » alone, more digits than an allocataire number
# has (seven, at most eight) make a file's reference.
# A form's number (« cerfa 15186*03 », « formulaire n° 12345 ») between « dossier » and it.
FORM_NUMBER_CUE_RE = re.compile(r"\b(?:cerfa|formulaire|imprime)\b", re.IGNORECASE)


def _file_reference(cued: str, number: str, digits: str) -> bool:
    return cued.lower().startswith("dossier") and len(digits) > 8


def _date_like(number: str) -> bool:
    """Eight digits that read as a date (day, month, year from 1900)."""
    digits = re.sub(r"\D", "", number)
    return len(digits) == 8 and bool(
        re.fullmatch(r"(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])(?:19|20)\d\d", digits)
    )


def find_caf_numbers(text: str, folded: str) -> Iterable[Entity]:
    if CAF_CONTEXT.search(folded):
        for match in CAF_BEFORE_NAME_RE.finditer(folded):
            yield Entity(match.start(1), match.end(1), "CAF_NUMBER")
    for match in CAF_RE.finditer(folded):
        digits = re.sub(r"\D", "", match.group(1))
        if _file_reference(match.group(0), match.group(1), digits):
            continue
        if FORM_NUMBER_CUE_RE.search(folded, match.start(), match.start(1)):
            continue  # « le dossier cerfa 15186 »: a form's number
        if len(digits) == 5 and re.match(r"[ \t]+[A-Z]", folded[match.end(1) :]):
            continue  # a postcode and its town
        if 5 <= len(digits) <= 10:
            yield Entity(match.start(1), match.end(1), "CAF_NUMBER")
    # a seven-digit number in a text about the CAF or the MSA is the allocataire number,
    # even when « mon numéro » stands far from the word « allocataire »
    if CAF_TEXT_CONTEXT.search(folded):
        for match in BARE_CAF_RE.finditer(folded):
            if _date_like(match.group(1)):
                continue  # « 05122025 », « 12 05 2023 »: a date
            if _job_seeker_identifier(folded, match.start(1)):
                continue
            yield Entity(match.start(1), match.end(1), "CAF_NUMBER")
        for match in NUMBERED_RE.finditer(folded):
            if _job_seeker_identifier(folded, match.start(1)):
                continue
            yield Entity(match.start(1), match.end(1), "CAF_NUMBER")


# « Identifiant France Travail : 5520837X », « mon identifiant pôle emploi 1234567A »: the
# job seeker's identifier, not the allocataire number (not personal data by the sets'
# conventions), even in a text about the CAF.
JOB_SEEKER_ID_BEFORE_RE = re.compile(
    r"(?:france[ \t]+travail|pole[ \t\-]+emploi|identifiant[ \t]+(?:ft|pe))[^\n\d]{0,25}$",
    re.IGNORECASE,
)


def _job_seeker_identifier(folded: str, start: int) -> bool:
    return bool(JOB_SEEKER_ID_BEFORE_RE.search(folded[max(0, start - 50) : start]))


def _job_seeker_number(folded: str, number: str) -> bool:
    """Seven digits and a letter in a text about unemployment benefits, not the CAF's: the
    France Travail identifier (« [Usager] 7741092B » after « votre identifiant ? »)."""
    return (
        number[-1:].isalpha()
        and bool(JOBSEEKER_CONTEXT.search(folded))
        and not CAF_CONTEXT.search(folded)
    )


# Seven digits closing a message on their own (« … jai les nerfs a fleur de peau. 5395229 »,
# « … merci.\n12 34 567 »), or under a form's last label (« Réf. : 123 45 67 »): the
# writer's allocataire number, given as a signature, in any of its written groupings.
_SEVEN_GROUPS = (
    r"\d{7}|\d{3}[ .\-]\d{4}|\d{4}[ .\-]\d{3}|\d{2}[ .\-]\d{2}[ .\-]\d{3}|\d[ .]\d{3}[ .]\d{3}"
    r"|\d{3}[ .\-]\d{2}[ .\-]\d{2}|\d{2}[ .\-]\d{3}[ .\-]\d{2}|\d(?:[ ]\d){6}"
    r"|\d[ .]\d{2}[ .]\d{2}[ .]\d{2}"
)
CLOSING_NUMBER_RE = re.compile(
    rf"(?:^|[.!?\n][ \t]*|(?:^|\n)[ \t]*([^\W\d][^\n:\d]{{0,30}}):[ \t]*"
    # « … et le numéro c'est 7320 481 »: announced as a number, ending the message
    rf"|(?<![\w])((?:numero|num|n°)(?![\w])[^\n\d.?!:]{{0,20}}?)[ \t])"
    rf"((?:{_SEVEN_GROUPS})(?:[ ]?[A-Z])?)[ \t.]*$"
)
# « Identifiant : 9034412 »: seven digits under a form's label for an identifier, whatever
# the text is about (the allocataire number's shape; a France Travail identifier has a
# letter, a tax number thirteen digits).
IDENTIFIER_LINE_RE = re.compile(
    r"(?:^|\n)[ \t]*(?:identifiant|n°[ \t]*(?:de[ \t]+)?dossier|num[ée]ro(?:[ \t]+de[ \t]+dossier)?"
    r"|n°)[ \t]*:[ \t]*(\d{7})[ \t]*(?=$|\n)",
    re.IGNORECASE,
)


# Seven digits in one run, alone in the sentence (« toujours rien recu 4829113 merci »):
# the allocataire number, the only seven-digit number citizens write, unless announced as
# another reference (a file, an order, a parcel, a contract, a meter, a tax notice).
LONE_SEVEN_RE = re.compile(
    r"(?<![\w.,/€+(#*°º-])(?<!\d[ .])(\d{7})"
    r"(?![\w/*-]|,\d|[ .]?\d|[ ]?(?:€|euros?\b|eur\b|%|ans\b|km\b|h\b)"
    r"|[ ]+(?:de[ ]+)?(?:francs?|euros?|habitants?|personnes?|km|kilom[eè]tres?)\b)"
)
OTHER_REFERENCE_RE = re.compile(
    r"(?:ref|reference|dossier|commande|facture|avis|cerfa|colis|suivi|recommande|ticket"
    r"|contrat|police|sinistre|client|abonne|compteur|pdl|pce|siret|siren|fiscal|spi"
    r"|declarant|demande|plainte|pv|proces|proces-verbal|teleservice|courrier|lettre|cheque"
    r"|transaction|virement|badge|carte|permis|passeport|immatriculation|vitale|secu"
    r"|securite|nir|adeli|rpps|finess|urssaf|pole|france\s+travail|identifiant\s+france"
    # an amount said without its currency (« le montant est de 1234567 »)
    r"|montant|somme|total|solde|dette|cout|prix|salaire|revenus?|loyer|rembourse\w*|paye\w*"
    r"|verse\w*|dois|doit|devons|credit|pret|capital|patrimoine|epargne)"
    r"[^\n\d]{0,25}$",
    re.IGNORECASE,
)


def _lone_seven(folded: str) -> Iterable[Entity]:
    for match in LONE_SEVEN_RE.finditer(folded):
        if OTHER_REFERENCE_RE.search(folded[max(0, match.start() - 40) : match.start()]):
            continue
        yield Entity(match.start(1), match.end(1), "CAF_NUMBER")


# France Travail's identifiers and files have other shapes; its texts' numbers are not the
# allocataire's (« mon allocation chômage 482 91 13 »).
JOBSEEKER_CONTEXT = re.compile(
    r"chomage|france[ \t]+travail|pole[ \t]+emploi|\bare\b|demandeur[ \t]+d'emploi", re.IGNORECASE
)
LAST_SEVEN_RE = re.compile(rf"(?<![\w.,/€+(#*°º:-])(?<!\d[ .])[ \t]*({_SEVEN_GROUPS})[ \t.!]*$")


def find_closing_numbers(text: str, folded: str) -> Iterable[Entity]:
    """Seven digits closing a message on their own (or making the whole message), or under
    a form's identifier label, or alone in one run of digits: the writer's allocataire
    number."""
    match = CLOSING_NUMBER_RE.search(folded)
    cue = match and (match.group(1) or match.group(2))
    if (
        match
        and not (cue and OTHER_REFERENCE_RE.search(cue + " "))
        and not _job_seeker_number(folded, match.group(3))
    ):
        yield Entity(match.start(3), match.end(3), "CAF_NUMBER")
    yield from _lone_seven(folded)
    # « … je n'ai rien reçu 123 45 67 »: seven digits in groups ending the message after a
    # word, unless announced as another reference or an amount
    last = LAST_SEVEN_RE.search(folded)
    if (
        last
        and not OTHER_REFERENCE_RE.search(folded[max(0, last.start() - 40) : last.start()])
        and not JOBSEEKER_CONTEXT.search(folded)
    ):
        yield Entity(last.start(1), last.end(1), "CAF_NUMBER")
    for line in IDENTIFIER_LINE_RE.finditer(folded):
        yield Entity(line.start(1), line.end(1), "CAF_NUMBER")


def find_tax_numbers(text: str, folded: str) -> Iterable[Entity]:
    for match in TAX_RE.finditer(folded):
        yield Entity(match.start(1), match.end(1), "TAX_NUMBER")
    # A bare 13-digit number starting 0-3 is the shape of a tax number (SPI), unless it is
    # the reference of a tax notice (« Référence de l'avis : 26 59 1234567 89 », « avis 26 33
    # 7712045 12 »), which names no one.
    for match in LONG_DIGITS_RE.finditer(folded):
        compact, offsets = _compact(folded, match.start(), match.end())
        if len(compact) == 13 and compact[0] in "0123" and not compact.startswith("0033"):
            if NOTICE_REFERENCE_RE.search(folded[max(0, match.start() - 30) : match.start()]):
                continue
            yield Entity(offsets[0], offsets[-1] + 1, "TAX_NUMBER")


NOTICE_REFERENCE_RE = re.compile(
    r"(?:\bavis|reference(?:[ \t]+de[ \t]+l'avis)?|\bref\.?"
    # a planning permit's number (« permis de démolir PD 029 168 25 00004 », « PC 069 … »)
    r"|\b(?:pc|pd|dp|pa)(?=[ \t]*$))[ \t]*(?:n°|no|:)?[ \t:]*"
    # « la référence de l'avis est 26 35 … »
    r"(?:(?<=[ \t])(?:est|c'est|etait|=)[ \t]*)?$",
    re.IGNORECASE,
)


ANY_PLATE_RE = re.compile(
    r"(?<![\w])([A-Z]{2})([ .\-]?)(\d{3})([ .\-]?)([A-Z]{2})(?![\w])", re.IGNORECASE
)


def find_plates(text: str, folded: str) -> Iterable[Entity]:
    # a plate written by hand may use letters the registration never gives (I, O, U); the
    # vehicle may be named before or after it
    context: bool | None = None
    for match in ANY_PLATE_RE.finditer(folded):
        letters = match.group(1) + match.group(5)
        separators = match.group(2) + match.group(4)
        if context is None:
            context = bool(PLATE_CONTEXT.search(folded))
        if (
            context
            or (match.group(1).upper() != "SS" and (letters.isupper() or "-" in separators))
            or not (
                # « de 150 km », « et 100 ml »: a word and a unit, not a plate
                match.group(1).lower() in NOT_PLATE_LETTERS
                or match.group(5).lower() in NOT_PLATE_LETTERS
            )
        ):
            yield Entity(match.start(), match.end(), "PLATE")
    for match in OLD_PLATE_RE.finditer(text):
        if _context(folded, match.start(), PLATE_CONTEXT, 80):
            yield Entity(match.start(), match.end(), "PLATE")
    # « immatriculée 452 dkz 29 », « plaque 741 tkb 13 »: the old format in lower case,
    # only right after the word that names it
    for match in OLD_PLATE_LOWER_RE.finditer(folded):
        before = folded[max(0, match.start() - 80) : match.start()]
        after = folded[match.end() : match.end() + 80]
        # « la plaque … c l'ancienne 318 bvx 56 »: named earlier in the sentence; « vendu ma
        # 206 318 bvx 56 … je reçois ses amendes »: or later in it
        sentence = re.split(r"[.!?\n]", before)[-1] + " " + re.split(r"[.!?\n]", after)[0]
        if PLATE_NAMED_RE.search(before[-40:]) or (
            PLATE_CONTEXT.search(sentence) and match.group(1).lower() not in NOT_PLATE_LETTERS
        ):
            yield Entity(match.start(), match.end(), "PLATE")


OLD_PLATE_LOWER_RE = re.compile(
    r"(?<![\w])(?<!\d-)\d{1,4}[ -]?([a-z]{2,3})[ -]?(?:\d{2}|2a|2b|97\d)(?![\w])(?![ .\-]?\d)",
    re.IGNORECASE,
)
# « immatriculée 452 dkz 29 », « Immatriculation (ancien format) : 417 bhx 56 »
PLATE_NAMED_RE = re.compile(r"(?:immatricul\w*|immat|plaque|plaques)[^\n\d]{0,25}$", re.IGNORECASE)
# Two or three letters between numbers that are words or units, not a plate's letters.
NOT_PLATE_LETTERS = frozenset(
    """de du et le la les en un une au ou se ce ne me te sa ma ta es on il va vu eu an ans km
    kg ml cl mm cm mg mn ms hr ht tt ca rue bis ter fois mois min sur par pas""".split()  # noqa: SIM905
)


BORN_DAY_MONTH_RE = re.compile(
    # « elle est née le 3/11 », « naissance de ma fille le 3/11 »
    r"(?<![\w])(?:nee?s?|naissance[^\n.?!\d,]{0,30}?)[ \t]+le[ \t]+"
    r"((?:0?[1-9]|[12]\d|3[01])[/.\-](?:0?[1-9]|1[0-2]))(?![/.\-]?\d)",
    re.IGNORECASE,
)


def find_birthdates(text: str, folded: str) -> Iterable[Entity]:
    for match in BIRTH_RE.finditer(folded):
        start, end = _trimmed(folded, match.start(1), match.end(1))
        yield Entity(start, end, "BIRTHDATE")
        # « j'ai indiqué le 12/05/1999 au lieu du 21/05/1999 », « vous êtes né le huit août
        # / usager : non le dix-huit août »: the right date, said after the wrong one
        correction = BIRTH_CORRECTION_RE.match(folded, end) or PARALLEL_BIRTH_RE.match(folded, end)
        if correction:
            yield Entity(*_trimmed(folded, correction.start(1), correction.end(1)), "BIRTHDATE")
    # the answer on its own line to « votre date de naissance ? » asked a few lines above
    for match in DATE_LINE_RE.finditer(folded) if "\n" in folded else ():
        above = folded[max(0, match.start() - 240) : match.start()].split("\n")[-4:]
        if any(BIRTH_ASKED_RE.search(line) for line in above):
            yield Entity(*_trimmed(folded, match.start(1), match.end(1)), "BIRTHDATE")
    # « nos enfants Fatou (03/05/2012) et Ibrahim (17/09/2015) », « ma fille lina (2/3/2019) »,
    # « l'enfant Noah Diallo (mai 2020) », « M. Karim Benali (14/02/1981) »
    for match in DATE_AFTER_NAME_RE.finditer(folded):
        if match.group("day") and match.group("month"):
            continue
        dated = match.group("day") or match.group("month")
        if match.group("name")[0].islower() and not dated:
            continue  # « … la grippe (2019) »: a year alone needs a capitalised name
        if match.group("civility") and dated:
            # an adult named with a civility: a date in brackets after the name is a birth
            # date when it is far from today (an appointment is this year's or last year's)
            if int(match.group("year")) <= 2012:
                yield Entity(match.start("date"), match.end("date"), "BIRTHDATE")
            continue
        if RELATIVES_BEFORE_RE.search(folded[max(0, match.start("name") - 80) : match.end("name")]):
            yield Entity(match.start("date"), match.end("date"), "BIRTHDATE")
    # « elle est née le 3/11 »: a day and a month after « né(e) le »
    for match in BORN_DAY_MONTH_RE.finditer(folded):
        yield Entity(match.start(1), match.end(1), "BIRTHDATE")
    for match in BIRTH_YEAR_FIELD_RE.finditer(folded):
        group = 1 if match.group(1) else 2
        yield Entity(match.start(group), match.end(group), "BIRTHDATE")
    for match in BORN_WHEN_YEAR_RE.finditer(folded):
        yield Entity(match.start(1), match.end(1), "BIRTHDATE")
    # « mon fils a 25 ans le 14 avril »: a birthday
    for match in BIRTHDAY_RE.finditer(folded):
        yield Entity(*_trimmed(folded, match.start(1), match.end(1)), "BIRTHDATE")
    for pattern in (BIRTH_ANSWER_RE, BORN_AT_THEN_DATE_RE, HOUSEHOLD_LINE_RE):
        for match in pattern.finditer(folded):
            if pattern is BORN_AT_THEN_DATE_RE and not re.search(
                rf"(?:19|20)\d\d|{_YEAR_WORDS}|(?<=\s){_SPOKEN_YEAR}$", match.group(1)
            ):
                continue  # « né à Lyon, le 3 mai j'ai … »: a day alone may be anything
            start, end = _trimmed(folded, match.start(1), match.end(1))
            yield Entity(start, end, "BIRTHDATE")
            answer = pattern is BIRTH_ANSWER_RE
            if answer:
                yield from _named_before(folded, folded.rfind("\n", 0, start) + 1, start)
            parallel = PARALLEL_BIRTH_RE.match(folded, end)
            if parallel:
                yield Entity(*_trimmed(folded, parallel.start(1), parallel.end(1)), "BIRTHDATE")
                if answer:
                    yield from _named_before(folded, end, parallel.start(1))
    yield from _household_dates(folded)
    # « j'ai eu un enfant, nael, le 8/10 »: a day and a month after the child's birth
    for match in CHILD_HAD_ON_RE.finditer(folded):
        yield Entity(match.start(1), match.end(1), "BIRTHDATE")
    for match in CHILD_YEARS_BRACKET_RE.finditer(folded):
        for year in re.finditer(r"(?:19|20)\d{2}", match.group(1)):
            yield Entity(match.start(1) + year.start(), match.start(1) + year.end(), "BIRTHDATE")


# « Vous : aïcha le 12/05/2014 et moussa le 30/01/2018 », answering « les prénoms et dates de
# naissance des enfants ? »: the word before « le » and the date is the child's name.
NAMED_BEFORE_DATE_RE = re.compile(
    r"(?:^|:|\bet)[ \t]+(?!(?:moi|lui|elle|il|ne|nee|est|suis|oui|euh|c'est|cest|et|mon|ma)\b)"
    r"([a-z][a-z'\-]{2,})[ \t]+(?:le|en)[ \t]+$",
    re.IGNORECASE,
)


def _named_before(folded: str, start: int, end: int) -> Iterable[Entity]:
    named = NAMED_BEFORE_DATE_RE.search(folded, start, end)
    if named:
        yield Entity(named.start(1), named.end(1), "PERSON")


def _trimmed(folded: str, start: int, end: int) -> tuple[int, int]:
    while end > start and folded[end - 1] in " -":
        end -= 1
    # « deux mille douze et Sofia en … »: the « et » of « vingt et un » ends no year
    tail = re.search(r"[ \t]+et$", folded[start:end])
    if tail:
        end = start + tail.start()
    return start, end


BIRTH_CORRECTION_RE = re.compile(
    r"(?:[^\n.?!]{0,40}?|[^\n]{0,25}\n[^\n:\]]{0,25}[:\]][^\n]{0,10}?)"
    r"(?:\bau\s+lieu\s+(?:du|de|d')|\bet\s+non(?:\s+pas)?(?:\s+le|\s+du)?"
    r"|\bnon,?\s+(?:pardon,?\s+)?(?:c'est\s+)?le|\bpas\s+le|\bplutot\s+le"
    # « … mais sur ameli ils ont mis le 21/03/1987 »: the date written in the file
    r"|\b(?:mis|marque|ecrit|indique|enregistre|note)\s+le)\s*"
    rf"(?<![\w])({DATE_RE})(?![\w/])",
    re.IGNORECASE,
)
# « lui il est né le 4 avril 1968, moi le 19 mars 2002 », « ma femme le … »: a second
# person's birth date said in parallel right after the first one.
PARALLEL_BIRTH_RE = re.compile(
    r"[ \t)]*(?:,|;|\bet\b)[ \t]*(?:moi|lui|elle|(?:mon|ma)[ \t]+[a-z\-]+(?:[ \t]+[a-z\-]+)?"
    # « aïcha le 12/05/2014 et moussa le 30/01/2018 », « Andrei né en 2012 et Sofia en 2015 »:
    # a name, never a participle (« et mariée le … »)
    r"|(?!(?:mari|divorc|separ|pacs|arriv|decede|entre|install|inscri|embauch|licenci|parti"
    r"|venu|revenu|demenag)\w*\b)[a-z][a-z'\-]+)"
    r"[ \t]*,?[ \t]*(?:(?:je[ \t]+suis|il[ \t]+est|elle[ \t]+est)[ \t]+nee?[ \t]+)?"
    rf"(?:le|en)[ \t]+(?<![\w])({DATE_RE})(?![\w/])",
    re.IGNORECASE,
)
DATE_LINE_RE = re.compile(
    # after the speaker (« usager : », « [Vous] », « appelante ») or a list's dash
    rf"^[ \t>]*(?:[^\n:\d]{{1,25}}:|\[[^\n\]]{{1,25}}\]|[a-zé]+(?:[ \t]+[a-zé]+)??[ \t]+|[-*•])??"
    rf"[ \t]*(?:le[ \t]+)?({DATE_RE})[ \t.]*$",
    re.IGNORECASE | re.MULTILINE,
)
# « né » asked for, folded like the negation « ne » (« mes soins ne sont pas remboursés »):
# only before what a birth is asked with (« né le ? », « née quand », « né(e) : »)
BIRTH_ASKED_RE = re.compile(
    r"naissance|\bddn\b|(?<![\w])(?:nee?s?|ne\(e\))(?=[ \t]*(?:(?:le|la|en|a|au|aux|quand|ou"
    r"|vers|dans)(?![\w])|[?:(]|$))",
    re.IGNORECASE | re.MULTILINE,
)
DATE_AFTER_NAME_RE = re.compile(
    # a civility before the name (« M. Karim Benali (14/02/1981) »)
    r"(?P<civility>(?<![\w])(?i:m|mme|mr|mlle|monsieur|madame|mademoiselle)\.?[ \t]+"
    r"(?:[A-ZÀ-Þ][\w'’\-]+[ \t]+){0,2})?"
    # the year alone too: in a list of children, a year in brackets is a birth year
    r"(?<![\w])(?P<name>[A-Za-zÀ-ÿ][a-zà-ÿ'’\-]{1,30})[ \t]*\("
    # what the person is, before the date (« (étudiante, 17 janvier 2004) »)
    r"(?:[a-zà-ÿ'’\- ]{3,25},[ \t]*)?"
    r"(?P<date>(?P<day>\d{1,2}[/.]\d{1,2}[/.]|(?:1er|\d{1,2})[ \t]+(?i:"
    + MONTHS
    + r")[ \t]+)?(?P<month>(?:0?[1-9]|1[0-2])[/.]|(?i:"
    + MONTHS
    + r")[ \t]+)?(?P<year>(?:19|20)\d{2}))\)"
)
# « Né(e) en : 1938 », « Année de naissance : 1961 »: a form's field that asks for the year.
BIRTH_YEAR_FIELD_RE = re.compile(
    r"^[ \t>]*(?:nee?s?|ne\(e\)|annee[ \t]+de[ \t]+naissance)(?:[ \t]+en)?[ \t]*:[ \t]*"
    r"((?:19|20)\d{2})(?![\w/])"
    # « Date de naissance : 1983 »: only the year where the form asks for the date
    r"|^[ \t>]*date[ \t]+de[ \t]+naissance[ \t]*:[ \t]*((?:19|20)\d{2})[ \t.]*$",
    re.IGNORECASE | re.MULTILINE,
)
# « Elle est née quand ?\nAppelant : En 1951, à Pointe-Noire. »: the year alone answering when
# someone was born.
BORN_WHEN_YEAR_RE = re.compile(
    r"(?<![\w])(?:nee?s?|ne\(e\))[ \t]+(?:quand|en[ \t]+quelle[ \t]+annee)[ \t]*\?[ \t]*\n"
    r"(?:\[[\d:.,]+\][ \t]*)?[^\n:\d]{0,25}:[ \t]*(?:[^\n\d]{0,15}?[ \t])??(?:en[ \t]+)?"
    r"((?:19|20)\d{2})(?![\w/])",
    re.IGNORECASE,
)
RELATIVES_BEFORE_RE = re.compile(
    r"\b(?:enfants?|fils|filles?|bebes?|petite?s?-(?:fils|filles?)|jumea\w+|jumelles?"
    r"|majeure?s?|mineure?s?"
    r"|aine(?:e|s|es)?|cadet(?:te)?s?)\b",
    re.IGNORECASE,
)
CHILD_HAD_ON_RE = re.compile(
    r"\b(?:eu|accouche\w*|naissance)[ \t]+(?:de[ \t]+)?(?:le|mon|ma|notre|un|une|mon[ \t]+petit"
    r"|ma[ \t]+petite)[ \t]+(?:bebe|fils|fille|enfant)(?:[ \t,]+[a-z][a-z'\-]+,?)?[ \t]+le[ \t]+"
    r"((?:0?[1-9]|[12]\d|3[01])[/.](?:0?[1-9]|1[0-2]))(?![/.\-]?\d)",
    re.IGNORECASE,
)
BIRTHDAY_RE = re.compile(
    r"\b(?:(?:a|aura|fete|fetera|fera|a\s+eu|va\s+avoir|vient\s+d'avoir|aura\s+eu)\s+\d{1,3}\s+ans"
    # « ma femme a accouché le 12 nov »: the day a child was born
    r"|accouch[ée]e?s?|a\s+accouch[ée]e?"
    # « j'ai eu le bébé le 2 décembre », « j'ai eu des jumeaux le 1er décembre »
    r"|eu\s+(?:le|mon|ma|notre|un|une|mon\s+petit|ma\s+petite)\s+(?:bebe|fils|fille|enfant)"
    r"|eu\s+(?:des|deux|trois|mes|nos)\s+(?:jumeaux|jumelles|tripl[ée]s|bebes|enfants))"
    rf"\s+le\s+({DATE_RE})(?![\w/])",
    re.IGNORECASE,
)
