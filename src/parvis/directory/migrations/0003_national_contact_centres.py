"""Existing national contact centres serve all France, not the commune they sit in.

Before ``Site.coverage`` a contact centre was found only by its own commune (the demo's
« Centre de contact national – CAF » sits in Bordeaux for its time zone). A contact
centre whose name says it is national gets ``coverage = "national"``; any other keeps
the default ``local``, which is exactly how search treated it until now (an
administrator sets its départements in the admin).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

CONTACT_CENTRE = "centre-contact"
NATIONAL = "national"


def national_contact_centres(apps: Any, schema_editor: Any) -> None:
    site = apps.get_model("directory", "Site")
    site.objects.filter(kind=CONTACT_CENTRE, name__icontains="national").update(coverage=NATIONAL)


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_site_coverage_and_website")]

    operations = [
        # Backwards: the coverage column goes away with 0002, nothing to undo here.
        migrations.RunPython(national_contact_centres, migrations.RunPython.noop),
    ]
