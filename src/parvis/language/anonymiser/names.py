"""Person names: civilities, introductions, relatives and closings, a first-name
gazetteer, and the filter applied to the ``PER`` entities of spaCy ``fr_core_news_md``
(checked against a French vocabulary through :class:`NameLexicon`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from parvis.language.anonymiser.base import Entity
from parvis.language.text import fold

# --- Names --------------------------------------------------------------------------------

CIVILITY = (
    r"m\.|mr\.?|mme\.?|mmes|mlle\.?|melle|monsieur|madame|mademoiselle|maitre|dr\.?"
    r"|docteur|pr\.|professeur"
)
# the name follows on the same line (« Civilité : Monsieur\nNom : … » names no one)
CIVILITY_RE = re.compile(rf"(?<![\w])(?:{CIVILITY})(?:(?<=\.)|(?![\w]))[ \t]*", re.IGNORECASE)
INTRO_RE = re.compile(
    # never the end of a word (« les places PMR », « les vacances Martin »)
    r"(?<![\w])(?:je\s+m'?\s?appel+e?s?|j\s+m'?appel+e?|je\s+me\s+nomme|mon\s+nom\s+(?:est|c'est|c\s+est|:)"
    r"|mon\s+nom\s+et\s+pr[eé]nom\s+(?:sont|:)|moi\s+c'?\s?est|c'?\s?est\s+moi|ici|de\s+la\s+part\s+de"
    r"|je\s+suis|c'est|c\s+est|ces|\bc(?=\s)|nom\s*:|pr[eé]nom\s*:|nom\s+et\s+pr[eé]nom\s*:"
    r"|nom\s+de\s+naissance\s*:|nom\s+d'usage\s*:|signe|sign[eé]e?\s*:?|pour\s+le\s+compte\s+de"
    r"|au\s+nom\s+de|concernant|accompagne|j'accompagne|accompagnons|je\s+represente)\s+",
    re.IGNORECASE,
)
RELATIVE_RE = re.compile(
    r"(?<![\w'])(?:mon|ma|notre|son|sa|leur|votre|le|la)\s+(?:fils|fille|mari|femme|epouse|epoux|pere|mere"
    r"|frere|soeur|conjoint|conjointe|compagnon|compagne|enfant|bebe|petit-fils|petite-fille"
    r"|petit\s+fils|petite\s+fille|neveu|niece|oncle|tante|beau-pere|belle-mere|cousin|cousine"
    r"|grand-mere|grand-pere|voisin|voisine|ami|amie|copain|copine|concubin|concubine|ex"
    r"|proprietaire|proprio|employeur|patron|patronne|tuteur|tutrice|curateur|curatrice"
    r"|conseiller|conseillere|agent|agente|assistante\s+sociale|assistant\s+social|referent"
    r"|referente|interlocuteur|interlocutrice|collegue|medecin|docteur|avocat|avocate"
    r"|gestionnaire|aidant|aidante|aide\s+a\s+domicile|auxiliaire\s+de\s+vie|belle-soeur"
    r"|beau-frere|gendre|belle-fille|beau-fils|filleul|filleule|mandataire)"
    r"(?:\s+(?:qui\s+s'appelle|qui\s+s'apelle|nomme|nommee|prenomme|prenommee|appele|appelee))?"
    r"\s*,?\s+",
    re.IGNORECASE,
)
CLOSING_RE = re.compile(
    r"(?<![\w])(?:cordialement|bien\s+cordialement|salutations(?:\s+distinguees)?|distinguees|respectueusement"
    r"|bien\s+a\s+vous|merci(?:\s+d'avance|\s+par\s+avance|\s+beaucoup|\s+a\s+vous)?"
    r"|bonne\s+journee|bonne\s+soiree|a\s+bientot|sinceres\s+salutations|signature|cdlt|cdt"
    # a whole word: « Mercier » is a surname, not « merci » and a name « er »
    r"|slt|bisous|amicalement)(?![\w'])\s*[.,!]?\s*(?:\n\s*)*",
    re.IGNORECASE,
)
NAME_TOKEN_RE = re.compile(
    r"(?:(?i:d'|l'|de\s+la\s+|de\s+|du\s+|des\s+|le\s+|la\s+|van\s+|von\s+|ben\s+|el\s+|al\s+|da\s+|dos\s+|di\s+)?"
    r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'\-]*)"
)
# The rest of a label after its first word, up to its colon (« souhaitée : »): a form left
# blank when it opens the line after another label (here and in ``people._after_sequences``).
BLANK_FORM_NEXT_LABEL_RE = re.compile(r"(?:[ \t]+[^\s:]+){0,2}[ \t]*:")
NOT_NAMES = {
    # words that follow a civility or a trigger without being a name
    # SMS shorthand of grammatical words (« merci pr le rdv », « ds la boite »)
    "pr",
    "ds",
    "pq",
    "pcq",
    "tt",
    "tjrs",
    "qd",
    "dc",
    "bonne",  # « Merci d'avance\nBonne journée »
    "journee",
    "soiree",
    "attestation",
    "le",
    "la",
    "les",
    "l",
    "un",
    "une",
    "des",
    "de",
    "du",
    "directeur",
    "directrice",
    "president",
    "presidente",
    "maire",
    "juge",
    "prefet",
    "ministre",
    "conseiller",
    "conseillere",
    "agent",
    "responsable",
    "chef",
    "depute",
    "senateur",
    "procureur",
    "greffier",
    "madame",
    "monsieur",
    "mme",
    "m",
    "mr",
    "et",
    "ou",
    "votre",
    "mon",
    "ma",
    "son",
    "sa",
    "notre",
    # a chat's automated speakers (« Chatbot : Bonjour ! »), never a person
    "chatbot",
    "bot",
    "robot",
    "automate",
    "mes",
    "ses",
    "vous",
    "nous",
    "tout",
    "tous",
    "bonjour",
    "bonsoir",
    "merci",
    "cordialement",
    "salut",
    "objet",
    "oui",
    "non",
    "euh",
    "alors",
    "donc",
    "bien",
    "tres",
    "pas",
    "plus",
    "en",
    "au",
    "aux",
    "a",
    "pour",
    "par",
    "sur",
    "dans",
    "avec",
    "que",
    "qui",
    "quoi",
    "est",
    "suis",
    "caf",
    "cpam",
    "msa",
    "urssaf",
    "anah",
    "ants",
    "dgfip",
    "carsat",
    "cnav",
    "france",
    "poste",
    "travail",
    "emploi",
    "pole",
    "services",
    "service",
    "public",
    "publique",
    "allocataire",
    "assure",
    "assuree",
    "beneficiaire",
    "demandeur",
    "demandeuse",
    "usager",
    "il",
    "elle",
    "ils",
    "elles",
    "on",
    "je",
    "j",
    "ce",
    "cette",
    "ces",
    "ca",
    "cela",
    "rien",
    "personne",
    "quelqu'un",
    "sans",
    "chez",
    "depuis",
    "ici",
    "la-bas",
    "encore",
    "deja",
    "toujours",
    "jamais",
    "aussi",
    "mais",
    "car",
    "si",
    "ne",
    "n",
    "c",
    "d",
    "s",
    "y",
    "handicape",
    "handicapee",
    "malade",
    "seul",
    "seule",
    "perdu",
    "perdue",
    "desespere",
    "desesperee",
    "inquiet",
    "inquiete",
    "enceinte",
    "retraite",
    "retraitee",
    "chomeur",
    "chomeuse",
    "etudiant",
    "etudiante",
    "salarie",
    "salariee",
    "agriculteur",
    "agricultrice",
    "exploitant",
    "exploitante",
    "infirmier",
    "infirmiere",
    "mere",
    "pere",
    "veuf",
    "veuve",
    "divorce",
    "divorcee",
    "celibataire",
    "auto-entrepreneur",
    "micro-entrepreneur",
    "inscrit",
    "inscrite",
    "dossier",
    "numero",
    "concernant",
    "rappeler",
    "madame,",
    "monsieur,",
    "sms",
    "mail",
    "courriel",
    "avoir",
    "etre",
    "desole",
    "desolee",
    "vraiment",
    "assistante",
    "assistant",
    "sociale",
    "social",
    "travailleuse",
    "travailleur",
    "educatrice",
    "educateur",
    "mandataire",
    "referent",
    "referente",
    "aidant",
    "aidante",
    "tel",
    "telephone",
    "portable",
    "ref",
    "reference",
    "mois",
    "ans",
    "jours",
    "semaine",
    "semaines",
    "annee",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "janvier",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "aout",
    "septembre",
    "octobre",
    "novembre",
    "decembre",
    "allo",
    "allô",
    "hello",
    "coucou",
    "re-bonjour",
    "bcp",
    "dsl",
    "stp",
    "svp",
    "mdr",
    # interjections and English shorthand closing a message (« ok merci inshallah »,
    # « merci thx », « ok merci hihi »)
    "inshallah",
    "inchallah",
    "inchalah",
    "wallah",
    "wallahi",
    "thx",
    "pls",
    "plz",
    "lol",
    "ptdr",
    "hihi",
    "haha",
    "hehe",
    "hahaha",
    "xoxo",
    # e-mail providers said without their domain (« mon adresse chez free »)
    "free",
    "gmail",
    "hotmail",
    "yahoo",
    "wanadoo",
    "icloud",
    "sfr",
    # months written short in an e-mail client's English header (« Date: Mon, Nov 23, 2026 »);
    # never « Jan », « May » or « Jun », which are given names
    "feb",
    "apr",
    "aug",
    "oct",
    "nov",
    "dec",
    "tkt",
    "jsp",
    "bjr",
    "bsr",
    "slt",
    "mrc",
    "mci",
    "cp",
    "cdlt",
    "cdt",
    "bises",
    "bisous",
    "amicalement",
    "respectueusement",
    "rebonjour",
    "ok",
    "d'accord",
    "voila",
}


@dataclass
class NameLexicon:
    """First names, last names and the French vocabulary used to filter name candidates."""

    first_names: frozenset[str]
    last_names: frozenset[str]
    vocabulary: frozenset[str]
    # place names (folded, lower case): never a name when alone and unsure
    places: frozenset[str] = field(default_factory=frozenset)
    _word_like: dict[tuple[str, bool], bool] = field(
        default_factory=dict, repr=False, compare=False
    )
    # each word's features as ``people.Tokens`` reads them with these places (not its position)
    tokens_seen: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False, compare=False)

    def word_like(self, word: str, *, typos: bool = True) -> bool:
        """A French word as people type it: in the vocabulary, glued to an elided article or
        pronoun (« lallocation », « minscrire », « nest »), one typo away from a word of
        four letters or more (« drooit », « actuaiser »), or a hyphenated group of words
        (« rendez-vous », « ai-je »). Names are checked against the lexicon before this."""
        key = fold(word).lower().strip("'-.")
        cached = self._word_like.get((key, typos))
        if cached is None:
            cached = self._compute_word_like(key, typos)
            if len(self._word_like) < 200_000:
                self._word_like[(key, typos)] = cached
        return cached

    def _compute_word_like(self, key: str, typos: bool) -> bool:
        if self.is_common_word(key):
            return True
        if "-" in key:
            parts = [p for p in key.split("-") if p]
            return bool(parts) and all(
                self.is_common_word(p) or p in {"t", "je", "tu", "il", "on", "ci", "la", "ce"}
                for p in parts
            )
        if "'" in key:
            head, _, rest = key.partition("'")
            return head in {"j", "m", "t", "s", "c", "n", "l", "d", "qu"} and self.word_like(
                rest, typos=typos
            )
        if len(key) >= 4 and key[0] in "ldmnjtsc" and self.is_common_word(key[1:]):
            return True
        if len(key) >= 5 and key.startswith("qu") and self.is_common_word(key[2:]):
            return True
        if typos and len(key) >= 5:
            return any(candidate in self.vocabulary for candidate in _edits(key))
        return False

    def is_first_name(self, word: str) -> bool:
        return fold(word).lower() in self.first_names

    def is_known_name(self, word: str) -> bool:
        key = fold(word).lower()
        return key in self.first_names or key in self.last_names

    def is_common_word(self, word: str) -> bool:
        key = fold(word).lower().strip("'-")
        if key in self.vocabulary or key in NOT_NAMES or key in INVARIABLE_WORDS:
            return True
        # plural and feminine forms of words whose lemma is known
        return any(
            key.endswith(suffix) and key[: -len(suffix)] in self.vocabulary
            for suffix in ("s", "e", "es", "x")
        )

    def name_like(self, word: str, *, lowercase_ok: bool, expected: bool = False) -> bool:
        """Could ``word`` be part of a person's name? ``expected``: after "Nom :", "Mme"..."""
        key = fold(word).lower().strip("'-")
        if len(key) < 2 or key in NOT_NAMES or key in DOMAIN_WORDS or not re.search(r"[a-z]", key):
            return False
        if re.search(r"\d", key):
            return False
        if ELISION_RE.match(key) and not re.match(r"^\w+'[A-ZÀ-Þ]", word):
            return False  # m'aide, l'artisan, qu'il: a pronoun or an article (not N'Diaye)
        if word[:1].isupper():
            # acronyms (RSA, APL, CAF) are not names, unless a name is expected here
            return (
                expected
                or not word.isupper()
                or len(word) > 5
                or key not in self.vocabulary
                or key in self.last_names
            )
        if not lowercase_ok:
            return False
        if self.is_known_name(word):
            return True
        return not self.is_common_word(word) and not self.glued_article(key)

    def glued_article(self, key: str) -> bool:
        """« lapl », « lurssaf », « lattestation », « lequipe »: the article glued to a
        programme, an administration or a paper by a writer who skips the apostrophe. Only
        those: a common word glued that way is often a surname (« lamour », « lamine »,
        « lestrade »), and a role (« lagent ») still cues the name after it."""
        match = GLUED_ARTICLE_RE.fullmatch(key)
        if match is None:
            return False
        return match.group(1) in DOMAIN_WORDS or match.group(1) in GLUED_WORDS


