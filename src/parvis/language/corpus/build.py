"""Deterministic generator of the shipped corpora (run it, then commit the JSONL files).

    .venv/bin/python -m parvis.language.corpus.build

* ``qualification.jsonl``: ``{text, organisation, motif, register, family}``; every
  hand-written core request of ``motifs.py`` is rendered in seven registers (formal letter,
  email, SMS, phone transcript, third party, chat, testimonial) with noise (no accents,
  typos, SMS shorthand, no punctuation, fillers), plus short generic frames around the
  ways citizens name each subject.
* ``pii.jsonl``: ``{text, entities: [{start, end, label}], register, family}``: texts with
  personal data inserted at known offsets, and texts without any (for the false-positive
  rate), to evaluate the anonymiser.
* ``pii_contact.jsonl``: the same format, in the contact registers (SMS, emails with
  signature and quoted reply, chat, call transcripts, forms), half of the names outside
  the engine's lexicon (:mod:`parvis.language.corpus.contact`).
"""

# ruff: noqa: E501 - hand-written data: one pattern or sentence per line reads best

from __future__ import annotations

import hashlib
import json
import random
import re
from pathlib import Path
from typing import Any

from parvis.core.text import FRENCH_MONTHS as MONTH_NAMES
from parvis.language.corpus import contact_requests as contact
from parvis.language.corpus.confusions import BORDER_CORES, TWO_ORGANISATION_CORES
from parvis.language.corpus.contact import assemble, build_contact, card, strip_accents
from parvis.language.corpus.motifs import JARGON_CORES, MORE_CORES, MOTIFS
from parvis.language.corpus.out_of_scope import OUT_OF_SCOPE_CORES

SEED = 20260401
HERE = Path(__file__).resolve().parent

ORG_ALIASES = {
    "caf": ["la CAF", "la caf", "la Caisse d'allocations familiales", "la CAF de mon département"],
    "assurance-maladie": [
        "la CPAM",
        "l'Assurance Maladie",
        "la sécu",
        "ameli",
        "la caisse primaire",
    ],
    "assurance-retraite": ["la Carsat", "l'Assurance retraite", "la CNAV", "la caisse de retraite"],
    "msa": ["la MSA", "la Mutualité sociale agricole", "la msa"],
    "france-travail": ["France Travail", "Pôle emploi", "france travail", "pole emploi"],
    "dgfip": ["les impôts", "le centre des finances publiques", "impots.gouv", "le SIP"],
    "ants": ["l'ANTS", "la préfecture", "la mairie", "le site de l'ANTS"],
    "justice": ["le tribunal", "le greffe", "le point justice", "la maison de justice et du droit"],
    "urssaf": ["l'Urssaf", "l'URSSAF", "l'urssaf"],
    "anah": ["l'Anah", "France Rénov'", "l'ANAH"],
    "cheque-energie": ["le service du chèque énergie", "l'ASP"],
    "la-poste": ["La Poste", "la poste", "le bureau de poste"],
}

FRAMES = [
    "J'ai un problème avec {kw}.",
    "Question sur {kw} svp",
    "Je vous contacte au sujet de {kw}.",
    "{kw} : toujours rien reçu.",
    "Je voudrais des renseignements concernant {kw}.",
    "Pouvez-vous me rappeler pour {kw} ?",
    "Besoin d'aide pour {kw}",
    "Où en est {kw} ?",
    "Je ne comprends rien à {kw}.",
    "c'est pour {kw}",
    "Depuis deux mois j'attends une réponse pour {kw}.",
    "Personne ne répond au téléphone pour {kw}.",
    "Je souhaite prendre rendez-vous pour {kw}.",
    "Quels documents faut-il fournir pour {kw} ?",
    "Rien ne va avec {kw}, aidez-moi.",
    "Merci pour votre aide concernant {kw}, tout est réglé.",
    "Je voudrais faire le point sur {kw}.",
    "J'ai reçu un courrier concernant {kw} que je ne comprends pas.",
    "L'agent à l'accueil n'a pas su me renseigner sur {kw}.",
    "Il y a une erreur sur {kw}.",
    "Je voudrais parler à quelqu'un pour {kw}.",
    "{kw} est bloqué depuis des semaines.",
    "Bonjour je vous écris pour {kw} merci",
    "Rappel concernant {kw}, dossier en attente.",
]

EXTRAS = [
    "Cela fait trois semaines que j'attends.",
    "J'ai déjà appelé plusieurs fois.",
    "Je suis seule avec deux enfants.",
    "Merci de me rappeler rapidement.",
    "Je ne sais plus à qui m'adresser.",
    "J'ai essayé sur internet mais je n'y arrive pas.",
    "Je suis allée à France Services mais ils m'ont renvoyée vers vous.",
    "Je n'ai pas d'ordinateur.",
    "Je suis perdu avec toutes ces démarches.",
    "C'est urgent, je n'ai plus rien pour payer le loyer.",
    "Merci d'avance pour votre réponse.",
    "J'ai envoyé tous les documents demandés.",
    "Personne ne répond au 3949 ni au 3646.",
    "Mon dossier est complet depuis longtemps.",
    "Je vous remercie de votre compréhension.",
    "Je suis très inquiète.",
    "L'accueil a été très aimable mais sans solution.",
    "Je ne parle pas bien français, mon fils m'aide à écrire.",
    "J'ai 82 ans et je vis seule.",
    "Je suis handicapé à 80 %.",
    "Je n'ai plus aucun revenu depuis deux mois.",
    "On me demande toujours les mêmes papiers.",
    "Le site internet ne marche pas.",
    "Pouvez-vous m'expliquer ?",
    "Je suis allé à l'accueil ce matin.",
    "Je vous joins le formulaire cerfa rempli.",
    "J'ai eu un rendez-vous le 12 mars à 14 h.",
    "Mes revenus sont de 900 euros par mois.",
    "Je vis à Marseille.",
    "Je suis suivie par l'assistante sociale du département.",
]

