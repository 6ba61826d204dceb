"""Rule lexicons of the qualifier: urgency, vulnerability, sensitive data, tone, stage, themes.

Every pattern runs on :func:`parvis.language.text.normalise` output (lower case, no accents),
and tolerates SMS spellings ("jai", "g plus", "sa fait"). Triggers are reported as the
words found in the text so an agent sees why a flag was raised.
"""

# ruff: noqa: E501 - hand-written data: one pattern or sentence per line reads best

from __future__ import annotations

import re
from typing import Any

from parvis.language.alternation import alternation

# The gate of each compiled lexicon, by the dict's id (:func:`_triggers`).
_GATES: dict[int, re.Pattern[str]] = {}


def _words(alternatives: list[str]) -> re.Pattern[str]:
    """Any of ``alternatives`` as whole words (grouped by first character: faster, same
    matches, see :mod:`parvis.language.alternation`)."""
    return re.compile(r"(?<![\w])" + alternation(alternatives) + r"(?![\w])")


def _compile(patterns: dict[str, list[str]]) -> dict[str, re.Pattern[str]]:
    compiled = {key: _words(values) for key, values in patterns.items()}
    _GATES[id(compiled)] = _gate(patterns)
    return compiled


def _gate(patterns: dict[str, list[str]]) -> re.Pattern[str]:
    """One pattern that matches where any of ``patterns`` does: most texts match none, and
    one scan of the union costs less than one scan per category."""
    return _words([value for values in patterns.values() for value in values])


