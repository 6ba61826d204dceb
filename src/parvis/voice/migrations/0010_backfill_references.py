"""Experiences submitted before short references existed get one: ``EXP-<year>-<n>`` in
the order of submission, the year being that of the submission in the platform's time
zone, numbered after whatever ``core.ReferenceCounter`` already gave that year (so a
number is never given twice). Numbers are reserved per year in one pass and written in
batches: a few queries per thousand rows, not per row. Running it again does nothing.
"""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.db import migrations
from django.db.models import F

PREFIX = "EXP"
BATCH = 1000


def forward(apps, schema_editor):
    Experience = apps.get_model("voice", "Experience")
    Counter = apps.get_model("core", "ReferenceCounter")
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    unnumbered = (
        Experience.objects.filter(reference__isnull=True)
        .order_by("submitted_at", "pk")
        .values_list("pk", "submitted_at")
    )
    given: dict[int, int] = {}  # year → numbers given by this migration
    first: dict[int, int] = {}  # year → last number already given before it
    # Numbered rows leave the query: take the next batch of the unnumbered each time
    # (never update the table under an open cursor on it).
    while rows := list(unnumbered[:BATCH]):
        batch = []
        for pk, submitted_at in rows:
            year = submitted_at.astimezone(zone).year
            if year not in first:
                counter, _ = Counter.objects.get_or_create(
                    prefix=PREFIX, year=year, defaults={"last": 0}
                )
                first[year] = counter.last
                given[year] = 0
            given[year] += 1
            number = first[year] + given[year]
            batch.append(Experience(pk=pk, reference=f"{PREFIX}-{year}-{number:05d}"))
        Experience.objects.bulk_update(batch, ["reference"])
    for year, count in given.items():
        Counter.objects.filter(prefix=PREFIX, year=year).update(last=F("last") + count)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_french_model_names"),
        ("voice", "0009_french_model_names"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
