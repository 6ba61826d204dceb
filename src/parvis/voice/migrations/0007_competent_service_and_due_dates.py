"""Experiences stored before the competent local service and the answer due date.

1. An experience with no local service (or one of another organisation, taken from a
   partner's France Services site) gets the organisation's competent one, as
   ``experience_submit`` now stores it: the active local service whose territory includes
   the département of its site, of its commune, else of the site where it was recorded at
   a counter (``assisted_site``: France Services recordings stored none, so only the
   national level saw them). None found: it stays national.
2. Every published experience gets its answer due date, as the publication move now sets
   it (``voice.selectors.answer_due_at_for``): the organisation's target (its
   ``AnswerPolicy``, else ``VOICE_ANSWER_TARGET_WORKING_DAYS``) in working days of the
   experience's place, counted from its publication.

``publication``'s migration 0006 then copies both into the read model.

Backwards: nothing to undo (the columns stay; the values were only missing before).
"""

from django.conf import settings
from django.db import migrations


def _departement_code(experience):
    for site in (experience.site, experience.assisted_site):
        if site is not None:
            return str(site.commune.departement_id)
    if experience.departement_id:
        return str(experience.departement_id)
    if experience.commune_id:
        return str(experience.commune.departement_id)
    return None


def _competent(LocalService, experience, cache):
    code = _departement_code(experience)
    if code is None:
        return None
    key = (experience.organisation_id, code)
    if key not in cache:
        cache[key] = (
            LocalService.objects.filter(
                is_active=True, organisation_id=experience.organisation_id, departements=code
            )
            .order_by("sort_key", "pk")
            .values_list("pk", flat=True)
            .first()
        )
    return cache[key]


def assign_competent_services(apps, schema_editor):
    Experience = apps.get_model("voice", "Experience")
    LocalService = apps.get_model("directory", "LocalService")
    cache = {}
    rows = (
        Experience.objects.select_related(
            "local_service", "site__commune", "assisted_site__commune", "commune"
        )
        .order_by("pk")
    )
    for experience in rows.iterator(chunk_size=500):
        current = experience.local_service
        if current is not None and current.organisation_id == experience.organisation_id:
            continue
        site = experience.site
        if (
            site is not None
            and site.local_service_id
            and site.organisation_id == experience.organisation_id
        ):
            competent = site.local_service_id
        else:
            competent = _competent(LocalService, experience, cache)
        if competent != experience.local_service_id:
            Experience.objects.filter(pk=experience.pk).update(local_service_id=competent)


def _place(experience):
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


def store_answer_due_dates(apps, schema_editor):
    from parvis.directory import servicelevels

    Experience = apps.get_model("voice", "Experience")
    AnswerPolicy = apps.get_model("voice", "AnswerPolicy")
    targets = dict(AnswerPolicy.objects.values_list("organisation_id", "target_working_days"))
    default = settings.VOICE_ANSWER_TARGET_WORKING_DAYS
    rows = (
        Experience.objects.filter(published_at__isnull=False)
        .select_related("site__commune", "local_service")
        .order_by("pk")
    )
    for experience in rows.iterator(chunk_size=500):
        due = servicelevels.working_days_deadline(
            experience.published_at,
            targets.get(experience.organisation_id, default),
            _place(experience),
        )
        if due != experience.answer_due_at:
            Experience.objects.filter(pk=experience.pk).update(answer_due_at=due)


def forward(apps, schema_editor):
    assign_competent_services(apps, schema_editor)
    store_answer_due_dates(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
        ("voice", "0006_reference_due_date_template_scope"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
