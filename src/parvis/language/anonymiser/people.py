"""Person names by context and shape, for names the lexicon does not list.

The population of France is not in a list of a thousand names: this module finds names by
what surrounds them and how they are written, on one tokenisation of the text:

* **triggers** on the left: civilities (« Mme », « M. », « m » in lower case), roles and
  relatives (« ma conseillère », « l'agent », « mon fils »), introductions (« je
  m'appelle », « de la part de », « Nom : »), talk (« j'ai parlé à », « j'ai eu »); what
  follows is taken as a name as far as its words look like one, with a strength that
  depends on the trigger (after a civility even « Rose » or « Petit » is a name);
* **verbs on the right**: « thierry roux m'a rappelé », « X qui devait me rappeler »;
* **shape**: capitalised or upper-case words that are not French words, places or
  administrations (« KOUYATE Moussa », « … avec Gwenaëlle Quéméner »), and in texts written
  in lower case, two unknown words in a row or a listed first name next to an unknown word;
* **lines**: a signature line, an email attribution (« Le 3 mars, X <x@y> a écrit : »),
  a ``De :`` / ``À :`` header;
* **spelling**: letters one by one (« K O U Y A T E », « D-U-P-O-N-T »).

Every finder yields ``PERSON`` entities; the resolver merges them with the other families.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

from parvis.language.anonymiser.base import Entity
from parvis.language.anonymiser.names import (
    BLANK_FORM_NEXT_LABEL_RE,
    DOMAIN_WORDS,
    NOT_NAMES,
    VERB_PRONOUN_RE,
    WORD_FIRST_NAME_FOLLOWERS,
    NameLexicon,
)
from parvis.language.text import fold


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- Tokens -------------------------------------------------------------------------------

_LETTER = r"[^\W\d_]"
TOKEN_RE = re.compile(rf"{_LETTER}(?:{_LETTER}|['’\-](?={_LETTER}))*\.?|\d+|\S")
ELISION_RE = re.compile(r"^(j|m|t|s|c|n|l|d|qu|jusqu|lorsqu|puisqu)['’](.+)$", re.IGNORECASE)
PARTICLES = _words(
    """de du des la le les d' l' van von der den ben bin ibn el al da dos das di del della mac
    mc ould ter"""
)
# Short words that hold a sentence together: never part of a name.
GLUE = _words(
    """a à au aux et ou ni mais car donc or que qui quoi dont où si ne pas plus je tu il elle
    on nous vous ils elles me te se lui leur y en ce cet cette ces ça ca cela mon ma mes ton
    ta tes son sa ses notre nos votre vos leurs un une des est suis es sont ai as avons avez
    ont était etait été ete avait avais fait va vais par pour sur sous dans avec sans chez
    vers depuis pendant entre comme quand alors puis aussi très tres bien tout tous toute
    toutes rien jamais toujours encore déjà deja oui non ok merci bonjour bonsoir salut svp
    stp bjr slt cc jai jsuis chui g c cest dc pk pq pcq tjrs rdv ajd mtn qqch bcp dsl mdr
    cad tel tél mail sms num n° no nº chaque voici voila voilà duquel auquel plusieurs ceci
    où quoi parce afin selon parmi aujourd tu au aux suis quelle quelles quel quels aucun
    aucune certains certaines autre autres même meme celui celle ceux celles lequel laquelle
    lorsque puisque cependant pourtant ainsi sinon sauf malgré malgre durant envers devant
    derrière derriere contre avant après apres ici là ailleurs souvent parfois bientôt
    bientot enfin ensuite hier demain moins peu beaucoup assez trop tant autant presque
    environ voire mieux moi toi eux du le la les de d' l' peut peux dois doit faut veux veut
    c' j' m' t' s' n' qu' jusqu' lorsqu' puisqu' quoiqu' presqu'"""
)
SMS_WORDS = _words(
    """bjr bsr slt cc coucou jai jsuis chui jss jpeux jveux jcrois jsais ct cetait c cest dc pk
    pq pcq tjrs toujour rdv ajd auj mtn qqch qqn bcp dsl mdr cad stp svp msg tel tél svp pr
    ds ke koi kan kel kelle vs vx pa pas rien ya y'a g t'es tes mm meme tt tte tts ok okay
    oki wesh bref bah ben beh euh heu hein hum mmh voila voilà alors allo allô nn non oui
    ouais wi ptn merci mrc mci bonjour bonsoir dac dacc daccord d'accord re rebonjour aprem
    apres aprés demain hier ajourd'hui aujourdhui quil quelle lol ptdr jpp"""
)
CIVILITIES = _words(
    """m. mr mr. m mme mme. mmes mlle mlle. melle madame monsieur mademoiselle messieurs
    mesdames dr dr. docteur docteure pr. professeur maître maitre me"""
)
ROLES = _words(
    """maman papa tonton tata parrain marraine famille nounou belle-sœur
    conseiller conseillère conseillere conseillé conseille agent agente collègue collegue
    collaborateur collaboratrice assistante assistant référent référente referent referente
    gestionnaire interlocuteur interlocutrice éducateur educateur éducatrice educatrice
    médecin medecin docteur avocat avocate notaire huissier huissière curateur curatrice
    tuteur tutrice mandataire propriétaire proprietaire proprio bailleur employeur patron
    patronne voisin voisine ami amie copain copine fils fille mari femme épouse epouse époux
    epoux père pere mère mere frère frere soeur sœur conjoint conjointe compagnon compagne
    enfant enfants bébé bebe neveu nièce niece oncle tante cousin cousine grand-mère grand-
    mere grand-père grand-pere mamie papi papy petit-fils petite-fille beau-père beau-pere
    belle-mère belle-mere gendre belle-fille beau-fils belle-soeur beau-frère beau-frere ex
    concubin concubine fiancé fiancée fiance fiancee filleul filleule aidant aidante
    infirmier infirmière infirmiere kiné kine auxiliaire responsable directeur directrice
    chef cheffe superviseur superviseure juge greffier greffière maire livreur livreuse
    facteur factrice ergothérapeute ergotherapeute ergo orthophoniste secrétaire secretaire
    standardiste client cliente artisan vendeur vendeuse coloc colocataire opticien
    opticienne moniteur monitrice jumeaux jumelles"""
)
# Roles that SMS writers glue to « l' » (« lemployee », « lagent »).
GLUED_ROLES = _words(
    """agent agente employe employee employeur assistante assistant avocat avocate
    infirmier infirmiere interlocuteur interlocutrice educateur educatrice huissier
    auxiliaire aidante aidant ami amie oncle"""
)
# Roles after which a lone word is not a name (« mon médecin traitant »).
ROLE_FOLLOWERS_NOT_NAMES = _words(
    """traitant traitante social sociale sociaux familial familiale de du des d' à a en qui que
    est et ou ne n' m' me lui elle il nous vous mon ma mes son sa ses via"""
)
# Words before a role that make it someone's (« ma conseillère », « l'agent »).
ROLE_DETERMINERS = _words(
    """mon ma mes ton ta son sa notre votre leur le la l' un une du de cette ce vos nos les
    avec"""
)
# Words between a role and the name (« l'assistante sociale de la CAF X »).
ROLE_SKIPPED = _words(
    """sociale social qui s' appelle nomme nommee prenomme prenommee appele appelee france
    travail caf msa cpam referente referent de la du l' services mairie ccas"""
)
# What may follow a first name that is also a word, for it to be a name.
AFTER_A_NAME = _words(
    """ , . m' ma a qui est et m me ne n' va doit devait il elle ! ? : l' le la peut pourra
    pourrait dit disait touche touchait habite vit vient travaille paie paye gere sait veut
    voudrait part s' se"""
)
# The verbs of AFTER_A_NAME a relative's last name may stand before (« mon ex teddy vainqueur
# touche les allocs »).
VERBS_AFTER_A_NAME = _words(
    """peut pourra pourrait dit disait touche touchait habite vit vient travaille paie paye
    gere sait veut voudrait"""
)
# Verbs that, right after a run of words, say the run is someone (« X m'a rappelé »).
RIGHT_VERBS_RE = re.compile(
    r"^\s*(?:m['’]\s?a|m\s+a|ma(?!\s+demande)|nous\s+a|a|m['’]avait|avait|est)\s+"
    r"(?:bien\s+|deja\s+|déjà\s+)?"
    r"(?:dit|rappel[ée]e?|appel[ée]e?|r[ée]pondu|expliqu[ée]e?|envoy[ée]e?|orient[ée]e?"
    r"|conseill[ée]e?|demand[ée]\b|re[çc]ue?|donn[ée]e?|promis|assur[ée]e?|raccroch[ée]e?"
    r"|fait|parl[ée]|refus[ée]e?|[ée]crit|pass[ée]e?|venue?|re[çc]u|traite|trait[ée]e?"
    r"|convoqu[ée]e?|aid[ée]e?|accompagn[ée]e?|renvoy[ée]e?)\b"
    r"|^\s*(?:doit|devait|va|vient\s+de)\s+(?:me|m['’]|nous)\s*\w",
    re.IGNORECASE,
)
RIGHT_CLAUSE_RE = re.compile(
    r"^\s*(?:qui\s+(?:m['’]|ma\b|me\b|nous\b|devait|doit|s['’]?\s?occupe|a\b|est\b|m\s+a\b|g[eè]re)"
    r"|ici\b|à\s+l['’]appareil|a\s+l['’]?appareil|au\s+t[ée]l)",
    re.IGNORECASE,
)


@dataclass
class Token:
    start: int
    end: int
    text: str
    key: str  # folded, lower case, no trailing dot
    cap: bool  # starts with an upper-case letter
    upper: bool  # every letter upper case, two letters or more
    word: bool  # letters (not a number or punctuation)
    known: bool  # first or last name of the lexicon
    first: bool
    common: bool  # a French word (vocabulary, NOT_NAMES), not known as a name
    common_any: bool  # a French word, even if also a name
    typo: bool  # in lower case, one typo away from a French word (and not a listed name)
    domain: bool
    place: bool
    gap: str  # the characters between the previous token and this one


class Tokens:
    """The tokens of one text, with the features the rules read."""

    def __init__(self, text: str, folded: str, lexicon: NameLexicon, places: frozenset[str]):
        self.text = text
        self.lexicon = lexicon
        self.items: list[Token] = []
        previous_end = 0
        # a token's features depend only on its text, its folded text, the lexicon and the
        # places: computed once per word the lexicon has seen (most words were seen before)
        seen = lexicon.tokens_seen if places is lexicon.places else {}
        for match in TOKEN_RE.finditer(text):
            for start, end in _split_elision(text, folded, match.start(), match.end(), lexicon):
                raw = text[start:end]
                features = seen.get((raw, folded[start:end]))
                if features is None:
                    token = _token(text, folded, start, end, lexicon, places, previous_end)
                    if len(seen) >= _TOKEN_CACHE_LIMIT:
                        seen.clear()
                    seen[raw, folded[start:end]] = _features(token)
                else:  # the fields between the text and the gap (``_features``)
                    gap = text[previous_end:start]
                    token = Token(start, end, raw, *features, gap)  # type: ignore[call-arg]
                self.items.append(token)
                previous_end = end
        self.lowercase = self._capitals() <= 2
        self.uppercase_share = sum(t.upper for t in self.items if t.word) / max(
            1, sum(t.word for t in self.items)
        )

    def _capitals(self) -> int:
        """Capital letters, but for an ordinary word opening a sentence, a line or a turn:
        a chat or a transcript whose speakers are labelled (« Usager : Il … ») is still
        written in lower case."""
        count = 0
        for index, token in enumerate(self.items):
            if not token.word or not (token.cap or token.upper):
                continue
            if token.common_any and not token.known and self.sentence_start(index):
                continue
            count += sum(ch.isupper() for ch in token.text)
        return count

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> Token:
        return self.items[index]

    def sentence_start(self, index: int) -> bool:
        if index == 0:
            return True
        previous = self.items[index - 1]
        return (
            previous.text in {".", "!", "?", ":", ">", "-", "–", "«", '"', "(", "…"}
            or "\n" in self.items[index].gap
        )


# What :func:`_token` finds of a word but its position: every field of a token between its
# text and its gap (``Token(start, end, text, *features, gap)`` rebuilds it).
_FIELDS = [f.name for f in fields(Token)]
assert (_FIELDS[:3], _FIELDS[-1]) == (["start", "end", "text"], "gap")
_features = operator.attrgetter(*_FIELDS[3:-1])
_TOKEN_CACHE_LIMIT = 200_000


def _split_elision(
    text: str, folded: str, start: int, end: int, lexicon: NameLexicon
) -> list[tuple[int, int]]:
    match = ELISION_RE.match(folded[start:end])
    if not match:
        return [(start, end)]
    prefix, rest = match.group(1).lower(), match.group(2)
    rest_start = start + len(match.group(1)) + 1
    rest_text = text[rest_start:end]
    if prefix in {"n", "d", "m"} and rest_text[:1].isupper():
        return [(start, end)]  # N'Guessan, D'Harcourt, M'Bala
    if prefix in {"n", "d"} and not lexicon.is_common_word(rest.rstrip(".")):
        return [(start, end)]  # n'guessan written in lower case
    return [(start, rest_start), (rest_start, end)]


def _known(key: str, lexicon: NameLexicon) -> bool:
    return key in lexicon.first_names or key in lexicon.last_names


def _token(
    text: str,
    folded: str,
    start: int,
    end: int,
    lexicon: NameLexicon,
    places: frozenset[str],
    previous_end: int,
) -> Token:
    raw = text[start:end]
    word = raw[0].isalpha()
    key = folded[start:end].lower().rstrip(".").replace("’", "'")
    accented = key in PARTICLES and raw.lower().rstrip(".") != key and raw.lower() not in GLUE
    if not accented and any(ord(c) > 0xFF and c.isalpha() and c not in "œŒŸ" for c in raw):
        # « Sơn », « Aydın »: letters French never writes make no French word (folded,
        # « Sơn » would be the possessive « son »)
        accented = key in GLUE or lexicon.word_like(key, typos=False)
    if accented:
        key = raw.lower().rstrip(".")  # « Lê », « Dô »: a name, not the article « le »
    letters = [c for c in raw if c.isalpha()]
    known = first = common_any = typo = False
    place = key in places
    if word:
        parts = (
            [p for p in re.split(r"[-']", key) if len(p) > 1] if "-" in key or "'" in key else []
        )
        first = key in lexicon.first_names or (
            bool(parts) and parts[0] in lexicon.first_names and "-" in key
        )
        known = _known(key, lexicon) or (len(parts) > 1 and all(_known(p, lexicon) for p in parts))
        if key in PARTICLES:
            known = first = False
        common_any = not accented and (
            key in GLUE
            or lexicon.word_like(key, typos=False)
            or ("-" in key and bool(VERB_PRONOUN_RE.search(key)))  # « pouvez-vous »
        )
        if common_any and "-" in key and any(p in lexicon.first_names for p in parts):
            # « marie-lourdes », « line-rose »: a compound first name, not two words
            common_any = key in GLUE
            first = known = True
        if "-" in key and (key in places or key.endswith("-ville")) and not _known(key, lexicon):
            known = first = False  # « Seine-Saint-Denis », « Saint-Denis »: a place by its parts
            place = True
        # typos only count in lower case (« Santoni » is a name, « drooit » a typo), never
        # for listed names (« julie » is no typo of « jolie »)
        typo = (
            not common_any
            and not known
            and not raw[0].isupper()
            and lexicon.word_like(key, typos=True)
        )
    return Token(
        start=start,
        end=end,
        text=raw,
        key=key,
        cap=word and raw[0].isupper(),
        upper=word and len(letters) >= 2 and all(c.isupper() for c in letters),
        word=word,
        known=known,
        first=first,
        common=common_any and not known,
        common_any=common_any,
        typo=typo,
        domain=key in DOMAIN_WORDS
        or (key in NOT_NAMES and key not in PARTICLES)
        or (word and raw.islower() and not known and lexicon.glued_article(key)),
        place=place,
        gap=text[previous_end:start],
    )


# --- Name runs ----------------------------------------------------------------------------

STRONG, MEDIUM, WEAK = 3, 2, 1


def _is_initial(token: Token) -> bool:
    return bool(re.fullmatch(r"[A-Z]\.", token.text))


def _nameish(token: Token, strength: int, lowercase: bool, position: int) -> bool:
    """Could ``token`` be a word of a person's name, given how sure the context is?
    ``position`` counts the name words already taken."""
    if not token.word or len(token.key) < 2 or token.domain or token.key in GLUE:
        return token.word and position == 0 and _is_initial(token)
    if "-" in token.key and VERB_PRONOUN_RE.search(token.key):
        return False  # « monsieur pouvez-vous … »
    if token.key in PARTICLES:
        return False
    if token.upper and len(token.key) <= 4 and token.common_any and not token.known:
        return False  # RSA, APL, CAF written in capitals
    if token.cap or token.upper:
        if not token.common_any or token.known:
            return not (token.place and strength < STRONG and not token.known)
        # a capitalised French word: a name right after a civility (Mme Rose, M. Petit) or
        # after a first name word (« Abdallah Combo »)
        return (strength >= STRONG and position == 0) or (position > 0 and not token.place)
    # lower case
    if token.known and not token.common_any:
        return strength >= WEAK
    if token.known:
        # « émile mathieu »: a listed name that is also a word, after a first name word
        return strength >= MEDIUM or position > 0
    if not token.common_any:
        # a word one typo away from a French word may still be a name (« bintou »): the
        # confirmation of weak contexts decides
        return not token.place and token.key not in SMS_WORDS
    return (
        strength >= STRONG
        and position == 0
        and lowercase
        and token.key not in SMS_WORDS
        and not PARTICIPLE_RE.search(token.text.lower().rstrip("."))
    )


# « madame monsieur trouvé l'accueil fermé », « … déçue de l'accueil »: a participle or a
# conjugated verb in lower case after a civility is what the writer says, not a name.
PARTICIPLE_RE = re.compile(r"(?:é|ée|és|ées|ue|ues|ait|ais|aient|ez|ons)$")


def _first_of_a_pair(tokens: Tokens, i: int) -> bool:
    """« c eulalie sanchez »: a lower-case word that is also a French word, right before a
    listed last name that is none, is the first name."""
    token = tokens[i]
    if token.cap or token.upper or not token.word or token.domain or token.key in GLUE:
        return False
    if token.key in SMS_WORDS or len(token.key) < 3 or i + 1 >= len(tokens):
        return False
    following = tokens[i + 1]
    if following.gap != " " or following.cap:
        return False
    if following.known and not following.common_any:
        return True
    # « avec louise goyhenetche demain »: a listed first name, then a word that is no
    # French word, not even with a typo
    return token.first and _clean_unknown(tokens, following)


def _clean_unknown(tokens: Tokens, token: Token) -> bool:
    """A word of four letters or more that is no French word, not even with a typo (in
    any case), no place, administration or SMS abbreviation."""
    return (
        token.word
        and len(token.key) > 3
        and not token.common_any
        and not token.typo
        and not token.place
        and not token.domain
        and token.key not in SMS_WORDS
        and not tokens.lexicon.word_like(token.key, typos=True)
    )


def name_run(
    tokens: Tokens, index: int, strength: int, *, max_words: int = 4, same_line: bool = True
) -> int:
    """Index after the name that starts at ``index`` (``index`` when there is none)."""
    lowercase = tokens.lowercase
    words = 0
    end = index
    i = index
    while i < len(tokens) and words < max_words:
        token = tokens[i]
        if i > index and ((same_line and "\n" in token.gap) or token.gap.strip()):
            break
        if i > index and not token.gap and not tokens[i - 1].text.endswith("."):
            break
        if token.key in PARTICLES or token.key in {"d'", "l'"}:
            # particles (« Van der », « de La », « dos ») belong to the name only before
            # another name word
            j = i
            while j < len(tokens) and j - i < 3 and tokens[j].key in PARTICLES | {"d'", "l'"}:
                j += 1
            if j < len(tokens) and (words > 0 or token.cap or strength >= STRONG or lowercase):
                following = tokens[j]
                if _nameish(following, max(strength, MEDIUM), lowercase, 1) and (
                    following.cap or following.upper or lowercase or not following.common_any
                ):
                    i = j
                    continue
            if words > 0 and _particle_surname(tokens, i, j):
                end = j  # « Riwal Le Du. »: the last particle is the name
            break
        if not _nameish(token, strength, lowercase, words) and not (
            words == 0 and _first_of_a_pair(tokens, i)
        ):
            break
        words += 1
        i += 1
        end = i
        if _is_initial(token) and words == 1:
            continue
    # an initial alone is not a name
    if end == index + 1 and _is_initial(tokens[index]):
        return index
    return end


def _particle_surname(tokens: Tokens, i: int, j: int) -> bool:
    """« Le Du », « Le Ny » closing a name: two capitalised particles, then nothing more on
    the line; the last one is the surname."""
    return (
        j - i == 2
        and j <= len(tokens)
        and all(tokens[k].cap and tokens[k].gap == " " for k in range(i, j))
        and (
            j >= len(tokens)
            or not tokens[j].word
            or "\n" in tokens[j].gap
            or tokens[j - 1].text.endswith(".")
        )
    )


def _entity(tokens: Tokens, start: int, end: int) -> Entity:
    return Entity(tokens[start].start, tokens[end - 1].end, "PERSON")


# --- Finders ------------------------------------------------------------------------------

INTRO_SEQUENCES = (
    ("je", "m'", "appelle"),
    ("je", "m'", "appele"),
    ("je", "m'", "apelle"),
    ("j'", "m'", "appelle"),
    ("jm'", "appelle"),
    ("je", "me", "nomme"),
    ("je", "m'", "appel"),
    ("mon", "nom", "est"),
    ("nom", "de", "famille"),
    ("mon", "nom", "c'", "est"),
    ("mon", "nom", "c", "est"),
    ("mon", "nom", "c"),
    ("mon", "nom", ":"),
    ("mon", "prenom", "est"),
    ("mon", "prenom", "c'", "est"),
    ("mon", "prenom", ":"),
    ("moi", "c'", "est"),
    ("c'", "est", "moi"),
    ("c", "est", "moi"),
    ("ce", "moi"),
    ("c", "moi"),
    ("cest", "moi"),
    ("moi", "c"),
    ("moi", "cest"),
    ("de", "la", "part", "de"),
    ("pour", "le", "compte", "de"),
    ("au", "nom", "de"),
    ("je", "soussigne"),
    ("je", "soussignee"),
    ("soussigne",),
    ("soussignee",),
    ("nom", ":"),
    ("prenom", ":"),
    ("prenoms", ":"),
    ("nom", "et", "prenom", ":"),
    ("nom", "prenom", ":"),
    ("prenom", "et", "nom", ":"),
    ("nom", "de", "naissance", ":"),
    ("nom", "d'", "usage", ":"),
    ("nom", "de", "famille", ":"),
    ("nom", "d'", "epouse", ":"),
    ("signe", ":"),
    ("signature", ":"),
    ("qui", "s'", "appelle"),
    ("s'", "appelle"),
    ("qui", "s'", "appelait"),
    ("s'", "appelait"),  # « la dame s'appelait rose je crois »
    ("s'", "appele"),
    # an SMS without its apostrophe (« ma fille s appelle grâce »)
    ("s", "appelle"),
    ("s", "appelait"),
    ("sappelle",),
    ("je", "m", "appelle"),
    ("nomme",),
    ("nommee",),
    ("prenomme",),
    ("prenommee",),
    ("veuve",),
    ("nee",),
)
TALK_SEQUENCES = (
    ("nom",),
    ("prenom",),
    # « mon nom dupuis », « et le prénom apolline »: as sure as talk, not as a form
    ("mon", "nom"),
    ("mon", "prenom"),
    ("le", "prenom"),
    ("le", "nom"),
    ("parle", "a"),
    ("parle", "avec"),
    ("heberge", "chez"),
    ("hebergee", "chez"),
    ("heberges", "chez"),
    ("recu", "par"),
    ("recue", "par"),
    ("recus", "par"),
    ("suivi", "par"),
    ("suivie", "par"),
    ("vu", "avec"),
    ("passe", "voir"),
    ("passee", "voir"),
    # « déclarer la naissance de Wiktoria »: the child born
    ("naissance", "de"),
    # « je vis avec laura depuis 2019 »: who one lives with
    ("vis", "avec"),
    ("vit", "avec"),
    ("vivons", "avec"),
    ("habite", "avec"),
    # « on m'a passé régis puis plus rien »: the call put through to someone
    ("m'", "a", "passe"),
    ("m", "a", "passe"),
    ("ma", "passe"),
    ("parler", "a"),
    ("parler", "avec"),
    ("j'", "ai", "eu"),
    ("j", "ai", "eu"),
    ("j", "ai", "vu"),
    ("j", "ai", "parle", "a"),
    ("jai", "parle", "a"),
    ("jai", "eu"),
    ("j'", "ai", "vu"),
    ("jai", "vu"),
    ("g", "eu"),
    ("eu", "au", "tel"),
    ("dites", "a"),
    ("dire", "a"),
    ("demandez", "a"),
    ("demander",),
    ("avec",),
    ("transmettre", "a"),
    ("de", "la", "part"),
    ("ici",),
    ("bonjour",),
    ("bonsoir",),
    ("coucou",),
    ("hello",),
    ("cher",),
    ("chere",),
    ("merci", "beaucoup"),
    ("merci", "infiniment"),
    ("merci", "enormement"),
    ("merci", "bien"),
    ("bravo", "a"),
    ("grace", "a"),
    ("merci", "a"),
    ("remercie",),
    ("remercier",),
    ("felicitations", "a"),
    ("concernant",),
    ("attention", "de"),
    ("beneficiaire", ":"),
    ("titulaire", ":"),
    ("titulaire", "du", "compte", ":"),
    ("demandeur", ":"),
    ("demandeuse", ":"),
    ("declarant", ":"),
    ("representant", "legal", ":"),
    ("representante", "legale", ":"),
    ("assure", ":"),
    ("assuree", ":"),
    ("allocataire", ":"),
    ("identite", ":"),
    ("bjr",),
    ("slt",),
    ("salut",),
    ("merci",),
    ("c'", "est"),
    ("c", "est"),
    ("cest",),
    ("c",),
    ("je", "suis"),
    ("jsuis",),
    ("chui",),
    ("fille", "de"),
    ("fils", "de"),
    ("femme", "de"),
    ("mari", "de"),
    ("mere", "de"),
    ("pere", "de"),
    ("voisine", "de"),
    ("voisin", "de"),
    ("epouse", "de"),
    ("chez", "mme"),
)
WEAK_TALK = frozenset(
    {
        ("c'", "est"),
        ("c", "est"),
        ("cest",),
        ("c",),
        ("je", "suis"),
        ("jsuis",),
        ("chui",),
        ("avec",),
        ("bonjour",),
        ("bonsoir",),
        ("coucou",),
        ("hello",),
        ("concernant",),
        ("bjr",),
        ("slt",),
        ("salut",),
        ("merci",),
        ("demander",),
        ("ici",),
    }
)


SEQUENCES_BY_FIRST: dict[str, list[tuple[tuple[str, ...], int]]] = {}
for _sequences, _base in ((INTRO_SEQUENCES, STRONG), (TALK_SEQUENCES, MEDIUM)):
    for _sequence in _sequences:
        SEQUENCES_BY_FIRST.setdefault(_sequence[0], []).append((_sequence, _base))


def _keys(tokens: Tokens) -> list[str]:
    return [t.key for t in tokens.items]


def _match_sequence(keys: list[str], index: int, sequence: tuple[str, ...]) -> bool:
    return tuple(keys[index : index + len(sequence)]) == sequence


def find_people(
    text: str,
    folded: str,
    lexicon: NameLexicon,
    places: frozenset[str],
    tokens: Tokens | None = None,
) -> Iterable[Entity]:
    tokens = tokens or Tokens(text, folded, lexicon, places)
    if not len(tokens):
        return []
    keys = _keys(tokens)
    found: list[Entity] = []
    found.extend(_after_civilities(tokens, keys))
    found.extend(_after_roles(tokens, keys))
    found.extend(_after_sequences(tokens, keys))
    found.extend(_before_verbs(tokens))
    found.extend(_clause_subjects(tokens))
    found.extend(_by_shape(tokens))
    found.extend(_spelled(text, folded, tokens))
    found.extend(_header_lines(text, tokens))
    found.extend(_before_spelling(tokens, folded))
    found.extend(_name_lines(text, folded, tokens))
    found.extend(_spelling_alphabet(folded))
    found.extend(_form_lines(folded, tokens))
    found.extend(_speaker_labels(text, tokens))
    found.extend(_final_signature(tokens))
    found.extend(_made_at(tokens))
    found.extend(_signed_sentences(tokens))
    found.extend(_before_roles(tokens, keys))
    found.extend(_aged(tokens))
    found.extend(_role_speakers(text, places))
    found.extend(_role_named_speakers(text, tokens))
    found.extend(_word_names(tokens))
    found.extend(_introduced_word_names(tokens, keys))
    found.extend(_capitalised_word_names(tokens))
    found.extend(_title_pairs(tokens))
    found.extend(_agents_own_names(tokens))
    found.extend(_explained_word_names(tokens))
    found.extend(_introduced_pairs(tokens, keys))
    found.extend(_opening_capitalised_intro(tokens, keys))
    found.extend(_relative_pairs(tokens, keys))
    found.extend(_name_only_turns(tokens))
    found.extend(_given_names_by_kind(tokens, keys))
    found.extend(_spelled_on_the_next_line(tokens))
    found.extend(_surnames_in_apposition(tokens, keys))
    found.extend(_newborns_and_twins(tokens, keys))
    found.extend(_role_lines(tokens))
    found.extend(_after_prepositions(tokens, keys))
    found.extend(_before_identifiers(tokens, keys))
    found.extend(_introduced_with_a_relative(tokens, keys))
    found.extend(_word_names_by_cue(tokens, keys))
    found.extend(_relative_word_names(tokens, keys))
    found.extend(_word_names_by_more_cues(tokens, keys))
    found.extend(_greeted_or_topic_word_names(tokens, keys))
    found.extend(_closing_lowercase_name(tokens))
    found.extend(_signed_after_sign_off(tokens))
    found.extend(_met_with_closing(tokens))
    found.extend(_agent_self_introductions(tokens, keys))
    found.extend(_lower_case_agent_introductions(tokens, keys))
    found.extend(_given_name_answers(tokens))
    found.extend(_names_said_in_parallel(tokens, keys))
    found.extend(_relatives_in_apposition(tokens, keys))
    found.extend(_given_name_after_spelling(tokens))
    found.extend(_relative_unknown_words(tokens, keys))
    found.extend(_given_names_opening_a_clause(tokens))
    found.extend(_unknown_words_joined(tokens))
    found.extend(_hosts_in_apposition(tokens))
    found.extend(_answering_agents(tokens))
    found.extend(_greeting_agents(tokens))
    found.extend(_lower_case_self_introductions(tokens, keys))
    found.extend(_signed_before_identifier(tokens))
    found.extend(_closing_given_name_word(tokens))
    found.extend(_given_name_after_spelled_name(tokens))
    found.extend(_listed_with_the_writer(tokens))
    found.extend(_lower_case_surname_hosts(tokens))
    found.extend(_names_in_frames(tokens))
    found.extend(_self_introduced_given_names(tokens, keys))
    found.extend(_surname_answers(tokens))
    found.extend(_relatives_in_brackets(tokens))
    found.extend(coordinated(tokens, found))
    found.extend(_names_completed(tokens, found))
    found.extend(_weekday_surnames(tokens, keys, found))
    found.extend(_surname_said_around_given_name(tokens))
    return found


def _surname_said_around_given_name(tokens: Tokens) -> Iterable[Entity]:
    """« usager kamara mariam kamara », « paoli marie-dominique paoli », « el amri yasmina el
    amri »: a caller says the surname, then the given name and the surname again; a word no
    French vocabulary knows, then one or two words that are a listed given name or no
    French word, then the same word (its particle said again before it)."""
    items = tokens.items
    for index, token in enumerate(items):
        if not token.word or len(token.key) < 3 or token.common_any:
            continue
        if token.domain or token.place or token.key in PARTICLES:
            continue
        for width in (1, 2):
            given = items[index + 1 : index + 1 + width]
            if len(given) < width or not all(
                t.word and (t.first or not t.common_any) and t.key != token.key for t in given
            ):
                continue
            later = index + 1 + width
            if later < len(items) and items[later].key in PARTICLES:
                later += 1  # « el amri yasmina el amri »
            if later >= len(items) or items[later].key != token.key:
                continue
            if any("\n" in t.gap for t in items[index + 1 : later + 1]):
                continue
            start = index
            if index and items[index - 1].key in PARTICLES and items[index - 1].gap == " ":
                start = index - 1
            # each word its own mask, as the names found around it
            yield Entity(items[start].start, token.end, "PERSON")
            for word in items[index + 1 : later + 1]:
                if word.key not in PARTICLES:
                    yield Entity(word.start, word.end, "PERSON")
            break


WEEKDAYS = _words("lundi mardi mercredi jeudi vendredi samedi dimanche")
NAME_SAYING_CUES = _words("cest c'est appelle nom suis moi")
WEEKDAY_TIME_WORDS = _words(
    "dernier prochain matin soir midi apres-midi aprem apres avant prochainement soir-la"
)
NAME_LABEL_LINE_RE = re.compile(r"[ \t>]*[^\n:]{0,25}\bnom\b[^\n:]{0,20}:[ \t]*$", re.IGNORECASE)


def _weekday_surnames(tokens: Tokens, keys: list[str], found: list[Entity]) -> Iterable[Entity]:
    """« Gérard Mercredi est décédé », « Nom Prénom : Mercredi Clarisse », « mon nom c'est
    ghislaine mercredi », « lucas dimanche 06 … »: a weekday as a surname, beside a given
    name; capitalised inside a sentence (French writes a weekday in lower case), on a name's
    form line, or in lower case after what says a name or before a phone number."""
    items = tokens.items
    people = [e for e in found if e.label == "PERSON"]
    for index, token in enumerate(items[:-1]):
        following = items[index + 1]
        if following.gap != " " or not following.word:
            continue
        named = token.first or any(e.start <= token.start and token.end <= e.end for e in people)
        if following.key in WEEKDAYS and token.word and named:
            after = items[index + 2] if index + 2 < len(items) else None
            if token.text.endswith(".") or (
                after is not None
                and (after.key in WEEKDAY_TIME_WORDS or re.fullmatch(r"\d{1,2}(?:er)?", after.text))
                and after.gap == " "
            ):
                continue  # « Merci Paul. Lundi … », « appelé Marie Lundi dernier »: a day
            if token.cap and following.cap and not following.upper and not token.upper:
                yield Entity(following.start, following.end, "PERSON")
                continue
            if token.cap or following.cap:
                continue
            said = any(k in NAME_SAYING_CUES for k in keys[max(0, index - 3) : index])
            closing = after is None or "\n" in after.gap or after.key in {".", "!"}
            phone = after is not None and re.match(r"(?:\+|0)\d", after.text) is not None
            if (said and closing) or phone:
                yield Entity(token.start, following.end, "PERSON")
        elif token.key in WEEKDAYS and token.cap and following.cap and following.first:
            line_start = tokens.text.rfind("\n", 0, token.start) + 1
            if NAME_LABEL_LINE_RE.fullmatch(tokens.text, line_start, token.start):
                yield Entity(token.start, following.end, "PERSON")
        elif (
            following.key in WEEKDAYS
            and following.cap
            and not following.upper
            and token.key in CIVILITIES
            and token.key != "me"
        ):
            # « Bonsoir M. Dimanche, que puis-je … », « Madame Samedi a appelé »: a
            # weekday after a civility is its surname (never « M. Dupont Lundi »)
            after = items[index + 2] if index + 2 < len(items) else None
            if not (
                after is not None
                and after.gap == " "
                and (after.key in WEEKDAY_TIME_WORDS or re.fullmatch(r"\d{1,2}(?:er)?", after.text))
            ):
                yield Entity(following.start, following.end, "PERSON")


# Prepositions and thanks a person's first name follows in lower case (« pour gaspard hier »,
# « le dossier de lilou », « merci bcp ghislaine »).
NAME_PREPOSITIONS = _words("pour de d' d a à avec chez par bcp beaucoup c cest")
# Words after « de » that are no one's name even before « mon fils » (« de nouveau »).
NOT_APPOSED = _words(
    """nouveau suite plus meme toute tout fois retour temps part loin pres cote coup
    rien encore moins peur besoin chance honte envie droit quoi"""
)
POSSESSIVES = _words("mon ma")


