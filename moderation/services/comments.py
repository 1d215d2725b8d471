"""Comment use cases: submit, list, view, edit and delete. No HTTP here; views call these."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Mapping

from flask import Flask
from itsdangerous import BadSignature, URLSafeSerializer
from redis import Redis
from sqlalchemy import bindparam, delete, select, union_all
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from moderation import antibot, privacy, queue, schemas
from moderation.errors import APIError, Conflict, Forbidden, NotFound, ValidationFailed
from moderation.models import AuditEntry, Author, Comment, Decision, OutboxMessage, Site, Status, Thread, utcnow
from moderation.sanitize import count_links
from moderation.services import sites
from moderation.settings import Settings
from moderation.webhooks import events as webhook_events

DUPLICATE_MESSAGE = "Duplicate comment detected; it looks as though you've already said that!"


class TooFast(APIError):
    """The same author posted again within the flood interval."""

    status = 429
    code = "flood"

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
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


def _recognised(settings: Settings, cookie: str, site_id: str, author_id: int) -> bool:
    """True when the signed cookie from an earlier comment names this author on this site."""
    if not cookie:
        return False
    try:
        payload = _cookie_serializer(settings).loads(cookie)
    except BadSignature:
        return False
    return isinstance(payload, dict) and payload.get("s") == site_id and payload.get("a") == author_id


# Prebuilt statements for the submit path (bind parameters; no statement building per request).
_THREAD = select(Thread).where(Thread.site_id == bindparam("site_id"), Thread.uri == bindparam("uri"))
_AUTHOR = select(Author).where(Author.site_id == bindparam("site_id"), Author.email_bidx == bindparam("email_bidx"))
_LIVE = (Comment.thread_id == bindparam("thread_id"), Comment.status != Status.DELETED.value)
_DUPLICATE = union_all(
    select(Comment.id).where(*_LIVE, Comment.body_hmac == bindparam("digest")),
    select(Comment.id).where(*_LIVE, Comment.body_hmac.is_(None), Comment.body == bindparam("body")),
).limit(1)
_LAST_BY_AUTHOR = (
    select(Comment.created_at).where(Comment.author_id == bindparam("author_id"), Comment.created_at > bindparam("since"))
    .order_by(Comment.created_at.desc()).limit(1)
)


def _insert_ignoring_duplicates(session: Session, model: type, values: Mapping[str, Any]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING (SQLite and PostgreSQL): no SAVEPOINT, no IntegrityError."""
    dialect = session.get_bind().dialect.name
    insert = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}.get(dialect)
    if insert is None:  # another backend: fall back to a savepoint around a plain insert
        try:
            with session.begin_nested():
                session.add(model(**values))
        except IntegrityError:
            pass
        return
    session.execute(insert(model).values(**values).on_conflict_do_nothing())


def _get_or_create(session: Session, model: type, lookup: Mapping[str, Any], **values: Any) -> Any:
    """Find a row by its unique key or insert it; a concurrent insert of the same key is tolerated."""
    stmt = {Thread: _THREAD, Author: _AUTHOR}.get(model)
    params: Mapping[str, Any] = lookup
    if stmt is None or set(lookup) != {"site_id", "uri" if model is Thread else "email_bidx"}:
        stmt, params = select(model).filter_by(**lookup), {}
    row = session.scalars(stmt, params).first()
    if row is not None:
        return row
    _insert_ignoring_duplicates(session, model, {**lookup, **values})
    return session.scalars(stmt, params).one()


def body_hmac(settings: Settings, body: str) -> str:
    """Keyed hash of a comment body (key derived from the blind-index key) for the duplicate check."""
    return hmac.new(settings.secrets.blind_index_key.encode(), b"comment-body|" + body.encode(),
                    hashlib.sha256).hexdigest()