ELISION_RE = re.compile(r"^(?:j|m|t|s|n|c|qu|l|jusqu|lorsqu|puisqu)'")
GLUED_ARTICLE_RE = re.compile(r"l([aeiouyh][a-z]{2,})")
# The papers and desks a writer glues to « l' » (« lattestation », « lequipe »).
GLUED_WORDS = frozenset(
    """attestation attestations equipe accueil agence assurance allocation allocations aide
    aides avis adresse ordonnance arret echeancier enveloppe imprime inscription
    indemnisation impot impots""".split()  # noqa: SIM905
)
# Words whose form is their lemma (plural in -s/-x): missing from the lemmatizer tables.
INVARIABLE_WORDS = frozenset(
    """taux jus refus proces progres acces exces abus virus campus relais rabais velours puits
    tas os ours avis gens corps bras cas pays prix voix poids repas succes choix croix paix
    palais printemps propos temps mois dos fois frais cours recours secours parcours concours
    discours bois remords biais dessous dessus jamais mais souris fils quelques chaque
    plusieurs parmi selon chez sans vous nous tu ou qui quoi ni soi voici trois deux six dix
    ah oh eh bah ben hein euh ok""".split()  # noqa: SIM905
)
_ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def _edits(word: str) -> Iterable[str]:
    """Every string one deletion, transposition, replacement or insertion away."""
    for i in range(len(word)):
        yield word[:i] + word[i + 1 :]
        if i + 1 < len(word):
            yield word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        for letter in _ALPHABET:
            if letter != word[i]:
                yield word[:i] + letter + word[i + 1 :]
    for i in range(len(word) + 1):
        for letter in _ALPHABET:
            yield word[:i] + letter + word[i:]