CITIES = [
    "Marseille",
    "Lille",
    "Limoges",
    "Brest",
    "Toulouse",
    "Besançon",
    "Rouen",
    "Nancy",
    "Perpignan",
    "Saint-Denis",
    "Ajaccio",
    "Cayenne",
    "Montreuil",
    "Vénissieux",
]

TESTIMONIAL_OPEN_NEG = [
    "Très déçue par {org}.",
    "Expérience catastrophique avec {org}.",
    "Franchement, {org} c'est inadmissible.",
    "Je suis en colère contre {org}.",
]
TESTIMONIAL_OPEN_POS = [
    "Je tiens à remercier {org}.",
    "Bravo à {org} pour la rapidité.",
    "Très bonne expérience avec {org}.",
    "Merci beaucoup à l'agent de {org}.",
]
TESTIMONIAL_CLOSE_NEG = [
    "Service à améliorer.",
    "Inadmissible.",
    "Personne ne m'écoute.",
    "Je ne recommande pas.",
    "Honteux.",
]
TESTIMONIAL_CLOSE_POS = [
    "Merci encore !",
    "Tout a été réglé en une semaine.",
    "Conseillère très à l'écoute.",
    "Service efficace.",
]

SMS_WORDS = [
    (r"\bbonjour\b", ["bjr", "bonjour", "bonjours"]),
    (r"\bs'il vous plaît\b", ["svp", "stp"]),
    (r"\bpourquoi\b", ["pk", "pourquoi", "pq"]),
    (r"\bquand\b", ["qd", "kan", "quand"]),
    (r"\bbeaucoup\b", ["bcp"]),
    (r"\brendez-vous\b", ["rdv", "rendez vous"]),
    (r"\baujourd'hui\b", ["ajd", "aujourdhui"]),
    (r"\btoujours\b", ["tjrs", "toujour"]),
    (r"\bj'ai\b", ["jai", "g", "j ai", "j'ai"]),
    (r"\bje suis\b", ["jsuis", "chui", "je suis"]),
    (r"\bc'est\b", ["c", "cest", "c est"]),
    (r"\bqu'est-ce que\b", ["keske", "quest ce que"]),
    (r"\bn'", ["", "n"]),
    (r"\bne\b ", ["", "ne "]),
    (r"\bque\b", ["ke", "que"]),
    (r"\bquelque chose\b", ["qqch"]),
    (r"\bmessage\b", ["msg"]),
    (r"\bmaintenant\b", ["mtn"]),
    (r"\bparce que\b", ["pcq", "parce que"]),
    (r"\bsécurité sociale\b", ["secu"]),
]
FILLERS = ["euh", "ben", "en fait", "voilà", "donc", "du coup", "hein", "bah", "enfin"]


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 5 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["swap", "drop", "double", "near"])
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    near = {"a": "z", "e": "r", "i": "u", "o": "p", "s": "d", "n": "b", "t": "y", "r": "t"}
    return word[:i] + near.get(word[i], word[i]) + word[i + 1 :]


def to_sms(text: str, rng: random.Random) -> str:
    value = text
    if rng.random() < 0.85:
        value = value.lower()
    for pattern, choices in SMS_WORDS:
        if rng.random() < 0.7:
            replacement = rng.choice(choices)
            value = re.sub(pattern, replacement, value, flags=re.IGNORECASE)
    if rng.random() < 0.75:
        value = strip_accents(value)
    if rng.random() < 0.6:
        value = re.sub(r"[.,;:!?«»]", "", value)
    if rng.random() < 0.4:
        value = value.replace("'", " " if rng.random() < 0.5 else "")
    words = value.split(" ")
    for _ in range(rng.choice([0, 1, 1, 2, 3])):
        index = rng.randrange(len(words))
        words[index] = typo(words[index], rng)
    return re.sub(r"\s+", " ", " ".join(words)).strip()


def to_transcript(text: str, rng: random.Random) -> str:
    value = re.sub(r"[.,;:!?«»()]", " ", text.lower())
    words = value.split()
    out = []
    for word in words:
        out.append(word)
        if rng.random() < 0.08:
            out.append(rng.choice(FILLERS))
        if rng.random() < 0.03:
            out.append(word)  # repetition
    opener = rng.choice(
        [
            "allo oui bonjour",
            "oui bonjour madame",
            "bonjour monsieur euh",
            "allo",
            "oui alors voilà",
            "bonjour je vous appelle parce que",
        ]
    )
    closer = rng.choice(["voilà", "voilà voilà", "merci", "voilà c'est tout", "", "euh voilà"])
    result = f"{opener} {' '.join(out)} {closer}".strip()
    if rng.random() < 0.5:
        result = strip_accents(result)
    return re.sub(r"\s+", " ", result)


