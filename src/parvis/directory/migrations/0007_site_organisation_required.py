"""Every site has an organisation (after ``0006``); the operator's name is its name."""

from django.db import migrations, models
import django.db.models.deletion


def check_no_site_without_organisation(apps, schema_editor):
    Site = apps.get_model("directory", "Site")
    orphans = list(Site.objects.filter(organisation__isnull=True).values_list("slug", flat=True))
    if orphans:
        raise RuntimeError(f"Sites without an organisation: {', '.join(orphans[:20])}")


def restore_operator_names(apps, schema_editor):
    Site = apps.get_model("directory", "Site")
    for site in Site.objects.filter(
        organisation__kind="operateur-france-services"
    ).select_related("organisation"):
        site.operator_name = site.organisation.name
        site.save(update_fields=["operator_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0006_france_services_operators"),
    ]

    operations = [
        migrations.RunPython(check_no_site_without_organisation, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="site",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sites",
                to="directory.organisation",
                verbose_name="organisme",
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, restore_operator_names),
        migrations.RemoveField(model_name="site", name="operator_name"),
    ]
