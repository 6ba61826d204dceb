"""Account supports also hold their email's digest: one support per person, whether they
sign in or confirm their email. An account support that doubled an email one is removed
and the request's count corrected."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def backfill_digests(apps, schema_editor):  # type: ignore[no-untyped-def]
    from parvis.core.crypto import email_digest

    Support = apps.get_model("simplification", "Support")
    SimplificationRequest = apps.get_model("simplification", "SimplificationRequest")
    for support in Support.objects.filter(email_digest="", user__isnull=False).select_related(
        "user"
    ):
        digest = email_digest(support.user.email, purpose="simplification")
        if Support.objects.filter(request_id=support.request_id, email_digest=digest).exists():
            support.delete()
            SimplificationRequest.objects.filter(pk=support.request_id).update(
                support_count=F("support_count") - 1
            )
        else:
            support.email_digest = digest
            support.save(update_fields=["email_digest"])


class Migration(migrations.Migration):
    dependencies = [
        ("simplification", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="support",
            name="simplification_support_by_account_xor_email",
        ),
        migrations.RunPython(backfill_digests, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="support",
            constraint=models.CheckConstraint(
                condition=models.Q(("email_digest", ""), _negated=True),
                name="simplification_support_has_email_digest",
            ),
        ),
    ]