def _check_flood(session: Session, settings: Settings, author: Author | None, thread: Thread | None,
                 body: str, digest: str) -> None:
    if thread is not None:
        # Two seeks on (thread_id, body_hmac): the hash, and rows from before migration 0002 (no
        # hash, compared by body). A UNION, because SQLite would not use the index for an OR.
        duplicate = session.scalar(_DUPLICATE, {"thread_id": thread.id, "digest": digest, "body": body})
        if duplicate is not None:
            raise Conflict(DUPLICATE_MESSAGE, {"body": "duplicate of an earlier comment on this page"})
    if settings.flood_seconds <= 0 or author is None or not author.email_bidx:
        return  # anonymous comments (site allows no email) are left to the per-IP rate limit
    since = utcnow() - timedelta(seconds=settings.flood_seconds)
    last = session.scalar(_LAST_BY_AUTHOR, {"author_id": author.id, "since": since})  # (author_id, created_at)
    if last is not None:
        wait = max(1, int((last - since).total_seconds()) + 1)
        raise TooFast("You are posting comments too quickly. Slow down.", retry_after=wait)


def submit_comment(app: Flask, session: Session, redis: Redis, raw: Mapping[str, Any], meta: RequestMeta) -> Submitted:
    """Validate, store (pending) with author and outbox row in one transaction, then enqueue.

    After that one commit the request writes nothing more: the outbox row stays open until the
    worker's decision closes it, and the sweeper re-sends it if the broker send failed.
    """
    settings: Settings = app.extensions["settings"]
    ensure_sites_synced(app, session)
    site_errors: dict[str, str] = {}
    site: Site | None = None
    try:
        site = sites.resolve_site(session, raw.get("site") if isinstance(raw.get("site"), str) else None, meta.origin)
    except ValidationFailed as exc:
        site_errors = exc.fields
    policy = sites.policy_for(settings, site)
    if site is not None:
        sites.check_origin(site, meta.origin)
        thread_uri = raw.get("thread")
        if isinstance(thread_uri, str) and (reason := sites.check_thread_url(site, thread_uri.strip())):
            site_errors["thread"] = reason
    data: schemas.CommentIn = schemas.parse(schemas.CommentIn, raw, policy, site_errors)
    assert site is not None  # resolve_site either found one or put its error in site_errors

    thread = session.scalars(_THREAD, {"site_id": site.id, "uri": data.thread}).first()
    parent_id = None
    if data.parent is not None:
        parent = session.get(Comment, data.parent)
        if parent is None or thread is None or parent.thread_id != thread.id or parent.status != Status.PUBLISHED.value:
            raise ValidationFailed("Please correct the fields listed.",
                                   {"parent": "not a published comment on this page"})
        parent_id = parent.id
    bidx = privacy.blind_index(settings, data.email) if data.email else ""
    author = session.scalars(_AUTHOR, {"site_id": site.id, "email_bidx": bidx}).first()
    digest = body_hmac(settings, data.body)
    _check_flood(session, settings, author, thread, data.body, digest)

    signals = antibot.check_submission(settings, redis, token=data.form_token, honeypot=data.homepage,
                                       site_id=site.id, thread=data.thread)
    signals.update(links=count_links(data.body, data.website), website_given=bool(data.website),
                   body_chars=len(data.body))
    if thread is None:
        thread = _get_or_create(session, Thread, {"site_id": site.id, "uri": data.thread}, title=data.title)
    elif data.title and not thread.title:
        thread.title = data.title
    if author is None:
        email_enc = privacy.encrypt_email(settings, data.email, privacy.author_aad(site.id, bidx)) if data.email else b""
        author = _get_or_create(session, Author, {"site_id": site.id, "email_bidx": bidx}, email_enc=email_enc)
    signals["new_author"] = author.published_count == 0
    # Typing someone's name and email is not enough to skip a first-time hold: the browser must
    # also carry the signed cookie set when that author commented before.
    signals["author_recognised"] = _recognised(settings, meta.author_cookie, site.id, author.id)
    token = secrets.token_urlsafe(24)
    comment = Comment(thread_id=thread.id, parent_id=parent_id, author_id=author.id, name=data.name,
                      website=data.website, body=data.body, body_hmac=digest, status=Status.PENDING.value,
                      ip_prefix=privacy.truncate_ip(meta.ip), signals=signals,
                      edit_token_hash=_token_hash(settings, token),
                      notify_replies=bool(data.notify_replies and data.email))
    session.add(comment)
    session.flush()
    message = OutboxMessage(task=queue.SCORE_TASK, comment_id=comment.id)
    session.add(message)
    webhook_events.record(session, "comment.created", comment.id, actor="author", settings=settings)
    session.commit()
    queue.send_score(app, comment.id)
    cookie = _cookie_serializer(settings).dumps({"s": site.id, "a": author.id}) if bidx else ""
    return Submitted(id=comment.id, site_id=site.id, thread=data.thread, edit_token=token, author_cookie=cookie)


