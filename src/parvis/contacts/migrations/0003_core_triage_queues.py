"""Every existing organisation gets its triage queue (national, no département); new ones
get theirs on creation (``ContactsConfig.ready``)."""

from django.db import migrations


def create_triage_queues(apps, schema_editor):  # type: ignore[no-untyped-def]
    Organisation = apps.get_model("directory", "Organisation")
    Queue = apps.get_model("contacts", "Queue")
    with_triage = set(Queue.objects.filter(is_triage=True).values_list("organisation_id", flat=True))
    for organisation in Organisation.objects.exclude(pk__in=with_triage).order_by("pk"):
        slug = "tri"
        if Queue.objects.filter(organisation=organisation, slug=slug).exists():
            slug = f"tri-{organisation.pk}"
        Queue.objects.create(
            organisation=organisation, name="File de tri", slug=slug, is_triage=True
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0002_ingestion_enqueued_at"),
        # Operators of France Services sites are organisations first: each gets its queue.
        ("directory", "0007_site_organisation_required"),
    ]

    operations = [migrations.RunPython(create_triage_queues, migrations.RunPython.noop)]
