"""What people read of an experience's stored codes: tone agreeing with « expérience »,
the history's steps and reasons in French, the answered status said in full."""

from __future__ import annotations

from parvis.voice.models import (
    AnswerTransition,
    Experience,
    ExperienceStatus,
    ExperienceTransition,
    experience_tone_label,
)


def test_tone_agrees_with_experience():
    assert experience_tone_label("positif") == "Expérience positive"
    assert experience_tone_label("negatif") == "Expérience négative"
    assert experience_tone_label("neutre") == "Expérience neutre"
    assert experience_tone_label("") == ""
    assert Experience(tone="negatif").tone_label == "Expérience négative"
    assert Experience(qualification={"tone": "negatif"}).proposed_tone_label == "négatif"


def test_history_says_how_the_experience_arrived():
    web = ExperienceTransition(from_status="", to_status="submitted", reason_code="web")
    counter = ExperienceTransition(from_status="", to_status="submitted", reason_code="assisted")
    assert (web.step_label, web.reason_label) == ("Déposée en ligne", "")
    assert counter.step_label == "Recueillie au guichet"
    rejected = ExperienceTransition(
        from_status="in_moderation", to_status="rejected", reason_code="off_topic"
    )
    assert (rejected.step_label, rejected.reason_label) == ("Refusée", "Hors sujet")
    published = ExperienceTransition(
        from_status="in_moderation", to_status="published", reason_code="sensitive_reviewed"
    )
    assert published.reason_label == "texte sensible relu par un modérateur"
    assert ExperienceTransition(to_status="published", reason_code="zzz").reason_label == (
        "autre motif"
    )
    answer = AnswerTransition(from_status="draft", to_status="published", reason_code="")
    assert (answer.step_label, answer.reason_label) == ("Publiée", "")


def test_answered_is_said_in_full():
    assert ExperienceStatus.ANSWERED.label == "Répondue par le service"
    assert Experience(source="assisted").source_label == "recueillie au guichet"
    assert Experience(sensitive_categories=["sante"]).sensitive_category_labels == ["santé"]