_NO = r"(?:plus|pas|aucune?|zero|0)"
URGENCY = _compile(
    {
        "perte de revenus": [
            rf"(?:je n'?ai|j'?ai|jai|g|nous n'?avons|on a|elle n'?a|il n'?a|n'?a)\s+{_NO}\s+(?:de\s+|d'?|aucun\s+)?"
            r"(?:revenus?|ressources?|argent|salaire|rentree d'argent|sous|un centime|rien pour vivre)",
            r"sans (?:aucun )?(?:revenus?|ressources?|argent|un sou|un centime)",
            r"plus rien pour (?:vivre|manger|payer)",
            r"aucune ressource",
            r"plus un (?:sou|centime|euro)",
            r"(?:rien|plus rien) (?:a|pour) manger",
            r"(?:enfants?|gosses?) (?:ont|a) faim",
            r"(?:compte|banque) (?:a decouvert|dans le rouge|bloque)",
            r"interdit bancaire",
            r"plus de (?:rsa|salaire|chomage|allocations?|pension|aide)",
            r"(?:coupe|suspendu|stoppe|arrete|supprime)e?s? (?:tous )?(?:mes|nos|ses) (?:droits|aides|allocations)",
            r"(?:mes|nos|ses) (?:droits|aides|allocations|versements) (?:ont ete |sont )?(?:coupes?|suspendus?|arretes?|supprimes?|bloques?)",
            r"fin de droits",
            r"(?:je ne peux|j'?peux|peux) (?:plus|pas) (?:payer|manger|nourrir)",
            # no money for food or rent this month (issue 12)
            r"(?:ne peux|peux|pourrai|pourrais|arrive|arriverai|vais pas pouvoir) (?:pas |plus )?(?:a )?(?:payer|regler) (?:mon |le |ce |notre )?loyer",
            r"frigo (?:est )?vide",
            r"pas de quoi (?:manger|payer|vivre|nourrir)",
            r"plus (?:un rond|rien) (?:sur|dans) (?:mon|le|notre) compte",
            r"plus un rond",
            r"(?:rien|plus rien|zero euro|0 euro|pas un sou|pas un centime) (?:sur|dans) (?:mon|le|notre) compte",
            r"comment (?:je vais|on va|vais je|allons nous) (?:faire pour )?(?:manger|nourrir|payer (?:le|mon|notre) loyer|tenir|finir le mois)",
            r"(?:banque|colis|aide) alimentaires?",
            r"restos? du coeur",
            r"(?:je n'?ai|on n'?a|nous n'?avons|jai|g) plus rien",
            r"(?:lait|couches) pour (?:le|mon|ma|notre) bebe",
        ],
        "expulsion": [
            r"expulsions?",
            r"expulse(?:e|es|s|r)?",
            r"huissiers?",
            r"commandement de (?:payer|quitter)",
            r"mis(?:e)? (?:a la porte|dehors)",
            r"a la rue",
            r"sans (?:logement|domicile|toit|abri)",
            r"\bsdf\b",
            r"dors? (?:dans (?:ma|la|une) voiture|dehors)",
            r"treve hivernale",
            r"hebergement d'?urgence",
            r"\b115\b",
            r"(?:dette|retard) de loyers?",
            r"loyers? (?:impayes?|en retard)",
            r"impayes? de loyers?",
            r"(?:proprietaire|proprio|bailleur) (?:veut|va|menace de) (?:me|nous) (?:mettre dehors|virer|expulser|faire partir)",
            r"quitter (?:le|mon|notre) logement (?:avant|d'?ici|dans|sous)",
        ],
        "coupure": [
            r"coupures? (?:d'?|de )?(?:electricite|courant|gaz|eau|chauffage|energie)",
            r"(?:electricite|courant|gaz|eau|chauffage) (?:coupee?|va etre coupee?)",
            r"plus de (?:chauffage|courant|electricite|gaz)",
            r"couper (?:l'?|le |la |mon |ma )?(?:electricite|courant|gaz|eau|chauffage|compteur)",
        ],
        "detresse": [
            r"(?:je veux|envie d'?|vais) en finir",
            r"suicid\w*",
            r"(?:plus|pas) envie de vivre",
            r"me foutre en l'?air",
            r"desespere(?:e)?",
            r"a bout",
            r"je craque",
            r"detresse",
            r"je n'?en peux plus",
            r"j'?en peux plus",
            r"au bout du rouleau",
            r"plus la force",
            r"violences?(?: conjugales?)?",
            r"(?:il|elle) me (?:frappe|bat|menace)",
            r"(?:mari|conjoint|compagnon|ex|concubin) (?:me |m'?)(?:frappe|bat|menace|violente)",
            r"danger",
        ],
        # a health emergency (issue 12)
        "urgence medicale": [
            r"(?:opere|operee|hospitalise|hospitalisee|operation|soigne|soignee|transporte) (?:en |d'?)urgence",
            r"aux urgences",
            r"urgences? (?:medicale|vitale)s?",
            r"soins urgents",
            r"traitement (?:vital|urgent)",
            r"(?:sans|plus|pas) (?:de |d'?)?(?:mes )?(?:medicaments|traitement|insuline)",
            r"(?:ne peux|peux) (?:pas|plus) (?:acheter|payer) (?:mes |les |ses )?medicaments",
        ],
        "delai imminent": [
            r"urgen(?:t|te|ce|ces)",
            r"au plus vite",
            r"tres vite",
            r"rapidement svp",
            r"(?:avant|d'?ici|jusqu'?a|au plus tard) (?:demain|ce soir|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|la fin de (?:la semaine|du mois))",
            # a deadline tomorrow or within days (issue 12)
            r"(?:c'?est|pour|expire|expirent|termine|se termine|tombe|limite) demain",
            r"date limite",
            r"(?:dans|sous) (?:\d|deux|trois|quatre|cinq|six|quelques) jours",
            r"dernier jour",
            r"dernier (?:delai|rappel|avis)",
            r"mise en demeure",
            r"saisies?(?: sur salaire| sur compte)?",
            r"urgt|urjent|urjence",
            r"le plus (?:vite|rapidement) possible",
            r"au plus tot",
            r"c'?est (?:tres )?presse",
            r"(?:audience|convocation|rendez[- ]vous|rdv|examen|entretien|vol|avion|depart|operation|demenagement) (?:est |c'?est |prevue? |a lieu )?demain",
            r"(?:des|avant|pour) demain(?: matin)?",
            r"(?:il me|il nous|il ne me|il ne nous) reste (?:que )?(?:\d|deux|trois|quatre|cinq|quelques) jours",
            r"(?:expire|expirent|se termine|se terminent|finit|finissent|prend fin|tombe) (?:dans (?:\d|deux|trois|quelques) jours|cette semaine|lundi|mardi|mercredi|jeudi|vendredi|samedi)",
        ],
    }
)

