"""Contact-hub registers of the qualification corpus (issue 12); the personal data of
these registers, for the anonymiser, is :mod:`contact`.

The hub brings texts unlike the letters of the first corpus: emails with a greeting, a
signature block and the quoted previous message, chat lines sent one fragment at a time,
call transcripts without punctuation (with the agent's turns), web contact forms with
their field labels and a story before the question, SMS in heavy shorthand, and texts that
name two organisations, of which only one is asked about. Each renderer turns one
hand-written request (a template family) into one such text; the label stays the
request's motif, so a text naming another organisation teaches the model that the one
asked about decides.
"""

# ruff: noqa: E501 - hand-written data: one pattern or sentence per line reads best

from __future__ import annotations

import random
import re
from collections.abc import Callable

from parvis.language.corpus.contact import strip_accents

ORG_NAMES: dict[str, list[str]] = {
    "caf": [
        "la CAF",
        "la caf",
        "la Caisse d'allocations familiales",
        "les allocs",
        "la CAF du Nord",
    ],
    "assurance-maladie": [
        "la CPAM",
        "l'Assurance Maladie",
        "la sécu",
        "la secu",
        "ameli",
        "la caisse primaire",
        "la cpam",
    ],
    "assurance-retraite": [
        "la Carsat",
        "l'Assurance retraite",
        "la CNAV",
        "la caisse de retraite",
        "la carsat",
    ],
    "msa": ["la MSA", "la Mutualité sociale agricole", "la msa", "la caisse agricole"],
    "france-travail": ["France Travail", "Pôle emploi", "france travail", "pole emploi", "FT"],
    "dgfip": [
        "les impôts",
        "le centre des finances publiques",
        "impots.gouv",
        "le SIP",
        "le trésor public",
    ],
    "ants": ["l'ANTS", "la préfecture", "la mairie", "le site de l'ANTS", "l'ants"],
    "justice": ["le tribunal", "le greffe", "le point justice", "la maison de justice et du droit"],
    "urssaf": ["l'Urssaf", "l'URSSAF", "l'urssaf"],
    "anah": ["l'Anah", "France Rénov'", "l'ANAH"],
    "cheque-energie": ["le service du chèque énergie", "l'ASP"],
    "la-poste": ["La Poste", "la poste", "le bureau de poste"],
}

NOREPLY = {
    "caf": "CAF <ne-pas-repondre@caf.fr>",
    "assurance-maladie": "Assurance Maladie <ne-pas-repondre@assurance-maladie.fr>",
    "assurance-retraite": "Assurance retraite <noreply@lassuranceretraite.fr>",
    "msa": "MSA <ne-pas-repondre@msa.fr>",
    "france-travail": "France Travail <ne-pas-repondre@francetravail.fr>",
    "dgfip": "DGFiP <ne-pas-repondre@dgfip.finances.gouv.fr>",
    "ants": "ANTS <noreply@ants.gouv.fr>",
    "justice": "Greffe <greffe@justice.fr>",
    "urssaf": "Urssaf <ne-pas-repondre@urssaf.fr>",
    "anah": "France Rénov' <noreply@anah.gouv.fr>",
    "cheque-energie": "Chèque énergie <noreply@chequeenergie.gouv.fr>",
    "la-poste": "La Poste <service-client@laposte.fr>",
}

