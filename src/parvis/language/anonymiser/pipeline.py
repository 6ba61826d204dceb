"""The anonymiser: every rule of every family, spaCy persons, then resolution and masking."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from parvis.language.anonymiser.addresses import (
    OWN_NAME_STREET_RE,
    desk_talk,
    extend_with_town,
    find_addresses,
    find_closing_postcodes,
    find_closing_streets,
    find_places_at_towns,
    find_places_then_postcodes,
    find_postcode_answers,
    find_town_lines,
    find_town_then_place,
)
from parvis.language.anonymiser.base import Entity
from parvis.language.anonymiser.identifiers import (
    FUNCTION_LOCAL_PART_RE,
    find_birthdates,
    find_caf_numbers,
    find_cards,
    find_closing_numbers,
    find_emails,
    find_ibans,
    find_nirs,
    find_phones,
    find_plates,
    find_spoken_phones,
    find_tax_numbers,
)
from parvis.language.anonymiser.names import (
    DOMAIN_WORDS,
    NameLexicon,
    filter_spacy_person,
    find_names_by_rules,
    find_table_cells,
)
from parvis.language.anonymiser.people import (
    NOT_PERSON_LABEL_RE,
    PERSON_LABEL_RE,
    WORD_FIRST_NAMES,
    Tokens,
    coordinated,
    extend_names,
    find_listed_children,
    find_people,
    needs_ner,
    ner_candidates,
    plain_word,
    repeat_names,
)
from parvis.language.anonymiser.resolution import mask, resolve
from parvis.language.anonymiser.spoken import (
    find_loose_bank_numbers,
    find_spoken_identifiers,
    find_spoken_plates,
)
from parvis.language.text import fold

# --- Engine -------------------------------------------------------------------------------

# Every rule-based detector but names (they need the lexicon); a new family's detector is
# listed here, and its label gets a placeholder and a priority in ``base``.
RULES: Sequence[Callable[[str, str], Iterable[Entity]]] = (
    find_emails,
    find_ibans,
    find_nirs,
    find_cards,
    find_tax_numbers,
    find_caf_numbers,
    find_closing_numbers,
    find_phones,
    find_spoken_phones,
    find_spoken_identifiers,
    find_loose_bank_numbers,
    find_spoken_plates,
    find_plates,
    find_birthdates,
    find_addresses,
    find_postcode_answers,
    find_listed_children,
    find_table_cells,
)


# A person's name after these words names a place or an institution (« lycée Victor
# Hugo », « hôpital Édouard Herriot »): not personal data.
NAMESAKE_RE = re.compile(
    r"\b(?:lycee|college|ecole|hopital|clinique|centre|stade|gymnase|salle|residence|quartier"
    r"|cite|pont|gare|mediatheque|bibliotheque|ehpad|foyer|fondation|institut|universite"
    r"|faculte|musee|theatre|piscine|metro|station|arret|campus|maison|groupe\s+scolaire"
    # a building or a maternity ward named after someone (« bâtiment Victor Schoelcher »)
    r"|batiment|immeuble|pavillon|maternite"
    # a desk named after its town (« l'agence de Pierrefitte », « la poste de Pierre-Bénite »)
    r"|agence|poste|antenne|permanence|mairie|commune|ville|prefecture|gendarmerie"
    r"|commissariat|tribunal"
    r"|square|parc|jardin|place|rue|avenue|boulevard|allee|quai|impasse|chemin|cours"
    # shops, firms and associations named after people or things
    r"|espace|sci|sarl|sas|boulangerie|boucherie|pharmacie|restaurant|cabinet|garage"
    r"|association|entreprise|societe|boutique|magasin|hotel|auberge|epicerie"
    r"|creperie|conserverie|ifsi|ifas|gaec|earl|scea|taxi)"
    # what kind of centre or house (« centre hospitalier Simone-Veil », « maison de santé
    # Rose-Valland », « centre social Nelson-Mandela »)
    r"(?:[ \t]+(?:hospitali\w+|universitaire|medical\w*|medico-social\w*|social\w*"
    r"|culturel\w*|municipal\w*|communal\w*|intercommunal\w*|departemental\w*|regional\w*"
    r"|pluri\w+|sporti\w+|de[ \t]+sante|des[ \t]+sports|de[ \t]+loisirs))?"
    r"[ \t]+(?:de[ \t]+la[ \t]+|du[ \t]+|des[ \t]+|de[ \t]+|d'|l'|la[ \t]+|le[ \t]+|les[ \t]+)?$",
    re.IGNORECASE,
)
# A place's head noun as a form's label (« Salle : Aimé Césaire », « Établissement : Lycée
# … »): the value is the place's name, after whoever it bears.
NAMESAKE_LABEL_RE = re.compile(
    r"(?:^|\n)[ \t>]*(?i:salle|gymnase|lycee|college|ecole|hopital|mediatheque|bibliotheque"
    r"|batiment|stade|residence|etablissement|espace|amphi\w*|local)[ \t]*:[ \t]*"
    # the place's name so far: capitalised words and particles (« Olympe de »)
    r"(?:[A-Z][\w'\-]*[ \t]+(?:(?:de|du|des|la|le)[ \t]+|d')?)*$"
)
# The second of two people a street, a school or a room is named after (« rue Pierre et
# Marie Curie », « école Jules et Jim »).
JOINED_NAMESAKE_RE = re.compile(
    r"\b(?:rue|avenue|boulevard|allee|quai|impasse|chemin|cours|place|square|route|passage"
    r"|lycee|college|ecole|groupe[ \t]+scolaire|salle|centre|residence|hopital|mediatheque)"
    r"[ \t]+[A-Za-z][\w'\-]*(?:[ \t]+[A-Za-z][\w'\-]*)?[ \t]+et[ \t]+$",
    re.IGNORECASE,
)
# A title between a street and the name it bears (« rue du Docteur Nancel-Pénard »).
STREET_TITLE_NAMESAKE_RE = re.compile(
    r"\b(?:rue|avenue|boulevard|allee|quai|impasse|chemin|cours|place|square|route|passage)"
    r"[ \t]+(?:du[ \t]+|de[ \t]+l'|de[ \t]+la[ \t]+|de[ \t]+)?(?:docteur|general|president"
    r"|marechal|professeur|commandant|colonel|capitaine|abbe|amiral|pere|cardinal|chanoine)"
    r"[ \t]+$",
    re.IGNORECASE,
)


# Firms citizens name (employers, shops, banks, landlords, carriers): a business name is
# not a person, even when it is made of surnames (« Leroy Merlin »).
BUSINESS_RE = re.compile(
    r"(?<![\w])(?:leroy[ \t]+merlin|auchan|carrefour(?:[ \t]+(?:market|city|express))?"
    r"|e\.?[ \t]?leclerc|(?<=chez[ \t])leclerc|(?<=au[ \t])leclerc"
    r"|intermarche|lidl|aldi|monoprix|franprix|decathlon|darty|boulanger"
    r"|fnac|ikea|conforama|castorama|brico[ \t]?depot|bricomarche|chronopost|amazon"
    r"|cdiscount|vinted|leboncoin|bouygues(?:[ \t]+telecom)?|sosh|totalenergies|veolia"
    r"|adecco|manpower|randstad|sodexo|elior|mcdonald'?s|deliveroo|airbnb|doctolib"
    r"|uber(?:[ \t]?eats)?"
    r"|harmonie[ \t]+mutuelle|credit[ \t]+mutuel|societe[ \t]+generale|bnp(?:[ \t]+paribas)?"
    r"|caisse[ \t]+d'epargne|banque[ \t]+populaire|boursorama|revolut|vilogia"
    r"|immobiliere[ \t]+3f|paris[ \t]+habitat|domofrance|logirep|cdc[ \t]+habitat|nexity"
    r"|foncia|century[ \t]+21|citya|keolis|transdev|groupama|allianz|macif|maif|matmut"
    # vehicles, phones, browsers, operators and more landlords citizens name (not the makes
    # that are also common surnames: Renault, Peugeot, Citroën)
    r"|dacia|toyota|volkswagen|opel|nissan|hyundai|skoda|tesla"
    r"|samsung|xiaomi|huawei|motorola|firefox|chrome|safari|orange|sfr|free[ \t]+mobile"
    r"|erilia|habitat[ \t]+76|sogima|icf[ \t]+habitat|lcl|hsbc|axa|generali|ag2r"
    # the makes that are surnames too, as a car: its model after it (« une Peugeot 208 »,
    # « Renault Clio »)
    r"|(?:renault|peugeot|citroen)(?=[ \t]+(?:\d{3,4}|[a-z]\d|clio|megane|twingo|captur|kangoo"
    r"|scenic|zoe|partner|berlingo|picasso|expert|trafic|master|rifter|boxer|jumpy)(?![\w]))"
    # a firm named after its founder and his sons or brothers (« Petit et Fils »)
    r"|[\w'\-]+[ \t]+(?:et|&)[ \t]+fils|[\w'\-]+[ \t]+freres"
    # a firm by its legal form and the name after it (« SCI des Quatre Vents »)
    r"|(?:sci|sarl|sasu?|eurl|selarl)[ \t]+(?:(?:de|du|des|la|le|les)[ \t]+|l'|d')?"
    r"[\w'\-]+(?:[ \t]+[\w'\-]+)?)"
    r"(?![\w])"
)


CIVILITY_BEFORE_RE = re.compile(r"(?:\bm\.|\bmr|\bmme|madame|monsieur|\bdr)[ \t]*$", re.IGNORECASE)


def _first_name_before(word: str, lexicon: NameLexicon) -> bool:
    """A listed first name, or a capitalised word that is no French word, no place and no
    administration (« Ignace Boulanger »), stands before a firm's name: a person's."""
    if lexicon.is_first_name(word):
        return True
    key = fold(word).lower()
    return (
        word[:1].isupper()
        and not word.isupper()
        and len(key) > 2
        and key not in DOMAIN_WORDS
        and key not in lexicon.places
        and not lexicon.word_like(word, typos=False)
    )


def _under_person_label(folded: str, start: int) -> bool:
    """« Nom : Boulanger », « Bailleur : Darty »: a firm's name alone where a form's label
    asks for a person is that person's surname."""
    line_start = folded.rfind("\n", 0, start) + 1
    label = FORM_LABEL_BEFORE_RE.fullmatch(folded, line_start, start)
    return bool(
        label
        and PERSON_LABEL_RE.search(label.group(1))
        and not NOT_PERSON_LABEL_RE.search(label.group(1))
        and not EMPLOYER_LABEL_RE.search(label.group(1))
    )


FORM_LABEL_BEFORE_RE = re.compile(r"[ \t>]*([^:\n]{2,40}?)[ \t]*:[ \t]*")
# an employer is a firm more often than a person: its name stays a firm's
EMPLOYER_LABEL_RE = re.compile(r"\bemployeur\b")


# What names a shop that is also a surname (« Boulanger », « Leclerc »): a preposition, an
# article or a verb of buying before it (« acheté chez Boulanger », « au Leclerc »); without
# it the surname is a person's (« Cordialement,\nBoulanger », « je m'appelle Boulanger »).
SHOP_CUE_BEFORE_RE = re.compile(
    r"(?:(?<![\w'])(?:chez|au|aux|a|le|la|les|un|une|des|du|sur|via|magasin|enseigne|boutique"
    r"|site|marque|command\w*|achet\w*|livr\w*|employeur|pour)|(?<!part )(?<!nom )(?<![\w'])de"
    r"|(?<![\w])d')[ \t]*:?[ \t]*$"
)


def drop_businesses(
    text: str, candidates: list[Entity], lexicon: NameLexicon | None = None
) -> list[Entity]:
    """Person candidates overlapping a firm's name are dropped (« chez Leroy Merlin »),
    unless a civility or a first name stands before it (« Mme Darty », « Daniel
    Boulanger »)."""
    if not any(c.label == "PERSON" for c in candidates):
        return candidates
    folded = fold(text).lower()
    firms = []
    for match in BUSINESS_RE.finditer(folded):
        before = folded[max(0, match.start() - 30) : match.start()]
        if CIVILITY_BEFORE_RE.search(before) or (
            # one word (a brand, not « SCI des Quatre Vents ») alone where a name is asked
            " " not in match.group() and _under_person_label(folded, match.start())
        ):
            continue
        if (
            lexicon is not None
            and " " not in match.group()
            and lexicon.is_known_name(match.group())
            and not SHOP_CUE_BEFORE_RE.search(before)
        ):
            continue  # « Cordialement,\nBoulanger »: a surname, the shop needs its cue
        previous = re.search(r"([\w'\-]+)[ \t]+$", before)
        if previous and lexicon is not None:
            offset = max(0, match.start() - 30) + previous.start(1)
            if _first_name_before(text[offset : offset + len(previous.group(1))], lexicon):
                continue
        firms.append((match.start(), match.end()))
    if not firms:
        return candidates
    return [
        c
        for c in candidates
        if c.label != "PERSON" or not any(c.start < end and start < c.end for start, end in firms)
    ]