THIRD_PERSON = [
    (r"\bje n'", "elle n'"),
    (r"\bj'ai\b", "elle a"),
    (r"\bje suis\b", "elle est"),
    (r"\bj'avais\b", "elle avait"),
    (r"\bj'", "elle "),
    (r"\bje voudrais\b", "elle voudrait"),
    (r"\bje peux\b", "elle peut"),
    (r"\bje veux\b", "elle veut"),
    (r"\bje dois\b", "elle doit"),
    (r"\bje sais\b", "elle sait"),
    (r"\bje comprends\b", "elle comprend"),
    (r"\bje reçois\b", "elle reçoit"),
    (r"\bje vais\b", "elle va"),
    (r"\bje ne\b", "elle ne"),
    (r"\bje\b", "elle"),
    (r"\bme\b", "lui"),
    (r"\bm'", "l'"),
    (r"\bmon\b", "son"),
    (r"\bma\b", "sa"),
    (r"\bmes\b", "ses"),
    (r"\bmoi\b", "elle"),
    (r"\bpuis-je\b", "peut-elle"),
    (r"\bai-je\b", "a-t-elle"),
    (r"\bdois-je\b", "doit-elle"),
    (r"\bsuis-je\b", "est-elle"),
    (r"\bque risque-je\b", "que risque-t-elle"),
]


def to_third_person(text: str) -> str:
    value = text
    for pattern, repl in THIRD_PERSON:
        value = re.sub(pattern, repl, value, flags=re.IGNORECASE)
    return value


class Names:
    def __init__(self, rng: random.Random) -> None:
        from faker.providers.person.fr_FR import Provider

        self.rng = rng
        self.first = list(Provider.first_names_male) + list(Provider.first_names_female)
        self.last = list(Provider.last_names)
        # never in the anonymiser's gazetteer: measures the path without it
        self.unseen_first = [
            "Ysé",
            "Eulalie",
            "Anatole",
            "Gwendoline",
            "Jordy",
            "Corentin",
            "Maëlys",
            "Ornella",
            "Tessa",
            "Wassila",
            "Kelyan",
            "Perrine",
        ]
        self.unseen_last = [
            "Kerhervé",
            "Prud'homme",
            "Vautrin",
            "Le Cam",
            "Tchouaméni",
            "Massart",
            "Baillargeat",
            "Fromentin",
            "Oudinot",
            "Quintard",
            "Ravanel",
            "Zerrouki",
            "Abdelkrim",
            "Nkemelu",
            "Hadjadj",
        ]

    def first_name(self) -> str:
        return self.rng.choice(self.unseen_first if self.rng.random() < 0.2 else self.first)

    def last_name(self) -> str:
        return self.rng.choice(self.unseen_last if self.rng.random() < 0.25 else self.last)


def render(motif_key: str, core: str, register: str, rng: random.Random, names: Names) -> str:
    org = motif_key.split("/")[0]
    org_alias = rng.choice(ORG_ALIASES[org])
    extra = rng.choice(EXTRAS) if rng.random() < 0.5 else ""
    mention = f" J'ai contacté {org_alias} sans succès." if rng.random() < 0.3 else ""
    if register == "lettre":
        keywords = MOTIFS[motif_key]["keywords"]
        subject = rng.choice(keywords)
        if rng.random() < 0.5:  # half of the letters have a subject that names nothing
            subject = rng.choice(GENERIC_SUBJECTS)
        subject = subject[0].upper() + subject[1:]
        header = f"À l'attention de {org_alias}\n" if rng.random() < 0.4 else ""
        closing = rng.choice(
            [
                "Je vous prie d'agréer, Madame, Monsieur, l'expression de mes salutations distinguées.",
                "Dans l'attente de votre réponse, veuillez recevoir mes sincères salutations.",
                "Je vous remercie par avance de l'attention portée à ma demande.",
            ]
        )
        sign = f"\n\n{names.first_name()} {names.last_name()}" if rng.random() < 0.6 else ""
        return (
            f"{header}Objet : {subject}\n\nMadame, Monsieur,\n\n{core}{mention} {extra}".strip()
            + f"\n\n{closing}{sign}"
        )
    if register == "courriel":
        sign = f"\n{names.first_name()}" if rng.random() < 0.4 else ""
        return (
            f"{rng.choice(['Bonjour,', 'Bonjour Madame, Monsieur,', 'Madame, Monsieur,'])}\n\n"
            f"{core}{mention} {extra}".strip()
            + f"\n\n{rng.choice(['Cordialement,', 'Merci d avance.', 'Bien cordialement,'])}{sign}"
        )
    if register == "sms":
        return to_sms(f"{core} {extra if rng.random() < 0.5 else ''}", rng)
    if register == "transcription":
        return to_transcript(f"{core}{mention} {extra}", rng)
    if register == "tiers":
        third = to_third_person(core)
        civility = rng.choice(["Mme", "Madame", "M.", "Monsieur"])
        who = f"{civility} {names.last_name()}" if rng.random() < 0.7 else "une usagère"
        frame = rng.choice(
            [
                "Bonjour, je suis assistante sociale au CCAS de {city} et j'accompagne {who}. {text}",
                "Travailleur social du département, je vous sollicite pour {who} : {text}",
                "Je me permets de vous écrire au nom de {who}, qui ne maîtrise pas internet. {text}",
                "Conseillère France Services, je vous transmets la demande de {who}. {text}",
                "Je vous écris pour ma mère qui ne sait pas utiliser internet. {text}",
            ]
        )
        return frame.format(city=rng.choice(CITIES), who=who, text=third) + (
            f" {to_third_person(extra)}" if extra else ""
        )
    if register == "chat":
        return (
            rng.choice(["Bonjour, ", "", "Bonsoir ", "Hello, "])
            + core
            + (f" {extra}" if extra and rng.random() < 0.5 else "")
        )
    if register == "temoignage":
        positive = rng.random() < 0.35
        opener = rng.choice(TESTIMONIAL_OPEN_POS if positive else TESTIMONIAL_OPEN_NEG)
        closer = rng.choice(TESTIMONIAL_CLOSE_POS if positive else TESTIMONIAL_CLOSE_NEG)
        return f"{opener.format(org=org_alias)} {core} {closer}"
    raise ValueError(register)