# Names of administrations, programmes and documents: never a person.
DOMAIN_WORDS = {
    # administrations' words written short (« Alloc n° 5 221 904 », « Décla faite »)
    "alloc",
    "allocs",
    "decla",
    "declas",
    "secu",
    "mutu",
    "csg",
    "crds",
    "caf",
    "cpam",
    "cnaf",
    "cnam",
    "cnav",
    "carsat",
    "msa",
    "urssaf",
    "anah",
    "ants",
    "dgfip",
    "ameli",
    "cesu",
    "pajemploi",  # the Urssaf's service for parents employing a childminder
    "caces",
    "vitale",
    "visale",  # Action Logement's rent guarantee (« Caution : Visale »)
    "franceconnect",
    "colissimo",
    "siret",
    "siren",
    "acre",
    "cpf",
    "neph",
    "mdph",
    "ccas",
    "c2s",
    "css",
    "cmu",
    "aah",
    "apl",
    "als",
    "alf",
    "rsa",
    "are",
    "ass",
    "paje",
    "prepare",
    "cmg",
    "ars",
    "asf",
    "aspa",
    "ij",
    "dsn",
    "spi",
    "nir",
    "iban",
    "rib",
    "cerfa",
    "greta",
    "crit'air",
    "critair",
    "sip",
    "sie",
    "ppa",
    "dtr",
    "rsi",
    "ircantec",
    "agirc",
    "arrco",
    "pole",
    "emploi",
    "travail",
    "france",
    "services",
    "service",
    "poste",
    "justice",
    "impots",
    "gouv",
    "mairie",
    "prefecture",
    "departement",
    "region",
    "conseil",
    "tribunal",
    "carte",
    "grise",
    "maprimerenov",
    "maprimeadapt",
    "renov",
    "rénov",
    "prime",
    "allocations",
    "familiales",
    "assurance",
    "maladie",
    "retraite",
    "securite",
    "sociale",
    "finances",
    "publiques",
    "objet",
    "agirc-arrco",
    "edf",
    "engie",
    "sncf",
    "ratp",
    "cheque",
    "energie",
    "sante",
    "solidaire",
    "complementaire",
    "credit",
    "agricole",
    "banque",
    "postale",
    "bpi",
    "ursaf",
    "insee",
    "internet",
    "whatsapp",
    "facebook",
    "google",
    "android",
    "iphone",
    "smic",
    "covid",
    "paques",
    "toussaint",
    "emmaus",
    "croix-rouge",
    "restos",
    "secours",
    "ramadan",
    "aid",
    "pentecote",
    "ascension",
    # housing and shelter acronyms (« je suis SDF », « hébergée au CHRS »)
    "sdf",
    "chrs",
    "cada",
    "huda",
    "ehpad",
    # form labels written as initials (« DDN : 12/11/1975 »)
    "ddn",
    "dn",
    "nss",
    # bodies one is sent to, professions' pension funds, documents and mail written as
    # initials (« À : Mission locale », « De : AFPA Dunkerque », « la CARPIMKO », « CNI n° … »,
    # « en LRAR »; not « AR », the Breton article of « Ar Gall »)
    "mission",
    "afpa",
    "cirfa",
    "cidff",
    "crous",
    "carpimko",
    "cipav",
    "cnracl",
    "cni",
    "lrar",
}


