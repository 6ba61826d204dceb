"""Hand-written requests on the borders between motifs that citizens' wording blurs.

A fourth batch of template families (issue 12): each list holds requests whose answer
lies on one side of a border that the first three batches left thin. The borders are
categories, not texts of any evaluation set:

* MSA (farmers' and farm workers' social security, which pays health, family and pension
  benefits) against CPAM, CAF and CNAV: any MSA benefit question is ``msa/prestations-msa``,
  whether or not the text says « MSA » (a farmer, a vineyard worker, a seasonal picker...);
* URSSAF micro-entrepreneur questions against France Travail (unemployment benefit while
  creating a business), in both directions;
* local taxes (taxe foncière, taxe d'habitation) against the payment of income tax at the
  DGFiP: paying, spreading or contesting a local tax stays ``impots-locaux``;
* the Carte Vitale against identity documents (a photo, an ID copy asked for the card);
* a survivor's pension against a first pension claim;
* daily sickness allowances against the attending doctor (the doctor who signs the sick
  note does not make it a ``medecin-traitant`` question).
"""

# ruff: noqa: E501 - hand-written data: one sentence per line reads best

from __future__ import annotations

BORDER_CORES: dict[str, list[str]] = {
    # --- MSA benefits: health, family, pension of the agricultural scheme ------------------
    "msa/prestations-msa": [
        "Je suis viticulteur et mes remboursements de dentiste n'arrivent pas depuis deux mois.",
        "Ouvrier agricole en CDI dans une exploitation de maïs, je suis en arrêt depuis trois semaines et je n'ai rien touché.",
        "Mon mari était exploitant agricole, il est décédé en janvier, comment toucher sa retraite agricole ?",
        "Je suis éleveuse de chèvres et j'attends mon congé maternité, qui me paie le remplacement sur l'exploitation ?",
        "Je pars à la retraite après quarante ans sur la ferme familiale, comment faire ma demande à la caisse agricole ?",
        "Salarié d'une coopérative agricole, je voudrais savoir pourquoi ma prime d'activité a baissé.",
        "Je suis maraîcher et ma carte Vitale est toujours rattachée au régime agricole de mon ancien patron.",
        "Mes allocations familiales sont versées par la Mutualité sociale agricole, elles ont été suspendues.",
        "Saisonnier pour les vendanges, je voudrais savoir si j'ai droit aux indemnités journalières avec mes heures.",
        "Ma retraite complémentaire agricole n'apparaît pas sur mon relevé de paiement.",
        "Je travaille chez un paysagiste et la caisse agricole ne m'a pas remboursé ma consultation chez le spécialiste.",
        "Je suis conjointe collaboratrice sur l'exploitation de mon mari, est-ce que je cotise pour ma retraite ?",
        "La MSA ne verse plus l'aide au logement depuis que nous avons vendu le troupeau.",
        "Je suis bûcheron salarié, j'ai eu un accident de tronçonneuse, qui paie mes indemnités d'accident du travail ?",
        "Mon père, ancien agriculteur, touche une petite retraite, peut-il avoir un complément ?",
        "Je suis arboriculteur, je voudrais demander le RSA pour cet hiver car la récolte a gelé.",
        "Je suis ostréicultrice, ma fille vient de naître et la prime de naissance n'a pas été versée.",
        "Salarié dans un centre équestre, mon arrêt maladie n'est pas indemnisé par le régime agricole.",
        "Je suis veuve d'un viticulteur, on m'a dit de demander la réversion à la MSA, comment faire ?",
        "Je travaille dans une entreprise de travaux agricoles, ma complémentaire santé solidaire a été refusée.",
        "Mon fils est apprenti dans une exploitation horticole, comment avoir sa propre carte Vitale ?",
        "Le régime agricole me dit qu'il manque mes trimestres de salarié agricole pour ma retraite.",
        "Je suis agriculteur en invalidité, la pension d'invalidité de la MSA a diminué.",
        "La caisse de la mutualité agricole me réclame un trop-perçu d'allocations logement.",
        "Ma mère est ancienne exploitante, sa pension de retraite agricole n'a pas été payée ce mois-ci.",
        "Salariée agricole, je voudrais déclarer un nouveau médecin traitant auprès de ma caisse agricole.",
        "On a repris la ferme avec mon compagnon, qui verse maintenant nos allocations familiales ?",
        "Je suis ouvrier viticole et je voudrais faire une demande de retraite anticipée pour carrière longue.",
        "Mes indemnités journalières d'exploitant agricole ont été refusées car je ne suis pas à jour.",
        "La msa ma pas rembourse les lunettes de mon fils",
        "Bonjour je suis saisonniere dans les vergers et je ne touche plus l'APL de la MSA",
        "Éleveur laitier, je voudrais la prime d'activité, mes revenus agricoles sont très bas cette année.",
        "Mon conjoint est salarié d'un GAEC, nos aides au logement sont gérées par quel organisme ?",
        "Je suis agricultrice et je voudrais savoir à combien s'élèvera ma retraite de base et complémentaire.",
        "Après mon accident de tracteur, la rente d'accident du travail agricole n'est pas versée.",
        "Je travaille en serre chez un producteur de tomates, mes soins ne sont plus remboursés depuis mon changement de contrat.",
        "Ancien salarié de la coopérative laitière, je voudrais demander ma pension de retraite au régime agricole.",
        "Je suis chef d'exploitation et je voudrais l'aide au répit car je suis épuisé.",
    ],
    "msa/cotisations-agricoles": [
        "Je suis viticulteur et je ne peux pas payer l'appel de cotisations de cette année après la grêle.",
        "Comment déclarer mes revenus professionnels d'exploitant à la caisse agricole pour le calcul des cotisations ?",
        "J'emploie deux saisonniers pour la récolte des pommes, le TESA ne fonctionne pas pour les déclarer.",
        "La mutualité agricole me réclame des cotisations de solidarité sur une parcelle que j'ai vendue.",
        "Je voudrais passer à l'assiette annuelle pour mes cotisations d'exploitant.",
        "Mes cotisations d'exploitant ont été prélevées deux fois ce trimestre.",
        "Je cesse mon activité agricole, comment solder mes cotisations ?",
        "Le montant de mes cotisations de chef d'exploitation a doublé sans raison.",
    ],
    # --- CPAM, CAF, CNAV: the same benefits outside farming ---------------------------------
    "assurance-maladie/remboursement-soins": [
        "Je suis caissière dans un supermarché et mes séances d'orthophonie ne sont pas remboursées.",
        "Mon ostéopathe n'est pas remboursé, est-ce normal ? je suis salarié dans le bâtiment.",
    ],
    "assurance-retraite/paiement-pension": [
        "Ancien ouvrier du bâtiment, ma retraite du régime général n'a pas été versée le 9 du mois.",
        "J'ai travaillé toute ma vie dans le commerce, ma pension a baissé ce mois-ci sans courrier.",
    ],
    # --- URSSAF micro-entrepreneur against France Travail ----------------------------------
    "urssaf/micro-entreprise": [
        "Je touche encore l'ARE et j'ai lancé ma micro-entreprise, l'Urssaf me demande des cotisations que je n'ai pas comprises.",
        "Inscrite à France Travail, j'ai créé mon auto-entreprise de couture, comment déclarer mon chiffre d'affaires chaque mois ?",
        "Je cumule chômage et micro-entreprise, la déclaration trimestrielle Urssaf est refusée sur le site.",
        "L'ACRE m'a été refusée pour ma micro-entreprise alors que je suis demandeur d'emploi.",
        "J'ai quitté mon CDI pour devenir auto-entrepreneur, mon compte sur autoentrepreneur.urssaf.fr est bloqué.",
        "Je suis au chômage et je fais des petits chantiers en micro-entreprise, combien je dois payer de cotisations ?",
        "Mon conseiller France Travail m'a dit de voir l'Urssaf pour mes cotisations d'auto-entrepreneur, je ne sais pas comment faire.",
        "Je suis livreur à vélo en auto-entreprise, l'Urssaf me réclame une majoration de retard.",
        "Je voudrais savoir si je dois déclarer à l'Urssaf le chiffre d'affaires des mois où je touchais encore le chômage.",
        "J'ai fermé ma micro-entreprise pour reprendre un emploi mais l'Urssaf continue de m'envoyer des échéances.",
        "Je suis photographe en micro-entreprise et l'Urssaf a calculé des cotisations sur un chiffre d'affaires que je n'ai pas fait.",
        "Comment mettre ma micro-entreprise en sommeil pendant que je cherche un salariat ?",
        "Je suis demandeuse d'emploi et je veux devenir vendeuse à domicile indépendante, je m'inscris où pour mon SIRET ?",
        "L'Urssaf m'a envoyé une mise en demeure pour des déclarations de chiffre d'affaires à zéro que j'ai bien faites.",
        "Je suis VTC auto-entrepreneur et je n'arrive plus à me connecter à mon espace pour déclarer mes recettes.",
        "micro entrepreneur depuis janvier jai oublie de declarer mon CA de mars a lurssaf",
        "Mes cotisations sociales de micro-entrepreneur ne sont pas prélevées alors que j'ai choisi le prélèvement.",
    ],
    "france-travail/indemnisation": [
        "J'ai créé ma micro-entreprise et France Travail a réduit mon ARE, comment est fait le calcul ?",
        "Je voudrais toucher l'ARCE en capital pour lancer mon auto-entreprise, à qui la demander ?",
        "Depuis que j'ai déclaré mon chiffre d'affaires d'auto-entrepreneur, mon allocation chômage n'est plus versée.",
        "Mon entreprise a échoué, je voudrais retrouver mes droits au chômage d'avant ma création.",
        "Est-ce que je garde mon allocation de retour à l'emploi si je deviens auto-entrepreneur ?",
        "France Travail me demande de rembourser des allocations parce que j'avais une micro-entreprise en même temps.",
        "J'ai été licencié et je veux savoir combien de temps je serai indemnisé avant de créer mon activité.",
    ],
    "france-travail/actualisation": [
        "Je suis auto-entrepreneur et demandeur d'emploi, comment déclarer mon chiffre d'affaires dans l'actualisation du mois ?",
        "Lors de mon actualisation, je ne sais pas s'il faut indiquer les heures de ma micro-entreprise.",
        "J'ai déclaré à tort mon chiffre d'affaires Urssaf dans ma déclaration de situation mensuelle, comment corriger ?",
    ],
    "france-travail/formation": [
        "Je veux créer mon entreprise, est-ce que France Travail propose un atelier ou une formation pour monter le projet ?",
        "Mon conseiller peut-il financer une formation de gestion avant que je m'installe en auto-entrepreneur ?",
    ],
    "france-travail/inscription": [
        "J'ai arrêté mon activité de micro-entrepreneur, je voudrais m'inscrire comme demandeur d'emploi.",
        "Mon auto-entreprise ne marche plus, puis-je m'inscrire à France Travail tout en la gardant ouverte ?",
    ],
    # --- DGFiP: local taxes against income-tax payment --------------------------------------
    "dgfip/impots-locaux": [
        "Je voudrais payer ma taxe foncière en trois fois, je ne peux pas tout régler au 15 octobre.",
        "J'ai reçu une majoration de 10 % sur ma taxe foncière alors que j'ai payé en ligne le jour même.",
        "Le prélèvement mensuel de ma taxe foncière a été fait deux fois ce mois-ci.",
        "On me réclame la taxe d'habitation de ma résidence secondaire, comment demander un délai de paiement ?",
        "Je suis âgée et je n'arrive pas à payer la taxe foncière de ma maison, puis-je avoir une remise ?",
        "Je voudrais mensualiser ma taxe foncière à partir de janvier, comment faire ?",
        "Mon avis de taxe foncière est arrivé avec un montant à payer bien plus élevé que l'an passé.",
        "J'ai payé deux fois la taxe d'habitation de mon studio, qui me rembourse ?",
        "La taxe foncière de l'appartement que j'ai vendu en mars m'est réclamée en entier.",
        "Je n'ai pas pu payer ma taxe foncière à temps à cause de mon hospitalisation, peut-on annuler la pénalité ?",
        "Mon compte bancaire a changé, comment modifier le prélèvement de la taxe foncière ?",
        "J'ai un dégrèvement de taxe d'habitation mais le remboursement n'est jamais arrivé.",
        "On me demande la taxe d'habitation sur un logement vide que je n'arrive pas à louer.",
        "La commune a augmenté le taux, ma taxe foncière a bondi, est-ce légal ?",
        "Je suis héritier d'une maison et je ne sais pas qui doit payer la taxe foncière cette année.",
        "Je dois déclarer sur mon espace que je loue mon appartement pour la taxe d'habitation, où est-ce ?",
        "taxe fonciere impayee je recois une relance avec des frais",
        "Comment contester la valeur locative qui sert au calcul de ma taxe foncière ?",
    ],
    "dgfip/paiement-impot": [
        "Mon avis d'impôt sur le revenu m'indique un solde à payer que je ne peux pas régler en septembre.",
        "Je voudrais un étalement du reste à payer de mon impôt sur le revenu.",
        "Le remboursement de mon impôt sur le revenu n'est pas arrivé en juillet comme annoncé.",
        "Le trésor public a fait un avis à tiers détenteur sur mon compte pour mon impôt sur le revenu.",
        "J'ai payé mon impôt sur le revenu deux fois par erreur, comment récupérer la somme ?",
        "Je dois de l'impôt sur le revenu des années passées, puis-je demander un plan de règlement ?",
        "Comment payer mon solde d'impôt sur le revenu si je n'ai pas de compte en France ?",
    ],
    "dgfip/prelevement-source": [
        "Mon employeur prélève un taux trop élevé sur ma fiche de paie depuis janvier.",
        "Je voudrais baisser mes acomptes mensuels d'impôt sur le revenu car je suis passé à mi-temps.",
    ],
    # --- The Carte Vitale against identity documents ----------------------------------------
    "assurance-maladie/carte-vitale": [
        "Pour ma nouvelle carte Vitale, on me demande une copie de ma pièce d'identité, je n'en ai plus de valide.",
        "La photo que j'ai envoyée pour ma carte Vitale a été refusée, quelle photo faut-il ?",
        "On m'a volé mon sac avec ma carte Vitale et ma carte d'identité, pour la carte Vitale comment je fais ?",
        "Je voudrais ma carte Vitale avec photo, faut-il passer en mairie comme pour le passeport ?",
        "Ma carte Vitale porte mon nom de jeune fille, je voudrais mon nom d'usage comme sur ma carte d'identité.",
        "La carte Vitale de ma mère est cassée, elle n'a que son passeport étranger, que fournir ?",
        "Je n'ai toujours pas reçu ma carte Vitale, j'ai pourtant envoyé photo et justificatif d'identité.",
        "Je voudrais l'appli carte Vitale mais la vérification d'identité avec mon passeport échoue.",
        "Ma carte vitale est perdue et je n'ai pas de titre de séjour à jour, puis-je en avoir une nouvelle ?",
        "Mon fils a 12 ans, il lui faut une carte vitale à son nom ou il reste sur la mienne ?",
        "carte vitale perdu je fais comment pour la refaire",
        "La pharmacie n'accepte pas ma carte Vitale, elle dit qu'elle est périmée.",
    ],
    "ants/carte-identite-passeport": [
        "Ma carte d'identité expire le mois prochain, il me faut un rendez-vous en mairie pour la refaire.",
        "J'ai perdu mon passeport avec ma carte Vitale dedans, pour le passeport quelle démarche ?",
        "La photo de ma carte d'identité a été refusée à la mairie, elle n'est pas aux normes.",
        "Mon titre d'identité est prêt mais le récépissé de pré-demande est perdu.",
    ],
    # --- Survivor's pension against a first pension claim -----------------------------------
    "assurance-retraite/pension-reversion": [
        "Mon mari est décédé le mois dernier, je voudrais toucher une partie de sa retraite.",
        "Je suis veuve depuis mars, comment faire la demande de retraite de réversion en ligne ?",
        "Mon épouse touchait sa retraite, elle est morte, est-ce que je peux recevoir quelque chose ?",
        "Ma mère vient de perdre mon père, elle ne sait pas quoi demander pour la retraite de papa.",
        "Après le décès de mon conjoint, sa caisse de retraite ne me verse rien, je n'ai que ma petite pension.",
        "J'ai déposé la demande de réversion il y a quatre mois, aucune nouvelle depuis.",
        "Je touche déjà ma retraite, ai-je droit en plus à celle de mon mari décédé ?",
        "La réversion de mon défunt mari a été calculée sur des ressources qui ne sont pas les miennes.",
        "Veuf à 58 ans, puis-je toucher la pension de ma femme avant d'être moi-même retraité ?",
        "On me demande l'acte de décès et mon livret de famille pour la pension de mon mari, où les envoyer ?",
        "Mon ex-mari est décédé, nous avions été mariés vingt ans, ai-je droit à sa pension ?",
        "Depuis la mort de mon mari je n'arrive plus à payer le loyer, sa retraite ne m'est pas versée.",
    ],
    "assurance-retraite/demande-retraite": [
        "Je voudrais déposer ma propre demande de retraite, j'aurai 64 ans en septembre.",
        "C'est ma première demande de retraite, par où commencer ?",
        "J'ai fait la demande unique de retraite en ligne, mais elle reste au statut en cours d'instruction.",
        "Je suis veuve et je voudrais aussi partir à la retraite pour moi-même, quand puis-je la demander ?",
        "À quelle date dois-je envoyer mon dossier pour partir à la retraite le 1er juillet ?",
        "Je prends ma retraite l'an prochain, comment choisir ma date de départ ?",
        "Je n'ai jamais demandé ma retraite et j'ai 67 ans, est-ce encore possible ?",
        "Mon dossier de départ en retraite est incomplet selon la caisse, il manque quoi ?",
    ],
    # --- Daily sickness allowances against the attending doctor ------------------------------
    "assurance-maladie/indemnites-journalieres": [
        "Mon médecin m'a arrêté quinze jours, l'arrêt a été envoyé en ligne mais je ne suis pas payé.",
        "Mon médecin traitant a prolongé mon arrêt, depuis les indemnités ne tombent plus.",
        "Le généraliste a fait mon arrêt de travail sur papier, j'ai envoyé le volet trop tard, vais-je perdre mes indemnités ?",
        "Arrêté par un médecin qui n'est pas mon médecin traitant, vais-je quand même être indemnisé ?",
        "Je suis en arrêt pour une opération du genou, la caisse a suspendu le paiement de mes IJ.",
        "Mon docteur m'a mis en arrêt maladie mais l'assurance maladie dit ne pas avoir l'attestation de salaire.",
        "Depuis mon arrêt prescrit par le médecin du travail, je n'ai touché aucune indemnité.",
        "Le médecin a coché sorties libres mais on me reproche d'avoir été absente et on me retire mes indemnités.",
        "Combien de jours de carence avant que les indemnités de mon arrêt maladie soient versées ?",
        "arret maladie depuis 3 semaines toujours pas payer par la secu",
        "Le médecin conseil m'a convoqué, depuis mes indemnités d'arrêt sont bloquées.",
        "Mon arrêt de travail pour dépression dure depuis six mois, les paiements de la CPAM se sont arrêtés.",
    ],
    "assurance-maladie/medecin-traitant": [
        "Mon médecin traitant déménage, je dois en déclarer un autre auprès de ma caisse, comment faire ?",
        "Aucun généraliste ne veut me prendre comme patiente, je n'ai plus de médecin traitant.",
        "Je paie plus cher mes consultations car je n'ai pas déclaré de médecin traitant.",
        "La déclaration de mon nouveau médecin traitant n'apparaît pas sur mon compte ameli.",
        "Puis-je choisir un médecin traitant dans une autre ville que la mienne ?",
        "Mon médecin traitant est parti à la retraite et je dois renouveler mes ordonnances.",
        "Comment trouver un médecin traitant quand tous les cabinets sont complets ?",
    ],
}