GENERIC_SUBJECTS = [
    "réclamation",
    "demande d'information",
    "dossier en cours",
    "relance",
    "contestation",
    "demande de rendez-vous",
    "ma situation",
    "recours gracieux",
    "demande urgente",
]

REGISTERS = ["lettre", "courriel", "sms", "transcription", "tiers", "chat", "temoignage"]


# The organisations a text about one is most often confused with (issue 12): a second
# organisation named in a generated text is drawn from these half of the time.
NEIGHBOURS = {
    "msa": ["assurance-maladie", "caf", "assurance-retraite"],
    "assurance-maladie": ["msa", "caf", "ants"],
    "caf": ["msa", "france-travail", "assurance-maladie"],
    "assurance-retraite": ["msa", "caf", "dgfip"],
    "urssaf": ["france-travail", "dgfip"],
    "france-travail": ["urssaf", "caf", "assurance-maladie"],
    "dgfip": ["urssaf", "caf", "assurance-retraite"],
    "ants": ["assurance-maladie", "justice"],
}


# Texts per request that name a second organisation (besides the one with its subject).
TWO_ORGANISATION_TEXTS = 3


def contact_rows(
    motif_key: str, core: str, family: str, rng: random.Random, names: Names
) -> list[dict[str, Any]]:
    """One request in the contact-hub registers (:mod:`contact`), the last one naming a
    second organisation that is not the one asked about."""
    org, motif = motif_key.split("/")
    others = [o for o in ORG_ALIASES if o != org]
    other_key = rng.choice([k for k in MOTIFS if not k.startswith(org + "/")])
    previous = rng.choice(MOTIFS[other_key]["cores"])
    quoted_org = org if rng.random() < 0.5 else other_key.split("/")[0]
    keyword = rng.choice(MOTIFS[motif_key if quoted_org == org else other_key]["keywords"])

    def person() -> str:
        name = f"{names.first_name()} {names.last_name()}"
        return name.upper() if rng.random() < 0.2 else name

    texts: list[tuple[str, str, str | None]] = [
        (
            "courriel",
            contact.email_thread(
                core,
                rng,
                quoted_org=quoted_org,
                quoted_keyword=keyword,
                previous=previous,
                person=person,
            ),
            None,
        ),
        ("chat", contact.chat_fragments(core, rng), None),
        ("transcription", contact.call_transcript(core, org, rng), None),
        ("sms", contact.sms_heavy(core, rng), None),
        ("formulaire", contact.web_form(core, rng), None),
    ]
    other = (
        rng.choice(NEIGHBOURS[org])
        if org in NEIGHBOURS and rng.random() < 0.5
        else rng.choice(others)
    )
    other_keyword = rng.choice(
        MOTIFS[rng.choice([k for k in MOTIFS if k.startswith(other + "/")])]["keywords"]
    )
    texts.append(
        (
            rng.choice(["formulaire", "courriel", "chat"]),
            contact.two_organisations(core, org, other, rng, other_keyword),
            other,
        )
    )
    for _ in range(TWO_ORGANISATION_TEXTS):
        other = (
            rng.choice(NEIGHBOURS[org])
            if org in NEIGHBOURS and rng.random() < 0.5
            else rng.choice(others)
        )
        mixed = contact.two_organisations(core, org, other, rng)
        register = rng.choice(["formulaire", "courriel", "chat", "sms", "transcription"])
        if register == "sms":
            mixed = contact.sms_heavy(mixed, rng)
        elif register == "transcription":
            mixed = contact.call_transcript(mixed, org, rng)
        elif register == "chat":
            mixed = contact.chat_fragments(mixed, rng)
        elif register == "courriel":
            mixed = contact.email_thread(
                mixed,
                rng,
                quoted_org=quoted_org,
                quoted_keyword=keyword,
                previous=previous,
                person=person,
            )
        else:
            mixed = contact.web_form(mixed, rng)
        texts.append((register, mixed, other))
    return [
        {
            "text": text,
            "organisation": org,
            "motif": motif,
            "register": register,
            "family": family,
            "variant": "contact",
        }
        | ({"second_organisation": second} if second else {})
        for register, text, second in texts
    ]