VULNERABILITY = _compile(
    {
        "handicap": [
            r"handicap\w*",
            r"\bmdph\b",
            r"\baah\b",
            r"invalidite",
            r"fauteuil roulant",
            r"en fauteuil",
            r"\brqth\b",
            r"malvoyante?",
            r"aveugle",
            r"non[- ]voyante?",
            r"sourde?",
            r"malentendante?",
            r"(?:carte|taux) d'?invalidite",
            r"\bpch\b",
            r"autis\w+",
            r"trisomi\w+",
            r"paralyse(?:e|s)?",
            r"amputee?",
            r"mobilite reduite",
            r"polyhandicap\w*",
            r"(?:ne peux|ne peut|peux|peut) (?:plus|pas) (?:marcher|me deplacer|se deplacer|sortir de chez (?:moi|elle|lui))",
            r"grabataire",
            r"perte d'?autonomie",
        ],
        "personne agee isolee": [
            r"(?:\d{2}|quatre[- ]vingts?(?:[- ]\w+)?) ans(?:,)? (?:et )?(?:je vis |vit |vivant |qui vit )?seule?",
            r"(?:personne|dame|monsieur|mere|pere|grand[- ]mere|grand[- ]pere) (?:agee|age|tres agee)",
            r"(?:je suis|elle est|il est) (?:agee?|tres agee?|seule?|isolee?)",
            r"(?:vit|vis|vivant|habite|reste) seule?",
            # « isole » alone is also insulation (« isoler les combles »)
            r"isolement",
            r"(?:personnes?|femmes?|hommes?|tres|me sens|se sent) isolee?s?",
            r"personne ne (?:m'?aide|l'?aide)",
            r"(?:9\d|8\d) ans",
            r"veu(?:f|ve) (?:et |qui vit )?seule?",
            r"(?:7[5-9]) ans",
            r"\bapa\b",
            r"ehpad",
        ],
        "sante fragile": [
            r"(?:gravement |tres )?malade",
            r"cancer",
            r"chimio\w*",
            r"hospitalise(?:e)?",
            r"hopital",
            r"dialyse",
            r"maladie (?:grave|chronique|longue|rare|de (?:parkinson|charcot))",
            r"longue maladie",
            r"(?:opere|operee|hospitalise|hospitalisee) (?:en |d'?)urgence",
            r"(?:sans|plus|pas) (?:de |d'?)?(?:mes |ses )?(?:medicaments|traitement|insuline)",
            r"\bald\b",
            r"alzheimer",
            r"parkinson",
            r"sclerose",
            r"depression",
            r"burn[- ]?out",
            r"\bavc\b",
            r"insuffisance (?:renale|cardiaque|respiratoire)",
            r"greffe",
            r"soins palliatifs",
            r"fin de vie",
            r"sous oxygene",
        ],
        "famille fragile": [
            r"(?:mere|pere|maman|papa|parent) (?:seule?|isolee?|celibataire)",
            r"enceinte",
            r"seule? avec (?:mes|\d|deux|trois|quatre) (?:enfants?|gosses?)",
            r"(?:enfants?|bebe) (?:en bas age|handicape)",
        ],
        # domestic violence, homelessness (issue 12)
        "violence": [
            r"violences? (?:conjugales?|familiales?)",
            r"victimes? de violences?",
            r"(?:mari|conjoint|compagnon|ex|concubin) (?:me |m'?)(?:frappe|bat|menace|violente)",
            r"(?:il|elle) me (?:frappe|bat)",
            r"femmes? battues?",
            r"violente? avec moi",
            r"(?:fuir|fui|quitter|quitte) (?:le domicile|la maison) (?:conjugal|familial|a cause)",
            r"main courante",
            r"porte plainte contre (?:mon|mon ex|le pere)",
        ],
        "sans logement": [
            r"sans (?:logement|domicile|toit|abri)",
            r"\bsdf\b",
            r"a la rue",
            r"dors? (?:dans (?:ma|la|une) voiture|dehors|a la rue)",
            r"hebergee?s? (?:chez|par) (?:des amis|un ami|une amie|ma soeur|mon frere|ma mere|mon pere|de la famille|un tiers|des proches)",
            r"hebergement d'?urgence",
            r"\b115\b",
            r"hotel social",
            r"(?:vis|vit|vivons|loge|logee|heberge|hebergee) (?:dans|en) (?:un )?(?:foyer|squat|hotel|camping|caravane)",
            r"(?:je n'?ai|jai|on n'?a|nous n'?avons) (?:plus )?(?:de |d'?|aucun )?(?:logement|domicile)",
        ],
        # someone writing for such a person
        "pour un proche": [
            r"aidante? (?:familiale?|de (?:ma|mon))",
            r"(?:ma|mon) (?:mere|pere|tante|oncle|grand[- ]mere|grand[- ]pere|voisine?|soeur|frere|fils|fille) (?:tres )?(?:agee?|handicapee?|malade|grabataire|hospitalisee?|dependante?)",
        ],
        "exclusion": [
            r"(?:pas|ni) (?:d'?|de )?(?:ordinateur|internet|smartphone|ordi)",
            r"sans (?:ordinateur|internet|smartphone)",
            r"pas (?:d'?|de )?acces (?:a |au )?(?:internet|numerique)",
            r"(?:ne sais|sais) pas (?:me servir|utiliser|faire marcher) (?:d'?un |un |l'?|les )?(?:ordinateur|internet|telephone|portable|smartphone|site)",
            r"(?:pas|ni) (?:d'?|de )?(?:adresse )?(?:e-?mail|mail|courriel)",
            r"pas a l'?aise avec (?:internet|l'?informatique|les ordinateurs|le numerique)",
            r"nulle? en informatique",
            r"analphabete",
            r"(?:ne sais|sais) pas (?:lire|ecrire|utiliser)",
            r"illettre\w*",
            r"ne (?:parle|comprends?) pas (?:bien )?(?:le )?francais",
            r"(?:parle|comprends?) (?:mal|pas bien) (?:le )?francais",
            r"sans papiers",
            r"(?:tutelle|curatelle)",
            r"demandeur d'?asile",
            r"refugiee?",
            r"(?:ne connais|connais|ne comprends|comprends) rien (?:a|aux|en) (?:internet|l'?informatique|ordinateurs?|sites?|demarches en ligne)",
            r"internet (?:c'?est|cest) (?:trop )?(?:complique|pas pour moi)",
            r"(?:mon|ma) (?:fils|fille|petit[- ]fils|petite[- ]fille|voisine?|aide a domicile|auxiliaire de vie) (?:m'?aide a|ecrit pour moi|remplit pour moi)",
        ],
    }
)