# What a citizen says of their situation before the question, by the organisation it
# belongs to: in a text about another organisation it is a distractor, never the label.
SITUATIONS: dict[str, list[str]] = {
    "caf": [
        "Je touche le RSA depuis deux ans.",
        "Je perçois l'APL pour mon studio.",
        "La CAF me verse les allocations familiales pour mes trois enfants.",
        "Je suis à la prime d'activité.",
        "jsuis au rsa",
    ],
    "assurance-maladie": [
        "Je suis en arrêt maladie depuis le mois dernier.",
        "J'ai la complémentaire santé solidaire.",
        "Ma carte Vitale est à jour.",
        "Je suis en affection longue durée.",
    ],
    "assurance-retraite": [
        "Je suis retraitée depuis 2018.",
        "Je touche une petite pension de la Carsat.",
        "Mon mari est à la retraite.",
    ],
    "msa": [
        "Mon mari est agriculteur.",
        "Je suis affiliée à la MSA.",
        "J'ai travaillé vingt ans comme salarié agricole.",
    ],
    "france-travail": [
        "Je suis inscrite à France Travail depuis six mois.",
        "Je touche l'ARE.",
        "Je suis demandeur d'emploi.",
        "je suis au chomage depuis mars",
    ],
    "dgfip": [
        "Je ne suis pas imposable.",
        "J'ai fait ma déclaration de revenus en mai.",
        "Je suis propriétaire d'une petite maison.",
    ],
    "ants": [
        "Je viens de refaire ma carte d'identité.",
        "J'ai passé le permis l'an dernier.",
    ],
    "justice": [
        "Je suis en instance de divorce.",
        "J'ai un dossier en cours au tribunal.",
    ],
    "urssaf": [
        "Je suis auto-entrepreneur à côté.",
        "J'ai une micro-entreprise de ménage.",
    ],
    "anah": [
        "Nous avons fait des travaux d'isolation l'an dernier.",
    ],
    "cheque-energie": [
        "Je reçois le chèque énergie chaque année.",
    ],
    "la-poste": [
        "J'ai fait suivre mon courrier.",
    ],
}

# Wrappers of a request that name a second organisation, not the one asked about.
# ``{other}`` is the second organisation, ``{org}`` the one asked about, ``{text}`` the request.
TWO_ORGANISATIONS = [
    "{Other} m'a dit de m'adresser à vous. {text}",
    "J'ai d'abord appelé {other} mais ce n'est pas eux qui s'en occupent. {text}",
    "{text} {Other} me renvoie vers vous.",
    "{text} J'ai demandé à {other}, ils disent que ce n'est pas pour eux.",
    "Ma question n'est pas pour {other}, c'est pour {org} : {text}",
    "{text} Pour le reste tout va bien avec {other}, c'est seulement ça qui bloque.",
    "Je suis déjà suivie par {other} pour autre chose. {text}",
    "{Other} et {org} se renvoient la balle. {text}",
    "{situation} {text}",
    "{situation} Mais ma question concerne {org}. {text}",
    "{text} ({situation})",
    "Je vous écris de la part de {other} qui ne peut rien faire. {text}",
    "{text} L'agent de {other} m'a conseillé de vous écrire directement.",
    "{other} m'a envoyé un courrier mais ça n'a rien à voir, {text_lower}",
    "bjr {other} me dit de voir avec vous {text_lower}",
    # the context clause (who was called before) apart from the request (what is asked)
    "J'ai déjà appelé {other} qui m'a dit de voir avec {org}. {text}",
    "On m'a renvoyé vers {org} depuis {other}. {text}",
    "Après avoir contacté {other} sans succès, je me tourne vers vous. {text}",
    "Suite à mon appel à {other}, on m'a dit que c'était {org} qui s'en occupait. {text}",
    "{text} J'ai déjà fait le tour : {other} m'a renvoyé ici.",
    "J'ai déjà vu {other}, ils ne peuvent rien pour moi. Je voudrais savoir : {text_lower}",
    "{Other} m'a orientée vers {org}. Ma question : {text}",
    "Je suis passé chez {other} hier, ce n'est pas de leur ressort. {text}",
    "C'est {other} qui m'a donné votre contact. {text}",
    "{text} Merci de ne pas me renvoyer vers {other}, j'y suis déjà allée.",
    "jai deja appele {other} ils mont dit de voir avec vs {text_lower}",
    "{Other} ne sait pas répondre. Pouvez-vous m'aider ? {text}",
    "Je m'adresse à {org} car {other} n'est pas compétent. {text}",
    "Ma conseillère de {other} m'a dit de vous poser la question directement. {text}",
    "{text} (j'ai eu {other} au téléphone, ils disent que c'est chez vous)",
    "Bonjour, {other} m'a dit que ce n'était pas chez eux, donc je vous écris. {text}",
]

