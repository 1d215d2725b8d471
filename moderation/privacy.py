"""Privacy primitives: email encryption (AES-GCM key ring), keyed blind index, masking, IP truncation.

Blob layout: len(key_id) (1 byte) || key_id || nonce (12 bytes) || AES-GCM ciphertext+tag.
The AAD binds a blob to its purpose and row *and* to the key id, so swapping ciphertexts between
rows, or relabelling a blob with another key id, fails authentication.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import os
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.settings import SecretSettings, Settings

NONCE_BYTES = 12


class EmailDecryptError(ValueError):
    """A stored email could not be decrypted: wrong row/purpose (AAD), unknown key, or tampering."""


@dataclass(frozen=True)
class KeyRing:
    """Email encryption keys by id; `active` encrypts new writes, every key decrypts."""

    active: str
    keys: Mapping[str, bytes]


def keyring(source: Settings | SecretSettings | KeyRing) -> KeyRing:
    """The key ring from settings (or pass one through)."""
    if isinstance(source, KeyRing):
        return source
    secrets = source.secrets if isinstance(source, Settings) else source
    keys = {kid: base64.urlsafe_b64decode(value) for kid, value in secrets.email_keys.items()}
    return KeyRing(active=secrets.active_email_key, keys=keys)


def _aad(aad: bytes, kid: bytes) -> bytes:
    return aad + b"|key=" + kid


def encrypt_email(source: Settings | SecretSettings | KeyRing, email: str, aad: bytes) -> bytes:
    """Encrypt an email under the active key with a fresh random nonce."""
    ring = keyring(source)
    kid = ring.active.encode()
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(ring.keys[ring.active]).encrypt(nonce, email.encode(), _aad(aad, kid))
    return bytes([len(kid)]) + kid + nonce + ciphertext


def key_id_of(blob: bytes) -> str:
    """The key id a blob was written with."""
    return blob[1 : 1 + blob[0]].decode()


def decrypt_email(source: Settings | SecretSettings | KeyRing, blob: bytes, aad: bytes) -> str:
    """Decrypt a blob; raises EmailDecryptError on any mismatch (never returns garbage)."""
    ring = keyring(source)
    try:
        kid = blob[1 : 1 + blob[0]]
        nonce = blob[1 + blob[0] : 1 + blob[0] + NONCE_BYTES]
        ciphertext = blob[1 + blob[0] + NONCE_BYTES :]
        key = ring.keys[kid.decode()]
    except (IndexError, KeyError, UnicodeDecodeError) as exc:
        raise EmailDecryptError("email blob is malformed or its key id is not in the key ring") from exc
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, _aad(aad, kid)).decode()
    except InvalidTag as exc:
        raise EmailDecryptError("email blob failed authentication (wrong row, purpose or key)") from exc


def author_aad(site_id: str, bidx: str) -> bytes:
    """AAD for Author.email_enc: the row id is unknown before insert, so bind to site and index."""
    return b"author.email|" + site_id.encode() + b"|" + bidx.encode()


def normalize_email(email: str) -> str:
    """The form the blind index is computed over: NFKC, lower-cased, stripped."""
    return unicodedata.normalize("NFKC", email.strip().lower())


def _bidx_key(settings: Settings) -> bytes:
    return settings.secrets.blind_index_key.encode()


def blind_index(settings: Settings, email: str) -> str:
    """Keyed HMAC-SHA256 of the normalised email, hex; the only way to look an author up."""
    return hmac.new(_bidx_key(settings), normalize_email(email).encode(), hashlib.sha256).hexdigest()


def blind_indexes(settings: Settings, email: str) -> list[str]:
    """The index under the current key, then (during a blind-index rotation) under the previous one."""
    found = [blind_index(settings, email)]
    previous = settings.secrets.previous_blind_index_key
    if previous:
        found.append(hmac.new(previous.encode(), normalize_email(email).encode(), hashlib.sha256).hexdigest())
    return found


def bidx_key_id(settings: Settings) -> str:
    """A short public fingerprint of the blind-index key (names it in the rotation cursor)."""
    return hmac.new(_bidx_key(settings), b"key-id", hashlib.sha256).hexdigest()[:12]


def erasure_tag(key: str, site_id: str, email: str) -> str:
    """The keyed tag an erasure leaves behind: not the blind index, useless without the key."""
    return hmac.new(key.encode(), b"erased|" + site_id.encode() + b"|" + normalize_email(email).encode(),
                    hashlib.sha256).hexdigest()


def lookup_bidx(session: Session, settings: Settings, site_id: str, email: str) -> str:
    """The index to store or look up: the old one only while an unrotated author still carries it."""
    from moderation.models import Author

    indexes = blind_indexes(settings, email)
    if len(indexes) == 1:
        return indexes[0]
    stored = set(session.scalars(select(Author.email_bidx).where(Author.site_id == site_id,
                                                                 Author.email_bidx.in_(indexes))))
    return indexes[1] if indexes[1] in stored and indexes[0] not in stored else indexes[0]


def avatar_seed(settings: Settings, bidx: str) -> str:
    """A public avatar seed derived from the blind index with its own label (unlinkable to it)."""
    return hmac.new(_bidx_key(settings), b"avatar-seed|" + bidx.encode(), hashlib.sha256).hexdigest()[:16]


def mask_email(email: str) -> str:
    """Show moderators only the first letter and the domain: b***@example.com."""
    local, sep, domain = email.strip().partition("@")
    if not sep:
        return "***"
    return (local[:1] or "*") + "***@" + domain


def truncate_ip(ip: str | None) -> str:
    """Keep only the network: /24 for IPv4, /48 for IPv6 (v4-mapped IPv6 treated as IPv4)."""
    if not ip:
        return ""
    try:
        addr = ipaddress.ip_address(ip.strip().split("%", 1)[0])
    except ValueError:
        return ""
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    prefix = 24 if addr.version == 4 else 48
    return str(ipaddress.ip_network(f"{addr}/{prefix}", strict=False))


def rotate(session: Session, settings: Settings) -> int:
    """Re-encrypt every author email not yet under the active key; returns how many changed."""
    from moderation.models import Author

    ring = keyring(settings)
    changed = 0
    for author in session.scalars(select(Author)):
        if not author.email_enc or key_id_of(author.email_enc) == ring.active:
            continue
        aad = author_aad(author.site_id, author.email_bidx)
        author.email_enc = encrypt_email(ring, decrypt_email(ring, author.email_enc, aad), aad)
        changed += 1
    session.flush()
    return changed