def _apposed_relative(tokens: Tokens, index: int) -> bool:
    """« la carte de modeste mon fils »: a word, then « mon fils » / « ma fille » and the end
    of the clause."""
    if index + 2 >= len(tokens):
        return False
    owner, relative = tokens[index + 1], tokens[index + 2]
    if owner.key not in POSSESSIVES or relative.key not in RELATIVES or owner.gap != " ":
        return False
    after = tokens[index + 3] if index + 3 < len(tokens) else None
    return after is None or "\n" in after.gap or after.key in {",", ".", "!", "?", "qui"}


PERSON_FOLLOWERS = _words("qui est etait a avait va doit ne n' il elle")
PERSON_FOLLOWERS_WITH = _words("son sa ses")


def _person_follows(tokens: Tokens, index: int, *, typo: bool) -> bool:
    """What follows a word says it is someone: « qui », a verb said of a person, « avec son
    père », a relative in apposition; for a word one typo away from a French word, only
    « qui » or the apposition."""
    if _apposed_relative(tokens, index):
        return True
    previous = tokens[index - 1].key
    thanked = previous in {"bcp", "beaucoup", "infiniment", "enormement", "merci"}
    # « vous pouvez demander à fatou\n », « en couple avec djibril »: the last word of the
    # line after someone is talked with or to
    closing = previous in {"avec", "a", "à", "par", "chez"} or (
        not typo and previous in {"de", "d'", "d", "pour"}
    )
    if index + 1 >= len(tokens):
        return (thanked and not typo) or closing
    after = tokens[index + 1]
    if "\n" in after.gap and closing:
        return True
    if thanked and not typo and ("\n" in after.gap or after.key in {",", ".", "!"}):
        return True
    if "\n" in after.gap or after.gap != " ":
        return False
    if (
        after.key in {"du", "de"}
        and previous in {"avec", "a", "à", "par"}
        and _organisation_after(tokens, index + 1)
    ):
        return True  # « voir avec solène du ccas »
    if typo:
        return after.key == "qui"
    if after.key == "et" and index + 2 < len(tokens) and tokens[index + 2].key == "moi":
        return True  # « refusée pour kalinda et moi »
    if after.key in PERSON_FOLLOWERS or (previous in {"chez", "est"} and after.key == "et"):
        return True  # « chez schmit et … », « maintenant c'est kervella et … »
    if after.key in {"de", "d'"} and index + 2 < len(tokens):
        # « la conseillère a dit a yanis de rappeler »: told to do something
        verb = tokens[index + 2]
        return verb.common_any and bool(re.search(r"(?:er|ir|re)$", verb.key))
    return (
        after.key == "avec"
        and index + 2 < len(tokens)
        and tokens[index + 2].key in PERSON_FOLLOWERS_WITH
    )


def _organisation_after(tokens: Tokens, index: int) -> bool:
    """« du ccas », « de la caf », « de l'association »: an organisation after ``index``."""
    following = tokens.items[index + 1 : index + 3]
    return any(t.domain or t.key in ORGANISATION_WORDS for t in following[:2]) and not (
        following
        and following[0].key not in {"la", "l'", "l"}
        and not following[0].domain
        and following[0].key not in ORGANISATION_WORDS
    )


ORGANISATION_WORDS = _words("association mairie ccas caf cpam msa accueil agence")


TRADES = _words(
    """boulanger boulangere boucher bouchere coiffeur coiffeuse plombier garagiste epicier
    epiciere menuisier macon pharmacien fleuriste patron patronne"""
)


def _introduced_with_a_relative(tokens: Tokens, keys: list[str]) -> Iterable[Entity]:
    """« moi je suis pascale bernardini sa sœur »: one or two words after « je suis », then
    the relative the speaker is, are the speaker's name."""
    for index in range(1, len(tokens) - 3):
        if keys[index] != "suis" or keys[index - 1] not in {"je", "j'", "moi"}:
            continue
        for size in (2, 1):
            end = index + 1 + size
            if end + 1 >= len(tokens):
                continue
            words = tokens.items[index + 1 : end]
            if keys[end] not in {"sa", "son", "mon", "ma"} or keys[end + 1] not in RELATIVES:
                continue
            if all(
                t.word and t.gap == " " and not t.domain and t.key not in GLUE and len(t.key) > 2
                for t in words
            ) and any(not t.common_any or t.first for t in words):
                yield _entity(tokens, index + 1, end)
                break


IDENTIFIER_CUES = _words("id identifiant n° no num numero alloc allocataire matricule dossier")


def _before_identifiers(tokens: Tokens, keys: list[str]) -> Iterable[Entity]:
    """« … bug. Loup Estève id 4471203Z »: two capitalised words, the second no French
    word, right before an identifier or its name: the writer signing."""
    for index in range(len(tokens) - 2):
        first, second, cue = tokens[index], tokens[index + 1], tokens[index + 2]
        if not (first.word and second.word and first.cap and second.cap) or first.upper:
            continue
        if second.gap != " " or cue.gap != " " or second.common_any or len(second.key) < 3:
            continue
        if any(t.domain or t.place or t.key in GLUE for t in (first, second)):
            continue
        if keys[index + 2] in IDENTIFIER_CUES or (cue.text.isdigit() and len(cue.text) >= 5):
            yield _entity(tokens, index, index + 2)


VERB_A_SUBJECTS = _words("m' t' l' m t l j n il elle on qui y j' n' ca ça ce cela lui")


def _after_prepositions(tokens: Tokens, keys: list[str]) -> Iterable[Entity]:
    for index in range(1, len(tokens)):
        token = tokens[index]
        if not token.word or token.cap or token.upper or token.gap != " ":
            continue
        if _word_named_by_context(tokens, keys, index):
            yield _entity(tokens, index, index + 1)
            continue
        introduced = keys[index - 1] == "est" and index >= 2 and keys[index - 2] in {"c'", "c"}
        if (keys[index - 1] not in NAME_PREPOSITIONS and not introduced) or len(token.key) < 3:
            continue
        if keys[index - 1] == "a" and index >= 2 and keys[index - 2] in VERB_A_SUBJECTS:
            continue  # « on m'a désinscrit »: the verb, not the preposition
        if keys[index - 1] == "chez" and (token.first or not token.common_any) and not token.domain:
            # « chez albert fourcade dans les vignes », « chez pierre le boulanger »: a first
            # name after « chez », with its surname or its trade
            nxt = tokens[index + 1] if index + 1 < len(tokens) else None
            if (
                nxt is not None
                and nxt.gap == " "
                and nxt.word
                and not nxt.cap
                and (not nxt.common_any or (token.first and nxt.known and not nxt.first))
                and not nxt.domain
                and len(nxt.key) > 3
            ):
                yield _entity(tokens, index, index + 2)
                continue
            if (
                nxt is not None
                and nxt.key in {"le", "la"}
                and index + 2 < len(tokens)
                and (_trade_like(tokens[index + 2]) or tokens[index + 2].key in TRADES)
            ):
                yield _entity(tokens, index, index + 1)
                continue
        if token.domain or token.place or token.key in GLUE or token.key in SMS_WORDS:
            continue
        if token.known and token.first and not token.common_any:
            # a listed first name that is no French word
            yield _entity(tokens, index, index + 1)
        elif (
            token.known
            and token.first
            and token.key not in FEAST_DAYS
            and keys[index - 1] in {"par", "avec", "chez"}
            and (index + 1 >= len(tokens) or "\n" in tokens[index + 1].gap)
        ):
            # « envoyé hier par aurore\n »: a listed first name that is also a word, ending
            # the line after whom something was done with or by
            yield _entity(tokens, index, index + 1)
        elif (
            not token.known
            and not token.common_any
            and len(token.key) >= 4
            and re.fullmatch(r"[a-zà-ÿ\-]+", token.text)
            and _person_follows(tokens, index, typo=token.typo)
        ):
            # « pour yanis qui … », « le dossier de lilou est incomplet »: a word that is no
            # French word, then what is said of a person
            yield _entity(tokens, index, index + 1)
        elif (
            token.common
            and len(token.key) >= 4
            and token.key not in NOT_APPOSED
            and not re.search(r"(?:er|ir|re|oir|ment)$", token.key)
            and _apposed_relative(tokens, index)
        ):
            yield _entity(tokens, index, index + 1)


# Feasts that are also first names: « même avec noël », « payé avant pâques » name a time.
FEAST_DAYS = _words("noel paques toussaint pentecote ascension")


# « à cause du ccas », « à côté de la mairie »: the noun of a locution, not a person.
LOCUTIONS = _words("cause cote propos partir travers force raison lieu part titre nom aide")


def _organisation_named(tokens: Tokens, index: int) -> bool:
    """« du ccas », « de la caf », « de l'accueil »: an organisation named from ``index``."""
    keys = [t.key for t in tokens.items[index : index + 3]]
    if keys[:1] == ["du"] and len(keys) > 1:
        organisation = tokens[index + 1]
    elif keys[:2] in (["de", "la"], ["de", "l'"]) and len(keys) > 2:
        organisation = tokens[index + 2]
    else:
        return False
    return tokens[index].gap == " " and (
        organisation.key in ORGANISATION_WORDS or (organisation.domain and organisation.upper)
    )


NAME_CHANGE_RE = re.compile(
    r"mari[ée]|divorc|jeune fille|changement de nom|nom d'usage|[ée]pous|nom de naissance"
)
NEXT_LINE_PERSON = _words("elle il")


def _word_named_by_context(tokens: Tokens, keys: list[str], index: int) -> bool:
    """A word in lower case that is a name by what stands around it, even a French word:
    someone to see at an organisation (« voir avec solène du ccas »), a listed first name
    ending the line whose next line speaks of a person (« le dossier de victoire\nelle a 3
    ans »), a listed surname given as a boss's or a maiden name at the end of the clause
    (« le patron c'était marchand », « avant j'étais fontaine et maintenant … »)."""
    token, previous = tokens[index], keys[index - 1]
    if len(token.key) < 4 or not _plain_word(token) or (token.place and not token.known):
        return False
    after = tokens[index + 1] if index + 1 < len(tokens) else None
    line_end = after is None or "\n" in after.gap
    # a town's name (« fontaine ») only as a surname, below
    if (
        not token.place
        and previous in {"avec", "a", "à", "par"}
        and not (previous == "a" and keys[index - 2] in VERB_A_SUBJECTS)
        and not token.known
        and _organisation_named(tokens, index + 1)
        and not re.search(r"(?:er|ir|re|oir|ment|tion|é|ée|i|u|is|it|us)$", token.text.lower())
        and token.key not in NOT_APPOSED
        and token.key not in LOCUTIONS
    ):
        return True
    if (
        not token.place
        and token.first
        and previous in {"de", "pour", "avec", "a", "à"}
        and after is not None
        and "\n" in after.gap
        and after.key in NEXT_LINE_PERSON
        and index + 2 < len(tokens)
        and tokens[index + 2].key in VERB_FOLLOWERS | {"est", "a", "va", "doit"}
    ):
        return True
    clause_end = line_end or (after is not None and after.key in {",", ".", "et", "mais"})
    if not (token.known and clause_end and index >= 3):
        return False
    boss = (
        previous in {"est", "etait"}
        and keys[index - 2] in {"c'", "c"}
        and keys[index - 3] in {"patron", "patronne", "employeur", "chef", "proprietaire"}
    )
    maiden = (
        previous == "etais"
        and keys[index - 2] in {"j'", "j"}
        and bool(NAME_CHANGE_RE.search(fold(tokens.text).lower()))
    )
    return boss or maiden


NER_CANDIDATE_BEFORE = _words("par pour avec de chez a à")
NER_CANDIDATE_AFTER = _words(". , ! ? est a m' m qui ne n' et")
# How one pays or writes, capitalised after « par »: never someone (« par Chèque »).
NOT_NER_CANDIDATES = _words(
    """cheque virement prelevement carte especes courrier mail email telephone internet
    poste recommande fax sms appli application site"""
)


def ner_candidates(tokens: Tokens, found: Iterable[Entity]) -> list[tuple[int, int]]:
    """Capitalised French words where a form puts a name, after « par », « pour », « de »…
    inside a sentence and ending it or before a verb (« Demande faite par Solène », « le
    dossier de Mélusine est bloqué »): a name when spaCy reads a person there, though the
    vocabulary knows the word."""
    spans = [(e.start, e.end) for e in found]
    out = []
    items = tokens.items
    for index in range(1, len(items)):
        token = items[index]
        if not (token.cap and not token.upper and token.common_any and not token.known):
            continue
        after = items[index + 1] if index + 1 < len(items) else None
        # alone on the text's last line, or closing it after its last sentence
        # (« … rien reçu\nSolène », « … rien reçu. Solène »)
        signing = after is None and tokens.sentence_start(index) and index > 2
        if not signing and (
            items[index - 1].key not in NER_CANDIDATE_BEFORE or tokens.sentence_start(index)
        ):
            continue
        if (
            len(token.key) < 3
            or not _plain_word(token)
            or token.place
            or token.key in SERVICE_NOUNS | NOT_NER_CANDIDATES | MONTH_AND_DAY_WORDS
            or token.key in CLOSING_WORDS | TRADES | FORM_ROLES
            or _trade_like(token)
            or re.search(r"(?:ante|ant|iste|ienne|ien)$", token.key.split("-")[-1])
        ):
            continue
        if after is not None and "\n" not in after.gap and after.key not in NER_CANDIDATE_AFTER:
            continue
        if not any(s < token.end and token.start < e for s, e in spans):
            out.append((token.start, token.end))
    return out


def needs_ner(tokens: Tokens, found: Iterable[Entity]) -> bool:
    """Whether a word could still be a name the rules did not mask: a capitalised word that
    is no French word, place or administration, or a listed name, outside every span."""
    spans = sorted((e.start, e.end) for e in found)
    for token in tokens.items:
        if not token.word or token.domain or len(token.key) < 2 or token.key in GLUE:
            continue
        if token.cap or token.upper:
            if token.common_any and not token.known:
                continue
            if token.place and not token.known:
                continue
        elif not (token.known and not token.common_any):
            continue
        if not any(start <= token.start and token.end <= end for start, end in spans):
            return True
    return False


def _after_civilities(tokens: Tokens, keys: list[str]) -> Iterable[Entity]:
    for index, key in enumerate(keys):
        token = tokens[index]
        if key not in CIVILITIES or index + 1 >= len(tokens):
            continue
        if key in {"m", "me"} and not (key == "me" and token.cap):
            # « m » in lower case or « Me » (maître): only before an unknown word or a name
            following = tokens[index + 1]
            if following.key in PARTICLES and index + 2 < len(tokens):
                following = tokens[index + 2]  # « m dos santos », « m le goff »
            if key == "m" and ((following.common_any or following.typo) and not following.known):
                continue
            if key == "me":
                continue
        if key == "m" and token.text == "M" and tokens[index + 1].gap == "":
            continue
        following = tokens[index + 1]
        if following.text in {",", ";"} or "\n" in following.gap:
            continue
        if following.key in WISHES and index + 2 < len(tokens):
            continue  # « merci madame bonne journée »
        start = index + 1
        if keys[start] in {"et", "&"}:
            continue
        if _office_after_civility(tokens, start):
            continue  # « Monsieur le Conciliateur », « Madame la Médiatrice »
        before = keys[index - 2] if index >= 2 and keys[index - 1] == "," else keys[index - 1]
        if index and before in {"madame", "monsieur", "mesdames", "messieurs"}:
            following = tokens[start]
            if not following.cap and following.common_any and not following.known:
                continue  # « Madame, Monsieur, trouvé l'accueil … »: the greeting, then words
        following = tokens[start]
        if (
            not following.cap
            and following.common_any
            and not following.known
            and len(following.key) > 6
            and following.key.endswith("ment")
        ):
            continue  # « non madame uniquement pour l'énergie »: an adverb, the sentence goes on
        end = name_run(tokens, start, STRONG)
        if end == start and key in SHORT_CIVILITIES and _civility_name(tokens, start):
            # « c'est mr chabrol qui me livre »: after an abbreviated civility, a word in
            # lower case is the name even when it is also a French word
            end = max(start + 1, name_run(tokens, start + 1, WEAK))
        if end > start:
            yield _entity(tokens, start, end)


def _office_after_civility(tokens: Tokens, start: int) -> bool:
    """« Monsieur le Conciliateur », « Madame la Médiatrice »: a civility, an article in lower
    case and a French word no list gives as a name address an office (« M. Le Goff »,
    « madame Le Bras », « Mme le roux » stay names)."""
    if tokens[start].text not in {"le", "la"} or start + 1 >= len(tokens):
        return False  # « madame Le Bras »: the article of a name takes its capital
    office = tokens[start + 1]
    return office.word and office.common_any and not office.known and not office.upper


# « bonne journée », « bon week-end », « belle soirée » said after « madame »
WISHES = _words("bonne bon belle excellente excellent")
# Civilities written short: what follows them is a name, in any case.
SHORT_CIVILITIES = _words("m. mr mr. mme mme. mlle mlle. melle dr dr.")


def _civility_name(tokens: Tokens, index: int) -> bool:
    token = tokens[index]
    return (
        _plain_word(token)
        and not token.place
        and token.gap == " "
        and "\n" not in token.gap
        and token.key not in AFTER_A_NAME
    )


# « c'est », as SMS writers spell it (« cest », « c »), between a role and its name.
COPULA_KEYS = (("c'", "est"), ("cest",), ("c",))


def _named_after_copula(tokens: Tokens, keys: list[str], start: int) -> Entity | None:
    """« ma conseillère cest clemence », « mon référent c'est yannick le goff »: the word
    after « role c'est », in lower case, a listed first name or no French word, is the
    role's name (never a pronoun, a determiner, a civility or a place: « c'est elle », « c'est
    la même », « c'est qui »)."""
    for copula in COPULA_KEYS:
        if tuple(keys[start : start + len(copula)]) == copula:
            break
    else:
        return None
    first = start + len(copula)
    if first >= len(tokens) or any("\n" in t.gap for t in tokens.items[start : first + 1]):
        return None
    token = tokens[first]
    if (
        token.cap
        or token.upper
        or keys[first] in ROLE_FOLLOWERS_NOT_NAMES
        or keys[first] in CIVILITIES
        or keys[first] in ROLE_SKIPPED
        or token.place
        or not (token.known or not token.common_any)
    ):
        return None
    return _entity(tokens, first, max(first + 1, name_run(tokens, first, MEDIUM)))


def _after_roles(tokens: Tokens, keys: list[str]) -> Iterable[Entity]:
    for index, key in enumerate(keys):
        if key not in ROLES or index + 1 >= len(tokens) or tokens[index].text.endswith("."):
            continue
        # a role needs a determiner before it, or « l'agent »; « mon grand père » too
        if index == 0 or (
            keys[index - 1] not in ROLE_DETERMINERS
            and not (
                keys[index - 1] in ROLE_PREFIXES
                and index >= 2
                and keys[index - 2] in ROLE_DETERMINERS
                and key in RELATIVES
            )
        ):
            continue
        named = _named_after_copula(tokens, keys, index + 1)
        if named is not None:
            yield named
            continue
        start = index + 1
        # « ma conseillère, Mme X » / « l'assistante sociale X » / « mon fils qui s'appelle X »
        while start < len(tokens) and (keys[start] in ROLE_SKIPPED or keys[start] == "("):
            if keys[start] in {"de", "la", "du", "l'"} and not (
                start + 1 < len(tokens) and tokens[start + 1].domain
            ):
                # « la maman de Lina », « la fille de M. X »: a name after « de »
                if keys[start] == "de" and start + 1 < len(tokens):
                    start += 1
                break
            if tokens[start].text.endswith("."):
                start = len(tokens)
                break
            start += 1
        if start >= len(tokens):
            continue
        if key == "famille" and keys[start] in {"de", "des", "du", "le", "la"}:
            # « la famille des rieux est hébergée chez moi »: the particle opens the name
            end = name_run(tokens, start, MEDIUM)
            if end > start + 1 and any(
                t.known or not t.common_any for t in tokens.items[start + 1 : end]
            ):
                yield _entity(tokens, start, end)
            continue
        if keys[start] in ROLE_FOLLOWERS_NOT_NAMES:
            continue
        if keys[start] in CIVILITIES:
            continue  # the civility rule takes it
        token = tokens[start]
        if "\n" in token.gap:
            continue
        # « la famille Petit », « la famille Ta Quang »: a capitalised word after « famille »
        # is the family's name, even a French word
        strength = STRONG if key == "famille" and (token.cap or token.upper) else MEDIUM
        end = name_run(tokens, start, strength)
        if (
            end == start
            and token.cap
            and not token.upper
            and _plain_word(token)
            and not token.place
            and token.gap == " "
        ):
            # « la secrétaire Patience m'a dit », « l'agent Fleur que j'ai eue »: a
            # capitalised word right after a role is a name, even when it is a French word
            end = max(start + 1, name_run(tokens, start + 1, MEDIUM))
        if (
            end == start
            and token.key in WORD_FIRST_NAMES
            and not token.cap
            and start + 1 < len(tokens)
            and (
                keys[start + 1]
                in (
                    RELATIVE_NAME_FOLLOWERS
                    if key in RELATIVES or key in IN_LAWS
                    else ROLE_NAME_FOLLOWERS
                )
                # « rdv avec l'assistante sociale colombe mardi »: when the person is met
                or (
                    "avec" in keys[max(0, index - 2) : index]
                    and bool(TALK_TIME_RE.match(tokens.text, token.end))
                )
            )
        ):
            # « ma sœur prudence depuis mars », « ma belle-mère espérance garde », « mon
            # gendre vital qui a rempli » (any role: the follower says a person)
            end = start + 1
        if end == start and token.known and token.common_any:
            # « ma fille Rose », « ma conseillère claire m'a dit »: a listed first name that
            # is also a word, when what follows is not the rest of a noun phrase
            after = keys[start + 1] if start + 1 < len(tokens) else ""
            phone_after = after == "au" and bool(
                re.match(r"[ \t]*\+?\d", tokens.text[tokens[start + 1].end :])
            )
            if token.cap or not after or after in AFTER_A_NAME or phone_after:
                end = start + 1  # « ma soeur blanche au 06 … »
        if end == start and _lone_word_before_verb(tokens, start):
            end = start + 1  # « mon fils noé a 4 ans », « ma fille prune est malade »
        if end == start and key in RELATIVES and _relative_at_clause_end(tokens, start):
            end = start + 1  # « c est pour ma fille espérance\n », « la maman de bonheur »
        if end <= start + 1:
            end = max(end, _pair_before_verb(tokens, start))
        if end == start:
            joined = _coordinated_names(tokens, start)
            if joined > start:
                yield _entity(tokens, start, start + 1)
                yield _entity(tokens, joined - 1, joined)
                continue
        end = _extend_before_verb(tokens, start, end)
        if end > start:
            yield _entity(tokens, start, end)


ROLE_PREFIXES = _words("grand grande arriere petit petite belle beau")
IN_LAWS = _words(
    "belle-mere beau-pere grand-mere grand-pere belle-soeur beau-frere belle-fille beau-fils"
)
# What follows a relative's first name that is a French word (« ma sœur prudence depuis mars »)
RELATIVE_NAME_FOLLOWERS = _words(
    """depuis qui est a garde gardait vit habite et avec chez ne n' m' me aussi va doit
    devait travaille touche"""
)


# What follows a given name that is a word after another role (« mon gendre vital qui a
# rempli », « mon moniteur bienvenu m'a dit »): the person acting, not an adjective.
ROLE_NAME_FOLLOWERS = _words("qui a m' m ma")


# Words after a role or a relative that are not a name but its description (« mon fils
# aîné a 19 ans », « ma mère malade est à l'hôpital »).
ROLE_MODIFIERS = _words(
    """aine ainee cadet cadette benjamine malade majeur majeure mineur mineure unique seul
    seule actuel actuelle ancien ancienne nouveau nouvelle nouvel jeune petit petite grand
    grande premier premiere dernier derniere deuxieme second seconde troisieme jumeau
    jumelle jumeaux jumelles autiste aussi egalement lui elle eux meme adoptif adoptive
    biologique legitime naturel naturelle age agee ages agees handicape handicapee decede
    decedee hospitalise hospitalisee scolarise scolarisee etudiant etudiante salarie
    salariee retraite retraitee chomeur chomeuse actif active enceinte malvoyant
    malentendant sourd sourde aveugle dependant dependante invalide paralyse francais
    francaise etranger etrangere referent referente habituel habituelle precedent
    precedente titulaire principal principale tuteur tutrice adulte bebe ado adolescent
    adolescente"""
)
# Nouns and pronouns that open a sentence without a determiner and are nobody's name.
SUBJECT_NOT_NAMES = _words(
    """personne quelqu'un quelqu'une quelqu chacun chacune tout tous rien aucun aucune
    maman papa mamie mami papi papy dieu internet google site appli application ordi
    ordinateur telephone standard accueil guichet robot serveur dame monsieur madame
    mademoiselle gars mec type nana jeune secretaire standardiste hotesse operateur
    operatrice banque mutuelle notaire huissier medecin docteur pharmacien pharmacie
    hopital clinique mairie ecole college lycee employeur patron proprio proprietaire
    bailleur syndic agence boite entreprise societe association asso facteur livreur
    plateforme messagerie systeme logiciel courrier lettre mail sms texto message
    quelqu'un qqn qlq"""
)
# What follows a lone word that makes it the subject of a clause (« mon fils noé a 4 ans »).
VERB_FOLLOWERS = _words("a est m' m ma qui ne n' va vient doit devait habite travaille s' se me")
# The person the citizen talked to, then what says it is someone: « reçue par fleur à
# l'accueil », « demandez à céleste elle connaît le dossier ».
STRONG_VERB_RE = re.compile(
    r"^\s*(?:(?:m['’]\s?|m\s+|nous\s+)(?:a|avait)\s+(?:bien\s+|deja\s+|déjà\s+|encore\s+)?"
    r"(?:dit|rappel[ée]e?|appel[ée]e?|r[ée]pondu|expliqu[ée]e?|envoy[ée]e?|orient[ée]e?"
    r"|conseill[ée]e?|demand[ée]e?|re[çc]ue?|donn[ée]e?|promis|assur[ée]e?|raccroch[ée]e?"
    r"|fait|parl[ée]|refus[ée]e?|[ée]crit|aid[ée]e?|accompagn[ée]e?|renvoy[ée]e?|indiqu[ée]e?"
    r"|confirm[ée]e?|certifi[ée]e?|affirm[ée]e?|jur[ée]e?|souten[ue]+|transmis|oubli[ée]e?)\b"
    r"|(?:ma|m['’]\s?a)\s+(?:dit|rappel|appel|r[ée]pondu|expliqu)"
    r"|(?:doit|devait|va|vient\s+de)\s+(?:me|m['’]|nous)\s*\w"
    r"|qui\s+(?:m['’]|ma\b|me\b|nous\b|devait|doit|s['’]?\s?occupe|g[eè]re|suit|traite)"
    r"|(?:est|etait|était)\s+(?:tr[eè]s\s+|trop\s+|super\s+|vraiment\s+|hyper\s+|si\s+)?"
    r"(?:gentil\w*|sympa\w*|aimable|adorable|serviable|comp[ée]tent\w*|efficace|patient\w*"
    r"|[àa]\s+l['’]\s?[ée]coute|d[ée]sagr[ée]able|odieu\w*|malpoli\w*|g[ée]nial\w*"
    r"|formidable|arrogant\w*|partie?\s+en\s+cong[ée]|en\s+cong[ée]|absente?|malade)\b"
    r")"
)
# Said right after the person the citizen dealt with: where they work, who they are.
SOMEONE_RIGHT_RE = re.compile(
    r"^\s*(?:,\s*)?(?:(?:elle|il)\s+(?:m['’]|ma\b|a\s+dit|connait|connaît|s['’]occupe|g[eè]re"
    r"|est\s+)|(?:de|[àa])\s+l['’]\s?accueil|du\s+guichet|au\s+guichet|au\s+t[ée]l\w*"
    r"|[àa]\s+l['’]?\s?appareil"
    # « c'est nadine la belle-soeur de … »: a relative by marriage or a grandchild too
    r"|(?:la|le)\s+(?:(?:belle|beau|grand|grande|petite?|arri[eè]re)[\s\-]+)?"
    r"(?:fille|fils|m[eè]re|p[eè]re|femme|mari|maman|papa|s(?:oe|œ)ur|fr[eè]re"
    r"|voisine?|tante|oncle|cousine?|nièce|niece|neveu|compagne|compagnon|conseill[eè]re?)"
    r"\s+(?:de|du|d['’]))",
    re.IGNORECASE,
)


def _plain_word(token: Token) -> bool:
    """A word that may be a name in a sure context, even a French word: not a function
    word, an administration, a role, a civility or a noun that opens sentences alone."""
    return (
        token.word
        and len(token.key) >= 2
        and not token.domain
        and token.key not in GLUE
        and token.key not in SMS_WORDS
        and token.key not in PARTICLES
        and token.key not in ROLES
        and token.key not in CIVILITIES
        and token.key not in SUBJECT_NOT_NAMES
        and token.key not in ROLE_MODIFIERS
        and token.key not in ADDRESS_WORDS
        and not (token.upper and len(token.key) <= 5 and not token.known)
    )


# the pipeline's own checks of a word read the same test
plain_word = _plain_word


def _adjective_like(token: Token) -> bool:
    """« handicapé », « souffrante », « joyeuse »: a description, unless a listed first
    name (« rené », « désiré » when listed)."""
    if token.first:
        return False
    return bool(
        re.search(
            r"(?:ee|ees|ant|ante|ants|eux|euse|ique|if|ive|able|ible|aire|al|ale|el"
            r"|elle|ais|aise|ois|oise|ien|ienne)$",
            token.key,
        )
        and token.common_any
    )


def _lone_word_before_verb(tokens: Tokens, index: int) -> bool:
    """After a role or a relative: one word, then a verb or « qui »."""
    if index + 1 >= len(tokens):
        return False
    token = tokens[index]
    following = tokens[index + 1]
    if not _plain_word(token) or token.place or "\n" in token.gap or "\n" in following.gap:
        return False
    if token.common_any and _adjective_like(token):
        return False
    if token.common and not token.typo:
        # a French word after a role is mostly what they are (« mon mari artisan a… »):
        # a name only before a verb said to the writer (« ma fille prune m'a dit ») or
        # their age (« mon fils félicité a 3 ans »)
        return (
            (_strong_right(tokens, index + 1) and following.key not in {"est"})
            or bool(AGE_RE.match(tokens.text, token.end))
            or (
                # « ma fille fleur peut y aller », « ma soeur blanche au 06 … », « mon
                # conseiller modeste dit que », « mon fils ange il a eu 16 ans »: after a
                # relative or a role, a French word that is no trade, then a verb, the
                # subject said again, or a phone number
                index > 0
                and (tokens[index - 1].key in RELATIVES or tokens[index - 1].key in ROLES)
                and not _trade_like(token)
                and token.key not in AFTER_A_NAME | VERB_FOLLOWERS
                and (
                    following.key in VERBS_AFTER_A_NAME
                    or (
                        following.key in {"il", "elle"}
                        and index + 2 < len(tokens)
                        and tokens[index + 2].key in VERB_FOLLOWERS | VERBS_AFTER_A_NAME
                    )
                    or (
                        following.key == "au"
                        and bool(re.match(r"[ \t]*\+?\d", tokens.text[following.end :]))
                    )
                )
            )
        )
    return following.key in VERB_FOLLOWERS


# What a relative is, said after them, that no suffix tells (« ma mère veuve »).
RELATIVE_STATES = _words(
    """veuf veuve absent absente seul seule mort morte vivant vivante malade enceinte ici
    la-bas labas aussi encore actuellement maintenant svp stp merci ensemble commun communs
    adopte adoptee naturel naturelle legitime mineur mineure majeur majeure handicape
    handicapee hospitalise hospitalisee decede decedee invalide retraite retraitee chomeur
    chomeuse etudiant etudiante"""
)


def _relative_at_clause_end(tokens: Tokens, index: int) -> bool:
    """After a relative, one lower-case word ending the line or the message is their first
    name, even a French word (« c est pour ma fille espérance », « je suis la maman de
    bonheur »), unless it describes them: an adjective, a participle, a trade, an
    adverb, a state (« ma fille aînée », « mon père décédé », « mon mari routier »)."""
    token = tokens[index]
    if (
        token.cap
        or token.upper
        or not _plain_word(token)
        or token.place
        or "\n" in token.gap
        or token.key in RELATIVE_STATES
        or (not token.first and (_adjective_like(token) or _trade_like(token)))
        or (not token.first and token.key.endswith("ment"))
        or (not token.first and bool(re.search(r"é(?:e|es|s)?$", token.text)))
    ):
        return False
    # the end of a chat line or of the message, not of a clause inside a sentence, where a
    # description is as likely (« un enfant ensemble, Léon »)
    return index + 1 >= len(tokens) or "\n" in tokens[index + 1].gap


# Relatives (not professionals): a French word after them before a verb is their first name.
RELATIVES = _words(
    """fils fille soeur sœur frere frère mere mère pere père mari femme epouse épouse epoux
    époux enfant fille-ainee neveu niece nièce cousin cousine tante oncle ex compagnon compagne
    conjoint conjointe maman papa mamie papi"""
)


def _trade_like(token: Token) -> bool:
    """« artisan », « agriculteur », « infirmière », « plombier »: what a relative does."""
    return bool(
        re.search(r"(?:teur|trice|ier|iere|ien|ienne|iste|an|ant|ante|eur|euse)$", token.key)
        and len(token.key) > 5
    )


# « … a 3 ans », « … aura six ans »: someone's age, said right after their name.
AGE_RE = re.compile(
    r"[ \t]+(?:a|aura|va[ \t]+avoir|vient[ \t]+d['’][ \t]?avoir|a[ \t]+eu)[ \t]+"
    r"(?:\d{1,2}|un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze"
    r"|quinze|seize|dix-sept|dix-huit|dix-neuf)[ \t]+ans\b",
    re.IGNORECASE,
)


def _pair_before_verb(tokens: Tokens, index: int) -> int:
    """After a role or a relative, two words then a verb: « mon ex felicite do ne paie
    plus », « ma fille rose kerbrat a 4 ans ». The second is a listed name or no French
    word; the first is no description. Index after the pair (``index`` when there is
    none)."""
    if index + 2 >= len(tokens):
        return index
    first, second, verb = tokens[index], tokens[index + 1], tokens[index + 2]
    if second.gap != " " or "\n" in verb.gap or "\n" in first.gap:
        return index
    for token in (first, second):
        if not _plain_word(token) or (token.place and not token.known) or _adjective_like(token):
            return index
    if not (second.known or not (second.common_any or second.typo)):
        return index
    if first.common and not first.typo and not second.known:
        return index
    if verb.key in VERB_FOLLOWERS or AGE_RE.match(tokens.text, second.end):
        return index + 2
    return index


def _extend_before_verb(tokens: Tokens, start: int, end: int) -> int:
    """« mon mari mikel zebus qui s'occupe »: the word between a name and a verb or « qui »
    is its last name, even when it is also a French word."""
    if end == start or end + 1 >= len(tokens):
        return end
    token = tokens[end]
    if token.gap != " " or not _plain_word(token) or token.place or _adjective_like(token):
        return end
    if tokens[end + 1].key in {"qui", "m'", "ne", "n'"} and _strong_right(tokens, end + 1):
        return end + 1
    if tokens[end + 1].key in VERBS_AFTER_A_NAME and tokens[start].first and end == start + 1:
        return end + 1
    return end


def _strong_right(tokens: Tokens, end: int) -> bool:
    rest = tokens.text[tokens[end - 1].end : tokens[end - 1].end + 60]
    return bool(STRONG_VERB_RE.match(rest) or SOMEONE_RIGHT_RE.match(rest))