# Frames in which the second organisation comes with its own subject (``{kw}``), in a
# clause that is context, not the question.
OTHER_SUBJECT = [
    "Pour {kw}, je vois avec {other}. Ma question ici : {text}",
    "{Other} me verse bien {kw}, pas de souci de ce côté. Par contre, {text_lower}",
    "{text} Je précise que {kw} est géré par {other} et que ça va.",
    "J'ai réglé {kw} avec {other} la semaine dernière. Maintenant, {text_lower}",
    "Rien à voir avec {kw} ni avec {other} : {text_lower}",
    "{text} (pour {kw}, {other} m'a déjà répondu)",
    "A cause de {kw} {other} m'a envoyé vers vous, {text_lower}",
    "{Other} me verse {kw} et tout va bien de ce côté. Je voudrais savoir : {text_lower}",
    "Mon dossier pour {kw} chez {other} est réglé. Ma question concerne autre chose : {text_lower}",
    "J'ai déjà eu {other} pour {kw}, ils m'ont dit de vous écrire pour la suite. {text}",
    "{text} Pour info, je suis aussi suivi par {other} pour {kw}.",
    "Après avoir réglé {kw} avec {other}, il me reste une question pour vous : {text_lower}",
]

GREETINGS = [
    "Bonjour,",
    "Bonjour Madame, Monsieur,",
    "Madame, Monsieur,",
    "Bonjour",
    "Bonsoir,",
    "Bjr,",
]
CLOSINGS = [
    "Cordialement,",
    "Bien cordialement,",
    "Merci d'avance.",
    "Dans l'attente de votre réponse,",
    "Salutations.",
    "Merci de votre aide",
    "Bonne journée",
]
MOBILE_FOOTERS = [
    "Envoyé de mon iPhone",
    "Envoyé depuis mon téléphone Android",
    "Obtenir Outlook pour Android",
    "Envoyé à partir de Courrier pour Windows",
    "Envoyé depuis mon smartphone Samsung Galaxy",
]
WEEKDAYS = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."]
MONTHS = [
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
]

REPLIES = [
    "Bonjour,\nNous avons bien reçu votre demande concernant {kw}.\nElle sera traitée dans les meilleurs délais.\nCordialement,\nVotre conseiller",
    "Madame, Monsieur,\nSuite à votre message, nous vous informons que votre dossier relatif à {kw} est en cours d'instruction.\nLe service clientèle",
    "Bonjour,\nPour toute question sur {kw}, merci de vous connecter à votre espace personnel.\nCeci est un message automatique, merci de ne pas y répondre.",
    "Bonjour Madame,\nJe fais suite à notre échange téléphonique au sujet de {kw}. Pouvez-vous nous transmettre les pièces manquantes ?\nBien à vous",
]

CHAT_OPENERS = ["bonjour", "bjr", "Bonjour", "slt", "bonsoir", "allo", "Bonjour madame", "hello"]
CHAT_CLOSERS = [
    "merci",
    "mrc",
    "vous etes la ?",
    "???",
    "svp",
    "merci d avance",
    "allo ?",
    "je attends",
]

AGENT_OPENERS = [
    "{org_spoken} bonjour {agent} à votre écoute",
    "bonjour vous êtes bien à {org_spoken} que puis-je pour vous",
    "oui bonjour je vous écoute",
    "bonjour madame monsieur que puis-je faire pour vous",
    "service client bonjour",
]
AGENT_TURNS = [
    "d'accord",
    "je vois",
    "vous pouvez me donner votre numéro de dossier",
    "un instant je regarde",
    "oui",
    "hm hm",
    "je vous mets en attente",
    "je comprends",
]
AGENT_CLOSERS = [
    "très bien je transmets votre demande",
    "je vous fais un signalement",
    "je vais voir avec le service",
    "on va vous rappeler",
]
FILLERS = [
    "euh",
    "ben",
    "en fait",
    "voilà",
    "donc",
    "du coup",
    "hein",
    "bah",
    "enfin",
    "genre",
    "bon",
]

