"""Demo contacts: what citizens write or say, per channel (made-up people and numbers).

Each entry: (organisation slug, motif slug or "" for the engine to qualify, subject, text).
The contact hub qualifies them on arrival like any other message; the motif is only what
an agent would confirm.

The CAF emails are signed by the demo citizen records they join, in order
(``citizens_demo.CAF_CITIZENS``: the n-th CAF email's sender is a contact point of the
n-th record): a message is always its own author's.
"""

from __future__ import annotations

EMAILS = [
    (
        "caf",
        "Paiement de la prime d’activité",
        "Bonjour,\n\nJe n’ai pas reçu le versement de ma prime d’activité ce mois-ci alors "
        "que j’ai bien fait ma déclaration trimestrielle le 2. Pouvez-vous me dire ce qui "
        "bloque ?\n\nCordialement,\nLéa Martin\n06 12 45 78 90",
    ),
    (
        "caf",
        "Changement de situation",
        "Madame, Monsieur,\n\nNous venons d’avoir un deuxième enfant le 14 novembre. "
        "Quelles démarches pour les allocations familiales ? Faut-il envoyer l’acte de "
        "naissance ?\n\nMerci d’avance,\nKarim Benali",
    ),
    (
        "caf",
        "Aide au logement suspendue",
        "Bonjour, mon aide au logement est suspendue depuis septembre, on me demande une "
        "attestation de loyer que mon propriétaire a déjà envoyée deux fois. Je ne sais "
        "plus quoi faire, je risque d’être en retard pour le loyer.\n\nSophie Lefèvre",
    ),
    (
        "caf",
        "RSA : rendez-vous",
        "Bonjour,\nje souhaiterais un rendez-vous pour faire le point sur mon dossier RSA, "
        "je n’ai pas internet chez moi. Je suis disponible le matin.\nBien à vous,\n"
        "Jean Dupont",
    ),
    (
        "caf",
        "Trop-perçu",
        "Bonjour, j’ai reçu un courrier de trop-perçu de 1 240 € que je ne comprends pas. "
        "Est-ce que je peux contester ou demander un échéancier ?\nMerci,\nAminata Diallo",
    ),
    (
        "assurance-maladie",
        "Remboursement en attente",
        "Bonjour,\n\nMa feuille de soins papier envoyée le 3 octobre n’est toujours pas "
        "remboursée. Pouvez-vous vérifier ?\n\nCordialement,\nLouis Perret",
    ),
    (
        "assurance-maladie",
        "Carte Vitale perdue",
        "Bonjour, j’ai perdu ma carte Vitale dans le tram. Comment en obtenir une nouvelle "
        "et que faire en attendant pour mes rendez-vous médicaux ?\nAnne Roussel",
    ),
    (
        "assurance-maladie",
        "Indemnités journalières",
        "Bonjour, je suis en arrêt maladie depuis le 20 octobre et je n’ai encore rien "
        "perçu. Mon employeur dit avoir envoyé l’attestation de salaire.\nKarim Ziani",
    ),
]

SMS = [
    ("caf", "bjr jai pas recu mon alloc logement ce mois ci cest normal ?"),
    ("caf", "Bonjour est ce que je peux declarer mes ressources par sms ? merci"),
    ("caf", "Slt mon dossier prime activite est bloque depuis 2 mois svp"),
    ("caf", "bonjour le rdv de jeudi est tjrs ok ? je serai a l'heure"),
    ("caf", "Merci pour votre aide ce matin, c'est regle !"),
    ("assurance-maladie", "bjr ma carte vitale est arrivee mais la photo est pas la bonne"),
    ("assurance-maladie", "Bonjour quand est ce que je serai rembourse de mes lunettes ?"),
]

CHATS = [
    ("caf", "Bonjour, je voudrais savoir si j'ai droit à l'aide au logement étudiant"),
    ("caf", "bonjour, comment je fais pour changer mon RIB sur mon espace ?"),
    ("caf", "Bonsoir, ma déclaration trimestrielle ne passe pas, message d'erreur"),
    ("assurance-maladie", "Bonjour, je cherche à déclarer mon médecin traitant en ligne"),
]

CALLS = [
    ("caf", "appel au sujet du versement de la prime d'activité"),
    ("caf", "appel sur un trop-perçu d'aide au logement"),
    ("caf", "question sur les allocations familiales après une naissance"),
    ("assurance-maladie", "appel sur un remboursement de soins en attente"),
]

# Counter visits: (organisation slug, documents seen, minutes, outcome).
VISITS = [
    ("caf", ("Pièce d’identité", "Avis d’imposition"), 12, "answered"),
    ("caf", ("Attestation de loyer",), 8, "answered"),
    ("caf", ("Relevé d’identité bancaire",), 5, "answered_end_to_end"),
    ("caf", (), 15, "oriented_partner"),
    ("caf", ("Courrier de trop-perçu",), 20, "answered"),
    # At the France Services counter of « agent.fs »: their own visits in the hub.
    ("france-services", ("Pièce d’identité", "Avis d’imposition"), 25, "answered"),
    ("france-services", ("Courrier de trop-perçu",), 15, "oriented_partner"),
]

# An agent's answer asking for what is missing, per channel: a conversation waits for
# the citizen only after one (``contacts_demo``), never after the acknowledgement alone.
ANSWERS = {
    "courriel": (
        "Bonjour,\n\nNous avons bien reçu votre demande. Pour la traiter, pouvez-vous nous "
        "envoyer une copie du justificatif concerné en réponse à ce courriel ?\n\n"
        "Bien cordialement,\nLe service"
    ),
    "sms": (
        "Bonjour, pour traiter votre demande, merci de nous envoyer votre numero de dossier "
        "en reponse a ce SMS."
    ),
    "chat": "Pouvez-vous me donner votre numéro de dossier, pour que je regarde votre demande ?",
}
