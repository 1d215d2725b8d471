"""Comment use cases: submit, list, view, edit and delete. No HTTP here; views call these."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer
from redis import Redis
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from moderation import antibot, privacy, queue, schemas
from moderation.db import insert_ignoring_conflicts
from moderation.errors import APIError, Forbidden, NotFound, ValidationFailed
from moderation.models import AuditEntry, Author, Comment, Decision, OutboxMessage, Site, Status, Thread, utcnow
from moderation.sanitize import body_html, count_links
from moderation.services import duplicates, sites
from moderation.settings import Settings
from moderation.signals import Signals

DUPLICATE_MESSAGE = duplicates.MESSAGE


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


def _token_hash(settings: Settings, token: str) -> str:
    return hmac.new(settings.secrets.secret_key.encode(), b"edit-token|" + token.encode(), hashlib.sha256).hexdigest()


AUTHOR_COOKIE = "moderation_author"


def _cookie_serializer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.secrets.secret_key, salt="moderation.author-cookie.v1")


def cookie_author(settings: Settings, cookie: str, site_id: str) -> int | None:
    """The author id the signed cookie (or author_token) from an earlier comment names on this site."""
    if not cookie:
        return None
    try:
        payload = _cookie_serializer(settings).loads(cookie)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("s") != site_id or not isinstance(payload.get("a"), int):
        return None
    return int(payload["a"])


# Prebuilt statements for the submit path (bind parameters; no statement building per request).
_THREAD = select(Thread).where(Thread.site_id == bindparam("site_id"), Thread.uri == bindparam("uri"))
_AUTHOR = select(Author).where(Author.site_id == bindparam("site_id"), Author.email_bidx == bindparam("email_bidx"))
_LAST_BY_AUTHOR = (
    select(Comment.created_at)
    .where(Comment.author_id == bindparam("author_id"), Comment.created_at > bindparam("since"))
    .order_by(Comment.created_at.desc()).limit(1)
)
_MARK_UNSENT = update(OutboxMessage).where(OutboxMessage.id == bindparam("mid")).values(published_at=None)


def _thread(session: Session, site_id: str, uri: str, title: str) -> Thread:
    """The thread row, created on first use."""
    params = {"site_id": site_id, "uri": uri}
    row = session.scalars(_THREAD, params).first()
    if row is None:
        insert_ignoring_conflicts(session, Thread, {**params, "title": title})
        row = session.scalars(_THREAD, params).one()
    return row


def _author(session: Session, settings: Settings, site_id: str, bidx: str, email: str) -> Author:
    """The author row for this keyed email index, created (email encrypted) on first use."""
    params = {"site_id": site_id, "email_bidx": bidx}
    row = session.scalars(_AUTHOR, params).first()
    if row is None:
        email_enc = privacy.encrypt_email(settings, email, privacy.author_aad(site_id, bidx)) if email else b""
        insert_ignoring_conflicts(session, Author, {**params, "email_enc": email_enc})
        row = session.scalars(_AUTHOR, params).one()
    return row


def body_hmac(settings: Settings, body: str) -> str:
    """Keyed hash of a comment body (key derived from the blind-index key) for the duplicate check."""
    return hmac.new(settings.secrets.blind_index_key.encode(), b"comment-body|" + body.encode(),
                    hashlib.sha256).hexdigest()


def _check_flood(session: Session, settings: Settings, author: Author | None, thread: Thread | None,
                 digest: str, parent_id: int | None = None, browser_author: int | None = None) -> None:
    if thread is not None:
        duplicates.check(session, thread.id, parent_id, digest, duplicates.same_author_ids(author, browser_author))
    if settings.flood_seconds <= 0 or author is None or not author.email_bidx:
        return  # anonymous comments (site allows no email) are left to the per-IP rate limit
    since = utcnow() - timedelta(seconds=settings.flood_seconds)
    last = session.scalar(_LAST_BY_AUTHOR, {"author_id": author.id, "since": since})  # (author_id, created_at)
    if last is not None:
        wait = max(1, int((last - since).total_seconds()) + 1)
        raise TooFast("You are posting comments too quickly. Slow down.", retry_after=wait, key="flood")


def text_signals(body: str, website: str) -> dict[str, Any]:
    """Facts about the text as readers will see it: links in the sanitised HTML plus the website."""
    return {"links": count_links(body_html(body), website), "website_given": bool(website), "body_chars": len(body)}


def enqueue_committed(session: Session, message: OutboxMessage, enqueue: queue.Enqueue) -> None:
    """Send after the commit; a failed send re-opens the outbox row for the sweeper."""
    if not enqueue(message.comment_id):
        session.execute(_MARK_UNSENT, {"mid": message.id})
        session.commit()


def scoring_outbox_row(comment_id: int) -> OutboxMessage:
    """The outbox row for (re-)scoring a comment; add it in the transaction that makes the comment pending."""
    # Written as sent because the request sends right after its commit; if that send fails the
    # row is re-opened, and if the process dies in between, the comment stays pending and the
    # sweeper re-sends it (moderation.services.outbox). No second write on the happy path.
    return OutboxMessage(task=queue.SCORE_TASK, comment_id=comment_id, published_at=utcnow(), attempts=1)


def submit_comment(settings: Settings, session: Session, redis: Redis, raw: Mapping[str, Any], meta: RequestMeta,
                   enqueue: queue.Enqueue) -> Submitted:
    """Validate, store (pending) with author and outbox row in one transaction, then enqueue."""
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
    data = schemas.parse(schemas.CommentIn, raw, policy, site_error)
    assert site is not None  # resolve_site either found one or put its error in site_errors
    if reason := sites.check_thread_url(site, data.thread):
        raise Forbidden("This page is not on the site's registered origins.", {"thread": reason}, key="thread_foreign")

    thread = session.scalars(_THREAD, {"site_id": site.id, "uri": data.thread}).first()
    parent_id = None
    if data.parent is not None:
        parent = session.get(Comment, data.parent) if data.parent <= MAX_ID else None
        if parent is None or thread is None or parent.thread_id != thread.id or parent.status != Status.PUBLISHED.value:
            # Unpublished, deleted or on another page: for this page it does not exist.
            raise NotFound("The comment you are replying to was not found on this page.",
                           {"parent": "not a published comment on this page"}, key="parent_not_found")
        parent_id = parent.id
    bidx = privacy.blind_index(settings, data.email) if data.email else ""
    author = session.scalars(_AUTHOR, {"site_id": site.id, "email_bidx": bidx}).first()
    digest = body_hmac(settings, data.body)
    browser_author = cookie_author(settings, meta.author_cookie, site.id)
    _check_flood(session, settings, author, thread, digest, parent_id, browser_author)

    bot = antibot.check_submission(settings, redis, token=data.form_token, honeypot=data.homepage,
                                   site_id=site.id, thread=data.thread)
    if thread is None:
        thread = _thread(session, site.id, data.thread, data.title)
    elif data.title and not thread.title:
        thread.title = data.title
    if author is None:
        author = _author(session, settings, site.id, bidx, data.email)
    signals = bot.model_copy(update={
        **text_signals(data.body, data.website),
        "new_author": author.published_count == 0,
        # Typing someone's name and email is not enough to skip a first-time hold: the browser
        # must also carry the signed cookie set when that author commented before.
        "author_recognised": browser_author == author.id,
    })
    token = secrets.token_urlsafe(24)
    comment = Comment(thread_id=thread.id, parent_id=parent_id, author_id=author.id, name=data.name,
                      website=data.website, body=data.body, body_hmac=digest, status=Status.PENDING.value,
                      ip_prefix=privacy.truncate_ip(meta.ip), signals=signals.to_json(),
                      edit_token_hash=_token_hash(settings, token), notify_replies=data.notify_replies)
    session.add(comment)
    session.flush()
    message = scoring_outbox_row(comment.id)
    session.add(message)
    session.commit()
    enqueue_committed(session, message, enqueue)
    cookie = _cookie_serializer(settings).dumps({"s": site.id, "a": author.id}) if bidx else ""
    return Submitted(id=comment.id, site_id=site.id, thread=data.thread, edit_token=token, author_cookie=cookie)


def authorised(settings: Settings, comment: Comment, token: str | None) -> bool:
    """Constant-time check of an edit token against the stored HMAC."""
    if not token or not comment.edit_token_hash:
        return False
    return hmac.compare_digest(_token_hash(settings, token), comment.edit_token_hash)


def _editable(settings: Settings, session: Session, comment: Comment, token: str | None) -> None:
    if not authorised(settings, comment, token):
        raise Forbidden("A valid X-Edit-Token header is required to change this comment.", key="edit_token")
    if comment.status == Status.DELETED.value:
        raise NotFound("This comment was deleted.", key="comment_deleted")
    window = sites.policy_for(settings, sites.cached_site(session, comment.thread.site_id)).edit_window_minutes
    if utcnow() - comment.created_at > timedelta(minutes=window):
        raise Forbidden(f"The edit window has closed: comments can be changed for {window} minutes after posting.",
                        key="edit_window", params={"minutes": window})


MAX_ID = 2**63 - 1  # the largest id SQL stores; anything above cannot exist


def get_comment(session: Session, comment_id: int) -> Comment:
    """The comment or NotFound."""
    comment = session.get(Comment, comment_id) if 0 < comment_id <= MAX_ID else None
    if comment is None:
        raise NotFound("No such comment.", key="comment_not_found")
    return comment


def edit_comment(settings: Settings, session: Session, comment_id: int, token: str | None, raw: Mapping[str, Any],
                 enqueue: queue.Enqueue) -> Comment:
    """Replace the body within the edit window; the comment goes back to pending and is re-scored."""
    comment = get_comment(session, comment_id)
    _editable(settings, session, comment, token)
    policy = sites.policy_for(settings, sites.cached_site(session, comment.thread.site_id))
    data = schemas.parse(schemas.EditIn, raw, policy)
    previous = comment.status
    comment.body = data.body
    comment.body_hmac = body_hmac(settings, data.body)
    comment.status = Status.PENDING.value
    comment.score_attempts = 0
    comment.decided_at = None
    old = Signals.from_json(comment.signals)
    comment.signals = old.model_copy(update={**text_signals(data.body, comment.website), "edited": True}).to_json()
    # The old decision judged the old text; removing it lets the idempotent scorer decide again.
    session.execute(delete(Decision).where(Decision.comment_id == comment.id))
    session.add(AuditEntry(comment_id=comment.id, actor="author", from_status=previous,
                           to_status=Status.PENDING.value, reason="edited by author"))
    message = scoring_outbox_row(comment.id)
    session.add(message)
    session.commit()
    enqueue_committed(session, message, enqueue)
    return comment


def delete_comment(settings: Settings, session: Session, comment_id: int, token: str | None) -> Comment:
    """The author deletes their comment within the edit window (status deleted, audit row)."""
    comment = get_comment(session, comment_id)
    _editable(settings, session, comment, token)
    session.add(AuditEntry(comment_id=comment.id, actor="author", from_status=comment.status,
                           to_status=Status.DELETED.value, reason="deleted by author"))
    comment.status = Status.DELETED.value
    session.commit()
    return comment


def published_in_thread(session: Session, site_id: str, thread: str) -> list[Comment]:
    """Published comments of a thread, oldest first."""
    uri = schemas.normalize_thread(thread.strip())
    return list(session.scalars(
        select(Comment).join(Thread).where(Thread.site_id == site_id, Thread.uri == uri,
                                           Comment.status == Status.PUBLISHED.value)
        .order_by(Comment.created_at, Comment.id)
    ))


def decision_reasons(session: Session, comment_id: int) -> list[str]:
    """The typed reasons of the automatic decision, if one was made."""
    decision = session.scalars(select(Decision).where(Decision.comment_id == comment_id)).first()
    return list(decision.reasons) if decision else []