# French names of the sensitive categories (GDPR art. 9 and 10), as moderators read them.
SENSITIVE_LABELS: dict[str, str] = {
    "sante": "santé",
    "religion": "religion ou convictions",
    "syndicat": "appartenance syndicale",
    "infraction": "infractions et condamnations",
    "origine": "origine",
}

SENSITIVE = _compile(
    {
        "sante": [
            r"cancer",
            r"chimio\w*",
            r"radiotherapie",
            r"diabet\w*",
            r"depression",
            r"depressi\w+",
            r"\bvih\b",
            r"\bsida\b",
            r"seropositi\w+",
            r"hepatite",
            r"sclerose",
            r"alzheimer",
            r"parkinson",
            r"psychiatr\w*",
            r"schizophren\w*",
            r"bipolaire",
            r"antidepresseurs?",
            r"traitements? (?:medical|lourd|contre)",
            r"hospitalis\w+",
            r"operee?",
            r"operation (?:du|de la|chirurgicale)",
            r"(?:ma|sa|leur|une|cette|la) maladie(?! professionnelle)",
            r"maladies? (?:grave|chronique|rare|orpheline|longue)\w*",
            r"maladie (?:de|d')\s?(?!travail)\w+",
            r"enceinte",
            r"grossesse",
            r"avortement",
            r"\bivg\b",
            r"handicap\w*",
            r"invalidite",
            r"\bald\b",
            r"affection longue duree",
            r"burn[- ]?out",
            r"dialyse",
            r"insuline",
            r"tumeur",
            r"covid",
            r"asthme",
            r"epilep\w+",
            r"autis\w+",
            r"addiction",
            r"alcoolis\w+",
            r"toxicoman\w+",
            r"methadone",
            r"infarctus",
            r"avc",
        ],
        "religion": [
            r"musulmane?s?",
            r"islam\w*",
            r"chretiens?|chretiennes?",
            r"catholiques?",
            r"protestante?s?",
            r"juifs?|juives?",
            r"judaisme",
            r"mosquee",
            r"eglise",
            r"synagogue",
            r"ramadan",
            r"voile islamique|porte le voile|foulard",
            r"religion",
            r"religieu\w+",
            r"temoins? de jehovah",
            r"bouddhiste",
            r"athee",
            r"\bpriere\b",
        ],
        "opinion politique": [
            r"parti (?:politique|socialiste|communiste)",
            r"militante?",
            r"\blfi\b",
            r"rassemblement national",
            r"\brn\b",
            r"insoumis\w*",
            r"ecologistes?",
            r"gilets? jaunes?",
            r"je vote",
            r"vote pour",
            r"extreme (?:droite|gauche)",
            r"opinions? politiques?",
        ],
        "syndicat": [
            r"syndica\w+",
            r"\bcgt\b",
            r"\bcfdt\b",
            r"\bfo\b",
            r"\bunsa\b",
            r"delegue(?:e)? du personnel",
        ],
        "orientation sexuelle": [
            r"homosexuel\w*",
            r"\bgay\b",
            r"lesbienne",
            r"bisexuel\w*",
            r"\blgbt\w*",
            r"\bpacse avec mon compagnon\b",
            r"mon mari et moi\b(?=.*\bje suis un homme\b)",
            r"transgenre",
            r"\btrans\b",
            r"orientation sexuelle",
        ],
        "infraction": [
            r"condamne(?:e)?",
            r"condamnation",
            r"prison",
            r"incarcer\w+",
            r"detenue?",
            r"detention",
            r"garde a vue",
            r"casier (?:judiciaire )?(?:charge|pas vierge)",
            r"delit",
            r"sursis",
            r"bracelet electronique",
            r"plainte contre moi",
            r"tribunal correctionnel",
            r"mis en examen",
            r"sortie? de prison",
            r"travaux d'?interet general",
            r"\btig\b",
        ],
        "origine": [
            r"origine (?:ethnique|raciale)",
            r"racis\w+",
            r"couleur de peau",
            r"discrimin\w+",
        ],
    }
)