# Requests that name two organisations in their own words (the second one sent the citizen
# here, pays another benefit, or caused the problem): the label is the one asked about.
# The pairs are the confusable ones of issue 12. Each is a family like the cores above.
TWO_ORGANISATION_CORES: dict[str, list[str]] = {
    "caf/rsa": [
        "France Travail a arrêté mon allocation chômage, est-ce que la CAF peut me verser le RSA maintenant ?",
        "Pôle emploi m'a radié et depuis mon RSA est suspendu, je voudrais qu'il soit rétabli.",
        "Je suis inscrit à France Travail mais c'est le RSA qui ne tombe plus depuis deux mois.",
        "Les impôts disent que je ne suis pas imposable, pourtant mon RSA a baissé à cause de mes revenus déclarés.",
    ],
    "caf/aide-logement": [
        "La MSA me verse ma petite retraite agricole mais c'est l'APL de la CAF qui a été coupée.",
        "Le centre des impôts a corrigé mes revenus, depuis mes APL ont baissé, qui recalcule ?",
        "Ma retraite de la Carsat a été revalorisée et mon allocation logement a chuté.",
        "France Travail a changé le montant de mon ARE, et l'aide au logement a été suspendue.",
    ],
    "caf/prime-activite": [
        "Mes indemnités journalières de la CPAM sont comptées comme salaire et ma prime d'activité a disparu.",
        "L'Urssaf a validé mon chiffre d'affaires d'auto-entrepreneur, est-ce que j'ai droit à la prime d'activité ?",
    ],
    "caf/prestations-familiales": [
        "La CPAM a enregistré la naissance mais la prime de naissance n'est pas arrivée.",
        "Je suis salariée d'une entreprise, pas agricultrice : c'est bien la CAF et non la MSA qui doit verser mes allocations familiales ?",
    ],
    "caf/trop-percu": [
        "France Travail m'a versé mon chômage en retard et la CAF me réclame maintenant un trop-perçu de RSA.",
        "Les impôts ont transmis mes revenus et la CAF me demande de rembourser 800 euros d'APL.",
    ],
    "assurance-maladie/remboursement-soins": [
        "J'ai quitté l'exploitation agricole pour un emploi de bureau, la MSA a transféré mon dossier mais la CPAM ne rembourse pas encore mes soins.",
        "Ma mutuelle attend le décompte de la sécu pour mes lunettes, la sécu n'a toujours rien remboursé.",
    ],
    "assurance-maladie/indemnites-journalieres": [
        "France Travail a suspendu mon ARE pendant mon arrêt maladie, mais la CPAM ne m'a versé aucune indemnité.",
        "La CAF me dit que mes indemnités journalières ne sont pas déclarées, la sécu ne les a jamais payées.",
        "Je ne suis pas agriculteur, je travaille dans une usine : la MSA n'est pas concernée, c'est la CPAM qui bloque mes IJ.",
    ],
    "assurance-maladie/carte-vitale": [
        "La mairie a refait ma carte d'identité, mais pour la carte Vitale avec mon nouveau nom je fais comment ?",
        "La MSA a fermé mon dossier quand j'ai changé de travail, je n'ai plus de carte Vitale valable au régime général.",
    ],
    "assurance-maladie/complementaire-sante-solidaire": [
        "La CAF me verse le RSA, est-ce que la CPAM me donne automatiquement la complémentaire santé solidaire ?",
    ],
    "assurance-retraite/demande-retraite": [
        "J'ai été salarié agricole puis dans le commerce, la MSA me paie une petite retraite mais la Carsat n'a pas encore traité ma demande.",
        "France Travail me dit que je dois demander ma retraite, mes droits au chômage s'arrêtent à 64 ans, comment je fais ma demande ?",
    ],
    "assurance-retraite/paiement-pension": [
        "Les impôts prélèvent trop sur ma pension de la Carsat, mais surtout la pension de mars n'a pas été versée.",
        "Ma retraite agricole de la MSA arrive bien, c'est la retraite du régime général qui n'est pas payée.",
    ],
    "assurance-retraite/pension-reversion": [
        "Mon mari était affilié à la MSA pour ses dernières années, mais il a surtout travaillé à l'usine : la réversion du régime général, je la demande où ?",
    ],
    "assurance-retraite/releve-carriere": [
        "France Travail n'a pas transmis mes périodes de chômage, elles manquent sur mon relevé de carrière.",
        "La CPAM a bien mes arrêts maladie de 2012 mais ils n'apparaissent pas dans mes trimestres.",
    ],
    "msa/prestations-msa": [
        "La CPAM me renvoie à la MSA pour mes remboursements car je suis ouvrier viticole, qui me rembourse ?",
        "La CAF dit que c'est la MSA qui verse nos allocations puisque mon mari est éleveur, mais on n'a rien reçu.",
        "La Carsat a payé ma retraite du régime général, mais la retraite agricole de mes années à la ferme n'arrive pas.",
        "Je suis maraîchère, la CPAM m'a dit que mes indemnités d'arrêt relèvent du régime agricole, rien n'a été versé.",
        "France Travail a fini de m'indemniser, je suis maintenant saisonnier agricole, qui verse ma prime d'activité ?",
    ],
    "msa/cotisations-agricoles": [
        "L'Urssaf m'a écrit par erreur, je suis exploitant agricole : mes cotisations sociales doivent être calculées par la MSA.",
    ],
    "france-travail/inscription": [
        "La CAF exige que je sois inscrite à France Travail pour garder le RSA, comment m'inscrire ?",
        "L'Urssaf a radié ma micro-entreprise, je voudrais m'inscrire comme demandeur d'emploi.",
    ],
    "france-travail/indemnisation": [
        "La CAF a recalculé mon RSA parce que France Travail ne m'a pas versé mon allocation de retour à l'emploi ce mois-ci.",
        "L'Urssaf a bien enregistré la fermeture de mon auto-entreprise, quand France Travail reprend-il mon ARE ?",
        "La CPAM a fini de payer mon arrêt, mon allocation chômage doit reprendre mais rien n'est versé.",
    ],
    "france-travail/actualisation": [
        "La CAF me demande mes revenus du trimestre, mais c'est mon actualisation France Travail du mois qui bloque sur le site.",
    ],
    "urssaf/micro-entreprise": [
        "France Travail me dit que c'est à l'Urssaf de corriger mon chiffre d'affaires déclaré, comment je le modifie ?",
        "Les impôts me renvoient vers l'Urssaf pour le versement libératoire de ma micro-entreprise.",
        "La CAF me demande mon chiffre d'affaires, mais l'Urssaf a bloqué mon compte d'auto-entrepreneur, je ne peux plus déclarer.",
    ],
    "urssaf/cesu-emploi-domicile": [
        "Les impôts n'ont pas pris en compte mon crédit d'impôt car le Cesu n'a pas enregistré les heures de ma femme de ménage.",
    ],
    "dgfip/impots-locaux": [
        "La CAF me verse l'APL mais la taxe d'habitation de ma résidence secondaire, c'est aux impôts que je dois la payer ?",
        "La Carsat me dit que je ne suis pas imposable, pourtant je reçois une taxe foncière énorme, puis-je être exonéré ?",
    ],
    "dgfip/paiement-impot": [
        "L'Urssaf a bien encaissé mes cotisations, mais le solde de mon impôt sur le revenu a été prélevé deux fois.",
        "La Carsat a envoyé un mauvais montant de pension aux impôts, et maintenant je dois payer un reste d'impôt que je conteste.",
    ],
    "dgfip/declaration-revenus": [
        "France Travail m'a envoyé l'attestation de mes allocations, où la mettre dans ma déclaration de revenus ?",
        "La CPAM m'a envoyé le montant de mes indemnités journalières, comment les déclarer aux impôts ?",
    ],
    "dgfip/prelevement-source": [
        "France Travail prélève un taux d'impôt sur mon allocation, je voudrais le modifier sur impots.gouv.",
    ],
    "ants/carte-identite-passeport": [
        "La CPAM a accepté ma photo pour la carte Vitale, mais la mairie refuse la même photo pour ma carte d'identité.",
    ],
    "ants/carte-grise": [
        "La préfecture ne reçoit plus de public, et le site de l'ANTS refuse ma demande de carte grise pour ma voiture d'occasion.",
    ],
    "justice/aide-juridictionnelle": [
        "La CAF me verse le RSA, ai-je droit à un avocat gratuit pour contester mon licenciement aux prud'hommes ?",
    ],
    "la-poste/courrier-recommande": [
        "La CAF m'a envoyé une lettre recommandée que je n'ai pas pu récupérer, le bureau de poste l'a renvoyée.",
    ],
    "cheque-energie/cheque-energie": [
        "Les impôts ont bien ma déclaration de revenus, pourquoi je n'ai pas reçu le chèque énergie cette année ?",
    ],
    "anah/maprimerenov": [
        "Les impôts m'ont refusé le crédit d'impôt pour ma pompe à chaleur, on m'a dit de passer par MaPrimeRénov', comment faire ?",
    ],
}