def _name_tokens(
    text: str,
    folded: str,
    position: int,
    lexicon: NameLexicon,
    *,
    lowercase_ok: bool,
    max_tokens: int = 3,
) -> int:
    """End offset of a run of name-like tokens starting at ``position`` (or ``position``)."""
    end = position
    count = 0
    cursor = position
    while count < max_tokens:
        match = NAME_TOKEN_RE.match(text, cursor)
        if not match:
            break
        token = match.group()
        core = re.sub(
            r"^(d'|l'|de la |de |du |des |le |la |van |von |ben |el |al |da |dos |di )",
            "",
            token,
            flags=re.IGNORECASE,
        )
        if core != token and not core[:1].isupper():
            # a particle only counts before a capitalised name ("de la Fontaine")
            core_match = re.match(r"[\w'\-]+", text[cursor:])
            if not core_match:
                break
            token = core = core_match.group()
            match_end = cursor + core_match.end()
        else:
            match_end = match.end()
        if not lexicon.name_like(core, lowercase_ok=lowercase_ok, expected=True):
            break
        count += 1
        end = match_end
        gap = re.match(r"[ \t]+|\s?-\s?", text[end:])
        if not gap or "\n" in gap.group():
            break
        cursor = end + gap.end()
    # strip trailing apostrophes / dashes
    while end > position and text[end - 1] in "'-":
        end -= 1
    return end