TONE_NEGATIVE = re.compile(
    r"(?<![\w])"
    + alternation(
        [
            r"inadmissible",
            r"scandal\w*",
            r"honte\w*",
            r"honteu\w+",
            r"nul(?:le|s)?",
            r"incompeten\w+",
            r"toujours (?:pas|rien|aucune)",
            r"aucune (?:reponse|nouvelle)",
            r"jamais",
            r"marre",
            r"ras le bol",
            r"impossible",
            r"degoute\w*",
            r"colere",
            r"enerve\w*",
            r"inacceptable",
            r"lamentable",
            r"n'?arrive (?:pas|plus)",
            r"j'?arrive pas",
            r"bloque\w*",
            r"perdu\w*",
            r"personne ne repond",
            r"decu\w*",
            r"deception",
            r"mecontent\w*",
            r"insupportable",
            r"galere\w*",
            r"catastroph\w+",
            r"pas normal",
            r"abus\w*",
            r"mepris\w*",
            r"desagreable",
            r"rien compris",
            r"probleme\w*",
            r"souci\w*",
            r"erreur\w*",
            r"refus\w*",
            r"injuste\w*",
            r"injoignable",
            r"desespere\w*",
            r"en attente depuis",
            r"attends? depuis",
            r"pas de nouvelles",
            r"sans nouvelles",
            r"retard\w*",
            r"ne (?:comprends|sais) (?:pas|plus)",
            r"pas (?:recu|ete verse|ete paye)",
            r"inquiet\w*",
            r"angoiss\w+",
            r"stress\w*",
            r"urgen\w+",
            r"aidez[- ]moi",
            r"a bout",
            r"pire",
            r"horrible",
            r"inutile",
            r"lent(?:e|s|eur)?",
            r"n'?importe quoi",
        ]
    )
    + r"(?![\w])"
)
TONE_POSITIVE = re.compile(
    r"(?<![\w])"
    + alternation(
        [
            r"merci (?:beaucoup|infiniment|encore|a (?:vous|la conseillere|l'?agent))",
            r"tres bien",
            r"parfait\w*",
            r"efficace\w*",
            r"rapide\w*",
            r"rapidement (?:traite|regle|resolu)",
            r"aimable\w*",
            r"sympa\w*",
            r"\btop\b",
            r"super",
            r"bravo",
            r"satisfait\w*",
            r"ravie?",
            r"excellent\w*",
            r"professionnel\w*",
            r"a l'?ecoute",
            r"resolu\w*",
            r"genial\w*",
            r"remerci\w+",
            r"agreable",
            r"bienveillan\w+",
            r"patient\w*",
            r"clair\w*",
            r"au top",
            r"impeccable",
            r"reactif\w*",
            r"bonne experience",
            r"tres content\w*",
            r"contente? (?:du|de)",
            r"a pris le temps",
            r"m'?a (?:bien )?aide\w*",
            r"m'?ont (?:bien )?aide\w*",
            r"felicit\w+",
        ]
    )
    + r"(?![\w])"
)

