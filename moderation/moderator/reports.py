"""Reader reports: one per reader (signed cookie) and per address (keyed prefix) per comment."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from moderation import privacy
from moderation.errors import Conflict, NotFound
from moderation.models import AuditEntry, Author, Comment, Status, utcnow
from moderation.moderator.models import Report
from moderation.services import sites
from moderation.settings import Settings
from moderation.webhooks import events as webhook_events

READER_COOKIE = "moderation_reader"


@dataclass(frozen=True)
class Reported:
    """The stored report, whether it sent the comment back to held, and the reader cookie to set."""

    comment_id: int
    reports: int
    held: bool
    reader_cookie: str


def _serializer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.secrets.secret_key, salt="moderation.reader-cookie.v1")


def _key(settings: Settings, purpose: str, value: str) -> str:
    return hmac.new(settings.secrets.blind_index_key.encode(), f"{purpose}|{value}".encode(), hashlib.sha256).hexdigest()


def report(session: Session, settings: Settings, comment_id: int, reason: str, text: str, cookie: str, ip: str) -> Reported:
    """Store a report on a published comment; at the site's threshold it goes back to held."""
    comment = session.get(Comment, comment_id)
    if comment is None or comment.status != Status.PUBLISHED.value:
        raise NotFound("No such comment.", key="comment_not_found")
    try:
        reader = str(_serializer(settings).loads(cookie)) if cookie else ""
    except BadSignature:
        reader = ""
    reader = reader or secrets.token_urlsafe(16)
    reader_key = _key(settings, "reader", reader)
    ip_key = _key(settings, "ip", privacy.truncate_ip(ip) or "unknown")
    seen = session.scalars(select(Report.id).where(Report.comment_id == comment_id,
                                                   or_(Report.reader_key == reader_key, Report.ip_key == ip_key))).first()
    if seen is not None:
        raise Conflict("You have already reported this comment.", key="already_reported")
    session.add(Report(comment_id=comment_id, reason=reason, text=text, reader_key=reader_key, ip_key=ip_key))
    count = session.scalar(update(Comment).where(Comment.id == comment_id)
                           .values(report_count=Comment.report_count + 1).returning(Comment.report_count)
                           .execution_options(synchronize_session=False))
    threshold = sites.policy_for(settings, comment.thread.site_id).reports_threshold
    held = False
    if count is not None and count >= threshold:
        now = utcnow()
        moved = session.scalar(update(Comment).where(Comment.id == comment_id, Comment.status == Status.PUBLISHED.value)
                               .values(status=Status.HELD.value, version=Comment.version + 1, updated_at=now)
                               .returning(Comment.id).execution_options(synchronize_session=False))
        if moved is not None:
            held = True
            session.execute(update(Author).where(Author.id == comment.author_id)
                            .values(published_count=Author.published_count - 1))
            session.add(AuditEntry(comment_id=comment_id, actor="readers", action="status",
                                   from_status=Status.PUBLISHED.value, to_status=Status.HELD.value,
                                   reason="reported_by_readers", details={"reports": count}))
    # Webhooks: the report, and the move back to held when the threshold was reached (this transaction).
    webhook_events.record(session, "comment.reported", comment_id, actor="reader",
                          report={"reason": reason, "count": int(count or 0)})
    if held:
        webhook_events.record(session, "comment.held", comment_id, actor="reader")
    return Reported(comment_id, int(count or 0), held, _serializer(settings).dumps(reader))