def _after_sequences(tokens: Tokens, keys: list[str]) -> Iterable[Entity]:
    for index in range(len(tokens)):
        for sequence, base in SEQUENCES_BY_FIRST.get(keys[index], ()):
            if not _match_sequence(keys, index, sequence):
                continue
            start = index + len(sequence)
            if start >= len(tokens):
                continue
            if keys[start] in CIVILITIES or keys[start] in {",", "un", "comment", "quoi", "pas"}:
                continue  # « elle s'appelle comment » asks for the name
            if keys[start] in {"pareil", "pareille", "pareils", "comme", "aussi", "pareillement"}:
                continue  # « mon père qui s'appelle pareil que moi »: the name follows later
            if keys[start] in {"le", "la", "l'"} and not (
                base == STRONG and start + 1 < len(tokens) and tokens[start].cap
            ):
                continue
            if sequence == ("au", "nom", "de") and keys[start] in {"jeune", "naissance", "famille"}:
                continue  # « au nom de jeune fille de ma femme »
            if (
                sequence[-1] in {"nom", "prenom"}
                and keys[start] in {"du", "de", "des", "d'"}
                and start + 1 < len(tokens)
                and tokens[start + 1].common_any
                and not tokens[start + 1].cap
            ):
                continue  # « nom du parent déclarant », « au nom de jeune fille »: a label
            if sequence in {("nee",), ("veuve",)} and "\n" in tokens[start].gap:
                continue  # « notre fille est née.\nNom du parent »: the sentence ended
            if (
                sequence[-1] == ":"
                and "\n" in tokens[start].gap
                and BLANK_FORM_NEXT_LABEL_RE.match(tokens.text, tokens[start].end)
            ):
                # « Nom :\nPrénom : », « Prénom :\nFormation souhaitée : »: a form left blank,
                # the next line another label
                continue
            strength = base
            weak = sequence in WEAK_TALK
            if weak:
                strength = WEAK
            if sequence[-1] == ":" or sequence in {("nee",), ("veuve",)}:
                # forms: the value up to the end of the line, lower case allowed
                strength = STRONG
            if sequence[0] in GREETINGS and _greeted_word(tokens, start):
                yield _entity(tokens, start, start + 1)  # « merci claire ! », « bonjour rose, »
                continue
            if (
                sequence in INTRO_AFTER_GREETING | {("ici",)}
                and index
                and keys[index - 1] in GREETINGS | {"allo", "oui", "re"}
            ):
                introduced = _introduced_name(tokens, start)
                if introduced > start:
                    yield _entity(tokens, start, introduced)
                    continue
            end = name_run(tokens, start, strength)
            talked_to = sequence in PERSON_TALK and end == start
            if talked_to and _lone_talked_to(tokens, start, sequence):
                # « reçue par fleur à l'accueil », « grâce à hayet j'ai enfin reçu »
                yield _entity(tokens, start, start + 1)
                continue
            if weak and end > start and sequence[0] in GREETINGS and _greeted(tokens, start, end):
                pass  # « Bonsoir Victoire ! », « Bonjour Claire, »
            elif (
                sequence in INTRO_AFTER_GREETING
                and index
                and keys[index - 1] in GREETINGS | {"allo", "oui", "re"}
                and _greeted_word(tokens, start)
                and tokens[start].first
            ):
                end = start + 1  # « bonsoir c'est aurore, j'attends toujours »
            elif weak and end > start:
                end = _confirm_weak(tokens, start, end)
            elif (
                strength == MEDIUM
                and end > start
                # « et le prénom dragana »: after « nom » / « prénom », a word that is no
                # French word is the name
                and not (
                    sequence[-1] in {"nom", "prenom"}
                    and all(not t.common_any for t in tokens.items[start:end])
                )
            ):
                confirmed = _confirm_medium(tokens, start, end)
                if (
                    confirmed == start
                    and sequence in PERSON_TALK
                    and _lone_talked_to(tokens, start, sequence)
                ):
                    confirmed = start + 1  # « grâce à hayet j'ai enfin reçu mes droits »
                end = confirmed
            if end > start:
                yield _entity(tokens, start, end)


# Sequences after which a word is the person the citizen dealt with.
PERSON_TALK = frozenset(
    {
        ("parle", "a"),
        ("parle", "avec"),
        ("recu", "par"),
        ("recue", "par"),
        ("recus", "par"),
        ("suivi", "par"),
        ("suivie", "par"),
        ("vu", "avec"),
        ("parler", "a"),
        ("parler", "avec"),
        ("j'", "ai", "eu"),
        ("j", "ai", "eu"),
        ("j", "ai", "parle", "a"),
        ("jai", "parle", "a"),
        ("jai", "eu"),
        ("g", "eu"),
        ("dites", "a"),
        ("dire", "a"),
        ("demandez", "a"),
        ("avec",),
        ("transmettre", "a"),
        ("ici",),
        ("c'", "est"),
        ("c", "est"),
        ("cest",),
        ("c",),
        ("grace", "a"),
        ("merci", "a"),
        ("bravo", "a"),
        ("j", "ai", "vu"),
        ("j'", "ai", "vu"),
        ("jai", "vu"),
        ("passe", "voir"),
        ("passee", "voir"),
        ("demander", "a"),
    }
)
# After these a word is as often what something is as who someone is.
LOOSE_TALK = frozenset({("avec",), ("ici",), ("c'", "est"), ("c", "est"), ("cest",), ("c",)})
THANKS = frozenset({("grace", "a"), ("merci", "a"), ("bravo", "a")})
# What comes after « j'ai eu » or « avec » and is no one (« j'ai eu affaire à l'accueil »).
NOT_TALKED_TO = _words(
    """affaire besoin peur tort raison droit acces rdv rendez-vous reponse confirmation
    connaissance mal faim froid chaud honte envie mon ma mes le la les un une des l' d'
    lui elle eux ca cela ceci ton ta votre vos notre nos leur leurs"""
)
THANKS_FOLLOWERS = _words("j' jai g on nous mon ma mes pour qui , ! . de")


def _lone_talked_to(tokens: Tokens, start: int, sequence: tuple[str, ...]) -> bool:
    token = tokens[start]
    if not _plain_word(token) or token.place or token.key in NOT_TALKED_TO:
        return False
    if _adjective_like(token):
        return False
    if start + 1 >= len(tokens):
        # « on m'a dit de demander à solène »: the message ends on the person
        return sequence not in LOOSE_TALK | THANKS and not NOT_TALKED_TO_RE.search(token.key)
    if token.common and not token.typo and sequence in LOOSE_TALK:
        # « c'est fermé à l'accueil », « avec attente au téléphone »; but « c'est garance
        # qui s'occupe de mon dossier »: someone said to do something
        return (
            sequence not in {("avec",), ("ici",)}
            and tokens[start + 1].key == "qui"
            and not PARTICIPLE_RE.search(token.text.lower().rstrip("."))
        )
    if sequence not in THANKS and TALK_TIME_RE.match(tokens.text, tokens[start].end):
        # « j'ai parlé avec mélusine ce matin », « passée voir solène à l'accueil »: when or
        # where the person was dealt with
        return not NOT_TALKED_TO_RE.search(token.key)
    if "\n" in tokens[start + 1].gap:
        # a chat line ending on the person talked to, the next line saying what they did
        # (« j'ai parlé avec prudence\nelle m'a dit… »)
        return sequence not in THANKS and bool(
            PRONOUN_TOLD_RE.match(tokens.text, tokens[start + 1].start)
        )
    if _strong_right(tokens, start + 1):
        return True
    previous = tuple(t.key for t in tokens.items[max(0, start - 2) : start])
    return (
        previous in THANKS
        and tokens[start + 1].key in THANKS_FOLLOWERS
        and (not token.common_any or token.known)
    )


# Verbs and abstract nouns that follow talk words (« parlé avec attention », « voir
# ensuite »): no one dealt with.
NOT_TALKED_TO_RE = re.compile(r"(?:er|ir|oir|tion|sion|ment)$")
TALK_TIME_RE = re.compile(
    r"[ \t]+(?:hier|avant-hier|ce[ \t]+(?:matin|midi|soir|jour)|aujourd['’]hui|ajd|tout[ \t]+[aà]"
    r"[ \t]+l['’]heure|lundi|mardi|mercredi|jeudi|vendredi|samedi|la[ \t]+semaine[ \t]+derniere"
    r"|au[ \t]+(?:telephone|tel|guichet|standard)|(?:a|à)[ \t]+l['’](?:accueil|agence))(?![\w])"
    r"|[ \t]*$",
    re.IGNORECASE,
)
PRONOUN_TOLD_RE = re.compile(
    r"(?:elle|il)[ \t]+(?:m['’ ][ \t]?a|ma|m['’ ][ \t]?avait|nous[ \t]+a|a)[ \t]+"
    r"(?:dit|r[ée]pondu|expliqu|conseill|demand|promis|assur|rappel|envoy|orient|fait)",
    re.IGNORECASE,
)
GREETINGS = _words("bonjour bonsoir coucou hello salut slt bjr cher chere merci")
INTRO_AFTER_GREETING = frozenset({("c'", "est"), ("c", "est"), ("cest",), ("c",)})


# What follows a caller's or writer's name after « bonjour c'est … » (« bjr c X pour mon
# dossier », « slt ici X, je … », « c'est X de … »).
INTRO_BOUNDARY = _words(
    """pour je j' jai jsuis chui g de d' du ici et mon ma mes concernant au a , . ! ? : ;"""
)


def _intro_word(token: Token, later: bool = False) -> bool:
    """A word of a name in lower case; a place only after the first word (« alexandrie
    sainte-rose »)."""
    return (
        _plain_word(token)
        and not (token.place and not token.known and not later)
        and not (token.common_any and not token.known and token.key.endswith("ment"))
        and not (_adjective_like(token) and not token.known)
    )


def _introduced_name(tokens: Tokens, start: int) -> int:
    """« bjr c anouk le cam pour mon dossier », « slt ici esteve la fille de … », « oui
    bonjour c'est emine dos anjos lobo je suis née … »: right after a greeting, what the
    writer introduces themselves with is their name, in lower case and even when its words
    are also French words, as long as a listed name or a word that is no French word is in
    it and the name ends where a sentence goes on. Index after the name (``start`` when
    there is none)."""
    words: list[Token] = []
    i = end = start
    while i < len(tokens) and len(words) < 4:
        token = tokens[i]
        if i > start and (token.gap != " " or "\n" in token.gap):
            break
        if words and token.key in PARTICLES:
            j = i
            while j < len(tokens) and j - i < 2 and tokens[j].key in PARTICLES:
                j += 1
            if j < len(tokens) and tokens[j].gap == " " and _intro_word(tokens[j], True):
                i = j
                continue
            break
        if not _intro_word(token, bool(words)) or (words and _relation_of(tokens, i)):
            break
        words.append(token)
        i += 1
        end = i
    if not words:
        return start
    if end < len(tokens):
        following = tokens[end]
        rest = tokens.text[tokens[end - 1].end : tokens[end - 1].end + 60]
        glued_role = following.key[:1] in {"l", "m", "s"} and following.key[1:] in ROLES
        if (
            "\n" not in following.gap
            and following.key not in INTRO_BOUNDARY
            and not glued_role  # « bjr cest blanche lassistante sociale de … »
            and not _relation_of(tokens, end)  # « bjr c tsiry maman de kenzo »
            and not SOMEONE_RIGHT_RE.match(rest)
        ):
            return start
    if len(words) == 1:
        word = words[0]
        if word.first or (not word.common_any and len(word.key) > 2):
            return end
        # « bjr cest blanche lassistante sociale de … », « ici rose la fille de … »
        described = end < len(tokens) and (
            SOMEONE_RIGHT_RE.match(tokens.text[word.end : word.end + 60])
            or (tokens[end].key[:1] in {"l", "m", "s"} and tokens[end].key[1:] in ROLES)
        )
        return end if described and not _trade_like(word) else start
    return end if any(t.known or not t.common_any for t in words) else start


def _relation_of(tokens: Tokens, index: int) -> bool:
    """« maman de kenzo », « la fille d'amina »: who the writer is to someone, after their
    name; a relative's word there ends the name."""
    return (
        tokens[index].key in RELATIVES
        and index + 1 < len(tokens)
        and tokens[index + 1].key in {"de", "d'", "du", "des"}
    )


def _greeted_word(tokens: Tokens, start: int) -> bool:
    """A listed first name (even a French word) right after a greeting or thanks, then a
    comma, « ! », « . » or nothing: « merci claire ! », « bonjour rose, »."""
    token = tokens[start]
    if not token.word or token.domain or token.key in GLUE or token.key in SMS_WORDS:
        return False
    if token.key in ADDRESS_WORDS or token.key in ROLES or token.key in CIVILITIES:
        return False
    last = start + 1 >= len(tokens)
    following = None if last else tokens[start + 1]
    if token.first:
        return last or following.text in {",", "!", ".", ":"} or "\n" in following.gap  # type: ignore[union-attr]
    # a word that is no listed name: only when nothing follows but « , » or « ! »
    return len(token.key) > 2 and (last or following.text in {",", "!"})  # type: ignore[union-attr]


# Words a greeting or thanks ends with that are nobody: « merci infiniment ! ».
ADDRESS_WORDS = _words(
    """infiniment encore beaucoup bien bcp mille fois tous toutes tout monde davance avance
    pareil aussi quand meme même enormement énormément vraiment sincerement sincèrement
    chaleureusement madame monsieur mesdames messieurs docteur maitre maître equipe équipe"""
)


def _greeted(tokens: Tokens, start: int, end: int) -> bool:
    """A greeting, capitalised listed names, then a comma, « ! » or the end of the line."""
    run = tokens.items[start:end]
    if not all((t.cap or t.upper) and t.known for t in run):
        return False
    if end >= len(tokens):
        return True
    following = tokens[end]
    return following.text in {",", "!", ".", ":"} or "\n" in following.gap


def _confirm_weak(tokens: Tokens, start: int, end: int) -> int:
    """After « c'est », « avec », « bonjour »…: a name needs a listed name, two unknown
    words, a capitalised unknown word inside a sentence, or a verb after it (« c bintou de
    l'accueil qui m'a dit »)."""
    run = [t for t in tokens.items[start:end] if t.key not in PARTICLES]
    if any(t.known and not t.common_any for t in run):
        return end
    unknown = [t for t in run if not t.common_any and not t.typo]
    if len(run) >= 2 and len(unknown) == len(run):
        return end
    if (
        len(run) >= 2
        and any(t.known for t in run)
        and all(not t.common and not t.typo for t in run)
    ):
        return end
    if (
        len(run) == 1
        and (run[0].cap or run[0].upper)
        and not run[0].common_any
        and not run[0].place
        and not tokens.sentence_start(start)
    ):
        return end
    if unknown and _right_context(tokens, end):
        return end
    if all(not t.common_any and len(t.key) > 2 for t in run) and _right_context(tokens, end):
        return end  # « c bintou de l'accueil qui m'a dit »: a typo-like word still
    return start


RIGHT_OF_A_NAME_RE = re.compile(
    r"^\s*(?:de\s+l['’]?\s?accueil|du\s+guichet|au\s+t[ée]l\w*|[àa]\s+l['’]?\s?appareil"
    r"|,\s*(?:elle|il)\s+(?:a|m['’]|ma\b)|ici\b)",
    re.IGNORECASE,
)


def _right_context(tokens: Tokens, end: int) -> bool:
    rest = tokens.text[tokens[end - 1].end : tokens[end - 1].end + 60]
    return bool(
        RIGHT_VERBS_RE.match(rest) or RIGHT_CLAUSE_RE.match(rest) or RIGHT_OF_A_NAME_RE.match(rest)
    )


def _confirm_medium(tokens: Tokens, start: int, end: int) -> int:
    """After « j'ai parlé à », « j'ai eu »…, in a text with capitals, a word in lower case
    is a name only when listed, or when two unknown words follow each other."""
    run = tokens.items[start:end]
    if any(t.cap or t.upper or t.known for t in run) or _right_context(tokens, end):
        return end
    if len(run) >= 2 and not all(t.typo for t in run):
        return end
    if tokens.lowercase and not run[0].typo and len(run[0].key) > 3:
        return end
    return start


# The first word of what RIGHT_VERBS_RE and RIGHT_CLAUSE_RE read (a cheap pre-filter).
RIGHT_STARTERS = _words("m' m ma nous a avait est doit devait va vient qui ici à au")


def _before_verbs(tokens: Tokens) -> Iterable[Entity]:
    """« thierry roux m'a rappelé », « X qui devait me rappeler », « X ici »."""
    text = tokens.text
    for index in range(1, len(tokens) + 1):
        if index < len(tokens) and tokens[index].key not in RIGHT_STARTERS:
            continue
        end_char = tokens[index - 1].end
        rest = text[end_char : end_char + 60]
        if not (RIGHT_VERBS_RE.match(rest) or RIGHT_CLAUSE_RE.match(rest)):
            continue
        index = _before_organisation(tokens, index)  # « c martine de la caf qui m'a dit »
        # walk back over name-like words
        start = index
        while start > 0 and index - start < 3:
            token = tokens[start - 1]
            if not token.word or (
                start < index and (token.gap.strip() or "\n" in tokens[start].gap)
            ):
                break
            if token.key in PARTICLES and start < index:
                start -= 1
                continue
            if not (
                (token.known and not (token.common_any and not tokens.lowercase and not token.cap))
                or (not token.common_any and not token.domain and len(token.key) > 2)
                or ((token.cap or token.upper) and token.known)
            ):
                break
            if token.domain or token.key in GLUE or token.key in SMS_WORDS:
                break
            if token.typo and not (start < index and tokens[start].known):
                break
            start -= 1
        while start < index and tokens[start].key in PARTICLES:
            start += 1
        if start == index:
            continue
        if start and tokens[start - 1].text.lower() in DETERMINERS:
            continue  # « l'ergothérapeute est passé », « mon employeur a dit »
        run = tokens.items[start:index]
        if not any(t.known or not t.common_any for t in run):
            continue
        if all(t.place for t in run):
            continue
        if not tokens.lowercase and any(
            not (t.cap or t.upper) and not (t.known and not t.common_any) for t in run
        ):
            continue  # in a text with capitals, a lower-case word before a verb is a name
            # only when it is a listed name that is no French word
        yield _entity(tokens, start, index)


CLAUSE_OPENERS = _words(
    """et mais alors la là puis donc bref ensuite pi coup ben bah euh oui non enfin ok
    finalement hier aujourd'hui ce matin apres après sinon"""
)


def _before_organisation(tokens: Tokens, index: int) -> int:
    """Index of « de la CAF », « du service », « de l'accueil » right before ``index``
    (``index`` when there is none)."""
    j = index
    while (
        j > 0
        and (tokens[j - 1].domain or tokens[j - 1].key in ORGANISATION_PLACES)
        and (index - j < 3)
    ):
        j -= 1
    if j == index:
        return index
    if j > 0 and tokens[j - 1].key in {"la", "l'", "le", "les"}:
        j -= 1
    if j > 0 and tokens[j - 1].key in {"de", "du", "d'", "des"}:
        return j - 1
    return index


ORGANISATION_PLACES = _words("accueil guichet agence standard antenne plateforme")


def _clause_subjects(tokens: Tokens) -> Iterable[Entity]:
    """« esteve m a dit de vous écrire », « et là assitan dos anjos lobo m'a répondu »,
    « félicité est très gentille »: one to four words opening a clause without a
    determiner, then a verb of contact said to the writer, are someone, even French words."""
    text = tokens.text
    for index in range(1, len(tokens)):
        if tokens[index].key not in RIGHT_STARTERS and tokens[index].key not in {"est", "etait"}:
            continue
        rest = text[tokens[index - 1].end : tokens[index - 1].end + 60]
        if not STRONG_VERB_RE.match(rest):
            continue
        index = _before_organisation(tokens, index)  # « Eliane de la CAF m'a rappelée »
        start = index
        words = 0
        while start > 0 and words < 4:
            token = tokens[start - 1]
            if start < index and (token.gap.strip() or "\n" in tokens[start].gap):
                break
            if token.key in PARTICLES and start < index:
                start -= 1
                continue
            if not _plain_word(token) or token.place:
                break
            start -= 1
            words += 1
        while start < index and tokens[start].key in PARTICLES:
            start += 1
        if start == index:
            continue
        opener = start == 0 or tokens.sentence_start(start) or tokens[start - 1].text in {",", ";"}
        if not opener and tokens[start - 1].key in CLAUSE_OPENERS:
            before = tokens[start - 2] if start >= 2 else None
            opener = (
                before is None
                or tokens.sentence_start(start - 1)
                or before.text in {",", ";"}
                or before.key in CLAUSE_OPENERS
            )
        if not opener:
            continue
        run = tokens.items[start:index]
        if any(_adjective_like(t) for t in run) or all(t.place for t in run):
            continue
        yield _entity(tokens, start, index)


DETERMINERS = _words(
    """le la les l' un une des du mon ma mes ton ta tes son sa ses notre nos votre vos leur
    leurs ce cet cette ces"""
)
PLACE_PREPOSITIONS = _words(
    """chez pour a au aux en sur vers de du des d' depuis pres dans habite hors entre via"""
)


def _by_shape(tokens: Tokens) -> Iterable[Entity]:
    """Capitalised runs that are not French words; in lower-case texts, unknown words."""
    index = 0
    count = len(tokens)
    while index < count:
        token = tokens[index]
        if not token.word or not (token.cap or token.upper or tokens.lowercase):
            index += 1
            continue
        if (
            tokens.lowercase
            and token.cap
            and index + 1 < count
            and tokens[index + 1].gap == " "
            and _word_first_name_pair(tokens, tokens.items[index : index + 2])
        ):
            # « Modeste Pasteur, retraité, … »: the only two capitals of a short text
            yield _entity(tokens, index, index + 2)
            index += 2
            continue
        end = index
        while end < count:
            candidate = tokens[end]
            if end > index and (
                candidate.gap.strip() or "\n" in candidate.gap or not candidate.gap
            ):
                break
            if (
                candidate.key in PARTICLES
                and end > index
                and _particle_surname(tokens, end, end + 2)
            ):
                end += 2  # « Jean-Marie Le Du »
                break
            if (
                candidate.key in PARTICLES
                and end > index
                and end + 1 < count
                and (tokens[end + 1].cap or tokens.lowercase)
            ):
                end += 1
                continue
            if not candidate.word or candidate.domain or candidate.key in GLUE:
                break
            if not (candidate.cap or candidate.upper) and not tokens.lowercase:
                break
            if tokens.lowercase and candidate.typo and _typo_in_a_pair(tokens, index, end):
                end += 1  # « mikel nakamura dossier bloqué »: a typo-like word by a name
                continue
            if tokens.lowercase and (
                (candidate.common_any and not candidate.known)
                or candidate.typo
                or candidate.key in SMS_WORDS
            ):
                # « mikel nakamura dossier bloqué »: the name ends at the first French word
                break
            end += 1
        if not (end - index > 2 and _particle_surname(tokens, end - 2, end)):
            while end > index and tokens[end - 1].key in PARTICLES:
                end -= 1
        if end == index:
            index += 1
            continue
        run = tokens.items[index:end]
        if _shape_is_name(tokens, index, run):
            start = index
            if (
                start
                and tokens[start - 1].upper
                and tokens[start - 1].key in PARTICLES
                and tokens[start].gap == " "
            ):
                start -= 1  # « LE SQUEREN Hayet »: a particle in capitals opens the name
            yield _entity(tokens, start, end)
        index = end


# French words that are given names (virtues, flowers, hopes), listed or not in the name
# lexicon: capitalised before another capitalised word, they open a full name (« Fleur
# Lamour », « Colombe Rivière »).
WORD_FIRST_NAMES = _words(
    """fleur rose colombe prudence patience blanche celeste esperance fortune victoire
    constance clemence modeste fidele constant desire desiree aime aimee ange olive marine
    prosper parfait bonheur innocent felicite grace joie lumiere oceane capucine violette
    jasmine perle aurore sylvestre reine prince princesse cerise prune melodie harmonie
    serenite espoir merveille aube avril noel dieudonne bienvenu pierre claire margot
    hyacinthe marguerite pervenche camelia capucine iris lys ambre ocean soleil etoile
    sage juste honorine honore fabuleux bijou precieuse seraphin seraphine clarisse
    vital clement martial urbain serge pascal jasmin"""
)


def _word_first_name_pair(tokens: Tokens, run: list[Token]) -> bool:
    """Two capitalised words, the first a French word that is a given name, the second no
    description, administration, place or role (« Fleur Lamour », not « Marine
    nationale », « Pierre Tombale », « Rose Trémière »)."""
    if len(run) != 2 or tokens.uppercase_share > 0.5:
        return False
    first, second = run
    return (
        all(t.cap and not t.upper and t.word for t in run)
        and (first.first or first.key in WORD_FIRST_NAMES)
        and not first.domain
        and not second.domain
        # a listed last name that is also a place or a relative (« Constant Marin », « Blanche
        # Neveu ») still closes the name
        and (not second.place or second.known)
        and (second.key not in ROLES or second.known)
        and second.key not in CIVILITIES | GLUE | SUBJECT_NOT_NAMES | ROLE_MODIFIERS
        and second.key not in WORD_FIRST_NAME_FOLLOWERS
        and not (_adjective_like(second) and not second.known)
        and not re.search(r"é(?:e|es|s)?$", second.text)
        and not VERB_PRONOUN_RE.search(second.key)  # « … Prudence Pouvez-vous préciser »
        and len(second.key) > 2
    )


# Words that make a given name a thing (« Rose Trémière », « Fleur Bleue »).


def _typo_in_a_pair(tokens: Tokens, index: int, end: int) -> bool:
    """In a lower-case text, a word one typo away from a French word, first or second of
    a pair whose other word is no French word at all, opening a sentence: a name."""
    token = tokens[end]
    if len(token.key) <= 3 or token.place or token.domain or token.key in SMS_WORDS:
        return False
    if end == index:
        return (
            tokens.sentence_start(index)
            and end + 1 < len(tokens)
            and tokens[end + 1].gap == " "
            and _clean_unknown(tokens, tokens[end + 1])
        )
    return (
        end == index + 1 and tokens.sentence_start(index) and _clean_unknown(tokens, tokens[index])
    )


SENTENCE_VERBS = _words(
    "est a m' m ma nous vous etait était ne n' va doit devait peut sait qui me t' avait"
)


def _shape_is_name(tokens: Tokens, index: int, run: list[Token]) -> bool:
    words = [t for t in run if t.key not in PARTICLES]
    if (
        words
        and len(run) >= 3
        and _particle_surname(tokens, index + len(run) - 2, index + len(run))
    ):
        # « Jean-Marie Le Du »: name words, then the surname that is a particle
        return all((t.cap or t.upper) and (t.known or not t.common_any) for t in words)
    if not words:
        return False
    if tokens.uppercase_share > 0.5 and not tokens.lowercase:
        # a text written in capitals: only a listed first name next to another name word
        return (
            len(words) >= 2
            and any(t.first and not t.common_any for t in words)
            and all(not t.common for t in words)
        )
    if _word_first_name_pair(tokens, run):
        return True
    if any(t.common and not (t.cap and len(words) >= 2 and t.known) for t in words):
        # a French word that is no name inside the run: trim to the name-like part
        return False
    if all(t.place and not t.known for t in words):
        return False
    sentence_start = tokens.sentence_start(index)
    previous = tokens[index - 1].key if index else ""
    unknown = [t for t in words if not t.common_any and not t.place]
    known = [t for t in words if t.known]
    name_like = [t for t in words if t.known or (not t.common_any and not t.place)]
    if (
        len(run) == 1
        and sentence_start
        and (
            (run[0].cap and not run[0].upper) or (tokens.lowercase and run[0].key not in SMS_WORDS)
        )
    ):
        # « Kheira est très gentille », « Nathalie m'a dit »: a capitalised first name
        # opening a sentence, then a verb; a listed one, or one that is no French word
        # even with a typo
        word = run[0]
        following = tokens[index + 1].key if index + 1 < len(tokens) else ""
        if (
            following in SENTENCE_VERBS
            and not word.common_any
            and not word.place
            and not word.domain
            and (
                word.first
                or (len(word.key) > 3 and not tokens.lexicon.word_like(word.key, typos=True))
            )
        ):
            return True
    if tokens.lowercase:
        if len(words) >= 2 and (
            all(
                not t.common_any and not t.typo and t.key not in SMS_WORDS and len(t.key) > 2
                for t in words
            )
            or (words[0].first and not words[0].common_any and not words[1].common)
            or (words[0].first and words[1].known and not words[1].common)
            # « martins gérard, dossier en attente »: two listed names, one of them a first
            # name that is no French word
            or (
                len(words) == 2
                and all(t.known for t in words)
                and any(t.first and not t.common_any for t in words)
            )
            # « mikel nakamura dossier bloqué », opening the text
            or (
                len(words) == 2
                and sentence_start
                and any(_clean_unknown(tokens, t) for t in words)
                and all(_clean_unknown(tokens, t) or (t.typo and len(t.key) > 3) for t in words)
            )
        ):
            return not any(t.key in SMS_WORDS for t in words)
        return False
    mixed_caps = any(t.upper for t in words) and any(t.cap and not t.upper for t in words)
    if len(words) >= 2:
        if mixed_caps and len(name_like) == len(words):
            return True
        if sentence_start:
            return (
                len(name_like) == len(words)
                and (len(known) >= 1 or len(unknown) == len(words))
                and not any(t.upper and len(t.key) <= 4 for t in words)
            )
        return len(name_like) == len(words)
    word = words[0]
    if sentence_start and word.first and not word.common_any and len(run) == 1:
        # « Karim est très gentil », « Nathalie m'a dit »: a listed first name, then a verb
        following = tokens[index + 1].key if index + 1 < len(tokens) else ""
        return following in SENTENCE_VERBS
    if sentence_start or previous in PLACE_PREPOSITIONS:
        return False
    if word.upper and len(word.key) <= 5 and not word.known:
        return False  # an acronym
    return (not word.common_any and not word.place and len(word.key) > 2) or (
        word.first and not word.common_any
    )


_SPELLING_JOIN = (
    # « L E, espace, G O A Z I O U »: the separator said between commas
    r"(?:[ \t]*,[ \t]*(?:espace|tiret|apostrophe|trait[ \t]d'union)[ \t]*,[ \t]*"
    r"|[ \t]*[-.,/–—][ \t]*|[ \t]+(?:(?:apostrophe|tiret|trait[ \t]d'union|espace"
    r"|en[ \t]deux[ \t]mots|accent[ \t](?:aigu|grave|circonflexe)|cedille|trema)[ \t]+)?|[ \t]+)"
)
_SPELLED_LETTER = r"(?:(?:deux|double)[ \t]+)?[A-Za-z]"
SPELLED_RE = re.compile(
    rf"(?<![\w])(?:{_SPELLED_LETTER}{_SPELLING_JOIN}){{2,}}{_SPELLED_LETTER}(?![\w])\.?"
)
SPELLED_NOT_NAMES = _words(
    """caf cpam msa rsa apl aah ants sms pdf rib iban svp stp cmu css ccas mdph urssaf anah
    dgfip sip sie tva cdi cdd rdv ok pv cv nir puis asap aspa asf are ass ij tel"""
)


def _letters(spelled: str) -> str:
    return "".join(w for w in re.findall(r"[A-Za-z]+", spelled) if len(w) == 1).lower()


def _spelled(text: str, folded: str, tokens: Tokens) -> Iterable[Entity]:
    for match in SPELLED_RE.finditer(folded):
        letters = _letters(match.group())
        if letters in SPELLED_NOT_NAMES or len(letters) < 3:
            continue
        if len(set(letters)) == 1:
            continue
        end = match.end()
        if folded[end - 1] == "." and len(letters) < 4:
            continue
        spelled_word = _spelled_word(folded, tokens, match.start(), letters)
        before = folded[max(0, match.start() - 80) : match.start()].lower()
        if (
            len(letters) < 4
            and spelled_word is None
            and not re.search(r"epel|s'ecrit|ecrit|nom|lettre|comme", before)
        ):
            continue
        yield Entity(match.start(), end, "PERSON")
        if spelled_word is not None:
            yield spelled_word
        yield from _said_after_spelling(tokens, end)
    # two letters, only when they spell a word said just before (« Ye Shufang Y E et … »)
    for match in TWO_LETTERS_RE.finditer(text):
        if not match.group().isupper():
            continue  # « m a dit »: lower-case letters are words
        letters = _letters(match.group()).lower()
        word = _spelled_word(folded, tokens, match.start(), letters)
        if word is not None:
            yield Entity(match.start(), match.end(), "PERSON")
            yield word


TWO_LETTERS_RE = re.compile(r"(?<![\w'’])[A-Za-z][ \t]+[A-Za-z](?![\w'’])")


def _spelled_word(folded: str, tokens: Tokens, position: int, letters: str) -> Entity | None:
    """The word, among the six said before ``position`` on the same line, that the letters
    spell (« Ait Ouarab A I T », « N'Diaye avec un n apostrophe N D I A Y E »)."""
    line_start = folded.rfind("\n", 0, position) + 1
    before = [t for t in tokens.items if line_start <= t.start and t.end <= position and t.word]
    for token in reversed(before[-6:]):
        said = token.key.replace("'", "").replace("-", "")
        if len(letters) >= 2 and (
            said == letters or (len(said) >= 4 and letters.endswith(said))  # « n apostrophe N D … »
        ):
            return Entity(token.start, token.end, "PERSON")
    return None


def _said_after_spelling(tokens: Tokens, position: int) -> Iterable[Entity]:
    """« le bihan L E B I H A N yannig »: the first name said right after a spelled last
    name, on the same line."""
    for index, token in enumerate(tokens.items):
        if token.start < position:
            continue
        if "\n" in token.gap or not token.word or token.domain or token.key in GLUE:
            return
        if token.key in SMS_WORDS or token.key in SPELLING_FILLERS or len(token.key) < 3:
            return
        if (token.first and not token.common_any) or (not token.common_any and not token.place):
            yield _entity(tokens, index, index + 1)
        return


ATTRIBUTION_RE = re.compile(
    r"^[> \t]*(?:le|on)\b[^\n]{0,80}?,\s*(?P<name>[^<>\n,]{2,60}?)\s*(?:<[^>\n]*>|\[[^\]\n]*\])?\s*"
    r"(?:a\s+[ée]crit|wrote)",
    re.IGNORECASE | re.MULTILINE,
)
HEADER_RE = re.compile(
    r"^[> \t]*(?:de|from|a|à|to|cc|expediteur|expéditeur|destinataire)\s*:\s*"
    r"(?P<name>[^<>\n@]{2,60}?)\s*(?:<|\n|$|\[)",
    re.IGNORECASE | re.MULTILINE,
)


def _header_lines(text: str, tokens: Tokens) -> Iterable[Entity]:
    for pattern in (ATTRIBUTION_RE, HEADER_RE):
        for match in pattern.finditer(text):
            name = match.group("name")
            start = match.start("name")
            stripped = name.strip()
            if not stripped or "@" in stripped:
                continue
            words = [w for w in re.split(r"[\s]+", stripped) if w]
            if len(words) > 5 or any(
                fold(w).lower().strip(".,'") in DOMAIN_WORDS or fold(w).lower() in GLUE
                for w in words
            ):
                continue
            if not any(ch.isupper() for ch in stripped):
                continue
            offset = start + name.index(stripped)
            yield Entity(offset, offset + len(stripped), "PERSON")


SPELLING_CUE_RE = re.compile(
    r"^\s*(?:,\s*)?(?:(?:ca|ça)\s+s['’]\s?[ée]crit|s['’][ée]crit|j['’]\s?[ée]pelle|je\s+vous\s+"
    r"(?:l['’]\s?)?[ée]pelle|[ée]pel[ée]|comme\s+[çc]a)",
    re.IGNORECASE,
)


SPELLING_WORDS_RE = re.compile(r"crit|pel|comme", re.IGNORECASE)


def _before_spelling(tokens: Tokens, folded: str) -> Iterable[Entity]:
    """The name said just before it is spelled (« Brunet B R U N E T », « c'est riviere ça
    s'écrit … »)."""
    text = tokens.text
    for match in SPELLED_RE.finditer(folded):
        letters = _letters(match.group())
        if len(letters) < 3 or letters in SPELLED_NOT_NAMES:
            continue
        yield from _name_before(tokens, match.start())
        yield from _same_word_after(tokens, match.end(), letters)
    for match in SPELLING_ALPHABET_RE.finditer(folded) if "comme" in folded else ():
        initials = "".join(re.findall(r"(?<![\w])([a-z])[ \t]+comme\b", match.group().lower()))
        yield from _name_before(tokens, match.start(), initials)
    if not SPELLING_WORDS_RE.search(folded):
        return
    for index in range(len(tokens)):
        rest = text[tokens[index].end : tokens[index].end + 40]
        if tokens[index].word and SPELLING_CUE_RE.match(rest):
            yield from _name_before(tokens, tokens[index].end)


SPELLING_FILLERS = _words(
    "alors donc euh voila voilà ça ca s' ecrit écrit j' epelle épelle je vous l' : ,"
)


def _name_before(tokens: Tokens, position: int, spelled: str = "") -> Iterable[Entity]:
    """The words said right before a spelling; with ``spelled`` (the letters spelled), the
    word they spell even when it is a French word (« spitz S comme Suzanne… »)."""
    end = 0
    while end < len(tokens) and tokens[end].end <= position:
        end += 1
    while end > 0 and tokens[end - 1].key in SPELLING_FILLERS:
        end -= 1
    start = end
    while start > 0 and end - start < 3:
        token = tokens[start - 1]
        if start < end and ("\n" in tokens[start].gap or tokens[start].gap.strip()):
            break
        if not token.word or token.key in GLUE or token.domain:
            break
        if token.common_any and not token.known and not _spells(tokens, start - 1, end, spelled):
            break
        start -= 1
    if (
        start < end
        and start >= 2
        and tokens[start - 1].key in PARTICLES
        and tokens[start - 2].key in NAME_ANNOUNCERS
    ):
        start -= 1  # « mon nom le moigne L, E, M… »: the particle is part of the name
    if start < end:
        yield _entity(tokens, start, end)


