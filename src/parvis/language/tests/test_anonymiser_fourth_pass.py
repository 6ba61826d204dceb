"""Anonymisation, issue 12 fourth pass: names in contact registers written in lower case
(introduced after a greeting, joined by « et », a relative's age, a family name), and the
letter after an allocataire number.

Every name and number below is invented for this file; none comes from an evaluation set.
Each category has its false-positive guards next to it.
"""

from __future__ import annotations

import pytest

from parvis.language.tests.test_anonymiser_second_pass import assert_hidden, assert_untouched

# --- a name introduced right after a greeting -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("bjr c rosalie le bihan pour mon dossier de rsa", "rosalie le bihan"),
        ("slt ici gwenfrog la fille de mon voisin", "gwenfrog"),
        ("bonjour c'est clothilde marin pour ma demande", "clothilde marin"),
        ("oui bonjour c'est anaelle dos reis je vous appelle pour", "anaelle dos reis"),
    ],
)
def test_a_name_introduced_after_a_greeting(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "bonjour c'est urgent pour mon dossier",
        "bonjour c'est vraiment long pour une simple demande",
        "bjr c normal pour le délai ?",
        "bonjour c'est super long pour avoir une réponse",
        "bonjour c'est encore moi pour ma demande",
    ],
)
def test_what_follows_a_greeting_is_not_always_a_name(text):
    assert_untouched(text)


# --- relatives: their age, two words before a verb, names joined by « et » -------------------


@pytest.mark.parametrize(
    ("text", "secrets"),
    [
        ("mon fils clément a 6 ans et la caf ne le compte pas", ["clément"]),
        ("mon ex rosine kerbraz ne paie plus la pension", ["rosine kerbraz"]),
        ("mes enfants yanis et maëlle sont scolarisés", ["yanis", "maëlle"]),
        ("mes enfants Soukaina et Clarisse sont à ma charge", ["Soukaina", "Clarisse"]),
        ("je suis la maman de tiavina et de rose", ["tiavina", "rose"]),
        ("la famille des landrieux est hébergée chez moi", ["des landrieux"]),
        ("la famille Lac Quang nous héberge", ["Lac Quang"]),
    ],
)
def test_relatives_named_in_lower_case(text, secrets):
    assert_hidden(text, *secrets)


@pytest.mark.parametrize(
    "text",
    [
        "mon fils aîné a 19 ans",
        "ma fille cadette a six ans",
        "mon mari artisan maçon a fermé son entreprise",
        "mes enfants malades et handicapés sont à la maison",
        "la famille de mon mari est là",
        "la famille des enfants placés",
        "la famille d'accueil",
    ],
)
def test_descriptions_of_relatives_are_no_names(text):
    assert_untouched(text)


# --- a first name then a word that is no French word; two names opening a message -----------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("je vois avec sophie tcharkovsky demain pour le dossier", "sophie tcharkovsky"),
        ("martins gérard, dossier en attente depuis 2 mois", "martins gérard"),
        ("mikol zabrowski dossier bloque merci de me rappeler", "mikol zabrowski"),
        ("grâce à nayet j'ai enfin reçu mes droits", "nayet"),
    ],
)
def test_lower_case_names_by_their_neighbours(text, secret):
    assert_hidden(text, secret)


def test_a_typo_at_the_start_of_a_message_is_no_name():
    assert_untouched("Aucnu generaaliste veut me prendre cmme patiente")


# --- the letter after an allocataire number ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("jsuis allocataire num 4418203 a jai rien recu", "4418203 a"),
        ("dossier caf 7720431 a svp", "7720431 a"),
    ],
)
def test_the_letter_after_an_allocataire_number(text, secret):
    assert_hidden(text, secret)


def test_the_verb_after_an_allocataire_number_stays():
    from parvis.language.engine import anonymise

    masked, _ = anonymise("mon dossier caf 7720431 a été radié")
    assert masked.endswith(" a été radié")


# --- an SMS signed with a name, then contact details ------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("jai rien recu depuis. ximena oyarzabal alloc 4410273", "ximena oyarzabal"),
        ("je peux pas payer. tsiory combo 4410273 appelez moi", "tsiory combo"),
        ("combien de temps ? anne-laure pietrucci ne le 9 mai 1990", "anne-laure pietrucci"),
        ("echeancier possible ? odile castagne, lieu-dit le moulin 46160 cajarc", "odile castagne"),
        ("vs pouvez me rappeler svp. bohdan", "bohdan"),
        ("on attend quoi ? cest gwenole kervella le fils, 02 98 00 00 00", "gwenole kervella"),
    ],
)
def test_a_name_signing_an_sms(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "perrsonne repond au telephone pour ma pension",
        "jsui passe chez l urssaf hier",
        "Boonjuor",
        "ca fait 3 mois. taxe fonciere 812e",
        "merci. saint denis 97400 cest ma ville",
    ],
)
def test_a_sentence_before_a_number_is_no_signature(text):
    assert_untouched(text)