# A firm's or an establishment's name opened by what it is (« Boulangerie du Lavoir »,
# « Établissements Larrouturou », « Menuiserie Castagnet », « Clinique des Tilleuls »,
# « Domaine du Grand Chêne »): no person, even when a surname follows.
ESTABLISHMENT_HEAD_RE = re.compile(
    r"(?<![\w'’-])(?:boulangerie|patisserie|boucherie|charcuterie|poissonnerie|fromagerie"
    r"|epicerie|menuiserie|plomberie|maconnerie|serrurerie|carrosserie|miroiterie|ebenisterie"
    r"|charpente|couverture|toiture|etablissements|ets|transports|ambulances|taxis"
    r"|clinique|pharmacie|domaine|chateau|creche|librairie|brasserie|restaurant|pizzeria"
    r"|garage|imprimerie|quincaillerie|jardinerie|pepiniere|scierie|laverie|pressing"
    r"|auto-ecole|supermarche|hypermarche|cabinet|atelier|ateliers|agence|salon|tissages?|filature|distillerie"
    r"|fonderie|immo|tannerie|verrerie|chaudronnerie|laiterie|minoterie|cidrerie|vannerie"
    # a crêperie, a cannery, a nursing school, a farm's legal form, a cab (« Taxi Prosper »)
    r"|creperie|conserverie|ifsi|ifas|gaec|earl|scea|taxi)"
    r"[ \t]+(?=\S)",
    re.IGNORECASE,
)


# « je suis Alex, votre assistant virtuel »: a chatbot's name, nobody's.
VIRTUAL_AGENT_AFTER_RE = re.compile(
    r"[ \t]*,?[ \t]*(?:(?:votre|ton|notre|un|l')[ \t]*)?(?:assistant(?:e)?[ \t]+"
    r"(?:virtuel(?:le)?|numerique|automatique|conversationnel(?:le)?)|agent[ \t]+virtuel"
    r"|chatbot|robot|conseill\w+[ \t]+virtuel(?:le)?)(?![\w])",
    re.IGNORECASE,
)


def _namesake_led(text: str, folded: str, candidate: Entity) -> bool:
    """« salle Pierre-Loti », « gymnase Jean Moulin » read as one run: a place's head noun
    in lower case, then a capitalised name."""
    head = re.match(r"([a-z]+)[ \t]+(?=[A-Z])", folded[candidate.start : candidate.end])
    return bool(head and text[candidate.start].islower() and NAMESAKE_RE.search(head.group(0)))


