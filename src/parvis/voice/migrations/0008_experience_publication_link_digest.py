from django.db import migrations, models


class Migration(migrations.Migration):
    """The digest of the private link sent with the publication email (issue 11)."""

    dependencies = [
        ("voice", "0007_competent_service_and_due_dates"),
    ]

    operations = [
        migrations.AddField(
            model_name="experience",
            name="publication_link_digest",
            field=models.CharField(
                blank=True, editable=False, max_length=64, null=True, unique=True
            ),
        ),
    ]
