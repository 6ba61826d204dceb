"""Authors' email digests move to ``core.crypto.email_digest(email, purpose="voice")``, the
HMAC every app uses, from voice's own salted SHA-256 (keyed by ``VOICE_DIGEST_KEY``).

A digest is recomputed from the encrypted email where the email is still there. Where it
was already erased (it served: the answer or the rejection was sent, the experience ended,
or its contact retention ran out) or can no longer be decrypted, the old digest cannot be
recomputed and would never match a new one: it is cleared. Those experiences lose what
the digest gave: being gathered into « Mes expériences » when an account with that
address signs in, and the "same author" hint to moderators between those old
experiences. Their private links still work.

Backwards: digests are recomputed the old way from the emails still there; cleared ones
stay cleared.
"""

import hashlib

from django.conf import settings
from django.db import migrations


def _rekey(apps, digest_of):
    from parvis.core.crypto import DecryptionError, decrypt_text

    Experience = apps.get_model("voice", "Experience")
    Experience.objects.filter(author_email_encrypted="").exclude(author_email_digest="").update(
        author_email_digest=""
    )
    rows = Experience.objects.exclude(author_email_encrypted="").only(
        "pk", "author_email_encrypted", "author_email_digest"
    )
    for row in rows.iterator(chunk_size=500):
        try:
            email = decrypt_text(row.author_email_encrypted).strip()
        except DecryptionError:
            email = ""
        digest = digest_of(email) if email else ""
        if digest != row.author_email_digest:
            Experience.objects.filter(pk=row.pk).update(author_email_digest=digest)


def _keyed(email):
    from parvis.core.crypto import email_digest

    return email_digest(email, purpose="voice")


def _legacy(email):
    # Frozen copy of the former ``voice.digests.email_digest``, for the way back only.
    key = getattr(settings, "VOICE_DIGEST_KEY", "") or settings.SECRET_KEY
    return hashlib.sha256(f"{key}:voice:email:{email.strip().lower()}".encode()).hexdigest()


def rekey_email_digests(apps, schema_editor):
    _rekey(apps, _keyed)


def restore_legacy_digests(apps, schema_editor):
    _rekey(apps, _legacy)


class Migration(migrations.Migration):
    dependencies = [
        ("voice", "0004_lifecycle_kit"),
    ]

    operations = [
        migrations.RunPython(rekey_email_digests, restore_legacy_digests, elidable=False),
    ]
