"""Login addresses are stored normalised (trimmed, lowercase) and looked up that way.

Creation already lowercased them, but the admin edit form kept what was typed: rewrite
those rows, so that their owners still log in. An address whose lowercase form another
account already holds is left as it is (two accounts to merge by hand; the migration
cannot choose).
"""

from django.db import migrations


def normalise_emails(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    taken = set(User.objects.values_list("email", flat=True))
    for user in User.objects.only("pk", "email").iterator():
        normalised = user.email.strip().lower()
        if normalised == user.email or normalised in taken:
            continue
        taken.discard(user.email)
        taken.add(normalised)
        user.email = normalised
        user.save(update_fields=["email"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_token_created_by_optional"),
    ]

    operations = [
        migrations.RunPython(normalise_emails, migrations.RunPython.noop),
    ]