def test_a_capitalised_signature_stops_at_the_lower_case_word():
    from parvis.language.engine import anonymise

    masked, _ = anonymise("Merci.\nNadège Kerhuel nouveau rib FR76 3000 6000 0112 3456 7890 189")
    assert "nouveau rib" in masked


# --- a name before « de la CAF qui m'a dit »; a town before the house number; form labels -----


def test_a_name_before_its_organisation_and_a_verb():
    assert_hidden("c ghislaine de la caf qui m'a dit de renvoyer", "ghislaine")


def test_a_town_before_the_house_number_belongs_to_the_address():
    assert_hidden("j'habite à Saint-Avold 12 rue Maréchal Foch", "Saint-Avold 12 rue Maréchal Foch")


def test_form_labels_in_initials_are_no_names():
    from parvis.language.engine import anonymise

    masked, _ = anonymise("DDN : 12-11-1975")
    assert masked.startswith("DDN : ")


# --- old plates in lower case, a plate read back, brands and places that are no persons -----


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("ma vieille 205 immatriculee 318 bkz 56 au nouveau format", "318 bkz 56"),
        ("plaque 902 tfl 31, elle a pas été passée au nouveau système", "902 tfl 31"),
        (
            "agent: quelle est l'immatriculation du véhicule\n"
            "usager: c'est f m deux cent six c t\nagent: f m deux cent six c t",
            "f m deux cent six c t",
        ),
    ],
)
def test_plates_in_lower_case_and_read_back(text, secret):
    from parvis.language.engine import anonymise

    masked, _ = anonymise(text)
    assert secret not in masked, masked


@pytest.mark.parametrize(
    "text",
    [
        "J'ai essayé avec Firefox et Chrome, rien à faire.",
        "Mon téléphone est un Samsung A52.",
        "Je loue un appartement HLM, bailleur Erilia.",
        "La préfecture de la Seine-Saint-Denis ne répond pas.",
    ],
)
def test_brands_places_and_numbers_are_no_personal_data(text):
    assert_untouched(text)


def test_a_car_make_that_is_a_surname_stays_a_name():
    assert_hidden("Cordialement,\nGwenaëlle Renault", "Gwenaëlle Renault")


def test_a_place_name_may_end_an_introduced_name():
    assert_hidden(
        "oui bonjour c'est lucienne sainte-marie je vous appelle", "lucienne sainte-marie"
    )


# --- a named building or site before the street, a room or pitch before the postcode --------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (
            "Rose Tanguy\nFoyer Coallia, chambre 21, 8 rue Danton, 93100 Montreuil",
            "Foyer Coallia, chambre 21, 8 rue Danton, 93100 Montreuil",
        ),
        (
            "Cordialement,\nLes Jardins du Lac, 4 allée Monet, 13100 Aix",
            "Les Jardins du Lac, 4 allée Monet, 13100 Aix",
        ),
        (
            "je suis hébergé au CHRS Le Phare, 2 rue Kléber, 29200 Brest",
            "CHRS Le Phare, 2 rue Kléber, 29200 Brest",
        ),
        (
            "j'habite aire d'accueil des gens du voyage, route de Douai, 59500 Lambres",
            "aire d'accueil des gens du voyage, route de Douai, 59500 Lambres",
        ),
        (
            "Merci.\nRésidence Vauban, chambre 108, 35000 Rennes",
            "Résidence Vauban, chambre 108, 35000 Rennes",
        ),
        (
            "Karim Haddad, camping des Pins, emplacement 9, 40200 Mimizan",
            "camping des Pins, emplacement 9, 40200 Mimizan",
        ),
        (
            "nouvelle adresse res les flamboyants bat c apt 4 97460 st paul",
            "res les flamboyants bat c apt 4 97460 st paul",
        ),
        ("possible ? odile marty, lieu-dit le bourdil 46160 cajarc", "lieu-dit le bourdil 46160"),
    ],
)
def test_named_sites_rooms_and_pitches_belong_to_the_address(text, secret):
    assert_hidden(text, secret)


