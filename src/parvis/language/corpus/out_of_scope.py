"""Requests about none of the organisations the engine routes to (issue 12).

The contact hub also receives what no organisation of the taxonomy handles: the town hall,
the France Services desk itself, a bank, an energy supplier, an employer, a landlord, a
school, charities. The qualifier learns them as one extra class whose only use is to
lower the confidence of every motif, so such a text goes to human triage instead of being
routed with assurance. Each request is a template family, like the motif cores.
"""

# ruff: noqa: E501 - hand-written data: one sentence per line reads best

from __future__ import annotations

OUT_OF_SCOPE_CORES: list[str] = [
    # the France Services desk and digital help
    "Bonjour, à quelle heure ouvre l'espace France Services le samedi ?",
    "Est-ce que je peux venir sans rendez-vous à votre permanence de mardi ?",
    "Je voudrais de l'aide pour créer une adresse mail, je n'en ai jamais eu.",
    "Pouvez-vous m'imprimer un document que j'ai sur mon téléphone ?",
    "Votre conseillère m'a très bien aidée la semaine dernière, merci à elle.",
    "Je n'arrive pas à scanner mes papiers avec mon téléphone, vous pouvez m'aider ?",
    "Le numérique c'est pas pour moi, j'ai besoin de quelqu'un pour m'expliquer comment marche un ordinateur.",
    "Vous avez un accès internet libre dans vos locaux ?",
    # the town hall and local services
    "Le lampadaire devant chez moi est en panne depuis trois semaines.",
    "Il y a un nid de poule énorme dans ma rue, qui dois-je prévenir ?",
    "Les encombrants n'ont pas été ramassés devant mon immeuble.",
    "Je voudrais inscrire mon fils à la cantine de l'école primaire.",
    "Comment obtenir une copie intégrale de mon acte de naissance ?",
    "Je voudrais m'inscrire sur les listes électorales de ma nouvelle commune.",
    "Mon permis de construire pour une véranda est refusé par la mairie.",
    "Les voisins font la fête tous les soirs, la mairie ne fait rien.",
    "À qui m'adresser pour un logement social, ma demande date de cinq ans ?",
    "Je souhaite réserver la salle des fêtes pour un anniversaire.",
    "Le bus scolaire ne passe plus dans mon hameau.",
    "Je voudrais faire une demande de place en crèche municipale.",
    "Comment se marier en mairie, quels papiers fournir ?",
    "Où déposer une plainte pour un vol de vélo ?",
    # charities and local social help
    "Où se trouve la banque alimentaire la plus proche, je n'ai plus rien dans le frigo ?",
    "Je cherche les horaires des Restos du cœur dans mon quartier.",
    "Le CCAS peut-il m'aider à payer la cantine de mes enfants ?",
    "Je cherche un hébergement d'urgence pour ce soir avec mes deux enfants.",
    "Une association peut-elle m'aider à remplir mes papiers ?",
    # private companies: banks, energy, telecoms, insurance
    "Ma banque a bloqué ma carte sans raison.",
    "Mon fournisseur d'électricité me facture une consommation impossible.",
    "Mon opérateur téléphonique me prélève un abonnement que j'ai résilié.",
    "Mon assurance auto refuse de payer les réparations après l'accident.",
    "Ma mutuelle ne rembourse pas les lunettes alors que j'ai payé la cotisation.",
    "Le syndic de copropriété ne répond plus à nos appels.",
    "J'ai un crédit à la consommation que je n'arrive plus à rembourser, la banque menace.",
    "Ma box internet ne marche plus depuis dix jours et l'opérateur ne vient pas.",
    # work, school, health care providers
    "Mon employeur ne m'a pas payé mes heures supplémentaires du mois dernier.",
    "Mon patron refuse de me donner mes congés payés cet été.",
    "La bourse du lycée de ma fille n'a pas été versée par l'établissement.",
    "Je voudrais changer mon fils de collège en cours d'année.",
    "L'hôpital m'a donné un rendez-vous dans six mois, c'est trop long.",
    "Je cherche un dentiste qui accepte de nouveaux patients près de chez moi.",
    "Le laboratoire d'analyses a perdu mes résultats.",
    # no request at all
    "Bonjour",
    "Merci pour tout, bonne journée.",
    "test test",
    "Je vous rappelle plus tard.",
    "Est-ce que quelqu'un lit ces messages ?",
    "Vous êtes ouverts le lundi de Pâques ?",
    "Félicitations pour votre nouveau site.",
    "Je me suis trompé de destinataire, désolé.",
    "Bonjour, je voudrais juste un renseignement, vous pouvez me rappeler ?",
]