FORM_SUBJECTS = [
    "Autre demande",
    "Réclamation",
    "Demande d'information",
    "Suivi de dossier",
    "Ma situation",
    "Problème de paiement",
    "Contestation",
    "Question",
]
FORM_LAYOUTS = [
    "Objet : {subject}\nMessage : {body}",
    "Sujet de votre demande : {subject}\nVotre message :\n{body}",
    "Motif du contact : {subject}\nPrécisez votre demande : {body}",
    "{body}",
    "Catégorie : {subject}\n\n{body}",
    "Votre demande : {body}\nAcceptez-vous d'être recontacté ? Oui",
]
FORM_STORIES = [
    "Je me permets de vous écrire car je ne sais plus vers qui me tourner.",
    "Voilà ma situation : je vis seule avec mon fils de 8 ans et je travaille à mi-temps.",
    "J'ai déjà envoyé deux messages sans réponse.",
    "Je suis allée au guichet la semaine dernière et on m'a dit de passer par le formulaire.",
    "Je vous explique : nous avons déménagé en août.",
    "Depuis le début de l'année tout se complique.",
    "Je suis en situation de handicap et j'ai du mal avec internet.",
    "Ma fille m'aide à remplir ce formulaire.",
    "Je vous contacte pour la troisième fois.",
    "Mon conjoint et moi sommes séparés depuis le printemps.",
]

# Heavy SMS shorthand: (pattern, replacements), applied on lower-case text.
SMS_HEAVY = [
    (r"\bcomment\b", ["cmt", "cmnt", "coment"]),
    (r"\bmerci\b", ["mrc", "mci", "merci"]),
    (r"\bpour\b", ["pr", "pour"]),
    (r"\bavec\b", ["avc", "avec"]),
    (r"\bquoi\b", ["koi"]),
    (r"\bqui\b", ["ki"]),
    (r"\bque\b", ["ke", "k"]),
    (r"\bbeaucoup\b", ["bcp"]),
    (r"\btoujours\b", ["tjs", "tjrs", "tjr"]),
    (r"\bdemain\b", ["dem1", "demain"]),
    (r"\bbesoin\b", ["bsoin", "besoin"]),
    (r"\ballocations?\b", ["alloc", "allocs"]),
    (r"\bnuméro\b", ["num", "n°", "numero"]),
    (r"\bdossier\b", ["doss", "dossier"]),
    (r"\brendez-vous\b", ["rdv"]),
    (r"\btéléphone\b", ["tel", "tél"]),
    (r"\bd'accord\b", ["dac", "ok"]),
    (r"\bvraiment\b", ["vrmt"]),
    (r"\bquelqu'un\b", ["qqn", "qlq1"]),
    (r"\bquelque chose\b", ["qqch"]),
    (r"\bbonjour\b", ["bjr", "bnjr", "bonjour"]),
    (r"\bs'il vous plaît\b", ["svp", "stp", "svpl"]),
    (r"\bpourquoi\b", ["pk", "pq", "pourkoi"]),
    (r"\bquand\b", ["qd", "kan", "quand"]),
    (r"\bj'ai\b", ["jai", "g", "j ai"]),
    (r"\bje suis\b", ["jsuis", "chui", "jsui"]),
    (r"\bc'est\b", ["c", "cest", "sé"]),
    (r"\bn'", [""]),
    (r"\bne\b ", [""]),
    (r"\bpas\b", ["pa", "pas"]),
    (r"\bmaintenant\b", ["mtn"]),
    (r"\baujourd'hui\b", ["ajd", "auj"]),
    (r"\bmessage\b", ["msg"]),
    (r"\bparce que\b", ["pcq", "pck", "psk"]),
    (r"\bje sais pas\b", ["jsp"]),
    (r"\bmois\b", ["moi", "mois"]),
    (r"\bsécurité sociale\b", ["secu"]),
    (r"\bvous\b", ["vs", "vous"]),
    (r"\bnous\b", ["ns", "nous"]),
    (r"\bdans\b", ["ds", "dans"]),
    (r"\bmême\b", ["mm", "meme"]),
    (r"\bsans\b", ["ss", "sans"]),
    (r"\best-ce que\b", ["esk", "est ce que"]),
]