def test_a_word_ending_like_a_site_is_no_address_prefix():
    from parvis.language.engine import anonymise

    _, entities = anonymise("Cordialement,\nClaire Antoine\n6 rue des Acacias\n97400 Saint-Denis")
    text = "Cordialement,\nClaire Antoine\n6 rue des Acacias\n97400 Saint-Denis"
    assert ("PERSON", "Claire Antoine") in [(e.label, text[e.start : e.end]) for e in entities]


# --- birth dates: corrected, answered on their own line, after a child's name, birthdays -----


@pytest.mark.parametrize(
    ("text", "secrets"),
    [
        ("ma date de naissance : j'ai mis le 03/07/1988 au lieu du 30/07/1988", ["30/07/1988"]),
        (
            "agent: vous êtes née le deux mai\nusager: non le douze mai\nagent: pardon",
            ["douze mai"],
        ),
        (
            "Agent : votre nom et votre date de naissance ?\nVous : Soto Inès\nVous : 09/10/1981",
            ["09/10/1981"],
        ),
        ("nos enfants Lila (04/02/2013) et Yanis (22/11/2016)", ["04/02/2013", "22/11/2016"]),
        ("ma fille Jade a 18 ans le 3 juin, a-t-elle droit", ["3 juin"]),
    ],
)
def test_birth_dates_by_their_context(text, secrets):
    assert_hidden(text, *secrets)


@pytest.mark.parametrize(
    "text",
    [
        "Rendez-vous à Paris (12/03/2026) pour le dossier",
        "j'ai eu un rdv le 12/03/2024 au lieu du 15/03/2024",
        "la lettre du 03/02/2025\nVous : 12/02/2025",
    ],
)
def test_other_dates_stay(text):
    assert_untouched(text)


# --- a relative's first name that is a French word, before a verb or a phone number ----------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("rappelez ma soeur violette au 06 12 34 56 78", "violette"),
        ("je suis a lhopital, ma fille perle peut y aller ?", "perle"),
        ("le livreur anselme dit quil le prend pas", "anselme"),
        ("mon ex julien bonheur touche les allocs", "julien bonheur"),
        ("bjr cest colombe lassistante sociale de mon pere", "colombe"),
    ],
)
def test_a_relatives_first_name_that_is_a_word(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "mon mari artisan touche le chômage",
        "ma fille vient vient de naître",
        "mes remboursements de dentiste arrivent pas",
        "mon fils aîné peut venir",
    ],
)
def test_what_a_relative_does_is_no_name(text):
    assert_untouched(text)


# --- spelled names: the word they spell, two letters, the first name said after --------------


@pytest.mark.parametrize(
    ("text", "secrets"),
    [
        ("agent: vous êtes madame\nusager: Aït Lahcen A I T et ensuite L A H C E N", ["A I T"]),
        ("usager: oui elle s'appelle Xu Lingling X U et L I N G L I N G", ["Xu", "X U"]),
        ("usager: N'Goran avec un n apostrophe N G O R A N\nagent: merci", ["N'Goran"]),
        ("usager: le guern L E G U E R N maelig\nagent: d'accord", ["maelig"]),
        ("agent: à quel nom\nusager: Teriitehau T E R I I T E H A U Hinano\nagent: ok", ["Hinano"]),
    ],
)
def test_spelled_names_and_their_neighbours(text, secrets):
    assert_hidden(text, *secrets)


def test_lower_case_letters_are_words():
    assert_untouched("les impots ont preleve sur ma pension, la carsat m a verse moins")


# --- a surname that is a particle ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("bonjour\nmon père est retraité\nJean-Yves Le Ny\nil est en EHPAD", "Jean-Yves Le Ny"),
        ("Mon conseiller actuel est M. Goulven Le Du. Merci", "Goulven Le Du"),
    ],
)
def test_a_surname_that_is_a_particle(text, secret):
    assert_hidden(text, secret)


# --- phones and IBANs read aloud ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (
            "rappelez-moi au zéro six quatre-vingt-dix douze trente et un quarante vingt-deux",
            "zéro six quatre-vingt-dix douze trente et un quarante vingt-deux",
        ),
        (
            "mon numéro c'est le plus six huit neuf quatre-vingt-sept douze trente quarante onze",
            "plus six huit neuf quatre-vingt-sept douze trente quarante onze",
        ),
        (
            "agent: votre nouveau rib\nusager: f r soixante-seize trente mille six un deux trois"
            " quatre cinq six sept huit neuf zéro un deux trois quatre cinq six",
            "f r soixante-seize trente mille six un deux trois quatre cinq six sept huit neuf",
        ),
    ],
)
def test_phones_and_ibans_read_aloud(text, secret):
    assert_hidden(text, secret)


