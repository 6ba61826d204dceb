"""Contact registers: email body / signature / quoted reply, transcript turns."""

from __future__ import annotations

from parvis.language.registers import (
    normalise_transcript,
    split_email,
    split_transcript,
    text_for_qualification,
)

GMAIL_REPLY = (
    "Bonjour,\n\nJe n'ai toujours pas reçu ma prime d'activité de mars.\n"
    "Pouvez-vous vérifier ?\n\nCordialement,\nGaëlle Trénoul\n06 12 34 56 78\n\n"
    "Le lun. 3 mars 2025 à 10:12, CAF de la Gironde <ne-pas-repondre@caf.fr> a écrit :\n"
    "> Madame,\n> votre dossier est en cours de traitement.\n"
)


def test_split_email_body_signature_quoted() -> None:
    parts = split_email(GMAIL_REPLY)
    assert parts.body_text.startswith("Bonjour,")
    assert parts.body_text.endswith("Pouvez-vous vérifier ?")
    assert parts.signature_text.startswith("Cordialement,")
    assert "Trénoul" in parts.signature_text
    assert parts.quoted_text.startswith("Le lun. 3 mars 2025")
    # the three parts are consecutive and cover the whole text
    assert parts.body.start == 0
    assert parts.body.end == parts.signature.start
    assert parts.signature.end == parts.quoted.start
    assert parts.quoted.end == len(GMAIL_REPLY)


def test_split_email_outlook_header_block() -> None:
    text = (
        "Madame, Monsieur,\nje conteste le trop-perçu notifié.\nBien à vous\nK. Abalo\n\n"
        "-----Message d'origine-----\nDe : Service usagers\nEnvoyé : mardi 4 mars\n"
        "À : k.abalo@exemple.fr\nObjet : Votre dossier\n\nMadame, ...\n"
    )
    parts = split_email(text)
    assert parts.body_text == "Madame, Monsieur,\nje conteste le trop-perçu notifié."
    assert parts.signature_text == "Bien à vous\nK. Abalo"
    assert parts.quoted_text.startswith("-----Message d'origine-----")


def test_split_email_header_block_without_banner() -> None:
    text = (
        "Bonjour, toujours rien reçu.\n\nDe : Impots <noreply@dgfip.fr>\n"
        "Envoyé : 2 avril 2025\nObjet : accusé de réception\n\nVotre demande...\n"
    )
    parts = split_email(text)
    assert parts.body_text == "Bonjour, toujours rien reçu."
    assert not parts.signature
    assert parts.quoted_text.startswith("De : Impots")


def test_split_email_dash_delimiter_and_mobile_footer() -> None:
    parts = split_email("Bonjour, où en est ma carte grise ?\n-- \nYann Le Goff\nRennes\n")
    assert parts.body_text == "Bonjour, où en est ma carte grise ?"
    assert parts.signature_text == "-- \nYann Le Goff\nRennes"
    parts = split_email("Rdv annulé svp\n\nEnvoyé de mon iPhone")
    assert parts.body_text == "Rdv annulé svp"
    assert parts.signature_text == "Envoyé de mon iPhone"


def test_split_email_plain_body() -> None:
    text = "Bonjour, merci de me rappeler au sujet de ma retraite."
    parts = split_email(text)
    assert parts.body_text == text
    assert not parts.signature and not parts.quoted


def test_closing_in_the_middle_of_a_long_text_is_not_a_signature() -> None:
    text = "Bonjour\nMerci\n" + "\n".join(f"ligne {i} de mon message" for i in range(12))
    assert split_email(text).body_text == text


def test_trailing_quote_marks_are_quoted_reply() -> None:
    text = "Ok je renvoie le justificatif.\n\n> Merci de nous transmettre\n> votre avis.\n"
    parts = split_email(text)
    assert parts.body_text == "Ok je renvoie le justificatif."
    assert parts.quoted_text.startswith("> Merci")


TRANSCRIPT = (
    "[00:00:02] Agent : CAF bonjour, je vous écoute.\n"
    "[00:00:05] Appelant : oui euh bonjour c'est pour mon APL\n"
    "[00:00:09] Agent : votre numéro allocataire ?\n"
    "[00:00:12] Appelant : alors c'est euh 1 2 3 4 5 6 7\n"
)


def test_split_transcript_turns_and_speakers() -> None:
    turns = split_transcript(TRANSCRIPT)
    assert [t.speaker for t in turns] == ["agent", "caller", "agent", "caller"]
    assert turns[1].of(TRANSCRIPT) == "oui euh bonjour c'est pour mon APL"


def test_normalise_transcript() -> None:
    assert normalise_transcript(TRANSCRIPT, speaker="caller") == (
        "oui bonjour c'est pour mon APL\nalors c'est 1 2 3 4 5 6 7"
    )
    assert normalise_transcript(TRANSCRIPT).startswith("CAF bonjour, je vous écoute.\n")
    # untagged text: timestamps and fillers only
    assert normalise_transcript("euh bonjour je euh appelle pour") == "bonjour je appelle pour"


def test_text_for_qualification_dispatches_on_register() -> None:
    assert text_for_qualification(GMAIL_REPLY, "courriel").endswith("vérifier ?")
    assert "Appelant" not in text_for_qualification(TRANSCRIPT, "transcription")
    assert text_for_qualification("slt ma caf", "sms") == "slt ma caf"
    assert text_for_qualification("slt ma caf", None) == "slt ma caf"
