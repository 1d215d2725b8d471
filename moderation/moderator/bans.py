"""Bans (author by keyed email index, or address range; optional end) and revealing an email (audited)."""
from __future__ import annotations

import ipaddress
from datetime import timedelta

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from moderation import privacy
from moderation.errors import NotFound, ValidationFailed
from moderation.models import AuditEntry, Author, Comment, utcnow
from moderation.moderator.auth import Actor
from moderation.moderator.models import Ban
from moderation.settings import Settings

# Wider ranges would ban whole providers; a moderator who needs that can still list ranges in TOML.
MIN_PREFIX = {4: 16, 6: 32}


def _comment(session: Session, comment_id: int) -> Comment:
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise NotFound("No such comment.")
    return comment


def _audit(session: Session, actor: Actor, comment: Comment, action: str, reason: str, **details: object) -> None:
    session.add(AuditEntry(comment_id=comment.id, actor=actor.label, moderator_id=actor.moderator_id, action=action,
                           from_status=comment.status, to_status=comment.status, reason=reason[:500], details=details))


def check_range(value: str) -> str:
    """A CIDR range no wider than /16 (IPv4) or /32 (IPv6), normalised."""
    try:
        network = ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        raise ValidationFailed("Please correct the fields listed.", {"ip_range": "not an address range such as 203.0.113.0/24"}) from None
    if network.prefixlen < MIN_PREFIX[network.version]:
        raise ValidationFailed("Please correct the fields listed.",
                               {"ip_range": f"too wide: at most /{MIN_PREFIX[network.version]} for IPv{network.version}"})
    return str(network)


def ban(session: Session, actor: Actor, comment_id: int, kind: str, ip_range: str | None, hours: int | None,
        reason: str) -> Ban:
    """Ban the comment's author or an address range on the comment's site; new comments go to spam."""
    comment = _comment(session, comment_id)
    site_id = comment.thread.site_id
    actor.require("ban", [site_id])
    until = utcnow() + timedelta(hours=hours) if hours else None
    row = Ban(site_id=site_id, kind=kind, comment_id=comment.id, reason=reason[:500], moderator_id=actor.moderator_id,
              until=until)
    if kind == "email":
        author: Author = comment.author
        if not author.email_bidx:
            raise ValidationFailed("Please correct the fields listed.", {"kind": "this author gave no email; ban the address range"})
        author.banned, author.banned_until = True, until
        row.author_id = author.id
    else:
        source = ip_range or comment.ip_prefix
        if not source:
            raise ValidationFailed("Please correct the fields listed.", {"ip_range": "required: the comment's address was purged"})
        row.ip_range = check_range(source)
    session.add(row)
    session.flush()
    _audit(session, actor, comment, "ban", reason, ban_id=row.id, kind=kind, ip_range=row.ip_range,
           until=until.isoformat() if until else None)
    return row


def lift(session: Session, actor: Actor, ban_id: int) -> Ban:
    """Lift a ban (kept for the record); an author stays banned while another ban of theirs is active."""
    row = session.get(Ban, ban_id)
    if row is None:
        raise NotFound("No such ban.")
    actor.require("ban", [row.site_id])
    now = utcnow()
    row.lifted_at = row.lifted_at or now
    if row.kind == "email" and row.author_id is not None:
        others = session.scalars(select(Ban).where(Ban.author_id == row.author_id, Ban.id != row.id,
                                                   Ban.lifted_at.is_(None), or_(Ban.until.is_(None), Ban.until > now))).first()
        author = session.get(Author, row.author_id)
        if author is not None and others is None:
            author.banned, author.banned_until = False, None
    if row.comment_id is not None:
        _audit(session, actor, _comment(session, row.comment_id), "unban", f"ban {row.id} lifted", ban_id=row.id)
    return row


def active(session: Session, actor: Actor) -> list[Ban]:
    """Bans in force on the actor's sites, newest first."""
    actor.require("ban")
    now = utcnow()
    stmt = select(Ban).where(Ban.lifted_at.is_(None), or_(Ban.until.is_(None), Ban.until > now)).order_by(Ban.id.desc())
    if actor.sites is not None:
        stmt = stmt.where(Ban.site_id.in_(sorted(actor.sites)))
    return list(session.scalars(stmt.limit(500)))


# Prebuilt: the scoring worker runs this for every comment.
_ACTIVE_IP_RANGES = select(Ban.ip_range).where(
    Ban.site_id == bindparam("site_id"), Ban.kind == "ip", Ban.lifted_at.is_(None),
    or_(Ban.until.is_(None), Ban.until > bindparam("now")))


def active_ip_ranges(session: Session, site_id: str) -> list[str]:
    """Address ranges banned on a site now (the scoring worker adds them to the policy's list)."""
    rows = session.connection().execute(_ACTIVE_IP_RANGES, {"site_id": site_id, "now": utcnow()})
    return [r for (r,) in rows if r]


def reveal_email(session: Session, settings: Settings, actor: Actor, comment_id: int, reason: str) -> str:
    """The author's full address, for admins only, with an audit row saying who asked and why."""
    comment = _comment(session, comment_id)
    site_id = comment.thread.site_id
    actor.require("reveal_email", [site_id])
    author: Author = comment.author
    if not author.email_bidx or not author.email_enc:
        raise NotFound("This author gave no email address.")
    email = privacy.decrypt_email(settings, author.email_enc, privacy.author_aad(site_id, author.email_bidx))
    _audit(session, actor, comment, "reveal_email", reason)
    return email
