"""The counter of SIMP-<year>-<n> references moves to ``core.ReferenceCounter`` (prefix
"SIMP"), shared with the other apps' short references: each year's last number is copied
there, then simplification's own counter is dropped. Backwards, the numbers are copied
back (the core rows stay, harmless)."""

from django.db import migrations

PREFIX = "SIMP"


def copy_to_core(apps, schema_editor):
    Old = apps.get_model("simplification", "ReferenceCounter")
    New = apps.get_model("core", "ReferenceCounter")
    for year, last in Old.objects.values_list("year", "last"):
        counter, created = New.objects.get_or_create(
            prefix=PREFIX, year=year, defaults={"last": last}
        )
        if not created and counter.last < last:  # never give a number twice
            New.objects.filter(pk=counter.pk).update(last=last)


def copy_back(apps, schema_editor):
    Old = apps.get_model("simplification", "ReferenceCounter")
    New = apps.get_model("core", "ReferenceCounter")
    for year, last in New.objects.filter(prefix=PREFIX).values_list("year", "last"):
        Old.objects.update_or_create(year=year, defaults={"last": last})


class Migration(migrations.Migration):
    dependencies = [
        ("simplification", "0004_status_codes_and_charter"),
        ("core", "0003_reference_counter"),
    ]

    operations = [
        migrations.RunPython(copy_to_core, copy_back, elidable=False),
        migrations.DeleteModel(name="ReferenceCounter"),
    ]