# Words after which a particle opens a name (« mon nom le moigne », « c'est de la roche »).
NAME_ANNOUNCERS = _words("nom prenom est c cest appelle : moi")


def _spells(tokens: Tokens, start: int, end: int, spelled: str) -> bool:
    """Whether the words ``tokens[start:end]`` are the letters spelled after them."""
    if not spelled:
        return False
    said = "".join(t.key for t in tokens.items[start:end] if t.word).replace("'", "")
    return said.replace("-", "") == spelled


def _same_word_after(tokens: Tokens, position: int, letters: str) -> Iterable[Entity]:
    """« B O U A Z I Z A bouaziza »: the word said right after its spelling."""
    for index, token in enumerate(tokens.items):
        if token.start < position:
            continue
        if token.word and token.key.replace("-", "").replace("'", "") == letters:
            yield _entity(tokens, index, index + 1)
        return


NAME_QUESTION_RE = re.compile(
    r"(?:nom|pr[ée]nom|honneur|qui\s+(?:est|ai-je)|vous\s+[êe]tes|epel|[ée]pel|appelez|identit"
    r"|appelle\s+comment)",
    re.IGNORECASE,
)
LINE_PREFIX_RE = re.compile(
    r"[ \t>]*(?:\[[\d:.,]+\][ \t]*)?(?:(?:appelant|appelante|usager|usagere|client|cliente"
    r"|allocataire|assure|assuree|interlocuteur|interlocutrice|u|c"
    r"|citoyen|citoyenne|vous|moi|demandeur|demandeuse|beneficiaire|visiteur|visiteuse"
    r"|contribuable|internaute)[ \t]*:[ \t]*)?",
    re.IGNORECASE,
)
# A caller's turn of a chat or a call, and nothing else on the line's start.
CALLER_LABEL_RE = re.compile(
    r"[ \t>]*(?:\[[\d:.,]+\][ \t]*)?(?:appelant|appelante|usager|usagere|client|cliente"
    r"|allocataire|assure|assuree|citoyen|citoyenne|vous|moi|demandeur|demandeuse"
    r"|beneficiaire|visiteur|visiteuse|contribuable|internaute)[ \t]*:",
    re.IGNORECASE,
)


# A line of contact details under a name: a number (street, phone), « tél », an address.
CONTACT_LINE_RE = re.compile(
    r"(?:\+?\d|t[ée]l|tel\b|portable|mobile|mail|courriel|b[aâ]t|appt|r[ée]sidence|lieu|bp\b"
    r"|[\w.+-]+@)",
    re.IGNORECASE,
)


FORM_LINE_RE = re.compile(
    r"^[ \t>]*(?P<label>[^:\n]{2,40}?)[ \t]*:[ \t]*(?P<value>[^\n]+)$", re.MULTILINE
)
PERSON_LABEL_RE = re.compile(
    r"\b(?:nom|prenoms?|agent|conseill\w*|interlocut\w*|contact|referent\w*|signataire"
    r"|demandeu\w*|beneficiaire|assure\w*|allocataire|enfants?|conjoint\w*|epou\w*|parents?"
    r"|pere|mere|tut\w+|curat\w+|representant\w*|personne|auteur|expediteur|destinataire"
    r"|titulaire|mandataire|temoin|locataire|proprietaire|declarant\w*|identite"
    r"|personnes|vendeu\w*|acheteu\w*|bailleu\w*|heberge\w*|salarie\w*|employeur"
    r"|associe\w*|aidant\w*|gerant\w*"
    # who pays, who died, who is treated or taught, who signs, who shares the home
    r"|contribuable|redevable|defunte?|decedee?|patiente?|eleve|etudiante?|soussignee?"
    r"|concubine?|pacsee?"
    # who sends or is represented, who shares a lease or an account, who inherits or is
    # widowed, a godparent, a doctor (« Émetteur : », « Colocataire : »; not « Garant : »,
    # « Caution : », « Famille : », often a body or a description)
    r"|emett\w+|mandant\w*|colocataire\w*|cotitulaire\w*|co-titulaire\w*"
    r"|ayants?[ -]droits?|accompagnant\w*|veu[fv]e?|orphelin\w*|heriti\w+"
    r"|parrain|marraine|medecin|qui[ \t]+etes"
    # the other side of a dispute (« Partie adverse : Ville Laurent »)
    r"|partie[ \t]+adverse|adversaire)\b",
    re.IGNORECASE,
)
# The parties a form names by their role: a sale, a lease, a lodging, a job at home, a
# farm's partners, a carer (« Vendeur : …, Hébergeant : …, Salariée : … »). They may be
# no one (« Vendeur : particulier », « Employeur : garage »): a French word in lower case
# is kept there.
PARTY_LABEL_RE = re.compile(
    r"\b(?:personnes|vendeu\w*|acheteu\w*|bailleu\w*|heberge\w*|salarie\w*|employeur"
    r"|associe\w*|aidant\w*|gerant\w*"
    r"|emett\w+|mandant\w*|colocataire\w*|ayants?[ -]droits?|accompagnant\w*|heriti\w+"
    r"|medecin|partie[ \t]+adverse|adversaire)\b",
    re.IGNORECASE,
)
NOT_PERSON_LABEL_RE = re.compile(
    # the reason of a contact (« Motif du contact : »), a firm's trade name (« Nom
    # commercial : »)
    r"\b(?:motif|objet|sujet|commercial|enseigne|raison[ \t]+sociale"
    r"|commune|ville|organisme|service|entreprise|societe|structure|caisse"
    r"|fichier|domaine|rue|voie|banque|dossier|produit|logiciel|site"
    # a note about the contact (« Commentaire de l'agent : formulaire remis vierge »): free
    # text, whose first word is not a name because the label names a person
    r"|commentaires?|notes?|remarques?|observations?)\b",
    re.IGNORECASE,
)

# A form's label naming a place, a firm or a thing (« Nom de l'établissement : », « Nom de
# la crèche : », « Nom de l'exploitation : », « Type de véhicule : »): its value names no one.
ESTABLISHMENT_LABEL_RE = re.compile(
    r"\b(?:etablissement|exploitation|creche|ecole|college|lycee|clinique|hopital|pharmacie"
    r"|fournisseur|association|vehicule|marque|modele|magasin|commerce|residence|foyer[ \t]+d)",
    re.IGNORECASE,
)


# « Nom - Petit », « Prénom = Rose »: a name's label with a dash or an equals sign (only the
# labels of a name: « Objet - ma demande » is no one).
DASH_FORM_LINE_RE = re.compile(
    r"^[ \t>]*(?P<label>(?:votre[ \t]+)?(?:nom|prenoms?|nom[ \t]+de[ \t]+naissance"
    r"|nom[ \t]+d'usage|nom[ \t]+de[ \t]+famille|nom[ \t]+et[ \t]+prenoms?"
    r"|nom[ \t]*/?[ \t]*prenoms?))[ \t]+[-=–][ \t]+(?P<value>[^\n]+)$",
    re.MULTILINE | re.IGNORECASE,
)


# « nom=MENDIBOURE ; prénom=Ane »: a name's field written as key=value, several on a line
# (thirteenth pass).
KEY_VALUE_NAME_RE = re.compile(
    r"(?:^|[;|&][ \t]*|(?<=\n)[ \t]+)(?P<label>nom|prenoms?|nom[ \t]+de[ \t]+naissance"
    r"|nom[ \t]+d'usage|nom[ \t]+de[ \t]+famille)[ \t]*=[ \t]*(?P<value>[^;|&=\n]+)",
    re.MULTILINE | re.IGNORECASE,
)


# A chat's speaker named by their organisation's acronym (« Agent ANTS », « Conseillère CAF »).
SPEAKER_OF_ORGANISATION_RE = re.compile(
    r"(?:\[[\d:.]+\][ \t]*)?(?i:agente?|conseill\w+|operat\w+|chatbot|assistante?)[ \t]+[A-Z]{2,8}"
)


def _form_lines(folded: str, tokens: Tokens) -> Iterable[Entity]:
    """« Nom de l'agent : X », « Enfant à charge : Y », « Personne à contacter : Z »."""
    if ":" not in folded and "-" not in folded and "=" not in folded and "–" not in folded:
        return
    matches = list(FORM_LINE_RE.finditer(folded)) if ":" in folded else []
    matches.extend(DASH_FORM_LINE_RE.finditer(folded))
    if "=" in folded:
        matches.extend(KEY_VALUE_NAME_RE.finditer(folded))
    for match in matches:
        label = match.group("label")
        if match.re is FORM_LINE_RE and (
            fold(label).strip(" >").lower() in SPEAKERS
            or SPEAKER_OF_ORGANISATION_RE.fullmatch(label.strip(" >"))
        ):
            # « Agent : Caisse d'allocations… », « Agent ANTS : Demandez au vendeur … »: a
            # speaker's turn, not a form
            continue
        if (
            not PERSON_LABEL_RE.search(label) and not ROLE_LABEL_RE.fullmatch(label.strip(" >-"))
        ) or NOT_PERSON_LABEL_RE.search(label):
            continue
        if ESTABLISHMENT_LABEL_RE.search(label):
            continue
        start = 0
        while start < len(tokens) and tokens[start].start < match.start("value"):
            start += 1
        if start < len(tokens) and tokens[start].key in CIVILITIES:
            start += 1
        if (
            start + 1 < len(tokens)
            and tokens[start].key in SERVICE_NOUNS | ORGANISATION_WORDS
            and tokens[start + 1].key in {"de", "des", "du", "d'"}
        ):
            continue  # « Destinataire : Centre des finances publiques de … »: an office
        if (
            start < len(tokens)
            and not tokens[start].cap
            and tokens[start].common_any
            and PARTY_LABEL_RE.search(label)
            and not re.search(r"\bnom\b", label, re.IGNORECASE)
        ):
            continue
        end = _closing_value_word(tokens, start, name_run(tokens, start, STRONG), label)
        if (
            end == start
            and start + 1 < len(tokens)
            and tokens[start].upper
            and tokens[start].word
            and not tokens[start].domain
            and tokens[start + 1].cap
            and not tokens[start + 1].upper
            and not tokens[start + 1].common_any
            and tokens[start + 1].gap == " "
        ):
            # « Demandeur : LIN Xiaowei »: a surname in capitals that is also a word, then a
            # given name no vocabulary knows
            end = max(start + 2, name_run(tokens, start + 1, STRONG))
        while end > start:
            yield _entity(tokens, start, end)
            start = _next_listed_name(tokens, end)
            end = name_run(tokens, start, STRONG) if start > end else start


# A form's label for a person by their state or their part (« Retraité : », « Exploitant : »,
# « Mineur : », « Stagiaire : »), the whole label.
ROLE_LABEL_RE = re.compile(
    r"(?:nom[ \t]+(?:du|de[ \t]+la|de[ \t]+l')[ \t]*)?(?:co-?)?(?:retraitee?|exploitante?"
    r"|mineure?|majeure?(?:[ \t]+protegee?)?|pensionnee?|apprentie?|stagiaire|candidate?"
    r"|residente?|accompagnante?|accompagnee?|nourrice|assistante?[ \t]+maternelle)"
    r"(?:[ \t]*\d)?(?:[ \t]*\([^)\n]*\))?",
    re.IGNORECASE,
)

NOM_LABEL_RE = re.compile(r"\bnom\b", re.IGNORECASE)


def _closing_value_word(tokens: Tokens, start: int, end: int, label: str) -> int:
    """Where a form's name value ends, with the word a name run leaves that closes the
    line: a capitalised surname that is also a day or a word (« Conjoint : Barthélémy
    Lundi »), or a surname in capitals alone under a name's label (« Nom marital : PIE »)."""
    if end >= len(tokens):
        return end
    token = tokens[end]
    closes = end + 1 == len(tokens) or "\n" in tokens[end + 1].gap
    if not (closes and token.word and len(token.key) >= 3):
        return end
    if end > start and token.gap == " " and token.cap and not token.upper:
        if not token.domain or token.key in MONTH_AND_DAY_WORDS:
            return end + 1  # « Barthélémy Lundi »
    elif end == start and token.upper and not token.domain and NOM_LABEL_RE.search(label):
        return end + 1  # « Nom marital : PIE »
    return end


def _next_listed_name(tokens: Tokens, index: int) -> int:
    """Where the next name of a form's list starts (« Enfants : Alix (2019), Jade (2021) »,
    « Associés : Kerhervé, Le Dantec »): after a bracket and a comma or « et », a
    capitalised word on the same line; ``index`` when the list stops."""
    i = index
    if i < len(tokens) and tokens[i].text == "(":
        while i < len(tokens) and tokens[i].text != ")" and "\n" not in tokens[i].gap:
            i += 1
        i += 1
    listed = (
        i + 1 < len(tokens)
        and tokens[i].key in {",", "et", "/"}
        and tokens[i + 1].cap
        and "\n" not in tokens[i].gap + tokens[i + 1].gap
    )
    return i + 1 if listed else index


QUOTE_START_RE = re.compile(
    r"(?:-{2,}|_{3,}|de\s*:|from\s*:|le\s.{0,80}a\s+ecrit|envoye\s*:)", re.IGNORECASE
)
SPEAKER_RE = re.compile(
    r"^[ \t>]*(?:\[[\d:.,]+\][ \t]*)?(?P<name>[A-ZÀ-Þ][\w'’\-]+(?:[ \t]+[A-ZÀ-Þ][\w'’\-]+){0,2})"
    r"[ \t]*(?P<org>\([^)\n]{1,30}\)|[-–][ \t]*[\w' ]{2,30})?[ \t]*:(?!\d)",
    re.MULTILINE,
)
TIMESTAMP_RE = re.compile(r"[ \t>]*\[[\d:.,]+\]")
# Speaker labels that are a role, not a person.
SPEAKERS = _words(
    """agent agente appelant appelante usager usagere usagère client cliente conseiller
    conseillere conseillère vous moi interlocuteur interlocutrice operateur operatrice
    opérateur opératrice systeme système bot assistant assistante accueil standard
    allocataire assure assuré assuree assurée demandeur demandeuse message objet nom prenom
    prénom adresse tel tél telephone téléphone date email mail courriel de à a cc re tr fwd
    ps nb pj
    from to sent subject bcc reply-to von an gesendet betreff datum envoye envoyé"""
)


def _final_signature(tokens: Tokens) -> Iterable[Entity]:
    """« ok merci bcp ! tiphaine »: one or two words closing a message after « ! », « . »
    or « , », each a listed first name or no French word, not even with a typo; one listed
    first name alone after « . » or « ! », even a French word."""
    items = tokens.items
    end = len(items)
    while end and items[end - 1].text in {".", "!"}:
        end -= 1
    start = end
    while start and end - start < 2 and items[start - 1].word:
        start -= 1
        if (
            start < end - 1
            and items[start].text.endswith(".")
            and items[start].key not in CIVILITIES
        ):
            start += 1  # « … rien recu. aurore »: the sentence's last word keeps its full stop
            break
    if start == end or start == 0:
        return
    # « … merci de mettre à jour pour\nMélusine Garrigues »: two capitalised words alone on
    # the last line close the message as well
    own_line = "\n" in items[start].gap and all(t.cap and not t.upper for t in items[start:end])
    stop_on_word = items[start - 1].word and items[start - 1].text.endswith(".")
    if (
        items[start - 1].text not in {"!", ".", ",", "?"}
        and not (own_line and end - start == 2)
        and not stop_on_word
    ):
        return
    run = items[start:end]
    if any(
        t.domain or t.key in GLUE or t.key in SMS_WORDS or (t.place and not t.known) for t in run
    ):
        return
    if len(run) == 1 and run[0].key in WORD_FIRST_NAMES and COLOUR_TALK_RE.search(tokens.text):
        return  # « de quelle couleur est le formulaire ? rose »
    if all((t.first and not t.common_any) or not (t.common_any or t.typo) for t in run) and any(
        t.first or len(t.key) > 3 for t in run
    ):
        yield _entity(tokens, start, end)
    elif (
        len(run) == 1
        and (run[0].first or (run[0].known and run[0].cap and not run[0].upper))
        and (
            items[start - 1].text in {".", "!"}
            or (items[start - 1].text.endswith(".") and items[start - 1].key not in CIVILITIES)
        )
        and run[0].key not in CLOSING_WORDS
        and len(run[0].key) > 3
    ):
        # « rien reçu. aurore »: a listed first name that is also a word, alone after the
        # last sentence (not after a comma: « … pas clair, claire » is rare, « …, merci » not)
        yield _entity(tokens, start, end)
    elif len(run) == 1 and _final_capitalised_noun(tokens, start):
        yield _entity(tokens, start, end)  # « … je suis très mécontent. Marteau »
    elif (
        len(run) == 1
        and tokens.lowercase
        and run[0].known
        and items[start - 1].text in {".", "!", "?"}
        and len(run[0].key) > 3
        and _plain_word(run[0])
        and run[0].key not in CLOSING_WORDS | LAST_WORDS_NOT_NAMES
    ):
        # « … on continue a toucher les allocs ? rivière »: a chat signed by a listed
        # surname that is also a word, alone after its last sentence
        yield _entity(tokens, start, end)
    elif (
        own_line
        and len(run) == 2
        and items[start - 1].text not in {"!", ".", ",", "?"}
        and ((run[0].first and not run[0].common_any) or not (run[0].common_any or run[0].typo))
        and len(run[1].key) > 3
        and run[1].key not in ROLES | SUBJECT_NOT_NAMES
    ):
        yield _entity(tokens, start, end)  # « Mélusine Garrigues »: a surname that is a word


# « Fait à Lyon, le 3 mars 2025, Petit »: a letter's place and date, then who signs it.
MADE_AT_RE = re.compile(
    r"(?<![\w])fait[ \t]+(?:(?:a|à|au)[ \t]+[^\n,.:;!?]{2,40}?"
    r"(?:[ \t]*,?[ \t]*le[ \t]+[^\n,:;!?]{1,30}?)?"
    # « Fait le 3 mars 2025 à Lyon, … »
    r"|le[ \t]+[^\n,:;!?]{1,30}?[ \t]+(?:a|à|au)[ \t]+[^\n,.:;!?]{2,40}?)"
    r"[ \t]*(?:,[ \t]*|\n[ \t]*)",
    re.IGNORECASE,
)
NOT_SIGNING = _words("signature signe signé lu certifie pour le la")


def _made_at(tokens: Tokens) -> Iterable[Entity]:
    """« Fait à Lyon, le 3 mars 2025, Blanc »: the name after the place and date of a
    letter, a capitalised French word too, alone to the end of its line."""
    text = tokens.text
    if "fait" not in text.lower():
        return
    by_start = {t.start: i for i, t in enumerate(tokens.items)}
    for match in MADE_AT_RE.finditer(text):
        index = by_start.get(match.end())
        if index is None:
            continue
        first = tokens[index]
        if not first.cap or first.key in NOT_SIGNING or first.key in CLOSING_WORDS:
            continue
        end = name_run(tokens, index, STRONG)
        if end > index and (
            end == len(tokens) or "\n" in tokens[end].gap or tokens[end].text in {".", ","}
        ):
            yield _entity(tokens, index, end)


# One word closing a message after its last full stop that says something, not who writes
# (« … toujours rien. Urgent », « … Dommage », « … Bref »).
LAST_WORDS_NOT_NAMES = _words(
    """urgent urgence dommage bref desole desolee help encore attention rappel relance
    pourquoi enfin ridicule super parfait bravo oui non rien vite svp stp amen salut ciao
    inadmissible honteux lamentable scandaleux incroyable inacceptable voila ok merci
    annexe annexes facture factures question questions document documents dossier demande
    reponse piece pieces justificatif justificatifs attestation formulaire courrier objet
    suite precision info infos information informations remarque note reclamation
    contestation recours probleme erreur rectification signe signature"""
)


def _final_capitalised_noun(tokens: Tokens, start: int) -> bool:
    """« … je suis très mécontent. Marteau »: one capitalised French word (a surname that is
    a noun), alone after the message's last full stop or « ! »: no closing word,
    interjection, administrative noun, adjective, participle or adverb."""
    token = tokens[start]
    previous = tokens[start - 1]
    return (
        token.cap
        and not token.upper
        and start >= 4
        and "\n" not in token.gap
        and (
            previous.text in {".", "!"}
            or (previous.word and previous.text.endswith(".") and previous.key not in CIVILITIES)
        )
        and len(token.key) > 3
        and token.key not in CLOSING_WORDS
        and token.key not in LAST_WORDS_NOT_NAMES
        and _plain_word(token)
        and not _adjective_like(token)
        and not PARTICIPLE_RE.search(token.text.lower())
        and not token.key.endswith("ment")
        and "-" not in token.key  # « Aidez-moi »
        and not (token.place and not token.known)
    )


# What an SMS signature is followed by: the writer's identifiers and contact details.
CONTACT_FOLLOWERS = _words(
    """alloc allocataire num numero n° no nº tel tél telephone tele portable port mob mobile
    ne nee né née bp secu sécu nir matricule dossier mail email courriel adresse ld lieu-dit
    res residence rue chemin avenue av bd boulevard impasse allee route cite lotissement
    domicilie domiciliee iban rib ref"""
)
# « ne », « née » follow a name as its birth only before « le », « à », « en ».
BIRTH_WORDS = _words("ne nee né née")
SIGNATURE_INTROS = _words("c cest c' est ici moi")


def _ends_sentence(token: Token) -> bool:
    """« . », « ! », « ? », « , », or a word that swallowed its full stop (« svp. »)."""
    if token.text in {".", "!", "?", ",", ";", "…"}:
        return True
    return (
        token.word
        and token.text.endswith(".")
        and (len(token.key) > 1 or token.text.islower())  # « … un avis de 812e. »
        and token.key not in CIVILITIES
        and not _is_initial(token)
    )


def _signing_word(token: Token, position: int) -> bool:
    """A word of a name signing an SMS: « bah » of « kadiatou bah » may be an interjection
    elsewhere, not after a first word."""
    if not token.word or len(token.key) < 2 or token.domain or token.key in GLUE:
        return False
    if token.key in CONTACT_FOLLOWERS or token.key in CLOSING_WORDS:
        return False
    if token.key in SMS_WORDS and position == 0:
        return False
    if token.key in ROLES or token.key in CIVILITIES or token.key in SUBJECT_NOT_NAMES:
        return False
    if token.place and not token.known:
        return False
    if token.common_any and not token.known and token.key.endswith("ment"):
        return False
    return not (_adjective_like(token) and not token.known)


def _signed_sentences(tokens: Tokens) -> Iterable[Entity]:
    """SMS signatures: « … rien depuis. amaia irigoyen alloc 5449757 », « … possible ?
    estelle castagne, lieu-dit … », « … svp. oleksandr », « … ? cest goulven coadou le
    fils, 02 … »: a sentence that is nothing but a name, followed by the writer's
    identifiers or contact details, or closing the message."""
    items = tokens.items
    count = len(items)
    for index in range(count):
        if index and not _ends_sentence(items[index - 1]):
            continue
        start = index
        while start < count and start - index < 2 and items[start].key in SIGNATURE_INTROS:
            start += 1
        words: list[Token] = []
        i = end = start
        while i < count and len(words) < 4:
            token = items[i]
            if i > start and token.gap != " ":
                break
            if words and token.key in PARTICLES:
                j = i
                while j < count and j - i < 2 and items[j].key in PARTICLES:
                    j += 1
                if j < count and items[j].gap == " " and _signing_word(items[j], 1):
                    i = j
                    continue
                break
            if not _signing_word(token, len(words)) and not (
                # « hilaire troufflard ne le … »: a first name that looks like an adjective,
                # before a word that is no French word
                not words
                and _adjective_like(token)
                and _plain_word(token)
                and token.key not in CONTACT_FOLLOWERS
                and i + 1 < count
                and items[i + 1].gap == " "
                and _clean_unknown(tokens, items[i + 1])
            ):
                break
            if words and words[0].cap and not token.cap and not tokens.lowercase:
                break  # « Nathalie Kerhervé nouveau rib … »: the name is what is capitalised
            words.append(token)
            i += 1
            end = i
        if not words or not _signature_follows(tokens, end):
            continue
        if len(words) == 1:
            word = words[0]
            final = all(not t.word for t in items[end:])
            if start == 0 and final:
                continue  # a message of one word is no signature
            if not (
                (word.first and not word.common_any)
                or (_clean_unknown(tokens, word))
                or (final and word.typo and len(word.key) > 3 and items[start - 1].text == ",")
            ):
                continue
        else:
            # « … rien recu. blanche chapeau 06 … »: a given name that is a word opens it
            named = [t.known or (i == 0 and t.key in WORD_FIRST_NAMES) for i, t in enumerate(words)]
            if not any(k or not t.common_any for k, t in zip(named, words, strict=True)):
                continue
            if sum(t.common_any and not k for k, t in zip(named, words, strict=True)) > 1:
                continue
        yield _entity(tokens, start, end)


def _signature_follows(tokens: Tokens, end: int) -> bool:
    """After a name signing an SMS: nothing, an identifier or a contact detail (not a
    postcode: a town before its postcode is no name), « le fils »."""
    items = tokens.items
    rest = items[end:]
    if all(not t.word and not t.text[0].isdigit() for t in rest):
        return True
    following = items[end]
    if following.text == "," and end + 1 < len(items):
        following = items[end + 1]
    if following.text[0].isdigit():
        return not re.fullmatch(r"\d{5}", following.text)
    if following.key in CONTACT_FOLLOWERS:
        if following.key in BIRTH_WORDS:
            index = items.index(following)
            return index + 1 < len(items) and items[index + 1].key in {"le", "a", "en"}
        return True
    text = tokens.text
    return bool(SIGNING_RELATIVE_RE.match(text, items[end - 1].end))


# « … cest goulven coadou le fils, 02 98 … »: who the writer is to the person concerned.
SIGNING_RELATIVE_RE = re.compile(
    r"[ \t]*,?[ \t]*(?:le|la|sa|son)[ \t]+(?:fils|fille|m[eè]re|p[eè]re|femme|mari"
    r"|s(?:oe|œ)ur|fr[eè]re|voisine?|tante|oncle|ni[eè]ce|neveu|petite?-(?:fils|fille))\b",
    re.IGNORECASE,
)


def _speaker_labels(text: str, tokens: Tokens) -> Iterable[Entity]:
    """« Léa (conseillère) : … », « Nadia - CAF : … »: a name as a chat or call speaker."""
    if ":" not in text:
        return
    by_start = {t.start: i for i, t in enumerate(tokens.items)}
    for match in SPEAKER_RE.finditer(text):
        index = by_start.get(match.start("name"))
        if index is None:
            continue
        end = index
        while end < len(tokens) and tokens[end].end <= match.end("name"):
            end += 1
        run = tokens.items[index:end]
        if not run or any(
            not t.word or t.key in SPEAKERS or t.domain or t.key in GLUE or t.place for t in run
        ):
            continue
        name = fold(match.group("name"))
        if PERSON_LABEL_RE.search(name) or ROLE_LABEL_RE.fullmatch(name):
            continue  # « Co-titulaire : … », « Retraitée : … »: a form's label, no speaker
        listed = all((t.first or t.known) or not (t.common_any or t.typo) for t in run)
        if (listed and any(t.first or not t.common_any for t in run)) or (
            _agent_with_organisation(text, match, run)
        ):
            yield _entity(tokens, index, end)


# What follows a service's own name as a chat's speaker (« Greffe – accueil : »), not an
# organisation after an agent's name.
DESK_SPEAKER_WORDS = frozenset(
    "accueil permanence standard secretariat guichet service antenne bureau".split()  # noqa: SIM905
)


def _agent_with_organisation(text: str, match: re.Match[str], run: list[Token]) -> bool:
    """« [10:11] Modeste (MSA) : … », « Gaspard - CAF : … »: one capitalised word named with
    its organisation as a chat's speaker is the agent's first name, even a French word
    (« Constant », « Juste ») or one the vocabulary lists (« Amandine », « Sixtine »); only on
    a timestamped turn or a speaker who speaks twice, where a form's « Logement (HLM) : »
    never stands."""
    if match.group("org") is None or len(run) != 1 or not _agent_name_word(run[0]):
        return False
    token = run[0]
    if token.key in SPEAKERS or token.key in MONTH_AND_DAY_WORDS or token.key in GREETINGS:
        return False
    if (
        fold(match.group("org")).lower().strip(" \t()-–") in DESK_SPEAKER_WORDS
        and token.common_any
        and not token.first
    ):
        return False  # « Greffe – accueil : », « Conciliateur – permanence : »: a desk
    if TIMESTAMP_RE.match(text, match.start()):
        return True
    label = re.escape(text[match.start("name") : match.end()])
    return len(re.findall(rf"^[ \t>]*{label}", text, re.MULTILINE)) >= 2


# The agent's question in a call transcript (« Agent : vous êtes ? »).
AGENT_QUESTION_RE = re.compile(
    r"[ \t>]*(?:(?:\[[\d:.,]+\][ \t]*)?(?:agent|agente|conseill\w*|operat\w*|accueil|a)"
    # a chat's timestamped turn of the agent named or of the service (« [10:05] Rémi : »,
    # « [13:11] Greffe : », « [09:01] Juste (CAF) : »), not the caller's
    r"|\[[\d:.,]+\][ \t]*(?!(?:appelant|appelante|usager|usagere|client|cliente|citoyen"
    r"|citoyenne|vous|moi|visiteur|visiteuse|contribuable|internaute)[ \t]*:)"
    r"[^\n:]{2,40})[ \t]*:[^\n]*(?:\?|s'il[ \t]+vous[ \t]+pla|svp)",
    re.IGNORECASE,
)
# The agent's line that is nothing but the name question, without a colon or a question
# mark (« agent et vous êtes », « agent votre nom »).
BARE_NAME_QUESTION_RE = re.compile(
    r"[ \t>]*(?:agent|agente|conseill\w*|operat\w*)[ \t]+(?:et[ \t]+|alors[ \t]+)?"
    r"(?:vous[ \t]+[êe]tes|votre[ \t]+(?:nom|pr[ée]nom)(?:[ \t]+de[ \t]+famille)?"
    r"|c'est[ \t]+(?:de[ \t]+la[ \t]+part[ \t]+de[ \t]+qui|[àa][ \t]+quel[ \t]+nom))"
    r"[ \t?]*",
    re.IGNORECASE,
)
# What a caller says around their name: « euh oui c'est Olive euh Olive Baptiste ».
ANSWER_FILLERS = _words(
    """euh heu hum ben bah alors donc oui ouais voila voilà c' c est cest moi je suis m'
    appelle madame monsieur mme m. mr mademoiselle mlle , . ! ... ah bon ok d'accord
    nee née ne né epouse épouse ep veuve"""
)


def _first_sentence(run: list[Token]) -> list[Token]:
    """« Morgane Le Goff, née Tanguy. Née le 3 mai. »: the answer's first sentence."""
    for i, token in enumerate(run):
        if token.text in {".", "!", "?"}:
            return run[:i]
        if (
            token.word
            and token.text.endswith(".")
            and i < len(run) - 1
            and not _is_initial(token)
            and token.key not in CIVILITIES
        ):
            return run[: i + 1]
    return run


def _answered_names(tokens: Tokens, run: list[Token]) -> Iterable[Entity]:
    """The answer to « votre nom ? » or « vous êtes ? » with fillers around and between
    the names: every run of name words, up to three, is the name."""
    if len(run) > 9:
        return
    pieces: list[list[Token]] = [[]]
    for token in run:
        if token.key in ANSWER_FILLERS or not token.word:
            pieces.append([])
        else:
            pieces[-1].append(token)
    pieces = [p for p in pieces if p]
    if not pieces or len(pieces) > 3 or any(len(p) > 3 for p in pieces):
        return
    for piece in pieces:
        if any(
            t.domain
            or (t.key in GLUE and not (i and t.cap and t.key in PARTICLES))  # « Le Goff »
            or t.key in SMS_WORDS
            or t.place
            for i, t in enumerate(piece)
        ):
            return
        if any(t.common_any and not t.known and ANSWER_VERB_RE.search(t.key) for t in piece):
            return  # « attendez », « je cherche », « pardon »: no name given
        if all(t.key in ANSWER_INTERJECTIONS for t in piece):
            return  # « ah pardon », « euh bon »: no name either, even a listed surname
    for piece in pieces:
        if len(piece) == 1 and piece[0].key in BIRTH_MARKERS:
            continue  # « Nodira Yusupova, née 1.9.1994 »: the birth date follows
        yield Entity(piece[0].start, piece[-1].end, "PERSON")


ANSWER_INTERJECTIONS = _words("ah oh eh euh heu bah ben hein bon ok okay pardon voila hum")
BIRTH_MARKERS = _words("ne nee nes nees né née nés nées")


# What a caller says instead of their name: a verb (« attendez », « cherche », « sais »).
ANSWER_VERB_RE = re.compile(
    r"(?:ez|ons)$|^(?:cherche|attends|attend|pardon|comment|quoi|desole|desolee|minute"
    r"|instant|sais|regarde|sors|trouve)$"
)


# One word closing a message that is no signature.
CLOSING_WORDS = _words(
    """cordialement merci salutations amicalement respectueusement bises bisous biz cdlt cdt
    slt signature urgent bonjour bonsoir bonne voila voilà ps pj nb amities amitiés
    courage remerciements sincerement sincèrement bien fin
    bonnes joyeux joyeuse joyeuses belle belles excellente excellentes meilleurs"""
)


def _signature_word(token: Token) -> bool:
    return (
        token.word
        and token.cap
        and not token.upper
        and len(token.key) > 2
        and not token.domain
        and not token.place
        and token.key not in GLUE
        and token.key not in SMS_WORDS
        and token.key not in CLOSING_WORDS
        and token.key not in ROLES
        and token.key not in CIVILITIES
    )


# A line of the writer's contact details: a phone number or an email, labelled or not.
CONTACT_ABOVE_RE = re.compile(
    r"[ \t>]*(?:(?:t[ée]l[ée]phone|tel|t[ée]l\.?|portable|mobile|mail|e-mail|email|courriel)"
    r"[^\n:]{0,15}:?[ \t]*)?(?:\+?\d[\d .\-]{7,}\d|[\w.+-]+@[\w.-]+)[ \t.]*$",
    re.IGNORECASE,
)


# A caller's short line before the one read (« Vous : marronnier »): the answer goes on.
SHORT_ANSWER_LINE_RE = re.compile(
    r"[ \t>]*(?:appelant|appelante|usager|usagere|citoyen|citoyenne|vous|client|cliente)"
    r"[ \t]*:[ \t]*[\w'’\-]+(?:[ \t]+[\w'’\-]+){0,2}[ \t.,!]*",
    re.IGNORECASE,
)


# What ends the name a caller answers with: the words of a sentence, an identifier, a birth.
ANSWER_STOPS = IDENTIFIER_CUES | BIRTH_MARKERS | _words("ref reference")


def _plain_answer(tokens: Tokens, run: list[Token]) -> Iterable[Entity]:
    """« hamidou sow dossier 2026/1234 », « noa rakoto né le … », « honorine, vous m'avez
    aidée … »: the words opening an answer to a name question, up to a grammatical word,
    an identifier's cue, a birth or a number, when each is a listed name or no French word
    (not even with a typo) and one or more is not capitalised as a sentence would be."""
    words: list[Token] = []
    for token in run:
        if not token.word or token.key in ANSWER_STOPS:
            break
        if token.key in GLUE and not (words and token.cap and token.key in PARTICLES):
            break
        words.append(token)
    if not words or len(words) > 4 or (run[len(words) :] and run[len(words)].text == ":"):
        return
    if all(
        (t.first or t.known or not (t.common_any or t.typo))
        and len(t.key) >= 2
        and not t.domain
        and not t.place
        and t.key not in SMS_WORDS
        and t.key not in ROLES
        and t.key not in SPEAKERS
        and t.key not in ANSWER_INTERJECTIONS
        for t in words
    ):
        yield Entity(words[0].start, words[-1].end, "PERSON")


def _answers_after_caller_turns(folded: str, lines: list[tuple[int, int]], number: int) -> bool:
    """« Agent : le prénom de votre fils ? / Vous : il a 8 ans / Vous : lenny »: a caller's
    line whose own earlier turns (up to three) follow the agent's name question."""
    if not number or not CALLER_LABEL_RE.match(folded, lines[number][0]):
        return False
    for above in range(number - 1, max(-1, number - 4), -1):
        line = folded[lines[above][0] : lines[above][1]]
        if CALLER_LABEL_RE.match(line):
            continue
        return above < number - 1 and bool(
            NAME_QUESTION_RE.search(line) and AGENT_QUESTION_RE.match(line)
        )
    return False