# What follows a first name that is a French word when it is used as that word (« Marine
# nationale », « Fleur bleue », « Pierre tombale »), even capitalised.
WORD_FIRST_NAME_FOLLOWERS = frozenset(
    re.split(
        r"\s+",
        """tremiere bleue bleu rouge noire noir blanche blanc verte vert jaune tombale
        angulaire gardien gardienne divine nationale rouges bleues pascale marchande""",
    )
)


# The wishes that close a message (« Bonnes fêtes », « Joyeux Noël », « Belle journée »).
WISHES = frozenset(
    """bonne bonnes bon bons belle belles joyeux joyeuse joyeuses excellente excellentes
    excellent meilleurs meilleures heureuse heureux""".split()  # noqa: SIM905
)


def find_names_by_rules(text: str, folded: str, lexicon: NameLexicon) -> Iterable[Entity]:
    """Names after civilities, introductions and relatives, on the folded text; a question's
    verb and pronoun (« Souhaitez-vous ») is never one."""
    for entity in _names_by_rules(text, folded, lexicon):
        if not VERB_PRONOUN_RE.search(folded[entity.start : entity.end].lower()):
            yield entity


# A signature opened by an article whose line goes on past the name run (« Le Point Justice
# de Vienne », « La Maison du Droit de … »): an office, not a person (« Le Bihan » ends it).
ORGANISATION_SIGNATURE_RE = re.compile(r"(?:L[ea]s?[ \t]+|L['’])[A-ZÀ-Þ]")
# « arrêt Rose des Sables », « le Bois des Fées »: a first name, « des » and a common noun
# name a place, not a person.
PLACE_NAME_TAIL_RE = re.compile(r"[ \t]+des[ \t]+([\w'\-]+)[ \t]*$", re.IGNORECASE)


OFFICE_AFTER_CIVILITY_RE = re.compile(r"(?:le|la)[ \t]+([A-Za-z][a-z\-]+)(?![\w'])")