# A second hand-written batch on the same borders (issue 12, organisation confusions that
# remained): the organisation named beside the question pays another benefit, sent the
# letter, holds the other half of a career or taxes the pension. Appended to the lists
# above, so the families already there keep their numbers.
MORE_TWO_ORGANISATION_CORES: dict[str, list[str]] = {
    "la-poste/courrier-recommande": [
        "J'ai un avis de passage pour une lettre recommandée de la CPAM, mais le bureau de poste était fermé, combien de temps la gardent-ils ?",
        "Le facteur n'a pas laissé d'avis pour le recommandé des impôts, je l'ai appris par la relance, comment le récupérer ?",
        "La CAF dit m'avoir envoyé un recommandé que je n'ai jamais reçu, comment savoir où il est avec le numéro de suivi ?",
        "Je dois envoyer ma contestation à la CPAM en recommandé avec accusé de réception, puis-je le faire en ligne ?",
        "D'après le suivi, mon recommandé pour France Travail n'est jamais arrivé, que faire ?",
        "Je suis hospitalisée, ma fille peut-elle retirer à ma place le recommandé de ma caisse de retraite ?",
        "L'accusé de réception du recommandé que j'ai envoyé aux impôts ne m'est jamais revenu.",
        "Le tribunal m'a écrit en recommandé pendant mes vacances et la lettre est repartie, peut-on la faire revenir ?",
    ],
    "caf/aide-logement": [
        "La CAF me demande mon avis d'imposition pour calculer mes APL, les impôts ne me l'ont pas encore envoyé, vais-je perdre l'aide ?",
        "Je suis salarié d'une usine, pas agriculteur, et la MSA n'a rien à voir : pourquoi mon allocation logement a-t-elle baissé ?",
    ],
    "caf/rsa": [
        "Mes revenus ont été mal transmis par les impôts et la CAF a baissé mon RSA, comment le faire recalculer ?",
        "France Travail a bien reçu ma réinscription, mais c'est la CAF qui ne verse plus le RSA, pourquoi ?",
    ],
    "caf/prime-activite": [
        "J'ai corrigé ma déclaration de revenus sur impots.gouv, quand la CAF mettra-t-elle à jour ma prime d'activité ?",
        "Mon employeur a déclaré mes heures à l'Urssaf, pourtant ma prime d'activité n'est pas recalculée.",
    ],
    "caf/prestations-familiales": [
        "Les impôts m'ont remboursé un trop payé, est-ce que la CAF va le compter dans mes ressources pour les allocations familiales ?",
    ],
    "caf/trop-percu": [
        "La CAF me réclame 1 200 euros de trop-perçu parce que les impôts ont transmis des revenus que je n'ai pas eus.",
    ],
    "dgfip/declaration-revenus": [
        "Je suis micro-entrepreneur, comment reporter mon chiffre d'affaires déclaré à l'Urssaf sur ma déclaration de revenus ?",
        "Je viens de prendre ma retraite de la Carsat, comment déclarer ma première pension aux impôts ?",
        "La CAF me verse la prime d'activité, dois-je la mettre dans ma déclaration de revenus ?",
    ],
    "dgfip/paiement-impot": [
        "L'Urssaf me prélève le versement libératoire, mais les impôts me réclament quand même un solde d'impôt sur le revenu, pourquoi ?",
        "La Carsat a transmis le montant de ma pension et je dois maintenant un solde d'impôt que je ne peux pas régler en une fois.",
        "Ma taxe foncière est payée, c'est le solde de l'impôt sur le revenu que je ne peux pas régler en septembre.",
    ],
    "dgfip/impots-locaux": [
        "Auto-entrepreneur, je paie mes cotisations à l'Urssaf, mais la cotisation foncière des entreprises, je la paie où ?",
        "Retraitée de la Carsat, je voudrais savoir si je suis exonérée de taxe foncière avec ma petite pension.",
        "Je suis mensualisée pour l'impôt sur le revenu mais pas pour la taxe foncière, comment la payer par prélèvement ?",
        "J'ai reçu ma taxe foncière et mon avis d'impôt sur le revenu le même mois, je voudrais étaler la taxe foncière.",
        "La CAF me verse l'AAH, est-ce que je peux être dégrevée de taxe foncière ?",
    ],
    "dgfip/prelevement-source": [
        "Ma retraite de la Carsat a augmenté et les impôts prélèvent maintenant un taux sur ma pension, comment le modifier ?",
        "Depuis que j'ai déclaré mon activité de micro-entrepreneur à l'Urssaf, les impôts me prélèvent des acomptes trop élevés.",
        "France Travail prélève un taux sur mes allocations alors que je ne suis pas imposable, comment le mettre à zéro ?",
    ],
    "assurance-retraite/paiement-pension": [
        "J'ai travaillé dix ans dans une ferme puis trente ans à l'usine, la MSA me paie sa part, mais la Carsat n'a pas versé ma retraite du régime général ce mois-ci.",
        "Les impôts ont prélevé sur ma pension, mais surtout la Carsat m'a versé moins que d'habitude sans explication.",
    ],
    "assurance-retraite/releve-carriere": [
        "Mes années de salarié agricole sont à la MSA, mais il manque mes trimestres d'usine sur mon relevé de carrière de l'Assurance retraite.",
        "Mes périodes de chômage indemnisé par Pôle emploi ne figurent pas sur mon relevé de carrière, comment les faire ajouter ?",
    ],
    "assurance-retraite/pension-reversion": [
        "Mon mari a été agriculteur puis chauffeur routier pendant trente ans ; la réversion de sa retraite de salarié du privé, c'est bien la Carsat ?",
        "Ma femme est décédée avant d'avoir demandé sa retraite, que puis-je toucher de sa caisse de retraite ?",
        "Ma mère a 80 ans et mon père vient de décéder, elle ne sait pas comment obtenir la réversion de sa retraite.",
    ],
    "assurance-retraite/demande-retraite": [
        "Je touche déjà une pension de réversion de mon mari, je voudrais maintenant demander ma propre retraite, comment faire ?",
        "Veuve depuis dix ans, je vais avoir 64 ans, je voudrais déposer ma demande de retraite personnelle.",
        "J'ai été salarié agricole au début de ma carrière, mais j'ai surtout travaillé dans le bâtiment : je demande ma retraite où ?",
    ],
    "msa/prestations-msa": [
        "Je suis exploitante agricole, la CAF m'a dit qu'elle ne pouvait pas me verser la prime de naissance, à qui la demander ?",
        "Ma femme et moi avons une exploitation, nos allocations familiales ne sont pas versées, la CAF dit que ce n'est pas chez eux.",
        "Ouvrier agricole, j'ai envoyé mon arrêt maladie à la CPAM par erreur et mes indemnités ne sont pas payées.",
        "La CPAM ne trouve pas mon dossier, normal puisque je suis viticulteur : qui rembourse mes soins dentaires ?",
        "Je suis salariée d'une exploitation laitière, est-ce que la CAF ou la MSA me verse l'APL ?",
        "Éleveur de porcs, la Carsat me dit que ma retraite dépend de la MSA, comment faire la demande ?",
        "Je suis saisonnier dans les vignes, la CAF me verse le RSA mais mes heures sont déclarées à la MSA, qui calcule ma prime d'activité ?",
        "Mon mari est céréalier, nous attendons un bébé, est-ce la CAF ou la caisse agricole qui verse la prime de naissance ?",
        "Je travaille dans une coopérative agricole, l'assurance maladie me dit de voir avec ma caisse, mes remboursements de kiné sont bloqués.",
        "Retraité de l'agriculture, la Carsat ne me verse rien, c'est normal ? ma pension agricole n'est pas arrivée.",
    ],
    "france-travail/indemnisation": [
        "J'ai créé ma micro-entreprise auprès de l'Urssaf, est-ce que France Travail va continuer à me verser l'ARE ?",
        "L'Urssaf a validé mon chiffre d'affaires, mais France Travail a suspendu mon allocation chômage, pourquoi ?",
    ],
    "france-travail/actualisation": [
        "Je suis auto-entrepreneur, l'Urssaf a bien ma déclaration, mais comment indiquer ce chiffre d'affaires à France Travail dans mon actualisation ?",
    ],
    "france-travail/inscription": [
        "L'Urssaf a fermé mon SIRET, comment me réinscrire à France Travail après mon activité de micro-entrepreneur ?",
    ],
    "france-travail/formation": [
        "L'Urssaf m'a conseillé une formation à la gestion d'entreprise, est-ce que France Travail peut la financer ?",
    ],
    "urssaf/micro-entreprise": [
        "Je suis micro-entrepreneur dans le commerce, la MSA m'a écrit par erreur : mes cotisations restent-elles à l'Urssaf ?",
        "France Travail me verse encore l'ARE, mais je voudrais savoir comment l'Urssaf calcule mes cotisations de micro-entrepreneur.",
        "Les impôts m'ont dit de voir avec l'Urssaf pour changer mon option de versement libératoire, comment faire ?",
    ],
    "urssaf/cesu-emploi-domicile": [
        "Mon père touche une retraite de la MSA, je voudrais déclarer son aide-ménagère par le Cesu, comment faire ?",
        "La CAF verse le complément de mode de garde, mais je n'arrive pas à déclarer la nounou sur Pajemploi.",
    ],
    "assurance-maladie/carte-vitale": [
        "La préfecture a renouvelé mon titre de séjour, comment mettre à jour ma carte Vitale ?",
        "J'ai fait ma demande de passeport en mairie, mais c'est ma carte Vitale qui ne marche plus chez le pharmacien.",
    ],
    "ants/carte-identite-passeport": [
        "Pour ma carte d'identité, la mairie me demande un justificatif de domicile, l'attestation de la CPAM suffit-elle ?",
    ],
    "assurance-maladie/indemnites-journalieres": [
        "Mon médecin traitant m'a prescrit un arrêt de trois semaines, je voudrais savoir combien je vais toucher par jour.",
        "Mon médecin traitant a oublié de transmettre mon arrêt et la CPAM ne me paie pas.",
        "France Travail m'a dit que pendant mon arrêt maladie c'est la sécu qui paie, mais je n'ai rien reçu.",
    ],
    "assurance-maladie/medecin-traitant": [
        "Je voudrais changer de médecin traitant car le mien refuse de prolonger mon arrêt de travail.",
    ],
}
for _key, _cores in MORE_TWO_ORGANISATION_CORES.items():
    TWO_ORGANISATION_CORES.setdefault(_key, []).extend(_cores)