def _asked_line(folded: str, lines: list[tuple[int, int]], number: int) -> str:
    """The line a caller's line answers: the one above it, or the one above the caller's
    own short answer (« Agent : Votre nom ? / Vous : marronnier / Vous : éloïse
    marronnier »)."""
    if not number:
        return ""
    above = folded[lines[number - 1][0] : lines[number - 1][1]]
    if number >= 2 and SHORT_ANSWER_LINE_RE.fullmatch(above):
        return folded[lines[number - 2][0] : lines[number - 2][1]]
    return above


def _name_lines(text: str, folded: str, tokens: Tokens) -> Iterable[Entity]:
    """A line that is nothing but a name: in an email's signature or quoted reply, as a
    caller's answer to « votre nom ? », or a listed first name alone on the last line."""
    if "\n" not in text:
        return
    from parvis.language.registers import split_email

    parts = split_email(text)
    lines = []
    position = 0
    for line in text.split("\n"):
        lines.append((position, position + len(line)))
        position += len(line) + 1
    cursor = 0
    for number, (line_start, line_end) in enumerate(lines):
        prefix = LINE_PREFIX_RE.match(folded, line_start, line_end)
        content_start = prefix.end() if prefix else line_start
        while cursor < len(tokens) and tokens[cursor].start < content_start:
            cursor += 1
        run = []
        for token in tokens.items[cursor:]:
            if token.end > line_end:
                break
            run.append(token)
        while run and not run[-1].word and run[-1].text in {".", ",", "!"}:
            run.pop()
        if run and run[0].key in CIVILITIES and not (run[0].text == "M." and len(run) == 2):
            run = run[1:]  # « M. Mbappé-Ndongo » under a message: « M. » may be an initial
        previous_line = folded[lines[number - 1][0] : lines[number - 1][1]] if number else ""
        asked_line = _asked_line(folded, lines, number)
        if (
            run
            and NAME_QUESTION_RE.search(asked_line)
            and AGENT_QUESTION_RE.match(asked_line)
            and not any(t.text == ":" for t in run)
        ):
            answered = list(_answered_names(tokens, run))
            # « Morgane Le Goff, née Tanguy. Née le … »: else the answer's first sentence
            answered = answered or list(_answered_names(tokens, _first_sentence(run)))
            yield from answered or _plain_answer(tokens, run)
        elif run and _answers_after_caller_turns(folded, lines, number):
            yield from _plain_answer(tokens, run)
        elif run and BARE_NAME_QUESTION_RE.fullmatch(previous_line):
            # « agent et vous êtes / appelant fortuné payet le papa »: the name, then who
            # the caller is
            said = run[1:] if run[0].key in SPEAKERS else run
            cut = next(
                (i for i, t in enumerate(said) if t.key in GLUE or t.key in ROLES), len(said)
            )
            if cut and any(t.known or not t.common_any for t in said[:cut]):
                yield from _answered_names(tokens, said[:cut])
        words = [t for t in run if t.key not in PARTICLES and not _is_initial(t)]
        if not words or len(run) > 5 or any(not t.word for t in run):
            continue
        if len(words) > 1 and words[0].key in WISH_WORDS:
            continue  # « Joyeux Noël », « Bonnes fêtes »: a wish closing the message
        if all(t.key in ANSWER_INTERJECTIONS for t in words):
            continue  # « appelant : ah pardon »: what a caller says, no name
        in_signature = parts is not None and (
            (line_start >= parts.signature.start and parts.signature.end > parts.signature.start)
            or (line_start >= parts.quoted.start and parts.quoted.end > parts.quoted.start)
        )
        previous = folded[lines[number - 1][0] : lines[number - 1][1]] if number else ""
        answer = bool(previous) and bool(NAME_QUESTION_RE.search(previous))
        # the last line written, before any quoted reply
        end_of_message = parts.quoted.start if parts is not None else len(text)
        last_line = not any(
            folded[a:b].strip() for a, b in lines[number + 1 :] if a < end_of_message
        )
        if not last_line:
            # the line right before a forwarded or quoted message (« -----Message
            # d'origine----- », « De : … », « Le …, X a écrit : »)
            following_line = next(
                (folded[a:b].strip() for a, b in lines[number + 1 :] if folded[a:b].strip()), ""
            )
            last_line = bool(QUOTE_START_RE.match(following_line))
        if (
            last_line
            and len(run) == 1
            and number > 0
            and previous_line.strip()[-1:] in {".", "!", ",", "?"}
            and _signature_word(run[0])
        ):
            # « Merci pour votre réponse.\nFélicité »: one capitalised word under the
            # message is who signs it, even a French word
            yield Entity(run[0].start, run[0].end, "PERSON")
            continue
        if (
            last_line
            and len(run) == 1
            and number > 0
            and CONTACT_ABOVE_RE.match(previous_line)
            and _signature_word(run[0])
            and (run[0].first or run[0].key in WORD_FIRST_NAMES or not run[0].common_any)
        ):
            # « Téléphone : 06 …\nCéleste »: a first name, even a word, under the writer's
            # phone number or email closing a form
            yield Entity(run[0].start, run[0].end, "PERSON")
            continue
        following = next(
            (folded[a:b].strip(" >") for a, b in lines[number + 1 :] if folded[a:b].strip(" >")),
            "",
        )
        contact_line = bool(CONTACT_LINE_RE.match(following))
        nameish = (
            all(
                (t.cap or t.upper or tokens.lowercase or answer)
                and not t.domain
                and not t.place
                and (t.known or not (t.common_any or t.typo))
                for t in words
            )
            or (
                # « Vo Thanh Tam » under the message (or above the writer's phone number):
                # capitalised words, one of them a listed name or no French word
                (last_line or contact_line)
                and 2 <= len(words) <= 3
                and all(
                    t.cap
                    and not t.domain
                    and not t.place
                    and t.key not in GLUE
                    and t.key not in CLOSING_WORDS
                    and t.key not in SMS_WORDS
                    for t in words
                )
                and any(t.known or not t.common_any for t in words)
            )
            or (
                # the answer to « votre nom ? »: two or three words, even French ones
                answer
                and 2 <= len(words) <= 3
                and all(
                    t.word and not t.domain and t.key not in GLUE and t.key not in SMS_WORDS
                    for t in words
                )
            )
        )
        if not nameish:
            continue
        contact_below = contact_line and all(t.cap or t.upper for t in words)
        if not (
            in_signature
            or answer
            or contact_below
            or (last_line and number > 0 and len(words) <= 3)
        ):
            continue
        # a word alone on the last line, under the message: a first name that is no
        # French word, not even with a typo (« Mereana »)
        if len(words) == 1 and not (words[0].known or answer or in_signature):  # noqa: SIM102
            if not (
                last_line
                and number > 0
                and words[0].cap
                and not words[0].upper
                and len(words[0].key) > 2
                and not tokens.lexicon.word_like(words[0].key, typos=True)
                and folded[lines[number - 1][0] : lines[number - 1][1]].strip()[-1:] in ".!,?"
            ):
                continue
        yield Entity(run[0].start, run[-1].end, "PERSON")


WISH_WORDS = _words("bonne bonnes bon joyeux joyeuse joyeuses belle belles excellente meilleurs")


# One letter said: « m comme marcel », « deux s », or the letter alone.
_SPELLING_ITEM = (
    r"(?:[a-z][ \t]+comme[ \t]+[a-z][\w'\-]*|(?:deux|double)[ \t]+[a-z](?![\w'])"
    r"|[a-z](?![\w']))"
)
_SPELLING_SEP = r"(?:[ \t]*,[ \t]*|[ \t]+puis[ \t]+|[ \t]+et[ \t]+|[ \t]*-[ \t]*|[ \t]+)"
SPELLING_ALPHABET_RE = re.compile(
    r"(?<![\w])(?:[a-z][ \t]+comme[ \t]+[a-z][\w'\-]*"
    r"(?:[ \t]*,[ \t]*|[ \t]+puis[ \t]+|[ \t]+et[ \t]+|[ \t]*-[ \t]*|[ \t]+)?){2,}"
    # « m comme marcel o u t o u deux s a m y »: one letter by its word, the others alone
    rf"|(?<![\w]){_SPELLING_ITEM}(?:{_SPELLING_SEP}{_SPELLING_ITEM}){{3,}}",
    re.IGNORECASE,
)


def _spelling_alphabet(folded: str) -> Iterable[Entity]:
    """« D comme Désiré, U comme Ursule… »: a name spelled with the phone alphabet."""
    for match in SPELLING_ALPHABET_RE.finditer(folded):
        if " comme " not in match.group().lower():
            continue  # letters alone are read by the spelling rule
        end = match.end()
        while end > match.start() and not folded[end - 1].isalnum():
            end -= 1
        tail = re.search(r"[ \t]+(?:puis|et)$", folded[match.start() : end])
        if tail:
            end = match.start() + tail.start()
        yield Entity(match.start(), end, "PERSON")


def _before_roles(tokens: Tokens, keys: list[str]) -> Iterable[Entity]:
    """« Karim, mon conseiller, … », « Mme X, l'assistante sociale »: a name in apposition."""
    for index, key in enumerate(keys):
        if key not in ROLES or index < 2 or keys[index - 1] not in ROLE_DETERMINERS:
            continue
        if "\n" in tokens[index - 1].gap:
            continue  # « Monsieur le Conciliateur,\n\nMon voisin … »: a new line, no apposition
        if keys[index - 2] != "," or index < 3:
            # « claire ma conseillère est partie »: a name opening the sentence, no comma
            name = tokens[index - 2]
            if not (
                tokens.sentence_start(index - 2)
                and name.word
                and name.first
                and not name.domain
                and name.key not in GLUE
            ):
                continue
            yield _entity(tokens, index - 2, index - 1)
            continue
        end = index - 2
        start = end
        while start > 0 and end - start < 4:
            token = tokens[start - 1]
            if start < end and ("\n" in tokens[start].gap or not tokens[start].gap):
                break
            if not _nameish(token, MEDIUM, tokens.lowercase, 1) or (
                not (token.cap or token.upper)
                and not token.known
                and (token.common_any or token.typo or token.key in SMS_WORDS)
            ):
                break
            start -= 1
        if start < end:
            yield _entity(tokens, start, end)


AGE_AFTER_RE = re.compile(r"[ \t]*(?:,[ \t]*|\([ \t]*)\d{1,2}[ \t]*ans\b")


def _aged(tokens: Tokens) -> Iterable[Entity]:
    """« mes enfants (Lina, 8 ans et Noé, 5 ans) »: a first name followed by an age."""
    if "ans" not in tokens.text:
        return
    for index, token in enumerate(tokens.items):
        if not token.word or token.domain or token.key in GLUE or token.place:
            continue
        listed = index > 0 and tokens[index - 1].key in {"et", ",", "("}
        if not (
            token.first
            or (token.cap and not token.common_any and len(token.key) > 2)
            # « (Lina, 8 ans et Noé, 5 ans) »
            or (
                token.cap
                and listed
                and (tokens[index - 1].key == "(" or not tokens.sentence_start(index))
            )
        ):
            continue
        if token.key in ROLES or token.key in CIVILITIES:
            continue
        if AGE_AFTER_RE.match(tokens.text, token.end) or (
            # « 2 enfants, lena 4 ans et axel 2 ans »: a listed first name in a list of
            # children, its age right after it
            token.first
            and listed
            and not token.cap
            and AGE_PLAIN_AFTER_RE.match(tokens.text, token.end)
        ):
            yield _entity(tokens, index, index + 1)


AGE_PLAIN_AFTER_RE = re.compile(r"[ \t]+\d{1,2}[ \t]*ans\b")


# « Conseillère (Julie) : … », « Agent (Karim B.) : … »: the name of a speaker after their
# role; also after their organisation, as a desk's software writes it (« Agent CAF – Océane : »,
# « Conseillère ameli (Morgane) : », « Agent impots.gouv (Hippolyte) > »): a name whatever
# the word (« Fleur », « Aurore »), since nothing else stands there but an organisation.
ROLE_SPEAKER_RE = re.compile(
    r"^[ \t>]*(?:\[[\d:.,h \t]+\][ \t]*)?(?i:conseill[eè]re?|agent|agente|op[ée]rat(?:eur|rice)"
    r"|interlocut(?:eur|rice)|gestionnaire|assistante?|r[ée]f[ée]rente?|technicien(?:ne)?)"
    r"(?:[ \t]+[^\n:()–—>]{1,30}?)?[ \t]*"
    r"(?:\((?P<name>[A-ZÀ-Þ][\w'’\-]+(?:[ \t]+[A-ZÀ-Þ][\w'’\-]*\.?){0,2})\)"
    r"|(?:[–—]|(?<=[ \t])-)[ \t]*(?P<dashed>[A-ZÀ-Þ][\w'’\-]+))[ \t]*[:>]",
    re.MULTILINE,
)
# What a role's brackets hold besides a name (« Conseiller (CAF) : », « Agent (Accueil) : »).
NOT_SPEAKER_NAMES = _words("accueil support standard service niveau chatbot bot equipe")


def _role_speakers(text: str, places: frozenset[str]) -> Iterable[Entity]:
    if "(" not in text and "–" not in text and "—" not in text and " - " not in text:
        return
    for match in ROLE_SPEAKER_RE.finditer(text):
        group = "name" if match.group("name") else "dashed"
        name = match.group(group)
        key = fold(name).lower()
        if (
            (name.isupper() and len(name) <= 8)  # an organisation's acronym
            or key in DOMAIN_WORDS
            or key in NOT_SPEAKER_NAMES
            or key in SPEAKERS
            or (group == "dashed" and key in places)  # « Agent CAF - Lyon : », a desk
        ):
            continue
        yield Entity(match.start(group), match.end(group), "PERSON")


# « [17:20] Agent Romain : … », « 10:41 - Conseillère Aurore : … »: the agent's first name
# after their role, without brackets, as a chat's speaker.
ROLE_NAMED_SPEAKER_RE = re.compile(
    r"^[ \t>]*(?P<time>(?:\[[\d:.,h]+\]|\d{1,2}[:h]\d{2})[ \t]*(?:[-–|][ \t]*)?)?"
    r"(?i:conseill[eè]re?|agent|agente|op[ée]rat(?:eur|rice)|interlocut(?:eur|rice)"
    r"|gestionnaire|r[ée]f[ée]rente?)[ \t]+(?P<name>[A-ZÀ-Þ][\w'’\-]+)[ \t]*:(?!\d)",
    re.MULTILINE,
)
# Words that qualify a role and name nobody (« Agent Comptable : », « Conseiller Emploi : »).
ROLE_QUALIFIERS = _words(
    """emploi accueil principal principale comptable technique social sociale immobilier
    immobiliere retraite entreprise entreprises numerique administratif administrative
    commercial commerciale virtuel virtuelle clientele famille familles insertion
    logement sante juridique fiscal fiscale handicap jeunesse referent referente
    chef adjoint adjointe senior junior niveau service public territorial territoriale
    mutualiste bancaire securite"""
)


def _role_named_speakers(text: str, tokens: Tokens) -> Iterable[Entity]:
    """« [17:20] Agent Romain : », « 09:05 Conseillère Aurore : »: one capitalised word after
    the speaker's role names the agent, even a French word (« Constant », « Fortuné »), on a
    timestamped turn or a speaker who speaks twice; never a word qualifying the role
    (« Agent Comptable : »), a civility, a month or a greeting."""
    if ":" not in text:
        return
    by_start = {t.start: t for t in tokens.items}
    for match in ROLE_NAMED_SPEAKER_RE.finditer(text):
        token = by_start.get(match.start("name"))
        if token is None or token.end != match.end("name") or not _agent_name_word(token):
            continue
        if (
            token.key in SPEAKERS
            or token.key in MONTH_AND_DAY_WORDS
            or token.key in GREETINGS
            or token.key in ROLE_QUALIFIERS
            or token.key in CIVILITIES
        ):
            continue
        if match.group("time") is None:
            label = re.escape(text[match.start() : match.end()].strip(" \t>"))
            if len(re.findall(rf"^[ \t>]*{label}", text, re.MULTILINE)) < 2:
                continue
        yield Entity(match.start("name"), match.end("name"), "PERSON")


def coordinated(tokens: Tokens, found: list[Entity]) -> Iterable[Entity]:
    """« mes enfants Lina et Noah », « Lina, Noah et Adam »: names joined to a name; and the
    first name said right after a spelled last name (« D U P O N T Jean »)."""
    ends = {e.end for e in found if e.label == "PERSON"}
    if not ends:
        return
    yield from _joined_before_a_name(tokens, {e.start for e in found if e.label == "PERSON"})
    for index, token in enumerate(tokens.items[:-1]):
        if token.end not in ends:
            continue
        following = tokens[index + 1]
        if (
            following.gap == " "
            and following.word
            and (following.cap or following.upper or tokens.lowercase)
            and following.first
            and not following.common_any
        ):
            yield _entity(tokens, index + 1, index + 2)
        i = index + 1
        while i + 1 < len(tokens) and tokens[i].key in {"et", ","}:
            start = i + 1
            if tokens[i].key == "et" and tokens[start].key == "de" and start + 1 < len(tokens):
                start += 1  # « la maman de noa et de lyam »
            end = name_run(tokens, start, MEDIUM, max_words=3)
            run = tokens.items[start:end]
            if not (
                run
                and all(t.known or t.cap or t.upper or not t.typo for t in run)
                and (
                    any(t.known for t in run)
                    or all(t.cap or t.upper for t in run)
                    or (tokens.lowercase and all(not t.common_any and not t.typo for t in run))
                )
            ):
                if not (_lone_conjunct(tokens, start) or _capitalised_word_name(tokens[start])):
                    break
                end = start + 1
                if (
                    tokens[i].key == ","
                    and tokens[start].common_any
                    and not tokens[start].first
                    and not (end < len(tokens) and tokens[end].key in {"et", ","})
                ):
                    break  # « Son père, Pierre Arrieta, affirme ne pas … »: a verb, no list
            if end < len(tokens) and tokens[end].text == ":":
                break  # « Nom : Sorbier, prénom : … »: the next label of the form
            if (
                tokens[i].key == ","
                and not tokens.lowercase
                and not any(t.cap or t.upper for t in tokens.items[start:end])
                and (tokens[index].cap or tokens[index].upper)
            ):
                break  # « M. Ruslan Gadzhiev, réfugié, … »: what a person is, in lower case
            yield _entity(tokens, start, end)
            i = end


def _joined_before_a_name(tokens: Tokens, starts: set[int]) -> Iterable[Entity]:
    """« en coloc avec victoire et yannick le goff », « les jumeaux prosper et Noé »: a
    given name, even a word, joined by « et » to a name found after it, when a preposition,
    a role or the start of the sentence stands before it."""
    for index in range(2, len(tokens)):
        if tokens[index].start not in starts or tokens[index - 1].key != "et":
            continue
        word = tokens[index - 2]
        if not (_may_be_word_name(word) or (word.cap and word.first and not word.upper)):
            continue
        before = tokens[index - 3].key if index >= 3 else ""
        if index == 2 or tokens.sentence_start(index - 2) or before in CUE_PREPOSITIONS | ROLES:
            yield _entity(tokens, index - 2, index - 1)


# What follows the last of names joined by « et »: their verb, or the end of a clause.
CONJUNCT_FOLLOWERS = _words(
    """sont ont vont font doivent habitent vivent etaient avaient vont ne n' qui m' me nous
    , . ! ? ; :"""
)


def _lone_conjunct(tokens: Tokens, index: int) -> bool:
    """« mes enfants aïcha et estève sont scolarisés », « la maman de heimana et de
    taras »: one word joined to a name, then a verb or the end of the clause, is a name
    too, even one typo away from a French word or a French word itself."""
    token = tokens[index]
    if not _intro_word(token) or "\n" in token.gap:
        return False
    if index + 1 >= len(tokens):
        return True
    following = tokens[index + 1]
    return "\n" in following.gap or following.key in CONJUNCT_FOLLOWERS


def _coordinated_names(tokens: Tokens, start: int) -> int:
    """After a role: « mes enfants Ndeye et Caroline sont scolarisés », « mes enfants
    emine et chamsia sont à ma charge »: two words joined by « et » then a verb, one of
    them a listed name or no French word. Index after the second (``start`` when none)."""
    if start + 2 >= len(tokens) or tokens[start + 1].key != "et":
        return start
    first, second = tokens[start], tokens[start + 2]
    if not (_intro_word(first) and _lone_conjunct(tokens, start + 2)):
        return start
    if start + 3 >= len(tokens) or tokens[start + 3].key not in CONJUNCT_FOLLOWERS - {",", "."}:
        return start
    if not any(t.known or not t.common_any for t in (first, second)):
        return start
    return start + 3


# --- The rest of a name found in part -------------------------------------------------------


# Consonant clusters no French word opens with (« nsimba », « mbarga », « ngoma »,
# « tshibanda », « dzeko »), read on the folded key.
NON_FRENCH_ONSET_RE = re.compile(r"(?:n[bcdgjkmstvwz]|m[bgkpv]|ts|dz|kw|zh|kh|tl)[a-z]")


# What introduces the writer right before their given name (« je suis », « c'est », « c »,
# « moi », « ici », « je m'appelle »).
INTRO_BEFORE_GIVEN_NAME = _words("suis c cest est moi ici appelle")


def _name_neighbour(tokens: Tokens, index: int, left: bool) -> bool:
    """Whether the word next to a name found in part is the rest of it: a word that is no
    French word (« ibrahima sow », « lê hoàng », « gaëlle n'guessan »), or on the left a
    capitalised word inside a sentence (« le vendeur Florin Stoica », « Prudence Ah-Thion
    Lebon ») or a given name in lower case (« fidèle mercier »)."""
    token = tokens[index]
    if not _plain_word(token) or token.place or len(token.key) < 2:
        return False
    # a word one letter from a French word is still a name when written as names are
    # (« n'dongo », « lê »: an apostrophe after « n », a letter French words lack; « nsimba »,
    # « mbarga »: a cluster no French word opens with)
    name_spelling = (
        "'" in token.key
        or fold(token.text) != token.text
        or bool(NON_FRENCH_ONSET_RE.match(token.key))
    )
    if not token.common_any and (not token.typo or name_spelling) and (left or len(token.key) >= 3):
        return True
    if left and not token.cap and not tokens[index + 1].cap:
        # « fidèle mercier m e r c i e r », « ma prime rose kerbellec »: a given name in lower
        # case before a surname found, not after a determiner, a number or « de » (« une
        # robe rose », « le 3 avril »)
        before = tokens[index - 1] if index else None
        after_role = (
            before is not None
            and (before.key in ROLES or (before.key[:1] == "l" and before.key[1:] in GLUED_ROLES))
            and not _adjective_like(token)
            and not PARTICIPLE_RE.search(token.key)
        )  # « l'employée rosalie hoarau »: the given name between the role and the surname
        # « je suis gaspard ekwalla », « bjr c dimitri kostopoulos »: the given name between
        # an introduction and the surname, even a word the vocabulary holds
        after_intro = (
            before is not None
            and before.key in INTRO_BEFORE_GIVEN_NAME
            and (
                before.key not in {"suis", "est"}
                or (index >= 2 and tokens[index - 2].key in {"je", "j", "j'", "c", "c'"})
            )
            and len(token.key) >= 3
            and token.key not in GLUE
            and token.key not in RELATIVE_STATES
            and token.key not in TRADES
            and not token.domain
            and not _adjective_like(token)
            and not _trade_like(token)
            and not PARTICIPLE_RE.search(token.key)
        )
        return (
            (token.first or token.key in WORD_FIRST_NAMES or after_role or after_intro)
            and token.key not in MONTH_AND_DAY_WORDS
            and not (
                before is not None
                and (
                    before.key in DETERMINERS | {"de", "du", "des", "d'", "en"}
                    or before.text[:1].isdigit()
                )
            )
        )
    return (
        left
        and token.cap
        and not token.upper
        and (token.known or not tokens.sentence_start(index) or _opening_first_name(token))
        and token.key not in AFTER_A_NAME
    )


SURNAME_FOLLOWERS = _words("elle il qui , . ! ?")


def _surname_of_someone(tokens: Tokens, first: int) -> bool:
    """« pour mon papa antoine sauveterre\n », « ma cliente sandra tétu elle a … », « au nom
    de aurore pain\n »: after a relative, a role or what names someone, a first name found
    in lower case and one more word closing the clause: the surname, even a French word,
    unless a description or a state."""
    name, word = tokens[first], tokens[first + 1]
    before = tokens[first - 1].key if first else ""
    named = before == "appelle" or (
        before == "de" and first >= 2 and tokens[first - 2].key == "nom"
    )
    if first == 0 or name.cap or not (before in ROLES or named):
        return False
    if (
        word.cap
        or len(word.key) < 4
        or not _plain_word(word)
        or word.place
        or word.key in RELATIVE_STATES
        or word.key in TRADES
        or _adjective_like(word)
        or _trade_like(word)
        or (re.search(r"(?:ee|es|er|ir|ment)$", word.key) and word.common_any and not word.known)
    ):
        return False
    after = tokens[first + 2] if first + 2 < len(tokens) else None
    return after is None or "\n" in after.gap or after.key in SURNAME_FOLLOWERS


# Capitalised words that open a line or a sentence before a name and are not its first
# word: closings, labels, question words.
NOT_OPENING_NAMES = _words(
    """salutations sincerement sinceres bisous bises signe signee objet nom noms prenom
    prenoms ref reference dossier pourquoi comment combien cher chere chers cheres urgent
    urgence attention rappel relance suite reponse question demande re tr fwd"""
)


def _opening_first_name(token: Token) -> bool:
    """« Patience Lebon » opening a line: a capitalised French word right before a name
    found in part is its first name (« Fleur », « Victoire »), unless it is a closing, a
    label, an adverb or a participle (« Cordialement Lebon », « Objet », « Désolé »)."""
    return (
        token.key not in NOT_OPENING_NAMES
        and not token.key.endswith("ment")
        and not re.search(r"é(?:e|es|s)?$", token.text)
        and token.key not in AFTER_A_NAME
    )


def _joined_before(tokens: Tokens, first: int, taken: list[tuple[int, int]]) -> Entity | None:
    """« Rose et Pierre Lamour, locataires »: a capitalised word joined by « et » to a
    capitalised name, opening the sentence or after a comma, is a first name too."""
    i = first - 2
    if i < 0 or tokens[first - 1].key != "et" or not tokens[first].cap:
        return None
    token = tokens[i]
    if (
        not token.cap
        or token.upper
        or not _plain_word(token)
        or token.place
        or not _opening_first_name(token)
        or any(s < token.end and token.start < e for s, e in taken)
        or not (tokens.sentence_start(i) or tokens[i - 1].key == ",")
    ):
        return None
    return _entity(tokens, i, i + 1)


def _joined_after(tokens: Tokens, last: int, taken: list[tuple[int, int]]) -> Entity | None:
    """« mes enfants Lucas et Fleur »: a capitalised word joined by « et » to a name, then
    the end of the line, of the message or of the clause, is a name too."""
    i = last + 2
    if i >= len(tokens) or tokens[last + 1].key != "et":
        return None
    token = tokens[i]
    # « les petits lenny et kaïs\n »: in lower case, a word that is no French word
    lower = not tokens[last].cap and not token.cap and token.word and len(token.key) >= 3
    if lower and (token.common_any or token.typo or token.place or token.domain):
        return None
    if not (lower or tokens[last].cap):
        return None
    if (
        not (token.cap or lower)
        or token.upper
        or "\n" in token.gap
        or not _intro_word(token)
        or any(s < token.end and token.start < e for s, e in taken)
    ):
        return None
    if i + 1 < len(tokens) and not (
        "\n" in tokens[i + 1].gap or tokens[i + 1].key in CONJUNCT_FOLLOWERS
    ):
        return None
    return _entity(tokens, i, i + 1)


def extend_names(tokens: Tokens, entities: list[Entity]) -> list[Entity]:
    """A name masked in part is masked whole: its neighbours on the same line, one space
    apart, that look like the rest of a name."""
    if not any(e.label == "PERSON" for e in entities) or not len(tokens):
        return entities
    starts = {t.start: i for i, t in enumerate(tokens.items)}
    ends = {t.end: i for i, t in enumerate(tokens.items)}
    taken = [(e.start, e.end) for e in entities]
    out = []
    for entity in entities:
        first, last = starts.get(entity.start), ends.get(entity.end)
        if entity.label != "PERSON" or first is None or last is None:
            out.append(entity)
            continue
        joined = _joined_before(tokens, first, taken)
        if joined is not None:
            out.append(joined)
        joined = _joined_after(tokens, last, taken)
        if joined is not None:
            out.append(joined)
        for _ in range(2):
            i = first - 1
            if (
                i < 0
                or tokens[first].gap != " "
                or any(s < tokens[i].end and tokens[i].start < e for s, e in taken)
                or not _name_neighbour(tokens, i, left=True)
            ):
                break
            first = i
        if first >= 1 and _article_of_a_name(tokens, first - 1, first):
            first -= 1
        for _ in range(2):
            i = last + 1
            if (
                i >= len(tokens)
                or tokens[i].gap != " "
                or any(s < tokens[i].end and tokens[i].start < e for s, e in taken)
                or not (
                    _name_neighbour(tokens, i, left=False)
                    or (i == first + 1 and _surname_of_someone(tokens, first))
                    or (i == last + 1 and _given_name_said_after(tokens, i))
                )
            ):
                break
            last = i
        out.append(Entity(tokens[first].start, tokens[last].end, "PERSON"))
    return out


# The capitalised article a surname opens with, said first on an answer's line
# (« appelant Le Roux Goulven », « — La Selve Marie »).
NAME_ARTICLES = frozenset({"Le", "La", "Du", "De", "Des", "Da", "Di", "Van", "Von", "Ben", "El"})
LINE_SPEAKERS = _words(
    """appelant appelante usager usagere client cliente assure assuree beneficiaire
    interlocuteur interlocutrice a b"""
)


def _article_of_a_name(tokens: Tokens, index: int, first: int) -> bool:
    token = tokens[index]
    if token.text not in NAME_ARTICLES or tokens[first].gap != " " or not tokens[first].cap:
        return False
    if index == 0 or "\n" in token.gap:
        return True
    previous = tokens[index - 1]
    return ("\n" in previous.gap or index == 1) and (
        previous.key in LINE_SPEAKERS or previous.text in {"-", "—", "–", ":"}
    )


# A form's value opens with its label (« Question : Mélusine Garrigues, locataire … »).
VALUE_LABEL_RE = re.compile(r"[ \t>]*[A-Za-zÀ-ÿ' ]{2,30}:[ \t]*")
TITLE_PAIR_BEFORE = _words("par pour signe signé")
TITLE_PAIR_LINE_BEFORE = _words("pour par de merci cordialement salutations signe signé")
FORM_ROLES = _words("locataire allocataire assure assuree beneficiaire demandeur demandeuse")
TITLE_PAIR_VERBS = _words(
    """souhaite souhaiterait demande voudrait aimerait veut voulait ne n' est etait a avait
    habite vit reside réside travaille sollicite signale declare déclare percoit perçoit
    touche attend doit peut recoit reçoit conteste certifie atteste confirme informe
    rappelle depose dépose"""
)


def _title_pair_word(token: Token, first: bool) -> bool:
    return (
        token.word and (token.cap or (token.upper and not first)) and _name_pair_word(token, first)
    )


def _name_pair_word(token: Token, first: bool) -> bool:
    """A word of a pair where a name stands, whatever its case: no closing, label, month,
    service noun, word that follows a name; the first no adverb or participle, the second
    no description."""
    return (
        token.word
        and len(token.key) >= 3
        and _plain_word(token)
        and not token.place
        and token.key not in CLOSING_WORDS
        and token.key not in NOT_OPENING_NAMES
        and token.key not in AFTER_A_NAME
        and token.key not in MONTH_AND_DAY_WORDS
        and token.key not in SERVICE_NOUNS
        and (
            _opening_first_name(token)
            if first
            else not _adjective_like(token) and token.key not in WORD_FIRST_NAME_FOLLOWERS
        )
    )


# Nouns of the services' vocabulary a form capitalises (« Allocation Logement a baissé »,
# « Taxe Foncière est trop élevée »): never a name's word.
SERVICE_NOUNS = _words(
    """allocation allocations aide aides prime primes caution taxe taxes impot impots
    assurance carte pension retraite revenu revenus logement action caisse contribution
    cotisation cotisations declaration demande dossier attestation avis facture frais
    remboursement indemnite indemnites conge arret prestation prestations bourse credit
    dette solde compte espace service services centre direction complement fonciere
    habitation foncier locapass activite solidarite famille familiale handicap sante
    maladie travail emploi chomage formation permis titre sejour passeport"""
)
MONTH_AND_DAY_WORDS = _words(
    """janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre
    lundi mardi mercredi jeudi vendredi samedi dimanche"""
)


def _title_pairs(tokens: Tokens) -> Iterable[Entity]:
    """Two or three capitalised words, French words or not, where a form or a message
    puts a person's name: alone on the last line or under a line left open (« Merci de
    mettre à jour pour\nMélusine Garrigues »), ending a line after « par » / « pour »
    (« Demande faite par Mélusine Garrigues »), or opening a line or a form's value before
    a verb or an apposition (« Question : Mélusine Garrigues, locataire, ne reçoit … »)."""
    text, items = tokens.text, tokens.items
    keys = _keys(tokens)
    line_starts = [i for i, t in enumerate(items) if i == 0 or "\n" in t.gap]
    for number, begin in enumerate(line_starts):
        end = line_starts[number + 1] if number + 1 < len(line_starts) else len(items)
        label = VALUE_LABEL_RE.match(text, items[begin].start - 0)
        if label and ESTABLISHMENT_LABEL_RE.search(fold(label.group())):
            continue
        start = begin
        if label:
            while start < end and items[start].start < label.end():
                start += 1
        for i in range(start, end - 1):
            size = 0
            while (
                size < 3
                and i + size < end
                and (size == 0 or items[i + size].gap == " ")
                and _title_pair_word(items[i + size], size == 0)
            ):
                size += 1
            if size < 2:
                continue
            stop = i + size
            line_end = stop == end or (stop + 1 == end and items[stop].text in {".", ","})
            alone = i == start and line_end
            if alone and number:
                previous = items[begin - 1].key
                last_line = end == len(items)
                if last_line or previous in TITLE_PAIR_LINE_BEFORE:
                    yield _entity(tokens, i, stop)
                break
            if line_end and i > start and items[i - 1].key in TITLE_PAIR_BEFORE:
                yield _entity(tokens, i, stop)
                break
            if i > start and _title_pair_in_sentence(tokens, keys, i, stop):
                yield _entity(tokens, i, stop)
                break
            if i == start and stop < end:
                after = items[stop]
                apposed = (
                    after.text == ","
                    and stop + 1 < end
                    and items[stop + 1].word
                    and not items[stop + 1].cap
                    and (
                        items[stop + 1].key in ROLES
                        or items[stop + 1].key in FORM_ROLES
                        or _trade_like(items[stop + 1])
                    )
                )
                if apposed or (after.gap == " " and after.key in TITLE_PAIR_VERBS):
                    yield _entity(tokens, i, stop)
            break


# Words a person met, written to or signing is named after, inside a sentence.
TITLE_PAIR_CUES = PERSON_TALK | {("par",), ("a",), ("pour",), ("je", "suis")}


def _title_pair_in_sentence(tokens: Tokens, keys: list[str], start: int, stop: int) -> bool:
    """Capitalised words inside a sentence after a word in lower case, one a given name, a
    listed name or a word that is no French word, after whom the writer dealt with or
    wrote to (« rendez-vous avec Garance Kerjean la semaine dernière », « reçue par Blanche
    Chapelle ») or closing the message (« … rien depuis deux mois Garance Boulanger »)."""
    items = tokens.items
    run = items[start:stop]
    previous = items[start - 1]
    if tokens.uppercase_share > 0.2 or tokens.sentence_start(start) or previous.cap:
        return False
    if not any(t.known or t.key in WORD_FIRST_NAMES or _clean_unknown(tokens, t) for t in run):
        return False
    if _cue_before(keys, start, TITLE_PAIR_CUES) is not None:
        return True
    return (
        previous.word
        and previous.key not in GLUE | DETERMINERS | PLACE_PREPOSITIONS
        and all(not t.word for t in items[stop:])
    )


LINE_ROLES = (
    ROLES
    | FORM_ROLES
    | _words(
        "titulaire proprietaire locataire vendeur vendeuse acheteur acheteuse declarant declarante"
    )
)


