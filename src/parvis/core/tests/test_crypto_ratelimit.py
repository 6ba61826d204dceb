"""Encryption at rest with key rotation; keyed digests of emails; rate limits that never
store identifiers."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from parvis.core import crypto
from parvis.core.ratelimit import hit, hit_distinct, peek


def test_encrypt_decrypt_roundtrip_keeps_accents():
    token = crypto.encrypt_text("Mme Dupont, née le 3 mars 1950, 12 rue de l’Église")
    assert "Dupont" not in token
    assert crypto.decrypt_text(token) == "Mme Dupont, née le 3 mars 1950, 12 rue de l’Église"


def test_rotation_reencrypts_with_the_new_key(settings):
    old_key, new_key = crypto.generate_key(), crypto.generate_key()
    settings.PARVIS_ENCRYPTION_KEYS = [old_key]
    token = crypto.encrypt_text("texte original")
    settings.PARVIS_ENCRYPTION_KEYS = [new_key, old_key]
    rotated = crypto.rotate_ciphertext(token)
    settings.PARVIS_ENCRYPTION_KEYS = [new_key]
    assert crypto.decrypt_text(rotated) == "texte original"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(token)


def test_email_digest_ignores_case_and_spaces_and_is_keyed():
    digest = crypto.email_digest("camille.martin@exemple.fr", purpose="voice")
    assert crypto.email_digest("  Camille.Martin@EXEMPLE.fr\n", purpose="voice") == digest
    assert digest == crypto.keyed_digest("camille.martin@exemple.fr", purpose="voice.email")
    assert len(digest) == 64 and "camille" not in digest


def test_email_digests_of_two_apps_differ():
    """Purpose separation: voice's digest of an address cannot be joined to
    simplification's (nor to the message log's)."""
    address = "camille.martin@exemple.fr"
    voice = crypto.email_digest(address, purpose="voice")
    simplification = crypto.email_digest(address, purpose="simplification")
    assert voice != simplification
    assert crypto.keyed_digest(address, purpose="messaging.recipient") not in {
        voice,
        simplification,
    }


def test_simplification_email_digest_is_the_one_already_stored():
    """Simplification's supports and proposers were digested this way before the shared
    function: no data migration needed (a change here needs one)."""
    from django.utils.crypto import salted_hmac

    before = salted_hmac("parvis.simplification.email", "a@b.fr", algorithm="sha256")
    assert crypto.email_digest(" A@b.fr ", purpose="simplification") == before.hexdigest()


def test_rate_limit_counts_per_identifier_and_hashes_keys():
    results = [hit("test", "Camille@Exemple.fr", limit=3, window_seconds=60) for _ in range(4)]
    assert [r.allowed for r in results] == [True, True, True, False]
    assert results[-1].retry_after >= 1
    assert hit("test", "autre@exemple.fr", limit=3, window_seconds=60).allowed
    assert not any("exemple" in key for key in _cache_keys())


def test_distinct_limit_counts_each_member_once_and_peek_counts_nothing():
    def spray(member: str) -> bool:
        return hit_distinct("test", "203.0.113.7", member, limit=2, window_seconds=60).allowed

    assert [spray(m) for m in ["a@x.fr", "a@x.fr", "A@X.fr", "b@x.fr"]] == [True] * 4
    assert peek("test", "203.0.113.7", limit=2, window_seconds=60).allowed is False
    assert spray("c@x.fr") is False
    assert peek("test", "198.51.100.1", limit=2, window_seconds=60).remaining == 2
    assert not any("x.fr" in key or "203.0" in key for key in _cache_keys())


def _cache_keys() -> list[str]:
    backend = cache._cache  # type: ignore[attr-defined]
    if hasattr(backend, "get_client"):  # Redis
        return [key.decode() for key in backend.get_client(None).keys("*")]
    return [str(key) for key in backend]


def test_every_encrypted_field_is_covered_by_the_rotation():
    """A ciphertext field the rotation forgot would become unreadable with the old key."""
    from django.apps import apps

    from parvis.core.crypto import encrypted_fields

    registered = {(model, f) for model, fields in encrypted_fields().items() for f in fields}
    stored = {
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.name.endswith("_encrypted")
    }
    assert stored and stored == registered