def _names_by_rules(text: str, folded: str, lexicon: NameLexicon) -> Iterable[Entity]:
    lowercase_text = sum(ch.isupper() for ch in text) <= 2
    for match in CIVILITY_RE.finditer(folded):
        if match.end() < len(folded) and folded[match.end() - 1 : match.end()] == ",":
            continue
        office = OFFICE_AFTER_CIVILITY_RE.match(folded, match.end())
        if (
            office
            and lexicon.is_common_word(office.group(1))
            and not lexicon.is_known_name(office.group(1))
        ):
            continue  # « Monsieur le Conciliateur »: an office, not « M. Le Goff »
        end = _name_tokens(text, folded, match.end(), lexicon, lowercase_ok=lowercase_text)
        if end > match.end():
            yield Entity(match.end(), end, "PERSON")
    for pattern in (INTRO_RE, RELATIVE_RE):
        for match in pattern.finditer(folded):
            trigger = match.group().lower()
            strict = trigger.startswith(
                (
                    "je suis",
                    "c'est",
                    "c est",
                    "ces",
                    "ici",
                    "concernant",
                    "accompagne",
                    "j'accompagne",
                    "accompagnons",
                )
            ) or (trigger.strip() == "c")
            position = match.end()
            civility = CIVILITY_RE.match(folded, position)
            if civility:
                continue  # handled by the civility rule
            if strict:
                end = _strict_names(text, position, lexicon, lowercase_text=lowercase_text)
            elif pattern is RELATIVE_RE:
                end = _name_tokens(
                    text, folded, position, lexicon, lowercase_ok=False, max_tokens=2
                )
                if end == position and lexicon.is_first_name(
                    re.match(r"[\w'\-]*", text[position:]).group()  # type: ignore[union-attr]
                ):
                    word_end = position + len(re.match(r"[\w'\-]*", text[position:]).group())  # type: ignore[union-attr]
                    if not lexicon.is_common_word(text[position:word_end]):
                        end = word_end
            else:
                end = _name_tokens(text, folded, position, lexicon, lowercase_ok=True)
            if "\n" in folded[match.start() : position] and BLANK_FORM_NEXT_LABEL_RE.match(
                text, end
            ):
                # « Nom :\nPrénom : », « Prénom :\nFormation souhaitée : »: a form left
                # blank, the next line another label
                continue
            if end > position:
                yield Entity(position, end, "PERSON")
    for match in CLOSING_RE.finditer(folded):
        position = match.end()
        end = _name_tokens(text, folded, position, lexicon, lowercase_ok=lowercase_text)
        if re.match(r"(?i:[dlmnstcj])['’][a-zà-ÿ]", text[position:end]):
            continue  # « merci d'envoyer à… »: a verb, not « N'Diaye »
        if re.match(
            r"(?i:de)[ \t]+(?i:me|m'|nous|vous|le|la|les|lui|leur|bien|votre|mon|ma)\b",
            text[position:end],
        ):
            continue  # « MERCI DE ME RAPPELER »: a request in capitals, not « De Me »
        if folded[position:end].split()[:1] and folded[position:end].split()[0].lower() in WISHES:
            continue  # « merci.\n\nBonnes fêtes de Noël »: a wish, not a signature
        if ORGANISATION_SIGNATURE_RE.match(text, position, end) and text[
            end : (text.find("\n", end) + 1 or len(text) + 1) - 1
        ].strip(" \t,."):
            continue  # « Cordialement,\nLe Point Justice de Vienne »: a desk signs, not a person
        if end > position:
            rest = text[end:].strip()
            if not rest or rest[:1] in "\n" or text[end : end + 1] in "\n" or len(rest) < 40:
                yield Entity(position, end, "PERSON")
    # gazetteer: a known first name followed by a capitalised word or a known name
    for match in re.finditer(r"(?<![\w'])[A-Za-zÀ-ÖØ-öø-ÿ][\w\-]+", text):
        word = match.group()
        if not lexicon.is_first_name(word):
            continue
        capitalised = word[:1].isupper()
        if not capitalised and not lowercase_text:
            continue
        if lexicon.is_common_word(word) and not capitalised:
            continue
        end = _name_tokens(
            text, folded, match.start(), lexicon, lowercase_ok=lowercase_text or capitalised
        )
        place_tail = PLACE_NAME_TAIL_RE.match(folded, match.end(), end)
        if place_tail and lexicon.is_common_word(place_tail.group(1)):
            continue
        second = re.match(r"[ \t]+([\w'\-]+)", folded[match.end() : end])
        if (
            second
            and second.group(1).lower() in WORD_FIRST_NAME_FOLLOWERS
            and lexicon.is_common_word(word)
        ):
            continue  # « Marine Nationale : … » opening a line
        surname = re.search(r"(?<![\w'])([A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'\-]+)[ \t]+$", text[: match.start()])
        if (
            capitalised
            and surname
            and fold(surname.group(1)).lower() not in DOMAIN_WORDS | NOT_NAMES
        ):
            yield Entity(surname.start(1), max(end, match.end()), "PERSON")
            continue
        if end <= match.end():
            # a first name alone: only when capitalised, not a common word, not sentence-initial
            before = text[: match.start()].rstrip()
            sentence_start = not before or before[-1] in ".!?\n:"
            if not lexicon.is_common_word(word) and (
                (capitalised and not sentence_start) or (lowercase_text and not capitalised)
            ):
                yield Entity(match.start(), match.end(), "PERSON")
            continue
        yield Entity(match.start(), end, "PERSON")


