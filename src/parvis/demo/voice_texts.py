"""Fixed texts of the demo experiences and answers (data, no logic but the slot filling).

Each story is written once, in the register a real person would use (short and angry,
long and detailed, thanks, a plain question; « tu » or « vous », typos, SMS style) and
has slots (``{ville}``, ``{mois}``, ``{montant}``…) that the demo fills from a seeded
random generator, so that no two experiences carry the same text. Some slots are
personal data (names, phone numbers, allocataire, tax and social security numbers,
number plates): the language engine masks them, as it would a citizen's.

``reply`` is what the service says about this story in its public answer (the part a
template leaves « à compléter »), filled with the same slots.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from parvis.language.anonymiser import nir_key

POSITIVE, NEUTRAL, NEGATIVE = "positif", "neutre", "negatif"

# What a story is for, besides an ordinary experience.
SENSITIVE = "sensitive"  # the engine should flag it: a moderator decides individually
ASSISTED = "assisted"  # told by an adviser at a counter (third person)


@dataclass(frozen=True)
class Story:
    title: str  # variants separated by « | », one drawn per telling
    text: str
    tone: str
    stage: str  # journey stage slug
    channel: str  # channel slug
    reply: str = ""
    tags: frozenset[str] = frozenset()


def story(
    title: str,
    text: str,
    tone: str,
    stage: str,
    channel: str,
    reply: str = "",
    *tags: str,
) -> Story:
    return Story(title, text, tone, stage, channel, reply, frozenset(tags))


# --- Experiences told by citizens, per organisation -----------------------------------

STORIES: dict[str, list[Story]] = {
    "caf": [
        story(
            "Toujours pas d'APL | APL : toujours rien | Sans APL depuis {duree}",
            "{Duree} sans APL. SANS APL. Le loyer de {montant} tombe le 5 et personne à la "
            "CAF ne répond. Inadmissible.",
            NEGATIVE,
            "decision",
            "en_ligne",
            "Votre dossier d’aide au logement attendait l’attestation de loyer de votre "
            "bailleur ; nous l’avons obtenue directement auprès de lui et le rappel a été "
            "versé le {jour} suivant",
        ),
        story(
            "Merci à l'accueil de {ville} | Un accueil formidable | Bien reçue à {ville}",
            "Je tiens à remercier {agent}, à l'accueil de {ville}, qui a pris le temps de "
            "tout m'expliquer sur la prime d'activité et m'a aidée à déclarer mes "
            "ressources en ligne. Je suis repartie avec un rendez-vous de suivi le {jour} "
            "suivant. Merci !",
            POSITIVE,
            "demarche",
            "guichet",
            "Votre message a été transmis à l’équipe d’accueil de {ville}, qui vous en remercie",
        ),
        story(
            "La même pièce demandée trois fois | Pièce manquante… encore | "
            "Attestation de loyer perdue",
            "Bonjour, on m'a demandé trois fois la même attestation de loyer. Je l'ai "
            "envoyée en {mois} par l'espace en ligne, puis par courrier, puis déposée à "
            "l'accueil de {ville}. À chaque fois, nouveau courrier : « pièce manquante ». "
            "Est-ce que quelqu'un lit les documents ?",
            NEGATIVE,
            "demarche",
            "courrier",
            "Vos trois envois avaient bien été reçus mais rattachés à un ancien dossier ; "
            "ils sont désormais classés au bon endroit et votre droit a été étudié",
        ),
        story(
            "CDD et déclaration trimestrielle | Question sur la déclaration trimestrielle | "
            "Quand déclarer un nouveau salaire ?",
            "Bonjour, je commence un CDD le {jour_num} {mois}. Dois-je le déclarer tout de "
            "suite dans ma déclaration trimestrielle de RSA ou attendre le premier salaire "
            "? Merci d'avance.",
            NEUTRAL,
            "information",
            "en_ligne",
            "Les revenus se déclarent pour le trimestre où ils sont perçus : votre premier "
            "salaire sera à indiquer dans la déclaration qui couvre le mois de son "
            "versement",
        ),
        story(
            "Trop-perçu sans explication | Une dette de {montant} tombée du ciel | "
            "Trop-perçu : aucune explication",
            "J'ai reçu un courrier m'annonçant un trop-perçu de {montant}, sans aucune "
            "explication. J'ai appelé {n} fois, on me dit de patienter. Je ne sais même "
            "pas sur quelle prestation porte cette dette. Mon numéro d'allocataire est le "
            "{alloc} si quelqu'un veut bien regarder.",
            NEGATIVE,
            "decision",
            "telephone",
            "Le trop-perçu porte sur la prime d’activité du trimestre de {mois} ; un "
            "courrier détaillé vous a été adressé et un échéancier peut vous être proposé "
            "sur simple demande",
        ),
        story(
            "Impossible de joindre quelqu'un | Personne au téléphone | "
            "Tous nos conseillers sont occupés",
            "J'appelle chaque {jour} depuis {duree}, toujours le même message : « tous nos "
            "conseillers sont occupés ». Rappelez-moi au {tel}, c'est urgent, mon dossier "
            "est bloqué.",
            NEGATIVE,
            "contact",
            "telephone",
            "Un conseiller vous a rappelé et votre dossier est débloqué. Vous pouvez aussi "
            "demander en ligne à être rappelé au moment de votre choix",
        ),
        story(
            "rdv annulé 2 fois | rdv annulé sans prevenir",
            "slt, mon rdv a la caf de {ville} a été annulé 2 fois sans prevenir, jsuis "
            "venu pr rien le {jour} matin. tjrs pas de nouvelles du dossier, c relou",
            NEGATIVE,
            "contact",
            "guichet",
            "Nous vous présentons nos excuses pour ces annulations ; un nouveau "
            "rendez-vous vous a été proposé par SMS à l’accueil de {ville}",
        ),
        story(
            "dossier de rentrée perdu | alocation de rentrée bloqué",
            "jai envoyer tout les papier pour l'alocation de rentrée en {mois} et on me "
            "dit que le dossié est incomplet. sa fait {duree} que je relance, mes enfant "
            "ont repris l'école depuis longtemps",
            NEGATIVE,
            "decision",
            "en_ligne",
            "Il manquait le certificat de scolarité d’un de vos enfants ; nous l’avons "
            "obtenu auprès de l’établissement et l’allocation a été versée",
        ),
        story(
            "Un parcours du combattant pour la garde d'enfant",
            "Je raconte mon expérience, longue mais utile je pense. Après la naissance de "
            "mon deuxième enfant en {mois}, j'ai demandé le complément de libre choix du "
            "mode de garde pour l'assistante maternelle. Le site a refusé la demande car le "
            "numéro d'agrément « ne correspondait pas ». Au téléphone, on m'a dit de passer "
            "par le formulaire papier. Je l'ai envoyé, puis j'ai attendu {duree} sans "
            "nouvelles, en avançant {montant} par mois de frais de garde. Quand j'ai enfin "
            "été reçue à l'accueil de {ville}, la conseillère a trouvé l'erreur en cinq "
            "minutes : un chiffre inversé dans l'agrément. Tout s'est débloqué ensuite, "
            "avec un rappel. Ce qui m'a manqué, c'est qu'on me dise dès le début ce qui "
            "bloquait.",
            NEGATIVE,
            "decision",
            "guichet",
            "Vous avez raison : le motif du blocage aurait dû vous être indiqué dès le "
            "refus en ligne. Nous avons signalé l’erreur de saisie de l’agrément et revu "
            "avec nos équipes le message affiché dans ce cas",
        ),
        story(
            "Réponse rapide par la messagerie | Réponse en 24 h | Messagerie efficace",
            "Question posée par la messagerie de mon espace le {jour} vers {heure}, réponse "
            "claire le lendemain. Rien à redire, merci.",
            POSITIVE,
            "information",
            "courriel",
        ),
        story(
            "Conseil pour ceux qui attendent leur prime",
            "Si tu attends ta prime d'activité depuis plus d'un mois, ne fais pas comme moi "
            ": n'attends pas. Prends rendez-vous à l'accueil de {ville}, amène tes trois "
            "derniers bulletins de salaire et ton avis d'imposition. En un quart d'heure "
            "c'était réglé, alors que j'attendais depuis {mois}.",
            NEUTRAL,
            "demarche",
            "guichet",
            "Merci pour ce conseil. Pour éviter l’attente, la déclaration trimestrielle "
            "en ligne reste le plus rapide ; les accueils de {ville} vous reçoivent aussi "
            "sur rendez-vous",
        ),
        story(
            "Pas de créneau de rendez-vous | Aucun rendez-vous disponible | "
            "Prise de rendez-vous impossible",
            "Madame, Monsieur, je n'arrive pas à obtenir de rendez-vous à l'accueil de "
            "{ville} : le site n'affiche aucun créneau depuis {duree}. Pourriez-vous "
            "m'indiquer comment faire ? Je suis joignable au {tel}. Cordialement, {prenom} "
            "{nom}.",
            NEUTRAL,
            "contact",
            "en_ligne",
            "Les créneaux sont ouverts quinze jours à l’avance, chaque lundi ; un "
            "conseiller vous a contacté pour fixer un rendez-vous",
        ),
        story(
            "Informations contradictoires sur le RSA | Trois réponses différentes | "
            "RSA : qui croire ?",
            "Au téléphone on m'a dit que mon RSA serait versé le {jour_num}, au guichet de "
            "{ville} qu'il fallait attendre la fin du mois, et le courrier reçu en {mois} "
            "dit encore autre chose. Qui croire ?",
            NEGATIVE,
            "information",
            "courrier",
            "Le RSA est versé le 5 de chaque mois pour le mois précédent ; l’information "
            "donnée au guichet était erronée et nous l’avons rappelé à l’équipe",
        ),
        story(
            "Aide au logement pendant ma chimiothérapie",
            "Je suis en chimiothérapie depuis {mois} et je n'avais plus la force de refaire "
            "tous les papiers. L'aide au logement a été suspendue faute d'une attestation. "
            "Une conseillère de {ville} m'a finalement appelée et a tout réglé par "
            "téléphone en {minutes} minutes. Merci à elle.",
            POSITIVE,
            "decision",
            "telephone",
            "Merci pour votre message, transmis à la conseillère. Nous vous souhaitons bon courage",
            SENSITIVE,
        ),
        story(
            "Prime de naissance introuvable",
            "Enceinte de {n} mois, j'ai déclaré ma grossesse en {mois} mais la prime de "
            "naissance n'apparaît toujours pas dans mon espace. Dois-je refaire une "
            "démarche ? Je vis seule et je compte dessus pour {montant} d'achats.",
            NEUTRAL,
            "decision",
            "en_ligne",
            "La prime est versée au cours du septième mois de grossesse, sans autre "
            "démarche de votre part ; elle apparaîtra dans votre espace à ce moment",
            SENSITIVE,
        ),
        story(
            "3 mois pour une mise à jour | Mise à jour de situation interminable",
            "3 mois d'attente pour une simple mise à jour de situation, {montant} de retard "
            "!!! Et on ose parler de simplification. Dossier {alloc}, j'attends une réponse.",
            NEGATIVE,
            "decision",
            "en_ligne",
        ),
        story(
            "Séparation : qui déclare quoi ? | Changement de situation après une séparation",
            "Bonjour, nous nous séparons avec mon conjoint en {mois} et nous avons {n} "
            "enfants. Faut-il que chacun déclare le changement de son côté, ou une seule "
            "déclaration suffit-elle ? Et les allocations familiales, elles vont à qui en "
            "attendant ? Merci.",
            NEUTRAL,
            "information",
            "en_ligne",
            "Chacun de vous déclare le changement dans son propre espace ; les allocations "
            "familiales restent versées à l’allocataire actuel jusqu’à ce que vous "
            "indiquiez la résidence des enfants",
        ),
        story(
            "Simulation juste | Le simulateur ne ment pas | Aide au logement : rien à redire",
            "Le simulateur de l'aide au logement m'annonçait {montant} par mois et j'ai "
            "reçu exactement ce montant {duree} après ma demande. Simple et efficace.",
            POSITIVE,
            "demarche",
            "en_ligne",
        ),
        story(
            "La messagerie instantanée m'a dépanné | Le chat, bien mieux que le téléphone",
            "J'ai utilisé la messagerie instantanée un {jour} vers {heure} : dix minutes "
            "d'attente, et la conseillère m'a expliqué pourquoi mon montant avait baissé "
            "de {montant}. Bien plus pratique que le téléphone.",
            POSITIVE,
            "information",
            "chat",
        ),
        story(
            "paiement pas tombé | alocation pas versée | ou est mon paiement",
            "pk mon allocation est pas tombé le 5 ?? jai {n} enfants et le frigo est vide. "
            "rappelez moi au {tel} svp",
            NEGATIVE,
            "decision",
            "sms",
            "Le versement avait été suspendu par erreur après la mise à jour de vos "
            "coordonnées bancaires ; il a été rétabli et le paiement effectué",
        ),
        story(
            "Accueil au premier étage sans ascenseur | Accueil inaccessible en poussette",
            "L'accueil de {ville} est au premier étage, sans ascenseur. Avec ma poussette "
            "j'ai dû attendre dehors qu'un agent descende, sous la pluie, un {jour} "
            "après-midi. L'agent a été très gentil, mais ce n'est pas normal.",
            NEGATIVE,
            "contact",
            "guichet",
            "Un guichet au rez-de-chaussée est désormais ouvert aux personnes qui ne "
            "peuvent pas monter ; il suffit de sonner à l’entrée",
        ),
        story(
            "Accompagnée après le décès de mon mari | Merci pour votre humanité",
            "Après le décès de mon mari en {mois}, je ne savais pas par où commencer. La "
            "conseillère de {ville} m'a reçue sans rendez-vous, a fait le point sur toutes "
            "mes aides et m'a orientée vers l'assistante sociale. Elle m'a rappelée {duree} "
            "plus tard pour vérifier que tout était en ordre. Je ne m'attendais pas à "
            "autant d'humanité.",
            POSITIVE,
            "contact",
            "guichet",
        ),
        story(
            "Courrier incompréhensible | « Régularisation de droits » ? | Un courrier à déchiffrer",
            "Le courrier reçu le {jour_num} {mois} parle de « régularisation de droits » "
            "sans dire de quel montant ni de quelle période. J'aimerais simplement "
            "comprendre ce qui change pour moi.",
            NEUTRAL,
            "information",
            "courrier",
            "La régularisation porte sur votre aide au logement depuis {mois} ; le détail "
            "est disponible dans votre espace, rubrique « Mes paiements »",
        ),
        story(
            "Quatre appels pour un RIB | Changer de RIB, un exploit",
            "Changer de RIB m'a pris {n} appels et {duree}. Le formulaire en ligne refusait "
            "mon IBAN d'une banque en ligne. Ça marche finalement, mais quelle énergie.",
            NEGATIVE,
            "demarche",
            "telephone",
        ),
    ],
    "assurance-maladie": [
        story(
            "Carte Vitale jamais reçue | Toujours pas de carte Vitale | "
            "Carte Vitale perdue en route",
            "Commandée en {mois} sur ameli, toujours pas de carte Vitale {duree} après. "
            "La pharmacie me fait avancer les frais à chaque fois. Mon numéro de sécu : "
            "{nir}.",
            NEGATIVE,
            "decision",
            "en_ligne",
            "Votre carte avait été renvoyée à l’expéditeur faute de nom sur la boîte aux "
            "lettres ; une nouvelle carte vous a été adressée et une attestation de "
            "droits est disponible dans votre compte",
        ),
        story(
            "Indemnités journalières en retard | Arrêt de travail non indemnisé | "
            "Toujours pas d'indemnités",
            "En arrêt de travail depuis le {jour_num} {mois}, mon employeur a envoyé "
            "l'attestation de salaire et je n'ai toujours rien touché après {duree}. "
            "Je ne peux plus payer mon loyer. Appelez-moi au {tel}.",
            NEGATIVE,
            "decision",
            "telephone",
            "L’attestation de salaire comportait une erreur de période ; votre employeur "
            "l’a corrigée et vos indemnités ont été versées avec le rappel",
        ),
        story(
            "Remboursement rapide | Remboursé en quatre jours | Rien à redire sur ameli",
            "Feuille de soins envoyée un {jour}, remboursement de {montant} reçu quatre "
            "jours après. Le suivi sur ameli est clair.",
            POSITIVE,
            "decision",
            "en_ligne",
        ),
        story(
            "Complémentaire santé solidaire : quelles ressources ? | "
            "C2S : quelle période déclarer ?",
            "Bonjour, pour la complémentaire santé solidaire, faut-il déclarer les "
            "ressources des {n} derniers mois ou des douze derniers ? Je touche {montant} "
            "de pension et je ne veux pas me tromper. Cordialement.",
            NEUTRAL,
            "information",
            "en_ligne",
            "Ce sont les ressources des douze derniers mois qui comptent ; la demande en "
            "ligne les préremplit à partir de votre déclaration de revenus",
        ),
        story(
            "36 46 injoignable | Raccroché au nez | Le 36 46, mission impossible",
            "36 46 : {minutes} minutes d'attente ce {jour} puis raccroché au nez. Trois fois "
            "cette semaine. Lamentable.",
            NEGATIVE,
            "contact",
            "telephone",
        ),
        story(
            "Astuce pour changer de médecin traitant | "
            "Médecin traitant : faites-le en consultation",
            "Si tu changes de médecin traitant, fais la déclaration directement avec le "
            "nouveau médecin pendant la consultation, c'est fait en deux minutes. Moi "
            "j'avais envoyé le formulaire papier en {mois} et il s'est perdu : remboursé à "
            "30 % pendant {duree}.",
            NEUTRAL,
            "demarche",
            "courrier",
            "Les remboursements de la période ont été recalculés au taux normal, la "
            "déclaration étant bien datée de {mois}",
        ),
        story(
            "Accueil de {ville} au top | Rattachement des enfants enfin réglé | "
            "Merci à l'accueil de {ville}",
            "Reçu sur rendez-vous par {agent}, qui a réglé en un quart d'heure un problème "
            "de rattachement de mes enfants qui traînait depuis {duree}. Merci !",
            POSITIVE,
            "contact",
            "guichet",
            "Merci pour ce retour, transmis à l’équipe de l’accueil de {ville}",
        ),
        story(
            "remboursement consult | pas rembourser",
            "bjr jai tjrs pas ete rembourser de ma consult du {jour_num} {mois}, c normal ?? merci",
            NEUTRAL,
            "decision",
            "sms",
            "La feuille de soins électronique n’avait pas été transmise par le cabinet ; "
            "elle est arrivée depuis et le remboursement a été fait",
        ),
        story(
            "Renouvellement ALD qui traîne",
            "Diabétique depuis l'enfance, mon protocole ALD a expiré en {mois} et le "
            "renouvellement traîne : {duree} que je paie mes bandelettes. Le médecin dit "
            "avoir tout envoyé.",
            NEGATIVE,
            "decision",
            "en_ligne",
            "Le protocole a été validé par le service médical et les frais avancés depuis "
            "{mois} vous ont été remboursés",
            SENSITIVE,
        ),
        story(
            "Un relevé de remboursements illisible | Comment lire mon relevé ?",
            "Le relevé reçu en {mois} mélange trois remboursements et une participation "
            "forfaitaire de {montant}. Pourriez-vous m'expliquer comment le lire ?",
            NEUTRAL,
            "information",
            "courrier",
            "Chaque ligne du relevé correspond à un acte ; la participation forfaitaire "
            "est déduite du remboursement suivant. Un guide de lecture est disponible sur "
            "ameli.fr",
        ),
        story(
            "arret pas pris en compte | arret maladie perdu",
            "mon arret a etait envoyer en ligne par le medecin le {jour}, la cpam dit "
            "quelle la pas recu. jai du le renvoyer par la poste, {duree} de perdu",
            NEGATIVE,
            "demarche",
            "en_ligne",
        ),
        story(
            "Messagerie ameli efficace | Bonne réponse par la messagerie",
            "Question posée par la messagerie ameli un {jour}, réponse en deux jours avec "
            "le bon formulaire en pièce jointe. Parfait pour {montant} de soins dentaires.",
            POSITIVE,
            "information",
            "courriel",
        ),
        story(
            "Dossier d'invalidité perdu deux fois",
            "Je raconte mon parcours pour que ça serve. Après {duree} d'arrêt, mon médecin "
            "a demandé une pension d'invalidité en {mois}. Le dossier a été perdu une "
            "première fois, puis une seconde fois après mon rendez-vous avec le médecin "
            "conseil. Chaque appel repart de zéro. J'ai fini par écrire au conciliateur, "
            "qui a débloqué la situation. Il faudrait un seul interlocuteur pour ces "
            "dossiers.",
            NEGATIVE,
            "decision",
            "courrier",
            "Votre dossier a été repris par un conseiller référent, qui reste votre "
            "interlocuteur jusqu’à la décision",
            SENSITIVE,
        ),
        story(
            "Attestation de droits en deux clics | L'application ameli, pratique",
            "Besoin d'une attestation de droits un {jour} soir pour un dossier de "
            "logement à {ville} : téléchargée en deux clics sur l'application. Bravo.",
            POSITIVE,
            "demarche",
            "en_ligne",
        ),
    ],
    "dgfip": [
        story(
            "Taux de prélèvement trop élevé | Mon taux ne baisse pas | "
            "Prélèvement à la source : taux bloqué",
            "Depuis {mois}, mon taux de prélèvement est passé à {taux} % alors que mes "
            "revenus ont baissé. J'ai modifié mon taux en ligne mais rien n'a changé sur "
            "ma fiche de paie.",
            NEGATIVE,
            "decision",
            "en_ligne",
            "La modification du taux est transmise à l’employeur sous deux mois ; elle "
            "apparaît désormais sur votre bulletin et le trop-prélevé vous sera restitué",
        ),
        story(
            "Merci au centre des finances publiques de {ville} | Taxe foncière corrigée sur place",
            "Reçue sans rendez-vous un {jour} pour une erreur sur ma taxe foncière. L'agent "
            "a corrigé sur place et j'ai reçu l'avis rectifié {duree} plus tard. Service "
            "impeccable.",
            POSITIVE,
            "contact",
            "guichet",
        ),
        story(
            "Pension alimentaire : quelle case ? | Déclarer une pension alimentaire",
            "Bonjour, je verse une pension alimentaire de {montant} par mois à mon fils "
            "étudiant. Dans quelle case de la déclaration faut-il l'indiquer ? Merci.",
            NEUTRAL,
            "information",
            "en_ligne",
            "La pension versée à un enfant majeur se déclare en case 6EL, dans la limite "
            "du plafond annuel",
        ),
        story(
            "Remboursement jamais arrivé | Où est mon remboursement ? | "
            "Remboursement d'impôt introuvable",
            "On m'annonce un remboursement de {montant} depuis {mois}. Toujours rien. Par "
            "contre, pour prélever, vous êtes toujours à l'heure.",
            NEGATIVE,
            "decision",
            "en_ligne",
            "Le remboursement était bloqué par un IBAN clôturé ; il a été versé dès la "
            "mise à jour de vos coordonnées bancaires",
        ),
        story(
            "Messagerie sécurisée sans réponse | Aucune réponse à ma question | "
            "Messagerie sécurisée muette",
            "J'ai posé une question sur mon avis d'impôt le {jour_num} {mois} par la "
            "messagerie sécurisée, aucune réponse depuis {duree}. Numéro fiscal "
            "{fiscal}, au cas où.",
            NEGATIVE,
            "contact",
            "courriel",
            "Une réponse vous a été apportée dans votre messagerie sécurisée ; nous vous "
            "présentons nos excuses pour ce délai",
        ),
        story(
            "Taxe d'habitation reçue par erreur",
            "Si tu reçois une taxe d'habitation pour un logement que tu as quitté, va dans "
            "« Gérer mes biens immobiliers » et déclare l'occupant. J'ai eu le dégrèvement "
            "de {montant} en {duree}.",
            POSITIVE,
            "demarche",
            "en_ligne",
        ),
        story(
            "echeancier taxe fonciere | taxe fonciere en plusieurs fois ?",
            "bjr on peut avoir un echeancier pr la taxe fonciere de {montant} ? jpeux pas "
            "tout payer en {mois}",
            NEUTRAL,
            "information",
            "sms",
            "Un échéancier se demande depuis votre espace, rubrique « Payer » ; vous "
            "pouvez aussi opter pour la mensualisation l’an prochain",
        ),
        story(
            "Première déclaration après notre mariage | Simulateur et avis ne disent pas pareil",
            "Mariés en {mois}, nous avons fait notre première déclaration commune. Le "
            "service en ligne guide bien, mais le simulateur annonçait {montant} d'impôt "
            "et l'avis dit autre chose, sans explication. Nous aurions aimé savoir d'où "
            "vient l'écart avant de payer.",
            NEUTRAL,
            "demarche",
            "en_ligne",
            "L’écart vient de la réduction pour frais de garde, que le simulateur applique "
            "mais que l’avis ne retient qu’au vu des justificatifs ; vous pouvez la "
            "demander par une déclaration rectificative",
        ),
        story(
            "Conseiller patient au téléphone | Merci pour les explications | "
            "Un avis d'impôt enfin compris",
            "Appelé un {jour} à {heure}, attente courte. Le conseiller a pris le temps de "
            "m'expliquer mon avis d'imposition ligne par ligne. Merci.",
            POSITIVE,
            "information",
            "telephone",
        ),
        story(
            "majoration injuste | majoration a cause du site",
            "jai payer ma taxe fonciere avec {n} jours de retard a cause du site qui "
            "plantait et jai une majoration de {montant}. c pas normal",
            NEGATIVE,
            "decision",
            "en_ligne",
            "L’incident du site est confirmé pour cette date : la majoration a été annulée",
        ),
        story(
            "Avis d'impôt reçu en double | Deux avis pour le même bien",
            "J'ai reçu deux avis de taxe foncière pour le même bien à {ville}, l'un de "
            "{montant}, l'autre un peu plus élevé. Lequel dois-je payer ?",
            NEUTRAL,
            "information",
            "courrier",
            "Le second avis annule et remplace le premier : seul celui-ci est à payer",
        ),
    ],
    "france-travail": [
        story(
            "Actualisation impossible",
            "Le site plante à chaque actualisation depuis {mois}, message d'erreur à la "
            "dernière étape. J'ai dû appeler le 3949 : {minutes} minutes d'attente.",
            NEGATIVE,
            "demarche",
            "en_ligne",
            "Le blocage venait d’une ancienne adresse électronique ; elle a été mise à "
            "jour et l’actualisation fonctionne de nouveau",
        ),
        story(
            "Conseiller à l'écoute à {ville}",
            "Mon conseiller de l'agence de {ville} m'a aidé à monter mon projet de "
            "formation en {duree}. Financement accepté, je commence en {mois}.",
            POSITIVE,
            "contact",
            "guichet",
        ),
        story(
            "Radié sans explication",
            "Radié pour absence à un rendez-vous dont je n'ai jamais reçu la convocation. "
            "{Duree} sans allocation. Personne ne répond aux messages.",
            NEGATIVE,
            "decision",
            "courriel",
            "La convocation avait été envoyée à une adresse erronée : la radiation a été "
            "annulée et vos allocations rétablies",
        ),
        story(
            "Reprise à temps partiel et allocation",
            "Bonjour, si je reprends un temps partiel de {heures} heures par semaine, "
            "est-ce que je garde une partie de mon allocation ? Le simulateur ne prend pas "
            "mon cas en compte.",
            NEUTRAL,
            "information",
            "en_ligne",
            "Oui, l’allocation est maintenue en partie : le montant versé est réduit de "
            "70 % du salaire brut de l’activité reprise",
        ),
        story(
            "ARE pas tombée",
            "salut, mon ARE est pas tombée ce mois ci alors que je me suis actualisé le "
            "{jour_num}. qqn sait pk ? j'ai {montant} de loyer",
            NEUTRAL,
            "decision",
            "sms",
        ),
        story(
            "Atelier CV très utile",
            "J'ai suivi l'atelier CV de l'agence de {ville} un {jour} matin. Groupe de huit, "
            "animatrice très pédagogue, et j'ai décroché un entretien {duree} après. Je "
            "recommande.",
            POSITIVE,
            "contact",
            "guichet",
        ),
        story(
            "Trop-perçu réclamé deux ans après",
            "On me réclame {montant} de trop-perçu pour une mission d'intérim de {mois}, "
            "il y a presque deux ans. J'avais pourtant tout déclaré. Je veux bien "
            "rembourser si c'est justifié, mais expliquez-moi le calcul.",
            NEGATIVE,
            "decision",
            "courrier",
            "Le calcul détaillé vous a été adressé : la mission avait été déclarée sur le "
            "mauvais mois. Un échéancier vous a été proposé",
        ),
        story(
            "Inscription en ligne simple",
            "Inscription faite un {jour} soir en vingt minutes, premier rendez-vous fixé "
            "{duree} après. Rien à redire.",
            POSITIVE,
            "demarche",
            "en_ligne",
        ),
    ],
    "assurance-retraite": [
        story(
            "Départ en retraite sans accroc",
            "Dossier déposé en ligne en {mois}, notification reçue {duree} plus tard, "
            "premier versement à la date prévue. Très bien.",
            POSITIVE,
            "demarche",
            "en_ligne",
        ),
        story(
            "Trimestres manquants",
            "Il manque {n} trimestres sur mon relevé de carrière, des emplois saisonniers "
            "des années 1980. J'ai envoyé mes bulletins de salaire en {mois} : aucune "
            "régularisation depuis {duree}.",
            NEGATIVE,
            "decision",
            "courrier",
            "Vos bulletins ont été pris en compte : les trimestres figurent désormais sur "
            "votre relevé de carrière",
        ),
        story(
            "Pension de réversion",
            "Veuve depuis {mois}, j'ai demandé la pension de réversion en ligne. Le "
            "dossier est « en cours d'instruction » depuis {duree}, sans aucune autre "
            "information. Combien de temps encore ?",
            NEGATIVE,
            "decision",
            "en_ligne",
            "Votre pension de réversion a été attribuée ; le premier versement, avec le "
            "rappel depuis la date d’effet, interviendra à la fin du mois",
        ),
        story(
            "Quel âge de départ ?",
            "Né en 1965, j'ai commencé à travailler à {age_debut} ans. Puis-je partir au "
            "titre des carrières longues ? Le simulateur me donne deux dates différentes.",
            NEUTRAL,
            "information",
            "en_ligne",
            "Un conseiller a étudié votre relevé : vous pouvez partir au titre des "
            "carrières longues, à la date indiquée dans le courrier que nous vous avons "
            "envoyé",
        ),
        story(
            "Rendez-vous retraite à {ville}",
            "Rendez-vous à l'agence retraite de {ville} un {jour} : la conseillère avait "
            "préparé mon dossier et a tout vérifié avec moi en {minutes} minutes. Parfait.",
            POSITIVE,
            "contact",
            "guichet",
        ),
        story(
            "39 60 saturé",
            "trois jours que j'appelle le 39 60, ça sonne dans le vide. Ma pension de "
            "{mois} n'est pas arrivée, {montant} qui manquent.",
            NEGATIVE,
            "contact",
            "telephone",
        ),
    ],
    "msa": [
        story(
            "Cotisations MSA incompréhensibles",
            "Exploitant viticole, je reçois un appel de cotisations de {montant} calculé "
            "sur des revenus de l'an passé alors que la récolte de {mois} a été "
            "catastrophique. Personne ne m'explique comment demander un étalement.",
            NEGATIVE,
            "information",
            "courrier",
            "Un conseiller vous a contacté : l’étalement est accordé et une option pour "
            "l’assiette de l’année en cours vous est proposée",
        ),
        story(
            "Prestations familiales MSA",
            "Dossier de prestations familiales à la MSA traité en {duree}, avec un appel "
            "de la conseillère un {jour} pour une pièce manquante. Efficace.",
            POSITIVE,
            "decision",
            "telephone",
        ),
        story(
            "Site MSA en panne",
            "Impossible de me connecter à mon espace MSA depuis {duree}, mot de passe "
            "refusé alors que je l'ai changé {jour}. Merci de corriger.",
            NEGATIVE,
            "demarche",
            "en_ligne",
        ),
    ],
    "ants": [
        story(
            "Carte d'identité : des mois pour un rendez-vous",
            "Pour renouveler ma carte d'identité, premier rendez-vous disponible en mairie "
            "dans {duree}, à {km} km de chez moi. Pour un voyage en {mois}, c'est râpé.",
            NEGATIVE,
            "demarche",
            "en_ligne",
        ),
        story(
            "Permis de conduire reçu vite",
            "Demande de permis faite en ligne un {jour}, titre reçu {duree} plus tard. Le "
            "suivi par SMS est pratique.",
            POSITIVE,
            "decision",
            "en_ligne",
        ),
        story(
            "Carte grise bloquée",
            "Ma demande de carte grise pour le véhicule {plaque} est bloquée depuis "
            "{duree} à l'étape « en cours d'instruction ». Aucun moyen de joindre "
            "quelqu'un.",
            NEGATIVE,
            "decision",
            "en_ligne",
        ),
        story(
            "Passeport pour un enfant",
            "Bonjour, pour le passeport de mon enfant de {age_enfant} ans, faut-il que les "
            "deux parents soient présents au dépôt, à la mairie de {ville} ? Les informations "
            "en ligne ne sont pas claires.",
            NEUTRAL,
            "information",
            "en_ligne",
        ),
    ],
    "urssaf": [
        story(
            "Déclaration micro-entrepreneur",
            "Le site de l'Urssaf m'a facturé {montant} de cotisations pour un trimestre "
            "où j'avais déclaré zéro chiffre d'affaires en {mois}. Réclamation envoyée, "
            "pas de réponse depuis {duree}.",
            NEGATIVE,
            "decision",
            "en_ligne",
        ),
        story(
            "Cesu simple à utiliser",
            "J'emploie une aide à domicile depuis {mois} : avec le Cesu+, tout est "
            "automatique, je déclare {heures} heures et c'est fini. Parfait.",
            POSITIVE,
            "demarche",
            "en_ligne",
        ),
        story(
            "Question sur l'ACRE",
            "Bonjour, j'ai créé ma micro-entreprise le {jour_num} {mois}. Ai-je droit à l'ACRE si "
            "j'étais salarié jusqu'au mois précédent ? Merci.",
            NEUTRAL,
            "information",
            "courriel",
        ),
    ],
    "la-poste": [
        story(
            "Recommandé jamais présenté",
            "Avis de passage dans ma boîte le {jour_num} {mois}, alors que j'étais chez "
            "moi toute la journée. Le recommandé est à récupérer à {km} km.",
            NEGATIVE,
            "contact",
            "guichet",
        ),
        story(
            "Procuration faite en cinq minutes",
            "Procuration postale faite au bureau de {ville} un {jour}, en cinq minutes, "
            "avec une guichetière très aimable.",
            POSITIVE,
            "demarche",
            "guichet",
        ),
    ],
    "justice": [
        story(
            "Aide juridictionnelle : dossier renvoyé",
            "Ma demande d'aide juridictionnelle m'a été renvoyée en {mois} pour une pièce "
            "manquante qui n'était pas dans la liste. J'ai perdu {duree} avant "
            "l'audience.",
            NEGATIVE,
            "demarche",
            "courrier",
        ),
        story(
            "Extrait de casier en ligne",
            "Demande d'extrait de casier judiciaire faite un {jour} à {heure}, reçu par "
            "courriel le lendemain. Simple.",
            POSITIVE,
            "demarche",
            "en_ligne",
        ),
    ],
}

# --- Recorded by an adviser at a counter, in the third person -------------------------

# At a France Services site, for its partner organisations.
FRANCE_SERVICES_STORIES: dict[str, list[Story]] = {
    "caf": [
        story(
            "Mot de passe CAF bloqué",
            "L'usagère ne parvenait pas à faire sa déclaration trimestrielle : son mot de "
            "passe est bloqué depuis {duree}. Appel ensemble à la plateforme ({minutes} "
            "minutes d'attente), accès réinitialisé, déclaration faite sur place.",
            NEUTRAL,
            "demarche",
            "guichet",
            "Merci à la France Services de {ville} pour cet accompagnement ; le "
            "déblocage des mots de passe peut désormais se faire par SMS",
            ASSISTED,
        ),
        story(
            "APL suspendue, usager sans ordinateur",
            "Monsieur est venu car son aide au logement est suspendue depuis {mois}. Il "
            "n'a pas d'ordinateur et ne comprend pas les courriers. Une attestation de "
            "loyer manquait : transmise par le portail partenaire. Il souhaite être "
            "prévenu par téléphone plutôt que par courrier.",
            NEGATIVE,
            "decision",
            "guichet",
            "L’attestation a été enregistrée et l’aide rétablie ; nous avons noté la "
            "préférence de l’allocataire pour un contact téléphonique",
            ASSISTED,
        ),
        story(
            "Première demande de RSA accompagnée",
            "Madame a été reçue pour une première demande de RSA. Dossier complété en "
            "{minutes} minutes, mais le téléversement des pièces a échoué {n} fois. Elle "
            "est repartie rassurée avec son récépissé.",
            POSITIVE,
            "demarche",
            "guichet",
            "",
            ASSISTED,
        ),
    ],
    "assurance-maladie": [
        story(
            "Compte ameli créé avec l'usager",
            "Monsieur, {age} ans, n'avait pas de compte ameli et ne sait pas utiliser "
            "internet. Compte créé avec lui et carte Vitale commandée ; il a fallu {n} "
            "essais pour la photo.",
            NEUTRAL,
            "demarche",
            "guichet",
            "",
            ASSISTED,
        ),
        story(
            "Remboursement en attente depuis des semaines",
            "Madame attend depuis {duree} le remboursement d'une hospitalisation de "
            "{montant}. Rendez-vous téléphonique pris pour elle avec la CPAM.",
            NEGATIVE,
            "decision",
            "guichet",
            "Le remboursement a été effectué après réception de la facture de l’établissement",
            ASSISTED,
            SENSITIVE,
        ),
    ],
    "france-travail": [
        story(
            "Inscription à France Travail accompagnée",
            "Madame souhaitait s'inscrire comme demandeuse d'emploi mais l'identification "
            "en ligne échouait. Inscription faite en {minutes} minutes avec elle, premier "
            "rendez-vous obtenu pour le {jour_num} {mois}.",
            POSITIVE,
            "demarche",
            "guichet",
            "",
            ASSISTED,
        ),
    ],
    "msa": [
        story(
            "Exploitant perdu dans ses cotisations",
            "Monsieur, exploitant agricole, ne comprend pas son appel de cotisations de "
            "{montant}. Nous avons pris rendez-vous avec la MSA pour lui, à {ville}, le "
            "{jour} suivant.",
            NEUTRAL,
            "information",
            "guichet",
            "",
            ASSISTED,
        ),
    ],
    "ants": [
        story(
            "Pré-demande de passeport accompagnée",
            "Pré-demande de passeport faite avec l'usager, qui n'a pas d'adresse "
            "électronique : création d'une adresse, achat du timbre fiscal de {montant}. "
            "Rendez-vous en mairie dans {duree}.",
            NEUTRAL,
            "demarche",
            "guichet",
            "",
            ASSISTED,
        ),
    ],
    "dgfip": [
        story(
            "Déclaration de revenus faite à l'accueil",
            "Madame, {age} ans, fait sa déclaration de revenus avec nous chaque année. "
            "Cette année, la déclaration préremplie oubliait sa pension de {montant}. "
            "Corrigé ensemble.",
            POSITIVE,
            "demarche",
            "guichet",
            "",
            ASSISTED,
        ),
    ],
}

# At the CAF's own counter, by its agent.
COUNTER_STORIES: list[Story] = [
    story(
        "Dette contestée au guichet",
        "L'allocataire conteste une dette de {montant} sur sa prime d'activité et dit "
        "n'avoir jamais reçu le courrier d'explication. Dossier consulté avec lui, recours "
        "amiable déposé le jour même.",
        NEGATIVE,
        "decision",
        "guichet",
        "Le recours amiable a été examiné : la dette a été ramenée à la seule période "
        "concernée et un nouveau courrier explicatif a été adressé",
        ASSISTED,
    ),
    story(
        "Reçue vite sans rendez-vous",
        "Madame remercie l'accueil pour sa rapidité : venue sans rendez-vous un {jour} à "
        "{heure}, reçue en moins de {minutes} minutes pour son changement d'adresse.",
        POSITIVE,
        "contact",
        "guichet",
        "",
        ASSISTED,
    ),
    story(
        "Borne de tickets en panne",
        "Monsieur a attendu {minutes} minutes de plus que d'habitude un {jour} : il n'y a "
        "qu'une borne de tickets et elle était en panne. Il souhaite que ce soit remonté.",
        NEGATIVE,
        "contact",
        "guichet",
        "La borne a été réparée et une seconde est commandée",
        ASSISTED,
    ),
    story(
        "Aide pour la déclaration de ressources",
        "Le couple ne comprenait pas la déclaration annuelle de ressources demandée en "
        "{mois}. Remplie avec eux en {minutes} minutes, ils repartent avec le récapitulatif "
        "imprimé.",
        NEUTRAL,
        "demarche",
        "guichet",
        "",
        ASSISTED,
    ),
    story(
        "Usager en colère contre les délais",
        "Monsieur est venu pour la {n_ordinal} fois en {duree} pour le même dossier "
        "d'aide au logement. Il demande qu'on lui donne une date de traitement précise.",
        NEGATIVE,
        "decision",
        "guichet",
        "Le dossier a été traité en priorité et une date de versement communiquée à l’allocataire",
        ASSISTED,
    ),
]

# Texts a moderator refuses, with the charter reason (what they are about matters
# little: they never become public).
REJECTED_STORIES: list[tuple[Story, str]] = [
    (
        story(
            "Bande d'incapables",
            "Bande d'incapables, tous des fainéants planqués derrière leurs écrans, encore "
            "reçu comme un chien ce {jour}. "
            "Et {agent}, à l'accueil de {ville}, ne sert strictement à rien.",
            NEGATIVE,
            "contact",
            "guichet",
        ),
        "insult",
    ),
    (
        story(
            "Travaux dans ma rue",
            "Les travaux devant chez moi à {ville} durent depuis {duree} et personne ne "
            "nettoie le trottoir. La mairie ne répond pas.",
            NEGATIVE,
            "information",
            "courrier",
        ),
        "off_topic",
    ),
    (
        story(
            "Aide pour vos dossiers",
            "Vous galérez avec vos dossiers administratifs ? Notre cabinet s'occupe de tout "
            "pour {montant} seulement. Appelez le {tel} !",
            NEUTRAL,
            "information",
            "en_ligne",
        ),
        "commercial",
    ),
    (
        story(
            "Mon voisin profite du système",
            "Mon voisin {prenom} {nom}, au 3e étage du {numero} de la grande rue à {ville}, "
            "touche des aides depuis {duree} alors qu'il travaille au noir. Contrôlez-le.",
            NEGATIVE,
            "information",
            "en_ligne",
        ),
        "personal_data",
    ),
    (
        story(
            "honte a vous",
            "HONTE A VOUS !!! voleurs !!! {duree} que j'attends mes {montant}, vous "
            "finirez tous au chômage et ce sera bien fait",
            NEGATIVE,
            "decision",
            "en_ligne",
        ),
        "insult",
    ),
]

# --- Answer templates -------------------------------------------------------------------

# (title, body) per organisation; ``[À COMPLÉTER : …]`` passages are filled per answer.
WHAT_WAS_DONE = "[À COMPLÉTER : ce que le service a vérifié et fait]"
SIGNATURE = "[À COMPLÉTER : nom du service]"
TEMPLATES: dict[str, list[tuple[str, str]]] = {
    "caf": [
        (
            "Réponse après régularisation d’un dossier",
            "Bonjour,\n\nMerci d’avoir pris le temps de nous écrire. "
            f"{WHAT_WAS_DONE}.\n\nSi un point reste à régler, écrivez-nous depuis votre "
            "espace « Mon Compte », rubrique « Mes échanges ».\n\n" + SIGNATURE,
        ),
        (
            "Remerciements pour un témoignage positif",
            f"Bonjour,\n\nMerci pour ce retour. {WHAT_WAS_DONE}. Vos remarques nous aident "
            "à améliorer l’accueil des allocataires.\n\n" + SIGNATURE,
        ),
        (
            "Réponse à une question sur les droits",
            f"Bonjour,\n\n{WHAT_WAS_DONE}. Le simulateur de caf.fr permet aussi d’estimer "
            "vos droits avant toute démarche.\n\n" + SIGNATURE,
        ),
    ],
    "assurance-maladie": [
        (
            "Réponse après étude du dossier",
            f"Bonjour,\n\nNous avons étudié votre situation. {WHAT_WAS_DONE}.\n\nVous "
            "pouvez suivre vos remboursements dans votre compte ameli.\n\n" + SIGNATURE,
        ),
        (
            "Remerciements",
            f"Bonjour,\n\nMerci pour votre message. {WHAT_WAS_DONE}.\n\n" + SIGNATURE,
        ),
    ],
    "dgfip": [
        (
            "Réponse à une question fiscale",
            f"Bonjour,\n\n{WHAT_WAS_DONE}.\n\nPour toute question sur votre dossier, la "
            "messagerie sécurisée de votre espace particulier reste le canal le plus "
            "rapide.\n\n" + SIGNATURE,
        ),
        (
            "Réponse après correction d’une imposition",
            f"Bonjour,\n\nNous avons repris votre dossier. {WHAT_WAS_DONE}. Nous vous "
            "présentons nos excuses pour la gêne occasionnée.\n\n" + SIGNATURE,
        ),
    ],
    "france-travail": [
        (
            "Réponse après étude de la situation",
            f"Bonjour,\n\n{WHAT_WAS_DONE}.\n\nVotre conseiller reste joignable par la "
            "messagerie de votre espace personnel.\n\n" + SIGNATURE,
        ),
    ],
    "assurance-retraite": [
        (
            "Réponse sur un dossier de retraite",
            f"Bonjour,\n\n{WHAT_WAS_DONE}.\n\nVous pouvez suivre l’avancement de votre "
            "dossier dans votre espace personnel sur lassuranceretraite.fr.\n\n" + SIGNATURE,
        ),
    ],
}
# The CAF de la Gironde's own templates (``AnswerTemplate.local_service``).
LOCAL_TEMPLATES: dict[str, list[tuple[str, str]]] = {
    "caf-33": [
        (
            "Accueils de la Gironde : rendez-vous",
            "Bonjour,\n\nLes accueils de la CAF de la Gironde (Bordeaux, Mérignac, Pessac) "
            f"vous reçoivent sur rendez-vous du lundi au vendredi. {WHAT_WAS_DONE}.\n\n"
            + SIGNATURE,
        ),
        (
            "Excuses pour un délai de traitement (Gironde)",
            "Bonjour,\n\nNous vous présentons nos excuses pour le délai de traitement de "
            f"votre dossier. {WHAT_WAS_DONE}. La CAF de la Gironde traite aujourd’hui les "
            "dossiers reçus il y a [À COMPLÉTER : délai de traitement actuel].\n\n" + SIGNATURE,
        ),
    ],
}
# Fills of the other passages, by a word of the passage.
CURRENT_DELAY = "trois semaines environ"
GENERIC_REPLIES = {
    POSITIVE: "Votre message a été transmis à l’équipe concernée, qui vous en remercie",
    NEUTRAL: "La réponse à votre question vous a été adressée en détail par courrier ; un "
    "conseiller reste joignable si un point n’est pas clair",
    NEGATIVE: "Nous avons repris votre dossier dès réception de votre témoignage et la "
    "situation est régularisée ; nous vous présentons nos excuses pour ce délai",
}
# Added to an answer that names an agent: the engine masks it, so a moderator looks.
NAMED_CONTACT = ". {agent}, de notre équipe, vous rappellera cette semaine"

# --- Slots ------------------------------------------------------------------------------

MOIS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
DUREES = (
    "dix jours",
    "quinze jours",
    "trois semaines",
    "un mois",
    "cinq semaines",
    "six semaines",
    "deux mois",
    "trois mois",
    "quatre mois",
)
JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi")
HEURES = ("8 h 30", "9 h", "9 h 45", "10 h 15", "11 h", "14 h", "15 h 30", "16 h 45")
NOMBRES = ("deux", "trois", "quatre", "cinq")
ORDINAUX = ("troisième", "quatrième", "cinquième")
AGENTS = (
    "Mme Lefèvre",
    "M. Diallo",
    "Mme Nguyen",
    "M. Rousseau",
    "Mme Benhamou",
    "M. Garcia",
    "Mme Petit",
    "M. Moreau",
    "Mme Da Silva",
    "M. Lambert",
)
PRENOMS = ("Nadia", "Julien", "Sandrine", "Karim", "Élodie", "Thomas", "Fatou", "Marc")
NOMS = ("Benali", "Martin", "Fournier", "Haddad", "Girard", "Mercier", "Traoré", "Roux")
# For experiences with no département (national services reached online).
VILLES_NATIONALES = ("Lyon", "Lille", "Nantes", "Toulouse", "Rennes", "Dijon", "Limoges")


def _phone(rng: random.Random) -> str:
    groups = [f"{rng.randint(10, 99)}" for _ in range(4)]
    prefix = rng.choice(("06", "07"))
    style = rng.randrange(3)
    if style == 0:
        return " ".join([prefix, *groups])
    if style == 1:
        return ".".join([prefix, *groups])
    return prefix + "".join(groups)


def _nir(rng: random.Random, departement: str) -> str:
    departement = departement if len(departement) == 2 else "75"
    first13 = (
        f"{rng.choice('12')}{rng.randint(50, 99):02d}{rng.randint(1, 12):02d}"
        f"{departement}{rng.randint(1, 999):03d}{rng.randint(1, 999):03d}"
    )
    key = nir_key(first13)
    return (
        f"{first13[0]} {first13[1:3]} {first13[3:5]} {first13[5:7]} {first13[7:10]} "
        f"{first13[10:13]} {key:02d}"
    )


def _plate(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPRSTVWXYZ"
    return (
        f"{rng.choice(letters)}{rng.choice(letters)}-{rng.randint(100, 999)}-"
        f"{rng.choice(letters)}{rng.choice(letters)}"
    )


def slots(rng: random.Random, *, villes: tuple[str, ...], departement: str = "") -> dict[str, str]:
    """One draw of every slot (a story uses the ones it names)."""
    duree = rng.choice(DUREES)
    return {
        "ville": rng.choice(villes or VILLES_NATIONALES),
        "mois": rng.choice(MOIS),
        "duree": duree,
        "Duree": duree[0].upper() + duree[1:],
        "montant": f"{rng.randint(35, 980)} €",
        "jour": rng.choice(JOURS),
        "jour_num": str(rng.randint(2, 28)),
        "heure": rng.choice(HEURES),
        "minutes": str(rng.choice((12, 18, 25, 35, 40, 45, 55, 70))),
        "agent": rng.choice(AGENTS),
        "tel": _phone(rng),
        "alloc": str(rng.randint(1_000_000, 9_999_999)),
        "fiscal": f"{rng.randint(1, 3)}{rng.randint(0, 10**12 - 1):012d}",
        "nir": _nir(rng, departement),
        "prenom": rng.choice(PRENOMS),
        "nom": rng.choice(NOMS),
        "n": rng.choice(NOMBRES),
        "n_ordinal": rng.choice(ORDINAUX),
        "age": str(rng.randint(67, 88)),
        "age_debut": str(rng.randint(16, 19)),
        "age_enfant": str(rng.randint(3, 14)),
        "taux": f"{rng.randint(4, 19)},{rng.randint(0, 9)}",
        "heures": str(rng.choice((8, 10, 12, 15, 20, 24))),
        "km": str(rng.randint(12, 65)),
        "plaque": _plate(rng),
        "numero": str(rng.randint(2, 140)),
    }


@dataclass(frozen=True)
class Told:
    """A story as one person told it: slots filled."""

    story: Story
    title: str
    text: str
    reply: str
    values: dict[str, str]


MASKABLE = ("tel", "alloc", "fiscal", "nir", "prenom", "nom", "agent", "plaque", "numero", "ville")


def tell(
    story: Story,
    rng: random.Random,
    *,
    villes: tuple[str, ...],
    departement: str = "",
    taken: set[str],
) -> Told | None:
    """Fill ``story``'s slots so that its text, once masked, is not in ``taken`` (which
    it joins); ``None`` when its slots allow no new text."""
    for _ in range(30):
        values = slots(rng, villes=villes, departement=departement)
        text = story.text.format(**values)
        # Distinct once masked too: personal data (and towns, which the engine sometimes
        # takes for names) may not be all that tells two texts apart.
        shape = story.text.format(**(values | dict.fromkeys(MASKABLE, "…")))
        if shape not in taken:
            break
    else:
        return None  # this story has been told in every way its slots allow
    taken.add(shape)
    return Told(
        story=story,
        title=rng.choice(story.title.split(" | ")).format(**values),
        text=text,
        reply=story.reply.format(**values) if story.reply else "",
        values=values,
    )
