"""The author's own moves on an experience (submitted online, corrected, withdrawn,
attached to their account) no longer keep the author's account in the history nor in the
organisation's audit journal: staff must not learn who wrote an experience unless the
citizen shares it (``services._common.unnamed_author``). Rows written before forget it
too. Running it again does nothing.
"""

from __future__ import annotations

from django.db import migrations

AUTHOR = "auteur"  # ``services._common.Actor.AUTHOR``
CITIZEN_ACTOR = "citizen"  # ``accounts.services.CITIZEN_ACTOR``
AUTHOR_ACTIONS = ("experience.correct", "experience.withdraw", "experience.author_attached")


def forward(apps, schema_editor):
    ExperienceTransition = apps.get_model("voice", "ExperienceTransition")
    AuditEvent = apps.get_model("accounts", "AuditEvent")
    ExperienceTransition.objects.filter(actor_label=AUTHOR, actor__isnull=False).update(actor=None)
    rows = AuditEvent.objects.filter(target_type="voice.experience").exclude(
        actor_label=CITIZEN_ACTOR
    )
    rows.filter(action__in=AUTHOR_ACTIONS).update(actor=None, actor_label=CITIZEN_ACTOR)
    # Submitted online by the author (assisted ones are the agent's, API ones the token's).
    rows.filter(action="experience.submit", data__source="web").update(
        actor=None, actor_label=CITIZEN_ACTOR
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_french_model_names"),
        ("voice", "0011_answer_template_personalisation_and_limits"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