STAGES: dict[str, list[str]] = {
    "decision": [
        r"versement",
        r"verse\w*",
        r"paiement",
        r"paye\w*",
        r"pas (?:recu|touche)",
        r"montant",
        r"refus\w*",
        r"decision",
        r"rejet\w*",
        r"accorde\w*",
        r"notification",
        r"rembourse\w*",
        r"virement",
        r"trop[- ]percu",
        r"recours",
        r"contester",
        r"reclame\w*",
        r"dette",
        r"attestation",
        r"carte (?:recue|pas recue)",
        r"titre (?:pas )?(?:recu|arrive)",
        r"toujours pas (?:recu|eu)",
        r"calcul\w*",
        r"baisse\w*",
        r"suspendu\w*",
    ],
    "contact": [
        r"rendez[- ]vous",
        r"\brdv\b",
        r"guichet",
        r"accueil",
        r"au telephone",
        r"joindre",
        r"appel\w*",
        r"agence",
        r"sur place",
        r"conseiller\w*",
        r"telephone",
        r"3646|3949|3960|39 60",
        r"rappel\w*",
        r"injoignable",
        r"personne ne repond",
        r"file d'?attente",
        r"me deplacer",
        r"france services",
        r"permanence",
    ],
    "demarche": [
        r"faire (?:ma|une|la|sa) demande",
        r"deposer",
        r"envoye\w*",
        r"formulaire",
        r"remplir",
        r"inscri\w+",
        r"declar\w+",
        r"en ligne",
        r"dossier",
        r"piece\w* justificative\w*",
        r"justificatif\w*",
        r"espace (?:personnel|particulier)",
        r"site",
        r"constituer",
        r"renouvel\w+",
        r"actualis\w+",
        r"mettre a jour",
        r"signaler",
        r"changement de situation",
        r"demenag\w+",
        r"cerfa",
        r"telecharg\w+",
        r"scanner",
        r"creer (?:mon|un) compte",
    ],
    "information": [
        r"comment (?:faire|on fait|faut[- ]il|puis[- ]je|je peux)",
        r"je voudrais savoir",
        r"savoir si",
        r"est[- ]ce que j'?ai droit",
        r"ai[- ]je droit",
        r"a droit",
        r"renseignements?",
        r"informations?",
        r"quelles? (?:sont|pieces|documents|conditions|demarches)",
        r"quels? (?:documents|papiers|justificatifs)",
        r"conditions",
        r"qui (?:doit|peut)",
        r"c'?est quoi",
        r"je me demande",
        r"pouvez[- ]vous m'?expliquer",
        r"combien",
        r"a quoi (?:sert|correspond)",
        r"savoir (?:comment|quand|ou)",
        r"\?",
    ],
}
STAGE_PATTERNS = {key: _words(v) for key, v in STAGES.items()}

