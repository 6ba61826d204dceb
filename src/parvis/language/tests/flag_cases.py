"""Hand-made texts for the urgency and vulnerability proposals, one category per line,
written from the definitions of ``language/eval/README.md`` (never from the set itself):
``(text, urgency, vulnerability)``."""

# ruff: noqa: E501 - one case per line

CASES: list[tuple[str, bool, bool]] = [
    # urgency: no money for food or rent this month
    ("je peux pas payer mon loyer ce mois ci, la caf a rien verse", True, False),
    ("Mon frigo est vide depuis jeudi, il ne reste rien pour les petits.", True, False),
    ("plus un rond sur mon compte et le loyer tombe le 5", True, False),
    # urgency: eviction, health emergency, a deadline within days
    ("L'huissier a fixé la date d'expulsion à lundi prochain.", True, False),
    ("Mon fils doit être opéré en urgence et sa carte Vitale ne passe pas.", True, True),
    (
        "Je n'ai plus mes médicaments pour le cœur, la pharmacie refuse sans attestation.",
        True,
        True,
    ),
    ("La date limite pour envoyer le dossier, c'est demain.", True, False),
    ("Je dois fournir l'attestation d'ici vendredi sinon je perds le logement.", True, False),
    ("je pars dans trois jours et mon passeport n est toujours pas pret", True, False),
    # vulnerability: disability, illness, elderly alone, violence, illiteracy, homeless, no internet, for such a person
    ("Je suis en fauteuil et je ne peux pas me déplacer au guichet.", False, True),
    ("Je suis sous chimio depuis mars, je n'ai pas la force de remplir ces papiers.", False, True),
    ("Mon père a 91 ans et vit seul à la campagne.", False, True),
    ("Mon conjoint me frappe, je suis partie avec les enfants chez ma sœur.", True, True),
    ("je sais pas lire, c'est ma voisine qui écrit pour moi", False, True),
    ("Je suis hébergé chez un ami depuis mon expulsion, je n'ai plus d'adresse.", True, True),
    ("je n ai pas internet ni d adresse mail, comment faire la démarche", False, True),
    ("Je vous écris pour ma tante, handicapée, qui ne peut pas se déplacer.", False, True),
    ("Ma mère souffre d'Alzheimer, je m'occupe de ses papiers.", False, True),
    # neither: ordinary requests with words that look like the triggers
    ("J'ai fait isoler les combles l'an dernier, la prime n'est pas arrivée.", False, False),
    ("Je suis veuve et je voudrais savoir comment demander la réversion.", False, False),
    ("Je divorce, à qui verser les allocations familiales ?", False, False),
    ("Je vous rappelle demain pour le dossier de ma fille.", False, False),
    ("Je voudrais changer l'adresse de ma carte grise.", False, False),
    ("Quels documents pour une demande de passeport ?", False, False),
]
