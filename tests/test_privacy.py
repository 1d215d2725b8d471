"""Email encryption with a key ring, keyed blind index, masking, IP truncation."""
from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from moderation import privacy
from moderation.db import session_scope
from moderation.models import Author, Site
from moderation.settings import load_settings
from tests.conftest import TEST_SECRETS, database_urls

SETTINGS = load_settings({"secrets": TEST_SECRETS})
AAD = privacy.author_aad("news", "bidx1")


def test_round_trip_and_fresh_nonce() -> None:
    a = privacy.encrypt_email(SETTINGS, "budi@example.com", AAD)
    b = privacy.encrypt_email(SETTINGS, "budi@example.com", AAD)
    assert a != b  # a random nonce per encryption
    assert b"budi" not in a
    assert privacy.key_id_of(a) == "k1"
    assert privacy.decrypt_email(SETTINGS, a, AAD) == "budi@example.com"


@pytest.mark.parametrize("blob_change", ["other_aad", "flipped_byte", "unknown_key", "truncated"])
def test_tampering_is_a_clear_error(blob_change: str) -> None:
    blob = privacy.encrypt_email(SETTINGS, "budi@example.com", AAD)
    aad = AAD
    if blob_change == "other_aad":
        aad = privacy.author_aad("news", "bidx2")
    elif blob_change == "flipped_byte":
        blob = blob[:-1] + bytes([blob[-1] ^ 1])
    elif blob_change == "unknown_key":
        blob = bytes([2]) + b"k9" + blob[3:]
    else:
        blob = blob[:1]
    with pytest.raises(privacy.EmailDecryptError):
        privacy.decrypt_email(SETTINGS, blob, aad)


def test_relabelled_key_id_fails() -> None:
    # Same length key id, different key: the key id is bound through the AAD as well.
    blob = privacy.encrypt_email(SETTINGS, "budi@example.com", AAD)
    relabelled = blob[:1] + b"k2" + blob[3:]
    with pytest.raises(privacy.EmailDecryptError):
        privacy.decrypt_email(SETTINGS, relabelled, AAD)


@pytest.mark.parametrize(("a", "b"), [("Budi@Example.com", "  budi@example.COM "), ("ｂudi@example.com", "budi@example.com")])
def test_blind_index_normalises(a: str, b: str) -> None:
    assert privacy.blind_index(SETTINGS, a) == privacy.blind_index(SETTINGS, b)


def test_blind_index_is_keyed() -> None:
    bidx = privacy.blind_index(SETTINGS, "budi@example.com")
    assert bidx != hashlib.sha256(b"budi@example.com").hexdigest()
    other = load_settings({"secrets": {**TEST_SECRETS, "blind_index_key": "another-key"}})
    assert privacy.blind_index(other, "budi@example.com") != bidx
    seed = privacy.avatar_seed(SETTINGS, bidx)
    assert seed not in bidx and seed not in hashlib.md5(b"budi@example.com").hexdigest()


@pytest.mark.parametrize(("email", "masked"), [
    ("budi@example.com", "b***@example.com"), ("x@y.id", "x***@y.id"), ("no-at-sign", "***"),
])
def test_mask(email: str, masked: str) -> None:
    assert privacy.mask_email(email) == masked


@pytest.mark.parametrize(("ip", "prefix"), [
    ("203.0.113.77", "203.0.113.0/24"),
    ("2001:db8:abcd:12:1:2:3:4", "2001:db8:abcd::/48"),
    ("::ffff:198.51.100.9", "198.51.100.0/24"),
    ("fe80::1%eth0", "fe80::/48"),
    ("not-an-ip", ""),
    ("", ""),
])
def test_truncate_ip(ip: str, prefix: str) -> None:
    assert privacy.truncate_ip(ip) == prefix


@pytest.mark.parametrize("database_url", database_urls(), indirect=True)
def test_rotation_then_dropping_old_key(app_factory, database_url: str) -> None:  # type: ignore[no-untyped-def]
    emails = [f"user{i}@example.com" for i in range(5)]
    app = app_factory()  # k1 active
    settings = app.extensions["settings"]
    with session_scope(app) as session:
        session.add(Site(id="news", origins=["https://news.example"]))
        session.flush()
        for email in emails:
            bidx = privacy.blind_index(settings, email)
            session.add(Author(site_id="news", email_bidx=bidx,
                               email_enc=privacy.encrypt_email(settings, email, privacy.author_aad("news", bidx))))
    rotated_app = app_factory(secrets={**TEST_SECRETS, "active_email_key": "k2"})
    with session_scope(rotated_app) as session:
        assert privacy.rotate(session, rotated_app.extensions["settings"]) == 5
        assert privacy.rotate(session, rotated_app.extensions["settings"]) == 0  # idempotent
    only_k2 = {**TEST_SECRETS, "email_keys": {"k2": TEST_SECRETS["email_keys"]["k2"]}, "active_email_key": "k2"}
    final = app_factory(secrets=only_k2)
    with session_scope(final) as session:
        authors = session.scalars(select(Author).order_by(Author.id)).all()
        got = [privacy.decrypt_email(final.extensions["settings"], a.email_enc,
                                     privacy.author_aad(a.site_id, a.email_bidx)) for a in authors]
    assert got == emails


@pytest.mark.parametrize("database_url", database_urls(), indirect=True)
def test_swapped_ciphertexts_between_rows_fail(app_factory, database_url: str) -> None:  # type: ignore[no-untyped-def]
    app = app_factory()
    settings = app.extensions["settings"]
    with session_scope(app) as session:
        session.add(Site(id="news", origins=[]))
        session.flush()
        for email in ("a@example.com", "b@example.com"):
            bidx = privacy.blind_index(settings, email)
            session.add(Author(site_id="news", email_bidx=bidx,
                               email_enc=privacy.encrypt_email(settings, email, privacy.author_aad("news", bidx))))
    with session_scope(app) as session:
        a, b = session.scalars(select(Author).order_by(Author.id)).all()
        a.email_enc, b.email_enc = b.email_enc, a.email_enc
    with session_scope(app) as session:
        for author in session.scalars(select(Author)):
            with pytest.raises(privacy.EmailDecryptError, match="failed authentication"):
                privacy.decrypt_email(settings, author.email_enc, privacy.author_aad("news", author.email_bidx))