THEMES: dict[str, list[str]] = {
    "delai": [
        r"delais?",
        r"j'?attends",
        r"(?:cela|ca|sa) fait (?:\d+|un|une|deux|trois|quatre|cinq|six|plusieurs|des) (?:mois|semaines|jours|ans)",
        r"attends? depuis",
        r"attente",
        r"depuis (?:\d+|deux|trois|quatre|cinq|six|plusieurs|des) "
        r"(?:mois|semaines|jours)",
        r"toujours pas",
        r"toujours rien",
        r"trop long\w*",
        r"retard\w*",
        r"lenteur",
        r"ca traine",
        r"traine",
        r"en cours de traitement",
        r"pas encore (?:recu|traite)",
    ],
    "injoignable": [
        r"injoignable",
        r"impossible (?:de|d'?)\s?(?:joindre|avoir quelqu'?un|avoir un conseiller)",
        r"personne ne (?:repond|decroche)",
        r"(?:ca|telephone) sonne dans le vide",
        r"pas de rendez[- ]vous",
        r"aucun (?:rendez[- ]vous|creneau)",
        r"attente au telephone",
        r"(?:une|deux|\d+) heures? d'?attente",
        r"raccroche\w*",
        r"ne repondent (?:pas|jamais)",
        r"pas de reponse",
        r"aucune reponse",
        r"sans reponse",
        r"(?:mails?|courriels?|messages?) (?:restes? )?sans reponse",
        r"joindre",
    ],
    "erreur": [
        r"erreurs?",
        r"trompe\w*",
        r"contradictoire\w*",
        r"(?:mauvaise|fausse) information",
        r"chacun me dit",
        r"on me dit (?:tout et son contraire|le contraire)",
        r"pas la meme (?:reponse|chose)",
        r"a tort",
        r"errone\w*",
        r"incorrect\w*",
        r"faux",
    ],
    "information": [
        r"pas d'?information",
        r"(?:aucune|manque d'?) (?:information|explication)",
        r"je ne comprends pas",
        r"j'?comprends pas",
        r"comprends rien",
        r"explication\w*",
        r"mal informe\w*",
        r"pas clair\w*",
        r"informations? (?:claires?|completes?)",
        r"bien explique\w*",
        r"renseign\w+",
        r"je voudrais savoir",
        r"comment (?:faire|on fait)",
    ],
    "dematerialisation": [
        r"site(?: internet| web)?",
        r"en ligne",
        r"espace (?:personnel|particulier|perso)",
        r"application",
        r"\bappli\b",
        r"\bbug\w*",
        r"mot de passe",
        r"identifiants?",
        r"internet",
        r"franceconnect",
        r"france connect",
        r"ordinateur",
        r"scanner",
        r"telecharg\w+",
        r"numerique",
        r"bloque sur le site",
        r"page (?:blanche|d'?erreur)",
        r"message d'?erreur",
        r"connecter",
        r"connexion",
        r"\bcompte ameli\b",
    ],
    "pieces-justificatives": [
        r"justificatifs?",
        r"pieces?(?: justificatives?)?",
        r"documents?",
        r"attestations?",
        r"papiers",
        r"photocopies?",
        r"renvoyer",
        r"deja envoye\w*",
        r"encore (?:demande|reclame)\w*",
        r"dossier incomplet",
        r"releve d'?identite bancaire|\brib\b",
        r"avis d'?imposition",
        r"certificat\w*",
    ],
    "complexite": [
        r"complique\w*",
        r"complexe\w*",
        r"incomprehensible\w*",
        r"parcours du combattant",
        r"usine a gaz",
        r"je m'?y perds",
        r"perdue? dans",
        r"trop de (?:demarches|papiers|documents)",
        r"labyrinthe",
        r"kafka\w*",
        r"casse[- ]tete",
        r"pas simple",
        r"galere\w*",
    ],
    "accueil": [
        r"accueil\w*",
        r"aimable\w*",
        r"desagreable\w*",
        r"mepris\w*",
        r"ecoute",
        r"sympathique",
        r"poli\w*",
        r"impoli\w*",
        r"agressi\w+",
        r"gentil\w*",
        r"souriant\w*",
        r"bienveillan\w+",
        r"mal (?:recu|reçu|parle|traite)",
        r"bien (?:recu|accueilli)",
        r"froid",
        r"hautain\w*",
        r"conseill(?:er|ere) (?:tres )?(?:aimable|gentil|desagreable|patient)",
    ],
    "suivi": [
        r"suivi",
        r"dossier (?:perdu|egare|bloque|en cours|en attente)",
        r"interlocuteur\w*",
        r"personne ne (?:suit|s'?occupe)",
        r"relanc\w+",
        r"aucune nouvelle",
        r"pas de nouvelles",
        r"sans nouvelles",
        r"ou en est (?:mon|ma|le|la)",
        r"avancement",
        r"a chaque fois (?:quelqu'?un|une personne) (?:de )?different",
        r"referent\w*",
        r"redire",
        r"recommencer",
    ],
    "accessibilite": [
        r"handicap\w*",
        r"fauteuil",
        r"horaires?",
        r"loin",
        r"distance",
        r"kilometres?",
        r"\bkm\b",
        r"langue",
        r"sourde?",
        r"malvoyante?",
        r"pas d'?ordinateur",
        r"pas (?:d'?)?internet",
        r"ne parle pas (?:bien )?(?:le )?francais",
        r"pas de voiture",
        r"transport\w*",
        r"ferme\w*",
        r"accessib\w+",
        r"escaliers?",
        r"rampe",
    ],
    "remboursement-paiement": [
        r"rembourse\w*",
        r"paiements?",
        r"versements?",
        r"virements?",
        r"pas (?:ete )?pay\w+",
        r"pas (?:ete )?verse\w*",
        r"trop[- ]percus?",
        r"payer",
        r"argent",
        r"montant",
        r"euros?",
        r"\d+ ?(?:€|eur)",
        r"prelevement\w*",
        r"echeancier",
        r"dette",
    ],
}
THEME_PATTERNS = {key: _words(v) for key, v in THEMES.items()}


