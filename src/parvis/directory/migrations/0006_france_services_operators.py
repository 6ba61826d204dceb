"""France Services operators become organisations.

Every site gets an organisation: each distinct ``Site.operator_name`` of a site without
one becomes an ``Organisation`` of kind ``operateur-france-services`` (slug from the name),
unless an organisation of that slug or name already exists (« La Poste »), which is then
reused as it is. A France Services site without an operator name gets a structure named
after the site. ``0007`` then makes ``Site.organisation`` required and drops the name.
"""

from django.db import migrations, models
from django.utils.text import slugify

from parvis.core.text import sort_key

OPERATOR = "operateur-france-services"


def _free_slug(Organisation, base):
    base = (base or "structure")[:80].strip("-") or "structure"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        suffix = f"-{n}"
        slug = f"{base[: 80 - len(suffix)]}{suffix}"
        n += 1
    return slug


def operators_to_organisations(apps, schema_editor):
    Organisation = apps.get_model("directory", "Organisation")
    Site = apps.get_model("directory", "Site")
    by_name = {}
    for site in Site.objects.filter(organisation__isnull=True).order_by("pk"):
        name = " ".join(site.operator_name.split()) or f"Structure porteuse – {site.name}"
        name = name[:200]
        organisation = by_name.get(name.casefold())
        if organisation is None:
            organisation = (
                Organisation.objects.filter(slug=slugify(name)[:80]).first()
                or Organisation.objects.filter(name__iexact=name).first()
            )
        if organisation is None:
            organisation = Organisation.objects.create(
                slug=_free_slug(Organisation, slugify(name)),
                name=name,
                sort_key=sort_key(name),
                kind=OPERATOR,
            )
        by_name[name.casefold()] = organisation
        site.organisation = organisation
        site.save(update_fields=["organisation"])


def organisations_to_operators(apps, schema_editor):
    Organisation = apps.get_model("directory", "Organisation")
    Site = apps.get_model("directory", "Site")
    for site in Site.objects.filter(organisation__kind=OPERATOR).select_related("organisation"):
        site.operator_name = site.organisation.name
        site.organisation = None
        site.save(update_fields=["operator_name", "organisation"])
    Organisation.objects.filter(kind=OPERATOR).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0005_motif_commitment_working_days"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="kind",
            field=models.CharField(
                choices=[
                    ("administration", "Administration"),
                    ("operateur-france-services", "Structure porteuse France Services"),
                ],
                default="administration",
                max_length=30,
                verbose_name="nature",
            ),
        ),
        migrations.RunPython(operators_to_organisations, organisations_to_operators),
    ]
