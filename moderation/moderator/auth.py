"""Who is acting: passwords (argon2id), login throttling, server-side sessions, API tokens, permissions."""
from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from moderation.errors import APIError, Forbidden, NotFound
from moderation.models import Moderator, utcnow
from moderation.moderator.models import ApiToken, ModeratorSession
from moderation.settings import Settings

log = logging.getLogger("moderation.moderator.auth")

ROLES = ("moderator", "admin")
# What each role may do; site scope is checked separately (Actor.sites).
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "moderator": frozenset({"view", "decide", "edit", "ban", "audit", "dashboard"}),
    "admin": frozenset({"view", "decide", "edit", "ban", "audit", "dashboard", "reveal_email", "admin"}),
}
TOKEN_PREFIX = "mt_"
_hasher = PasswordHasher()
# Verified when the account does not exist, so both cases cost the same time.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


class LoginFailed(APIError):
    """Wrong username or password (never says which)."""

    status = 401
    code = "login_failed"


class LoginLocked(APIError):
    """Too many failures for this account name or from this address."""

    status = 429
    code = "locked"


class Unauthorized(APIError):
    status = 401
    code = "unauthorized"


@dataclass(frozen=True)
class Actor:
    """A moderator (browser session) or an API token acting on the queue."""

    kind: str  # "moderator" or "token"
    id: int
    name: str
    role: str
    sites: frozenset[str] | None  # None: every site
    locale: str = ""

    @property
    def label(self) -> str:
        """How audit rows name the actor."""
        return f"{self.kind}:{self.name}"

    @property
    def moderator_id(self) -> int | None:
        return self.id if self.kind == "moderator" else None

    def allows(self, action: str, site_id: str | None = None) -> bool:
        """True when the role includes `action` and the site (if any) is in scope."""
        if action not in ROLE_ACTIONS.get(self.role, frozenset()):
            return False
        return site_id is None or self.sites is None or site_id in self.sites

    def require(self, action: str, site_ids: Iterable[str] = ()) -> None:
        """Raise Forbidden naming the action or the sites that are out of scope."""
        if action not in ROLE_ACTIONS.get(self.role, frozenset()):
            raise Forbidden(f"Your role ({self.role}) may not {action.replace('_', ' ')}.")
        outside = sorted({s for s in site_ids if not self.allows(action, s)})
        if outside:
            raise Forbidden("You may not moderate site(s): " + ", ".join(outside) + ".", {"site": ", ".join(outside)})


def scope(sites: list[str] | None) -> frozenset[str] | None:
    """Stored site list -> scope (empty list means every site)."""
    return frozenset(sites) if sites else None


def moderator_actor(moderator: Moderator) -> Actor:
    """The Actor for a logged-in moderator."""
    return Actor("moderator", moderator.id, moderator.username, moderator.role, scope(moderator.sites), moderator.locale)


def hash_password(password: str) -> str:
    """argon2id hash with the library's current parameters."""
    return _hasher.hash(password)


def _key(settings: Settings, purpose: str, value: str) -> str:
    return hmac.new(settings.secrets.secret_key.encode(), f"{purpose}|{value}".encode(), hashlib.sha256).hexdigest()[:32]


def _counter(redis: Redis, key: str, lock_seconds: int, increment: bool) -> int:
    """Failures counted in Redis; an outage counts nothing (the account lock in SQL still holds)."""
    try:
        if increment:
            pipe = redis.pipeline()
            pipe.incr(key)
            pipe.expire(key, lock_seconds)
            return int(pipe.execute()[0])
        return int(redis.get(key) or 0)
    except RedisError as exc:
        log.warning("login throttle unavailable: %s", type(exc).__name__)
        return 0


