"""Standard Webhooks signing: `whsec_` secrets, message ids, and the three headers of a delivery."""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Sequence

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
MIN_SECRET_BYTES, MAX_SECRET_BYTES = 24, 64


class BadSecret(ValueError):
    """A secret that is not `whsec_` + base64 of 24 to 64 bytes."""


def generate_secret() -> str:
    """A fresh secret: `whsec_` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(os.urandom(SECRET_BYTES)).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key inside a `whsec_` secret; BadSecret says what is wrong with it."""
    if not isinstance(secret, str) or not secret.startswith(SECRET_PREFIX):
        raise BadSecret(f"must start with {SECRET_PREFIX!r}")
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        raise BadSecret(f"must be {SECRET_PREFIX!r} followed by standard base64") from None
    if not MIN_SECRET_BYTES <= len(key) <= MAX_SECRET_BYTES:
        raise BadSecret(f"must encode {MIN_SECRET_BYTES} to {MAX_SECRET_BYTES} random bytes, not {len(key)}")
    return key


def new_message_id() -> str:
    """A `webhook-id`: `msg_` + 26 random base32 characters (no `.`, never user-controlled)."""
    return "msg_" + base64.b32encode(os.urandom(16)).decode().rstrip("=").lower()


def sign(key: bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    """`v1,` + base64 HMAC-SHA256 of `msg_id.timestamp.body` (the exact bytes sent)."""
    signed = msg_id.encode() + b"." + str(int(timestamp)).encode() + b"." + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def headers(keys: Sequence[bytes], msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers; several keys (rotation overlap) give several signatures."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(timestamp)),
        "webhook-signature": " ".join(sign(key, msg_id, timestamp, body) for key in keys),
    }