def test_amounts_read_aloud_are_no_phone():
    assert_untouched("j'ai payé deux cent trente euros et six et sept plus quatre")


# --- shops, firms by their legal form, foreign cities -----------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "mon employeur, la boulangerie La Marguerite Dorée, a transmis l'attestation",
        "Bien cordialement,\nL'équipe de l'Espace Jasmin des Sables",
        "Propriétaire du logement : SCI des Trois Chênes",
        "Je dois partir à Hô Chi Minh-Ville le 2 mai",
    ],
)
def test_shops_firms_and_foreign_cities_are_no_persons(text):
    assert_untouched(text)


# --- accented particles are names; an email's last line; the answer to « vous habitez où ? » --


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("agent: votre oncle c'était\nusager: Lê Minh Tuan le restaurant", "Lê Minh Tuan"),
        ("Merci de me répondre directement.\nDo Thanh Binh", "Do Thanh Binh"),
        (
            "agent: vous habitez à quelle adresse\nusager: Cavani village rue du marché à Sada",
            "Cavani village rue du marché à Sada",
        ),
        (
            "agent: vous êtes installé où\nusager: ferme Oihanburu à Larrau",
            "ferme Oihanburu à Larrau",
        ),
    ],
)
def test_accented_particles_last_lines_and_answered_addresses(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "Merci pour tout.\nBonne Journée",
        "agent: vous habitez où\nusager: je suis à Paris\nagent: ok",
        "je vais là demain",
    ],
)
def test_closings_and_towns_alone_stay(text):
    assert_untouched(text)


# --- a name followed by an age in a list; a speaker's name after their role ------------------


@pytest.mark.parametrize(
    ("text", "secrets"),
    [
        ("mes enfants (Maya, 8 ans et Élie, 5 ans) sont à ma charge", ["Maya", "Élie"]),
        ("Conseillère (Solène) : bonjour, que puis-je faire ?\nVous : bonjour", ["Solène"]),
    ],
)
def test_names_with_an_age_and_speakers_after_their_role(text, secrets):
    assert_hidden(text, *secrets)


@pytest.mark.parametrize(
    "text", ["Retraite, 62 ans", "j'ai 3 enfants, 8 ans et 5 ans", "depuis Paris, 10 ans"]
)
def test_ages_alone_stay(text):
    assert_untouched(text)


def test_seven_digits_closing_a_message_are_an_allocataire_number():
    assert_hidden("cest fait depuis le 2. je suis a bout. 6204417", "6204417")


@pytest.mark.parametrize("text", ["le montant est de 1234567", "j'ai payé. 1500"])
def test_other_closing_numbers_stay(text):
    assert_untouched(text)


def test_a_name_after_cest_moi():
    assert_hidden("oui c'est moi maëlys qui ai appelé hier", "maëlys")


@pytest.mark.parametrize("text", ["c'est moi qui ai appelé", "c'est moi encore pour mon dossier"])
def test_cest_moi_alone_stays(text):
    assert_untouched(text)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Merci de me répondre : do.thanhbinh@exemple.fr.\nDo Thanh Binh", "Do Thanh Binh"),
        ("la jai un avis de 812e. hilaire kerbrazic ne le 08/08/48", "hilaire kerbrazic"),
    ],
)
def test_signatures_with_french_looking_words(text, secret):
    assert_hidden(text, secret)


def test_a_maiden_name_keeps_nee_outside():
    from parvis.language.engine import anonymise

    masked, _ = anonymise("Salutations.\nAline Brisebarre, née Chabrolles\n7 place de l'Église")
    assert "née" in masked


# --- a street type closing the text; a town before a house number read aloud; shelters -------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("j'habite 14 grand rue", "14 grand rue"),
        ("usager: c'est à Ploërmel, trois rue du port", "Ploërmel, trois rue du port"),
    ],
)
def test_street_at_the_end_and_town_before_a_spoken_number(text, secret):
    assert_hidden(text, secret)


def test_shelter_acronyms_are_no_names():
    from parvis.language.engine import anonymise

    masked, _ = anonymise("Je suis SDF, domicilié au CCAS, 1 place de la mairie")
    assert masked.startswith("Je suis SDF, ")
