"""Bot defences that cost humans nothing: signed single-use form tokens and a honeypot.

A failed check never refuses the comment: it is stored and scored like any other, with the facts in
its `Signals` (moderation.signals), and the policy sends it to spam:
  form_token: "ok" | "missing" | "expired" | "tampered" | "mismatch" | "replayed" | "too_fast"
  form_token_invalid (missing/expired/tampered/mismatch/replayed)   -> reason bot_invalid_token
  bot_too_fast (younger than form_token_min_seconds)                -> reason bot_too_fast
  honeypot (the hidden `homepage` field was filled)                 -> reason bot_honeypot
  form_token_unverified (Redis down, replay could not be checked; accepted)
  form_token "replayed" (the nonce was spent before; found when the comment is sent for scoring)
  fill_seconds: seconds between issuing the token and the submission
"""
from __future__ import annotations

import logging
import secrets
import time
from functools import lru_cache

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from moderation.settings import Settings
from moderation.signals import FormTokenOutcome, Signals

log = logging.getLogger("moderation.antibot")

SALT = "moderation.form-token.v1"


def clock() -> float:
    """Current time; tests monkeypatch this to travel in time."""
    return time.time()


class _ClockSigner(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(clock())


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return _serializer_for(settings.secrets.secret_key)


@lru_cache(maxsize=8)  # built once per key: a serializer holds no per-request state
def _serializer_for(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=SALT, signer=_ClockSigner)


def issue_form_token(settings: Settings, site_id: str, thread: str) -> str:
    """A token bound to site and thread, with a random nonce so it can be used once."""
    return _serializer(settings).dumps({"s": site_id, "t": thread, "n": secrets.token_urlsafe(16)})


def _verify(settings: Settings, token: str, site_id: str, thread: str) -> tuple[FormTokenOutcome, float | None, str]:
    """(outcome, age in seconds, nonce) without consuming the nonce."""
    if not token:
        return "missing", None, ""
    serializer = _serializer(settings)
    try:
        payload, issued = serializer.loads(token, max_age=int(settings.form_token_max_seconds), return_timestamp=True)
    except SignatureExpired as exc:
        age = clock() - exc.date_signed.timestamp() if exc.date_signed else None
        return "expired", age, ""
    except BadSignature:
        return "tampered", None, ""
    age = clock() - issued.timestamp()
    if not isinstance(payload, dict) or payload.get("s") != site_id or payload.get("t") != thread:
        return "mismatch", age, ""
    if age < settings.form_token_min_seconds:
        return "too_fast", age, str(payload.get("n", ""))
    return "ok", age, str(payload.get("n", ""))


def check_submission(settings: Settings, *, token: str, honeypot: str, site_id: str, thread: str) -> tuple[Signals, str]:
    """The bot verdicts to store with the comment, and the token's nonce.

    The nonce is spent when the comment is sent for scoring (moderation.dispatch), in the same
    Redis round trip; a replayed token is then recorded and the comment sent to spam.
    """
    outcome, age, nonce = _verify(settings, token, site_id, thread)
    signals = Signals(
        form_token=outcome,
        fill_seconds=round(age, 1) if age is not None else None,
        bot_too_fast=outcome == "too_fast",
        form_token_invalid=outcome not in ("ok", "too_fast"),
        honeypot=bool(honeypot),
    )
    return signals, nonce