def _cap(value: str) -> str:
    return value[:1].upper() + value[1:]


def sms_heavy(text: str, rng: random.Random) -> str:
    value = text.lower()
    for pattern, choices in SMS_HEAVY:
        if rng.random() < 0.8:

            def shorthand(_match: re.Match[str], options: list[str] = choices) -> str:
                return rng.choice(options)

            value = re.sub(pattern, shorthand, value)
    value = strip_accents(value)
    value = re.sub(r"[.,;:!«»()]", "", value)
    if rng.random() < 0.5:
        value = value.replace("?", "")
    value = value.replace("'", " " if rng.random() < 0.5 else "")
    return re.sub(r"\s+", " ", value).strip()


def chat_fragments(text: str, rng: random.Random) -> str:
    """One request sent as several chat lines (clauses cut at commas and conjunctions)."""
    value = text if rng.random() < 0.4 else strip_accents(text.lower())
    if rng.random() < 0.6:
        value = re.sub(r"[.;!]", "", value)
    parts = [
        p.strip()
        for p in re.split(r",|\s(?=mais |et |car |alors |parce |comment |est-ce )", value)
        if p.strip()
    ]
    lines: list[str] = []
    if rng.random() < 0.7:
        lines.append(rng.choice(CHAT_OPENERS))
    lines.extend(parts)
    if rng.random() < 0.5:
        lines.append(rng.choice(CHAT_CLOSERS))
    prefix = rng.choice(["", "", "", "Moi : ", "Usager : ", "> "])
    return "\n".join(prefix + line for line in lines)


def call_transcript(text: str, org: str | None, rng: random.Random) -> str:
    """A call with the agent's turns, lower case, no punctuation, fillers, repetitions."""
    words = re.sub(r"[.,;:!?«»()]", " ", text.lower()).split()
    caller: list[str] = []
    for word in words:
        caller.append(word)
        if rng.random() < 0.1:
            caller.append(rng.choice(FILLERS))
        if rng.random() < 0.04:
            caller.append(word)
    labelled = rng.random() < 0.6
    agent_label, caller_label = rng.choice(
        [
            ("Agent :", "Usager :"),
            ("Conseiller:", "Appelant:"),
            ("A :", "U :"),
            ("agent", "usager"),
            ("Conseillère -", "Allocataire -"),
            ("AGENT :", "CLIENT :"),
        ]
    )
    stamped = rng.random() < 0.3
    opener = rng.choice(AGENT_OPENERS).format(
        org_spoken=strip_accents(rng.choice(ORG_NAMES[org]).lower())
        if org and rng.random() < 0.3
        else "le service",
        agent=rng.choice(["sandrine", "karim", "la conseillère", "le conseiller"]),
    )
    cut = len(caller) // 2 if len(caller) > 12 and rng.random() < 0.5 else len(caller)
    turns = [("agent", opener), ("caller", "oui bonjour " + " ".join(caller[:cut]))]
    if cut < len(caller):
        turns += [("agent", rng.choice(AGENT_TURNS)), ("caller", " ".join(caller[cut:]))]
    if rng.random() < 0.5:
        turns.append(("agent", rng.choice(AGENT_CLOSERS)))
    if labelled:
        lines = []
        for index, (who, line) in enumerate(turns):
            stamp = f"[00:{index * 7 // 60:02d}:{index * 7 % 60:02d}] " if stamped else ""
            lines.append(f"{stamp}{agent_label if who == 'agent' else caller_label} {line}")
        joined = "\n".join(lines)
    else:
        joined = " ".join(line for _, line in turns)
    if rng.random() < 0.5:
        joined = strip_accents(joined)
    return re.sub(r"[ \t]+", " ", joined)


def web_form(text: str, rng: random.Random, situation: str = "") -> str:
    story = rng.choice(FORM_STORIES) if rng.random() < 0.6 else ""
    body = " ".join(part for part in (story, situation, text) if part)
    return rng.choice(FORM_LAYOUTS).format(subject=rng.choice(FORM_SUBJECTS), body=body)