def build_qualification(rng: random.Random) -> list[dict[str, Any]]:
    names = Names(rng)
    # The contact registers and the border requests draw from their own generator, so the
    # texts of the first corpus stay as they were.
    contact_rng = random.Random(SEED + 2)
    contact_names = Names(contact_rng)
    rows: list[dict[str, Any]] = []
    for motif_key, material in MOTIFS.items():
        org, motif = motif_key.split("/")
        for index, core in enumerate(
            material["cores"] + MORE_CORES.get(motif_key, []) + JARGON_CORES.get(motif_key, [])
        ):
            family = f"{motif_key}#core{index}"
            for register in [*REGISTERS, "sms", "transcription"]:
                rows.append(
                    {
                        "text": render(motif_key, core, register, rng, names),
                        "organisation": org,
                        "motif": motif,
                        "register": register,
                        "family": family,
                    }
                )
            rows += contact_rows(motif_key, core, family, contact_rng, contact_names)
        borders = BORDER_CORES.get(motif_key, []) + TWO_ORGANISATION_CORES.get(motif_key, [])
        for index, core in enumerate(borders):
            family = f"{motif_key}#border{index}"
            for register in [*REGISTERS, "sms", "transcription"]:
                rows.append(
                    {
                        "text": render(motif_key, core, register, contact_rng, contact_names),
                        "organisation": org,
                        "motif": motif,
                        "register": register,
                        "family": family,
                    }
                )
            rows += contact_rows(motif_key, core, family, contact_rng, contact_names)
        for index, frame in enumerate(FRAMES):
            keyword = rng.choice(material["keywords"])
            text = frame.format(kw=keyword)
            text = text[0].upper() + text[1:]
            register = rng.choice(["chat", "sms", "courriel", "transcription"])
            if register == "sms":
                text = to_sms(text, rng)
            elif register == "transcription":
                text = to_transcript(text, rng)
            rows.append(
                {
                    "text": text,
                    "organisation": org,
                    "motif": motif,
                    "register": register,
                    "family": f"{motif_key}#frame{index}",
                }
            )
    seen: set[str] = set()
    unique = []
    for row in rows:
        if row["text"] not in seen:
            seen.add(row["text"])
            unique.append(row)
    return unique


def build_out_of_scope(rng: random.Random) -> list[dict[str, Any]]:
    """Requests about no organisation (:mod:`out_of_scope`), in the contact registers."""
    names = Names(rng)

    def person() -> str:
        return f"{names.first_name()} {names.last_name()}"

    rows: list[dict[str, Any]] = []
    for index, core in enumerate(OUT_OF_SCOPE_CORES):
        quoted_key = rng.choice(list(MOTIFS))
        texts = [
            ("chat", core),
            ("sms", contact.sms_heavy(core, rng)),
            ("sms", to_sms(core, rng)),
            ("chat", contact.chat_fragments(core, rng)),
            ("transcription", contact.call_transcript(core, None, rng)),
            ("transcription", to_transcript(core, rng)),
            ("formulaire", contact.web_form(core, rng)),
            (
                "courriel",
                contact.email_thread(
                    core,
                    rng,
                    quoted_org=quoted_key.split("/")[0],
                    quoted_keyword=rng.choice(MOTIFS[quoted_key]["keywords"]),
                    previous=rng.choice(MOTIFS[quoted_key]["cores"]),
                    person=person,
                ),
            ),
        ]
        for register, text in texts:
            rows.append({"text": text, "register": register, "family": f"hors-perimetre#{index}"})
    seen: set[str] = set()
    return [r for r in rows if not (r["text"] in seen or seen.add(r["text"]))]  # type: ignore[func-returns-value]


# --- PII corpus ---------------------------------------------------------------------------


def nir(rng: random.Random) -> str:
    sex = rng.choice("12")
    year = f"{rng.randrange(40, 100):02d}" if rng.random() < 0.7 else f"{rng.randrange(0, 6):02d}"
    month = f"{rng.randrange(1, 13):02d}"
    dept = rng.choice(["75", "13", "69", "33", "59", "2A", "2B", "93", "97", "44", "67"])
    commune = f"{rng.randrange(1, 999):03d}" if dept != "97" else f"{rng.randrange(100, 999)}"
    if dept == "97":
        dept, commune = "97", commune  # overseas: 97 + 3 digits, same length
    order = f"{rng.randrange(1, 999):03d}"
    first13 = sex + year + month + dept + commune + order
    number = first13.replace("2A", "19").replace("2B", "18")
    key = 97 - int(number) % 97
    return first13 + f"{key:02d}"


def format_nir(value: str, rng: random.Random) -> str:
    style = rng.choice(["spaced", "compact", "spaced", "dotted"])
    parts = [value[0], value[1:3], value[3:5], value[5:7], value[7:10], value[10:13], value[13:]]
    if style == "spaced":
        return " ".join(parts)
    if style == "dotted":
        return " ".join(parts[:-1]) + " - " + parts[-1] if rng.random() < 0.3 else ".".join(parts)
    return value