def _role_line_word(token: Token, first: bool) -> bool:
    """A word of a name after a role on a form's line: a town's or a feast's name too
    (« Teva », « Toussaint ») when capitalised, not a description."""
    return (
        token.word
        and (token.cap or (token.upper and not first))
        and token.key not in GLUE | PARTICLES | CLOSING_WORDS | CIVILITIES | MONTH_AND_DAY_WORDS
        and (not token.domain or token.known)
        and (first or not _adjective_like(token))
    )


def _role_lines(tokens: Tokens) -> Iterable[Entity]:
    """A form's line opened by a role, then names to its end (« Propriétaire Ange-Marie
    Santoni », « Titulaire Alexandre Toussaint », « Maman de Hinano et Teva »): two or three
    capitalised words, or one that is no French word, joined by « et » or commas."""
    items = tokens.items
    line_starts = [i for i, t in enumerate(items) if i == 0 or "\n" in t.gap]
    for number, begin in enumerate(line_starts):
        end = line_starts[number + 1] if number + 1 < len(line_starts) else len(items)
        while end > begin and items[end - 1].text in {".", ","}:
            end -= 1
        if end - begin < 2 or not items[begin].cap or items[begin].key not in LINE_ROLES:
            continue
        i = begin + 1
        if items[i].key in {"de", "du", "des"}:
            i += 1
        groups: list[tuple[int, int]] = []
        while i < end:
            j = i
            while j < end and j - i < 3 and _role_line_word(items[j], j == i):
                j += 1
            size = j - i
            if size == 0 or (size == 1 and (items[i].common_any or items[i].upper)):
                groups = []
                break
            groups.append((i, j))
            if j < end and items[j].key not in {"et", ","}:
                groups = []
                break
            i = j + 1
        for start, stop in groups:
            yield _entity(tokens, start, stop)


def repeat_names(tokens: Tokens, entities: list[Entity]) -> list[Entity]:
    """A name found once is masked wherever it comes back in the text (« la menuiserie
    rouxel enfin c'est monsieur rouxel »): every word of a found name that is no French
    word."""
    people = [e for e in entities if e.label == "PERSON"]
    if not people:
        return entities
    items = tokens.items
    keys = {
        t.key
        for t in items
        if t.word
        and len(t.key) >= 3
        and not (t.common_any or t.typo or t.place or t.domain)
        and t.key not in PARTICLES
        and any(e.start <= t.start and t.end <= e.end for e in people)
    }
    # « s'appelle perle … perle gaudichon »: a given name that is a word, found as a name,
    # comes back before a word that is no French word (its surname; eleventh pass)
    word_names = {
        t.key
        for t in items
        if t.word
        and t.common_any
        and (t.first or t.key in WORD_FIRST_NAMES)
        and any(e.start <= t.start and t.end <= e.end for e in people)
    }
    surnamed = [
        Entity(t.start, items[i + 1].end, "PERSON")
        for i, t in enumerate(items[:-1])
        if t.key in word_names
        and items[i + 1].gap == " "
        and items[i + 1].word
        and len(items[i + 1].key) >= 3
        and not (items[i + 1].common_any or items[i + 1].typo or items[i + 1].domain)
        and not any(e.start < items[i + 1].end and t.start < e.end for e in entities)
    ]
    # « Agent Sylvain : … Vous : bjr sylvain je … »: a word found as a capitalised name,
    # even one the vocabulary holds without listing it as a name (Sylvain, Séraphin),
    # greeted or thanked in lower case (twenty-second pass)
    greeted = word_names | {
        t.key
        for t in items
        if t.word
        and t.cap
        and not t.upper
        and len(t.key) >= 3
        and not (t.place or t.domain)
        and t.key not in PARTICLES
        and t.key not in ROLES
        and t.key not in CIVILITIES
        and any(e.start <= t.start and t.end <= e.end for e in people)
    }
    # « Conseiller : je suis Marc Quéré … Vous : bonjour marc »: greeted in lower case
    # (thirteenth pass)
    surnamed += [
        Entity(t.start, t.end, "PERSON")
        for i, t in enumerate(items)
        if i
        and t.key in greeted
        and items[i - 1].key in GREETINGS
        and t.gap == " "
        and not any(e.start < t.end and t.start < e.end for e in entities)
    ]
    if surnamed:
        entities = sorted(entities + surnamed, key=lambda e: e.start)
    if not keys:
        return entities
    # « Ferreira da Silva … le da silva »: the particle said before it, as in the name
    particles = {
        (items[i - 1].key, t.key)
        for i, t in enumerate(items)
        if i and t.key in keys and items[i - 1].key in PARTICLES
    }
    added = []
    for i, t in enumerate(items):
        if t.key not in keys or any(e.start < t.end and t.start < e.end for e in entities):
            continue
        start = t.start
        if i and (items[i - 1].key, t.key) in particles and items[i].gap == " ":
            start = items[i - 1].start
        added.append(Entity(start, t.end, "PERSON"))
    return sorted(entities + added, key=lambda e: e.start) if added else entities


# --- First names that are French words, by the clause around them ---------------------------

# « s'occupe », « s occupe », « m'a dit »: what someone does, right after their name.
_TOLD = r"(?:dit|rappel\w*|appel\w*|r[ée]pondu|expliqu\w*)"
DOING_RE = re.compile(
    rf"^[ \t]+(?:s['’ ][ \t]?occupe|m['’ ][ \t]?a[ \t]+{_TOLD}|ma[ \t]+{_TOLD}"
    r"|g[eè]re[ \t]|traite[ \t])",
    re.IGNORECASE,
)
# What a person's life does, said right after a noun given as a name opening a sentence
# (« Fortune a déménagé », « Espérance n'a toujours pas reçu », « Victoire est née »).
PERSON_DOING_RE = re.compile(
    r"^[ \t]+(?:n['’][ \t]?a(?:[ \t]+(?:toujours|jamais|plus|pas|rien|encore))+[ \t]+"
    r"(?:re[çc]u|eu|touch[ée]|pu)|a[ \t]+(?:d[ée]m[ée]nag[ée]|re[çc]u|perdu|sign[ée]|eu[ \t]"
    # a job that ends (« Prudence a fini chez nous », « … a démissionné »)
    r"|besoin|demand[ée]|fini[ \t]+chez|d[ée]missionn[ée]|quitt[ée][ \t]+(?:son|sa|le|la|l['’]))"
    r"|est[ \t]+(?:n[ée]e?|malade|hospitalis[ée]e?|d[ée]c[ée]d[ée]e?"
    r"|enceinte|scolaris[ée]e?|handicap[ée]e?)|habite[ \t]|travaille[ \t]|vit[ \t])",
    re.IGNORECASE,
)
PRONOUNS_BEFORE_CEST = _words("elle lui il moi toi")
APPOSITION_DETERMINERS = _words("mon ma notre")
ARTICLES = _words("un une le la l' les des du de d'")


def _word_names(tokens: Tokens) -> Iterable[Entity]:
    """A word that is also a French word is a name by the clause around it (see
    ``_word_name_at``)."""
    for index in range(len(tokens)):
        token = tokens[index]
        if not (
            token.cap
            or token.first
            or token.key in INTRODUCED_WORD_NAMES
            or (index and tokens[index - 1].key in {"a", "à"})
        ):
            continue  # every clause below needs one of these
        if (
            _plain_word(token)
            and not token.place
            and not token.upper
            and _word_name_at(tokens, index)
        ):
            yield _entity(tokens, index, index + 1)


def _word_name_at(tokens: Tokens, index: int) -> bool:
    """* capitalised inside a sentence, then what someone does (« on m'a dit que Fleur
      s'occupe des aides »), or then « , » and a role (« je suis Désiré, conseiller RSA »);
    * capitalised after a role and « c'est » (« mon conseiller c'est Bonheur mais … »);
    * a listed first name after « elle c'est » and before a comma (« elle c'est constance,
      moi c'est … »);
    * capitalised with « et moi » (« Victoire et moi on est … »);
    * thanked for something (« merci à blanche pour son aide »);
    * capitalised or listed, then a relative or a role in apposition (« titulaire Pierre
      mon compagnon », « c'est pierre mon conseiller qui … »)."""
    count = len(tokens)
    token = tokens[index]
    following = tokens[index + 1] if index + 1 < count else None
    second = tokens[index + 2] if index + 2 < count else None
    previous = tokens[index - 1].key if index else ""
    before = tokens[index - 2].key if index >= 2 else ""
    earlier = tokens[index - 3].key if index >= 3 else ""
    mid_sentence = not tokens.sentence_start(index)
    if token.cap and mid_sentence and DOING_RE.match(tokens.text[token.end : token.end + 40]):
        return True
    if following is None or second is None:
        return bool(
            token.first
            and previous in {"est", "c", "cest"}
            and (before in PRONOUNS_BEFORE_CEST or earlier in PRONOUNS_BEFORE_CEST)
        )
    if token.cap and following.text == "," and second.key in ROLES:
        return previous in {"suis", "est", "c", "moi", "ici"}
    if (
        token.cap
        and previous in {"c", "c'", "est", "cest"}
        and (before in ROLES or (earlier in ROLES and previous == "est"))
    ):
        return True
    if (
        token.first
        and previous in {"est", "c", "cest"}
        and (before in PRONOUNS_BEFORE_CEST or earlier in PRONOUNS_BEFORE_CEST)
        and (following.text in {",", ".", "!"} or "\n" in following.gap)
    ):
        return True
    if (token.cap or token.first) and following.key == "et" and second.key == "moi":
        return True
    third = tokens[index + 3] if index + 3 < count else None
    if (
        token.cap
        and following.key == "est"
        and second.key in APPOSITION_DETERMINERS
        and third is not None
        and (third.key in RELATIVES or third.key in ROLES)
    ):
        return True  # « Perle est ma fille »
    if (
        token.cap
        and token.key in INTRODUCED_WORD_NAMES
        and not mid_sentence
        and PERSON_DOING_RE.match(tokens.text[token.end : token.end + 40])
    ):
        return True  # « Fortune a déménagé à Lyon », « Espérance n'a pas reçu sa carte »
    if previous in {"a", "à"} and before in {"merci", "bravo"} and following.key == "pour":
        return True  # « merci à blanche pour son aide »
    return bool(
        (token.cap or token.first or token.key in INTRODUCED_WORD_NAMES)
        and following.key in APPOSITION_DETERMINERS
        and following.gap == " "
        # a relative, or a role (« c'est pierre mon conseiller qui … »; not a thing's
        # name: « une rose ma voisine … »)
        and (second.key in RELATIVES or (second.key in ROLES and previous not in ARTICLES))
        and (mid_sentence or token.first)
    )


def _cue_before(
    keys: Sequence[str], index: int, cues: Iterable[tuple[str, ...]]
) -> tuple[str, ...] | None:
    """The first of ``cues`` whose words end right before ``keys[index]`` (« je suis »,
    « ici » before a name), ``None`` when none does."""
    return next(
        (cue for cue in cues if index >= len(cue) and tuple(keys[index - len(cue) : index]) == cue),
        None,
    )


# --- A given name that is a French word, introduced in lower case (sixth pass) ---------------

# Words that, introduced as someone (« c est prudence qui vous ecrit », « ici patience »),
# are a name: nouns given as names, not the adjectives a sentence says after « c'est »
# (« parfait », « juste », « modeste », « grâce à »).
INTRODUCED_WORD_NAMES = _words(
    """fleur rose colombe prudence patience blanche celeste esperance fortune victoire
    constance clemence ange olive marine prosper bonheur felicite capucine violette jasmine
    perle aurore reine cerise prune melodie oceane desire desiree aime aimee lumiere joie
    pervenche marguerite hyacinthe"""
)
# What introduces the writer or the person who answers: « c », « c'est », « ici », « je
# suis », « moi c ».
INTRODUCING_TAILS: tuple[tuple[str, ...], ...] = (
    ("c",),
    ("c'", "est"),
    ("c", "est"),
    ("cest",),
    ("ici",),
    ("je", "suis"),
    ("jsuis",),
    ("chui",),
)
# What may follow an introduced name: the end, a comma, « qui », « de », the next clause.
INTRODUCED_FOLLOWERS = _words(
    """, . ! ? : ; qui de d' du pour j' jai je g et la le ma mon mes svp stp merci jhabite
    jsuis jvoudrais jveux jviens jtravaille"""
)
# A subject pronoun after the name says the next clause only when the introduction opens
# the message or follows a greeting (« coucou c'est prune on s'était parlé »; not « la
# couleur c'est rose on dirait »).
OPENING_FOLLOWERS = _words("on nous vous")
# What opens a message before « c'est X » (« cc cest pierre je … », « là c'est marin du … »).
OPENING_GREETINGS = GREETINGS | _words("cc bsr allo allô re la là oui")


def _introduced_word_names(tokens: Tokens, keys: list[str]) -> Iterable[Entity]:
    """« bjr c colombe jai un pb », « bonjour c est prudence qui vous ecrit », « ici
    patience pr mon dossier », « je suis clémence »: a French word given as a name, in
    lower case, right after what introduces someone, then the end of the line, a comma or
    the next clause."""
    for index, token in enumerate(tokens.items):
        if token.cap or token.upper:
            continue
        listed = token.key not in INTRODUCED_WORD_NAMES
        if listed and not _listed_word_name(token):
            continue
        tail = _cue_before(keys, index, INTRODUCING_TAILS)
        if tail is None:
            continue
        opening = index == len(tail) or (
            keys[index - len(tail) - 1] in OPENING_GREETINGS
            and _opens_turn(tokens, keys, index - len(tail) - 1)
        )
        cleft = (
            index + 2 < len(tokens)
            and keys[index + 1] == "qui"
            and keys[index + 2] in {"m'", "m", "a", "va", "doit", "s'", "me", "nous"}
        )  # « c'est fontaine qui m'a dit »: who did it
        after_qui = index + 1 < len(tokens) and keys[index + 1] == "qui"
        if listed and not ((cleft or (opening and not after_qui)) and tail in LISTED_NAME_TAILS):
            continue  # « je suis boucher »: a trade; « ça c'est petit »: a description
        if index + 1 < len(tokens):
            following = tokens[index + 1]
            if (
                "\n" not in following.gap
                and following.key not in INTRODUCED_FOLLOWERS | {"pr"}
                and not (opening and following.key in OPENING_FOLLOWERS)
            ):
                continue
        yield _entity(tokens, index, index + 1)


# A listed surname or first name that is a word, in lower case, introduced at the opening of
# a message or a turn (« bonjour c'est fontaine je vous appelle pour … »; eleventh pass).
LISTED_NAME_TAILS = frozenset({("c",), ("c'", "est"), ("c", "est"), ("cest",), ("ici",)})
NOT_INTRODUCED_LISTED = _words("parent cousin neveu voisin martin")


def _listed_word_name(token: Token) -> bool:
    return (
        token.known
        and len(token.key) >= 4
        and _plain_word(token)
        and not _adjective_like(token)
        and token.key not in RELATIVES
        and token.key not in NOT_INTRODUCED_LISTED
    )


def _opens_turn(tokens: Tokens, keys: list[str], index: int) -> bool:
    """The token at ``index`` opens the text, a line, or a speaker's turn (« usager : »)."""
    if index == 0 or "\n" in tokens[index].gap:
        return True
    return (
        index >= 2
        and tokens[index - 1].text == ":"
        and keys[index - 2] in SPEAKERS
        and (index == 2 or "\n" in tokens[index - 2].gap)
    )


DETERMINERS_BEFORE_WORDS = _words(
    """le la les l' un une des du au aux ce cette ces mon ma mes ton ta tes son sa ses notre
    nos votre vos leur leurs quelle quel sainte saint st ste rue avenue place allee"""
)


def _capitalised_word_names(tokens: Tokens) -> Iterable[Entity]:
    """« Je demande l'allocation de rentrée pour Colombe », « au sujet de Prudence »: a
    noun given as a name, capitalised inside a sentence without a determiner, alone (no
    capitalised word next to it, which would make a place or a title)."""
    for index, token in enumerate(tokens.items):
        if (
            token.key not in INTRODUCED_WORD_NAMES
            or not token.cap
            or token.upper
            or index == 0
            or tokens.sentence_start(index)
            or tokens.uppercase_share > 0.5
        ):
            continue
        previous = tokens[index - 1]
        if previous.key in DETERMINERS_BEFORE_WORDS or previous.cap or "\n" in token.gap:
            continue
        if previous.key == "ou" or (index + 1 < len(tokens) and tokens[index + 1].key == "ou"):
            continue  # « Rose, Blanche ou Violette ? »: colours offered as a choice
        if index + 1 < len(tokens):
            following = tokens[index + 1]
            if (following.cap and following.word and "\n" not in following.gap) or (
                following.key in {"de", "du", "des", "d'", "-"}
            ):
                continue
        yield _entity(tokens, index, index + 1)


# --- Given names that are words, by the cue around them (ninth pass) ------------------------

# Prepositions a person is named after in a chat (« je demande a pierre », « rdv avec
# constant », « chez modeste le voisin »).
CUE_PREPOSITIONS = _words("avec a à chez par de pour")
# A pronoun subject right after the word: the person the clause goes on about (« je demande
# a pierre il a gardé le code », « avec fleur on a appelé »).
CUE_SUBJECTS = _words("il elle qui")
# A role or relative in apposition after « le », « la », « mon », « ma » (« chez modeste le
# voisin du dessous », « avec ange mon petit »).
APPOSED_ROLES = ROLES | RELATIVES | _words("petit petite grand grande")
APPOSED_DETERMINERS = _words("mon ma le la notre")


def _may_be_word_name(token: Token) -> bool:
    return (
        token.word
        and not token.cap
        and not token.upper
        and (token.first or token.key in WORD_FIRST_NAMES)
        and _plain_word(token)
        and not token.place
        and len(token.key) >= 3
    )


def _apposed_role_after(tokens: Tokens, index: int) -> bool:
    """« … ange mon petit », « … modeste le voisin du dessous », « … olive ma fille a »."""
    if index + 2 >= len(tokens):
        return False
    owner, role = tokens[index + 1], tokens[index + 2]
    return (
        owner.gap == " "
        and role.gap == " "
        and owner.key in APPOSED_DETERMINERS
        and role.key in APPOSED_ROLES
        and (owner.key in POSSESSIVES or role.key in ROLES)
    )


def _surname_after(tokens: Tokens, index: int) -> bool:
    """« c pour claire bidegain »: a lower-case word that is no French word, not even with
    a typo, right after the given name: its surname."""
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    return bool(
        following is not None
        and following.gap == " "
        and following.word
        and not following.cap
        and not following.common_any
        and not following.typo
        and not following.domain
        and not following.place
        and following.key not in SMS_WORDS
        and len(following.key) >= 4
    )


def _cued_after_preposition(tokens: Tokens, index: int, previous: str) -> bool:
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    if following is None or "\n" in following.gap:
        return False  # the end of a line after a preposition: the eighth pass's rules
    if _apposed_role_after(tokens, index):
        return True
    if following.gap != " ":
        return False
    if following.key == "et" and index + 2 < len(tokens) and tokens[index + 2].key == "moi":
        return True  # « pour kalinda et moi »
    token = tokens[index]
    if previous in {"avec", "par"} and not token.first and token.key in MANNER_NOUNS:
        return False  # « avec espoir il faut dire », « avec patience on y arrive »: a manner
    if following.key in CUE_SUBJECTS or (previous == "avec" and following.key == "on"):
        return True
    return previous in {"avec", "par"} and bool(TALK_TIME_RE.match(tokens.text, token.end))


# Abstract nouns given as names that also say how something is done after « avec »
# (« avec patience », « avec espoir », « avec grâce », « avec joie »).
# (a list: « avec fleur on a appelé », « avec mélodie il » name someone; the eleventh pass
# replaced the suffixes that read « fleur » and « mélodie » as manners)
MANNER_NOUNS = _words(
    """patience prudence esperance constance clemence felicite grace serenite harmonie
    bonheur espoir joie innocence lumiere"""
)


# The agent's greeting in a transcript, after the service and the agent's first name
# (« agent caisse de retraite colombe à votre écoute », « agent france travail rose bonjour »).
AGENT_GREETING_RE = re.compile(
    r"[ \t]+(?:bonjour|bonsoir|(?:a|à)[ \t]+votre[ \t]+[ée]coute|je[ \t]+vous[ \t]+[ée]coute)"
    r"[ \t.,!]*(?:\n|$)",
    re.IGNORECASE,
)
AGENT_LINE_RE = re.compile(r"[ \t>]*(?:agent|agente|conseill[eè]re?|operat\w+)\b[ \t:]*")


def _agent_introduction(tokens: Tokens, index: int) -> bool:
    """The word right before the agent's greeting, on the agent's line, after the service."""
    token = tokens[index]
    if not AGENT_GREETING_RE.match(tokens.text, token.end):
        return False
    line_start = tokens.text.rfind("\n", 0, token.start) + 1
    speaker = AGENT_LINE_RE.match(tokens.text, line_start)
    return bool(speaker and speaker.end() < token.start)


# The agent's own turn, labelled with a colon (« Agent : … », « Conseillère : … »).
AGENT_COLON_TURN_RE = re.compile(
    r"[ \t>]*(?:agent|agente|conseill\w+|operat\w+)[ \t]*:", re.IGNORECASE
)
AGENT_INTRO_CUES = (("je", "suis"), ("je", "m'", "appelle"), ("ici",))


def _agent_name_word(token: Token) -> bool:
    """A capitalised word that may be the agent's first name, French word or not
    (« Je suis Romane », « Séraphine », « Fortunée »)."""
    return (
        token.word
        and token.cap
        and not token.upper
        and len(token.key) >= 3
        and not token.domain
        and not token.place
        and token.key not in ROLES
        and token.key not in SERVICE_NOUNS
        and token.key not in CLOSING_WORDS
        and not (
            token.common_any
            and PARTICIPLE_RE.search(token.text.lower())
            and not token.first
            and token.key not in WORD_FIRST_NAMES
            and token.key[:-1] not in WORD_FIRST_NAMES  # « Fortunée », not « Désolée »
        )
    )


def _agents_own_names(tokens: Tokens) -> Iterable[Entity]:
    """On the agent's turn, the capitalised word the agent introduces themself with
    (« Je suis Romane. », « je suis Fortunée, … ») or gives before their greeting
    (« MSA, bonjour, Célestine à votre écoute. », « agent impôts Gaspard bonjour »), a
    French word or not."""
    text, items = tokens.text, tokens.items
    keys = [t.key for t in items]
    for index, token in enumerate(items):
        if not _agent_name_word(token):
            continue
        if index and _agent_introduction(tokens, index):
            # « conseillère assurance maladie Clarisse bonjour »: a transcript's agent line
            # without a colon, the capitalised word right before the greeting
            yield _entity(tokens, index, index + 1)
            continue
        line_start = text.rfind("\n", 0, token.start) + 1
        turn = AGENT_COLON_TURN_RE.match(text, line_start)
        if not turn or turn.end() > token.start:
            continue
        introduced = _cue_before(keys, index, AGENT_INTRO_CUES) is not None
        greeting = bool(AGENT_GREETING_RE.match(text, token.end)) and items[index - 1].text == ","
        if not (introduced or greeting):
            continue
        end = index + 1
        if (
            not token.text.endswith(".")
            and end < len(items)
            and items[end].gap == " "
            and _agent_name_word(items[end])
            and not tokens.lexicon.word_like(items[end].key, typos=False)
        ):
            end += 1  # « je suis Marc Tessier »
        closing = end >= len(items) or items[end - 1].text.endswith(".")
        closing = closing or items[end].text in {",", ".", "!", "?", ";"} or "\n" in items[end].gap
        if greeting or closing or keys[end] in {"de", "du", "et", "a", "à", "pour"}:
            yield _entity(tokens, index, end)


COMPARED_ARTICLES = _words("le la l' un une les des du de")


def _explained_word_names(tokens: Tokens) -> Iterable[Entity]:
    """« Citron, comme le citron », « Bouleau. Comme un bouleau », « Lhirondelle comme
    l'hirondelle ? »:
    a capitalised word the speaker explains by the same French word is their name."""
    items = tokens.items
    for index, token in enumerate(items):
        if not (token.word and token.cap and not token.upper and len(token.key) >= 3):
            continue
        j = index + 1
        if j < len(items) and items[j].text in {",", ".", "…"}:
            j += 1
        if j >= len(items) or items[j].key != "comme":
            continue
        j += 1
        said = ""
        if j < len(items) and items[j].key in COMPARED_ARTICLES:
            said = items[j].key.rstrip("'") if items[j].key.endswith("'") else ""
            j += 1
        if j < len(items) and items[j].word and said + items[j].key == token.key:
            yield _entity(tokens, index, index + 1)


# What a writer introduces their name (or the name asked about) with in a chat.
PAIR_INTRO_CUES = (
    ("je", "m'", "appelle"),
    ("je", "suis"),
    ("c'", "est"),
    ("c",),
    ("cest",),
    ("ici",),
    ("moi", "c'", "est"),
)


def _pair_word(token: Token) -> bool:
    return (
        token.word
        and not token.cap
        and not token.upper
        and len(token.key) >= 3
        and _plain_word(token)
        and not token.place
        and not token.domain
        and token.key not in GLUE
        and token.key not in SMS_WORDS
        and token.key not in ROLES
    )


def _introduced_pairs(tokens: Tokens, keys: list[str]) -> Iterable[Entity]:
    """« enfin je suis tonnelier kevin », « je m'appelle désiré fournier », « dites lui que
    c thomas gateau »: two words in lower case after what introduces a name, closing the
    line or the sentence, one a listed first name or a given name that is a word, the
    other a listed name or a word that is none. After the person talked to or introduced
    (« j'ai vu avec rose prairie hier », « cest rose chapelle jai une question »), a given
    name then a noun closing the clause: the surname, even a French word. Ending a chat
    message after any word (« … toujours rien pour ma prime capucine fontaine »), a given
    name and a listed name or a word that is none."""
    items = tokens.items
    for index in range(1, len(items) - 1):
        first, second = items[index], items[index + 1]
        if second.gap != " " or not (_pair_word(first) and _pair_word(second)):
            continue
        after = index + 2
        ends = (
            after >= len(items)
            or "\n" in items[after].gap
            or items[after].text in {".", ",", "!", "?"}
        )
        talked_to = _cue_before(keys, index, PERSON_TALK) is not None
        introduced = talked_to or _cue_before(keys, index, PAIR_INTRO_CUES) is not None
        closing = tokens.lowercase and all(not t.word for t in items[after:])
        if not (introduced and (ends or _clause_goes_on(tokens, after))) and not closing:
            continue
        given = [t for t in (first, second) if t.first or t.key in WORD_FIRST_NAMES]
        if not given:
            continue
        other = second if given[0] is first else first
        listed = any(t.first and not t.common_any for t in given)  # « thomas gateau »
        if (
            other.known
            or other.first
            or other.key in WORD_FIRST_NAMES
            or not other.common_any
            or (introduced and (listed or first in given) and _surname_word(other, second))
        ):
            yield _entity(tokens, index, index + 2)


def _clause_goes_on(tokens: Tokens, after: int) -> bool:
    """Right after a name in a chat, the next clause opens (« … jai une question », « …
    pour mon dossier »), or when and where the person was met (« … hier », « … à
    l'accueil »), or what they did (« … elle m'a dit »)."""
    return (
        tokens[after].key in INTRO_BOUNDARY | SURNAME_FOLLOWERS
        or bool(TALK_TIME_RE.match(tokens.text, tokens[after - 1].end))
        or _strong_right(tokens, after)
    )


def _surname_word(token: Token, second: Token) -> bool:
    """The second word of a given name and surname that is a French word: a noun of four
    letters or more, no description, trade, state or participle (« rose prairie », not
    « rose pâle », « claire vendeuse », « aurore enceinte »)."""
    return (
        token is second
        and len(token.key) > 3
        and not _adjective_like(token)
        and not _trade_like(token)
        and not PARTICIPLE_RE.search(token.text.lower())
        and not token.key.endswith("ment")
        and token.key not in RELATIVE_STATES | WORD_FIRST_NAME_FOLLOWERS | CLOSING_WORDS
    )


PAIR_FOLLOWERS = _words("est a etait avait va vient ne n' qui doit , . ! ?")


def _relative_pairs(tokens: Tokens, keys: list[str]) -> Iterable[Entity]:
    """« mon père prosper tilleul est décédé », « pour ma fille aurore marronnier »: after « mon
    père », « ma fille »…, two words in lower case, the first a listed first name or a given
    name that is a word, then the end of the line or what a subject is followed by."""
    items = tokens.items
    for index in range(2, len(items) - 1):
        first, second = items[index], items[index + 1]
        if keys[index - 2] not in RELATIVE_POSSESSIVES or keys[index - 1] not in RELATIVES:
            continue
        if second.gap != " " or not (_pair_word(first) and _pair_word(second)):
            continue
        if not (first.first or first.key in WORD_FIRST_NAMES) or _adjective_like(second):
            continue
        after = index + 2
        if (
            after >= len(items)
            or "\n" in items[after].gap
            or (items[after].key in PAIR_FOLLOWERS and not second.typo)
        ):
            yield _entity(tokens, index, index + 2)


# A caller's turn in a chat (« Vous : », « Citoyen : »), nothing before it on the line.
CALLER_TURN_RE = re.compile(
    r"[ \t>]*(?:vous|citoyen|citoyenne|usager|usagere|appelant|appelante|client|cliente)"
    r"[ \t]*:[ \t]*",
    re.IGNORECASE,
)


def _folded_line_above(text: str, line_start: int) -> str:
    """The line before the one starting at ``line_start`` (> 0), folded, without its line
    break: the turn a one-line answer answers."""
    return fold(text[text.rfind("\n", 0, line_start - 1) + 1 : line_start - 1])


def _turn_ends_at(items: Sequence[Token], after: int) -> bool:
    """Whether the words end their line at ``after``: the text's end, a line break, or a
    full stop or « ! » closing the line (an answer said alone on its turn)."""
    return (
        after >= len(items)
        or "\n" in items[after].gap
        or (
            items[after].text in {".", "!"}
            and (after + 1 >= len(items) or "\n" in items[after + 1].gap)
        )
    )


def _name_only_turns(tokens: Tokens) -> Iterable[Entity]:
    """« Vous : sylvain cormier »: a caller's turn that is nothing but two words in lower
    case, one a given name (listed or a word), the other no adjective nor verb form."""
    items = tokens.items
    for index in range(len(items) - 1):
        first, second = items[index], items[index + 1]
        if second.gap != " " or not (_pair_word(first) and _pair_word(second)):
            continue
        line_start = tokens.text.rfind("\n", 0, first.start) + 1
        turn = CALLER_TURN_RE.fullmatch(tokens.text, line_start, first.start)
        if not turn or not _turn_ends_at(items, index + 2):
            continue
        given = [t for t in (first, second) if t.first or t.key in WORD_FIRST_NAMES]
        if not given or not line_start:
            continue
        above = _folded_line_above(tokens.text, line_start)
        if not (RELATIVE_LINE_END_RE.search(above) or NAME_QUESTION_RE.search(above)):
            continue  # the line above names a relative or asks for a name
        other = second if given[0] is first else first
        if (
            other.known
            or other.first
            or not (_adjective_like(other) or PARTICIPLE_RE.search(other.text.lower()))
        ):
            yield _entity(tokens, index, index + 2)


# « … la retraite de mon mari »: a line ending on a relative, whose name may come next.
RELATIVE_LINE_END_RE = re.compile(
    r"(?<![\w])(?:mon|ma|notre|son|sa)[ \t]+(?:mari|femme|epoux|epouse|pere|mere|fils|fille"
    r"|frere|soeur|compagnon|compagne|conjoint|conjointe|enfant)[ \t.,:!?]*$",
    re.IGNORECASE,
)


OPENING_INTRO_CUES = (("ici",), ("c",), ("c'", "est"), ("cest",))
POSSESSIVE_ROLES = _words("ta ton votre vos")


def _opening_capitalised_intro(tokens: Tokens, keys: list[str]) -> Iterable[Entity]:
    """« Bonjour, ici Lavande, en arrêt depuis … », « Coucou c Pâquerette ta nounou
    … »: at the opening of a message, after a greeting, the capitalised word the writer
    introduces themself with, a French word or not, then a comma or who they are to the
    reader."""
    items = tokens.items
    index = 0
    while index < len(items) and (keys[index] in GREETINGS or items[index].text in {",", "!"}):
        index += 1
    if not any(key in GREETINGS for key in keys[:index]):
        return
    for cue in OPENING_INTRO_CUES:
        if tuple(keys[index : index + len(cue)]) != cue:
            continue
        at = index + len(cue)
        if at + 1 >= len(items):
            return
        token, after = items[at], items[at + 1]
        if not (
            _agent_name_word(token)
            and not token.text.endswith(".")
            and not (token.common_any and _adjective_like(token))
        ):
            return
        if after.text == "," or (
            after.key in POSSESSIVE_ROLES and at + 2 < len(items) and keys[at + 2] in ROLES
        ):
            yield _entity(tokens, at, at + 1)
        return


# « olive comme le fruit », « violette comme la fleur »: what a given name is also the word for.
NAME_KINDS = _words("fruit fleur arbre oiseau animal couleur mois saison plante")


def _given_names_by_kind(tokens: Tokens, keys: list[str]) -> Iterable[Entity]:
    """« olive comme le fruit lol », « Violette, comme la fleur »: a given name the writer
    explains by what the word names."""
    for index in range(len(tokens) - 3):
        token = tokens[index]
        if not (token.word and (token.first or token.key in WORD_FIRST_NAMES)):
            continue
        j = index + 1 + (keys[index + 1] == ",")
        if (
            j + 2 < len(keys)
            and keys[j] == "comme"
            and keys[j + 1] in COMPARED_ARTICLES
            and keys[j + 2] in NAME_KINDS
        ):
            yield _entity(tokens, index, index + 1)


# A line that is nothing but a word spelled letter by letter (« Citoyen : T I L L E U L »).
SPELLED_LINE_RE = re.compile(
    r"^[ \t>]*(?:[^\W\d_][\w]*[ \t]*:[ \t]*)?((?:[A-Za-z][ \t,.\-]+){2,}[A-Za-z])[ \t.]*$",
    re.MULTILINE,
)


def _spelled_on_the_next_line(tokens: Tokens) -> Iterable[Entity]:
    """« mon nom c'est tilleul / T I L L E U L »: the word closing a line, spelled on the next
    line, is a name, even a French word in lower case."""
    text, items = tokens.text, tokens.items
    for match in SPELLED_LINE_RE.finditer(text):
        letters = re.sub(r"[^A-Za-z]", "", match.group(1)).lower()
        line_start = match.start()
        if not line_start or len(letters) < 3:
            continue
        before = [t for t in items if t.end <= line_start - 1 and t.word]
        if (
            before
            and before[-1].key == letters
            and not text[before[-1].end : line_start].strip(" \t.,!\n")
        ):
            yield Entity(before[-1].start, before[-1].end, "PERSON")


APPOSITION_HEADS = _words("un une le la mon ma notre")
APPOSED_NOUNS = ROLES | RELATIVES | TRADES | _words("pote paysagiste plombier macon beau belle")


def _surnames_in_apposition(tokens: Tokens, keys: list[str]) -> Iterable[Entity]:
    """« je dors chez cormier un pote », « j'ai travaillé chez tonnelier le paysagiste », « la
    carte grise de sorbier mon beau-père »: after « chez », « de », « pour », « avec », a
    listed name in lower case, then who the person is."""
    items = tokens.items
    for index in range(1, len(items) - 2):
        token = items[index]
        if keys[index - 1] not in {"chez", "de", "pour", "avec"} or token.cap:
            continue
        if not (token.word and token.known and _pair_word(token)):
            continue
        if keys[index + 1] in APPOSITION_HEADS and keys[index + 2] in APPOSED_NOUNS:
            yield _entity(tokens, index, index + 1)


CHILDREN_WORDS = _words("jumeaux jumelles triples enfants filles fils bebes")


def _given_name_word(token: Token) -> bool:
    return token.word and (token.first or token.key in WORD_FIRST_NAMES) and _pair_word(token)


def _newborns_and_twins(tokens: Tokens, keys: list[str]) -> Iterable[Entity]:
    """« j'ai accouché le 2 mai de capucine », « les jumeaux prosper et aimé sont nés »: the
    given name of a newborn after « accouché … de », and two given names joined by « et »
    right after « les jumeaux », « mes enfants »."""
    items = tokens.items
    for index, key in enumerate(keys):
        if key.startswith("accouch"):
            for j in range(index + 1, min(index + 7, len(items) - 1)):
                if "\n" in items[j].gap:
                    break
                if keys[j] in {"de", "d'"} and _given_name_word(items[j + 1]):
                    yield _entity(tokens, j + 1, j + 2)
                    break
        elif (
            key in CHILDREN_WORDS
            and index + 3 < len(items)
            and keys[index + 2] == "et"
            and _given_name_word(items[index + 1])
            and _given_name_word(items[index + 3])
        ):
            yield _entity(tokens, index + 1, index + 2)
            yield _entity(tokens, index + 3, index + 4)


