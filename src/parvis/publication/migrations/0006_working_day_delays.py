"""The read model after voice's migration 0007: each public row takes its experience's
competent local service and answer due date, and its answer delay is counted again in
working days of the experience's place from its publication (it was calendar days in the
platform's time zone), as ``services.publication_sync`` now counts it.

The open-data files follow at the next export (their column is now
``delai_reponse_jours_ouvres``) and the figures at the next refresh.

Backwards: nothing to undo (the columns are unchanged).
"""

from django.db import migrations


def _place(experience):
    # Same rule as ``voice.selectors.place_of``: the site, the département, the local
    # service's main département, else the metropolitan calendar.
    from parvis.directory import servicelevels

    if experience.site is not None:
        code = str(experience.site.commune.departement_id)
    elif experience.departement_id:
        code = str(experience.departement_id)
    elif experience.local_service is not None and experience.local_service.main_departement_id:
        code = str(experience.local_service.main_departement_id)
    else:
        return servicelevels.METROPOLITAN
    return servicelevels.place_of_departement(code)


def copy_scope_and_delays(apps, schema_editor):
    from parvis.directory import servicelevels

    PublicExperience = apps.get_model("publication", "PublicExperience")
    Experience = apps.get_model("voice", "Experience")
    rows = PublicExperience.objects.only(
        "pk",
        "experience_id",
        "local_service_id",
        "answer_due_at",
        "answer_published_at",
        "answer_delay_days",
    ).order_by("pk")
    for row in rows.iterator(chunk_size=500):
        experience = (
            Experience.objects.select_related("site__commune", "local_service")
            .filter(pk=row.experience_id)
            .first()
        )
        if experience is None or experience.published_at is None:
            continue  # the next sync removes it
        delay = None
        if row.answer_published_at is not None:
            delay = servicelevels.working_days_elapsed(
                experience.published_at, now=row.answer_published_at, place=_place(experience)
            )
        values = {
            "local_service_id": experience.local_service_id,
            "answer_due_at": experience.answer_due_at,
            "answer_delay_days": delay,
        }
        if any(getattr(row, key) != value for key, value in values.items()):
            PublicExperience.objects.filter(pk=row.pk).update(**values)


class Migration(migrations.Migration):
    dependencies = [
        ("publication", "0005_answer_due_at"),
        ("voice", "0007_competent_service_and_due_dates"),
    ]

    operations = [migrations.RunPython(copy_scope_and_delays, migrations.RunPython.noop)]