def iban(rng: random.Random) -> str:
    bban = (
        "".join(str(rng.randrange(10)) for _ in range(10))
        + "".join(str(rng.randrange(10)) for _ in range(11))
        + f"{rng.randrange(100):02d}"
    )
    numeric = "".join(str(int(ch, 36)) for ch in bban + "FR00")
    check = 98 - int(numeric) % 97
    return f"FR{check:02d}{bban}"


def format_iban(value: str, rng: random.Random) -> str:
    if rng.random() < 0.65:
        return " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    return value if rng.random() < 0.7 else value.lower()


def phone(rng: random.Random) -> str:
    first = rng.choice(["06", "07", "06", "01", "02", "03", "04", "05", "09"])
    digits = first + "".join(str(rng.randrange(10)) for _ in range(8))
    pairs = [digits[i : i + 2] for i in range(0, 10, 2)]
    style = rng.choice(["space", "dot", "dash", "compact", "intl", "intl_compact", "0033", "intl0"])
    if style == "space":
        return " ".join(pairs)
    if style == "dot":
        return ".".join(pairs)
    if style == "dash":
        return "-".join(pairs)
    if style == "compact":
        return digits
    if style == "intl":
        return "+33 " + digits[1] + " " + " ".join(pairs[1:])
    if style == "intl_compact":
        return "+33" + digits[1:]
    if style == "intl0":
        return "+33 (0)" + digits[1] + " " + " ".join(pairs[1:])
    return "0033 " + digits[1] + " " + " ".join(pairs[1:])


STREETS = [
    "rue des Lilas",
    "avenue Jean Jaurès",
    "boulevard Victor Hugo",
    "allée des Tilleuls",
    "chemin du Moulin",
    "impasse des Roses",
    "rue de la République",
    "place de la Mairie",
    "route de Paris",
    "rue du Général de Gaulle",
    "avenue de la Libération",
    "rue Pasteur",
    "quai des Chartrons",
    "rue Saint-Exupéry",
    "rue des Écoles",
    "cours Lafayette",
    "rue Émile Zola",
    "avenue des Champs",
    "rue du 8 Mai 1945",
    "chemin des Vignes",
]
CITY_POSTCODES = [
    ("33000", "Bordeaux"),
    ("69007", "Lyon"),
    ("13003", "Marseille"),
    ("44000", "Nantes"),
    ("59000", "Lille"),
    ("20000", "Ajaccio"),
    ("97400", "Saint-Denis"),
    ("87000", "Limoges"),
    ("93100", "Montreuil"),
    ("13100", "Aix-en-Provence"),
    ("42000", "Saint-Étienne"),
    ("29200", "Brest"),
]


def address(rng: random.Random) -> str:
    number = rng.choice(
        [str(rng.randrange(1, 150)), f"{rng.randrange(1, 40)} bis", str(rng.randrange(1, 20))]
    )
    street = rng.choice(STREETS)
    postcode, city = rng.choice(CITY_POSTCODES)
    complement = rng.choice(
        [
            "",
            "",
            "",
            ", bât. B",
            ", appartement 12",
            " appt 3",
            ", escalier C, 2e étage",
            ", résidence Les Pins",
        ]
    )
    style = rng.choice(["full", "full", "comma", "street", "a_city", "lower", "prefix"])
    if style == "full":
        return f"{number} {street}{complement} {postcode} {city}"
    if style == "comma":
        return f"{number}, {street}{complement}, {postcode} {city}"
    if style == "street":
        return f"{number} {street}{complement}"
    if style == "a_city":
        return f"{number} {street} à {city}"
    if style == "prefix":
        return f"Résidence Les Acacias, {number} {street}, {postcode} {city}"
    return strip_accents(f"{number} {street} {postcode} {city}".lower())


