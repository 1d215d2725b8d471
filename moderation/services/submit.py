"""Submitting a comment: validate, store it pending with its outbox row in one transaction, enqueue.

No HTTP here; the JSON API and the WordPress form both call `submit_comment`.
"""
from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from moderation import antibot, privacy, queue, schemas
from moderation.dispatch import Dispatcher
from moderation.errors import APIError, Conflict, Forbidden, NotFound, ValidationFailed
from moderation.models import Comment, Site, Status, utcnow
from moderation.services import sites, submit_store
from moderation.services.comments import MAX_ID, body_hmac, enqueue_committed, text_signals, token_hash
from moderation.settings import Settings
from moderation.signals import Signals
from moderation.webhooks import events as webhook_events

DUPLICATE_MESSAGE = "Duplicate comment detected; it looks as though you've already said that!"
AUTHOR_COOKIE = "moderation_author"


class TooFast(APIError):
    """The same author posted again within the flood interval."""

    status = 429
    code = "flood"

    def __init__(self, message: str, retry_after: int, key: str | None = None):
        super().__init__(message, key=key)
        self.retry_after = retry_after


@dataclass(frozen=True)
class RequestMeta:
    """What the web layer knows about the request besides the fields."""

    ip: str = ""
    origin: str | None = None
    author_cookie: str = ""


@dataclass(frozen=True)
class Submitted:
    """The answer to a submission: the author keeps `edit_token`, only its HMAC is stored."""

    id: int
    site_id: str
    thread: str
    edit_token: str
    author_cookie: str = ""
    status: str = Status.PENDING.value


def _cookie_serializer(settings: Settings) -> URLSafeSerializer:
    return _cookie_serializer_for(settings.secrets.secret_key)


@lru_cache(maxsize=8)  # built once per key: a serializer holds no per-request state
def _cookie_serializer_for(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt="moderation.author-cookie.v1")


def cookie_author(settings: Settings, cookie: str, site_id: str) -> int | None:
    """The author id the signed cookie (or the widget's author_token) from an earlier comment names on this site."""
    if not cookie:
        return None
    try:
        payload = _cookie_serializer(settings).loads(cookie)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("s") != site_id or not isinstance(payload.get("a"), int):
        return None
    return int(payload["a"])


def _validated(settings: Settings, session: Session, raw: Mapping[str, Any], meta: RequestMeta) -> tuple[Site, schemas.CommentIn]:
    """The site and the validated fields, or an error naming every bad field."""
    sites.ensure_synced(session, settings)
    site_error: ValidationFailed | None = None
    site: Site | None = None
    try:
        site = sites.resolve_site(session, raw.get("site") if isinstance(raw.get("site"), str) else None, meta.origin)
    except ValidationFailed as exc:
        site_error = exc
    policy = sites.policy_for(settings, site)
    if site is not None:
        sites.check_origin(site, meta.origin)
    data: schemas.CommentIn = schemas.parse(schemas.CommentIn, raw, policy, site_error)
    assert site is not None  # resolve_site found one, or parse() raised its error with the fields'
    if reason := sites.check_thread_url(site, data.thread):
        raise Forbidden("This page is not on the site's registered origins.", {"thread": reason}, key="thread_foreign")
    return site, data


def _check_parent(session: Session, parent_id: int | None, thread_id: int | None) -> None:
    if parent_id is None:
        return
    parent = session.get(Comment, parent_id) if parent_id <= MAX_ID else None
    if parent is None or parent.thread_id != thread_id or parent.status != Status.PUBLISHED.value:
        # Unpublished, deleted or on another page: for this page it does not exist.
        raise NotFound("The comment you are replying to was not found on this page.",
                       {"parent": "not a published comment on this page"}, key="parent_not_found")


def _check_flood(settings: Settings, duplicate: int | None, last_at: datetime | None, since_at: datetime) -> None:
    if duplicate is not None:
        raise Conflict(DUPLICATE_MESSAGE, {"body": "duplicate of your earlier comment on this page"}, key="duplicate")
    if last_at is not None and settings.flood_seconds > 0:
        wait = max(1, int((last_at - since_at).total_seconds()) + 1)
        raise TooFast("You are posting comments too quickly. Slow down.", retry_after=wait, key="flood")