_THEME_GATE = _gate(THEMES)


def _triggers(patterns: dict[str, re.Pattern[str]], text: str) -> tuple[list[str], list[str]]:
    categories: list[str] = []
    words: list[str] = []
    gate = _GATES.get(id(patterns))
    if gate is None:
        # patterns not built by _compile: the union of their own sources
        union = "|".join(f"(?:{p.pattern})" for p in patterns.values())
        gate = _GATES[id(patterns)] = re.compile(union)
    if not gate.search(text):
        return categories, words
    for category, pattern in patterns.items():
        found = [m.group().strip() for m in pattern.finditer(text)]
        if found:
            categories.append(category)
            for word in found:
                if word not in words:
                    words.append(word)
    return categories, words


def urgency(normalised: str) -> dict[str, Any]:
    _, words = _triggers(URGENCY, normalised)
    return {"flag": bool(words), "triggers": words}


def vulnerability(normalised: str) -> dict[str, Any]:
    _, words = _triggers(VULNERABILITY, normalised)
    return {"flag": bool(words), "triggers": words}


def sensitive(normalised: str) -> dict[str, Any]:
    categories, words = _triggers(SENSITIVE, normalised)
    return {"flag": bool(words), "categories": categories, "triggers": words}


def tone(normalised: str) -> str:
    negative = len(TONE_NEGATIVE.findall(normalised))
    positive = len(TONE_POSITIVE.findall(normalised))
    if positive > negative:
        return "positif"
    if negative > positive or (negative and negative == positive):
        return "negatif"
    return "neutre"


def journey_stage(normalised: str) -> str:
    scores = {key: len(pattern.findall(normalised)) for key, pattern in STAGE_PATTERNS.items()}
    best = max(scores.values())
    if best == 0:
        return "information"
    # ties resolved towards the later moment of the procedure
    for key in ("decision", "contact", "demarche", "information"):
        if scores[key] == best:
            return key
    return "information"  # pragma: no cover


def themes(normalised: str, known: set[str] | None = None) -> list[str]:
    if not _THEME_GATE.search(normalised):
        return []
    found = [key for key, pattern in THEME_PATTERNS.items() if pattern.search(normalised)]
    if known is not None:
        found = [key for key in found if key in known]
    return found