# Where a place is named (« je suis arrivée de Jaffna », « né à Hérat », « non au kosovo, à
# prizren », « Pays de naissance : Pérou ») or what it is in (« Hérat, en Afghanistan »).
PLACE_BEFORE_RE = re.compile(
    r"(?:(?<![\w])(?:(?:suis|est|sont|sommes|etes|es|ai|a|avons|ont)[ \t]+(?:arrivee?s?|venue?s?"
    r"|revenue?s?|rentree?s?|partie?s?|fui|enfuie?s?)|originaires?|(?:je|il|elle|on)[ \t]+"
    r"vien(?:s|t|nent))[ \t]+(?:de|d'|du|des)"
    r"|(?<![\w])nee?s?[ \t]+(?:a|au)|(?<![\w])(?:au|en)[ \t]+[a-z][\w\-]+[ \t]*,[ \t]*(?:a|au)"
    r"|^[ \t>\-•*]*(?:pays|lieu|ville|commune|nationalite)[^\n:]{0,30}:"
    # « Né le : 07/07/1997\nÀ : Meknès (Maroc) »: a form's place of birth, under the date (not
    # a transcript's speaker « A : »)
    r"|(?:nee?|ne\(e\)|naissance)[^\n]*\n[ \t>\-•*]*a[ \t]*:"
    # « la maison France Services de Quintin », « la mairie de Plouha »: a desk's town
    r"|(?<![\w])(?:france[ \t]+services|mairie|caf|cpam|ccas|msa|prefecture|sous-prefecture"
    r"|tresorerie|france[ \t]+travail|pole[ \t]+emploi|mission[ \t]+locale|antenne"
    r"|permanence)[ \t]+(?:de|d'))[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
PLACE_AFTER_RE = re.compile(
    r"[ \t]*,[ \t]*(?:en|au|aux)[ \t]+[A-ZÀ-Þ][a-zà-ÿ]{3,}(?:[ \t]*[.,;\n]|$)"
)


def _drop_persons(
    text: str, candidates: list[Entity], refused: Callable[[str, Entity], Any]
) -> list[Entity]:
    """``candidates`` without the person candidates ``refused(folded text, candidate)``
    turns down (the text is folded only when there is a person candidate)."""
    if not any(c.label == "PERSON" for c in candidates):
        return candidates
    folded = fold(text)
    return [c for c in candidates if c.label != "PERSON" or not refused(folded, c)]


BRACKETED_AFTER_RE = re.compile(r"[ \t]*\([^()\n]*\)[ \t.]*$")


PLACE_NAME_RUN_RE = re.compile(
    r"(?:(?:[A-ZÀ-Þ][\w'’\-]*|do|da|dos|das|de|del|di|du|la|los|las)[ \t]+){1,3}$"
)


def _place_run_start(text: str, candidate: Entity) -> int:
    """Where the capitalised words and particles right before a candidate begin."""
    run = PLACE_NAME_RUN_RE.search(text, max(0, candidate.start - 60), candidate.start)
    return run.start() if run else candidate.start


# Countries (their French names, folded): « né au Sri Lanka », « versée par le Vietnam »,
# « le Kosovo, je suis … » name no one, whatever the words around them (those that are
# also given names, « Maurice », « Salvador », « Georgie », « Israël », « Kenya », are left
# to the rules' other judgements).
COUNTRIES = frozenset(
    name.strip()
    for name in """
afghanistan, afrique du sud, albanie, algerie, allemagne, andorre, angola, arabie saoudite,
argentine, armenie, australie, autriche, azerbaidjan, bangladesh, belgique, benin, bielorussie,
birmanie, bolivie, bosnie, bosnie-herzegovine, botswana, bresil, bulgarie, burkina faso,
burkina-faso, burundi, cambodge, cameroun, canada, cap-vert, centrafrique, chili, chine, chypre,
colombie, comores, congo, coree, coree du sud, cote d'ivoire, croatie, cuba, danemark, djibouti,
egypte, emirats arabes unis, equateur, erythree, espagne, estonie, etats-unis, ethiopie,
finlande, gabon, gambie, ghana, grece, guatemala, guinee, guinee-bissau,
guinee equatoriale, haiti, honduras, hongrie, inde, indonesie, irak, iran, irlande, islande,
italie, jamaique, japon, jordanie, kazakhstan, kirghizistan, kosovo, koweit,
laos, lettonie, liban, liberia, libye, liechtenstein, lituanie, luxembourg, macedoine,
madagascar, malaisie, malawi, mali, malte, maroc, mauritanie, mexique, moldavie,
monaco, mongolie, montenegro, mozambique, namibie, nepal, nicaragua, niger, nigeria, norvege,
nouvelle-zelande, oman, ouganda, ouzbekistan, pakistan, palestine, panama, paraguay, pays-bas,
perou, philippines, pologne, portugal, qatar, roumanie, royaume-uni, russie, rwanda,
senegal, serbie, sierra leone, singapour, slovaquie, slovenie, somalie, soudan, sri lanka,
suede, suisse, suriname, syrie, tadjikistan, tanzanie, tchad, tchequie, thailande, togo,
tunisie, turkmenistan, turquie, ukraine, uruguay, venezuela, vietnam, viet nam, yemen, zambie,
zimbabwe""".replace("\n", " ").split(",")
)


def _country(value: str) -> bool:
    return BRACKETED_AFTER_RE.sub("", value).strip(" \t.,;").lower() in COUNTRIES


COUNTRY_BRACKET_RE = re.compile(r"[ \t]*\(([^()\n]{3,30})\)")


def _country_in_brackets_after(folded: str, candidate: Entity) -> bool:
    """« Belo Horizonte (Brésil) », « Jaffna (Sri Lanka) »: a town placed in its country."""
    inside = folded[candidate.start : candidate.end]
    bracket = COUNTRY_BRACKET_RE.search(inside) or COUNTRY_BRACKET_RE.match(folded, candidate.end)
    return bool(bracket and _country(bracket.group(1)))


def drop_places(text: str, candidates: list[Entity]) -> list[Entity]:
    """Person candidates that are a country, or a town placed in its country in brackets;
    one-word ones where a place is named or placed in a country: no one's name (the words
    no vocabulary knows are often foreign towns)."""
    return _drop_persons(
        text,
        candidates,
        lambda folded, c: (
            _country(folded[c.start : c.end])
            or _country_in_brackets_after(folded, c)
            or (
                # one word, or one word and its country in brackets (« Meknès (Maroc) »)
                " " not in BRACKETED_AFTER_RE.sub("", text[c.start : c.end]).strip()
                and (
                    PLACE_BEFORE_RE.search(folded[max(0, c.start - 40) : c.start])
                    or PLACE_AFTER_RE.match(text, c.end)
                    # « au Portugal, à Viana do Castelo »: the last word of a place's name
                    or PLACE_BEFORE_RE.search(
                        folded[max(0, c.start - 80) : _place_run_start(text, c)]
                    )
                )
            )
        ),
    )


REFERENCE_DIGITS_AFTER_RE = re.compile(r"[\-/_]\d")


def _inside_an_email(text: str, candidate: Entity) -> bool:
    """« secretariat.college-loti@… » left unmasked (a desk's mailbox): the words of a
    mailbox named after a function are no one's name (the candidate's first word is read
    in its chunk of text). Any other address's words stay candidates: should the e-mail
    rule miss the address (spaces around « @ », letters it does not take), its name still
    gets masked."""
    start = max(text.rfind(ch, 0, candidate.start) for ch in ' \t\n<("') + 1
    ends = [i for i in (text.find(ch, candidate.start) for ch in ' \t\n<>)"') if i >= 0]
    chunk = text[start : min(ends, default=len(text))]
    return "@" in chunk and FUNCTION_LOCAL_PART_RE.match(fold(chunk)) is not None


JOINED_ESTABLISHMENT_RE = re.compile(
    ESTABLISHMENT_HEAD_RE.pattern + r"(?:[A-Za-z][\w'\-]*[ \t]+){1,2}(?:et|&)[ \t]+$",
    re.IGNORECASE,
)


# The head nouns of an organisation written first in a form's value (« Nom : Agence
# immobilière du Vieux-Port », « Demandeur : Association des locataires … », « Nom : Collège
# Louise-Michel »): the form is the organisation's, its value names no one.
_ORGANISATION_HEADS = (
    r"(?:agence|association|college|lycee|ecole|maison|pharmacie|cabinet|centre|clinique"
    r"|societe|entreprise|mairie|syndicat|mutuelle|ehpad|fondation|institut|hopital|creche"
    r"|cooperative|federation|amicale|collectif|club|comite|foyer|office|etablissements?|ets"
    r"|communaute|commune|ccas|cias|sarl|sas|sci|eurl|scop|gaec|earl)"
)
FORM_VALUE_ORGANISATION_RE = re.compile(rf"{_ORGANISATION_HEADS}[ \t]+\S", re.IGNORECASE)
FORM_VALUE_BEFORE_RE = re.compile(r"[^\n:]{1,40}:[ \t]*$")
# « Nom : Agence immobilière du Vieux-Port » above « Adresse : … »: the agency's address.
ORGANISATION_NAME_LINE_RE = re.compile(
    rf"[ \t>\-•*]*nom[ \t]*:[ \t]*{_ORGANISATION_HEADS}[ \t]+\S", re.IGNORECASE
)


def _organisation_form_value(folded: str, candidate: Entity) -> bool:
    line_start = folded.rfind("\n", 0, candidate.start) + 1
    return bool(
        FORM_VALUE_ORGANISATION_RE.match(folded, candidate.start)
        and FORM_VALUE_BEFORE_RE.fullmatch(folded, line_start, candidate.start)
    )


def drop_establishments(text: str, candidates: list[Entity]) -> list[Entity]:
    """Person candidates holding the head noun of an establishment followed by its name
    (« Employeur : Boulangerie du Lavoir »), opened by a place's head noun (« salle
    Pierre-Loti ») or naming a chatbot (« Alex, votre assistant virtuel ») are dropped."""
    return _drop_persons(
        text,
        candidates,
        lambda folded, c: (
            ESTABLISHMENT_HEAD_RE.search(folded, c.start, c.end)
            # « Boulangerie Rose et Pain »: the second word of an establishment's name
            or JOINED_ESTABLISHMENT_RE.search(folded, max(0, c.start - 60), c.start)
            or VIRTUAL_AGENT_AFTER_RE.match(folded, c.end)
            or _namesake_led(text, folded, c)
            # « Dossier n° CAF-RDV-2026-99174 »: letters glued to a reference's digits
            or REFERENCE_DIGITS_AFTER_RE.match(folded, c.end)
            or _inside_an_email(text, c)
            or _organisation_form_value(folded, c)
            or _establishment_line_value(folded, c)
            or DESK_WORD_RE.fullmatch(folded, c.start, c.end)
        ),
    )


# « Accueil France Services – Rennes », « Secrétariat de la mairie »: a desk's own word,
# capitalised at a signature's start, is no one's name.
DESK_WORD_RE = re.compile(
    r"(?:accueil|secretariat|standard|guichet|direction|equipe)[.,]?", re.IGNORECASE
)
CIVILITY_BEFORE_RE = re.compile(
    r"(?<![\w])(?:m|mr|mme|mlle|madame|monsieur|dr|docteure?|me|maitre|pr)\.?[ \t]+$",
    re.IGNORECASE,
)


def _establishment_line_value(folded: str, candidate: Entity) -> bool:
    """« Nom de la structure : Épicerie solidaire Le Panier de Rose »: a word of the value
    of a form's line naming an establishment, unless a civility names a person there
    (« Cabinet du Dr Martin »)."""
    line_start = folded.rfind("\n", 0, candidate.start) + 1
    label = ESTABLISHMENT_LINE_RE.match(folded, line_start)
    return bool(
        label
        and label.end() <= candidate.start
        and "\n" not in folded[label.end() : candidate.start]
        and not CIVILITY_BEFORE_RE.search(
            folded, max(line_start, candidate.start - 12), candidate.start
        )
    )


OWNER_BEFORE_RE = re.compile(
    r"\b(?:foyer|societe|entreprise|boulangerie|boucherie|garage|cabinet|epicerie|magasin"
    r"|restaurant|exploitation|ferme|boutique)[ \t]+(?:de|d')[ \t]*$",
    re.IGNORECASE,
)


def _owner(text: str, folded: str, candidate: Entity, lexicon: NameLexicon) -> bool:
    """« le foyer de Killian Rozenn Tanguy », « la société de Gaspard Lelièvre »: a household
    or a firm *of* someone named in full (a first name that is no French word first)."""
    if not OWNER_BEFORE_RE.search(folded[max(0, candidate.start - 30) : candidate.start]):
        return False
    words = text[candidate.start : candidate.end].split()
    return (
        len(words) >= 2
        and all(w[:1].isupper() for w in words)
        and (
            lexicon.is_first_name(words[0])
            or any(not lexicon.word_like(w.strip(",."), typos=False) for w in words)
        )
    )


# « la maison de fortuné mon oncle »: a relative in apposition makes the name a person's.
APPOSED_RELATIVE_AFTER_RE = re.compile(
    r"[ \t]+(?:mon|ma|notre|son|sa)[ \t]+(?:oncle|tante|pere|mere|grand-pere|grand-mere|fils"
    r"|fille|frere|soeur|mari|femme|epoux|epouse|cousin|cousine|neveu|niece|beau-pere"
    r"|belle-mere|parrain|marraine|voisin|voisine)\b",
    re.IGNORECASE,
)


CAPITALISED_WORDS_BEFORE_RE = re.compile(r"(?:[A-ZÀ-Þ][\w'’\-]*[ \t]+){1,2}$")


def _capitalised_run_start(text: str, candidate: Entity) -> int:
    """Where the capitalised words right before a candidate begin (its own start when
    none)."""
    run = CAPITALISED_WORDS_BEFORE_RE.search(text[max(0, candidate.start - 60) : candidate.start])
    return candidate.start - len(run.group()) if run else candidate.start


def drop_namesakes(
    text: str, candidates: list[Entity], lexicon: NameLexicon | None = None
) -> list[Entity]:
    """Person candidates inside the name of a school, a hospital, a street… are dropped,
    with every shorter candidate inside them (« Hugo » of « lycée Victor Hugo »)."""
    folded = fold(text)
    namesakes = [
        c
        for c in candidates
        if c.label == "PERSON"
        and (
            NAMESAKE_RE.search(folded[max(0, c.start - 40) : c.start])
            # « la salle Germaine Tillion »: the head noun before the capitalised run that
            # holds the candidate (found in part: « Tillion »)
            or NAMESAKE_RE.search(folded[max(0, c.start - 70) : _capitalised_run_start(text, c)])
            or STREET_TITLE_NAMESAKE_RE.search(folded[max(0, c.start - 40) : c.start])
            or JOINED_NAMESAKE_RE.search(folded[max(0, c.start - 50) : c.start])
            or NAMESAKE_LABEL_RE.search(folded[max(0, c.start - 60) : c.start])
        )
        and not (lexicon is not None and _owner(text, folded, c, lexicon))
        and not APPOSED_RELATIVE_AFTER_RE.match(folded, c.end)
    ]
    if not namesakes:
        return candidates
    return [
        c
        for c in candidates
        if c.label != "PERSON" or not any(n.start <= c.start and c.end <= n.end for n in namesakes)
    ]


# « Adresse de l'accueil : 10 rue … », « Adresse de la CAF : … »: a desk's address, given
# by the label of its line, is no one's.
PUBLIC_ADDRESS_LABEL_RE = re.compile(
    r"adresse[ \t]+(?:de[ \t]+l'|de[ \t]+la[ \t]+|du[ \t]+|des[ \t]+|de[ \t]+|d')?"
    r"(?:accueil|agence|antenne|permanence|guichet|siege|bureau|centre|caf|cpam|msa|carsat"
    r"|urssaf|mairie|ccas|prefecture|sous-prefecture|tribunal|tresorerie|sip|caisse"
    r"|france[ \t]+services|france[ \t]+travail|maison[ \t]+france|organisme|service)\b"
    r"[^\n:]{0,40}:[ \t]*$",
    re.IGNORECASE,
)


# « l'accueil de la CAF, 50 rue … à Bordeaux, est-il ouvert », « le Casier judiciaire
# national à Nantes, 107 rue … »: an administration's address given in a sentence.
PUBLIC_BEFORE_RE = re.compile(
    r"(?<![\w])(?:caf|cpam|msa|carsat|urssaf|ccas|mairie|prefecture|sous-prefecture|tribunal"
    # (« l'aire d'accueil » of travellers is where they live)
    r"|casier[ \t]+judiciaire|(?<!aire[ \t]d')accueil|agence|antenne|france[ \t]+services"
    r"|france[ \t]+travail"
    r"|pole[ \t]+emploi|impots|tresorerie|centre[ \t]+des[ \t]+finances|ants|cnav|cnaf"
    r"|consulat|ambassade|commissariat|gendarmerie"
    # a public desk in a street (« le bureau de poste de la rue du Moulin », « le bureau
    # au 8 rue … »)
    r"|bureau[ \t]+de[ \t]+poste|(?:le|les|au|aux|du|des)[ \t]+bureaux?|la[ \t]+poste"
    r"|mediatheque|bibliotheque|piscine"
    # public bodies one is sent to (« orienté vers la MDPH, 5 rue … », « le CIRFA de Brest,
    # 8 rue … », « la mission locale, 2 place … »)
    r"|mdph|cirfa|mission[ \t]+locale|cidff|point[ \t]+justice|maison[ \t]+de[ \t]+justice"
    r"|orientee?s?[ \t]+vers|redirigee?s?[ \t]+vers)(?![\w])"
    r"[^.!?\n\d]{0,40}$",
    re.IGNORECASE,
)
# Living somewhere (« j'habite », « domicilié », « chez moi »), and whose it is.
_LIVING = (
    # « je dors au CCAS de …, 2 place … »: where one sleeps is where one lives
    r"j'?habite|habite|habitons|domicili\w*|heberg\w*|demeurant|demenag\w*|dors|dort|dormons"
    r"|chez[ \t]+(?:moi|nous|lui|elle)|reside\w*|vis|vit"
)
_POSSESSIVES = r"mon|ma|mes|notre|nos|son|sa|ses|leur"
# What makes an address the writer's (or someone's) all the same.
PERSONAL_ADDRESS_RE = re.compile(
    rf"(?<![\w])(?:{_POSSESSIVES}|adresse|{_LIVING})(?![\w])"
    # « je ne veux pas laisser mon numéro, je passerai à l'accueil … »: what is one's own is
    # not the address
    r"(?![ \t]+(?:numero|telephone|tel|portable|mail|courriel|nom|prenom|identifiant|compte"
    r"|dossier|espace|conseill\w+|rendez-vous|rdv)\b)",
    re.IGNORECASE,
)


# « votre courrier indique un rendez-vous le 2 mai à 9h au 18 rue … », « les permanences se
# tiennent à la Maison des services, 2 place … »: where an appointment or a desk is held,
# dates and hours allowed between the cue and the address.
MEETING_PLACE_RE = re.compile(
    r"(?<![\w])(?:rendez-vous|rdv|convoqu\w*|convocation|permanences?|se[ \t]+tien(?:t|nent)"
    # « la réunion … aura lieu le 13 janvier à 14 h, salle …, 2 rue … », « les ateliers
    # reprendront en mars, salle Rose-Blanche, 5 allée … »
    r"|reunions?|ateliers?|(?:a|aura|auront|ont)[ \t]+lieu(?![\-]|[ \t]dit)"  # not « à lieu-dit »
    # where someone was sent to (« un agent m'a dit d'aller au 12 rue … »)
    r"|aller[ \t]+(?:au|a|à)|(?:me|se|vous|nous)[ \t]+(?:rendre|presenter)[ \t]+(?:au|a|à)"
    r"|maison[ \t]+(?:des|de[ \t]+la|de[ \t]+l'|du)[ \t]*"
    r"(?:services?|justice|emploi|solidarite\w*|habitat|droit|sante|associations))"
    r"(?![\w])[^.!?\n]{0,60}$",
    re.IGNORECASE,
)
# « vous êtes où exactement ? J'ai l'adresse place … », « je cherche l'adresse pour déposer
# un dossier … Agent : 3 boulevard … »: the writer asks where the desk is; the address given
# (by either party) is the desk's.
DESK_WHERE_RE = re.compile(
    r"(?<![\w])(?:vous[ \t]+etes[ \t]+ou|ou[ \t]+etes-vous|ou[ \t]+vous[ \t]+trouver"
    r"|ou[ \t]+se[ \t]+trouve(?:nt)?[ \t]+(?:vos|votre|le|la|les|l')[ \t]*(?:bureaux?|locaux"
    r"|services?|agence|accueil|permanence|antenne|centre|maison|batiment)"
    r"|cherche\w*[ \t]+l'adresse[ \t]+(?:pour|de[ \t]+vos|du|de[ \t]+la|de[ \t]+l'|des)"
    # « pouvez-vous me confirmer l'adresse du centre des finances publiques ? »
    r"|(?:confirmer|connaitre|savoir|donner|indiquer)[ \t]+l'adresse[ \t]+(?:exacte[ \t]+)?"
    r"(?:du|de[ \t]+la|de[ \t]+l'|des)[ \t]*(?:centre|service|bureau|agence|accueil|caf|cpam"
    r"|mairie|antenne|permanence|tresorerie|tribunal|prefecture|maison))(?![\w])",
    re.IGNORECASE,
)
# The words that make an address someone's in the sentence before it (« mon », « j'habite »),
# without the bare noun « adresse » (« j'ai l'adresse place … » is the desk's).
ADDRESS_OWNER_RE = re.compile(rf"(?<![\w])(?:{_POSSESSIVES}|{_LIVING})(?![\w])", re.IGNORECASE)

# Living somewhere, said before an address (« j'habite », « mon adresse »).
HOME_RE = re.compile(
    rf"(?<![\w])(?:{_LIVING}|(?:mon|ma|notre|son|sa|leur)[ \t]+"
    r"(?:adresse|domicile|logement|maison|appartement))(?![\w])",
    re.IGNORECASE,
)


# An appointment held at someone's home: « un rendez-vous à domicile », « pour l'état des
# lieux », « chez ma mère » (the address is then a home, whoever's it is).
HOME_VISIT_RE = re.compile(
    r"(?<![\w])(?:domicile|chez|etat[ \t]+des[ \t]+lieux|visite[ \t]+de[ \t]+conformite)(?![\w])",
    re.IGNORECASE,
)


def _meeting_or_desk_address(text: str, entity: Entity, before: str) -> bool:
    """An address where an appointment or a desk is held, or the answer to where a desk
    is: no one's home (the ninth pass masked « au 18 rue … » of a convocation), unless
    the appointment is at home (``HOME_VISIT_RE``)."""
    meeting = MEETING_PLACE_RE.search(before)
    if meeting:
        # « ma convocation indique … »: a possessive before the cue is the meeting's
        window = fold(text[max(0, entity.start - 120) : entity.start])
        return (
            not ADDRESS_OWNER_RE.search(before, meeting.start() + 1)
            and not HOME_RE.search(window)
            and not HOME_VISIT_RE.search(before, meeting.start())
            and not SOMEONES_HOME_AFTER_RE.search(fold(text[entity.start : entity.end + 40]))
        )
    window = fold(text[max(0, entity.start - 160) : entity.start])
    return bool(DESK_WHERE_RE.search(window)) and not ADDRESS_OWNER_RE.search(window)


# « … aller au 8 rue des Lilas chez ma fille »: the place one goes to is someone's home.
SOMEONES_HOME_AFTER_RE = re.compile(
    r"(?<![\w])chez[ \t]+(?:ma|mon|mes|notre|nos|sa|son|ses|leur|un|une|des|m\.|mr|mme|madame"
    r"|monsieur)(?![\w])",
    re.IGNORECASE,
)


# « résidence alternée », « résidence principale »: a legal notion, no housing estate.
RESIDENCE_NOTION_RE = re.compile(
    r"r[ée]sidences?[ \t]+(?:altern[ée]e?s?|principales?|secondaires?|habituelles?|fiscales?"
    r"|partag[ée]e?s?)[ \t,.]*$",
    re.IGNORECASE,
)


# « Organisme : Centre de formation …, 3 rue … », « Adresse de la crèche : … », « Nom de
# l'exploitation : Domaine de … »: a form's line naming an establishment; its address is
# the establishment's, not someone's home.
ESTABLISHMENT_LINE_RE = re.compile(
    r"[ \t>\-•*]*(?:(?:nom|adresse|coordonnees)[ \t]+(?:de[ \t]+l'|de[ \t]+la[ \t]+|du[ \t]+"
    r"|des[ \t]+|de[ \t]+|d')?)?(?:organisme|etablissement|creche|ecole|college|lycee|clinique"
    r"|hopital|pharmacie|fournisseur|association|structure|centre[ \t]+de[ \t]+formation"
    r"|(?<=nom de l')exploitation)\b[^:\n]{0,30}:",
    re.IGNORECASE,
)
ADDRESS_LABEL_RE = re.compile(r"[ \t>\-•*]*adresse[ \t]*:[ \t]*", re.IGNORECASE)
# The agent's turn in a chat or a transcript (« Agent : … », « Conseillère : … »).
DESK_AGENT_TURN_RE = re.compile(
    r"[ \t>]*(?:\[[\d:.,]+\][ \t]*)?(?:agent|agente|conseill\w+|operat\w+)\b[^:\n]{0,30}:",
    re.IGNORECASE,
)
# A desk the agent points to (« la mairie de …, ou celle de …, 5 rue … », « une borne à la
# pharmacie de …, 2 place … », « le service des impôts est désormais 3 boulevard … »).
AGENT_DESK_RE = re.compile(
    r"(?<![\w])(?:mairies?|pharmacies?|espaces?|poles?|services?|bornes?|bureaux?|accueil"
    r"|agences?|antennes?|centres?|maisons?|permanences?|points?|guichets?|celle|celui|locaux"
    r"|sieges?|caf|cpam|msa|carsat|urssaf|ccas|prefecture|tribunal|impots|tresorerie"
    # the way to a desk (« la ligne 4, arrêt …, puis cinq minutes à pied jusqu'au 3 … »)
    r"|arret|ligne|bus|tram\w*|metro|a[ \t]+pied)(?![\w])",
    re.IGNORECASE,
)
# What makes the address the agent says someone's (« vous habitez toujours au … », « votre
# adresse c'est … », « elle habite bien au … », « à l'adresse … », « immatriculé au … »).
AGENT_HOME_RE = re.compile(
    r"(?<![\w])(?:votre|vos|habit\w*|domicil\w*|adresse|chez|heberg\w*|loge\w*|immatricul\w*"
    r"|demenag\w*|vous[ \t]+etes|il[ \t]+est|elle[ \t]+est|au[ \t]+nom)(?![\w])",
    re.IGNORECASE,
)

# « Adresse du siège : Ferme du … » alone on a farmer's or a sole trader's form: the seat is
# where they live (an administration's seat is named: « Adresse du siège de la CAF : »).
OWN_SEAT_LABEL_RE = re.compile(
    r"[ \t>\-•*]*adresse[ \t]+du[ \t]+siege(?:[ \t]+social)?[ \t]*:[ \t]*", re.IGNORECASE
)


def _establishment_or_desk_line(text: str, entity: Entity, line_start: int) -> bool:
    """An address on a form's line naming an establishment, or said by the agent pointing
    to a desk (with nothing on the agent's line that makes it someone's home)."""
    line = fold(text[line_start : entity.start])
    if ESTABLISHMENT_LINE_RE.match(line):
        return True
    turn = DESK_AGENT_TURN_RE.match(line)
    if not turn or AGENT_HOME_RE.search(line, turn.end()):
        return False
    if AGENT_DESK_RE.search(line, turn.end()):
        return True
    # « Agent : au 12 rue …, à côté de la médiathèque »: the agent placing a desk by a
    # landmark, said after the address
    line_end = text.find("\n", entity.end)
    after = fold(text[entity.end : line_end if line_end >= 0 else len(text)])
    return bool(LANDMARK_AFTER_RE.match(after))


LANDMARK_AFTER_RE = re.compile(
    r"[ \t]*,?[ \t]*(?:juste[ \t]+)?(?:a[ \t]+cote|en[ \t]+face|pres|derriere|a[ \t]+l'angle"
    r"|au[ \t]+coin)[ \t]+(?:de|du|des|d')",
    re.IGNORECASE,
)


# « Urssaf, TSA 60012, 93517 Montreuil Cedex »: a TSA (« tri service arrivée ») box is an
# administration's mail sorting, never a home (unlike a BP, which domiciles people too).
TSA_RE = re.compile(r"(?<![\w])tsa[ \t]*\d{4,5}(?![\w])", re.IGNORECASE)


QUESTION_AFTER_RE = re.compile(r"[ \t]*\?")


# A professional's signature: the line right above an address names a role or an office
# (« Avocate au barreau de Rennes », « Assistante sociale – CCAS de … », « Agence Immo … »,
# « L'équipe France Services »): the address under it is the office's, no one's home.
OFFICE_SIGNATURE_LINE_RE = re.compile(
    r"[ \t>\-•*]*(?:l'|la[ \t]+|le[ \t]+)?(?:equipe|avocate?s?|notaires?|huissiers?|juristes?"
    r"|assistante?s?[ \t]+(?:sociale?s?|de[ \t]+service[ \t]+social)|travailleu(?:r|se)s?[ \t]+"
    r"sociale?s?|gestionnaires?|conseill(?:er|ere)s?|charge(?:e)?s?[ \t]+(?:de|d')"
    r"|responsables?|directeur|directrice|secretaires?|agents?|agente|mediat(?:eur|rice)"
    r"|coordinat(?:eur|rice)|referent(?:e)?|cheffe?[ \t]+de|accueil|agence|antenne|cabinet"
    r"|etude|service|mairie|ccas|cias|udaf|france[ \t]+services|maison[ \t]+france"
    r"|association|societe|sarl|sas|office|point[ \t]+justice|mission[ \t]+locale"
    r"|barreau)(?![\w])[^\n\d@]{0,70}$",
    re.IGNORECASE,
)


def _office_signature(text: str, entity: Entity) -> bool:
    """An address opening its line, right under a line naming a role or an office, in the
    message's last lines (a signature): the office's address."""
    line_start = text.rfind("\n", 0, entity.start) + 1
    if not line_start or text[line_start : entity.start].strip(" \t>"):
        return False
    if text.count("\n", entity.end) > 3:
        return False
    above_start = text.rfind("\n", 0, line_start - 1) + 1
    above = fold(text[above_start : line_start - 1])
    if "?" in above or not OFFICE_SIGNATURE_LINE_RE.fullmatch(above):
        return False
    # a signature is a block of its own (after an empty line, at most five lines long), not
    # a transcript's or a chat's turns
    block = text.rfind("\n\n", 0, above_start)
    return block >= 0 and text.count("\n", block + 2, above_start) <= 4


# « le point d'accueil de l'Assurance retraite est désormais situé 12 rue … »: where a desk
# is now, said of the desk.
DESK_SITUATED_RE = re.compile(
    r"(?<![\w])(?:accueil|agence|antenne|permanence|bureaux|locaux|guichet|caf|cpam|msa"
    r"|carsat|urssaf|ccas|mairie|prefecture|tribunal|tresorerie|france[ \t]+services"
    r"|france[ \t]+travail|assurance[ \t]+retraite|point[ \t]+justice)(?![\w])[^.!?\n\d]{0,60}"
    r"(?:(?:est|sont|sera|seront)[ \t]+(?:(?:desormais|maintenant|dorenavant|a[ \t]+present)"
    r"[ \t]+)?(?:situee?s?|installee?s?|transferee?s?)|(?:est|sont|sera|seront)[ \t]+"
    r"(?:desormais|dorenavant|a[ \t]+present)|(?:a|ont)[ \t]+demenage|demenagent|demenage)"
    r"[ \t]+(?:(?:au|a|en|dans)[ \t]+)?$",
    re.IGNORECASE,
)


def _public_address(text: str, entity: Entity) -> bool:
    if RESIDENCE_NOTION_RE.match(text, entity.start, entity.end):
        return True
    if _office_signature(text, entity):
        return True
    if TSA_RE.search(text, max(0, entity.start - 20), entity.end):
        return True  # the box, or the box right before the postcode and town found
    line_start = text.rfind("\n", 0, entity.start) + 1
    if OWN_SEAT_LABEL_RE.fullmatch(fold(text[line_start : entity.start])):
        return False
    if PUBLIC_ADDRESS_LABEL_RE.search(fold(text[line_start : entity.start])):
        return True
    if _establishment_or_desk_line(text, entity, line_start):
        return True
    # « Nom de la structure : Maison France services …\nAdresse : 14 place … »: the address
    # line under a form's line naming an establishment
    if ADDRESS_LABEL_RE.fullmatch(fold(text[line_start : entity.start])) and line_start:
        above = text.rfind("\n", 0, line_start - 1) + 1
        line_above = fold(text[above : line_start - 1])
        if ESTABLISHMENT_LINE_RE.match(line_above) or ORGANISATION_NAME_LINE_RE.match(line_above):
            return True
    sentence_start = max(text.rfind(ch, 0, entity.start) for ch in ".!?\n") + 1
    head = text[entity.start : entity.end]
    first_digit = re.search(r"\d", head)
    cut = first_digit.start() if first_digit else len(head)
    # a street's own name is no desk (« rue de la Poste », « place de la Mairie », « rue de
    # la Réunion »): what is read of the address stops at its type, unless the message
    # speaks of a desk one goes to (« l'accueil est-il ouvert ? »)
    street = OWN_NAME_STREET_RE.search(fold(head), 0, cut)
    if street and not desk_talk(fold(text)):
        cut = street.end()
    before = fold(text[sentence_start : entity.start] + head[:cut])
    situated = DESK_SITUATED_RE.search(fold(text[sentence_start : entity.start]))
    if situated and not ADDRESS_OWNER_RE.search(fold(text[sentence_start : entity.start])):
        return True
    if not PUBLIC_BEFORE_RE.search(before):
        return _meeting_or_desk_address(text, entity, before)
    window_start = max(0, entity.start - 120)
    if QUESTION_AFTER_RE.match(text, entity.end):
        # « Ma mère n'en a pas. Est-ce que l'accueil existe encore au 4 boulevard … ? »: a
        # question about a desk's address; what makes it someone's is read in the question
        window_start = max(window_start, sentence_start)
    return not PERSONAL_ADDRESS_RE.search(fold(text[window_start : entity.start]))


# What may stand beside a name or a phone on a signature's line (« Mme », « Tél. : »).
SIGNATURE_LINE_REST_RE = re.compile(
    r"[\s,.:;/()\-–]*(?:(?:m|mr|mme|mlle|madame|monsieur|tel|tél|telephone|téléphone|mobile"
    r"|portable|port|mail|e-mail|courriel|famille|et|&)(?![\w])[\s,.:;/()\-–]*)*",
    re.IGNORECASE,
)


def _covered_line(text: str, start: int, end: int, spans: list[Entity]) -> bool:
    """The line ``text[start:end]`` holds one of ``spans`` and nothing else but a civility
    or a contact's label."""
    inside = [s for s in spans if start <= s.start and s.end <= end]
    if not inside:
        return False
    rest, position = [], start
    for span in sorted(inside, key=lambda s: s.start):
        rest.append(text[position : span.start])
        position = max(position, span.end)
    rest.append(text[position:end])
    return all(SIGNATURE_LINE_REST_RE.fullmatch(part) for part in rest)


def _signed_home(text: str, entity: Entity, candidates: list[Entity]) -> bool:
    """A street line right under a name alone on its line, with only a phone or an e-mail
    address after it to the end (« …\nJeanne Kerbellec\nRue de la Poste, Libourne »): the
    signer's home, even when the message speaks of a desk, whose name the street bears."""
    line_start = text.rfind("\n", 0, entity.start) + 1
    if not line_start or text[line_start : entity.start].strip(" \t>"):
        return False
    above_start = text.rfind("\n", 0, line_start - 1) + 1
    people = [c for c in candidates if c.label == "PERSON"]
    if not _covered_line(text, above_start, line_start - 1, people):
        return False
    contacts = [c for c in candidates if c.label in {"PHONE", "EMAIL"}]
    position = entity.end
    line_end = text.find("\n", position)
    if text[position : len(text) if line_end < 0 else line_end].strip(" \t,.;"):
        return False
    while line_end >= 0:
        start, line_end = line_end + 1, text.find("\n", line_end + 1)
        end = len(text) if line_end < 0 else line_end
        if text[start:end].strip() and not _covered_line(text, start, end, contacts):
            return False
    return True


def drop_public_addresses(text: str, candidates: list[Entity]) -> list[Entity]:
    """Address candidates under a desk's address label (« Adresse de l'accueil : ») or
    after an administration's name in a sentence, with nothing that makes them someone's,
    are dropped; never a signer's street line (:func:`_signed_home`)."""
    if not any(c.label == "ADDRESS" for c in candidates):
        return candidates
    public = [
        c
        for c in candidates
        if c.label == "ADDRESS"
        and _public_address(text, c)
        and not _signed_home(text, c, candidates)
    ]
    # the pieces of a desk's address found on their own (« 29000 Quimper ») go with it, and
    # so does a town after an office's postcode read as a name (« 22110 Rostrenen »)
    office = [p for p in public if _office_signature(text, p)]
    return [
        c
        for c in candidates
        if (c.label != "ADDRESS" or not any(p.start <= c.start and c.end <= p.end for p in public))
        and (c.label != "PERSON" or not any(p.start <= c.start and c.end <= p.end for p in office))
    ]


# « Nom Prénom\nc/o Secours catholique, 14 rue … », « …\nterrain familial, chemin … »: on the
# line under a signature, what comes before the street (a care-of, an association, a site)
# is part of the writer's address.
CARE_OF_PREFIX_RE = re.compile(
    r"[ \t>]*(?P<care>c/o|chez|aux[ \t]+bons[ \t]+soins[ \t]+de)?[ \t]*"
    r"(?:[^\n,.:;!?\d]{2,40},[ \t]*"
    # « Quinta do Vale, 27 route … » found from « Vale »: the capitalised words before it
    r"|(?:(?:[A-ZÀ-Þ][\w'’\-]*|d[aeo]s?|de|du|la|le|les)[ \t]+){1,3}"
    # « 3 carrièra dels Fargas, … » found from « Fargas »: the number and the street's words
    r"|\d{1,4}(?:[ \t]?(?:bis|ter))?,?[ \t]+(?:[\w'’\-]+[ \t]+){1,3})"
)


# « Elle habite Les Cerisiers, bât. A, 12 rue … »: a residence's name before its building,
# after a verb of living, belongs to the address.
RESIDENCE_BEFORE_BUILDING_RE = re.compile(
    r"(?:habite|habitons|habitent|domicilie\w*|heberge\w*|vit|vis|vivons|adresse[ \t]*:?)[ \t]+"
    r"((?:[A-ZÀ-Þ][\w'’\-]*[ \t]+){0,3}[A-ZÀ-Þ][\w'’\-]*)[ \t]*,[ \t]*$",
    re.IGNORECASE,
)
BUILDING_START_RE = re.compile(r"(?:b[aâ]t(?:iment)?\.?|appt|appartement|esc(?:alier)?\.?)\b", re.I)


def with_residence_before_building(text: str, entities: list[Entity]) -> list[Entity]:
    out = []
    for entity in entities:
        if entity.label == "ADDRESS" and BUILDING_START_RE.match(text, entity.start):
            before = RESIDENCE_BEFORE_BUILDING_RE.search(
                text, max(0, entity.start - 80), entity.start
            )
            if before and before.group(1)[:1].isupper():
                entity = Entity(before.start(1), entity.end, entity.label)
        out.append(entity)
    return out


# « oui, à Quimper, Le Floch Yves-Marie »: a capitalised particle after a comma, a colon or
# a line's start, right before a name found, is the surname's.
LEADING_PARTICLE_RE = re.compile(
    r"(?:^|\n|[,:;][ \t]*)[ \t]*((?:Le|La|Du|Van|Von|Da|Di|Del|Della|Dalla|De[ \t]+La)[ \t]+)$"
    # « [Usager] van der Berghe Liesbeth »: a foreign particle in lower case opening a line or a
    # turn
    r"|(?:^|\n|:)[ \t]*((?:van[ \t]+der|van[ \t]+den|van|von|da|di|del|dos|das|ben|bin|el)[ \t]+)$"
)


def with_leading_particles(text: str, entities: list[Entity]) -> list[Entity]:
    out = []
    for entity in entities:
        if entity.label == "PERSON" and text[entity.start : entity.start + 1].isupper():
            particle = LEADING_PARTICLE_RE.search(text, max(0, entity.start - 12), entity.start)
            group = 1 if particle and particle.group(1) else 2
            if particle and not any(
                e.start < particle.end(group) and particle.start(group) < e.end
                for e in entities
                if e is not entity
            ):
                entity = Entity(particle.start(group), entity.end, entity.label)
        out.append(entity)
    return out


# « j'habite le lieu-dit les Combes »: the article before a place's kind is no part of it.
LEADING_ARTICLE_RE = re.compile(r"(?:le|la|les|l')[ \t]*(?=lieu[- ]?dit|hameau|quartier)", re.I)


def without_leading_articles(text: str, entities: list[Entity]) -> list[Entity]:
    out = []
    for entity in entities:
        if entity.label == "ADDRESS" and re.fullmatch(
            r"[ \t]*(?:le|la|les|l')[ \t]*", text[entity.start : entity.end], re.IGNORECASE
        ):
            continue  # the article left of an address cut by the one kept after it
        if entity.label == "ADDRESS":
            article = LEADING_ARTICLE_RE.match(text, entity.start, entity.end)
            if article:
                entity = Entity(article.end(), entity.end, entity.label)
        out.append(entity)
    return out


def with_care_of_prefixes(text: str, entities: list[Entity]) -> list[Entity]:
    """An address extended to the start of its line over a care-of or a place's name before
    a comma, when the line is the writer's address under their name (the line above is a
    person's name) or says « c/o »."""
    persons = {(e.start, e.end) for e in entities if e.label == "PERSON"}
    out = []
    for entity in entities:
        if entity.label == "ADDRESS":
            line_start = text.rfind("\n", 0, entity.start) + 1
            prefix = CARE_OF_PREFIX_RE.fullmatch(text, line_start, entity.start)
            if prefix and line_start:
                above_start = text.rfind("\n", 0, line_start - 1) + 1
                above = text[above_start : line_start - 1]
                stripped = above.strip()
                name_above = bool(stripped) and any(
                    start <= above_start + above.index(stripped)
                    and above_start + above.index(stripped) + len(stripped) <= end
                    for start, end in persons
                )
                if prefix.group("care") or name_above:
                    start = (
                        line_start
                        + len(text[line_start : entity.start])
                        - len(text[line_start : entity.start].lstrip(" \t>"))
                    )
                    entity = Entity(start, entity.end, entity.label)
        out.append(entity)
    return out


_ORDINALS = (
    r"premier|deuxi[eè]me|troisi[eè]me|quatri[eè]me|cinqui[eè]me|sixi[eè]me|septi[eè]me"
    r"|huiti[eè]me|neuvi[eè]me|dixi[eè]me|onzi[eè]me|douzi[eè]me|treizi[eè]me|quatorzi[eè]me"
    r"|quinzi[eè]me|seizi[eè]me|dix-septi[eè]me|dix-huiti[eè]me|dix-neuvi[eè]me|vingti[eè]me"
)
# « …, Paris 11e », « …, Lyon troisième », « … 13008 Marseille 8e »: a city's district after
# the address, spoken or written.
ARRONDISSEMENT_AFTER_RE = re.compile(
    r"(?:[ \t]*,?[ \t]*(?:paris|lyon|marseille))?[ \t]+"
    rf"(?:\d{{1,2}}[ \t]?(?:e|eme|ème|er|ere|ère)|{_ORDINALS})(?![\w])",
    re.IGNORECASE,
)
# « … 33200 bordeaux caudéran. »: a district after a postcode and its town, no French word,
# before the end of the sentence or the line.
DISTRICT_AFTER_RE = re.compile(r"[ \t]+([A-Za-zÀ-ÿ][\w'’\-]{3,})(?=[ \t]*(?:[.,;!?]|\n|$))")
POSTCODE_TOWN_END_RE = re.compile(r"\b\d{5}[ \t]+[\w'’\- ]{2,40}$")


def with_districts(text: str, entities: list[Entity], lexicon: NameLexicon) -> list[Entity]:
    """An address extended over the city's district after it (« Paris onzième », « Marseille
    8e », « bordeaux caudéran »); whatever the extension covers is part of it."""
    extended: list[Entity] = []
    for entity in entities:
        if entity.label == "ADDRESS":
            end = entity.end
            district = ARRONDISSEMENT_AFTER_RE.match(text, end)
            if district:
                end = district.end()
            elif POSTCODE_TOWN_END_RE.search(text, entity.start, end):
                word = DISTRICT_AFTER_RE.match(text, end)
                if (
                    word
                    and not lexicon.word_like(word.group(1))
                    and not lexicon.is_known_name(word.group(1))
                ):
                    end = word.end()
            if not any(
                other.start < end < other.end and other.start >= entity.end for other in entities
            ):
                entity = Entity(entity.start, end, entity.label)
        extended.append(entity)
    addresses = [e for e in extended if e.label == "ADDRESS"]
    return [
        e
        for e in extended
        if e.label == "ADDRESS" or not any(a.start <= e.start and e.end <= a.end for a in addresses)
    ]


TRAILING_INITIAL_RE = re.compile(r"[ \t](?:[A-ZÀ-Þ]\.(?![\w])|[a-z]\.[ \t]*(?=\n|$))")


def with_trailing_initials(text: str, entities: list[Entity]) -> list[Entity]:
    """« Sophie M. de l'accueil »: the initial of the last name belongs to the name."""
    starts = {e.start for e in entities}
    out = []
    for entity in entities:
        initial = TRAILING_INITIAL_RE.match(text, entity.end) if entity.label == "PERSON" else None
        if initial and not any(entity.end < s < initial.end() for s in starts):
            entity = Entity(entity.start, initial.end(), entity.label)
        out.append(entity)
    return out


# « Nouvelle adresse : Colomiers\n9 allée … »: the town alone on the label's line, the street on
# the next one.
TOWN_LABEL_LINE_RE = re.compile(
    r"[ \t>\-•*]*[^\n:]{0,30}\badresse\b[^\n:]{0,30}:[ \t]*"
    r"((?:(?:Le|La|Les|L')[ \t]?)?[A-ZÀ-Þ][\w'’]+(?:[ \t\-]+(?:sur|sous|en|lès|les|le|la|de|du"
    r"|des|d'|l'|[A-ZÀ-Þ][\w'’]+))*)[ \t]*\n[ \t]*$",
    re.IGNORECASE,
)


def with_town_line_above(text: str, entities: list[Entity]) -> list[Entity]:
    """An address opening its line under a label's line that holds only its town starts
    at the town."""

    def town(above: int, entity: Entity) -> int | None:
        match = TOWN_LABEL_LINE_RE.fullmatch(text, above, entity.start)
        return match.start(1) if match else None

    return _starting_on_the_line_above(text, entities, town)


# « Bâtiment Les Érables », « Quartier Mgombani », « CADA Les Peupliers »: a line that is
# nothing but a building's, an estate's, a district's or a shelter's name.
PLACE_LINE_RE = re.compile(
    r"[ \t>]*(?:b[aâ]t(?:iment)?\.?|r[ée]sidence|quartier|cit[ée]|lotissement|hameau"
    r"|lieu-dit|lieudit|village|immeuble|tour|cada|huda|chrs|foyer|fjt|terrain)"
    r"(?:[ \t]+[\w'’\-.]+){1,4}[ \t,]*",
    re.IGNORECASE,
)


def with_place_line_above(text: str, entities: list[Entity]) -> list[Entity]:
    """An address opening its line under a line that names only its building, estate,
    district or shelter (a signature's block) starts at that line: where the writer lives
    is also where mail reaches them."""

    def place(above: int, entity: Entity) -> int | None:
        if text[entity.start - 1] != "\n" or not PLACE_LINE_RE.fullmatch(
            text, above, entity.start - 1
        ):
            return None
        line = text[above : entity.start - 1]
        return above + len(line) - len(line.lstrip(" \t>"))

    return _starting_on_the_line_above(text, entities, place)


def _starting_on_the_line_above(
    text: str, entities: list[Entity], start_above: Callable[[int, Entity], int | None]
) -> list[Entity]:
    """Each address opening a line moved to start where ``start_above`` says on the line
    above it (from that line's start), unless another entity already stands between."""
    out = []
    for entity in entities:
        if entity.label == "ADDRESS" and entity.start and "\n" in text[: entity.start]:
            above = text.rfind("\n", 0, text.rfind("\n", 0, entity.start)) + 1
            start = start_above(above, entity)
            if start is not None and not any(
                e.end > above and e.start < entity.start for e in entities
            ):
                entity = Entity(start, entity.end, entity.label)
        out.append(entity)
    return out


# « Cordialement, T. Marchal »: a first name's initial before the surname found (not « M. »,
# a civility).
LEADING_INITIAL_RE = re.compile(r"(?<![\w.’'])((?:[A-LN-Z]|[A-Z]\.-[A-Z])\.)[ \t]?$")


def with_leading_initials(text: str, entities: list[Entity]) -> list[Entity]:
    """The initial of a first name right before a surname found belongs to the name."""
    ends = {e.end for e in entities}
    out = []
    for entity in entities:
        initial = (
            LEADING_INITIAL_RE.search(text, max(0, entity.start - 8), entity.start)
            if entity.label == "PERSON"
            else None
        )
        if initial and not any(initial.start() < end <= entity.start for end in ends):
            entity = Entity(initial.start(1), entity.end, entity.label)
        out.append(entity)
    return out


# Parts of a compound that make it a place, not a person's double name.
PLACE_COMPOUND_PARTS = frozenset(
    re.split(r"\s+", "saint sainte st ste sur sous les la le en de du des aux les")
)


def repeat_in_compounds(tokens: Tokens, entities: list[Entity]) -> list[Entity]:
    """« au nom de lemarchand … maintenant c lemarchand-dufour »: a hyphenated name holding a
    name found in the text is the same person's (a married or a double name)."""
    found = {
        t.key
        for t in tokens.items
        if t.word
        and "-" not in t.key
        and len(t.key) >= 3
        and not t.place
        and any(e.label == "PERSON" and e.start <= t.start and t.end <= e.end for e in entities)
    }
    if not found:
        return entities
    added = []
    for t in tokens.items:
        parts = t.key.split("-")
        if (
            len(parts) < 2
            or t.place
            or not found.intersection(parts)
            or PLACE_COMPOUND_PARTS.intersection(parts)
            or any(e.start < t.end and t.start < e.end for e in entities)
        ):
            continue
        added.append(Entity(t.start, t.end, "PERSON"))
    return sorted(entities + added, key=lambda e: e.start) if added else entities


def repeat_lowercase_pairs(tokens: Tokens, entities: list[Entity]) -> list[Entity]:
    """« Vous : sylvain cormier … cormier sylvain c bien lui », « madame Cormier … c'est
    sylvain cormier »: a name found once, in lower case beside a given name (listed, a word
    of the given names' list, or found too), is the same person again."""
    items = tokens.items
    found = _found_name_keys(tokens, entities, lambda t: True)
    if not found:
        return entities
    added: list[Entity] = []
    for i in range(len(items) - 1):
        a, b = items[i], items[i + 1]
        if b.gap != " " or not (a.word and b.word) or a.cap or b.cap:
            continue
        if a.key not in found and b.key not in found:
            continue
        given = any(t.first or t.key in WORD_FIRST_NAMES for t in (a, b))
        if not (given and (a.key in found or a.first or a.key in WORD_FIRST_NAMES)):
            continue
        if not (b.key in found or b.first or b.key in WORD_FIRST_NAMES):
            continue
        if any(e.start < b.end and a.start < e.end for e in entities + added):
            continue
        added.append(Entity(a.start, b.end, "PERSON"))
    return sorted(entities + added, key=lambda e: e.start) if added else entities


def _found_name_keys(tokens: Tokens, entities: list[Entity], keep: Any) -> set[str]:
    """The words (three letters or more, no place or domain word) of the names found, those
    ``keep`` accepts: what may come back as the same person further on."""
    people = [e for e in entities if e.label == "PERSON"]
    return {
        t.key
        for t in tokens.items
        if t.word
        and len(t.key) >= 3
        and not (t.place or t.domain)
        and keep(t)
        and any(e.start <= t.start and t.end <= e.end for e in people)
    }


# Articles and possessives before a capitalised word make it a thing or a place.
NOT_BEFORE_A_NAME = frozenset(
    re.split(r"\s+", "le la les l' de d' du des un une au aux ma mon sa son ta ton notre votre")
)


def repeat_capitalised_names(tokens: Tokens, entities: list[Entity]) -> list[Entity]:
    """« Vert. V-E-R-T. Prosper Vert. »: a capitalised name that is also a French word,
    found once, comes back capitalised inside a sentence (with the given name before it);
    the word in lower case stays a word (« Citron, comme le citron »)."""
    items = tokens.items
    found = _found_name_keys(tokens, entities, lambda t: t.cap and not t.upper and t.common_any)
    if not found:
        return entities
    added = []
    for i, t in enumerate(items):
        if (
            t.key not in found
            or not t.cap
            or tokens.sentence_start(i)
            or any(e.start < t.end and t.start < e.end for e in entities)
        ):
            continue
        start = t.start
        previous = items[i - 1]
        if previous.key in NOT_BEFORE_A_NAME or NAMESAKE_RE.search(
            fold(tokens.text[max(0, start - 40) : start])
        ):
            continue  # « de la Marine nationale », « la boulangerie Tessier »
        if (
            previous.word
            and previous.cap
            and previous.gap != ""
            and t.gap == " "
            and (previous.first or previous.key in WORD_FIRST_NAMES)
            and not any(e.start < previous.end and previous.start < e.end for e in entities)
        ):
            start = previous.start  # « Prosper Vert »
        added.append(Entity(start, t.end, "PERSON"))
    return sorted(entities + added, key=lambda e: e.start) if added else entities


LEADING_WORD_RE = re.compile(r"[ \t]*([A-ZÀ-Þ][\w'’\-]+)[ \t]+")
# « Ma sœur, Pervenche Le Corre, peut-elle … »: a capitalised given name, then a surname
# found with its particle.
GIVEN_BEFORE_PARTICLE_RE = re.compile(r"(?<![\w'’-])([A-ZÀ-Þ][a-zà-ÿ'’\-]+)[ \t]$")
PARTICLE_SURNAME_RE = re.compile(r"(?:Le|La|Du|De|Da|Dos|Van|Von|El|Ben|Ould)[ \t][A-ZÀ-Þ]")


def with_leading_first_name(
    text: str, entities: list[Entity], lexicon: NameLexicon
) -> list[Entity]:
    """« Mai Linh Nguyen » alone on a line: a listed first name that is also a word (a
    month, a flower) opening the line of a name found after it belongs to the name; so does
    a capitalised given name right before a surname with its particle (« Pervenche Le
    Corre »)."""
    out = []
    for entity in entities:
        if entity.label == "PERSON":
            line_start = text.rfind("\n", 0, entity.start) + 1
            line_end = text.find("\n", entity.end)
            rest = text[entity.end : len(text) if line_end < 0 else line_end]
            leading = LEADING_WORD_RE.fullmatch(text, line_start, entity.start)
            if (
                leading
                and not rest.strip(" \t,.")
                and lexicon.is_first_name(leading.group(1))
                and not any(
                    e is not entity and e.start < entity.start and e.end > line_start
                    for e in entities
                )
            ):
                entity = Entity(leading.start(1), entity.end, entity.label)
            given = GIVEN_BEFORE_PARTICLE_RE.search(text, max(0, entity.start - 30), entity.start)
            if (
                given
                and PARTICLE_SURNAME_RE.match(text, entity.start)
                and (
                    lexicon.is_first_name(given.group(1))
                    or fold(given.group(1)).lower() in WORD_FIRST_NAMES
                )
                and not any(
                    e is not entity and e.start < entity.start < e.end + 2 for e in entities
                )
            ):
                entity = Entity(given.start(1), entity.end, entity.label)
            lower = LOWER_GIVEN_BEFORE_RE.search(text, max(0, entity.start - 40), entity.start)
            if (
                lower
                and text[entity.start].isupper()
                and (
                    lexicon.is_first_name(lower.group(1))
                    or fold(lower.group(1)).lower() in WORD_FIRST_NAMES
                )
                and not any(e is not entity and e.end == lower.end(1) for e in entities)
            ):
                # « apprenti chez modeste Granjon »: a given name in lower case, then the
                # surname found
                entity = Entity(lower.start(1), entity.end, entity.label)
        out.append(entity)
    return out


LOWER_GIVEN_BEFORE_RE = re.compile(
    r"(?<![\w])(?:chez|avec|pour|par|de|à|a)[ \t]+([a-zà-ÿ][a-zà-ÿ\-]{2,})[ \t]$"
)


# « la claire-voie du portail »: a word in lower case after an article is a noun.
ARTICLE_BEFORE_RE = re.compile(r"(?<![\w])(?:le|la|les|un|une|du|des|l')[ \t]*$", re.IGNORECASE)


# « appelant : ah pardon »: what a speaker says instead of a name.
INTERJECTIONS = frozenset(
    "ah oh eh euh heu bah ben hein bon ok okay oui non pardon merci voila voilà hum mmh".split()  # noqa: SIM905
)


# « merci bon weekend », « bonne fin de semaine »: what one wishes, never whom.
WISH_BEFORE_RE = re.compile(r"(?<![\w])(?:bon|bons|bonne|bonnes)[ \t]+$", re.IGNORECASE)


def _not_after_articles(text: str, learned: list[Entity]) -> list[Entity]:
    """The learned names but a word in lower case after an article, interjections, and
    what follows a wish's « bon » or « bonne »."""
    return [
        e
        for e in learned
        if not (
            text[e.start : e.end].islower()
            and ARTICLE_BEFORE_RE.search(text[max(0, e.start - 12) : e.start])
        )
        and not all(w in INTERJECTIONS for w in fold(text[e.start : e.end]).lower().split())
        and not WISH_BEFORE_RE.search(text[max(0, e.start - 12) : e.start])
    ]


def _joined_to_names(text: str, learned: list[Entity], kept: list[Entity]) -> list[Entity]:
    """A word found by the learned detector right before or after a name of the rules, a
    space or a hyphen apart (« anatole » found, « brissac » learned), makes one name with
    it: one placeholder for one person."""
    people = [e for e in kept if e.label == "PERSON"]
    joined = []
    for entity in learned:
        start, end = entity.start, entity.end
        for person in people:
            if person.end <= start and text[person.end : start] in {" ", "-"}:
                start = min(start, person.start)
            elif end <= person.start and text[end : person.start] in {" ", "-"}:
                end = max(end, person.end)
        joined.append(Entity(start, end, "PERSON"))
    return joined


# « Agent : Bonjour, je suis Victoire.\nVous : victoire c un joli prénom »: a given name
# found, said again in lower case opening a turn or after a greeting or thanks.
OPENING_A_TURN_RE = re.compile(
    r"(?:(?:^|\n)[^\n:]{1,25}:[ \t]*|(?<![\w])(?:bonjour|bjr|bonsoir|merci|salut|coucou)[ \t,]+)$",
    re.IGNORECASE,
)


def repeat_given_names_opening_turns(
    text: str, entities: list[Entity], lexicon: NameLexicon
) -> list[Entity]:
    words = {
        word
        for e in entities
        if e.label == "PERSON"
        for word in re.findall(r"[^\W\d_]+", text[e.start : e.end])
    }
    given = {
        word
        for word in words
        if word.isalpha()
        and word[:1].isupper()
        and (lexicon.is_first_name(word) or fold(word).lower() in WORD_FIRST_NAMES)
    }
    if not given:
        return entities
    added = []
    for name in given:
        for match in re.finditer(rf"(?<![\w]){re.escape(name.lower())}(?![\w'’\-])", text):
            if any(e.start < match.end() and match.start() < e.end for e in entities):
                continue
            if OPENING_A_TURN_RE.search(text, max(0, match.start() - 40), match.start()):
                added.append(Entity(match.start(), match.end(), "PERSON"))
    return sorted(entities + added, key=lambda e: (e.start, e.end)) if added else entities


# « [Agent] Bonjour, Rose de l'ANTS. », « [Usager] bjr »: a chat's speaker in brackets. The
# rules know the speaker before a colon (« Agent : »): they read the same label rewritten so,
# with the text's length and offsets unchanged (the mask is still laid on the text itself).
BRACKETED_SPEAKER_RE = re.compile(
    r"^([ \t>]*)\[(agente?|usag[eè]re?|vous|conseill[eè]re?|appelante?|cliente?"
    r"|op[ée]rat(?:eur|rice)|citoyenne?|assur[ée]e?)\]([ \t])",
    re.IGNORECASE | re.MULTILINE,
)


# « 11:04 | Vous : … »: a chat's time before a bar, read as the bracketed time the rules
# know (« [11:04] Vous : … », the same length).
BARRED_TIME_RE = re.compile(r"^([ \t>]*)(\d{1,2}[:h]\d{2}) \| (?=[^\n|]{1,40}:)", re.MULTILINE)


def speaker_view(text: str) -> str:
    """The text with its bracketed speakers written as labels (« [Agent] » → « Agent : »)
    and its barred times bracketed (« 11:04 | Vous : » → « [11:04] Vous : »), offsets kept."""
    if "|" in text:
        text = BARRED_TIME_RE.sub(lambda m: f"{m.group(1)}[{m.group(2)}] ", text)
    if "[" not in text:
        return text
    return BRACKETED_SPEAKER_RE.sub(lambda m: f"{m.group(1)}{m.group(2)} :{m.group(3)}", text)


AND_BEFORE_RE = re.compile(r"(?<![\w])et[ \t]+(?:de[ \t]+)?$")


def with_coordinated_names(tokens: Tokens, entities: list[Entity]) -> list[Entity]:
    """« de Noé et Célestine »: the names joined by « et » or a comma to a name found, the
    rules' judgement (``people._coordinated``) read again once spaCy's and the learned
    detector's names are in."""
    text = tokens.text
    if " et " not in text or not any(e.label == "PERSON" for e in entities):
        return entities
    added = [
        e
        for e in coordinated(tokens, entities)
        # joined by « et » only: after a comma, a lower-case word is often the next clause
        # (« c encore moi Heimana, tjs rien »)
        if AND_BEFORE_RE.search(text, max(0, e.start - 8), e.start)
        and not any(o.start < e.end and e.start < o.end for o in entities)
    ]
    added.extend(_given_name_pairs(tokens, entities))
    if not added:
        return entities
    unique = {(e.start, e.end): e for e in added}.values()
    return sorted([*entities, *unique], key=lambda e: (e.start, e.end))


def _given_name_pairs(tokens: Tokens, entities: list[Entity]) -> list[Entity]:
    """« la garde de Noé et Célestine. »: one capitalised word inside a sentence, joined by
    « et » to a given name found alone and ending the clause, is the second given name,
    even a French word."""
    starts = {e.end: e for e in entities if e.label == "PERSON"}
    items = tokens.items
    out = []
    for index in range(2, len(items)):
        token, joiner, before = items[index], items[index - 1], items[index - 2]
        found = starts.get(before.end)
        if found is None or found.start != before.start or joiner.key != "et":
            continue
        if not (before.cap and token.cap) or before.upper or token.upper:
            continue
        if not plain_word(token) or token.place or token.key in NOT_BEFORE_A_NAME:
            continue
        after = items[index + 1] if index + 1 < len(items) else None
        if not (
            token.text.endswith(".")
            or after is None
            or "\n" in after.gap
            or after.text in {",", ".", ";", "!", "?", ")"}
        ):
            continue
        end = token.end - 1 if token.text.endswith(".") else token.end
        if not any(e.start < end and token.start < e.end for e in entities):
            out.append(Entity(token.start, end, "PERSON"))
    return out


PREPOSITION_END_RE = re.compile(r"(?:[ \t]+(?:de|du|des|d'|à|a|au))?[ \t,]*$", re.IGNORECASE)


def _before_the_address(text: str, person: Entity, addresses: list[Entity]) -> Entity:
    """« JE SUIS ABDOULKARIM SAÏD DE KAWÉNI 97600 MAMOUDZOU »: a person run into the place
    an address starts with ends before it (and before « de »)."""
    for address in addresses:
        if person.start < address.start < person.end <= address.end:
            head = text[person.start : address.start]
            tail = PREPOSITION_END_RE.search(head)
            end = person.start + len(head) - (len(tail.group()) if tail else 0)
            if end > person.start:
                return Entity(person.start, end, person.label)
    return person


# « …, 4900-561 Viana do Castelo, Portugal »: a foreign town's particle and the rest of its
# name, and the country closing the address.
FOREIGN_TOWN_TAIL_RE = re.compile(
    r"(?:(?:[ \t]+(?:do|da|dos|das|del|di|della|de|du|la|las|los))+[ \t]+[A-ZÀ-Þ][\w'’\-]+)+"
    r"|[ \t]*,[ \t]*(?:Portugal|Espagne|Italie|Belgique|Suisse|Allemagne|Luxembourg|Maroc"
    r"|Alg[ée]rie|Tunisie|S[ée]n[ée]gal|Roumanie|Pologne|Turquie|Pays-Bas|Royaume-Uni)(?![\w])"
)
FOREIGN_POSTCODE_RE = re.compile(r"\d{4}-\d{3}|\d{2}-\d{3}|[A-Z]{1,2}\d[\dA-Z]? \d[A-Z]{2}")


def with_foreign_town_tails(text: str, entities: list[Entity]) -> list[Entity]:
    """An address with a foreign postcode (« 4900-561 ») goes on over its town's particle
    and name and the country after it; what it then covers is part of it."""
    out = []
    town_words: set[str] = set()
    for entity in entities:
        if entity.label == "ADDRESS" and FOREIGN_POSTCODE_RE.search(text, entity.start, entity.end):
            end = entity.end
            for _ in range(2):
                tail = FOREIGN_TOWN_TAIL_RE.match(text, end)
                if not tail:
                    break
                end = tail.end()
            town_words.update(re.findall(r"[A-ZÀ-Þ][\w'’\-]+", text[entity.end : end]))
            entity = Entity(entity.start, end, entity.label)
        out.append(entity)
    addresses = [e for e in out if e.label == "ADDRESS"]
    return [
        e
        for e in out
        if e.label == "ADDRESS"
        or not (
            any(a.start <= e.start and e.end <= a.end + 1 for a in addresses)
            # the town's name said elsewhere, repeated as a name before it was known
            or text[e.start : e.end].strip(" .") in town_words
        )
    ]


def without_names_over_addresses(text: str, candidates: list[Entity]) -> list[Entity]:
    """An address candidate whose first line is a person candidate, whole (a signature's
    name above its street: « Mathurin Le Corre\nPors Gwenn, 29770 Plogoff »), starts on the
    next line: the name stays a name, and is repeated as one; a person candidate run into
    the start of an address ends before it."""
    persons = {(c.start, c.end) for c in candidates if c.label == "PERSON"}
    if not persons:
        return candidates
    addresses = [c for c in candidates if c.label == "ADDRESS"]
    out = []
    for candidate in candidates:
        if candidate.label == "PERSON":
            candidate = _before_the_address(text, candidate, addresses)
        if candidate.label == "ADDRESS":
            first_line_end = text.find("\n", candidate.start, candidate.end)
            if first_line_end > 0:
                line = text[candidate.start : first_line_end]
                stripped = line.rstrip(" \t,")
                if (candidate.start, candidate.start + len(stripped)) in persons:
                    candidate = Entity(first_line_end + 1, candidate.end, candidate.label)
        out.append(candidate)
    return out


# « Adresse : c/o Mme Sow, 6 allée … », « Adresse\nFoyer Adoma, ch. 112, 4 rue … »: what a
# form's address label holds before the street (a care-of, a hostel, a room) is the address.
ADDRESS_LABEL_VALUE_RE = re.compile(
    r"[ \t>\-•*]*(?:nouvelle[ \t]+)?adresse(?:[ \t]+(?:actuelle|postale|de[ \t]+domiciliation"
    r"|du[ \t]+domicile|personnelle))?[ \t]*(?::[ \t]*|\n[ \t]*$)",
    re.IGNORECASE,
)


def with_labelled_address_values(text: str, entities: list[Entity]) -> list[Entity]:
    """An address found after the start of its label's value begins at the value (what
    stood between, a care-of's name included, is part of it)."""
    extended: list[tuple[Entity, Entity]] = []
    for entity in entities:
        if entity.label != "ADDRESS":
            continue
        line_start = text.rfind("\n", 0, entity.start) + 1
        prefix = text[line_start : entity.start]
        if not prefix.strip() or len(prefix) > 70:
            continue
        label = ADDRESS_LABEL_VALUE_RE.match(prefix)
        value_start = line_start + label.end() if label else None
        if label is None and line_start:
            above_start = text.rfind("\n", 0, line_start - 1) + 1
            if ADDRESS_LABEL_VALUE_RE.fullmatch(text, above_start, line_start):
                value_start = line_start + len(prefix) - len(prefix.lstrip(" \t>"))
        if value_start is not None and value_start < entity.start:
            extended.append((entity, Entity(value_start, entity.end, entity.label)))
    if not extended:
        return entities
    replaced = dict(extended)
    out = []
    for entity in entities:
        if entity in replaced:
            out.append(replaced[entity])
        elif not any(new.start < entity.end and entity.start < old.start for old, new in extended):
            out.append(entity)
    return sorted(out, key=lambda e: (e.start, e.end))


def repeat_names_in_capitals_or_glued(tokens: Tokens, entities: list[Entity]) -> list[Entity]:
    """« Vo Van Hung … écrit "VO VAN HUNG" … "VOVANHUNG" »: a name of two words or more
    found once comes back in another case, or with its words glued into one."""
    text = tokens.text
    names = {
        tuple(fold(w).lower() for w in re.findall(r"[^\W\d_]+", text[e.start : e.end]))
        for e in entities
        if e.label == "PERSON"
    }
    names = {n for n in names if len(n) >= 2 and sum(len(w) for w in n) >= 6}
    if not names:
        return entities
    glued = {"".join(n) for n in names}
    added: list[Entity] = []
    items = tokens.items
    for index, token in enumerate(items):
        if not token.word or any(a.start < token.end and token.start < a.end for a in added):
            continue
        span: Entity | None
        if token.key in glued:
            span = Entity(token.start, token.end, "PERSON")
        else:
            span = next(
                (
                    Entity(token.start, items[index + len(name) - 1].end, "PERSON")
                    for name in names
                    if tuple(t.key for t in items[index : index + len(name)]) == name
                ),
                None,
            )
        # a span the entities found cover in part only (« VAN HUNG » of « VO VAN HUNG »)
        if span and not any(
            (
                e.start < span.end
                and span.start < e.end
                and not (span.start <= e.start and e.end <= span.end)
            )
            or (e.start <= span.start and span.end <= e.end)
            for e in entities
        ):
            added.append(span)
    if not added:
        return entities
    kept = [e for e in entities if not any(a.start <= e.start and e.end <= a.end for a in added)]
    return sorted(kept + added, key=lambda e: (e.start, e.end))


def _foreign_letters(value: str) -> bool:
    return any(ord(c) > 0xFF and c.isalpha() and c not in "œŒŸ" for c in value)


def with_last_given_word(tokens: Tokens, entities: list[Entity]) -> list[Entity]:
    """« ma femme c'est Hoàng Thị Mai »: a name written with letters French never writes,
    then one capitalised word ending the line or the sentence: the name's last word, even
    a month or a French word."""
    items = tokens.items
    out = []
    for entity in entities:
        if entity.label == "PERSON" and _foreign_letters(tokens.text[entity.start : entity.end]):
            index = next((i for i, t in enumerate(items) if t.start >= entity.end), len(items))
            word = items[index] if index < len(items) else None
            after = items[index + 1] if index + 1 < len(items) else None
            if (
                word is not None
                and word.gap == " "
                and word.cap
                and not word.upper
                and word.word
                and len(word.key) >= 2
                and (after is None or "\n" in after.gap or after.text in {".", ",", "!", "?"})
                and not any(e.start < word.end and word.start < e.end for e in entities)
            ):
                entity = Entity(entity.start, word.end, entity.label)
        out.append(entity)
    return out


# « mon adresse c'est chez Mme Begum, 8 cité … »: the host's name, civility first, masked
# inside the address.
HOST_IN_ADDRESS_RE = re.compile(
    r"(?<![\w])(?i:chez[ \t]+(?:m|mr|mme|mlle|madame|monsieur|mademoiselle)\.?[ \t]+)"
    r"(?P<name>[A-ZÀ-Þ][\w'’\-]{2,}(?:[ \t]+[A-ZÀ-Þ][\w'’\-]{2,})?)"
)


STREET_OR_PLACE_BEFORE_RE = re.compile(
    r"(?<![\w])(?:rue|avenue|av|boulevard|bd|place|allee|impasse|chemin|route|quai|square|cite"
    r"|residence|college|lycee|ecole|salle|centre|hopital|clinique|pharmacie|stade|parc)"
    r"[ \t.]+(?:(?:de|du|des)[ \t]+)?$",
    re.IGNORECASE,
)


def repeat_hosts_names(text: str, entities: list[Entity]) -> list[Entity]:
    """The host's name found inside an address (« chez Mme Begum, 8 cité … ») said again
    elsewhere, capitalised (« il y a que Begum sur la boîte »), is masked there too."""
    addresses = [e for e in entities if e.label == "ADDRESS"]
    if not addresses:
        return entities
    words: set[str] = set()
    for address in addresses:
        host = HOST_IN_ADDRESS_RE.search(text, address.start, address.end)
        if host:
            words.update(host.group("name").split())
    if not words:
        return entities
    out = list(entities)
    pattern = r"(?<![\w'’\-])(?:" + "|".join(re.escape(w) for w in sorted(words)) + r")(?![\w'’\-])"
    for match in re.finditer(pattern, text):
        if STREET_OR_PLACE_BEFORE_RE.search(fold(text[max(0, match.start() - 24) : match.start()])):
            continue  # « la rue Martin », « le collège Martin »: a namesake
        if not any(e.start < match.end() and match.start() < e.end for e in out):
            out.append(Entity(match.start(), match.end(), "PERSON"))
    return sorted(out, key=lambda e: e.start) if len(out) > len(entities) else entities


class Anonymiser:
    """Rules plus an optional spaCy pipeline (``ner`` only), a name lexicon and an optional
    learned name detector (``learned.NameDetector``: rules alone when it is ``None``)."""

    def __init__(
        self, nlp: Any | None, lexicon: NameLexicon, names_model: Any | None = None
    ) -> None:
        self.nlp = nlp
        self.lexicon = lexicon
        self.names_model = names_model

    def rule_entities(self, text: str) -> list[Entity]:
        return self._rules(text)[0]

    def _rules(self, text: str) -> tuple[list[Entity], bool, Tokens]:
        """Rule entities, whether spaCy could still find a name the rules left, and the
        tokens (to complete names found in part)."""
        found, tokens = self._rule_candidates(text)
        return found, needs_ner(tokens, found), tokens

    def _rule_candidates(self, text: str) -> tuple[list[Entity], Tokens]:
        text = speaker_view(text)
        folded = fold(text)
        found: list[Entity] = []
        for rule in RULES:
            found.extend(rule(text, folded))
        found.extend(find_names_by_rules(text, folded, self.lexicon))
        found.extend(find_town_lines(text, folded, self.lexicon.places))
        found.extend(find_town_then_place(text, folded, self.lexicon.places))
        found.extend(find_closing_streets(text, folded, self.lexicon.places))
        found.extend(find_places_at_towns(text, folded, self.lexicon.places))
        found.extend(find_places_then_postcodes(text, folded, self.lexicon.places))
        found.extend(
            find_closing_postcodes(
                text,
                folded,
                self.lexicon.places,
                lambda word: (
                    self.lexicon.word_like(word, typos=False) or self.lexicon.is_known_name(word)
                ),
            )
        )
        tokens = Tokens(text, folded, self.lexicon, self.lexicon.places)
        found.extend(find_people(text, folded, self.lexicon, self.lexicon.places, tokens))
        return found, tokens

    def anonymise_many(
        self, texts: Sequence[str], batch_size: int = 64
    ) -> list[tuple[str, list[Entity]]]:
        detected = self.detect_many(texts, batch_size)
        results = [
            self.finish(text, kept, tokens)
            for text, (kept, tokens) in zip(texts, detected, strict=True)
        ]
        if self.names_model is not None:
            results = self.with_learned_names(texts, detected, results)
        return results

    def with_learned_names(
        self,
        texts: Sequence[str],
        detected: Sequence[tuple[list[Entity], Tokens]],
        results: Sequence[tuple[str, list[Entity]]],
        names_model: Any | None = None,
    ) -> list[tuple[str, list[Entity]]]:
        """The names the learned detector (``learned.NameDetector``) finds among the words
        the rules left unmasked, kept only where a rule would keep a name (not inside a
        school's, a firm's or an establishment's name), added to the rules' candidates of
        the texts where it finds one: they are resolved again, so the names found are
        completed and repeated like the rules' own."""
        model = names_model or self.names_model
        if model is None:
            return list(results)
        found = model.find_many(
            [
                (tokens, entities)
                for (_, tokens), (_, entities) in zip(detected, results, strict=True)
            ]
        )
        out = list(results)
        for index, learned in enumerate(found):
            if not learned:
                continue
            kept, tokens = detected[index]
            view = tokens.text  # the text as the rules read it (``speaker_view``)
            learned = self._drop_non_people(view, _not_after_articles(view, learned))
            if learned:
                learned = _joined_to_names(view, learned, results[index][1])
                out[index] = self._without_non_people(
                    texts[index],
                    view,
                    self.finish(texts[index], kept + learned, tokens),
                    results[index][1],
                )
        return out

    def _without_non_people(
        self, text: str, view: str, result: tuple[str, list[Entity]], rules: list[Entity]
    ) -> tuple[str, list[Entity]]:
        """The names a learned word brought, as completed by the rules (« Garnier » learned,
        « Jeanne Garnier » completed), judged again like the rules' own: « IFSI Jeanne
        Garnier », « Crêperie Ty Gwenn » are establishments, whichever word was learned."""
        before = set(rules)
        added = [e for e in result[1] if e.label == "PERSON" and e not in before]
        if not added:
            return result
        refused = set(added) - set(self._drop_non_people(view, added))
        if not refused:
            return result
        entities = [e for e in result[1] if e not in refused]
        return mask(text, entities), entities

    def detect_many(
        self, texts: Sequence[str], batch_size: int = 64
    ) -> list[tuple[list[Entity], Tokens]]:
        """Every candidate of the rules and spaCy, with what names a firm, a school or a
        public desk dropped, and the tokens of each text: what :meth:`finish` resolves."""
        candidates: list[list[Entity]] = []
        all_tokens: list[Tokens] = []
        for_ner: list[int] = []
        to_confirm: dict[int, list[tuple[int, int]]] = {}
        confirm_only: set[int] = set()  # spaCy read only to confirm words the rules left
        for index, text in enumerate(texts):
            found, tokens = self._rule_candidates(text)
            candidates.append(found)
            all_tokens.append(tokens)
            confirm = ner_candidates(tokens, found)
            if confirm:
                to_confirm[index] = confirm
            if needs_ner(tokens, found):
                for_ner.append(index)
            elif confirm:
                for_ner.append(index)
                confirm_only.add(index)
        if self.nlp is not None and for_ner:
            # spaCy (most of the time spent) reads only the texts where a capitalised or
            # listed word is left unmasked by the rules
            docs = self.nlp.pipe([all_tokens[i].text for i in for_ner], batch_size=batch_size)
            for index, doc in zip(for_ner, docs, strict=True):
                for ent in doc.ents:
                    if ent.label_ != "PER":
                        continue
                    span = (
                        None
                        if index in confirm_only
                        else filter_spacy_person(
                            all_tokens[index].text, ent.start_char, ent.end_char, self.lexicon
                        )
                    )
                    if span:
                        candidates[index].append(Entity(span[0], span[1], "PERSON"))
                    # a word the vocabulary knows, where a form puts a name, read as a person
                    candidates[index].extend(
                        Entity(start, end, "PERSON")
                        for start, end in to_confirm.get(index, ())
                        if ent.start_char <= start and end <= ent.end_char
                    )
        detected = []
        for found, tokens in zip(candidates, all_tokens, strict=True):
            text = tokens.text
            kept = self._drop_non_people(text, found)
            kept = drop_public_addresses(text, extend_with_town(text, kept, self.lexicon.places))
            kept = without_names_over_addresses(text, kept)
            detected.append((kept, tokens))
        return detected

    def _drop_non_people(self, text: str, candidates: list[Entity]) -> list[Entity]:
        """Name candidates that are a street's or a school's namesake, a firm or an
        establishment dropped: the same judgement for the rules' names and the learned
        detector's."""
        kept = drop_businesses(text, drop_namesakes(text, candidates, self.lexicon), self.lexicon)
        return drop_places(text, drop_establishments(text, kept))

    def finish(self, text: str, kept: list[Entity], tokens: Tokens) -> tuple[str, list[Entity]]:
        """Resolve the candidates, complete and repeat the names found (on the text as the
        rules read it), mask ``text`` itself."""
        original, text = text, tokens.text
        entities = with_care_of_prefixes(
            text,
            with_districts(
                text,
                with_leading_first_name(
                    text,
                    with_trailing_initials(
                        text, repeat_names(tokens, extend_names(tokens, resolve(kept, text)))
                    ),
                    self.lexicon,
                ),
                self.lexicon,
            ),
        )
        entities = without_leading_articles(
            text, with_residence_before_building(text, with_leading_initials(text, entities))
        )
        entities = with_leading_particles(text, entities)
        entities = with_coordinated_names(tokens, entities)
        entities = with_town_line_above(text, entities)
        entities = with_place_line_above(text, entities)
        entities = with_foreign_town_tails(text, entities)
        entities = with_labelled_address_values(text, entities)
        entities = repeat_in_compounds(tokens, entities)
        entities = repeat_capitalised_names(tokens, entities)
        entities = repeat_lowercase_pairs(tokens, entities)
        entities = repeat_given_names_opening_turns(text, entities, self.lexicon)
        entities = repeat_names_in_capitals_or_glued(tokens, entities)
        entities = repeat_hosts_names(text, entities)
        entities = with_last_given_word(tokens, entities)
        return mask(original, entities), entities
