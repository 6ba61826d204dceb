"""``Organisation.article``: how a sentence says the short name (« Discuter avec la CAF »,
« Réponse de la CAF de la Gironde »). The organisations of the reference taxonomy
already loaded get the article ``taxonomy.yaml`` now gives them."""

from django.db import migrations, models

# As in ``directory/data/taxonomy.yaml`` (its ``article`` keys).
TAXONOMY_ARTICLES = {
    "caf": "la",
    "assurance-maladie": "la",
    "msa": "la",
    "ants": "l’",
    "justice": "la",
    "urssaf": "l’",
    "cheque-energie": "le",
}


def forward(apps, schema_editor):
    Organisation = apps.get_model("directory", "Organisation")
    for slug, article in TAXONOMY_ARTICLES.items():
        Organisation.objects.filter(slug=slug, article="").update(article=article)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0009_sp_codes_siret"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="article",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "aucun (France Travail)"),
                    ("le", "le"),
                    ("la", "la"),
                    ("l’", "l’"),
                    ("les", "les"),
                ],
                max_length=3,
                verbose_name="article du nom court",
            ),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