def _strict_names(text: str, position: int, lexicon: NameLexicon, *, lowercase_text: bool) -> int:
    """After weak triggers ("je suis", "c'est", "c"): capitalised names that are known or
    not common words; in lower case, a run of two or three words holding a known name, or
    of unknown words only (a typo alone is not a name)."""
    run: list[tuple[int, str]] = []
    cursor = position
    while len(run) < 3:
        particle = re.match(
            r"(?i)(?:le|la|de|du|da|dos|van|ben|el)[ \t]+(?=[A-Za-zÀ-ÖØ-öø-ÿ])", text[cursor:]
        )
        if run and particle:
            cursor += particle.end()
            continue
        match = re.match(r"[A-Za-zÀ-ÖØ-öø-ÿ][\w'\-]*", text[cursor:])
        if not match:
            break
        word = match.group()
        key = fold(word).lower()
        if (
            key in NOT_NAMES
            or key in DOMAIN_WORDS
            or ELISION_RE.match(key)
            or len(key) < 2
            or re.search(r"\d", key)
            or NUMBER_WORDS_RE.fullmatch(key)
        ):
            break  # « c'est vingt-six trente-trois »: a number read aloud
        run.append((cursor + match.end(), word))
        gap = re.match(r"[ \t]+", text[cursor + match.end() :])
        if not gap:
            break
        cursor = cursor + match.end() + gap.end()
    if not run:
        return position
    words = [w for _, w in run]
    if words[0][:1].isupper():
        kept = 0
        for word in words:
            if not word[:1].isupper() or not (
                lexicon.is_known_name(word) or not lexicon.is_common_word(word)
            ):
                break
            kept += 1
        return run[kept - 1][0] if kept else position
    if not lowercase_text:
        return position
    known = [lexicon.is_known_name(w) for w in words]
    unknown = [not lexicon.is_common_word(w) for w in words]
    for size in range(len(words), 0, -1):
        part_known, part_unknown = known[:size], unknown[:size]
        # every word a listed name or no French word (« marin pêcheur » is a trade)
        every = all(k or u for k, u in zip(part_known, part_unknown, strict=True))
        if size >= 2 and every and (any(part_known) or all(part_unknown)):
            return run[size - 1][0]
        if size == 1 and part_known[0] and part_unknown[0]:
            return run[0][0]
    return position


NUMBER_WORDS_RE = re.compile(
    r"(?:zero|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize"
    r"|quatorze|quinze|seize|vingt|vingts|trente|quarante|cinquante|soixante|cent|cents|mille"
    r"|et|-)+"
)
VERB_PRONOUN_RE = re.compile(r"-(?:t-)?(?:vous|nous|tu|je|il|elle|ils|elles|on)$")


FORM_LABEL_AFTER_RE = re.compile(r"[^\n:]{1,40}:")


def filter_spacy_person(
    text: str, start: int, end: int, lexicon: NameLexicon
) -> tuple[int, int] | None:
    """Trim a spaCy PER span to its name-like tokens; None when nothing plausible remains."""
    line_break = text.find("\n", start, end)
    if line_break >= 0 and FORM_LABEL_AFTER_RE.match(text, line_break + 1):
        end = line_break  # « Vendeur : Boucher\nAcheteur : … »: the next line's label is no name
    tokens = [
        (m.start() + start, m.end() + start, m.group())
        for m in re.finditer(r"[\w'\-\.]+", text[start:end])
    ]

    # drop civilities and non-name words at both ends
    def plausible(word: str) -> bool:
        key = fold(word).lower().strip(".'-")
        if re.fullmatch(rf"(?:{CIVILITY})", key + ("." if word.endswith(".") else "")):
            return False
        if key in NOT_NAMES or key in DOMAIN_WORDS or ELISION_RE.match(key):
            return False
        if VERB_PRONOUN_RE.search(key):
            return False  # « Souhaitez-vous », « pouvez-vous »: a question, no name
        if not word[:1].isupper():
            return lexicon.is_known_name(word) and not lexicon.is_common_word(word)
        return not (word.isupper() and len(word) <= 5 and key in lexicon.vocabulary)

    while tokens and not plausible(tokens[0][2]):
        tokens.pop(0)
    while tokens and not plausible(tokens[-1][2]):
        tokens.pop()
    if not tokens:
        return None
    if fold(tokens[0][2]).lower() in WISHES:
        return None  # « Joyeux Noël », « Belle Journée »: a wish
    words = [token[2] for token in tokens]
    if any(not plausible(word) for word in words):
        return None
    if len(words) == 1 and words[0].isupper() and len(words[0]) <= 3:
        return None  # « PMR », « BP »: an acronym alone
    whole = fold(text[tokens[0][0] : tokens[-1][1]]).lower()
    if (whole in lexicon.places or whole.endswith("-ville")) and not lexicon.is_known_name(whole):
        return None  # « la préfecture de la Seine-Saint-Denis », « Hô Chi Minh-Ville »: a place
    strong = any(
        lexicon.is_known_name(w) or not lexicon.is_common_word(w.strip(".")) for w in words
    )
    if not strong:
        return None
    if len(words) == 1 and lexicon.is_common_word(words[0]):
        pair = re.match(r"[ \t]+et[ \t]+([a-zà-ÿ][\w\-]*)", text[tokens[0][1] :])
        if (
            pair
            and lexicon.is_common_word(pair.group(1))
            and not lexicon.is_known_name(pair.group(1))
        ):
            return None  # « Claire et nette », « Rose et blanc »: two adjectives
    if len(words) == 1:
        before = text[: tokens[0][0]].rstrip()
        sentence_start = not before or before[-1] in ".!?\n:"
        if sentence_start and not lexicon.is_known_name(words[0]):
            return None
    return tokens[0][0], tokens[-1][1]