def _greeted_again(tokens: Tokens, keys: list[str], introduced: set[str]) -> Iterable[Entity]:
    """« appelant bonjour rose … »: the agent's first name, greeted or thanked again."""
    for index in range(1, len(tokens)):
        if keys[index] in introduced and keys[index - 1] in {"bonjour", "merci", "revoir"}:
            yield _entity(tokens, index, index + 1)


def _word_names_by_cue(tokens: Tokens, keys: list[str]) -> Iterable[Entity]:
    """A given name that is also a French word (or a listed first name), in lower case,
    where a chat names a person: after a preposition, then a pronoun subject, « et moi »,
    a day, or a role in apposition (« je demande a pierre il a le code », « rdv avec
    constant lundi », « chez modeste le voisin »); or opening a sentence before a relative
    in apposition (« olive ma fille a 3 ans »). The cue, not the word, makes the name:
    « une pierre », « c'est clair », « la fontaine » have none of them. In a transcript,
    the agent's first name before their greeting (« agent france travail rose bonjour »)."""
    introduced: set[str] = set()
    for index in range(len(tokens)):
        token = tokens[index]
        if not _may_be_word_name(token):
            continue
        previous = keys[index - 1] if index else ""
        if _agent_introduction(tokens, index):
            introduced.add(token.key)
            yield _entity(tokens, index, index + 1)
        elif previous in CUE_PREPOSITIONS and tokens[index].gap == " ":
            if previous == "a" and index >= 2 and keys[index - 2] in VERB_A_SUBJECTS:
                continue  # « il a rose … »: the verb, not the preposition
            if _surname_after(tokens, index):
                yield _entity(tokens, index, index + 2)
            elif _cued_after_preposition(tokens, index, previous):
                yield _entity(tokens, index, index + 1)
        elif (
            tokens.sentence_start(index)
            and _apposed_role_after(tokens, index)
            and tokens[index + 1].key in POSSESSIVES
        ):
            yield _entity(tokens, index, index + 1)
    if introduced:
        yield from _greeted_again(tokens, keys, introduced)
    for index in range(2, len(tokens)):
        if keys[index - 1] in NAMED_CUES | SOMEONE_CALLED and _someone_called(tokens, index):
            yield _entity(tokens, index, index + 1)


# « un dénommé fontaine », « une nommée Perle »: whoever is named after these is a person.
NAMED_CUES = _words("denomme denommee nomme nommee surnomme surnommee")
# « un certain renard il répond plus »: after « un certain », a listed name then what says
# it is someone (« un certain temps il faut » is no one: « temps » is no name).
SOMEONE_CALLED = _words("certain certaine")


def _someone_called(tokens: Tokens, index: int) -> bool:
    token = tokens[index]
    if not token.word or token.gap != " " or token.domain or token.key in GLUE:
        return False
    if len(token.key) < 3 or token.key in SMS_WORDS:
        return False
    before = tokens[index - 2].key if index >= 2 else ""
    if tokens[index - 1].key in NAMED_CUES:
        return before in {"un", "une", "le", "la"} or not token.common_any
    if token.place:
        return False
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    return (
        before in {"un", "une"}
        and token.known
        and (
            following is None
            or "\n" in following.gap
            or following.key in CUE_SUBJECTS | {",", ".", "!", "?", "m'", "m", "ma", "a"}
        )
    )


# --- Children listed with their birth year (tenth pass) ------------------------------------

# « j'ai 3 enfants : léo (2016), jade (2019) et noa (mars 2023) »: after « enfants », « fils »,
# « filles » and a colon, each word followed by a year or a date in brackets is a child's
# name and the bracket their birth date, whatever the case of the name.
CHILD_LIST_HEAD_RE = re.compile(
    r"(?<![\w])(?:enfants?|fils|filles?|petits?-enfants|garcons?|jumeaux|jumelles?)"
    r"[^\n:.!?]{0,20}:[ \t]*",
    re.IGNORECASE,
)
MONTHS = r"janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre"
CHILD_ITEM_RE = re.compile(
    r"([A-Za-z][\w'\-]*(?:[ \t]+[A-Z][\w'\-]*)?)[ \t]*\([ \t]*(?:(?:nee?s?|n\.)[ \t]+)?"
    r"(?:(?:le|en)[ \t]+)?"
    rf"((?:\d{{1,2}}(?:er)?[ \t]+)?(?:(?i:{MONTHS})[ \t]+)?(?:19|20)\d\d"
    r"|\d{1,2}[/.]\d{1,2}[/.](?:\d{4}|\d{2}))[ \t]*\)"
)
CHILD_SEPARATOR_RE = re.compile(r"[ \t]*(?:,|;|et)[ \t]*(?:et[ \t]+)?")


def find_listed_children(text: str, folded: str) -> Iterable[Entity]:
    """Children named after a colon, each with their birth year or date in brackets: the
    names (French words or not, in lower case or not) and the dates."""
    for head in CHILD_LIST_HEAD_RE.finditer(folded):
        position = head.end()
        while True:
            item = CHILD_ITEM_RE.match(folded, position)
            if item is None:
                break
            yield Entity(item.start(1), item.end(1), "PERSON")
            yield Entity(item.start(2), item.end(2), "BIRTHDATE")
            separator = CHILD_SEPARATOR_RE.match(folded, item.end())
            if separator is None or separator.end() == item.end():
                break
            position = separator.end()
    for line in CHILD_LINE_YEAR_RE.finditer(folded):
        yield Entity(line.start(1), line.end(1), "PERSON")
        yield Entity(line.start(2), line.end(2), "BIRTHDATE")


# « Enfant 1 : Lilas Ormeau, 2016 »: a child's line of a form, the birth year after a comma.
CHILD_LINE_YEAR_RE = re.compile(
    r"(?:^|\n)[ \t>\-]*(?:enfants?|fils|filles?)\b[^\n:]{0,20}:[ \t]*"
    r"([A-Za-z][\w'\-]*(?:[ \t]+[A-Za-z][\w'\-]*){0,2}?)[ \t]*,[ \t]*"
    r"(?:(?i:nee?s?)[ \t]+(?:(?i:en)[ \t]+)?)?((?:19|20)\d\d)[ \t.]*(?=\n|$)",
    re.IGNORECASE,
)


# --- A word name after a child or a spouse, by what follows it (tenth pass) ---------------

RELATIVE_POSSESSIVES = _words("mon ma notre son sa leur")
OBJECT_CLITICS = _words("le la les l' lui leur")


def _relative_word_names(tokens: Tokens, keys: list[str]) -> Iterable[Entity]:
    """« mon fils innocent le chercher », « ma fille perle 340 € », « mon fils constant,
    il a 16 ans »: after « mon fils », « ma fille »…, a word from the list of given names
    that are words (``WORD_FIRST_NAMES``), in lower case, then an object pronoun and an
    infinitive, an amount or a number, or a comma and « il » / « elle »: the relative's
    name (« mon fils unique », « ma fille aînée » are no listed names)."""
    for index in range(2, len(tokens) - 1):
        token = tokens[index]
        if (
            token.key not in WORD_FIRST_NAMES
            or token.key == "juste"  # « mon fils juste l'accompagner »: an adverb
            or token.cap
            or token.upper
            or keys[index - 1] not in RELATIVES
            or keys[index - 2] not in RELATIVE_POSSESSIVES
            or "\n" in token.gap
        ):
            continue
        following = tokens[index + 1]
        if "\n" in following.gap:
            continue
        after = tokens[index + 2] if index + 2 < len(tokens) else None
        if (
            following.text[:1].isdigit()
            or (
                following.key in OBJECT_CLITICS
                and after is not None
                and re.fullmatch(r"[a-z]{3,}(?:er|ir|re)", after.key) is not None
            )
            or (following.text == "," and after is not None and after.key in {"il", "elle"})
        ):
            yield _entity(tokens, index, index + 1)


# --- Word names by more cues (eleventh pass) -----------------------------------------------

# Relatives a word name is apposed to (« mon gendre vital qui … », « ma nièce perle. »).
RELATIVE_NOUNS = RELATIVES | _words(
    """gendre belle-fille beau-fils petit-fils petite-fille bebe filleul filleule beau-frere
    belle-soeur belle-mere beau-pere"""
)
# What follows the name of a relative: the end, a pronoun subject, a verb of its clause.
RELATIVE_NAME_ENDS = _words(
    ". , ! ? ; qui il elle est a va doit vient m' ma me ne n' et svp stp merci voila voilà"
)
# Word names that are adverbs after « mon fils » (« mon fils juste avant », « sage »).
NOT_RELATIVE_NAMES = _words("juste sage")
# Who or what a person's name follows after « de » (« la mère de prudence », « les soins de
# céleste », « le mariage de perle »).
PERSON_OF_CUES = _words(
    """mere pere maman papa tante oncle marraine parrain mamie papi nounou soeur frere
    grand-mere grand-pere soins naissance mariage deces obseques anniversaire bapteme"""
)
# Word names that make phrases after « de » (« une maison de fortune », « coup de soleil »).
NOT_NAMES_AFTER_DE = MANNER_NOUNS | _words("fortune soleil noel avril aube ocean etoile lys")
TALK_ENDS = _words("tel telephone phone bout")
# Who one is partnered with or separated from (« pacsés avec », « divorcée de »).
PARTNERED = _words(
    """pacse pacsee pacses pacsees marie mariee maries mariees separe separee separes
    divorce divorcee divorces concubinage couple remarie remariee"""
)


def _word_names_by_more_cues(tokens: Tokens, keys: list[str]) -> Iterable[Entity]:
    """Given names that are words (``WORD_FIRST_NAMES``), in lower case, by their cue:

    * « de » not elided before a vowel (« le mariage de aimé », « la mère de olive »): a
      French word would take « d' »;
    * after a relative's or an event's « de » (« la mère de prudence », « les soins de
      céleste »), at the end of the clause;
    * after « mon fils », « mon gendre »…, at the end of the clause or before its verb
      (« mon gendre vital qui a rempli », « ma nièce perle. »);
    * « j'ai eu fleur au téléphone »;

    and a family after « chez les » (« saisonnier chez les Berger à … »): a listed surname
    or no French word, capitalised."""
    count = len(tokens)
    for index in range(2, count):
        token = tokens[index]
        if not token.word or "\n" in token.gap or token.gap != " ":
            continue
        previous, before = keys[index - 1], keys[index - 2]
        following = tokens[index + 1] if index + 1 < count else None
        at_end = (
            following is None
            or "\n" in following.gap
            or following.key in RELATIVE_NAME_ENDS
            or _apposed_role_after(tokens, index)
        )
        if previous == "les" and before == "chez":
            if (
                token.cap
                and not token.upper
                and (token.known or not token.common_any)
                and not token.place
                and _plain_word(token)
                and (following is None or not following.cap)
            ):
                yield _entity(tokens, index, index + 1)
            continue
        if token.cap or token.upper or token.key not in WORD_FIRST_NAMES:
            continue
        if not _plain_word(token) or token.key in NOT_RELATIVE_NAMES:
            continue
        if _word_name_cued(tokens, keys, index, at_end):
            yield _entity(tokens, index, index + 1)


def _word_name_cued(tokens: Tokens, keys: list[str], index: int, at_end: bool) -> bool:
    """The cues of :func:`_word_names_by_more_cues` for a word of ``WORD_FIRST_NAMES``."""
    token = tokens[index]
    previous, before = keys[index - 1], keys[index - 2]
    if previous in {"avec", "de"} and before in PARTNERED:
        # « on s'est pacsés avec perle », « je suis séparée de constant »
        return token.key not in MANNER_NOUNS
    if previous == "de" and token.key not in NOT_NAMES_AFTER_DE:
        return token.key[0] in "aeiouy" or (before in PERSON_OF_CUES and at_end)
    if previous in RELATIVE_NOUNS and before in RELATIVE_POSSESSIVES:
        return at_end
    if previous in CLAUSE_CONJUNCTIONS and index + 1 < len(tokens):
        # « depuis que fortuné est parti », « quand olive m'a appelé »: a subject without
        # an article, before its verb
        following = tokens[index + 1]
        return (
            following.gap == " "
            and following.key in SUBJECT_VERBS
            and token.key not in MANNER_NOUNS | NOT_SUBJECT_NAMES
            and not _adjective_like(token)
        )
    return (
        previous == "eu"
        and index + 2 < len(tokens)
        and keys[index + 1] == "au"
        and keys[index + 2] in TALK_ENDS
    )


# What opens a clause whose subject follows (« depuis que », « quand », « parce qu' »).
CLAUSE_CONJUNCTIONS = _words("que qu' quand lorsque puisque comme si")
SUBJECT_VERBS = _words("est a m' ne n' va vient doit devait etait avait s' se me m")
NOT_SUBJECT_NAMES = _words("noel avril soleil aube ocean etoile lys fleur")


# After a greeting, who is greeted (« bonjour claire c'est encore moi »): the end, a comma
# or the next clause.
GREETED_FOLLOWERS = _words(". , ! ? c c' cest je j' jai merci")
TOPIC_PRONOUNS = _words("il elle")
TOPIC_VERBS = _words("a est va doit m' ne n' veut peut vient fait")


def _greeted_or_topic_word_names(tokens: Tokens, keys: list[str]) -> Iterable[Entity]:
    """A given name that is a word (listed, or of ``WORD_FIRST_NAMES``), in lower case:
    greeted (« bonjour claire c'est encore moi »), or opening a turn as its topic before
    « il » / « elle » and a verb (« usager: jade elle a eu son bac »; « maman elle a » is a
    role)."""
    count = len(tokens)
    for index, token in enumerate(tokens.items):
        if (
            token.cap
            or token.upper
            or not (token.first or token.key in WORD_FIRST_NAMES)
            or token.key in NOT_RELATIVE_NAMES | MANNER_NOUNS
            or not _plain_word(token)
            or token.key in RELATIVES
            or index + 1 >= count
            or tokens[index + 1].gap not in {" ", ""}
        ):
            continue
        following = tokens[index + 1]
        greeted = (
            index > 0
            and keys[index - 1] in {"bonjour", "bonsoir", "coucou", "salut"}
            and token.gap == " "
            and _opens_turn(tokens, keys, index - 1)
            and (following.key in GREETED_FOLLOWERS or "\n" in following.gap)
        )
        topic = (
            _opens_turn(tokens, keys, index)
            and following.key in TOPIC_PRONOUNS
            and following.gap == " "
            and index + 2 < count
            and keys[index + 2] in TOPIC_VERBS
        )
        if greeted or topic:
            yield _entity(tokens, index, index + 1)


# (« merci infiniment », « bonne journée à vous aussi »: the words that close the thanks or
# the wish before the name)
THANKS_TAILS = _words(
    "bcp beaucoup infiniment enormement encore avance d'avance journee soiree a vous aussi"
)


def _closing_lowercase_name(tokens: Tokens) -> Iterable[Entity]:
    """« cordialement rose marteau », « merci bcp jade », « cordialement\nmarteau capucine »:
    one or two words in lower case ending the message right after a closing word, one of
    them a given name (listed, or a word of ``WORD_FIRST_NAMES``): the writer's name, its
    other word their surname even when it is a French word."""
    items = tokens.items
    end = len(items)
    while end and not items[end - 1].word and items[end - 1].text in {".", "!"}:
        end -= 1
    for size in (2, 1):
        start = end - size
        if start < 1:
            continue
        run = items[start:end]
        before = start - 1
        while before > 0 and items[before].key in THANKS_TAILS | {","}:
            before -= 1
        if items[before].key not in CLOSING_WORDS or items[before].key in {"bonjour", "bonsoir"}:
            continue
        if any(
            not t.word
            or t.cap
            or t.upper
            or len(t.key) < 3
            or t.domain
            or t.key in GLUE | SMS_WORDS | CLOSING_WORDS | THANKS_TAILS | LAST_WORDS_NOT_NAMES
            or (t.place and not t.known)
            for t in run
        ):
            continue
        if any(t.first or t.key in WORD_FIRST_NAMES for t in run):
            yield _entity(tokens, start, end)
            return


# A sign-off and what may follow it before the writer's name closes the message (« merci
# pour tout », « merci encore pour votre aide », « bonne journée à vous », « a+ », « bisous »),
# read on the folded text.
SIGN_OFF_END_RE = re.compile(
    r"(?<![\w])(?:merci|cordialement|cdlt|cdt|salutations|amicalement|bises|bisous|biz"
    r"|a\+|@\+|a[ \t]+plus|bye|ciao|tchao|bien[ \t]+a[ \t]+vous"
    r"|bonne[ \t]+(?:journee|soiree|fin[ \t]+de[ \t]+journee|semaine|continuation)"
    # a letter's courtesy sentence (« Je vous remercie par avance. », « Dans l'attente de
    # votre réponse, », « Je reste disponible pour tout complément. »)
    r"|je[ \t]+vous[ \t]+remercie|en[ \t]+vous[ \t]+remerciant|dans[ \t]+l'attente"
    r"|je[ \t]+reste[ \t]+(?:disponible|a[ \t]+votre[ \t]+disposition))"
    r"(?:[ \t]*,?[ \t]*(?:pour|tout|encore|infiniment|beaucoup|bcp|d'avance|par|avance|mille"
    r"|fois|a|vous|votre|aide|retour|reponse|de|et|bonne|journee|soiree|rapide|rapidement"
    r"|complement|information|informations|question|questions|disposition))*"
    r"[ \t]*[,.!]*[ \t]*\n?[ \t]*$",
    re.IGNORECASE,
)


# What follows a sign-off and names nobody: interjections, English thanks, laughter.
SIGN_OFF_NOT_NAMES = _words(
    """inchallah inshallah inchalah inch'allah incha'allah wallah wallahi wollah amin amine
    xoxo xo thx thanks thank you please pls plz lol mdr ptdr hihi haha hehe hahaha bisouus
    kiss love bye ciao tchao ok okay okk top cool nice yes"""
)
REPEATED_LETTERS_RE = re.compile(r"(\w)\1\1|^(?:mdr+|lol+|ptdr+|(?:ha|hi|he)+h?)$")


# Capitalised words a sign-off may end with that name nobody (« Merci Beaucoup », « Bonne
# Journée », « À Bientôt », « Merci Madame », « Bon Weekend »).
SIGN_OFF_CAPITALISED_NOT_NAMES = _words(
    """beaucoup bcp infiniment encore avance d'avance journee soiree semaine continuation
    bientot plus vous toi tous tout equipe services service agent agents conseiller
    conseillere madame monsieur mademoiselle messieurs dames cordialement salutations
    amicalement bises bisous merci remerciements reponse retour aide dieu bon weekend
    week-end we courage fetes annee vacances sante attente urgent"""
)


def _capitalised_signing_word(token: Token) -> bool:
    """A capitalised French word closing the message after a sign-off (« Merci de votre
    retour rapide Gaspard », « Je vous remercie par avance. Moïse Prairie »): a name, as
    the vocabulary holds many given names (Gaspard, Moïse, Séraphin) among its words;
    never a month, a day, a closing's word or a civility."""
    return (
        token.cap
        and not token.upper
        and token.key not in SIGN_OFF_CAPITALISED_NOT_NAMES
        and token.key not in MONTH_AND_DAY_WORDS
        and token.key not in CLOSING_WORDS
        and token.key not in THANKS_TAILS
        and not PARTICIPLE_RE.search(token.key)
    )


def _signed_after_sign_off(tokens: Tokens) -> Iterable[Entity]:
    """« merci pour tout xavéria », « a+ Sitraka », « bonne journée à vous\ntahiana
    rakoto »: one to three words closing the message after a sign-off, each a listed name
    or no French word (not even with a typo), a place or an administration: the writer's
    name, whatever its case. A French word there is a name only capitalised, every word of
    the run then capitalised (:func:`_capitalised_signing_word`)."""
    items = tokens.items
    end = len(items)
    while end and not items[end - 1].word and items[end - 1].text in {".", "!"}:
        end -= 1
    for size in (3, 2, 1):
        start = end - size
        if start < 1:
            continue
        run = items[start:end]
        if any(t.gap not in {" ", ""} for t in run[1:]):
            continue
        if not all(
            _signing_word(t, position)
            and not t.upper
            and t.key not in SMS_WORDS | SIGN_OFF_NOT_NAMES
            and not REPEATED_LETTERS_RE.search(t.key)
            and (
                t.first
                or (t.known and not t.common_any)
                or not (t.common_any or t.typo)
                or _capitalised_signing_word(t)
            )
            for position, t in enumerate(run)
        ) or not any(len(t.key) > 3 for t in run):
            continue
        if any(_capitalised_signing_word(t) for t in run) and not all(t.cap for t in run):
            continue  # « merci encore Gaspard lemoine »: the relaxed words go capitalised
        if SIGN_OFF_END_RE.search(fold(tokens.text[: run[0].start])):
            yield _entity(tokens, start, end)
            return


# Meeting or talking with someone, a few words before « avec » (« j'ai eu rdv hier avec »,
# « je vois ça avec », « j'en ai parlé avec »); not living with (« je vis avec chien »).
MET_WITH_VERBS = _words(
    """rdv rendez-vous rencontre rencontree parle parler parlee discute discuter echange
    echanger vu vois voir verrai voit"""
)
# A noun without determiner after « avec » that names nobody (« avec plaisir »).
WITH_NOT_NAMES = _words(
    """plaisir impatience attention interet soin succes retard regret joie difficulte
    moderation precaution prudence respect courage patience espoir"""
)


def _met_with_closing(tokens: Tokens) -> Iterable[Entity]:
    """« ok je vois ça avec gaspard », « j'ai eu rdv hier avec séraphin »: one lower-case
    word closing the message after « avec » and a verb of meeting or talking a few words
    before it: whom one met, even a word the vocabulary holds (a noun there would need
    its determiner); never a pronoun, a place, an administration or « avec plaisir »."""
    items = tokens.items
    end = len(items)
    while end and not items[end - 1].word and items[end - 1].text in {".", "!"}:
        end -= 1
    last = end - 1
    if last < 2 or items[last - 1].key != "avec" or "\n" in items[last].gap:
        return
    token = items[last]
    if (
        token.cap
        or not _plain_word(token)
        or len(token.key) < 3
        or token.place
        or token.key in WITH_NOT_NAMES
        or token.key in MONTH_AND_DAY_WORDS
        or _adjective_like(token)
        or PARTICIPLE_RE.search(token.key)
    ):
        return
    clause = items[max(0, last - 6) : last - 1]
    if any("\n" in t.gap for t in items[max(0, last - 5) : last]):
        clause = [t for t in clause if t.start > tokens.text.rfind("\n", 0, items[last].start)]
    if any(t.key in MET_WITH_VERBS for t in clause):
        yield _entity(tokens, last, last + 1)


AGENT_INTRO_TAILS = (
    ("je", "suis"),
    ("moi", "c'", "est"),
    ("moi", "c", "est"),
    ("ici",),
    # « vous êtes en contact avec Fidèle. », « vous êtes en ligne avec Ange »
    ("en", "contact", "avec"),
    ("en", "ligne", "avec"),
)
AGENT_INTRO_FOLLOWERS = _words(". , ! ? ; votre de du et pour a à je")
AGENT_TURN_RE = re.compile(
    r"[ \t>]*(?:agent|agente|conseill[eè]re?|operat\w+)\b[ \t]*:?[ \t]*", re.IGNORECASE
)


def _agent_self_introductions(tokens: Tokens, keys: list[str]) -> Iterable[Entity]:
    """« Agent : Bonjour, je suis Aurélien. », « Conseillère : moi c'est Prune, … »: in an
    agent's turn, the capitalised word after « je suis », « moi c'est », « ici » is the
    agent's first name, even a French word (an agent states no nationality or trade)."""
    if "\n" not in tokens.text and not AGENT_TURN_RE.match(tokens.text):
        return
    for index, token in enumerate(tokens.items):
        if not token.cap or token.upper or not _plain_word(token) or token.key in ROLES:
            continue
        if PARTICIPLE_RE.search(token.text.lower().rstrip(".")) or (
            _adjective_like(token) and not token.key.endswith("ien")
        ):
            continue  # « je suis Navrée, … », « je suis Désolé » (« Aurélien » is a name)
        tail = _cue_before(keys, index, AGENT_INTRO_TAILS)
        if tail is None:
            continue
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if not (
            following is None
            or "\n" in following.gap
            or following.key in AGENT_INTRO_FOLLOWERS
            or token.text.endswith(".")
        ):
            continue
        line_start = tokens.text.rfind("\n", 0, token.start) + 1
        speaker = AGENT_TURN_RE.match(tokens.text, line_start)
        if speaker and speaker.end() < token.start:
            yield _entity(tokens, index, index + 1)


# « agent carsat bonjour je suis sylvain je vous écoute »: what an agent says after their
# name when they open the call.
AGENT_SERVICE_PHRASES = (
    ("je", "vous", "ecoute"),
    ("a", "votre", "ecoute"),
    ("que", "puis"),
    ("en", "quoi"),
    ("comment", "puis"),
    ("comment", "je"),
    ("qu'est-ce", "que"),
    ("bonjour",),
)
LOWER_AGENT_INTRO_TAILS = (("je", "suis"), ("je", "m'", "appelle"), ("moi", "c'", "est"))
CALLER_WORDS = _words("appelant appelante usager usagere client cliente vous moi")


def _lower_case_agent_introductions(tokens: Tokens, keys: list[str]) -> Iterable[Entity]:
    """« agent carsat bonjour je suis sylvain je vous écoute », « agent caf bonjour je
    m'appelle fidèle » (the caller's turn next): a transcript in lower case, on the agent's
    turn that greets, the word after « je suis » / « je m'appelle » is the agent's first
    name, even a French word, when the service's words or the end of the turn follow."""
    if not AGENT_TURN_RE.match(tokens.text) and "\nagent" not in tokens.text.lower():
        return
    for index, token in enumerate(tokens.items):
        if token.cap or token.upper or not token.word or len(token.key) < 3:
            continue
        if token.key in ROLES or token.key in SERVICE_NOUNS or token.key in GREETINGS:
            continue
        if not token.first and (PARTICIPLE_RE.search(token.text.lower()) or _adjective_like(token)):
            continue
        tail = _cue_before(keys, index, LOWER_AGENT_INTRO_TAILS)
        if tail is None:
            continue
        line_start = tokens.text.rfind("\n", 0, token.start) + 1
        speaker = AGENT_TURN_RE.match(tokens.text, line_start)
        if not speaker or speaker.end() >= token.start:
            continue
        cue_start = index - len(tail)
        if not any(
            t.key in {"bonjour", "bonsoir"} and t.start >= line_start
            for t in tokens.items[max(0, cue_start - 8) : cue_start]
        ):
            continue
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        after = index + 1
        if following is not None and following.key in {",", "."} and "\n" not in following.gap:
            after += 1
        if not (
            following is None
            or "\n" in following.gap
            or (after < len(tokens) and "\n" in tokens[after].gap)
            or (after < len(tokens) and tokens[after].key in CALLER_WORDS)
            or _cue_after(keys, after, AGENT_SERVICE_PHRASES)
        ):
            continue
        yield _entity(tokens, index, index + 1)


def _cue_after(keys: Sequence[str], index: int, cues: Iterable[tuple[str, ...]]) -> bool:
    return any(tuple(keys[index : index + len(cue)]) == cue for cue in cues)


def _capitalised_word_name(token: Token) -> bool:
    """« Perle et Constant »: a capitalised given name that is a word (« Constant » reads
    as an adjective), joined to a name."""
    return (
        token.word
        and token.cap
        and not token.upper
        and (token.first or token.key in WORD_FIRST_NAMES)
        and token.key not in NOT_RELATIVE_NAMES
    )


# --- Given names answered, spelled past and after a relative (thirteenth pass) -------------

# A turn asking for the given name (« prénom », « et votre prénom ? »), or calling the caller
# by civility and surname (« madame Vasilescu »): the next turn may be the given name alone.
GIVEN_NAME_ASKED_RE = re.compile(
    r"(?:^|:)[ \t]*(?:et[ \t]+)?(?:(?:votre|son|sa|le|ton|leur)[ \t]+)?prenoms?[ \t?.]*$",
    re.IGNORECASE,
)
SURNAME_CALLED_RE = re.compile(
    r"(?:^|:)[ \t]*(?:madame|monsieur|mme|mr|m\.)[ \t]+[A-Z][\w'\-]+[ \t?.]*$"
)
# A speaker's label opening a turn (« B : », « appelante : », « [10:02] Vous : »).
TURN_LABEL_RE = re.compile(r"[ \t>]*(?:\[[\d:.,]+\][ \t]*)?[^\n:\d]{1,25}:[ \t]*")
ANSWER_FILLERS = _words("oui euh ben alors c'est cest voila voilà")


def _given_name_answers(tokens: Tokens) -> Iterable[Entity]:
    """« A : prénom\nB : Harena », « conseiller : madame Vasilescu\nappelante : oui Ionela »: a
    turn that is one word (after « oui », « euh ») answering a turn that asks for the given
    name (a listed name, even a French word, or no French word: never « attendez ») or calls
    the caller by surname (then a capitalised word that is no French word)."""
    items = tokens.items
    text = tokens.text
    for index, token in enumerate(items):
        if not _plain_word(token) or token.place:
            continue
        if not _turn_ends_at(items, index + 1):
            continue
        line_start = text.rfind("\n", 0, token.start) + 1
        label = TURN_LABEL_RE.match(text, line_start) if line_start else None
        if label is None or label.end() > token.start:
            continue
        if any(
            fold(w).lower() not in ANSWER_FILLERS for w in text[label.end() : token.start].split()
        ):
            continue
        above = _folded_line_above(text, line_start)
        if (
            GIVEN_NAME_ASKED_RE.search(above)
            and (token.first or token.key in WORD_FIRST_NAMES or not token.common_any)
        ) or (SURNAME_CALLED_RE.search(above) and token.cap and not token.common_any):
            yield _entity(tokens, index, index + 1)


NAMING_KEYS = _words("appelle sappelle s'appelle nom prenom")


def _names_said_in_parallel(tokens: Tokens, keys: list[str]) -> Iterable[Entity]:
    """« elle s'appelle sevda kaya et moi murat kaya »: after someone's name is given, « et
    moi » then the writer's own name, in lower case and even French words, up to the end
    of the clause."""
    for index in range(2, len(tokens) - 2):
        if keys[index] != "et" or keys[index + 1] != "moi":
            continue
        if not any(k in NAMING_KEYS for k in keys[max(0, index - 8) : index]):
            continue
        start = index + 2
        end = _introduced_name(tokens, start)
        if end > start:
            yield _entity(tokens, start, end)


def _given_name_after_spelling(tokens: Tokens) -> Iterable[Entity]:
    """« Tetuanui t e t u a n u i Teva », « Tuilagi t u i l a g i Sione il est de … »: a
    capitalised word right after a name spelled letter by letter, no French word or ending
    the turn: the given name said after the surname."""
    items = tokens.items
    letters = 0
    for index, token in enumerate(items):
        single = len(token.text) == 1 and token.text.isalpha()
        if single and (letters == 0 or token.gap == " "):
            letters += 1
            continue
        following = items[index + 1] if index + 1 < len(items) else None
        # the turn ends there or goes on about the person (« Sione il est de Wallis »): then
        # even a word the vocabulary or the map knows
        said_alone = (
            following is None
            or "\n" in following.gap
            or following.key in {",", ".", "il", "elle", "euh"}
        )
        if (
            letters >= 4
            and token.gap == " "
            and token.cap
            and not token.upper
            and _plain_word(token)
            and (said_alone or (not token.place and (token.first or not token.common_any)))
        ):
            yield _entity(tokens, index, index + 1)
        letters = 0


def _relative_unknown_words(tokens: Tokens, keys: list[str]) -> Iterable[Entity]:
    """« mon fils teva a eu son code »: after « mon fils », « ma cousine »…, a word in lower
    case that is no French word (a town's name allowed: « teva »), then what follows a
    subject (a verb, a pronoun, the end of the clause), in a text of any case."""
    for index in range(2, len(tokens) - 1):
        token = tokens[index]
        if (
            keys[index - 2] not in RELATIVE_POSSESSIVES
            or keys[index - 1] not in RELATIVE_NOUNS
            or token.cap
            or token.upper
            or token.common_any
            or token.typo
            or len(token.key) < 3
            or not _plain_word(token)
            or token.gap != " "
        ):
            continue
        following = tokens[index + 1]
        if "\n" not in following.gap and following.key not in RELATIVE_NAME_ENDS:
            continue
        yield _entity(tokens, index, index + 1)


def _relatives_in_apposition(tokens: Tokens, keys: list[str]) -> Iterable[Entity]:
    """« Ma sœur, Violette Le Goff, viendra … »: after « ma sœur », « mon fils »… and a
    comma, capitalised words (particles allowed) closed by a comma: the relative's name,
    even French words."""
    items = tokens.items
    for index in range(2, len(items) - 2):
        if (
            items[index].text != ","
            or keys[index - 1] not in RELATIVE_NOUNS
            or keys[index - 2] not in RELATIVE_POSSESSIVES
        ):
            continue
        i = index + 1
        words = 0
        while i < len(items) and words < 4:
            token = items[i]
            if words and token.key in PARTICLES and token.cap:
                i += 1
                continue
            if not (token.cap and not token.upper and _plain_word(token)) or token.place:
                break
            words += 1
            i += 1
        if words and i < len(items) and items[i].text == "," and items[index + 1].cap:
            yield _entity(tokens, index + 1, i)


# An auxiliary then a past participle (« a déposé », « est venue », « m'a fait »): what
# someone did.
AUXILIARY_PARTICIPLE_RE = re.compile(
    r"[ \t]+(?:m['’][ \t]?|nous[ \t]+|l['’][ \t]?)?(?:a|avait|est|etait|était)[ \t]+"
    r"(?:bien[ \t]+|deja[ \t]+|déjà[ \t]+|encore[ \t]+)?"
    r"[a-zà-ÿ]{2,}(?:é|ée|és|ées|i|ie|is|u|ue|us|it|ert|erte|ort|orte|int|ainte)\b"
)


def _given_names_opening_a_clause(tokens: Tokens) -> Iterable[Entity]:
    """« Bonjour,\nRose a déposé une demande pour moi »: a capitalised given name that is a
    French word, alone opening a line or a sentence (no determiner: a noun would need one),
    then an auxiliary and a past participle: someone who did something (not « a été »:
    « Patience a été mise à rude épreuve »)."""
    items = tokens.items
    for index, token in enumerate(items[:-1]):
        if (
            not token.cap
            or token.upper
            or not (token.first or token.key in WORD_FIRST_NAMES)
            or not _plain_word(token)
            or token.place
            or token.key in FEAST_DAYS | MONTH_AND_DAY_WORDS | CLOSING_WORDS
            or not (
                tokens.sentence_start(index)
                or _ends_sentence(items[index - 1])
                or items[index - 1].key in CLAUSE_OPENERS
            )
            or items[index + 1].cap
        ):
            continue
        match = AUXILIARY_PARTICIPLE_RE.match(tokens.text, token.end)
        if match and not match.group().rstrip().endswith(("été", "ete")):
            yield _entity(tokens, index, index + 1)


def _joinable(token: Token) -> bool:
    """A word that may be a given name joined to others: no French word (one typo away
    allowed: « lilou », « kenzo »), no place, administration or abbreviation."""
    return (
        _plain_word(token)
        and len(token.key) > 3
        and not token.common_any
        and not token.place
        and token.key not in SMS_WORDS
    )


def _spelled_as_a_name(tokens: Tokens, token: Token) -> bool:
    """No French word, not even with a typo, or written with a letter French words lack
    (« ismaël », « maëlys »)."""
    return _clean_unknown(tokens, token) or bool(re.search(r"[ëïüÿ]", token.text.lower()))


def _unknown_words_joined(tokens: Tokens) -> Iterable[Entity]:
    """« avec ezio et loan », « mes enfants noam, lilou et ismaël »: single words joined by
    « et » (and commas before it), each no French word, one at least not even with a typo
    or spelled as names are: given names, in any case."""
    items = tokens.items
    for index in range(1, len(items) - 1):
        if items[index].key != "et":
            continue
        left, right = items[index - 1], items[index + 1]
        if not (_joinable(left) and _joinable(right)) or right.gap != " ":
            continue
        joined = [index - 1, index + 1]
        i = index - 2
        while i >= 1 and items[i].text == "," and _joinable(items[i - 1]):
            joined.append(i - 1)
            i -= 2
        # one word each: the words around are no part of them
        if (
            index + 2 < len(items)
            and items[index + 2].gap == " "
            and items[index + 2].word
            and _clean_unknown(tokens, items[index + 2])
        ):
            continue
        if (
            i >= 0
            and items[i].word
            and _clean_unknown(tokens, items[i])
            and items[i + 1].gap == " "
        ):
            continue
        if not any(_spelled_as_a_name(tokens, items[j]) for j in joined):
            continue
        for j in joined:
            yield _entity(tokens, j, j + 1)