def _signature(rng: random.Random, person: Callable[[], str]) -> str:
    kind = rng.random()
    if kind < 0.3:
        return f"{rng.choice(CLOSINGS)}\n{person()}"
    if kind < 0.5:
        return f"{rng.choice(CLOSINGS)}\n{person()}\n{rng.randrange(1, 90)} rue des Acacias\n{rng.choice(['33000 Bordeaux', '59000 Lille', '87000 Limoges', '97400 Saint-Denis'])}\nTél. 06 {rng.randrange(10, 99)} {rng.randrange(10, 99)} {rng.randrange(10, 99)} {rng.randrange(10, 99)}"
    if kind < 0.65:
        return f"{rng.choice(CLOSINGS)}\n\n--\n{person()}\n{rng.choice(['Portable', 'Tél', 'Mobile'])} : 07 {rng.randrange(10, 99)} {rng.randrange(10, 99)} {rng.randrange(10, 99)} {rng.randrange(10, 99)}"
    if kind < 0.8:
        return f"{rng.choice(CLOSINGS)}\n{person()}\n\n{rng.choice(MOBILE_FOOTERS)}"
    return rng.choice(CLOSINGS)


def _quoted(rng: random.Random, org: str, keyword: str, previous: str) -> str:
    reply = rng.choice(REPLIES).format(kw=keyword) if rng.random() < 0.6 else previous
    sender = NOREPLY[org] if reply is not previous else "moi <citoyen@exemple.fr>"
    day, hour = rng.randrange(1, 29), f"{rng.randrange(7, 20):02d}:{rng.randrange(60):02d}"
    date = f"{rng.choice(WEEKDAYS)} {day} {rng.choice(MONTHS)} 2025"
    style = rng.randrange(5)
    if style == 0:
        quoted = "\n".join("> " + line if line else ">" for line in reply.split("\n"))
        return f"Le {date} à {hour}, {sender} a écrit :\n{quoted}"
    if style == 1:
        return f"-----Message d'origine-----\nDe : {sender}\nEnvoyé : {date} {hour}\nÀ : moi\nObjet : RE: Votre demande\n\n{reply}"
    if style == 2:
        return f"________________________________\nDe : {sender}\nEnvoyé : {date}\nÀ : usager\nObjet : Votre demande en ligne\n\n{reply}"
    if style == 3:
        return f"-------- Message original --------\nSujet : Votre dossier\nDate : {date} {hour}\nDe : {sender}\nPour : moi\n\n{reply}"
    quoted = "\n".join("> " + line for line in reply.split("\n"))
    return f"{sender} a écrit :\n{quoted}"


def email_thread(
    text: str,
    rng: random.Random,
    *,
    quoted_org: str,
    quoted_keyword: str,
    previous: str,
    person: Callable[[], str],
) -> str:
    """Greeting, request, closing and signature block, then (often) the quoted message."""
    body = f"{rng.choice(GREETINGS)}\n\n{text}\n\n{_signature(rng, person)}"
    if rng.random() < 0.75:
        body += "\n\n" + _quoted(rng, quoted_org, quoted_keyword, previous)
    return body


def two_organisations(
    text: str, org: str, other: str, rng: random.Random, other_keyword: str = ""
) -> str:
    """``text`` (a request to ``org``) with ``other`` named beside it: as the organisation
    that sent the citizen here, as part of their situation, or with its own subject
    (``other_keyword``, « mon RSA ») in a clause that is not the question."""
    other_name = rng.choice(ORG_NAMES[other])
    situation = rng.choice(SITUATIONS[other])
    frames = TWO_ORGANISATIONS + (OTHER_SUBJECT if other_keyword else [])
    frame = rng.choice(frames)
    return frame.format(
        text=text,
        text_lower=strip_accents(text.lower()),
        other=other_name,
        Other=_cap(other_name),
        org=rng.choice(ORG_NAMES[org]),
        situation=situation,
        kw=other_keyword,
    )
