"""The heads of a queue are read in ``sort_key, id`` order at every decision: the index
carries the tie-break, so no sort step is left."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("routing", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="entry",
            name="routing_entry_order",
        ),
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(
                fields=["queue", "state", "sort_key", "id"], name="routing_entry_head"
            ),
        ),
    ]