def ensure_sites_synced(app: Flask, session: Session) -> None:
    """Copy TOML-defined sites into the database once per process (lazily, not at import)."""
    if app.extensions.get("sites_synced"):
        return
    sites.sync_sites(session, app.extensions["settings"])
    session.commit()
    app.extensions["sites_synced"] = True


def authorised(settings: Settings, comment: Comment, token: str | None) -> bool:
    """Constant-time check of an edit token against the stored HMAC."""
    if not token or not comment.edit_token_hash:
        return False
    return hmac.compare_digest(_token_hash(settings, token), comment.edit_token_hash)


def _editable(settings: Settings, session: Session, comment: Comment, token: str | None) -> None:
    if not authorised(settings, comment, token):
        raise Forbidden("A valid X-Edit-Token header is required to change this comment.")
    if comment.status == Status.DELETED.value:
        raise NotFound("This comment was deleted.")
    window = sites.policy_for(settings, session.get(Site, comment.thread.site_id)).edit_window_minutes
    if utcnow() - comment.created_at > timedelta(minutes=window):
        raise Forbidden(f"The edit window has closed: comments can be changed for {window} minutes after posting.")


def get_comment(session: Session, comment_id: int) -> Comment:
    """The comment or NotFound."""
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise NotFound("No such comment.")
    return comment


def edit_comment(app: Flask, session: Session, comment_id: int, token: str | None, raw: Mapping[str, Any]) -> Comment:
    """Replace the body within the edit window; the comment goes back to pending and is re-scored."""
    settings: Settings = app.extensions["settings"]
    comment = get_comment(session, comment_id)
    _editable(settings, session, comment, token)
    policy = sites.policy_for(settings, session.get(Site, comment.thread.site_id))
    data: schemas.EditIn = schemas.parse(schemas.EditIn, raw, policy)
    previous = comment.status
    comment.body = data.body
    comment.body_hmac = body_hmac(settings, data.body)
    comment.status = Status.PENDING.value
    comment.score_attempts = 0
    comment.decided_at = None
    comment.signals = {**comment.signals, "links": count_links(data.body, comment.website),
                       "body_chars": len(data.body), "edited": True}
    # The old decision judged the old text; removing it lets the idempotent scorer decide again.
    session.execute(delete(Decision).where(Decision.comment_id == comment.id))
    session.add(AuditEntry(comment_id=comment.id, actor="author", from_status=previous,
                           to_status=Status.PENDING.value, reason="edited by author"))
    message = OutboxMessage(task=queue.SCORE_TASK, comment_id=comment.id)
    session.add(message)
    webhook_events.record(session, "comment.edited", comment.id, actor="author", settings=settings)
    session.commit()
    queue.send_score(app, comment.id)
    return comment


def delete_comment(app: Flask, session: Session, comment_id: int, token: str | None) -> Comment:
    """The author deletes their comment within the edit window (status deleted, audit row)."""
    settings: Settings = app.extensions["settings"]
    comment = get_comment(session, comment_id)
    _editable(settings, session, comment, token)
    session.add(AuditEntry(comment_id=comment.id, actor="author", from_status=comment.status,
                           to_status=Status.DELETED.value, reason="deleted by author"))
    comment.status = Status.DELETED.value
    webhook_events.record(session, "comment.deleted", comment.id, actor="author", settings=settings)
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