def plate(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPQRSTVWXYZ"
    a = rng.choice(letters) + rng.choice(letters)
    b = rng.choice(letters) + rng.choice(letters)
    n = f"{rng.randrange(1, 1000):03d}"
    style = rng.choice(["dash", "dash", "space", "compact", "lower"])
    if style == "dash":
        return f"{a}-{n}-{b}"
    if style == "space":
        return f"{a} {n} {b}"
    if style == "compact":
        return f"{a}{n}{b}"
    return f"{a}-{n}-{b}".lower()


def birthdate(rng: random.Random) -> str:
    day, month, year = rng.randrange(1, 29), rng.randrange(1, 13), rng.randrange(1935, 2020)
    style = rng.choice(["slash", "slash", "long", "dot", "short"])
    if style == "slash":
        return f"{day:02d}/{month:02d}/{year}"
    if style == "dot":
        return f"{day:02d}.{month:02d}.{year}"
    if style == "short":
        return f"{day:02d}/{month:02d}/{year % 100:02d}"
    return f"{'1er' if day == 1 else day} {MONTH_NAMES[month - 1]} {year}"


def build_pii(rng: random.Random) -> list[dict[str, Any]]:
    names = Names(rng)
    cores = [(key, core) for key, m in MOTIFS.items() for core in m["cores"]]
    rows: list[dict[str, Any]] = []

    def person() -> str:
        return f"{names.first_name()} {names.last_name()}"

    fragments: dict[str, list[Any]] = {
        "PERSON": [
            lambda: ["Je m'appelle ", ("PERSON", person()), "."],
            lambda: ["Cordialement,\n", ("PERSON", person())],
            lambda: ["Mon fils ", ("PERSON", names.first_name()), " a 7 ans."],
            lambda: ["J'ai été reçue par Mme ", ("PERSON", names.last_name()), " à l'accueil."],
            lambda: ["Je vous écris pour M. ", ("PERSON", person()), " que j'accompagne."],
            lambda: ["bjr c ", ("PERSON", person().lower()), " pour mon dossier"],
            lambda: [
                "mon nom c'est ",
                ("PERSON", f"{names.last_name()} {names.first_name()}"),
                " ",
            ],
            lambda: [
                "Nom : ",
                ("PERSON", names.last_name().upper()),
                "\nPrénom : ",
                ("PERSON", names.first_name()),
            ],
            lambda: ["La conseillère ", ("PERSON", person()), " m'a dit de rappeler."],
            lambda: ["Ma fille ", ("PERSON", names.first_name()), " est née en 2019."],
            lambda: ["Monsieur ", ("PERSON", names.last_name()), " m'a raccroché au nez."],
        ],
        "EMAIL": [
            lambda: ["Mon adresse mail : ", ("EMAIL", email(names, rng)), "."],
            lambda: ["ecrivez moi a ", ("EMAIL", email(names, rng))],
            lambda: ["Vous pouvez me répondre sur ", ("EMAIL", email(names, rng)), " merci."],
        ],
        "PHONE": [
            lambda: ["Mon numéro : ", ("PHONE", phone(rng)), "."],
            lambda: ["rappelez moi au ", ("PHONE", phone(rng))],
            lambda: ["Tél. ", ("PHONE", phone(rng))],
            lambda: ["Vous pouvez me joindre au ", ("PHONE", phone(rng)), " après 17 h."],
        ],
        "NIR": [
            lambda: [
                "Mon numéro de sécurité sociale est ",
                ("NIR", format_nir(nir(rng), rng)),
                ".",
            ],
            lambda: ["n° secu ", ("NIR", format_nir(nir(rng), rng))],
            lambda: ["NIR : ", ("NIR", format_nir(nir(rng), rng))],
            lambda: ["voici mon numero ", ("NIR", format_nir(nir(rng), rng)), " merci"],
        ],
        "IBAN": [
            lambda: ["Mon IBAN : ", ("IBAN", format_iban(iban(rng), rng)), "."],
            lambda: ["nouveau rib ", ("IBAN", format_iban(iban(rng), rng))],
            lambda: ["Merci de verser sur le compte ", ("IBAN", format_iban(iban(rng), rng)), "."],
        ],
        "CARD": [
            lambda: ["J'ai payé avec la carte ", ("CARD", format_card(card(rng), rng)), "."],
            lambda: [
                "ma carte bleue ",
                ("CARD", format_card(card(rng), rng)),
                " a été débitée deux fois",
            ],
        ],
        "ADDRESS": [
            lambda: ["J'habite au ", ("ADDRESS", address(rng)), "."],
            lambda: ["Mon adresse : ", ("ADDRESS", address(rng)), "\n"],
            lambda: ["Je viens de déménager au ", ("ADDRESS", address(rng)), " depuis mars."],
            lambda: ["jhabite ", ("ADDRESS", strip_accents(address(rng).lower())), " "],
        ],
        "CAF_NUMBER": [
            lambda: ["Numéro allocataire : ", ("CAF_NUMBER", digits(rng, 7)), "."],
            lambda: ["mon num caf c'est ", ("CAF_NUMBER", digits(rng, 7))],
            lambda: ["Allocataire n° ", ("CAF_NUMBER", digits(rng, 7))],
            lambda: ["Mon numéro d'allocataire est le ", ("CAF_NUMBER", digits(rng, 7)), "."],
        ],
        "TAX_NUMBER": [
            lambda: ["Numéro fiscal : ", ("TAX_NUMBER", tax(rng)), "."],
            lambda: ["mon numero fiscal ", ("TAX_NUMBER", tax(rng))],
            lambda: ["Mon identifiant fiscal est ", ("TAX_NUMBER", tax(rng)), "."],
        ],
        "PLATE": [
            lambda: ["Ma voiture immatriculée ", ("PLATE", plate(rng)), " a été vendue."],
            lambda: ["le véhicule ", ("PLATE", plate(rng)), " n'est plus à moi"],
            lambda: ["Plaque ", ("PLATE", plate(rng)), "."],
        ],
        "BIRTHDATE": [
            lambda: ["Je suis né le ", ("BIRTHDATE", birthdate(rng)), "."],
            lambda: ["née le ", ("BIRTHDATE", birthdate(rng)), " à Lyon"],
            lambda: ["Date de naissance : ", ("BIRTHDATE", birthdate(rng)), "\n"],
            lambda: ["mon fils né le ", ("BIRTHDATE", birthdate(rng))],
        ],
    }
    for label, makers in fragments.items():
        for index, maker in enumerate(makers):
            for _ in range(40):
                motif_key, core = rng.choice(cores)
                register = rng.choice(["lettre", "courriel", "sms", "chat", "tiers"])
                parts: list[Any] = []
                body = core if register != "sms" else to_sms(core, rng)
                if rng.random() < 0.5:
                    parts += [body + " ", *maker()]
                else:
                    parts += [*maker(), " " + body]
                if rng.random() < 0.3:
                    other = rng.choice([k for k in fragments if k != label])
                    parts += [" ", *rng.choice(fragments[other])()]
                rows.append(assemble(parts, register, f"{label}#{index}"))
    # texts without personal data: cores, keep-list sentences
    keep = [
        "J'ai appelé le 3646 puis le 3949, personne ne répond.",
        "Le 39 60 est saturé.",
        "J'ai un rendez-vous le 14 mars à 10 h à la CAF de Lyon.",
        "Le montant est de 1 250,50 €.",
        "J'ai rempli le cerfa n° 13824*04.",
        "Je vis à Toulouse depuis 2019.",
        "La MSA de Bourgogne m'a écrit.",
        "J'ai appelé le 0809 400 230 sans réponse.",
        "Le département du Nord ne répond pas.",
        "France Travail et la CPAM se renvoient la balle.",
        "Mon RSA de 635,71 euros n'est pas arrivé le 5 avril.",
        "Formulaire cerfa 15186*03 envoyé.",
        "Je suis allée à France Services de Saint-Denis mardi 3 juin.",
        "Le 3939 Allô Service Public m'a orienté vers vous.",
        "L'Anah et France Rénov' ne répondent pas.",
        "Rendez-vous fixé au 02/05/2025 à 9h30 au point justice.",
    ]
    for index in range(600):
        motif_key, core = rng.choice(cores)
        register = rng.choice(["lettre", "courriel", "sms", "chat", "transcription", "temoignage"])
        if register in {"lettre", "courriel"}:
            text = core + " " + rng.choice(EXTRAS)
        elif register == "sms":
            text = to_sms(core, rng)
        elif register == "transcription":
            text = to_transcript(core, rng)
        elif register == "temoignage":
            text = (
                rng.choice(TESTIMONIAL_OPEN_NEG).format(
                    org=rng.choice(ORG_ALIASES[motif_key.split("/")[0]])
                )
                + " "
                + core
            )
        else:
            text = core
        if index % 3 == 0:
            text += " " + rng.choice(keep)
        rows.append({"text": text, "entities": [], "register": register, "family": "none"})
    for index, sentence in enumerate(keep):
        rows.append(
            {"text": sentence, "entities": [], "register": "keep", "family": f"keep#{index}"}
        )
    return rows


def email(names: Names, rng: random.Random) -> str:
    first = strip_accents(names.first_name().lower()).replace(" ", "").replace("'", "")
    last = strip_accents(names.last_name().lower()).replace(" ", "").replace("'", "")
    domain = rng.choice(
        [
            "gmail.com",
            "orange.fr",
            "hotmail.fr",
            "free.fr",
            "laposte.net",
            "yahoo.fr",
            "sfr.fr",
            "outlook.com",
        ]
    )
    style = rng.choice(
        [
            f"{first}.{last}",
            f"{first}{last}{rng.randrange(100)}",
            f"{first[0]}{last}",
            f"{last}_{first}",
        ]
    )
    return f"{style}@{domain}"


def format_card(value: str, rng: random.Random) -> str:
    if rng.random() < 0.6:
        return " ".join(value[i : i + 4] for i in range(0, 16, 4))
    return value if rng.random() < 0.6 else "-".join(value[i : i + 4] for i in range(0, 16, 4))


def digits(rng: random.Random, count: int) -> str:
    return str(rng.randrange(1, 10)) + "".join(str(rng.randrange(10)) for _ in range(count - 1))


def tax(rng: random.Random) -> str:
    value = str(rng.randrange(0, 4)) + "".join(str(rng.randrange(10)) for _ in range(12))
    if rng.random() < 0.3:
        return f"{value[:2]} {value[2:4]} {value[4:7]} {value[7:10]} {value[10:]}"
    return value


def split_of(family: str, test_share: float = 0.2) -> str:
    """Stable family-level split: a family is wholly in train or wholly in test."""
    digest = int(hashlib.sha256(family.encode()).hexdigest()[:8], 16)
    return "test" if digest % 1000 < test_share * 1000 else "train"


def write_jsonl(rows: list[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def main() -> None:
    rng = random.Random(SEED)
    qualification = build_qualification(rng)
    write_jsonl(qualification, HERE / "qualification.jsonl")
    out_of_scope = build_out_of_scope(random.Random(SEED + 3))
    write_jsonl(out_of_scope, HERE / "out_of_scope.jsonl")
    pii = build_pii(random.Random(SEED + 1))
    write_jsonl(pii, HERE / "pii.jsonl")
    pii_contact = build_contact(random.Random(SEED + 2))
    write_jsonl(pii_contact, HERE / "pii_contact.jsonl")
    print(
        f"qualification: {len(qualification)} texts; out of scope: {len(out_of_scope)}; "
        f"pii: {len(pii)} texts; pii_contact: {len(pii_contact)} texts"
    )


if __name__ == "__main__":
    main()