def login(session: Session, settings: Settings, redis: Redis, username: str, password: str, address: str) -> Moderator:
    """Check a login; counts failures per account name and per address (caller commits either way)."""
    conf = settings.moderator
    lock_seconds = conf.login_lock_minutes * 60
    address_key = f"{settings.redis_key_prefix}login:addr:" + _key(settings, "addr", address)
    account_key = f"{settings.redis_key_prefix}login:acct:" + _key(settings, "acct", username.strip().lower())
    locked_msg = (f"Too many failed logins for this account: it is locked for {conf.login_lock_minutes} minutes. "
                  "Try again later.")
    if _counter(redis, address_key, lock_seconds, False) >= conf.login_max_failures:
        raise LoginLocked(f"Too many failed logins from your address; try again in {conf.login_lock_minutes} minutes.")
    moderator = session.scalars(select(Moderator).where(Moderator.username == username.strip())).first()
    now = utcnow()
    if moderator is not None and moderator.locked_until is not None and moderator.locked_until > now:
        raise LoginLocked(locked_msg)
    if moderator is None and _counter(redis, account_key, lock_seconds, False) >= conf.login_max_failures:
        raise LoginLocked(locked_msg)  # the same answer as for a real locked account
    ok: bool
    try:
        ok = _hasher.verify(moderator.password_hash if moderator else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        ok = False
    if ok and moderator is not None and moderator.active:
        moderator.failed_logins = 0
        moderator.locked_until = None
        moderator.last_login_at = now
        if _hasher.check_needs_rehash(moderator.password_hash):
            moderator.password_hash = _hasher.hash(password)
        with contextlib.suppress(RedisError):
            redis.delete(account_key)
        return moderator
    _counter(redis, address_key, lock_seconds, True)
    failures = _counter(redis, account_key, lock_seconds, True)
    if moderator is not None:
        moderator.failed_logins += 1
        failures = moderator.failed_logins
        if failures >= conf.login_max_failures:
            moderator.locked_until = now + timedelta(seconds=lock_seconds)
            moderator.failed_logins = 0
    if failures >= conf.login_max_failures:
        raise LoginLocked(locked_msg)
    raise LoginFailed("Wrong username or password.")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, moderator: Moderator) -> str:
    """A new random session id (stored hashed); the old one, if any, is ended by the caller."""
    token = secrets.token_urlsafe(32)
    session.add(ModeratorSession(id_hash=_digest(token), moderator_id=moderator.id))
    return token


def load_session(session: Session, settings: Settings, token: str) -> Moderator | None:
    """The moderator of a live session, refreshing its idle clock; None when ended or idle too long."""
    row = session.get(ModeratorSession, _digest(token)) if token else None
    if row is None:
        return None
    now = utcnow()
    if now - row.last_seen_at > timedelta(minutes=settings.moderator.session_idle_minutes):
        session.delete(row)
        return None
    moderator = session.get(Moderator, row.moderator_id)
    if moderator is None or not moderator.active:
        return None
    if now - row.last_seen_at > timedelta(seconds=30):  # write at most twice a minute
        row.last_seen_at = now
    return moderator


def end_session(session: Session, token: str) -> None:
    """Server-side logout: the id stops working even if the cookie is replayed."""
    session.execute(delete(ModeratorSession).where(ModeratorSession.id_hash == _digest(token)))


def create_token(session: Session, name: str, role: str, sites: list[str], created_by: int | None) -> tuple[ApiToken, str]:
    """A new API token; the plaintext is returned once and never stored."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(name=name, token_hash=_digest(plaintext), prefix=plaintext[:10], role=role,
                   sites=sorted(set(sites)), created_by=created_by)
    session.add(row)
    session.flush()
    return row, plaintext


def token_actor(session: Session, plaintext: str) -> Actor:
    """The Actor for a bearer token, or Unauthorized."""
    row = session.scalars(select(ApiToken).where(ApiToken.token_hash == _digest(plaintext))).first()
    if row is None or row.revoked_at is not None:
        raise Unauthorized("The API token is unknown or revoked.")
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        row.last_used_at = now
    return Actor("token", row.id, row.name, row.role, scope(row.sites))


def revoke_token(session: Session, token_id: int) -> ApiToken:
    """Mark a token revoked (kept for the record)."""
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound("No such token.")
    row.revoked_at = row.revoked_at or utcnow()
    return row