# Who hosts someone or whom they live with, said after the name (« chez patience une
# copine », « chez olive mon ancienne coloc »).
HOST_NOUNS = RELATIVES | _words(
    """copine copain ami amie pote coloc colocataire colocatrice voisin voisine collegue
    cousin cousine marraine parrain"""
)
HOST_DETERMINERS = _words("un une mon ma son sa notre le la")
HOST_PREPOSITIONS = _words("chez avec a à de d' pour pr par")
NOT_HOSTS = NOT_APPOSED | FEAST_DAYS | _words("midi matin soir demain hier nuit")
HOST_ADJECTIVES = _words("ancien ancienne meilleur meilleure")


def _hosts_in_apposition(tokens: Tokens) -> Iterable[Entity]:
    """After « chez », « avec », « à », « de », « pour », one word then who they are to the
    writer (« hébergé chez patience une copine », « remis à berger le voisin », « les
    revenus de ezio mon fils majeur »): their name, a listed name or a given name even when
    a French word, or a word that is none."""
    items = tokens.items
    for index in range(1, len(items) - 2):
        if items[index - 1].key not in HOST_PREPOSITIONS:
            continue
        token = items[index]
        if not _plain_word(token) or token.place or token.key in HOST_NOUNS | NOT_HOSTS:
            continue
        if token.key in MONTH_AND_DAY_WORDS | LAST_WORDS_NOT_NAMES | SERVICE_NOUNS:
            continue  # « pour info le voisin … », « avec demande … »
        if token.common_any and not (token.known or token.key in WORD_FIRST_NAMES):
            continue  # « pour aider mon fils », « changement de situation mon conjoint … »
        j = index + 1
        if items[j].key not in HOST_DETERMINERS or items[j].gap != " ":
            continue  # « … à l'hôpital, ma fille … », « … de situation\nMon conjoint … »
        j += 1
        if j < len(items) and (_adjective_like(items[j]) or items[j].key in HOST_ADJECTIVES):
            j += 1
        if j < len(items) and items[j].key in HOST_NOUNS:
            yield _entity(tokens, index, index + 1)


# An agent answering the phone says their name before these (« caf bonjour maëlle à votre
# écoute », « bonjour céleste à l'appareil »).
ANSWERING_RE = re.compile(
    r"[ \t]*,?[ \t]*(?:[àa][ \t]+votre[ \t]+(?:[ée]coute|service)|[àa][ \t]+l['’][ \t]?appareil"
    r"|pour[ \t]+vous[ \t]+servir)",
    re.IGNORECASE,
)


def _answering_agents(tokens: Tokens) -> Iterable[Entity]:
    """« bonjour céleste à l'appareil », « caf bonjour maëlle à votre écoute »: one word
    after a greeting, then what someone answering the phone says: their name, even a French
    word."""
    items = tokens.items
    for index in range(1, len(items)):
        token = items[index]
        greeting = index - 1
        if items[greeting].text == "," and index >= 2:
            greeting -= 1
        if items[greeting].key not in {"bonjour", "bonsoir"} or "\n" in token.gap:
            continue
        if not _plain_word(token) or token.place or token.key in CLOSING_WORDS | SERVICE_NOUNS:
            continue
        if index + 1 < len(items) and ANSWERING_RE.match(tokens.text, token.end):
            yield _entity(tokens, index, index + 1)
            continue
        # on an agent's turn, the word after the greeting ending the line or set between
        # commas before the service (« conseillère caf bonjour perrine », « Conseiller :
        # Bonjour, Célestin, Finances publiques. »)
        line_start = tokens.text.rfind("\n", 0, token.start) + 1
        if not AGENT_TURN_RE.match(tokens.text, line_start) or (
            PARTICIPLE_RE.search(token.text.lower()) or _adjective_like(token)
        ):
            continue
        if token.key in AGENT_GREETING_NOT_NAMES or (
            token.common_any and not token.first and token.key.endswith("ment")
        ):
            continue  # « Bonsoir, Absolument. », « Bonjour, Compris. »: an answer, no name
        following = items[index + 1] if index + 1 < len(items) else None
        if (
            following is None
            or "\n" in following.gap
            or (
                following.text == ","
                and items[greeting + 1].text == ","
                and index + 2 < len(items)
                and items[index + 2].cap
            )
        ):
            yield _entity(tokens, index, index + 1)


# --- Fifteenth pass ---------------------------------------------------------------------------

# What stands between an agent's greeting and their name: the service they answer for
# (« bonjour France Travail Marin à votre écoute », « conseiller bonjour CAF Blanche … »).
GREETING_SERVICE_GLUE = _words("de du des d' la l' le")
# Capitalised words an agent says after « Bonjour, » that are no name.
AGENT_GREETING_NOT_NAMES = _words(
    """bienvenue merci enchante enchantee ravi ravie desole desolee tous toutes madame
    monsieur mademoiselle messieurs mesdames oui non alors voici effectivement entendu
    compris super certes volontiers parfait exact exactement bien ok okay voila tres
    attention patientez precisement justement evidemment"""
)
TIMESTAMP_RE = re.compile(r"[ \t]*\[[\d:.,hH ]{3,12}\][ \t]*")
SPEAKER_LETTER_RE = re.compile(r"[ \t>]*(?:[A-Z][ \t]*:?|[—–-])[ \t]+")


def _greeting_name_word(token: Token) -> bool:
    return (
        token.word
        and token.cap
        and not token.upper
        and len(token.key) >= 3
        and _plain_word(token)
        and not (token.place and not token.known)
        and token.key not in GREETINGS | CLOSING_WORDS | SERVICE_NOUNS
        and token.key not in AGENT_GREETING_NOT_NAMES | MONTH_AND_DAY_WORDS
        and not PARTICIPLE_RE.search(token.text.lower().rstrip(".!"))
        and not (token.common_any and not token.first and token.key.endswith("ment"))
    )


def _service_word(token: Token) -> bool:
    return (
        token.word
        and (token.domain or token.key in SERVICE_NOUNS or token.upper)
        and token.key not in GREETINGS
    )


def _name_entity(tokens: Tokens, index: int) -> Entity:
    """One word's entity, without the full stop a token keeps (« Bonsoir, Serge. »)."""
    token = tokens[index]
    end = token.end - 1 if token.text.endswith(".") else token.end
    return Entity(token.start, end, "PERSON")


def _agent_line(tokens: Tokens, token: Token, *, first_turn: bool) -> bool:
    """The token stands on an agent's turn (« Agent : », « Conseillère », « conseiller »),
    or, with ``first_turn``, on the first line of a transcript whatever its speaker label
    (« A bonjour France Travail Aurore »: who picks up the phone speaks first)."""
    text = tokens.text
    line_start = text.rfind("\n", 0, token.start) + 1
    stamp = TIMESTAMP_RE.match(text, line_start)  # « [10:02] Agent : … »
    line_start = stamp.end() if stamp else line_start
    speaker = AGENT_TURN_RE.match(text, line_start)
    if speaker and speaker.group().strip() and speaker.end() <= token.start:
        return True
    if not first_turn or text[: text.rfind("\n", 0, token.start) + 1].strip():
        return False
    return bool(SPEAKER_LETTER_RE.match(text, line_start))


def _greeting_agents(tokens: Tokens) -> Iterable[Entity]:
    """The agent's first name in their greeting, even a French word: on an agent's turn,
    « Bonjour, Violette de la CAF », « Bonjour, Prudence du service des impôts », « Bonjour,
    Pierre, service des impôts », « Bonsoir, Serge. »; and after the greeting and the service
    they answer for, before « à votre écoute » or ending the opening line (« bonjour France
    Travail Marin à votre écoute », « A bonjour France Travail Aurore »)."""
    text, items = tokens.text, tokens.items
    for index in range(1, len(items)):
        token = items[index]
        if not _greeting_name_word(token) or "\n" in token.gap:
            continue
        before = index - 1
        comma = items[before].text == ","
        if comma:
            before -= 1
        following = items[index + 1] if index + 1 < len(items) else None
        line_ends = following is None or "\n" in following.gap
        if before >= 0 and items[before].key in {"bonjour", "bonsoir"}:
            if not _agent_line(tokens, token, first_turn=False):
                continue
            if token.text.endswith(".") or following is None or line_ends:
                yield _name_entity(tokens, index)
                continue
            if following.text in {".", "!"}:
                yield _name_entity(tokens, index)
                continue
            j = index + 1
            if following.text == "," and j + 1 < len(items):
                j += 1  # « Bonjour, Pierre, service des impôts »
            elif following.key in {"de", "du", "d'"}:
                j += 1
                while j < len(items) and items[j].key in GREETING_SERVICE_GLUE:
                    j += 1
            else:
                continue
            if j < len(items) and _service_word(items[j]):
                yield _name_entity(tokens, index)
            continue
        # after the greeting and the service's words
        j = before
        while j >= 0 and (_service_word(items[j]) or items[j].key in GREETING_SERVICE_GLUE):
            if "\n" in items[j + 1].gap or items[j].key in {"bonjour", "bonsoir"}:
                break
            j -= 1
        if j == before or j < 0 or items[j].key not in {"bonjour", "bonsoir"}:
            continue
        if comma or not _service_word(items[before]):
            continue
        answering = following is not None and bool(ANSWERING_RE.match(text, token.end))
        if answering or (line_ends and _agent_line(tokens, token, first_turn=True)):
            yield _name_entity(tokens, index)


# The writer introducing themself in lower case at the end of their line, in a chat or a
# transcript whose other turns are written with capitals (« Vous : ok merci je suis
# firmin ben amor »): the text is not « lower case » as a whole, the turn is.
SELF_INTRO_CUES = (("je", "suis"), ("jsuis",), ("chui",), ("moi", "c'", "est"), ("moi", "c"))
NAME_PARTICLES_IN_LOWER_CASE = _words("ben bin ibn el al da dos das di del de du le la van von")


def _lower_case_word_of_a_name(token: Token, first: bool) -> bool:
    if not token.word or token.cap or token.upper or not _plain_word(token):
        return False
    if token.key in MONTH_AND_DAY_WORDS or PARTICIPLE_RE.search(token.key):
        return bool(token.first) and not first
    if first:
        return token.first or not (token.common_any or token.typo)
    if token.place:
        return True  # a surname that is also a town's name (« laval », « vienne »)
    return (token.known or not token.common_any) and not _adjective_like(token)


def _lower_case_self_introductions(tokens: Tokens, keys: list[str]) -> Iterable[Entity]:
    """After « je suis », « jsuis », « moi c'est », a listed given name that is no French
    word, then a surname (listed or no French word, particles allowed: « ben », « le »),
    ending the line: the writer's name, whatever the case of the other lines (« retraité
    depuis mai, jsuis gisèle marchand », never « je suis marié depuis », « je suis perdue »)."""
    items = tokens.items
    for index, token in enumerate(items):
        if _cue_before(keys, index, SELF_INTRO_CUES) is None:
            continue
        particle_next = (
            index + 2 < len(items)
            and items[index + 1].key in NAME_PARTICLES_IN_LOWER_CASE
            and _lower_case_word_of_a_name(items[index + 2], first=False)
        )
        if not (
            _lower_case_word_of_a_name(token, first=True)
            or (
                particle_next
                and _plain_word(token)
                and not token.cap
                and not _adjective_like(token)
            )
        ):
            continue
        end = index + 1
        while end < len(items) and end - index < 4 and "\n" not in items[end].gap:
            if items[end].key in NAME_PARTICLES_IN_LOWER_CASE and end + 1 < len(items):
                after = items[end + 1]
                if _lower_case_word_of_a_name(after, first=False) and not (
                    after.place and not after.known
                ):
                    end += 2
                    continue
                break  # « je suis simone de lyon »: where she is from
            if not _lower_case_word_of_a_name(items[end], first=False):
                break
            end += 1
        if end == index + 1:
            continue
        if (
            end < len(items)
            and "\n" not in items[end].gap
            and items[end].text
            not in {
                ",",
                ".",
                "!",
            }
        ):
            continue
        yield _entity(tokens, index, end)


# A signature before the writer's identifier, after their last sentence, in lower case
# (« … cmt corriger ? prosper le bihan siret 812… »).
SIGNATURE_ID_CUES = IDENTIFIER_CUES | _words("siret siren tel tél portable secu nir fiscal")


def _signed_before_identifier(tokens: Tokens) -> Iterable[Entity]:
    """After « ? », « . » or « ! » in a lower-case text, a given name (listed or one of
    `WORD_FIRST_NAMES`), a particle and a surname (listed or no French word), then an
    identifier's name and its digits: the writer signing with their number."""
    if not tokens.lowercase:
        return
    items = tokens.items
    for index in range(1, len(items) - 2):
        if items[index - 1].text not in {"?", ".", "!"} and items[index - 1].key not in {
            "pr",
            "pour",
        }:
            continue  # « … ? prosper le bihan siret … », « c pr capucine diallo alloc … »
        first = items[index]
        if not (first.first or first.key in WORD_FIRST_NAMES) or not _plain_word(first):
            continue
        end = index + 1
        if items[end].key in NAME_PARTICLES_IN_LOWER_CASE:
            end += 1
        if end >= len(items) or not _lower_case_word_of_a_name(items[end], first=False):
            continue
        end += 1
        if end + 1 >= len(items) or items[end].key not in SIGNATURE_ID_CUES:
            continue
        if not any(ch.isdigit() for ch in items[end + 1].text):
            continue
        yield _entity(tokens, index, end)


# A given name that is a word closing a lower-case message after its last question
# (« … c normal ? capucine »), never where colours are asked about.
COLOUR_TALK_RE = re.compile(r"couleur|teinte|\bvert\b|\bbleu", re.IGNORECASE)


def _closing_given_name_word(tokens: Tokens) -> Iterable[Entity]:
    items = tokens.items
    if len(items) < 3 or not tokens.lowercase:
        return
    last = items[-1]
    if items[-2].text not in {"?", "!"} or last.key not in INTRODUCED_WORD_NAMES:
        return  # nouns given as names, never a month, a feast or an adjective (« avril »)
    if not last.word or last.cap or COLOUR_TALK_RE.search(tokens.text):
        return
    yield _entity(tokens, len(items) - 1, len(items))


FORM_LABEL_WORDS = _words(
    """adresse telephone ville code email courriel signature naissance age sexe nationalite
    profession situation date lieu numero"""
)


def _given_name_after_spelled_name(tokens: Tokens) -> Iterable[Entity]:
    """« Kaboré K A B O R E prénom Élie »: the capitalised word said after « prénom » in a
    transcript's answer, even a short or a French one."""
    items = tokens.items
    for index in range(1, len(items)):
        token = items[index]
        if items[index - 1].key != "prenom" or "\n" in token.gap:
            continue
        if items[index - 2].key in DETERMINERS | {"votre", "ton", "son", "mon", "quel"}:
            continue
        if not (token.word and token.cap and not token.upper) or not _plain_word(token):
            continue
        if (token.place and not token.known) or token.key in SPEAKERS | FORM_LABEL_WORDS:
            continue  # « Nom prénom Adresse Téléphone »: a form's headings
        yield _name_entity(tokens, index)


# Given names listed with the writer (« Prosper, Capucine et moi avons … »).
def _listed_with_the_writer(tokens: Tokens) -> Iterable[Entity]:
    items = tokens.items
    for index in range(len(items) - 2):
        if items[index].key != "et" or items[index + 1].key != "moi":
            continue
        j = index - 1
        names: list[int] = []
        while j >= 0:
            token = items[j]
            if not (
                token.word
                and token.cap
                and not token.upper
                and (token.first or token.key in WORD_FIRST_NAMES)
                and _plain_word(token)
                and not token.place
            ):
                break
            names.append(j)
            if j >= 1 and items[j - 1].text == ",":
                j -= 2
                continue
            break
        for n in names:
            yield _name_entity(tokens, n)


def _names_completed(tokens: Tokens, found: list[Entity]) -> Iterable[Entity]:
    """A name found completed by its given name in brackets right after it (« M. Rivière
    (Prosper) »)."""
    ends = {e.end for e in found if e.label == "PERSON"}
    items = tokens.items
    for index, token in enumerate(items[:-1]):
        if token.end not in ends:
            continue
        nxt = items[index + 1]
        if (
            nxt.text == "("
            and index + 3 < len(items)
            and items[index + 3].text == ")"
            and items[index + 2].cap
            and (items[index + 2].first or items[index + 2].key in WORD_FIRST_NAMES)
            and _plain_word(items[index + 2])
        ):
            yield _entity(tokens, index + 2, index + 3)
            continue


def _given_name_said_after(tokens: Tokens, index: int) -> bool:
    """« dupont olive née le … », « martin ange alloc 1234567 »: in lower case, a given name
    (listed or one of `WORD_FIRST_NAMES`) right after a surname said first, before « né(e) »
    or an identifier's name."""
    token, previous = tokens[index], tokens[index - 1]
    if index + 1 >= len(tokens):
        return False
    cue = tokens[index + 1].key
    born = cue in BIRTH_WORDS and (
        cue != "ne" or (index + 2 < len(tokens) and tokens[index + 2].key in {"le", "en"})
    )  # « ne » is also the negation (« … rose ne bouge pas »)
    return (
        token.word
        and not token.cap
        and not previous.cap
        and (token.first or token.key in WORD_FIRST_NAMES)
        and token.key not in MONTH_AND_DAY_WORDS
        and _plain_word(token)
        and (born or cue in SIGNATURE_ID_CUES)
    )


# Who a letter or a parcel is for, or whom someone works for, by their surname in lower
# case without an article (« colis pr mercier au 2 rue … », « saisonnier chez charpentier au
# lieu-dit … »): a trade's noun needs its article (« chez le charpentier »), a name does not.
ADDRESS_AFTER_NAME_RE = re.compile(
    r"[ \t]+(?:au[ \t]+|,[ \t]*)?\d{1,4}(?:[ \t]*(?:bis|ter))?[ \t]+(?:rue|avenue|bd|boulevard"
    r"|chemin|allee|allée|impasse|place|route|quai|cours|lotissement|residence|résidence)\b",
    re.IGNORECASE,
)
HOST_FOLLOWERS = _words("au a à depuis pour en comme , . ! ?")
NOT_HOSTED_BY = _words(
    """moi toi lui elle nous vous eux elles soi ma mon mes ta ton tes sa son ses leur leurs
    notre votre nos vos un une le la les l' des du"""
)


def _lower_case_surname_hosts(tokens: Tokens) -> Iterable[Entity]:
    items = tokens.items
    for index in range(1, len(items)):
        token = items[index]
        previous = items[index - 1].key
        if previous not in {"chez", "pour", "pr"} or token.gap != " ":
            continue
        if token.cap or token.upper or not token.word or not token.known or token.first:
            continue
        if token.key in NOT_HOSTED_BY or not _plain_word(token) or token.place:
            continue
        if token.key in SERVICE_NOUNS | MONTH_AND_DAY_WORDS | LAST_WORDS_NOT_NAMES:
            continue
        if ADDRESS_AFTER_NAME_RE.match(tokens.text, token.end):
            yield _entity(tokens, index, index + 1)
            continue
        following = items[index + 1] if index + 1 < len(items) else None
        if previous == "chez" and (
            following is None or "\n" in following.gap or following.key in HOST_FOLLOWERS
        ):
            yield _entity(tokens, index, index + 1)


# --- Sixteenth pass: names in the frames a sentence puts them in ------------------------------

_W = r"[a-zà-ÿ][a-zà-ÿ'\-]+"
_CAP = r"[A-ZÀ-Þ][a-zà-ÿ'’\-]+|[A-ZÀ-Þ]{2,}"
_RELATIVE = (
    r"tante|oncle|soeur|sœur|frere|frère|fille|fils|mere|mère|pere|père|cousine?|niece|nièce"
    r"|neveu|grand-mere|grand-mère|grand-pere|grand-père|belle-soeur|beau-frere|marraine|parrain"
)
_PROFESSION = (
    r"pharmacienne?|voisine?|boulang\w+|infirmi[eè]re?|kin[eé]|m[eé]decin|docteur|gardienne?"
    r"|concierge|secr[eé]taire|propri[eé]taire|[eé]ducat\w+|nounou|assistante?[ \t]+sociale?"
    r"|aide[ \t\-]+(?:a|à)[ \t]+domicile|aide-soignante?|femme[ \t]+de[ \t]+m[eé]nage"
    r"|conseill\w+|factrice|facteur|auxiliaire\w*|coiffeu\w+|r[eé]f[eé]rente?|tut\w+"
    r"|curat\w+|patronne?|employeu\w+|logeu\w+|baby-sitter"
)
FRAME_RES = (
    # « j'emploie clarisse pour le ménage », « J'emploie Rui Vaz comme jardinier »
    re.compile(
        rf"(?<![\w])(?:j'|j’|j|nous[ \t]+)?(?:emploie|employons|embauche|embauchons)[ \t]+"
        rf"((?:{_CAP})(?:[ \t]+(?:{_CAP})){{0,2}}|{_W})"
        r"(?=[ \t]*(?:,|\.|$)|[ \t]+(?:pour|comme|depuis|en|a|à|au|chez|le|la|qui)\b)"
    ),
    # « je n'habite plus avec yannis, … », « je vis avec noam depuis »
    re.compile(
        r"(?<![\w])(?:habite|habitons|habitais|vis|vit|vivons|vivais|vivait|coloc)[ \t]+"
        r"(?:plus[ \t]+|encore[ \t]+|toujours[ \t]+)?avec[ \t]+"
        rf"({_W})(?=[ \t]*[,.;!?)]|[ \t]+(?:et|depuis|qui|mais|car)\b|[ \t]*$)"
    ),
    # « ma tante france qui … », « mon frère prosper »: a relative, then a given name that
    # is a word
    re.compile(rf"(?<![\w])(?:ma|mon|notre)[ \t]+(?:{_RELATIVE})[ \t]+({_W})(?![\w'\-])"),
    # « j'ai vu avec olive, la pharmacienne »: who the person is after a comma
    re.compile(
        rf"(?<![\w])(?:avec|pour|à|a|chez|par|de)[ \t]+({_W})[ \t]*,[ \t]*(?:la|le|l'|ma|mon)"
        rf"[ \t]*(?:{_PROFESSION})(?![\w])"
    ),
    # « depuis que baptiste a repris le boulot »: the subject of a clause after « que »
    re.compile(
        rf"(?<![\w])(?:que|qu'|quand|lorsque|puisque)[ \t]+({_W})[ \t]+(?:a|est|avait|etait"
        r"|était|va|doit|peut|ne|n')[ \t]+(?!(?:ete|été|pas)(?![\w]))"
        r"[a-zà-ÿ]{2,}(?:é|ée|és|ées|i|is|it|ie|u|ue|ert|er|ir)(?![\w])"
    ),
    # « … super merci blanche » ending a turn: the agent thanked by name
    re.compile(
        rf"(?:^|\n)[^\n:]{{1,25}}:[^\n]*(?<![\w])merci[ \t]+"
        r"(?:(?:bcp|beaucoup|infiniment|enormement|encore)[ \t]+)?"
        rf"({_W})[ \t.!]*(?=\n|$)"
    ),
    # « naissance de Modeste le 4 novembre »
    re.compile(rf"(?<![\w])naissance[ \t]+(?:de|d')[ \t]*({_CAP}|{_W})[ \t]+le[ \t]+\d"),
    # « chez une amie, Fidèle, au 4 rue … »
    re.compile(
        r"(?<![\w])chez[ \t]+(?:une?|ma|mon)[ \t]+(?:amie?|copine|copain|voisine?|cousine?"
        rf"|connaissance|coll[eè]gue)[ \t]*,[ \t]*({_CAP})[ \t]*,"
    ),
    # « Nadia Ionescu-Pop, Ionescu tiret Pop »: a compound name spelled with its hyphen
    re.compile(rf"(?<![\w])((?:{_CAP})[ \t]+tiret[ \t]+(?:{_CAP}))(?![\w])"),
    # « maitre ould sidi », « mme ben amor »: a particle in lower case after a civility
    re.compile(
        r"(?<![\w])(?:maitre|maître|me|mr|mme|madame|monsieur|docteur|dr)[ \t]+"
        rf"((?:ould|ben|bent|ibn|abd|ait|aït|el|al|van|von|da|dos)[ \t]+{_W})(?![\w])"
    ),
    # « un avis pour A. Nzeyimana »: an initial and a capitalised word no vocabulary knows
    re.compile(r"(?<![\w.])((?!M\.)[A-Z]\.[ \t]?[A-ZÀ-Þ][a-zà-ÿ'\-]{2,})(?![\w])"),
    # « BOUADDOU au lieu de BOUADDOUR »: a name in capitals corrected
    re.compile(r"(?<![\w])([A-Z]{4,})[ \t]+au[ \t]+lieu[ \t]+de[ \t]+([A-Z]{4,})(?![\w])"),
    # « Fils Aram référent : 06 … »: a note's relative, without a determiner, then a name no
    # vocabulary knows
    re.compile(
        r"(?<![\w])(?:Fils|Fille|Fr[eè]re|S[oœ]eur|M[eè]re|P[eè]re|[ÉE]pou(?:se|x)|Conjointe?"
        rf"|Neveu|Ni[eè]ce)[ \t]+({_CAP})(?![\w'’\-])"
    ),
)
# The two given names before the twins or the children they are (« pour aimé et victoire
# (jumeaux nés … », « ezio et lilou, mes enfants »).
TWO_GIVEN_NAMES_RE = re.compile(
    rf"(?<![\w])({_W})[ \t]+et[ \t]+({_W})[ \t]*[(,][ \t]*(?:jumea\w*|jumelles|n[eé]e?s?|mes"
    r"|nos|les[ \t]+enfants|enfants)(?![\w])"
)
# « on est 4 : moi, dominique, prosper et modeste »: the people listed with the writer.
WITH_THE_WRITER_RE = re.compile(
    rf"(?<![\w])moi[ \t]*,[ \t]*((?:{_W}[ \t]*,[ \t]*){{0,4}}{_W}[ \t]+et[ \t]+{_W})(?![\w])"
)
# Given names that are adverbs or adjectives after a relative (« mon fils juste avant »).
ADVERB_LIKE_GIVEN_NAMES = _words(
    """juste sage constant modeste parfait fidele prudence patience noel avril grace joie
    espoir bonheur reine prince innocent vital clement martial urbain precieuse fabuleux
    bijou soleil ocean etoile lumiere merveille aube desire aime"""
)
FRAME_NOT_NAMES = _words(
    """elle lui eux moi toi nous vous mes mon ma sa son ses leur leurs les des une un the tous
    toutes tout rien personne quelqu'un beaucoup bien encore infiniment pour d'avance"""
)


def _frame_word(tokens: Tokens, word: str, *, places: bool = False) -> bool:
    """A word in a name's frame that may be the name: capitalised, or in lower case a
    listed given name, a given name that is a word, or no French word."""
    key = fold(word).lower()
    if key in FRAME_NOT_NAMES or len(key) < 3:
        return False
    if word[:1].isupper():
        return True
    lexicon = tokens.lexicon
    if key in WORD_FIRST_NAMES or lexicon.is_first_name(word):
        return True
    return not lexicon.word_like(word, typos=False) and (places or key not in lexicon.places)


def _names_in_frames(tokens: Tokens) -> Iterable[Entity]:
    """Given names in the frames of a sentence that only a person fills: employed, lived
    with, a relative's, thanked at the end of a turn, born, hosting, spelled with its
    hyphen, after a particle, an initial, a corrected name in capitals; two given names
    before the twins they are; the people listed with the writer."""
    text = tokens.text
    lexicon = tokens.lexicon
    for index, pattern in enumerate(FRAME_RES):
        for match in pattern.finditer(text):
            for group in range(1, (pattern.groups or 0) + 1):
                value = match.group(group)
                words = value.split()
                if index == 0 and not words[0][:1].isupper() and not _frame_word(tokens, value):
                    continue
                if index in (1, 3, 4, 5) and not _frame_word(tokens, value):
                    continue
                if index == 4 and not (
                    lexicon.is_first_name(value) or fold(value).lower() in WORD_FIRST_NAMES
                ):
                    continue  # « … dit que maprimerenov va refuser »: a given name only
                if (
                    index == 2
                    and fold(value).lower() not in WORD_FIRST_NAMES
                    and not (lexicon.is_first_name(value))
                ):
                    continue
                if (
                    index == 2
                    and fold(value).lower() in ADVERB_LIKE_GIVEN_NAMES
                    and not re.match(r"[ \t]*(?:[,.;!?)]|$|qui\b|et\b)", text[match.end(group) :])
                ):
                    continue  # « mon fils juste avant a appelé »: an adverb
                if index == 6 and not value[:1].isupper() and not _frame_word(tokens, value):
                    continue
                surname = words[-1].split(".")[-1]
                if index == 10 and (
                    lexicon.word_like(surname, typos=False)
                    or fold(surname).lower() in lexicon.places
                ):
                    continue  # « N.B. Merci », « J.O. Paris »: a word or a place
                if index == 11 and any(lexicon.word_like(w, typos=False) for w in match.groups()):
                    continue
                if index == 12 and (
                    lexicon.word_like(value, typos=False) or fold(value).lower() in lexicon.places
                ):
                    continue
                yield Entity(match.start(group), match.end(group), "PERSON")
    for match in TWO_GIVEN_NAMES_RE.finditer(text):
        if all(
            fold(w).lower() in WORD_FIRST_NAMES or lexicon.is_first_name(w) for w in match.groups()
        ):
            yield Entity(match.start(1), match.end(1), "PERSON")
            yield Entity(match.start(2), match.end(2), "PERSON")
    for match in WITH_THE_WRITER_RE.finditer(text):
        run = match.group(1)
        names = [w for w in re.finditer(_W, run) if w.group() != "et"]
        if names and all(_frame_word(tokens, w.group()) for w in names):
            for w in names:
                yield Entity(match.start(1) + w.start(), match.start(1) + w.end(), "PERSON")


# --- Seventeenth pass --------------------------------------------------------------------------

# What may open the clause a writer introduces themself in: a line's or a turn's start, a
# punctuation mark, a greeting (« slt\nc wassim », « bjr c'est sorina, la fille de … »).
INTRO_OPENERS = _words(", . ! ? : ; … bjr bonjour bonsoir slt salut coucou re cc hello")
# Chat words that are no name, though no dictionary lists them.
CHAT_NOT_NAMES = _words("mdr lol ptdr svp stp bcp jsp dsl tkt ok okay oklm re moi toi lui")


def _opens_a_turn(tokens: Tokens, start: int) -> bool:
    """The word at ``start`` opens the text, a line or a speaker's turn."""
    if start == 0 or "\n" in tokens[start].gap:
        return True
    line_start = tokens.text.rfind("\n", 0, tokens[start].start) + 1
    return bool(TURN_LABEL_RE.fullmatch(tokens.text, line_start, tokens[start].start))


def _opens_a_clause(tokens: Tokens, start: int) -> bool:
    previous = tokens[start - 1] if start else None
    return _opens_a_turn(tokens, start) or (
        previous is not None and (previous.key in INTRO_OPENERS or previous.text in INTRO_OPENERS)
    )


def _single_introduced_word(token: Token, *, opening: bool, whole_turn: bool) -> bool:
    """One word the writer introduces themself with: a given name in lower case that is no
    French word, or a word no vocabulary knows (« wassim »; one letter away from a word only
    when the introduction opens the message or the turn: « sorina »); a listed given name
    that is a word but no adjective, alone on its turn (« jsuis moussa »); capitalised, a
    listed given name, or any noun alone on its turn (« c'est Séraphin »)."""
    if not _plain_word(token) or token.upper or len(token.key) < 3 or token.place:
        return False
    if token.key in CHAT_NOT_NAMES or token.key in MONTH_AND_DAY_WORDS:
        return False
    if PARTICIPLE_RE.search(token.text.lower()) or _adjective_like(token):
        return token.first and not token.common_any
    if token.cap:
        return token.first or whole_turn
    if not token.common_any:
        return token.first or not token.typo or opening
    return token.first and whole_turn


INTRODUCING_LAST_WORDS = frozenset(cue[-1] for cue in INTRODUCING_TAILS)


def _self_introduced_given_names(tokens: Tokens, keys: list[str]) -> Iterable[Entity]:
    """« slt\nc wassim », « jsuis moussa », « bjr c'est sorina, la fille de … », « …, c'est
    tiphaine, merci »: one given name after « c », « c'est », « je suis » opening a clause,
    then the end of the turn or a comma: the writer's name, in lower case or not (« je suis
    perdue », « c'est ok » are words)."""
    items = tokens.items
    for index, token in enumerate(items):
        if index == 0 or keys[index - 1] not in INTRODUCING_LAST_WORDS or len(token.key) < 3:
            continue  # (the cues' last words first: this runs on every word of every text)
        cue = _cue_before(keys, index, INTRODUCING_TAILS)
        if cue is None or cue == ("ici",) or not _opens_a_clause(tokens, index - len(cue)):
            continue
        following = items[index + 1] if index + 1 < len(items) else None
        if not (following is None or "\n" in following.gap or following.text in {",", ".", "!"}):
            continue
        opening = _opens_a_turn(tokens, index - len(cue)) or (
            index - len(cue) - 1 >= 0 and items[index - len(cue) - 1].key in GREETINGS
        )
        whole_turn = _opens_a_turn(tokens, index - len(cue)) and _turn_ends_at(items, index + 1)
        if _single_introduced_word(token, opening=opening, whole_turn=whole_turn):
            yield _entity(tokens, index, index + 1)


# « Agent : Nom de naissance ?\nAppelant : Blanc. »: a turn asking for a surname; the next turn,
# one capitalised word, is it, even a French word.
SURNAME_ASKED_RE = re.compile(
    r"(?:^|:)[ \t]*(?:et[ \t]+)?(?:(?:votre|son|sa|le|ton|leur)[ \t]+)?nom(?:[ \t]+(?:de[ \t]+"
    r"(?:naissance|famille|jeune[ \t]+fille)|d'usage|marital|complet))?[ \t?.]*$",
    re.IGNORECASE,
)
ANSWER_NOT_NAMES = _words("pardon comment quoi attendez pardonnez excusez oui non merci allo")


def _surname_answers(tokens: Tokens) -> Iterable[Entity]:
    items = tokens.items
    text = tokens.text
    for index, token in enumerate(items):
        if not (_plain_word(token) and token.cap) or token.key in ANSWER_NOT_NAMES:
            continue
        if not _turn_ends_at(items, index + 1) or token.key in AGENT_GREETING_NOT_NAMES:
            continue
        line_start = text.rfind("\n", 0, token.start) + 1
        label = TURN_LABEL_RE.match(text, line_start) if line_start else None
        if label is None or label.end() != token.start:
            continue
        if SURNAME_ASKED_RE.search(_folded_line_above(text, line_start)):
            yield _entity(tokens, index, index + 1)


# « Membres du foyer : Tiana (fils), Miora (fille) »: a capitalised word, then what the person
# is to the writer in brackets.
RELATIVE_IN_BRACKETS_RE = re.compile(
    r"(?<![\w'’-])([A-ZÀ-Þ][\w'’\-]+(?:[ \t]+[A-ZÀ-Þ][\w'’\-]+)?)[ \t]*\((?:son|sa|mon|ma)?[ \t]*"
    r"(?:fils|fille|enfant|fr[eè]re|s[oœ]eur|m[eè]re|p[eè]re|[ée]poux|[ée]pouse|conjointe?|mari"
    r"|femme|b[ée]b[ée]|neveu|ni[eè]ce|petite?-(?:fils|fille)|beau-fils|belle-fille|compagne"
    r"|compagnon|a[iî]n[ée]e?|cadette?)(?:[ \t,][^)\n]{0,20})?\)"
)


def _relatives_in_brackets(tokens: Tokens) -> Iterable[Entity]:
    if "(" not in tokens.text:
        return
    lexicon = tokens.lexicon
    for match in RELATIVE_IN_BRACKETS_RE.finditer(tokens.text):
        words = match.group(1).split()
        keys = [fold(w).lower() for w in words]
        if any(k in DOMAIN_WORDS or k in lexicon.places or k in GLUE for k in keys):
            continue
        listed = re.search(r"[:,][ \t]*$", tokens.text[max(0, match.start() - 3) : match.start()])
        if not listed and all(
            lexicon.word_like(w, typos=False) and not lexicon.is_first_name(w) for w in words
        ):
            continue  # « Garde (enfant) »: words, but in a list after a label or a comma
        yield Entity(match.start(1), match.end(1), "PERSON")
