"""Create the DSFR site configuration row (django-dsfr's SITE_CONFIG is None without it)."""

from django.db import migrations


def create_site_config(apps, schema_editor):
    DsfrConfig = apps.get_model("dsfr", "DsfrConfig")
    if not DsfrConfig.objects.exists():
        DsfrConfig.objects.create(
            language="fr",
            site_title="parvis",
            site_tagline="La relation entre les services publics et leurs usagers",
            footer_description=(
                "parvis : écouter les usagers, leur répondre et publier les résultats "
                "de qualité des services publics."
            ),
            accessibility_status="PART",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("dsfr", "0012_dsfrconfig_notice_description_and_more"),
    ]
    operations = [migrations.RunPython(create_site_config, migrations.RunPython.noop)]