def _send(session: Session, comment_id: int, signals: Signals, nonce: str, dispatcher: Dispatcher) -> None:
    """Send for scoring while spending the token's nonce; record a replay or an outage if there was one."""
    sent = dispatcher.send(comment_id, nonce)
    if sent == "sent":
        return
    if sent == "replayed":  # nothing was queued: record the replay first, so the scorer sees it
        signals = signals.model_copy(update={"form_token": "replayed", "form_token_invalid": True})
    elif nonce:
        signals = signals.model_copy(update={"form_token_unverified": True})
    submit_store.update_signals(session, comment_id, signals.to_json())
    session.commit()
    enqueue_committed(session, comment_id, lambda cid: sent == "replayed" and dispatcher.send(cid) == "sent")


def submit_comment(settings: Settings, session: Session, raw: Mapping[str, Any], meta: RequestMeta,
                   dispatcher: Dispatcher) -> Submitted:
    """Validate, store (pending) with author and outbox row in one transaction, then enqueue."""
    site, data = _validated(settings, session, raw, meta)
    known = submit_store.known_thread(session, site.id, data.thread)
    _check_parent(session, data.parent, known[0] if known else None)
    bidx = privacy.lookup_bidx(session, settings, site.id, data.email) if data.email else ""
    digest = body_hmac(settings, data.body)
    # Anonymous comments (a site that asks for no email) are left to the per-IP rate limit.
    since = utcnow() - timedelta(seconds=max(settings.flood_seconds, 0))
    browser_author = cookie_author(settings, meta.author_cookie, site.id)
    found = submit_store.lookup(session, site.id, bidx, known[0] if known else None, digest, since, data.parent,
                                browser_author)
    _check_flood(settings, found.duplicate, found.last_at if bidx else None, since)

    bot, nonce = antibot.check_submission(settings, token=data.form_token, honeypot=data.homepage,
                                          site_id=site.id, thread=data.thread)
    thread_id = submit_store.ensure_thread(session, site.id, data.thread, data.title, known)
    author_id = found.author_id
    if author_id is None:
        email_enc = privacy.encrypt_email(settings, data.email, privacy.author_aad(site.id, bidx)) if data.email else b""
        author_id = submit_store.ensure_author(session, site.id, bidx, email_enc)
    signals = bot.model_copy(update={
        **text_signals(data.body, data.website),
        "new_author": found.published_count == 0,
        # Typing someone's name and email is not enough to skip a first-time hold: the browser
        # must also carry the signed cookie set when that author commented before.
        "author_recognised": browser_author == author_id,
    })
    token = secrets.token_urlsafe(24)
    now = utcnow()
    comment_id = submit_store.insert_comment(session, {
        "thread_id": thread_id, "parent_id": data.parent, "author_id": author_id, "name": data.name,
        "website": data.website, "body": data.body, "body_hmac": digest, "status": Status.PENDING.value,
        "ip_prefix": privacy.truncate_ip(meta.ip), "signals": signals.to_json(),
        "edit_token_hash": token_hash(settings, token), "created_at": now, "updated_at": now,
        "notify_replies": bool(data.notify_replies and data.email),
    }, {"task": queue.SCORE_TASK, "published_at": now, "attempts": 1, "created_at": now})
    if webhook_events.may_write("comment.created", found.has_endpoints, settings):  # else its SELECT is spared
        webhook_events.record(session, "comment.created", comment_id, actor="author", settings=settings)
    session.commit()
    _send(session, comment_id, signals, nonce, dispatcher)
    cookie = _cookie_serializer(settings).dumps({"s": site.id, "a": author_id}) if bidx else ""
    return Submitted(id=comment_id, site_id=site.id, thread=data.thread, edit_token=token, author_cookie=cookie)