# A form written as a table: a header row of labels separated by « | », « ; » or tabs
# (« NOM | PRÉNOM | NÉ(E) LE | N° ALLOCATAIRE »), then one row per person with as many cells
# (« TAUFA | Sione | 12/12/1994 | 5610238 »). A cell under a name's column is a name, one
# under a birth date's a birth date, whatever its words: the header says what it holds (two
# of its columns at least: « Nom | Dupont » is a label and its value).
NAME_COLUMN_RE = re.compile(
    r"(?:nom(?:[ \t]+(?:de[ \t]+naissance|d'usage|de[ \t]+famille|marital|patronymique))?"
    r"|prenoms?(?:[ \t]*\(s\))?|nom[ \t]*(?:et|/|-)?[ \t]*prenoms?(?:[ \t]*\(s\))?)",
    re.IGNORECASE,
)
BIRTH_COLUMN_RE = re.compile(
    r"(?:nee?(?:[ \t]*\(e\))?[ \t]+le|date[ \t]+de[ \t]+naissance|naissance|ddn)", re.IGNORECASE
)
TABLE_DATE_RE = re.compile(
    r"\d{1,2}[ \t]*[/.\-][ \t]*\d{1,2}[ \t]*[/.\-][ \t]*\d{2,4}"
    r"|\d{1,2}(?:er)?[ \t]+[a-z]+[ \t]+\d{4}",
    re.IGNORECASE,
)


def _cells(line: str, offset: int, separator: str) -> list[tuple[int, int]]:
    """The cells of a row as (start, end) in the text, surrounding blanks left out."""
    cells: list[tuple[int, int]] = []
    start = 0
    for part in line.split(separator):
        stripped = part.strip(" \t")
        lead = len(part) - len(part.lstrip(" \t"))
        cells.append((offset + start + lead, offset + start + lead + len(stripped)))
        start += len(part) + 1
    return cells


def find_table_cells(text: str, folded: str) -> Iterable[Entity]:
    if "|" not in folded and ";" not in folded and "\t" not in folded:
        return
    lines: list[tuple[str, int]] = []
    offset = 0
    for line in folded.split("\n"):
        lines.append((line, offset))
        offset += len(line) + 1
    index = 0
    while index < len(lines):
        line, offset = lines[index]
        index += 1
        separator = next((s for s in ("|", ";", "\t") if s in line), None)
        if separator is None:
            continue
        header = _cells(line, offset, separator)
        columns: dict[int, str] = {}
        for column, (start, end) in enumerate(header):
            if NAME_COLUMN_RE.fullmatch(folded, start, end):
                columns[column] = "PERSON"
            elif BIRTH_COLUMN_RE.fullmatch(folded, start, end):
                columns[column] = "BIRTHDATE"
        if "PERSON" not in columns.values() or len(columns) < 2:
            continue  # « Nom\tCourtois » is a label and its value, no table's header
        while index < len(lines):
            row, row_offset = lines[index]
            cells = _cells(row, row_offset, separator)
            if len(cells) != len(header):
                break
            index += 1
            for column, label in columns.items():
                start, end = cells[column]
                value = folded[start:end]
                if label == "PERSON" and re.search(r"[a-z]{2}", value, re.IGNORECASE):
                    yield Entity(start, end, "PERSON")
                elif label == "BIRTHDATE" and TABLE_DATE_RE.fullmatch(value):
                    yield Entity(start, end, "BIRTHDATE")
